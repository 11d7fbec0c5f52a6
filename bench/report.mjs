// Shared tinybench runner: each case processes `units` items per call (e.g. the whole
// corpus); the table gives items/s, MB/s and the ratio to the first (baseline) case,
// all from one run so the ratios are comparable on a noisy shared machine.
import { Bench } from 'tinybench';

export async function runCases(title, cases, { units, bytes, unitName = 'msg', time = 800 } = {}) {
  const bench = new Bench({ time, warmupTime: 200 });
  for (const c of cases) bench.add(c.name, c.fn);
  await bench.run();
  const rows = bench.tasks.map((t) => {
    const r = t.result;
    if (r.state !== 'completed') throw new Error(`${t.name}: ${r.state} ${r.error ?? ''}`);
    const perSec = 1000 / r.period;
    return { name: t.name, perSec, periodMs: r.period, rme: r.latency.rme };
  });
  const base = rows[0].perSec;
  console.log(`\n## ${title}`);
  console.log(`| case | ${unitName}/s | MB/s | ns/${unitName} | ratio to first | ±% |`);
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const u = r.perSec * (units ?? 1);
    const mb = bytes ? ((r.perSec * bytes) / 1e6).toFixed(1) : '-';
    console.log(`| ${r.name} | ${Math.round(u).toLocaleString('en')} | ${mb} | ${(1e9 / u).toFixed(0)} | ${(r.perSec / base).toFixed(2)}x | ${r.rme.toFixed(1)} |`);
  }
  return rows;
}
