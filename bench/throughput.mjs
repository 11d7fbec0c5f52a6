// Throughput from the inputs users have (issue 12): text input (hex, base64) against Node's
// Buffer.from, decode from hex / base64 / bytes, batch vs single vs the minimal hand walk,
// lazy one field vs full decode. Every row names its input form.
// GBCS_BENCH_BASELINE=<another build's dist/index.js> (e.g. main before a change) runs the
// same rows against that build in the same tinybench run: the `x baseline` column is the
// before/after ratio of one run on one machine.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import * as current from '../dist/index.js';
import { corpusBytes, loadCorpus } from './corpus.mjs';
import { plainWalk } from './plainWalker.mjs';
import { printPairedTable } from './report.mjs';

export async function loadBaseline() {
  const b = process.env.GBCS_BENCH_BASELINE;
  return b ? { path: b, lib: await import(pathToFileURL(resolve(b)).href) } : undefined;
}

/**
 * Runs `cases` (name, input form, fn(lib) or undefined when the build lacks the API) for the
 * current build and the baseline in one tinybench run; prints one table.
 */
export async function runPaired(title, cases, { units, bytes, baseline, time = 700, rounds = 3 }) {
  // The machine is shared: a load change during a run moves whole stretches of it. So the
  // cases run in `rounds` short tinybench runs, one after another (each case once per round,
  // so every row samples the whole span), and each row reports its median round.
  const tasks = [];
  const fns = [];
  for (const c of cases) {
    const fn = c.make(current);
    if (!fn) continue;
    fns.push([`${c.name} [${c.input}]`, fn]);
    const bfn = baseline && c.paired !== false ? c.make(baseline.lib) : undefined;
    if (bfn) fns.push([`baseline: ${c.name} [${c.input}]`, bfn]);
    tasks.push({ c, hasBase: Boolean(bfn) });
  }
  const samples = new Map(fns.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({ time: time / rounds, iterations: Math.ceil(64 / rounds), warmupTime: r === 0 ? 150 : 30 });
    for (const [name, fn] of fns) bench.add(name, fn);
    await bench.run();
    for (const t of bench.tasks) {
      if (t.result.state !== 'completed') throw new Error(`${t.name}: ${t.result.state} ${t.result.error ?? ''}`);
      samples.get(t.name).push(t.result);
    }
  }
  const rate = (name) => {
    const rs = [...samples.get(name)].sort((a, b) => a.period - b.period);
    const r = rs[rs.length >> 1];
    return { perSec: (1000 / r.period) * units, rme: r.latency.rme };
  };
  return printPairedTable(title, `(median of ${rounds} rounds; ±% is that round's)`, tasks.map(({ c, hasBase }) => {
    const k = `${c.name} [${c.input}]`;
    return { name: c.name, input: c.input, a: rate(k), b: hasBase ? rate(`baseline: ${k}`) : undefined };
  }), { units, bytes });
}

/**
 * Issue 12 item 3 in one line per input form, from the rows of one run: each batch reader
 * per frame against decodeFrame() of this build (wants >= 2x for a cursor/columnar reader,
 * and decodeFrames >= 1x), against decodeFrame() of the baseline build, and against the
 * hand walk (wants >= 0.5x: within 2x of it; the walk takes bytes, so only for bytes).
 */
function printBatchRatios(rows, input) {
  const at = (prefix) => rows.find((r) => r.name.startsWith(prefix) && r.input === input);
  const single = at('decodeFrame() per frame');
  if (!single) return;
  const walk = input === 'bytes' ? rows.find((r) => r.name.startsWith('hand walk')) : undefined;
  const parts = [];
  for (const name of ['decodeFrames() batch', 'scanFrames() batch cursor, message code', 'scanFrames() batch cursor, code', 'decodeFrameBatch() columns, message code', 'decodeFrameBatch() columns, code']) {
    const r = at(name);
    if (!r) continue;
    let p = `${r.name}: ${(r.perSec / single.perSec).toFixed(2)}x decodeFrame`;
    if (single.base) p += `, ${(r.perSec / single.base).toFixed(2)}x baseline decodeFrame`;
    if (walk) p += `, ${(r.perSec / walk.perSec).toFixed(2)}x hand walk`;
    parts.push(p);
  }
  console.log(`Batch per frame vs single [${input}], same run (item 3 wants >= 2.00x decodeFrame for a cursor/columnar batch and >= 0.50x hand walk): ${parts.join('; ')}`);
}

