// OTA benchmarks: streaming SHA-256 vs node:crypto one-shot on the same buffer; block cutting and
// block serving rates; peak memory of the 256 MiB file-sink assembly (separate child process, so
// the figure is not polluted by this process's buffers).
// Run: npm run build && node bench/ota.mjs
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { pathToFileURL } from 'node:url';
import { BlockServer, ImageAssembler, buildUpgradeImage, createSha256, cutBlocks, decodeZclOta, decodeZclOtaBatch, encodeZclOta } from '../dist/index.js';
import { runCases } from './report.mjs';

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
  // Issue 17: ZigBee OTA requests decoded by the core in batches, and a block server
  // answering a batch (one decode call, one block-response encode call) vs one by one.
  const baselinePath = process.env.GBCS_BENCH_BASELINE;
  const baseline = baselinePath ? await import(pathToFileURL(baselinePath).href) : undefined;
  const requests = Array.from({ length: 1000 }, (_, i) => encodeZclOta({ command: 'image-block-request', ...id, fileOffset: (i * 64 * 61) % (image.length - 64), maxDataSize: 64 }, { sequence: i & 0xff }));
  let sink = 0;
  await runCases(
    'Image Block Request decode, 1000 frames',
    [
      { name: 'TypeScript decodeZclOta (kept for one frame), one call per frame', fn: () => { for (const f of requests) sink += decodeZclOta(f).sequence; } },
      { name: 'core decodeZclOtaBatch, one call per frame', fn: () => { for (const f of requests) sink += decodeZclOtaBatch([f])[0].sequence; } },
      { name: 'core decodeZclOtaBatch, 1000 per call', fn: () => { for (const f of decodeZclOtaBatch(requests)) sink += f.sequence; } },
    ],
    { units: requests.length, unitName: 'request' },
  );
  const cases = [];
  if (baseline) {
    const old = await baseline.BlockServer.fromImage(image);
    cases.push({ name: 'baseline build: BlockServer.handle per request', fn: async () => { for (const f of requests) sink += (await old.handle(f)).length; } });
  }
  cases.push(
    { name: 'BlockServer.handle per request', fn: async () => { for (const f of requests) sink += (await server.handle(f)).length; } },
    { name: 'BlockServer.handleBatch, 1000 per call', fn: async () => { for (const r of await server.handleBatch(requests)) sink += r.length; } },
  );
  await runCases(`Block server answering 1000 Image Block Requests (64 B, memory image)${baseline ? `, baseline ${baselinePath}` : ''}`, cases, { units: requests.length, unitName: 'request' });
  if (sink === 0.5) console.log(sink);
  // Issue 17 item 4: a 256 MiB image streamed through chunk + encode + SHA-256 in one pass,
  // one child process per configuration (peak RSS is the pass's own).
  const stream = (mode, format, size, lib) => {
    const args = [fileURLToPath(new URL('./ota-stream.mjs', import.meta.url)), mode, format, String(size), ...(lib ? [lib] : [])];
    const r = spawnSync(process.execPath, ['--expose-gc', ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ota-stream ${args.join(' ')}: ${r.stderr.slice(0, 300)}`);
    return JSON.parse(r.stdout.trim().split('\n').pop());
  };
  // SHA-256 alone over the same 256 MiB: no pass that hashes can take less, so
  // baseline time / this time is the highest ratio any such pass can print (the ceiling column).
  const shaT0 = performance.now();
  const sh = createHash('sha256');
  for (let o = 0; o < 256 * MIB; o += 16 * MIB) sh.update(buf);
  sh.digest();
  const shaMs = performance.now() - shaT0;
  const streamRows = [];
  for (const [format, size] of [['zcl', 64], ['zcl', 255], ['ic18', 64], ['ic18', 1024]]) {
    const core = stream('core', format, size);
    const reuse = stream('core-reuse', format, size);
    const ts = stream('ts', format, size, baselinePath);
    if (core.sha256 !== ts.sha256 || core.bytes !== ts.bytes || reuse.bytes !== ts.bytes) throw new Error(`ota-stream ${format} ${size}: outputs differ`);
    streamRows.push({
      case: `${format === 'zcl' ? 'ZCL' : 'IC 18'} ${size} B`,
      blocks: core.blocks,
      'core M blocks/s': (core.blocks / core.ms / 1000).toFixed(2),
      'core peak RSS growth MiB': core.peakRssGrowthMiB.toFixed(0),
      [`${baseline ? 'baseline' : 'TS path'} M blocks/s`]: (ts.blocks / ts.ms / 1000).toFixed(2),
      [`${baseline ? 'baseline' : 'TS path'} peak RSS MiB`]: ts.peakRssGrowthMiB.toFixed(0),
      ratio: `${(ts.ms / core.ms).toFixed(1)}x`,
      'zero-copy M blocks/s': (reuse.blocks / reuse.ms / 1000).toFixed(2),
      'zero-copy peak RSS MiB': reuse.peakRssGrowthMiB.toFixed(0),
      'zero-copy ratio': `${(ts.ms / reuse.ms).toFixed(1)}x`,
      'ceiling (SHA-256 alone)': `${(ts.ms / shaMs).toFixed(1)}x`,
    });
  }
  console.log(`\n256 MiB streamed image: chunk + encode every block + SHA-256 (node:crypto) in one pass; TS path = ${baseline ? `baseline ${baselinePath}` : 'this build'} cutBlocks + encodeZclOta/encodeImageBlockTransfer per block + createSha256`);
  console.table(streamRows);
  console.log(`SHA-256 alone over 256 MiB: ${shaMs.toFixed(0)} ms (the floor of any pass that hashes, inline or on another thread; ceiling = ${baseline ? 'baseline' : 'TS path'} ms / this)`);
  rows.push(...streamRows.map((r) => ({ metric: `256 MiB stream ${r.case} (core, SHA-256 inline)`, value: `${r['core M blocks/s']} M blocks/s, peak RSS +${r['core peak RSS growth MiB']} MiB, ${r.ratio} the ${baseline ? 'baseline' : 'TS path'}; zero-copy ${r['zero-copy ratio']}, +${r['zero-copy peak RSS MiB']} MiB; SHA-256 ceiling ${r['ceiling (SHA-256 alone)']}` })));
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(new URL('./ota-memory.mjs', import.meta.url))], { encoding: 'utf8' });
  if (child.status === 0) rows.push(...JSON.parse(child.stdout.trim().split('\n').pop()));
  else rows.push({ metric: '256 MiB assembly', value: `failed: ${child.stderr.slice(0, 200)}` });
  console.log('\nOTA');
  console.table(rows);
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
