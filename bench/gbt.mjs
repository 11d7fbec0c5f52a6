// GBT reassembly throughput (blocks/s) and Boost Function Event Log decode time for a
// full 23-entry log. Ratios in each table are to its first row, from the same run.
import {
  GbtReassembler,
  decodeBoostLog,
  decodeBoostLogResponse,
  decodeFrame,
  decodeReadBoostButtonDataResponse,
  encodeBoostLog,
  encodeBoostLogResponse,
  segmentMessage,
  selectBoostPeriods,
} from '../dist/index.js';
import { loadCorpus } from './corpus.mjs';
import { runCases } from './report.mjs';

function shuffled(items, seed) {
  let a = seed >>> 0;
  const rand = () => ((a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 4294967296);
  const out = [...items];
  for (const it of items) if (rand() < 0.2) out.push(it);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export async function run() {
  const { name, frames } = loadCorpus();
  // Give every message its own counter so all conversations are distinct (RTDS reuses
  // counters); crypto fields are not checked here.
  const messages = [];
  for (const [i, f] of frames.entries()) {
    const frame = decodeFrame(f);
    if (frame.kind === 'gbt') continue;
    const b = f.slice();
    new DataView(b.buffer).setBigUint64(frame.layout.counter, BigInt(i + 1));
    messages.push(b);
  }
  for (const blockSize of [64, 255]) {
    const segs = messages.flatMap((m) => segmentMessage(m, { blockSize }));
    const mixed = shuffled(segs, 7);
    const bytes = segs.reduce((n, s) => n + s.length, 0);
    console.log(`\nGBT corpus: ${name}; ${messages.length} messages in ${segs.length} blocks of <= ${blockSize} B`);
    let sink = 0;
    await runCases(
      `GBT reassembly, block size ${blockSize} (per block)`,
      [
        { name: 'decodeFrame of each block only (floor)', fn: () => { for (const s of segs) sink += decodeFrame(s).gbt.blockNumber; } },
        { name: 'GbtReassembler.push, in order', fn: () => { const r = new GbtReassembler(); for (const s of segs) sink += r.push(s).status.length; } },
        { name: 'GbtReassembler.push, shuffled + 20% duplicates', fn: () => { const r = new GbtReassembler(); for (const s of mixed) sink += r.push(s).status.length; } },
        { name: 'segmentMessage (split the corpus)', fn: () => { for (const m of messages) sink += segmentMessage(m, { blockSize }).length; } },
      ],
      { units: segs.length, bytes, unitName: 'block' },
    );
    if (sink === 0.5) console.log(sink);
  }

  const base = 757_000_000; // 2023-12-27
  const entries = Array.from({ length: 23 }, (_, i) => ({ start: base + i * 86400, end: base + i * 86400 + 3600 + (i % 4) * 900 }));
  const log = encodeBoostLog(entries);
  const rsp = encodeBoostLogResponse(1000n, entries);
  const ecs61c = Uint8Array.from([...rsp.subarray(0, 7), 0x03, 0x03, 0xff, ...log, 0x03, 0xff, 0x03, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00]);
  ecs61c[7] = 0x03;
  const decoded = decodeBoostLog(log);
  let sink = 0;
  await runCases(
    `Boost Function Event Log, full 23-entry log (${log.length} B buffer)`,
    [
      { name: 'decodeBoostLog (compact-array buffer)', fn: () => { sink += decodeBoostLog(log).entries.length; } },
      { name: 'decodeBoostLogResponse (access-response)', fn: () => { sink += decodeBoostLogResponse(rsp).log.entries.length; } },
      { name: 'decodeReadBoostButtonDataResponse (ECS61c, 3 items)', fn: () => { sink += decodeReadBoostButtonDataResponse(ecs61c).periods.length; } },
      { name: 'encodeBoostLog', fn: () => { sink += encodeBoostLog(decoded).length; } },
      { name: 'selectBoostPeriods (by end)', fn: () => { sink += selectBoostPeriods(decoded, base + 5 * 86400, base + 15 * 86400).length; } },
    ],
    { units: 1, bytes: log.length, unitName: 'log' },
  );
  if (sink === 0.5) console.log(sink);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