export async function run() {
  const { name, frames } = loadCorpus();
  const baseline = await loadBaseline();
  const bytes = corpusBytes(frames);
  const hex = frames.map((f) => Buffer.from(f).toString('hex'));
  const b64 = frames.map((f) => Buffer.from(f).toString('base64'));
  console.log(`\nThroughput corpus: ${name}, ${bytes} bytes${baseline ? `; baseline ${baseline.path}` : ''}`);
  let sink = 0;
  const opts = { units: frames.length, bytes, baseline };

  const text = await runPaired(
    'Text input to bytes (MB/s of decoded bytes)',
    [
      { name: 'Buffer.from(text, "hex"), reference', input: 'hex text', paired: false, make: () => () => { for (const h of hex) sink += Buffer.from(h, 'hex').length; } },
      { name: 'toBytes()', input: 'hex text', make: (l) => () => { for (const h of hex) sink += l.toBytes(h).length; } },
      { name: 'Buffer.from(text, "base64"), reference', input: 'base64 text', paired: false, make: () => () => { for (const h of b64) sink += Buffer.from(h, 'base64').length; } },
      { name: 'toBytes()', input: 'base64 text', make: (l) => () => { for (const h of b64) sink += l.toBytes(h).length; } },
    ],
    opts,
  );

  const rate = (name, input) => text.find((r) => r.name.startsWith(name) && r.input === input).perSec;
  console.log(
    `toBytes() as a share of Buffer.from speed (issue 12 item 1 wants >= 0.90): hex text ${(rate('toBytes', 'hex text') / rate('Buffer.from', 'hex text')).toFixed(2)}x, base64 text ${(rate('toBytes', 'base64 text') / rate('Buffer.from', 'base64 text')).toFixed(2)}x`,
  );

  const plainFrames = frames.filter((f) => f[0] === 0xdf || f[1] === 0x00); // the JS walk has no GBT path
  const rec = new Int32Array(32);
  const env = await runPaired(
    'Envelope: batch vs single vs the minimal hand walk',
    [
      { name: 'hand walk in plain JS (bench/plainWalker.mjs, no GBT)', input: 'bytes', paired: false, make: () => () => { for (const f of plainFrames) sink += plainWalk(f, rec); } },
      { name: 'decodeFrame() per frame', input: 'bytes', make: (l) => () => { for (const f of frames) sink += l.decodeFrame(f).messageCode; } },
      { name: 'decodeFrames() batch', input: 'bytes', make: (l) => () => { for (const f of l.decodeFrames(frames)) sink += f.messageCode ?? 0; } },
      { name: 'scanFrames() batch cursor, message code', input: 'bytes', make: (l) => l.scanFrames && (() => { l.scanFrames(frames, (c) => { sink += c.messageCode; }); }) },
      { name: 'scanFrames() batch cursor, code + CRA + title and counter offsets', input: 'bytes', make: (l) => l.scanFrames && (() => { l.scanFrames(frames, (c) => { sink += c.messageCode + c.craFlag + c.originatorOffset + c.recipientOffset + c.counterOffset; }); }) },
      { name: 'decodeFrameBatch() columns, message code', input: 'bytes', make: (l) => l.decodeFrameBatch && (() => { const c = l.decodeFrameBatch(frames).messageCodes; for (let i = 0; i < c.length; i++) sink += c[i]; }) },
      {
        name: 'decodeFrameBatch() columns, code + CRA + title and counter offsets',
        input: 'bytes',
        make: (l) =>
          l.decodeFrameBatch &&
          (() => {
            const b = l.decodeFrameBatch(frames);
            const [m, c, o, r, n] = [b.messageCodes, b.craFlags, b.originatorOffsets, b.recipientOffsets, b.counterOffsets];
            for (let i = 0; i < m.length; i++) sink += m[i] + c[i] + o[i] + r[i] + n[i];
          }),
      },
      { name: 'decodeFrame() per frame', input: 'hex text', make: (l) => () => { for (const f of hex) sink += l.decodeFrame(f).messageCode; } },
      { name: 'scanFrames() batch cursor, message code', input: 'hex text', make: (l) => l.scanFrames && (() => { l.scanFrames(hex, (c) => { sink += c.messageCode; }); }) },
      { name: 'decodeFrameBatch() columns, message code', input: 'hex text', make: (l) => l.decodeFrameBatch && (() => { const c = l.decodeFrameBatch(hex).messageCodes; for (let i = 0; i < c.length; i++) sink += c[i]; }) },
      { name: 'decodeFrame() per frame', input: 'base64 text', make: (l) => () => { for (const f of b64) sink += l.decodeFrame(f).messageCode; } },
      { name: 'decodeFrameBatch() columns, message code', input: 'base64 text', make: (l) => l.decodeFrameBatch && (() => { const c = l.decodeFrameBatch(b64).messageCodes; for (let i = 0; i < c.length; i++) sink += c[i]; }) },
    ],
    // More, longer rounds than the other tables: the item-3 ratios compare rows ~60 ns apart,
    // and on a shared machine a load change moves a 3-round median by more than that.
    { ...opts, rounds: 5, time: 1500 },
  );
  printBatchRatios(env, 'bytes');
  printBatchRatios(env, 'hex text');

  const full = (l, f) => {
    const p = l.decodeFrame(f).payload;
    if (p && p.format !== 'unknown') sink += p.decoded.format.length;
  };
  await runPaired(
    'Full decode (envelope + payload.decoded) and lazy one field',
    [
      { name: 'full decode', input: 'bytes', make: (l) => () => { for (const f of frames) full(l, f); } },
      { name: 'full decode', input: 'hex text', make: (l) => () => { for (const f of hex) full(l, f); } },
      { name: 'full decode', input: 'base64 text', make: (l) => () => { for (const f of b64) full(l, f); } },
      { name: 'lazy one field (payload.kind)', input: 'bytes', make: (l) => () => { for (const f of frames) sink += l.decodeFrame(f).payload?.kind.length ?? 0; } },
      { name: 'lazy one field (payload.kind)', input: 'hex text', make: (l) => () => { for (const f of hex) sink += l.decodeFrame(f).payload?.kind.length ?? 0; } },
    ],
    opts,
  );
  if (sink === 0.5) console.log(sink);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
