// OTA benchmarks: streaming SHA-256 vs node:crypto one-shot on the same buffer; block cutting and
// block serving rates; peak memory of the 256 MiB file-sink assembly (separate child process, so
// the figure is not polluted by this process's buffers).
// Run: npm run build && node bench/ota.mjs
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { BlockServer, ImageAssembler, buildUpgradeImage, createSha256, cutBlocks, encodeZclOta } from '../dist/index.js';

const MIB = 1 << 20;

function rate(task, unitsPerIter) {
  const r = task.result;
  const mean = r.latency?.mean ?? r.mean; // ms
  return (unitsPerIter * 1000) / mean;
}

export async function run() {
  const buf = new Uint8Array(16 * MIB);
  for (let i = 0; i < buf.length; i += 65536) buf.set(createHash('sha256').update(String(i)).digest(), i);
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keys = async (eui, usage, o) => (o?.privateKey ? privateKey : publicKey);
  const image = await buildUpgradeImage({ header: { manufacturerCode: 0x121d, imageType: 0, fileVersion: 1 }, manufacturerImage: buf.subarray(0, 4 * MIB), keys, signer: '90b3d51f30010000' });
  const server = await BlockServer.fromImage(image);
  const id = server.imageId;

  const bench = new Bench({ time: 1500, warmupTime: 200 });
  bench
    .add('node:crypto one-shot SHA-256, 16 MiB', () => {
      createHash('sha256').update(buf).digest();
    })
    .add('streaming SHA-256 (1 MiB chunks), 16 MiB', async () => {
      const h = await createSha256();
      for (let o = 0; o < buf.length; o += MIB) h.update(buf.subarray(o, o + MIB));
      await h.digest();
    })
    .add('cut 4 MiB image into 64-byte blocks', () => {
      let n = 0;
      for (const b of cutBlocks(image, 64)) n += b.data.length;
      if (n !== image.length) throw new Error('cut');
    })
    .add('serve 1000 Image Block Requests (64 B) + encode responses', async () => {
      for (let i = 0; i < 1000; i++) {
        const r = await server.imageBlock({ command: 'image-block-request', ...id, fileOffset: (i * 64 * 61) % (image.length - 64), maxDataSize: 64 });
        encodeZclOta(r, { sequence: i & 0xff });
      }
    })
    .add('assemble 4 MiB in memory from 255-byte blocks (accept only)', () => {
      const a = new ImageAssembler({ size: image.length, blockSize: 255 });
      for (const b of cutBlocks(image, 255)) a.accept(b.offset, b.data);
      a.abandon();
    });
  await bench.run();
  const [oneShot, streaming, cut, serve, assemble] = bench.tasks;
  const oneShotRate = rate(oneShot, 16);
  const streamRate = rate(streaming, 16);
  const rows = [
    { metric: 'SHA-256 one-shot (node:crypto)', value: `${oneShotRate.toFixed(0)} MiB/s` },
    { metric: 'SHA-256 streaming (ours)', value: `${streamRate.toFixed(0)} MiB/s` },
    { metric: 'streaming / one-shot ratio', value: (streamRate / oneShotRate).toFixed(3) },
    { metric: 'block cutting (64 B views)', value: `${(rate(cut, Math.ceil(image.length / 64)) / 1e6).toFixed(2)} M blocks/s` },
    { metric: 'block serving (64 B, memory, encoded)', value: `${(rate(serve, 1000) / 1e3).toFixed(0)} k blocks/s` },
    { metric: 'assembly accept (255 B blocks, memory)', value: `${(rate(assemble, image.length / MIB)).toFixed(0)} MiB/s` },
  ];
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(new URL('./ota-memory.mjs', import.meta.url))], { encoding: 'utf8' });
  if (child.status === 0) rows.push(...JSON.parse(child.stdout.trim().split('\n').pop()));
  else rows.push({ metric: '256 MiB assembly', value: `failed: ${child.stderr.slice(0, 200)}` });
  console.log('\nOTA');
  console.table(rows);
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
