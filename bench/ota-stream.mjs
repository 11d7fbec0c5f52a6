// Child process of bench/ota.mjs (issue 17 item 4): a generated 256 MiB image streamed in
// chunks (never held whole) is cut into blocks, every block encoded as its OTA message
// (ZCL Image Block Response or IC 18 image_block_transfer) and the image hashed with
// SHA-256 (node:crypto), in one pass. Prints {blocks, ms, peakRssGrowthMiB, sha256} as
// JSON on the last line. One configuration per process, so peak RSS is this pass's own.
//   node bench/ota-stream.mjs <core|core-reuse|ts> <zcl|ic18> <blockSize> [dist/index.js of the TS path]
// `core`: this build's encodeBlockMessages(source, { sha256: true }) (batches copied out);
// `core-reuse`: the same with `reuse: true` (each batch a view, consumed before the next).
// `ts`: the TypeScript path of the given build (default this one): per chunk cutBlocks +
// encodeZclOta / encodeImageBlockTransfer per block + createSha256().update(chunk); with
// GBCS_BENCH_BASELINE that is the code as it was when the issue was filed.
import { pathToFileURL } from 'node:url';

const [mode, format, sizeArg, libArg] = process.argv.slice(2);
const blockSize = Number(sizeArg);
const lib = await import(libArg ? pathToFileURL(libArg).href : new URL('../dist/index.js', import.meta.url).href);
const MIB = 1 << 20;
const SIZE = 256 * MIB;
// Chunks are whole blocks (4096 of them, the last chunk shorter), content varies per chunk.
const CHUNK = blockSize * 4096;
const base = new Uint8Array(CHUNK).map((_, i) => (i * 2654435761) >>> 24);
function* source() {
  const b = new Uint8Array(CHUNK);
  for (let o = 0, i = 0; o < SIZE; o += CHUNK, i++) {
    b.set(base);
    new DataView(b.buffer).setUint32(0, i);
    yield o + CHUNK <= SIZE ? b : b.subarray(0, SIZE - o);
  }
}
const id = { manufacturerCode: 0x121d, imageType: 0x0084, fileVersion: 0x01020304 };

global.gc?.();
const rss0 = process.memoryUsage().rss;
let peak = rss0;
let blocks = 0;
let bytes = 0;
let digest;
const t0 = performance.now();
if (mode === 'core' || mode === 'core-reuse') {
  let n = 0;
  for await (const b of lib.encodeBlockMessages(source(), { format, blockSize, imageId: id, sha256: true, reuse: mode === 'core-reuse' })) {
    blocks += b.count;
    bytes += b.bytes.length;
    if (b.sha256) digest = b.sha256;
    if ((n++ & 15) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
} else {
  const h = await lib.createSha256();
  let offset = 0;
  let n = 0;
  for (const chunk of source()) {
    h.update(chunk);
    for (const b of lib.cutBlocks(chunk, blockSize)) {
      const m = format === 'zcl'
        ? lib.encodeZclOta({ command: 'image-block-response', status: 0, ...id, fileOffset: offset + b.offset, data: b.data }, { sequence: blocks & 0xff })
        : lib.encodeImageBlockTransfer({ blockNumber: blocks, data: b.data });
      blocks++;
      bytes += m.length;
    }
    offset += chunk.length;
    if ((n++ & 15) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  digest = await h.digest();
}
const ms = performance.now() - t0;
peak = Math.max(peak, process.memoryUsage().rss);
console.log(JSON.stringify({ blocks, bytes, ms, peakRssGrowthMiB: (peak - rss0) / MIB, sha256: Buffer.from(digest).toString('hex') }));
