// Encoding the block messages of a whole image in one streamed pass (issue 17 item 4):
// chunking and hashing stay here in TypeScript, the messages are written by the WASM
// core (assembly/otaBlocks.ts), thousands of blocks per call.
//
//   'zcl':  ZigBee OTA Image Block Response, status SUCCESS, one per block (GBCS.md 5.6):
//           19 seq 05 00 ‖ mfr type version ‖ fileOffset ‖ dataSize ‖ data   (little-endian)
//   'ic18': DLMS IC 18 image_block_transfer parameter (GBCS.md 5.7):
//           02 02 06 blockNumber(4) 09 len data                               (A-XDR)
//
// Memory is bounded by the core's fixed regions whatever the image size: the source is read
// chunk by chunk (a Uint8Array, or any sync/async sequence of chunks such as a file stream),
// each chunk is copied into the input region and hashed (SHA-256 on the platform: node:crypto
// under Node), and every batch of encoded messages is one copy out of the output region.
// Decisions: ZCL sequence numbers run on from `firstSequence` modulo 256 (a server answering
// requests echoes each request's sequence instead: BlockServer); the frame control byte is
// 0x19 as encodeZclOta writes for this command; block numbers (IC 18) start at
// `firstBlockNumber`, 0 by default as GBCS.md 5.7 numbers them.
import { copyOf } from '../bytes.js';
import { GbcsEncodeError } from '../errors.js';
import { wasmCore } from '../wasm/core.js';
import * as L from '../wasm/layout.js';
import { checkOtaInteger } from './blocks.js';
import { chunksOf, createSha256, type ByteSource, type Sha256 } from './hash.js';
import type { ImageId, ZclOtaCommand } from './zclOta.js';

/** Options for streaming image blocks as ZCL Image Block Responses or IC 18 transfers. */
export interface BlockMessageOptions {
  /** 'zcl' Image Block Responses or 'ic18' image_block_transfer parameters. */
  readonly format: 'zcl' | 'ic18';
  /** Image bytes per block: 1..255 for 'zcl' (one-byte data size), 1..16777215 for 'ic18'. */
  readonly blockSize: number;
  /** ZCL: the image identity every response carries. */
  readonly imageId?: ImageId;
  /** ZCL: file offset of the source's first byte (default 0: the source is the whole file). */
  readonly firstOffset?: number;
  /** ZCL: sequence number of the first response (default 0), +1 per block modulo 256. */
  readonly firstSequence?: number;
  /** IC 18: number of the first block (default 0). */
  readonly firstBlockNumber?: number;
  /** Also compute the SHA-256 of the source bytes (given on the last batch). */
  readonly sha256?: boolean;
  /**
   * Zero-copy: each batch's `bytes` is a view of the core's output region, valid only until
   * the generator is resumed (write it out or copy it first). Default false: every batch
   * is its own copy. Saves one copy and a large allocation per batch.
   */
  readonly reuse?: boolean;
}

/** Encoded messages for blocks [firstBlock, firstBlock + count) of the image. */
export interface BlockMessageBatch {
  /** Index of the batch's first block within this pass (from 0). */
  readonly firstBlock: number;
  readonly count: number;
  /** The messages back to back; message i is bytes[offsets[i] .. offsets[i+1]). */
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
  /** True on the final batch (which may hold no messages). */
  readonly last: boolean;
  /** SHA-256 of every source byte, on the last batch when `sha256` was asked for. */
  readonly sha256?: Uint8Array;
}

const FIELDS: Record<number, string> = {
  [L.ENC_FIELD_BLOCK_NUMBER]: 'firstBlockNumber',
  [L.ENC_FIELD_FILE_OFFSET]: 'firstOffset',
  [L.ENC_FIELD_DATA_SIZE]: 'blockSize',
  [L.ENC_FIELD_SEQUENCE]: 'firstSequence',
  [L.ENC_FIELD_IMAGE_ID]: 'imageId',
};

/** Message i of a batch, as a view. */
export function blockMessage(batch: BlockMessageBatch, i: number): Uint8Array {
  return batch.bytes.subarray(batch.offsets[i]!, batch.offsets[i + 1]!);
}

/**
 * Cuts `source` into blocks and encodes one message per block, streaming: yields batches
 * of thousands of messages, each one WASM call and one copy. Memory stays bounded by the
 * core's regions (a 256 MiB file streams through a few MiB). Throws GbcsEncodeError or
 * OtaRangeError naming the field for out-of-range sizes, offsets and block numbers.
 */
