// Frame decoding entry points: one frame per call, or many frames per WASM call.
import { toBytes, type BinaryInput } from './bytes.js';
import { GbcsDecodeError } from './errors.js';
import { GbcsFrame } from './frame.js';
import { wasmCore } from './wasm/core.js';
import { E_TRAP, REC_WORDS, R_ERR_OFFSET } from './wasm/layout.js';

/**
 * Decodes one GBCS frame (MAC-headered general-ciphering, general-signing or a GBT
 * segment). Input may be bytes, hex text (spaces, newlines, 0x allowed) or base64.
 * Throws GbcsDecodeError with the byte offset and what was expected.
 * Byte input is not copied: the frame's views share its memory, and it is never written.
 */
/** Options of decodeFrame. */
export interface DecodeFrameOptions {
  /**
   * Copy byte input before decoding, so the frame stays valid when the caller reuses or
   * zeroes its buffer (the lazy frame otherwise keeps a view of the caller's bytes). Text
   * input (hex, base64) is always converted into fresh bytes, so it needs no copy.
   */
  readonly copy?: boolean;
}

/**
 * Decodes one frame (hex, base64 or bytes). The frame is lazy and copies nothing: it keeps
 * a view of the caller's bytes unless `{ copy: true }` is given.
 */
export function decodeFrame(input: BinaryInput, options: DecodeFrameOptions = {}): GbcsFrame {
  const converted = toBytes(input);
  const bytes = options.copy === true && typeof input !== 'string' ? converted.slice() : converted;
  const core = wasmCore();
  const reserved = core.reserve(bytes.length);
  if (reserved !== 0) throw GbcsDecodeError.fromStatus(reserved, 0, core.lastTrap);
  core.u8.set(bytes, core.inputPtr);
  const status = core.run(() => core.exports.decodeOne(bytes.length));
  const w = core.recordWord;
  if (status === E_TRAP) throw GbcsDecodeError.fromStatus(status, 0, core.lastTrap);
  if (status !== 0) throw GbcsDecodeError.fromStatus(status, core.i32[w + R_ERR_OFFSET]!);
  return new GbcsFrame(bytes, core.i32, w);
}

/** A batch result: the frame, or the error that frame gave (with `frameIndex` set). */
export type DecodeResult = GbcsFrame | GbcsDecodeError;

/**
 * Decodes many frames with one WASM call per chunk (up to 8192 frames or the input
 * region's capacity). A malformed frame does not stop the batch: its slot holds the
 * GbcsDecodeError instead of a frame.
 */
export function decodeFrames(inputs: Iterable<BinaryInput>): DecodeResult[] {
  const frames: Uint8Array[] = [];
  const results: DecodeResult[] = [];
  for (const input of inputs) {
    try {
      frames.push(toBytes(input));
    } catch (e) {
      if (!(e instanceof GbcsDecodeError)) throw e;
      e.frameIndex = frames.length;
      frames.push(new Uint8Array(0));
      results[frames.length - 1] = e;
    }
  }
  const core = wasmCore();
  let i = 0;
  while (i < frames.length) {
    // Fill one chunk: as many frames as fit in the batch table and the input region.
    let bytes = frames[i]!.length;
    let j = i + 1;
    while (j < frames.length && j - i < core.maxBatch && bytes + frames[j]!.length <= core.inputCap) {
      bytes += frames[j]!.length;
      j++;
    }
    const reserved = core.reserve(bytes);
    if (reserved !== 0) throw GbcsDecodeError.fromStatus(reserved, 0, core.lastTrap);
    const u8 = core.u8;
    const u32 = core.u32;
    let off = core.inputPtr;
    for (let k = i; k < j; k++) {
      const f = frames[k]!;
      u8.set(f, off);
      u32[core.tableWord + 2 * (k - i)] = off - core.inputPtr;
      u32[core.tableWord + 2 * (k - i) + 1] = f.length;
      off += f.length;
    }
    const count = j - i;
    const batch = core.run(() => core.exports.decodeBatch(count));
    if (batch === E_TRAP) throw GbcsDecodeError.fromStatus(batch, 0, core.lastTrap);
    const i32 = core.i32;
    for (let k = i; k < j; k++) {
      if (results[k] !== undefined) continue; // text that was not hex/base64
      const w = core.recordWord + (k - i) * REC_WORDS;
      const status = i32[w]!;
      if (status === 0) {
        results[k] = new GbcsFrame(frames[k]!, i32, w);
      } else {
        const e = GbcsDecodeError.fromStatus(status, i32[w + R_ERR_OFFSET]!);
        e.frameIndex = k;
        results[k] = e;
      }
    }
    i = j;
  }
  return results;
}
