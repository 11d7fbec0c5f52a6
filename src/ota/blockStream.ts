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
import { GbcsEncodeError } from '../errors.js';
import { wasmCore } from '../wasm/core.js';
import * as L from '../wasm/layout.js';
import { checkOtaInteger } from './blocks.js';
import { chunksOf, createSha256, type ByteSource, type Sha256 } from './hash.js';
import type { ImageId } from './zclOta.js';

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
      parts.push(options.reuse && done + r === count && parts.length === 0 ? core.u8.subarray(core.outputPtr, core.outputPtr + end) : core.u8.slice(core.outputPtr, core.outputPtr + end));
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