export async function* encodeBlockMessages(source: ByteSource, options: BlockMessageOptions): AsyncGenerator<BlockMessageBatch, void, undefined> {
  const zcl = options.format === 'zcl';
  if (!zcl && options.format !== 'ic18') throw new GbcsEncodeError('format', `must be 'zcl' or 'ic18', got ${JSON.stringify(options.format)}`);
  const blockSize = checkOtaInteger('blockSize', options.blockSize, 1, zcl ? 255 : 0xffffff);
  const id = options.imageId;
  if (zcl && !id) throw new GbcsEncodeError('imageId', 'ZCL Image Block Responses carry the image identity: give imageId');
  const firstOffset = checkOtaInteger('firstOffset', options.firstOffset ?? 0, 0, 0xffffffff);
  const firstSequence = checkOtaInteger('firstSequence', options.firstSequence ?? 0, 0, 0xff);
  const firstBlockNumber = checkOtaInteger('firstBlockNumber', options.firstBlockNumber ?? 0, 0, 0xffffffff);
  if (id) {
    checkOtaInteger('imageId.manufacturerCode', id.manufacturerCode, 0, 0xffff);
    checkOtaInteger('imageId.imageType', id.imageType, 0, 0xffff);
    checkOtaInteger('imageId.fileVersion', id.fileVersion, 0, 0xffffffff);
  }
  const core = wasmCore();
  if (core.u8.length === 0) core.refresh();
  const mode = zcl ? L.OB_ZCL : L.OB_IC18;
  const msgMax = blockSize + (zcl ? 17 : 12);
  if (msgMax > core.outputCap) core.reserveOutput(msgMax);
  if (blockSize > core.inputCap) core.reserve(blockSize);
  // Blocks per run: a whole run's messages fit the output region and one batch table.
  const perRun = Math.max(1, Math.min(core.maxBatch, Math.floor(core.outputCap / msgMax), Math.floor(core.inputCap / blockSize)));
  const runBytes = perRun * blockSize;
  const hash: Sha256 | undefined = options.sha256 ? await createSha256() : undefined;
  let blocksDone = 0;

  const flush = (len: number): { bytes: Uint8Array; offsets: Uint32Array; count: number; firstBlock: number } => {
    const firstBlock = blocksDone;
    const count = Math.ceil(len / blockSize);
    const offsets = new Uint32Array(count + 1);
    const parts: Uint8Array[] = [];
    let done = 0;
    let base = 0;
    while (done < count) {
      const b = blocksDone + done;
      if (zcl && firstOffset + b * blockSize > 0xffffffff) throw new GbcsEncodeError('firstOffset', `file offsets run past 0xFFFFFFFF (block ${b} of this pass)`);
      if (!zcl && firstBlockNumber + b > 0xffffffff) throw new GbcsEncodeError('firstBlockNumber', `block numbers run past 0xFFFFFFFF (block ${b} of this pass)`);
      const r = core.runCount(() =>
        core.exports.encodeBlockRun(mode, done * blockSize, len - done * blockSize, blockSize, (firstBlockNumber + b) >>> 0, (firstOffset + b * blockSize) >>> 0,
          (firstSequence + b) & 0xff, id?.manufacturerCode ?? 0, id?.imageType ?? 0, (id?.fileVersion ?? 0) >>> 0),
      );
      if (r === -L.E_TRAP) throw new GbcsEncodeError('internal', `WASM core trapped while encoding blocks: ${core.lastTrap}`);
      if (r < 0) {
        const field = FIELDS[core.exports.blockRunErrorField()] ?? 'block';
        const what = field === 'firstBlockNumber' ? 'block numbers run past 0xFFFFFFFF' : field === 'firstOffset' ? 'file offsets run past 0xFFFFFFFF' : 'out of range';
        throw new GbcsEncodeError(field, `${what} (block ${b} of this pass)`);
      }
      const u32 = core.u32;
      const t = core.tableWord;
      const end = u32[t + 2 * (r - 1)]! + u32[t + 2 * (r - 1) + 1]!;
      // One run per batch when reusing (the run is sized to fit the output region).
      parts.push(options.reuse && done + r === count && parts.length === 0 ? core.u8.subarray(core.outputPtr, core.outputPtr + end) : copyOf(core.u8, core.outputPtr, core.outputPtr + end));
      for (let k = 0; k < r; k++) offsets[done + k] = base + u32[t + 2 * k]!;
      base += end;
      done += r;
    }
    offsets[count] = base;
    blocksDone += count;
    let bytes: Uint8Array;
    if (parts.length === 1) bytes = parts[0]!;
    else {
      bytes = new Uint8Array(base);
      let o = 0;
      for (const p of parts) {
        bytes.set(p, o);
        o += p.length;
      }
    }
    return { bytes, offsets, count, firstBlock };
  };

  let fill = 0;
  for await (const chunk of chunksOf(source)) {
    hash?.update(chunk);
    let at = 0;
    while (at < chunk.length) {
      const n = Math.min(runBytes - fill, chunk.length - at);
      if (core.u8.length === 0) core.refresh();
      core.u8.set(chunk.subarray(at, at + n), core.inputPtr + fill);
      fill += n;
      at += n;
      if (fill === runBytes) {
        yield { ...flush(fill), last: false };
        fill = 0;
      }
    }
  }
  const tail = flush(fill);
  yield { ...tail, last: true, ...(hash ? { sha256: await hash.digest() } : {}) };
}

