// Field access benchmarks (issue 13, tinybench): what `gbcs decode` does per frame for each
// output form, over the RTDS corpus (or the project's fixtures): --json (the reference),
// --fields (3 fields, tsv), --fields with --filter, --hexdump, and the API's
// frame.fieldList() and compiled filter. Every row decodes the frames from bytes first.
// Run: npm run build && node bench/fields.mjs
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { compileFilter, decodeFrame, fromHex } from '../dist/index.js';
import { renderFrame } from '../dist/cli/render.js';

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
  if (sink === 0.5) console.log(sink);
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
