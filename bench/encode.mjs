// Encoder throughput (issue 17): the replaced TypeScript encoders (test/legacy, bundled
// in this run) vs the WASM core, one call per item and batched. Ratios are to the first
// row of each table, all from one run.
import { buildBoostLogReadRequest, buildBoostLogReadRequests, decodePayload, encodeBoostLogResponse, encodeBoostLogResponses, encodePayload, encodePayloads, cutBlocks, segmentMessage, decodeFrame, encodeBlockMessages, encodeImageBlockResponses, encodeFrame, encodeFrames, encodeImageBlockTransfer, encodeZclOta, frameInitOf } from '../dist/index.js';
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
  // Payload encoders (issue 17 item 1): every RTDS DLMS and GBZ payload as its decoded tree.
  const legacyPayload = await loadLegacy('payloadTs.ts');
  const trees = frames.map((f) => decodeFrame(f)).filter((f) => f.payload).map((f) => f.payload.decoded);
  const treeBytes = trees.reduce((n, t) => n + encodePayload(t).length, 0);
  await runCases(
    `Payload encode, ${trees.length} RTDS DLMS/GBZ payloads (decoded trees, ${treeBytes} bytes)`,
    [
      { name: 'TypeScript encodePayload (replaced), one call per payload', fn: () => { for (const t of trees) sink += legacyPayload.encodePayload(t).length; } },
      { name: 'core encodePayload, one call per payload', fn: () => { for (const t of trees) sink += encodePayload(t).length; } },
      { name: 'core encodePayloads, whole set per call', fn: () => { for (const b of encodePayloads(trees)) sink += b.length; } },
    ],
    { units: trees.length, bytes: treeBytes, unitName: 'payload' },
  );
  // Boost log (ECS61c): 1000 read requests and 1000 responses carrying a 23-entry log, as
  // plain payload objects (what the builders hand to the encoder).
  const reqs = Array.from({ length: 1000 }, (_, i) => ({ originatorCounter: 0x1000n + BigInt(i), from: i * 3600, to: i * 3600 + 86400 }));
  const reqTrees = reqs.map((r) => decodePayload(buildBoostLogReadRequest(r), { format: 'DLMS', cra: 'command', messageCode: 0 }));
  const log = Array.from({ length: 23 }, (_, i) => ({ start: 1000 * i, end: 1000 * i + 1800, durationMinutes: 30 }));
  const resps = Array.from({ length: 1000 }, (_, i) => ({ originatorCounter: i, log }));
  const respTrees = resps.map((r) => decodePayload(encodeBoostLogResponse(r.originatorCounter, r.log), { format: 'DLMS', cra: 'response', messageCode: 0 }));
  await runCases(
    'Boost log read requests, 1000 (decoded trees)',
    [
      { name: 'TypeScript encodePayload (replaced), one call per request', fn: () => { for (const t of reqTrees) sink += legacyPayload.encodePayload(t).length; } },
      { name: 'core encodePayload, one call per request', fn: () => { for (const t of reqTrees) sink += encodePayload(t).length; } },
      { name: 'core encodePayloads, 1000 per call', fn: () => { for (const b of encodePayloads(reqTrees)) sink += b.length; } },
      { name: 'core buildBoostLogReadRequest per request (builder included)', fn: () => { for (const r of reqs) sink += buildBoostLogReadRequest(r).length; } },
      { name: 'core buildBoostLogReadRequests, 1000 per call (builder included)', fn: () => { for (const b of buildBoostLogReadRequests(reqs)) sink += b.length; } },
    ],
    { units: reqs.length, unitName: 'request' },
  );
  await runCases(
    'Boost log ECS61c responses (23 entries), 1000 (decoded trees)',
    [
      { name: 'TypeScript encodePayload (replaced), one call per response', fn: () => { for (const t of respTrees) sink += legacyPayload.encodePayload(t).length; } },
      { name: 'core encodePayload, one call per response', fn: () => { for (const t of respTrees) sink += encodePayload(t).length; } },
      { name: 'core encodePayloads, 1000 per call', fn: () => { for (const b of encodePayloads(respTrees)) sink += b.length; } },
      { name: 'core encodeBoostLogResponses, 1000 per call (builder included)', fn: () => { for (const b of encodeBoostLogResponses(resps)) sink += b.length; } },
    ],
    { units: resps.length, unitName: 'response' },
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
  // GBT segmentation of every (non-GBT) RTDS message into 64-byte blocks: the TypeScript
  // segmenter (kept: one encoded routing header per message, then block headers) vs
  // handing every segment to the core's encodeFrames batch.
  const messages = frames.map((f) => decodeFrame(f)).filter((f) => f.kind !== 'gbt');
  const segInits = (m) => {
    const n = Math.max(1, Math.ceil(m.bytes.length / 64));
    const routing = { kind: 'gbt', cra: m.cra, originatorCounter: m.originatorCounter, originator: m.originator, recipient: m.recipient, messageCode: m.messageCode };
    return Array.from({ length: n }, (_, i) => ({ ...routing, gbt: { blockNumber: i + 1, blockNumberAck: 0, blockControl: (i + 1 === n ? 0x80 : 0) | 1, blockData: m.bytes.subarray(i * 64, (i + 1) * 64) } }));
  };
  const segCount = messages.reduce((n, m) => n + segmentMessage(m, { blockSize: 64 }).length, 0);
  await runCases(
    `GBT segmentation, ${messages.length} RTDS messages into ${segCount} segments of 64 bytes`,
    [
      { name: 'TypeScript segmentMessage (kept)', fn: () => { for (const m of messages) sink += segmentMessage(m, { blockSize: 64 }).length; } },
      { name: 'core encodeFrames, one batch per message', fn: () => { for (const m of messages) sink += encodeFrames(segInits(m)).length; } },
    ],
    { units: segCount, unitName: 'segment' },
  );
  // OTA block messages for a whole image (issue 17 item 4): the TypeScript path (cut into
  // views + one encoder call per block) vs one streamed pass through the core.
  const image = new Uint8Array(4 << 20);
  for (let i = 0; i < image.length; i++) image[i] = (i * 131 + (i >>> 9)) & 0xff;
  const id = { manufacturerCode: 0x121d, imageType: 0x0084, fileVersion: 0x01020304 };
  const stream = async (o) => { for await (const b of encodeBlockMessages(image, o)) sink += b.count + b.bytes.length; };
  for (const [format, size] of [['zcl', 64], ['zcl', 255], ['ic18', 64], ['ic18', 1024]]) {
    const blocks = Math.ceil(image.length / size);
    const ts = format === 'zcl'
      ? () => { for (const b of cutBlocks(image, size)) sink += encodeZclOta({ command: 'image-block-response', status: 0, ...id, fileOffset: b.offset, data: b.data }, { sequence: b.index & 0xff }).length; }
      : () => { for (const b of cutBlocks(image, size)) sink += encodeImageBlockTransfer({ blockNumber: b.index, data: b.data }).length; };
    await runCases(
      `${format === 'zcl' ? 'ZCL Image Block Responses' : 'IC 18 image_block_transfer'}, ${size}-byte blocks, whole 4 MiB image (${blocks} blocks)`,
      [
        { name: `TypeScript: cutBlocks + ${format === 'zcl' ? 'encodeZclOta' : 'encodeImageBlockTransfer'} per block`, fn: ts },
        { name: 'core: encodeBlockMessages, one streamed pass', fn: () => stream({ format, blockSize: size, imageId: id }) },
        { name: 'core: encodeBlockMessages + SHA-256 alongside', fn: () => stream({ format, blockSize: size, imageId: id, sha256: true }) },
        { name: 'core: encodeBlockMessages, zero-copy batches (reuse)', fn: () => stream({ format, blockSize: size, imageId: id, reuse: true }) },
        { name: 'core: encodeBlockMessages, reuse + SHA-256', fn: () => stream({ format, blockSize: size, imageId: id, reuse: true, sha256: true }) },
      ],
      { units: blocks, bytes: image.length, unitName: 'block', time: 1500 },
    );
  }
  // A block server's replies to 1000 requests (64-byte blocks, one in ten WAIT_FOR_DATA).
  const replies = Array.from({ length: 1000 }, (_, i) => ({
    sequence: i & 0xff,
    response: i % 10 === 9
      ? { command: 'image-block-response', status: 0x97, currentTime: 1000, requestTime: 1010, minimumBlockPeriod: 250 }
      : { command: 'image-block-response', status: 0, ...id, fileOffset: i * 64, data: image.subarray(i * 64, i * 64 + 64) },
  }));
  await runCases(
    'Image Block Responses answering 1000 requests (64 B blocks, 10% WAIT_FOR_DATA)',
    [
      { name: 'TypeScript encodeZclOta per response', fn: () => { for (const r of replies) sink += encodeZclOta(r.response, { sequence: r.sequence }).length; } },
      { name: 'core encodeImageBlockResponses, one batch', fn: () => { for (const b of encodeImageBlockResponses(replies)) sink += b.length; } },
    ],
    { units: replies.length, unitName: 'response' },
  );
  if (sink === 0.5) console.log(sink);
}
