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

/**
 * The table of a paired run (this build vs the baseline build, same rows): `rows` are
 * { name, input, a: { perSec, rme }, b?: { perSec } } with perSec in items/s.
 */
export function printPairedTable(heading, note, rows, { units, bytes }) {
  console.log(`\n## ${heading}`);
  if (note) console.log(note);
  console.log('| case | input | msg/s | ns/msg | MB/s | ±% | baseline msg/s | x baseline |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const { name, input, a, b } of rows) {
    const mb = bytes ? ((a.perSec / units) * bytes) / 1e6 : undefined;
    console.log(`| ${name} | ${input} | ${Math.round(a.perSec).toLocaleString('en')} | ${(1e9 / a.perSec).toFixed(0)} | ${mb?.toFixed(1) ?? '-'} | ${a.rme.toFixed(1)} | ${b ? Math.round(b.perSec).toLocaleString('en') : '-'} | ${b ? `${(a.perSec / b.perSec).toFixed(2)}x` : '-'} |`);
  }
  return rows.map(({ name, input, a, b }) => ({ name, input, perSec: a.perSec, base: b?.perSec }));
}