/** One Image Block Response to encode: the response (as BlockServer returns it) and the sequence to echo. */
export interface BlockResponseItem {
  readonly sequence: number;
  readonly response: Extract<ZclOtaCommand, { command: 'image-block-response' }>;
}

const RESPONSE_FIELDS: Record<number, string> = {
  [L.ENC_FIELD_STATUS]: 'status',
  [L.ENC_FIELD_SEQUENCE]: 'sequence',
  [L.ENC_FIELD_DATA_SIZE]: 'data',
  [L.ENC_FIELD_IMAGE_ID]: 'imageId',
  [L.ENC_FIELD_PERIOD]: 'minimumBlockPeriod',
};

function u32Field(v: unknown, field: string, index: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new GbcsEncodeError(field, `${String(v)} is not a 32-bit unsigned integer (response ${index})`);
  return v;
}

/**
 * Encodes many ZCL Image Block Responses (SUCCESS with data, WAIT_FOR_DATA with its minimum
 * block period, or a bare status) in few WASM calls: what a block server answering a
 * batch of requests sends. Byte-identical to `encodeZclOta(response, { sequence })` per
 * item (frame control 0x19). Returns one view per response over shared chunk buffers.
 */
export function encodeImageBlockResponses(items: readonly BlockResponseItem[]): Uint8Array[] {
  const core = wasmCore();
  if (core.u8.length === 0) core.refresh();
  const out: Uint8Array[] = new Array(items.length);
  let i = 0;
  while (i < items.length) {
    let src = 0;
    let j = i;
    const u32 = core.u32;
    const u8 = core.u8;
    for (; j < items.length && j - i < core.maxBatch; j++) {
      const { sequence, response: r } = items[j]!;
      const w = core.encDescWord + (j - i) * L.ENC_WORDS;
      if (!Number.isInteger(sequence) || sequence < 0 || sequence > 0xff) throw new GbcsEncodeError('sequence', `${sequence} is not a byte (response ${j})`);
      if (!Number.isInteger(r.status) || r.status < 0 || r.status > 0xff) throw new GbcsEncodeError('status', `${r.status} is not a byte (response ${j})`);
      u32[w + L.BR_STATUS] = r.status;
      u32[w + L.BR_SEQUENCE] = sequence;
      if (r.status === 0x00) {
        if (!('data' in r)) throw new GbcsEncodeError('image-block-response', `status 0x0 needs its fields (response ${j})`);
        const n = r.data.length;
        if (n > 0xff) throw new GbcsEncodeError('data', `${n} bytes exceed the one-byte data size (255) (response ${j})`);
        if (src + n > core.inputCap) break;
        u32[w + L.BR_FILE_OFFSET] = u32Field(r.fileOffset, 'fileOffset', j);
        u32[w + L.BR_MANUFACTURER] = checkOtaInteger('manufacturerCode', r.manufacturerCode, 0, 0xffff);
        u32[w + L.BR_IMAGE_TYPE] = checkOtaInteger('imageType', r.imageType, 0, 0xffff);
        u32[w + L.BR_FILE_VERSION] = u32Field(r.fileVersion, 'fileVersion', j);
        u32[w + L.BR_DATA_LEN] = n;
        u32[w + L.BR_SRC] = src;
        u8.set(r.data, core.inputPtr + src);
        src += n;
      } else if (r.status === 0x97) {
        if (!('currentTime' in r)) throw new GbcsEncodeError('image-block-response', `status 0x97 needs its fields (response ${j})`);
        u32[w + L.BR_CURRENT_TIME] = u32Field(r.currentTime, 'currentTime', j);
        u32[w + L.BR_REQUEST_TIME] = u32Field(r.requestTime, 'requestTime', j);
        u32[w + L.BR_PERIOD] = checkOtaInteger('minimumBlockPeriod', r.minimumBlockPeriod ?? 0, 0, 0xffff);
      }
    }
    const staged = j - i;
    let done = 0;
    while (done < staged) {
      const r = core.runCount(() => core.exports.encodeBlockResponses(done, staged - done));
      if (r === -L.E_TRAP) throw new GbcsEncodeError('internal', `WASM core trapped while encoding responses: ${core.lastTrap}`);
      if (r < 0) {
        const index = i + core.exports.blockResponseErrorIndex();
        throw new GbcsEncodeError(RESPONSE_FIELDS[core.exports.blockRunErrorField()] ?? 'response', `out of range (response ${index})`);
      }
      const t = core.tableWord;
      const w32 = core.u32;
      const end = w32[t + 2 * (r - 1)]! + w32[t + 2 * (r - 1) + 1]!;
      const chunk = copyOf(core.u8, core.outputPtr, core.outputPtr + end);
      for (let k = 0; k < r; k++) out[i + done + k] = chunk.subarray(w32[t + 2 * k]!, w32[t + 2 * k]! + w32[t + 2 * k + 1]!);
      done += r;
    }
    i = j;
  }
  return out;
}
