// Full decode (envelope + whole payload tree) and the lazy path, issue 12 item 2, over the
// RTDS corpus (bench/corpus.mjs). Every row names its input form. With
// GBCS_BENCH_BASELINE=<another build's dist/index.js> (e.g. the commit before a change)
// each row also runs against that build in the same tinybench run (`x baseline`), and
// the "lazy vs full" lines give how much cheaper one field is than the whole tree, for
// this build and the baseline.
// Run: npm run build && GBCS_BENCH_BASELINE=/path/to/base/dist/index.js node bench/tree.mjs
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import * as current from '../dist/index.js';
import { corpusBytes, loadCorpus } from './corpus.mjs';
import { printPairedTable } from './report.mjs';
import { loadBaseline } from './throughput.mjs';

/**
 * runPaired (throughput.mjs) in ROUNDS interleaved rounds: each round runs every row for this
 * build and the baseline one after the other (time / ROUNDS ms each), and each task keeps its
 * best round. On a machine shared with other work, load only ever slows a task down; a ratio
 * from one long run per side moved by +-20% between runs, best-of-rounds on both sides
 * much less. Same table as runPaired, same rows.
 */
const ROUNDS = 4;
async function runPaired(title, cases, { units, bytes, baseline, time = 700 }) {
  const tasks = [];
  for (const c of cases) {
    const fn = c.make(current);
    if (!fn) continue;
    const bfn = baseline && c.paired !== false ? c.make(baseline.lib) : undefined;
    tasks.push({ c, fn, bfn, best: undefined, bestBase: undefined });
  }
  const better = (a, r) => (r && r.state === 'completed' && (!a || r.period < a.period) ? r : a);
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: Math.max(100, Math.round(time / ROUNDS)), warmupTime: round === 0 ? 150 : 50 });
    for (const [k, t] of tasks.entries()) {
      bench.add(`${k}`, t.fn);
      if (t.bfn) bench.add(`b${k}`, t.bfn);
    }
    await bench.run();
    const res = new Map(bench.tasks.map((t) => [t.name, t.result]));
    for (const [k, t] of tasks.entries()) {
      t.best = better(t.best, res.get(`${k}`));
      if (t.bfn) t.bestBase = better(t.bestBase, res.get(`b${k}`));
    }
  }
  const rate = (r, name) => {
    if (!r) throw new Error(`${name}: no completed round`);
    return { perSec: (1000 / r.period) * units, rme: r.latency.rme };
  };
  return printPairedTable(`${title} (best of ${ROUNDS} interleaved rounds per side)`, '', tasks.map((t) => ({
    name: t.c.name,
    input: t.c.input,
    a: rate(t.best, t.c.name),
    b: t.bfn ? rate(t.bestBase, `baseline ${t.c.name}`) : undefined,
  })), { units, bytes });
}

export async function run() {
  const { name, frames } = loadCorpus();
  const baseline = await loadBaseline();
  const bytes = corpusBytes(frames);
  const hex = frames.map((f) => Buffer.from(f).toString('hex'));
  const b64 = frames.map((f) => Buffer.from(f).toString('base64'));
  const of = (fmt) => frames.filter((f) => {
    try { return current.decodeFrame(f).payloadFormat === fmt; } catch { return false; }
  });
  const dlms = of('DLMS'), gbz = of('GBZ'), asn1 = of('ASN.1');
  console.log(`\nTree corpus: ${name}, ${bytes} bytes (DLMS ${dlms.length}, GBZ ${gbz.length}, ASN.1 ${asn1.length} payloads)${baseline ? `; baseline ${baseline.path}` : ''}`);
  // One module instance of the reading tasks per build (see treeVisit.mjs).
  const tasks = (l) => (l === current ? mine : theirs);
  const mine = await import('./treeVisit.mjs?lib=current');
  const theirs = await import('./treeVisit.mjs?lib=baseline');
  const full = (l, input) => tasks(l).full(l, input);
  const every = (l, input) => tasks(l).every(l, input);
  const everyJson = (l, input) => tasks(l).everyJson(l, input);
  const lazy = (l, input) => tasks(l).lazy(l, input);
  const rows = await runPaired(
    'Full decode (envelope + whole payload tree) vs lazy one field',
    [
      { name: 'full decode', input: 'bytes', make: (l) => full(l, frames) },
      { name: 'full decode', input: 'hex text', make: (l) => full(l, hex) },
      { name: 'full decode', input: 'base64 text', make: (l) => full(l, b64) },
      { name: 'full decode, every node reached (items/rows/children read)', input: 'bytes', make: (l) => every(l, frames) },
      { name: 'full decode, every node reached (items/rows/children read)', input: 'hex text', make: (l) => every(l, hex) },
      { name: 'full decode, every node reached + JSON text (JSON.stringify(payload.toJSON()))', input: 'bytes', make: (l) => everyJson(l, frames) },
      { name: 'lazy one field (payload.length + get(0))', input: 'bytes', make: (l) => lazy(l, frames) },
      { name: 'lazy one field (payload.length + get(0))', input: 'hex text', make: (l) => lazy(l, hex) },
    ],
    { units: frames.length, bytes, baseline, time: 1600 },
  );
  const rate = (n, input) => rows.find((r) => r.name.startsWith(n) && r.input === input);
  for (const input of ['bytes', 'hex text']) {
    const z = rate('lazy one field', input);
    for (const full of ['full decode', 'full decode, every node']) {
      const f = rows.find((r) => (full === 'full decode' ? r.name === full : r.name.startsWith(full)) && r.input === input);
      console.log(`lazy one field vs ${full} [${input}]: ${(z.perSec / f.perSec).toFixed(2)}x cheaper${f.base ? ` (baseline ${(z.base / f.base).toFixed(2)}x)` : ''}`);
    }
  }
  for (const [label, input] of [['DLMS', dlms], ['GBZ', gbz], ['ASN.1', asn1]]) {
    await runPaired(`Full decode, ${label} payloads only`, [{ name: `full decode, ${label} (${input.length} frames)`, input: 'bytes', make: (l) => full(l, input) }],
      { units: input.length, bytes: corpusBytes(input), baseline, time: 700 });
  }
  if (mine.sinkValue() + theirs.sinkValue() === 0.5) console.log('sink');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
