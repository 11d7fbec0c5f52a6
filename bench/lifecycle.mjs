// Firmware lifecycle benchmarks: upgrade planning over a 10,000-entry Firmware
// Information Repository (MP231), and loading that repository from CSV.
// Run after `npm run build`: node bench/lifecycle.mjs
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { FirmwareRepository, loadRepositoryCsv, planUpgrade, repositoryToCsv } from '../dist/lifecycle/index.js';

/** 10,000 releases of one model; each may go over 1-3 of the previous 20 (a DAG). */
function makeEntries(n = 10_000) {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const out = [];
  for (let i = 0; i < n; i++) {
    const k = i === 0 ? 0 : 1 + Math.floor(rnd() * 3);
    const upgradePath = [];
    for (let j = 0; j < k; j++) upgradePath.push(`R${Math.max(0, i - 1 - Math.floor(rnd() * 20))}`);
    out.push({
      entryId: `R${i}`, deviceType: 'ESME', manufacturer: 'ACME', model: 'E1',
      firmwareVersion: i.toString(16).padStart(8, '0'),
      manufacturerImageHash: createHash('sha256').update(`R${i}`).digest('hex'), upgradePath,
    });
  }
  return out;
}

export async function run() {
  const entries = makeEntries();
  const repo = new FirmwareRepository(entries);
  const csv = repositoryToCsv(repo);
  const cyclic = new FirmwareRepository(entries.map((e) => (e.entryId === 'R100' ? { ...e, upgradePath: [...e.upgradePath, 'R9000'] } : e)));
  // R0 records a path to an id the repository lacks: no entry has an empty (unrecorded) path, so a
  // route back from R0 does not exist (MP231: an empty path would be planned over, with a warning).
  const rooted = new FirmwareRepository(entries.map((e) => (e.entryId === 'R0' ? { ...e, upgradePath: ['R-withdrawn'] } : e)));
  const full = planUpgrade(repo, 'R0', 'R9999');
  if (!full.ok) throw full.error;

  const bench = new Bench({ time: 500 });
  bench
    .add('plan R0 -> R9999 (whole 10,000-entry ancestry)', () => planUpgrade(repo, 'R0', 'R9999'))
    .add('plan R9990 -> R9999 (recent releases)', () => planUpgrade(repo, 'R9990', 'R9999'))
    .add('plan R9999 -> R0 over an unrecorded path (warning)', () => planUpgrade(repo, 'R9999', 'R0'))
    .add('plan refused: no path (R9999 -> R0, nothing unrecorded)', () => planUpgrade(rooted, 'R9999', 'R0'))
    .add("plan R0 -> R9999, reading 'sequence'", () => planUpgrade(repo, 'R0', 'R9999', { reading: 'sequence' }))
    .add('plan refused: cycle on the route', () => planUpgrade(cyclic, 'R0', 'R9999'))
    .add('load 10,000 entries from CSV (csv-parse)', () => loadRepositoryCsv(csv))
    .add('export 10,000 entries to CSV (formula-guarded)', () => repositoryToCsv(repo));
  await bench.run();

  console.log(`Firmware lifecycle: planning on ${repo.size} entries (full plan has ${full.steps.length} steps)`);
  const rows = bench.tasks.map((t) => {
    const r = t.result;
    const mean = r.latency?.mean ?? r.mean;
    return { task: t.name, 'mean ms': mean.toFixed(3), 'ops/s': Math.round(1000 / mean), samples: r.latency?.samplesCount };
  });
  console.table(rows);
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
