// Throughput from the inputs users have (issue 12): text input (hex, base64) against
// Node's Buffer.from, decode from hex / base64 / bytes, batch vs single, the columnar
// batch cursor vs the minimal hand walk, lazy one field vs full decode. Every row names
// its input form. GBCS_BENCH_DIST=<dir> measures another build (e.g. main's dist) with
// the same cases; cases whose API that build lacks are skipped and say so.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { corpusBytes, loadCorpus } from './corpus.mjs';
import { plainWalk } from './plainWalker.mjs';
import { runCases } from './report.mjs';

export const distDir = resolve(process.env.GBCS_BENCH_DIST ?? new URL('../dist', import.meta.url).pathname);
const lib = await import(pathToFileURL(join(distDir, 'index.js')).href);

export async function run() {
  const { name, frames } = loadCorpus();
  const bytes = corpusBytes(frames);
  const hex = frames.map((f) => Buffer.from(f).toString('hex'));
  const b64 = frames.map((f) => Buffer.from(f).toString('base64'));
  const hexChars = hex.reduce((n, h) => n + h.length, 0);
  const b64Chars = b64.reduce((n, h) => n + h.length, 0);
  console.log(`\nThroughput corpus: ${name}, ${bytes} bytes; dist ${distDir}`);
  let sink = 0;
  const { decodeFrame, decodeFrames, toBytes, scanFrames } = lib;

  await runCases(
    'Text input to bytes (input form named per row; MB/s of decoded bytes)',
    [
      { name: 'Buffer.from(hex text, "hex") (reference)', fn: () => { for (const h of hex) sink += Buffer.from(h, 'hex').length; } },
      { name: 'toBytes(hex text)', fn: () => { for (const h of hex) sink += toBytes(h).length; } },
      { name: 'Buffer.from(base64 text, "base64") (reference)', fn: () => { for (const h of b64) sink += Buffer.from(h, 'base64').length; } },
      { name: 'toBytes(base64 text)', fn: () => { for (const h of b64) sink += toBytes(h).length; } },
    ],
    { units: frames.length, bytes },
  );
  console.log(`(hex text ${hexChars} chars, base64 text ${b64Chars} chars per pass)`);

  const plainFrames = frames.filter((f) => f[0] === 0xdf || f[1] === 0x00); // the JS walk has no GBT path
  const rec = new Int32Array(32);
  const batchCases = [
    { name: 'hand walk in plain JS, bytes input (bench/plainWalker.mjs; no GBT)', fn: () => { for (const f of plainFrames) sink += plainWalk(f, rec); } },
    { name: 'decodeFrame() per frame, bytes input', fn: () => { for (const f of frames) sink += decodeFrame(f).messageCode; } },
    { name: 'decodeFrames() batch, bytes input', fn: () => { for (const f of decodeFrames(frames)) sink += f.messageCode ?? 0; } },
  ];
  if (scanFrames) {
    batchCases.push({ name: 'scanFrames() batch cursor: message code, bytes input', fn: () => { scanFrames(frames, (c) => { sink += c.messageCode; }); } });
    batchCases.push({
      name: 'scanFrames() batch cursor: code + CRA + counter offset, bytes input',
      fn: () => { scanFrames(frames, (c) => { if (c.ok) sink += c.messageCode + c.craFlag + c.counterOffset; }); },
    });
    batchCases.push({ name: 'scanFrames() batch cursor: message code, hex text input', fn: () => { scanFrames(hex, (c) => { sink += c.messageCode; }); } });
  } else console.log('(scanFrames not in this build: cursor rows skipped)');
  await runCases('Envelope: batch vs single vs hand walk', batchCases, { units: frames.length, bytes });

  const full = (f) => { const p = decodeFrame(f).payload; if (p && p.format !== 'unknown') sink += p.decoded.format.length; };
  await runCases(
    'Full decode (envelope + payload.decoded) and lazy one field, by input form',
    [
      { name: 'full decode, bytes input', fn: () => { for (const f of frames) full(f); } },
      { name: 'full decode, hex text input', fn: () => { for (const f of hex) full(f); } },
      { name: 'full decode, base64 text input', fn: () => { for (const f of b64) full(f); } },
      { name: 'envelope only, hex text input', fn: () => { for (const f of hex) sink += decodeFrame(f).messageCode; } },
      { name: 'lazy one field (payload.kind), bytes input', fn: () => { for (const f of frames) sink += decodeFrame(f).payload?.kind.length ?? 0; } },
      { name: 'lazy one field (payload.kind), hex text input', fn: () => { for (const f of hex) sink += decodeFrame(f).payload?.kind.length ?? 0; } },
    ],
    { units: frames.length, bytes },
  );
  if (sink === 0.5) console.log(sink);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
