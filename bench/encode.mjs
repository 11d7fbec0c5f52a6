// Encoder throughput (issue 17): the replaced TypeScript encoders (test/legacy, bundled
// in this run) vs the WASM core, one call per item and batched. Ratios are to the first
// row of each table, all from one run.
import { decodeFrame, encodeFrame, encodeFrames, frameInitOf } from '../dist/index.js';
import { corpusBytes, loadCorpus } from './corpus.mjs';
import { loadLegacy } from './legacy.mjs';
import { runCases } from './report.mjs';

export async function run() {
  const legacy = await loadLegacy('encodeTs.ts');
  const { name, frames } = loadCorpus();
  const inits = frames.map((f) => frameInitOf(decodeFrame(f)));
  const bytes = corpusBytes(frames);
  console.log(`\nEncoder corpus: ${name}, ${bytes} bytes, mean ${(bytes / frames.length).toFixed(0)} B/frame`);
  let sink = 0;
  await runCases(
    `Envelope encode, ${frames.length} RTDS frames as FrameInit objects`,
    [
      { name: 'TypeScript encodeFrame (replaced), one call per frame', fn: () => { for (const f of inits) sink += legacy.encodeFrame(f).length; } },
      { name: 'core encodeFrame, one call per frame', fn: () => { for (const f of inits) sink += encodeFrame(f).length; } },
      { name: 'core encodeFrames, whole corpus per call', fn: () => { for (const b of encodeFrames(inits)) sink += b.length; } },
    ],
    { units: frames.length, bytes },
  );
  // A single tiny frame: a GBT acknowledgement (~46 bytes), the worst case for the
  // per-call staging cost.
  const ack = {
    kind: 'gbt', cra: 'response', originatorCounter: 0x2000n, originator: '00db1234567890a0', recipient: '90b3d51f30010000',
    messageCode: 0x0012, gbt: { blockNumber: 1, blockNumberAck: 1, blockData: new Uint8Array(0) },
  };
  const acks = Array.from({ length: 1000 }, (_, i) => ({ ...ack, gbt: { ...ack.gbt, blockNumberAck: i } }));
  await runCases(
    'Envelope encode, a tiny GBT acknowledgement frame (1000 per pass)',
    [
      { name: 'TypeScript encodeFrame (replaced), one call per frame', fn: () => { for (const f of acks) sink += legacy.encodeFrame(f).length; } },
      { name: 'core encodeFrame, one call per frame', fn: () => { for (const f of acks) sink += encodeFrame(f).length; } },
      { name: 'core encodeFrames, 1000 per call', fn: () => { for (const b of encodeFrames(acks)) sink += b.length; } },
    ],
    { units: acks.length, unitName: 'frame' },
  );
  if (sink === 0.5) console.log(sink);
}
