// Envelope decode throughput: WASM one call per frame vs WASM batch vs a plain-JS walk of
// the same envelope, at the index level and with full GbcsFrame objects.
import { instantiateSync } from '@assemblyscript/loader';
import Benchmark from 'benchmark';
import { decodeFrame, decodeFrames } from '../dist/index.js';
import { WASM_BASE64 } from '../dist/generated/wasm-binary.js';
import { wasmCore } from '../dist/wasm/core.js';
import { REC_WORDS } from '../dist/wasm/layout.js';
import { corpusBytes, loadCorpus } from './corpus.mjs';
import { plainWalk } from './plainWalker.mjs';
import { runCases } from './report.mjs';

export async function run() {
  const { name, frames } = loadCorpus();
  const plainFrames = frames.filter((f) => f[0] === 0xdf || f[1] === 0x00); // the JS walk has no GBT path
  const bytes = corpusBytes(frames);
  console.log(`\nEnvelope corpus: ${name}, ${bytes} bytes, mean ${(bytes / frames.length).toFixed(0)} B/frame`);

  const core = wasmCore();
  core.reserve(bytes);
  const decodeOne = core.exports.decodeOne;
  const loaded = instantiateSync(Buffer.from(WASM_BASE64, 'base64'), {}).exports;
  const loaderMem = () => new Uint8Array(loaded.memory.buffer);
  const loaderIn = loaded.inputPtr() >>> 0;
  const rec = new Int32Array(REC_WORDS);
  let sink = 0;

  const copyBatch = () => {
    const u8 = core.u8;
    const u32 = core.u32;
    let off = 0;
    for (let i = 0; i < frames.length; i++) {
      u8.set(frames[i], core.inputPtr + off);
      u32[core.tableWord + 2 * i] = off;
      u32[core.tableWord + 2 * i + 1] = frames[i].length;
      off += frames[i].length;
    }
  };

  await runCases(
    'Envelope walk to an index (no objects)',
    [
      {
        name: 'WASM, one call per frame (raw glue)',
        fn: () => {
          const u8 = core.u8;
          for (const f of frames) {
            u8.set(f, core.inputPtr);
            sink += decodeOne(f.length);
          }
        },
      },
      {
        name: 'WASM, one call per frame (@assemblyscript/loader)',
        fn: () => {
          const u8 = loaderMem();
          for (const f of frames) {
            u8.set(f, loaderIn);
            sink += loaded.decodeOne(f.length);
          }
        },
      },
      {
        name: 'WASM, batch: copy in + one call',
        fn: () => {
          copyBatch();
          sink += core.exports.decodeBatch(frames.length);
        },
      },
      {
        name: 'WASM, batch kernel only (frames already in memory)',
        fn: () => {
          sink += core.exports.decodeBatch(frames.length);
        },
        setup: copyBatch,
      },
      {
        name: 'plain JS walk, one call per frame (same checks, same index)',
        fn: () => {
          for (const f of plainFrames) sink += plainWalk(f, rec);
        },
      },
    ].map((c) => {
      if (c.setup) c.setup();
      return c;
    }),
    { units: frames.length, bytes },
  );

  const rows = await runCases(
    'Envelope decode to GbcsFrame objects (public API)',
    [
      { name: 'decodeFrame() per frame', fn: () => { for (const f of frames) sink += decodeFrame(f).messageCode; } },
      { name: 'decodeFrames() batch', fn: () => { for (const f of decodeFrames(frames)) sink += f.messageCode ?? 0; } },
      {
        name: 'decodeFrame() + read originator, counter, content',
        fn: () => {
          for (const f of frames) {
            const d = decodeFrame(f);
            sink += d.originator.length + Number(d.originatorCounter & 1n) + d.content.length;
          }
        },
      },
    ],
    { units: frames.length, bytes },
  );
  // Cross-check of the harness: the same case measured by Benchmark.js, which uses its own
  // sampling and statistics. The two should agree within noise.
  const tiny = rows.find((r) => r.name === 'decodeFrame() per frame');
  const bjs = await new Promise((resolve) => {
    new Benchmark('decodeFrame() per frame', () => {
      for (const f of frames) sink += decodeFrame(f).messageCode;
    }, { maxTime: 1, onComplete: (e) => resolve(e.target) }).run();
  });
  const tinyMsgs = tiny.perSec * frames.length;
  const bjsMsgs = bjs.hz * frames.length;
  console.log(`\nHarness cross-check, decodeFrame() per frame: tinybench ${Math.round(tinyMsgs).toLocaleString('en')} msg/s, Benchmark.js ${Math.round(bjsMsgs).toLocaleString('en')} msg/s (±${bjs.stats.rme.toFixed(1)}%), ratio ${(bjsMsgs / tinyMsgs).toFixed(2)}`);
  if (sink === 42) console.log('');
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
