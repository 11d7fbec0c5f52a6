// 256 MiB image, generated and streamed (never committed, never held whole in memory): signed by
// the streaming signer, cut into blocks fed out of order to a file-sink assembler, verified.
// Peak memory is sampled during the run and asserted well below the image size.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { GBCS_TRAILER_LENGTH, ImageAssembler, encodeGbcsTrailer, encodeOtaHeader, otaHeaderLength, sha256, signManufacturerImage, toHex, type OtaHeaderInit } from '../src/index.js';
import { SUPPLIER, generatedKeys, prng } from './ota-helpers.js';

const MIB = 1 << 20;
const MI_SIZE = 256 * MIB;
const CHUNK = MIB;
const BLOCK = 64 * 1024;
const tmp = mkdtempSync(join(tmpdir(), 'gbcs-ota-large-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Chunk i = a fixed random MiB with i stamped in: distinct, reproducible, cheap to regenerate.
const base = prng(CHUNK, 77);
function chunk(i: number, out: Uint8Array): Uint8Array {
  out.set(base);
  new DataView(out.buffer, out.byteOffset).setUint32(0, i);
  return out;
}
async function* manufacturerImage(): AsyncGenerator<Uint8Array> {
  const buf = new Uint8Array(CHUNK);
  for (let i = 0; i < MI_SIZE / CHUNK; i++) yield chunk(i, buf);
}

it('assembles and verifies a 256 MiB image through a file sink in bounded memory', async () => {
  const keys = generatedKeys(SUPPLIER);
  const header: OtaHeaderInit = { manufacturerCode: 0x121d, imageType: 0, fileVersion: 0x0a0b0c0d, headerString: 'large streamed test image' };
  const hl = otaHeaderLength(header);
  const total = hl + MI_SIZE + GBCS_TRAILER_LENGTH;
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sample = () => {
    const r = process.memoryUsage().rss;
    if (r > peak) peak = r;
  };
  const timer = setInterval(sample, 20);

  const signature = await signManufacturerImage(manufacturerImage(), keys, SUPPLIER);
  const expectedHash = toHex(await sha256(manufacturerImage()));
  sample();

  const file = join(tmp, 'big.bin');
  const asm = new ImageAssembler({ size: total, blockSize: BLOCK, file, keys, signers: [SUPPLIER], expectedHash });
  asm.accept(0, encodeOtaHeader(header, total));
  asm.accept(total - GBCS_TRAILER_LENGTH, encodeGbcsTrailer(signature));
  // Feed the image in 64 KiB blocks at their file offsets, each MiB's blocks in reverse order.
  const buf = new Uint8Array(CHUNK);
  for (let i = 0; i < MI_SIZE / CHUNK; i++) {
    const c = chunk(i, buf);
    for (let o = CHUNK - BLOCK; o >= 0; o -= BLOCK) {
      const r = asm.accept(hl + i * CHUNK + o, c.subarray(o, o + BLOCK));
      if (r.status !== 'new') throw new Error(`block at ${hl + i * CHUNK + o}: ${r.status}`);
    }
    if ((i & 15) === 0) sample();
  }
  expect(asm.complete).toBe(true);
  const res = await asm.finish(sample);
  clearInterval(timer);
  sample();
  const growth = (peak - rss0) / MIB;
  console.log(`[ota] 256 MiB assembly via file sink: peak RSS growth ${growth.toFixed(1)} MiB (RSS ${(rss0 / MIB).toFixed(0)} -> ${(peak / MIB).toFixed(0)} MiB)`);
  expect(res.problems).toEqual([]);
  expect(res.ok).toBe(true);
  expect(res.manufacturerImageHash).toBe(expectedHash);
  expect(res.signature!.state).toBe('valid');
  expect(statSync(file).size).toBe(total);
  // Bounded: far below the 256 MiB image (generous for GC jitter on a shared machine).
  expect(growth).toBeLessThan(64);
}, 120_000);
