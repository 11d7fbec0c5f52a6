// Envelope decode throughput: WASM one call per frame vs WASM batch vs a plain-JS walk of
// the same envelope, at the index level and with full GbcsFrame objects.
import { instantiateSync } from '@assemblyscript/loader';
import Benchmark from 'benchmark';
import { Bench } from 'tinybench';
import { decodeFrame, decodeFrameBatch, decodeFrames, scanFrames } from '../dist/index.js';
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
        name: 'WASM, batch: copy in + one call (records + cursor columns)',
        fn: () => {
          copyBatch();
          sink += core.exports.decodeBatch(frames.length, 1);
        },
      },
      {
        name: 'WASM, batch kernel only (frames already in memory; records + cursor columns)',
        fn: () => {
          sink += core.exports.decodeBatch(frames.length, 1);
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

  const api = await runCases(
    'Envelope decode, public API (bytes input): single, batch of objects, batch cursor, columnar batch, and the hand walk',
    [
      { name: 'decodeFrame() per frame', fn: () => { for (const f of frames) sink += decodeFrame(f).messageCode; } },
      { name: 'decodeFrames() batch', fn: () => { for (const f of decodeFrames(frames)) sink += f.messageCode ?? 0; } },
      { name: 'scanFrames() batch cursor, message code', fn: () => { scanFrames(frames, (c) => { sink += c.messageCode; }); } },
      { name: 'scanFrames() batch cursor, code + CRA + title and counter offsets', fn: () => { scanFrames(frames, (c) => { sink += c.messageCode + c.craFlag + c.originatorOffset + c.recipientOffset + c.counterOffset; }); } },
      { name: 'decodeFrameBatch() columns, message code', fn: () => { const c = decodeFrameBatch(frames).messageCodes; for (let i = 0; i < c.length; i++) sink += c[i]; } },
      {
        name: 'decodeFrameBatch() columns, code + CRA + title and counter offsets',
        fn: () => {
          const b = decodeFrameBatch(frames);
          const [m, c, o, r, n] = [b.messageCodes, b.craFlags, b.originatorOffsets, b.recipientOffsets, b.counterOffsets];
          for (let i = 0; i < m.length; i++) sink += m[i] + c[i] + o[i] + r[i] + n[i];
        },
      },
      {
        name: 'decodeFrame() + read originator, counter, content',
        fn: () => {
          for (const f of frames) {
            const d = decodeFrame(f);
            sink += d.originator.length + Number(d.originatorCounter & 1n) + d.content.length;
          }
        },
      },
      { name: 'hand walk in plain JS (bench/plainWalker.mjs, no GBT), one call per frame', fn: () => { for (const f of plainFrames) sink += plainWalk(f, rec); } },
    ],
    { units: frames.length, bytes },
  );
  {
    // Issue 12 item 3, from this table's one run: per frame, each batch reader against
    // decodeFrame (wants >= 2x for a cursor/columnar reader, >= 1x for decodeFrames) and
    // against the hand walk (wants >= 0.5x: within 2x of it).
    const single = api[0].perSec;
    const walk = api[api.length - 1].perSec;
    const parts = api.slice(1, 6).map((r) => `${r.name}: ${(r.perSec / single).toFixed(2)}x decodeFrame, ${(r.perSec / walk).toFixed(2)}x hand walk`);
    console.log(`Batch per frame [bytes], same run (item 3 wants >= 2.00x decodeFrame for a cursor/columnar batch, >= 0.50x hand walk): ${parts.join('; ')}`);
  }
  // Cross-check of the harness: the same case measured by Benchmark.js, which uses its own
  // sampling and statistics. The two should agree within noise (±15%). On a shared machine
  // the load changes between two measurements seconds apart (a 0.61 "disagreement" was
  // that), so tinybench measures the case right before and right after Benchmark.js, with
  // the same body and input, and the ratio is taken to their mean; the spread of the two
  // tinybench runs is printed as the load drift the comparison cannot beat.
  const body = () => {
    for (const f of frames) sink += decodeFrame(f).messageCode;
  };
  const tinyOnce = async () => {
    const b = new Bench({ time: 1000, warmupTime: 200 });
    b.add('decodeFrame() per frame', body);
    await b.run();
    return (1000 / b.tasks[0].result.period) * frames.length;
  };
  const before = await tinyOnce();
  const bjs = await new Promise((resolve) => {
    new Benchmark('decodeFrame() per frame', body, { maxTime: 1, onComplete: (e) => resolve(e.target) }).run();
  });
  const after = await tinyOnce();
  const tinyMsgs = (before + after) / 2;
  const bjsMsgs = bjs.hz * frames.length;
  const ratio = bjsMsgs / tinyMsgs;
  const drift = Math.abs(before - after) / tinyMsgs;
  console.log(
    `\nHarness cross-check, decodeFrame() per frame [bytes]: tinybench ${Math.round(tinyMsgs).toLocaleString('en')} msg/s (before ${Math.round(before).toLocaleString('en')}, after ${Math.round(after).toLocaleString('en')}: load drift ${(drift * 100).toFixed(0)}%), Benchmark.js ${Math.round(bjsMsgs).toLocaleString('en')} msg/s (±${bjs.stats.rme.toFixed(1)}%), ratio ${ratio.toFixed(2)} (${Math.abs(ratio - 1) <= 0.15 ? 'agree within ±15%' : drift > 0.15 ? 'outside ±15%, with the machine load drifting as much' : 'outside ±15%'})`,
  );
  if (sink === 42) console.log('');
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
