// Frame decoding entry points: one frame per call, or many frames per WASM call
// (`decodeFrames` gives objects, `decodeFrameBatch` a columnar cursor with no object per frame).
import { toBytes, toHex, type BinaryInput } from './bytes.js';
import { GbcsDecodeError } from './errors.js';
import { CRA_NAMES, GbcsFrame, KIND_NAMES, type Cra, type FrameKind } from './frame.js';
import { wasmCore, type WasmCore } from './wasm/core.js';
import * as L from './wasm/layout.js';

const { REC_WORDS, R_ERR_OFFSET } = L;

/**
 * The largest frame the decoders accept: 64 MiB. Decision: a GBCS length field is BER of at
 * most 3 bytes (GBCS.md 1.2), so no valid frame exceeds 16 MiB plus its headers; 64 MiB
 * leaves room and bounds the WASM input region. Larger input is GbcsDecodeError
 * `input-too-large` (offset = this limit), from `decodeFrame` and in its own slot of a batch.
 */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

function tooLarge(len: number): GbcsDecodeError {
  return new GbcsDecodeError('input-too-large', MAX_FRAME_BYTES, `a frame of at most ${MAX_FRAME_BYTES} bytes`, `got ${len} bytes`);
}

/**
 * Decodes one GBCS frame (MAC-headered general-ciphering, general-signing or a GBT
 * segment). Input may be bytes, hex text (spaces, newlines, 0x allowed) or base64.
 * Throws GbcsDecodeError with the byte offset and what was expected.
 * Byte input is not copied: the frame's views share its memory, and it is never written.
 */
export function decodeFrame(input: BinaryInput): GbcsFrame {
  const bytes = toBytes(input);
  if (bytes.length > MAX_FRAME_BYTES) throw tooLarge(bytes.length);
  const core = wasmCore();
  core.reserve(bytes.length);
  core.u8.set(bytes, core.inputPtr);
  const status = core.guard(() => core.exports.decodeOne(bytes.length));
  const w = core.recordWord;
  if (status !== 0) throw GbcsDecodeError.fromStatus(status, core.i32[w + R_ERR_OFFSET]!);
  return new GbcsFrame(bytes, core.i32, w);
}

/** A batch result: the frame, or the error that frame gave (with `frameIndex` set). */
export type DecodeResult = GbcsFrame | GbcsDecodeError;

const EMPTY = new Uint8Array(0);

/** Normalises batch inputs; unusable ones leave an error in `errors` and an empty frame. */
function collect(inputs: Iterable<BinaryInput>, errors: (GbcsDecodeError | undefined)[]): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const one = (input: BinaryInput) => {
    try {
      const b = toBytes(input);
      if (b.length > MAX_FRAME_BYTES) throw tooLarge(b.length);
      frames.push(b);
    } catch (e) {
      if (!(e instanceof GbcsDecodeError)) throw e;
      e.frameIndex = frames.length;
      errors[frames.length] = e;
      frames.push(EMPTY);
    }
  };
  if (Array.isArray(inputs)) for (let i = 0; i < inputs.length; i++) one(inputs[i] as BinaryInput);
  else for (const input of inputs) one(input);
  return frames;
}

/**
 * Runs the WASM batch kernel over `frames` in chunks (up to `core.maxBatch` frames or the
 * input region's capacity), calling `take(first, count, core)` while chunk records are
 * in WASM memory at `core.recordWord`.
 */
function runChunks(frames: Uint8Array[], take: (first: number, count: number, core: WasmCore) => void): void {
  const core = wasmCore();
  let i = 0;
  while (i < frames.length) {
    let bytes = frames[i]!.length;
    let j = i + 1;
    while (j < frames.length && j - i < core.maxBatch && bytes + frames[j]!.length <= core.inputCap) {
      bytes += frames[j]!.length;
      j++;
    }
    core.reserve(bytes);
    const u8 = core.u8;
    const u32 = core.u32;
    const base = core.inputPtr;
    let t = core.tableWord;
    let off = 0;
    for (let k = i; k < j; k++) {
      const f = frames[k]!;
      u8.set(f, base + off);
      u32[t++] = off;
      u32[t++] = f.length;
      off += f.length;
    }
    const count = j - i;
    core.guard(() => core.exports.decodeBatch(count));
    take(i, count, core);
    i = j;
  }
}

/**
 * Decodes many frames with one WASM call per chunk (up to 8192 frames or the input
 * region's capacity). A malformed frame does not stop the batch: its slot holds the
 * GbcsDecodeError instead of a frame (text that is neither hex nor base64 and input over
 * MAX_FRAME_BYTES included).
 */
export function decodeFrames(inputs: Iterable<BinaryInput>): DecodeResult[] {
  const results: DecodeResult[] = [];
  const errors: (GbcsDecodeError | undefined)[] = [];
  const frames = collect(inputs, errors);
  runChunks(frames, (first, count, core) => {
    const i32 = core.i32;
    for (let k = first, w = core.recordWord; k < first + count; k++, w += REC_WORDS) {
      const pre = errors[k];
      if (pre !== undefined) {
        results.push(pre);
        continue;
      }
      const status = i32[w]!;
      if (status === 0) results.push(new GbcsFrame(frames[k]!, i32, w));
      else {
        const e = GbcsDecodeError.fromStatus(status, i32[w + R_ERR_OFFSET]!);
        e.frameIndex = k;
        results.push(e);
      }
    }
  });
  return results;
}

