// Child process of bench/ota.mjs: assembles a generated 256 MiB signed image through a file sink
// (255-byte ZigBee-sized blocks for the first 16 MiB, then 64 KiB blocks) and prints peak RSS
// growth and the elapsed time as JSON rows on the last line.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GBCS_TRAILER_LENGTH, ImageAssembler, encodeGbcsTrailer, encodeOtaHeader, otaHeaderLength, signManufacturerImage } from '../dist/index.js';

const MIB = 1 << 20;
const SIZE = 256 * MIB;
const base = new Uint8Array(MIB).map((_, i) => (i * 2654435761) >>> 24);
function chunk(i, out) {
  out.set(base);
  new DataView(out.buffer).setUint32(0, i);
  return out;
}
async function* mi() {
  const b = new Uint8Array(MIB);
  for (let i = 0; i < SIZE / MIB; i++) yield chunk(i, b);
}

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keys = async (_e, _u, o) => (o?.privateKey ? privateKey : publicKey);
const header = { manufacturerCode: 0x121d, imageType: 0, fileVersion: 2 };
const hl = otaHeaderLength(header);
const total = hl + SIZE + GBCS_TRAILER_LENGTH;
const sig = await signManufacturerImage(mi(), keys, 'x');
const dir = mkdtempSync(join(tmpdir(), 'gbcs-ota-bench-'));
global.gc?.();
const rss0 = process.memoryUsage().rss;
let peak = rss0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
const t0 = performance.now();
const a = new ImageAssembler({ size: total, blockSize: 65536, file: join(dir, 'big.bin'), keys, signers: ['x'] });
a.accept(0, encodeOtaHeader(header, total));
a.accept(total - GBCS_TRAILER_LENGTH, encodeGbcsTrailer(sig));
const b = new Uint8Array(MIB);
for (let i = 0; i < SIZE / MIB; i++) {
  const c = chunk(i, b);
  const step = i < 16 ? 255 : 65536;
  for (let o = 0; o < MIB; o += step) a.accept(hl + i * MIB + o, c.subarray(o, Math.min(o + step, MIB)));
  sample();
}
const res = await a.finish(sample);
const ms = performance.now() - t0;
sample();
rmSync(dir, { recursive: true, force: true });
if (!res.ok) throw new Error(res.problems.join('; '));
console.log(
  JSON.stringify([
    { metric: '256 MiB assembly + verify (file sink)', value: `${(ms / 1000).toFixed(2)} s, ${((SIZE / MIB) / (ms / 1000)).toFixed(0)} MiB/s` },
    { metric: '256 MiB assembly peak RSS growth', value: `${((peak - rss0) / MIB).toFixed(1)} MiB (${(((peak - rss0) / SIZE) * 100).toFixed(1)}% of image)` },
  ]),
);
