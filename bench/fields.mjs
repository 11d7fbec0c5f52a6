// Field access benchmarks (issue 13, tinybench): what `gbcs decode` does per frame for each
// output form, over the RTDS corpus (or the project's fixtures): --json (the reference),
// --fields (3 fields, tsv), --fields with --filter, --hexdump, and the API's
// frame.fieldList() and compiled filter. Every row decodes the frames from bytes first.
// Then "offsets not read" (issue 13 item 1): full decode, and full decode + typed view,
// paired with GBCS_BENCH_BASELINE (a build without typed-view spans) in the same run.
// Last, where one line of `gbcs decode --json -` goes on one thread (issue 12 item 5), in
// process: hex text lines through the CLI's per-line work, part by part.
// Run: npm run build && GBCS_BENCH_BASELINE=/tmp/base12/dist/index.js node bench/fields.mjs
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { compileFilter, decodeFrame, decodeFrames, fromHex, readTypedView } from '../dist/index.js';
import { renderFrame } from '../dist/cli/render.js';
import { writeFrameJson } from '../dist/cli/frameJson.js';
import { JsonWriter } from '../dist/payload/json.js';
import { loadBaseline, runPaired } from './throughput.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function corpus() {
  const dir = join(process.env.GBCS_RTDS_DIR ?? resolve(here, '../../shared/rtds'), 'RTDS-4.5.0');
  let frames;
  if (existsSync(dir)) {
    frames = [];
    for (const d of readdirSync(dir)) for (const f of readdirSync(join(dir, d))) frames.push(fromHex(readFileSync(join(dir, d, f), 'utf8')));
  } else frames = readFileSync(join(here, '../test/fixtures/frames.hex'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map(fromHex);
  // Frames whose payload decodes (the others are error lines on every path).
  return frames.filter((f) => {
    try { decodeFrame(f).fieldList(); return true; } catch { return false; }
  });
}

export async function run() {
  const frames = corpus();
  const fields = { names: ['gbcs.envelope.message_code', 'gbcs.envelope.originator', 'dlms.spec.obis'], format: 'tsv', aggregator: ',', occurrence: 'all' };
  const modes = {
    '--json': true,
    '--fields (3 fields, tsv)': { json: false, fields },
    '--fields --filter': { json: false, fields, filter: 'gbcs.envelope.cra == "response" && !dlms.result' },
    '--hexdump': { json: false, hexdump: true },
  };
  const filter = compileFilter('gbcs.envelope.use_case matches "^ECS" && dlms.result != 0');
  let sink = 0;
  const bench = new Bench({ time: 1500, warmupTime: 300 });
  for (const [name, mode] of Object.entries(modes)) {
    bench.add(`decode ${name}`, async () => {
      for (const f of frames) sink += (await renderFrame(decodeFrame(f), mode)).text.length;
    });
  }
  bench
    .add('API: frame.fieldList() (every field, offset, length)', () => {
      for (const f of frames) sink += decodeFrame(f).fieldList().length;
    })
    .add('API: compiled filter .test(frame)', () => {
      for (const f of frames) sink += filter.test(decodeFrame(f)) ? 1 : 0;
    });
  await bench.run();
  const rows = bench.tasks.map((t) => {
    const mean = t.result.latency?.mean ?? t.result.mean;
    return { task: t.name, msgPerSec: Math.round((frames.length * 1000) / mean), nsPerMsg: Math.round((mean * 1e6) / frames.length) };
  });
  console.log(`fields bench over ${frames.length} frames`);
  console.table(rows);
  const ns = Object.fromEntries(rows.map((r) => [r.task, r.nsPerMsg]));
  console.log(`ratios: --json / --fields = ${(ns['decode --json'] / ns['decode --fields (3 fields, tsv)']).toFixed(2)}x (above 1: --fields is faster); ` +
    `--json / --fields --filter = ${(ns['decode --json'] / ns['decode --fields --filter']).toFixed(2)}x; --json / --hexdump = ${(ns['decode --json'] / ns['decode --hexdump']).toFixed(2)}x`);
  await offsetsNotRead(frames);
  await cliPerLine(frames);
  if (sink === 0.5) console.log(sink);
  return rows;
}

/**
 * Issue 12 item 5: where the time of one line of `gbcs decode --json -` (one thread) goes,
 * in process (no process start, no stdin/stdout): the corpus as hex text lines through what
 * the CLI does per line (decodeFrames over a batch of lines, then the record written as
 * bytes by cli/frameJson.ts writeFrameJson), each row adding one part to the one above.
 * The CLI lines/s rows (bench/parallel.mjs) add start-up, line splitting and the writes.
 */
async function cliPerLine(frames) {
  const lines = frames.map((f) => Buffer.from(f).toString('hex'));
  const w = new JsonWriter(1 << 20);
  let sink = 0;
  const each = (f) => () => {
    for (const fr of decodeFrames(lines)) {
      w.pos = 0;
      f(fr);
      sink += w.pos;
    }
  };
  const parts = [
    ['decodeFrames (hex text lines, one WASM batch)', each((fr) => (sink += fr.messageCode))],
    ['+ envelope members (frame.writeJsonMembers)', each((fr) => fr.writeJsonMembers(w))],
    ['+ payload tree built and written (JsonWriter.value(payload.decoded))', each((fr) => {
      fr.writeJsonMembers(w);
      if (fr.payloadFormat !== 'unknown') w.value(fr.payload.decoded);
    })],
    ['+ typed view = the whole record (writeFrameJson)', each((fr) => writeFrameJson(w, fr))],
  ];
  const bench = new Bench({ time: 1000, warmupTime: 200 });
  for (const [name, fn] of parts) bench.add(name, fn);
  await bench.run();
  console.log(`\n## gbcs decode --json -, one thread: per line in process (${lines.length} RTDS hex text lines; each row adds one part)`);
  console.log('| case | us/line | part us/line | part share | ±% |\n|---|---:|---:|---:|---:|');
  const us = bench.tasks.map((t) => ((t.result.latency?.mean ?? t.result.mean) * 1000) / lines.length);
  const whole = us[us.length - 1];
  bench.tasks.forEach((t, k) => {
    const part = k === 0 ? us[0] : us[k] - us[k - 1];
    console.log(`| ${t.name} | ${us[k].toFixed(2)} | ${part.toFixed(2)} | ${((100 * part) / whole).toFixed(0)}% | ${(t.result.latency?.rme ?? t.result.rme).toFixed(1)} |`);
  });
  if (sink === 0.5) console.log(sink);
}

/**
 * Issue 13 item 1, "at no cost to callers who don't read them": full decode and full decode
 * + typed view with no offset read, paired with GBCS_BENCH_BASELINE (a build without
 * typed-view spans, e.g. /tmp/base12/dist/index.js) in one tinybench run; the spans-read row
 * is this build only (the baseline has no spans).
 */
async function offsetsNotRead(frames) {
  const baseline = await loadBaseline();
  const firmware = frames.filter((f) => {
    try { return readTypedView(decodeFrame(f))?.module.family === 'firmware'; } catch { return false; }
  });
  let sink = 0;
  // Every node of the tree reached (trees build nodes on first read: bench/tree.mjs), with
  // or without reading each node's offset and length. Named reads per node kind.
  const walker = (offsets) => {
    const at = (n) => (offsets ? (n.offset ?? 0) + (n.length ?? 0) : 1);
    const data = (d) => {
      let n = at(d);
      const items = d.items ?? d.rows;
      if (items) for (let k = 0; k < items.length; k++) n += data(items[k]);
      return n;
    };
    const der = (a) => {
      let n = at(a);
      const c = a.children;
      if (c) for (let k = 0; k < c.length; k++) n += der(c[k]);
      return n;
    };
    const list = (xs, f) => {
      let n = 0;
      if (xs) for (let k = 0; k < xs.length; k++) n += f(xs[k]);
      return n;
    };
    const spec = (x) => at(x) + (x.selectorParameters ? data(x.selectorParameters) : 0);
    const comp = (c) => at(c) + (c.command ? at(c.command) : 0);
    const result = (r) => at(r);
    return (p) => {
      if (p.format === 'DLMS') return at(p) + (p.body ? data(p.body) : list(p.specs, spec) + list(p.data, data) + list(p.results, result));
      if (p.format === 'GBZ') return at(p) + list(p.components, comp);
      return at(p) + der(p.root);
    };
  };
  const noOffsets = walker(false);
  const withOffsets = walker(true);
  const full = (l, input, visit = noOffsets) => () => {
    for (const f of input) {
      const p = l.decodeFrame(f).payload;
      if (p && p.format !== 'unknown') sink += visit(p.decoded);
    }
  };
  const withView = (l, input) => () => {
    for (const f of input) {
      const fr = l.decodeFrame(f);
      sink += noOffsets(fr.payload.decoded) + (l.decodeFirmwareMessage(fr) ? 1 : 0);
    }
  };
  const bytes = frames.reduce((n, f) => n + f.length, 0);
  console.log(`\nOffsets not read: ${frames.length} frames, ${firmware.length} with a firmware typed view${baseline ? `; baseline ${baseline.path}` : ''}`);
  await runPaired('Full decode, offsets not read (issue 13 item 1)', [
    { name: 'full decode, every node reached, offsets not read', input: 'bytes', make: (l) => full(l, frames) },
    { name: 'full decode, every node reached and its offset/length read', input: 'bytes', paired: false, make: (l) => full(l, frames, withOffsets) },
  ], { units: frames.length, bytes, baseline, time: 1500 });
  await runPaired('Full decode + typed view, offsets not read (issue 13 item 1)', [
    { name: 'full decode + typed view (decodeFirmwareMessage), offsets not read', input: 'bytes', make: (l) => withView(l, firmware) },
    { name: 'full decode + typed view + its spans read (readTypedView().spans)', input: 'bytes', paired: false, make: (l) => () => {
      for (const f of firmware) {
        const fr = l.decodeFrame(f);
        sink += noOffsets(fr.payload.decoded) + Object.keys(l.readTypedView(fr).spans).length;
      }
    } },
  ], { units: firmware.length, bytes: firmware.reduce((n, f) => n + f.length, 0), baseline, time: 1500 });
  if (sink === 0.5) console.log(sink);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