/**
 * A decoded batch as columns: the envelope records of every frame in one Int32Array, read
 * by index, so a caller that needs message codes, CRA, system titles or counters builds no
 * object per frame. `frame(i)` materialises a GbcsFrame when one is wanted. Frame bytes
 * are the caller's (not copied, never written).
 */
export class FrameBatch {
  /** Number of frames (slots), valid or not. */
  readonly length: number;
  /** The input frames as bytes (text input decoded). */
  readonly frames: readonly Uint8Array[];
  /** REC_WORDS envelope-record words per frame (src/wasm/layout.ts). */
  readonly records: Int32Array;
  readonly #errors: (GbcsDecodeError | undefined)[];

  /** @internal Built by decodeFrameBatch. */
  constructor(frames: Uint8Array[], records: Int32Array, errors: (GbcsDecodeError | undefined)[]) {
    this.frames = frames;
    this.records = records;
    this.length = frames.length;
    this.#errors = errors;
  }

  /** True when frame `i` decoded. */
  ok(i: number): boolean {
    return this.#errors[i] === undefined && this.records[i * REC_WORDS]! === 0;
  }

  /** The error of frame `i` (with `frameIndex`), or undefined when it decoded. */
  error(i: number): GbcsDecodeError | undefined {
    const pre = this.#errors[i];
    if (pre !== undefined) return pre;
    const w = i * REC_WORDS;
    const status = this.records[w]!;
    if (status === 0) return undefined;
    const e = GbcsDecodeError.fromStatus(status, this.records[w + R_ERR_OFFSET]!);
    e.frameIndex = i;
    return (this.#errors[i] = e);
  }

  /** Number of frames that failed. */
  get failed(): number {
    let n = 0;
    for (let i = 0; i < this.length; i++) if (!this.ok(i)) n++;
    return n;
  }

  #word(i: number, word: number): number {
    if (!this.ok(i)) throw this.error(i) ?? new RangeError(`no frame ${i} in a batch of ${this.length}`);
    return this.records[i * REC_WORDS + word]!;
  }

  /** Message code (other-information's first two bytes); 0 for GBT segments. */
  messageCode(i: number): number {
    return this.#word(i, L.R_MESSAGE_CODE);
  }

  /** CRA flag 1 (command), 2 (response), 3 (alert). */
  craFlag(i: number): number {
    return this.#word(i, L.R_CRA);
  }

  cra(i: number): Cra {
    return CRA_NAMES[this.#word(i, L.R_CRA) - 1]!;
  }

  kind(i: number): FrameKind {
    return KIND_NAMES[this.#word(i, L.R_KIND)]!;
  }

  /** Originator system title bytes (a view of the frame); undefined for GBT segments. */
  originatorBytes(i: number): Uint8Array | undefined {
    const o = this.#word(i, L.R_ORIGINATOR);
    return o < 0 ? undefined : this.frames[i]!.subarray(o, o + 8);
  }

  /** Originator system title as 16 lower-case hex digits. */
  originator(i: number): string | undefined {
    const o = this.#word(i, L.R_ORIGINATOR);
    return o < 0 ? undefined : toHex(this.frames[i]!, o, o + 8);
  }

  /** Recipient system title as 16 lower-case hex digits. */
  recipient(i: number): string | undefined {
    const o = this.#word(i, L.R_RECIPIENT);
    return o < 0 ? undefined : toHex(this.frames[i]!, o, o + 8);
  }

  /** Originator counter (8 bytes big-endian), as a bigint. */
  originatorCounter(i: number): bigint | undefined {
    const o = this.#word(i, L.R_COUNTER);
    if (o < 0) return undefined;
    const b = this.frames[i]!;
    const hi = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
    const lo = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** Offset and length of the payload (content) in `frames[i]`; offset -1 for GBT segments. */
  contentOffset(i: number): number {
    return this.#word(i, L.R_CONTENT);
  }

  contentLength(i: number): number {
    return this.#word(i, L.R_CONTENT_LEN);
  }

  /** Frame `i` as a GbcsFrame (throws its GbcsDecodeError when it did not decode). */
  frame(i: number): GbcsFrame {
    this.#word(i, 0);
    return new GbcsFrame(this.frames[i]!, this.records, i * REC_WORDS);
  }

  /** Frame `i` as decodeFrames gives it: the frame or its error. */
  result(i: number): DecodeResult {
    return this.error(i) ?? new GbcsFrame(this.frames[i]!, this.records, i * REC_WORDS);
  }
}

/**
 * Decodes many frames (bytes, hex or base64 text) in WASM batches into a FrameBatch: a
 * cursor over the envelope records, no object per frame. The fastest way to route or
 * filter many frames by message code, CRA, system titles or counter.
 */
export function decodeFrameBatch(inputs: Iterable<BinaryInput>): FrameBatch {
  const errors: (GbcsDecodeError | undefined)[] = [];
  const frames = collect(inputs, errors);
  const records = new Int32Array(frames.length * REC_WORDS);
  runChunks(frames, (first, count, core) => {
    const w = core.recordWord;
    records.set(core.i32.subarray(w, w + count * REC_WORDS), first * REC_WORDS);
  });
  return new FrameBatch(frames, records, errors);
}
