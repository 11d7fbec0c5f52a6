// Frame decoding entry points: one frame per call, or many frames per WASM call
// (`decodeFrames` gives objects, `scanFrames` a cursor with no object per frame).
import { toBytes, toHex, type BinaryInput } from './bytes.js';
import { GbcsDecodeError } from './errors.js';
import { CRA_NAMES, GbcsFrame, KIND_NAMES, type Cra, type FrameKind } from './frame.js';
import { wasmCore, type WasmCore } from './wasm/core.js';
import * as L from './wasm/layout.js';

// Record words as module constants (a namespace read per field costs in a hot loop).
const { E_TRAP, REC_WORDS, R_ERR_OFFSET, R_MESSAGE_CODE, R_CRA, R_KIND, R_ORIGINATOR, R_RECIPIENT, R_COUNTER, R_CONTENT, R_CONTENT_LEN } = L;

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

/** Options of decodeFrame (strict: see DecodeOptions). */
export interface DecodeFrameOptions extends DecodeOptions {
  /**
   * Copy byte input before decoding, so the frame stays valid when the caller reuses or
   * zeroes its buffer (the lazy frame otherwise keeps a view of the caller's bytes). Text
   * input (hex, base64) is always converted into fresh bytes, so it needs no copy.
   */
  readonly copy?: boolean;
}

/**
 * Decodes one GBCS frame (MAC-headered general-ciphering, general-signing or a GBT
 * segment). Input may be bytes, hex text (spaces, newlines, 0x allowed) or base64.
 * Throws GbcsDecodeError with the byte offset and what was expected.
 * Byte input is not copied: the frame's views share its memory, and it is never written,
 * unless `{ copy: true }` is given (then the frame survives the caller reusing its buffer).
 */
export function decodeFrame(input: BinaryInput, options: DecodeFrameOptions = {}): GbcsFrame {
  const converted = toBytes(input);
  if (converted.length > MAX_FRAME_BYTES) throw tooLarge(converted.length);
  const bytes = options.copy === true && typeof input !== 'string' ? converted.slice() : converted;
  const core = wasmCore();
  const reserved = core.reserve(bytes.length);
  if (reserved !== 0) throw GbcsDecodeError.fromStatus(reserved, 0, core.lastTrap);
  core.u8.set(bytes, core.inputPtr);
  const status = core.run(() => core.exports.decodeOne(bytes.length));
  const w = core.recordWord;
  if (status === E_TRAP) throw GbcsDecodeError.fromStatus(status, 0, core.lastTrap);
  if (status !== 0) throw GbcsDecodeError.fromStatus(status, core.i32[w + R_ERR_OFFSET]!);
  const frame = new GbcsFrame(bytes, core.i32, w);
  if (options.strict === true) {
    const e = nonMinimalLength(frame);
    if (e) throw e;
  }
  return frame;
}

/** Options of decodeFrame / decodeFrames. */
export interface DecodeOptions {
  /**
   * Refuse BER lengths that are not in their shortest form (`non-minimal-length`, offset of
   * the length field). Default false: a long-form length decodes and re-encodes byte-exact.
   * The outer ciphered-service length of a MACed frame is outside the MAC's AAD and the
   * signature, so a frame whose length was re-encoded in long form still verifies; use
   * strict decoding where the frame bytes serve as an identity (de-duplication, replay lists).
   */
  readonly strict?: boolean;
}

/** Bytes of the shortest BER length field for `n`. */
function minimalLengthWidth(n: number): number {
  if (n < 0x80) return 1;
  let w = 1;
  for (let v = n; v > 0; v = Math.floor(v / 256)) w++;
  return w;
}

/**
 * The first envelope length of `frame` not in its shortest BER form, as a GbcsDecodeError
 * (`non-minimal-length` at the length field's offset); undefined when all are minimal.
 * Checked: ciphered-service length (byte 7 of a MACed frame, after `DD 00×6`), other-information,
 * content and GBT block-data lengths.
 */
export function nonMinimalLength(frame: GbcsFrame): GbcsDecodeError | undefined {
  const L = frame.layout;
  const W = frame.lengthWidths;
  const fields: [string, number | undefined, number, number][] = [
    // SC ‖ IC(4) follow the ciphered length, then DF (general-ciphering) or E0 (GBT).
    ['ciphered-service length', W.ciphered, L.cipheredLength, (frame.kind === 'gbt' ? L.gbtApdu : L.generalSigning) - 5],
    ['other-information length', W.otherInformation, L.otherInformationLength, L.otherInformation],
    ['content length', W.content, L.contentLength, L.content],
    ['block-data length', W.blockData, L.blockDataLength, L.blockData],
  ];
  for (const [name, width, value, valueAt] of fields) {
    if (width === undefined || width <= 0 || value < 0 || valueAt < 0) continue;
    const min = minimalLengthWidth(value);
    if (width > min) {
      const at = valueAt - width;
      return new GbcsDecodeError('non-minimal-length', at, `the ${name} ${value} in its shortest form (${min} byte${min > 1 ? 's' : ''})`, `got ${width} bytes (strict decoding)`);
    }
  }
  return undefined;
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
let inBatch = false;

function runChunks(frames: Uint8Array[], take: (first: number, count: number, core: WasmCore) => void): void {
  if (inBatch) throw new Error('a batch decode was started inside a scanFrames visitor: collect the frames and decode them after the scan');
  inBatch = true;
  try {
    chunks(frames, take);
  } finally {
    inBatch = false;
  }
}

function chunks(frames: Uint8Array[], take: (first: number, count: number, core: WasmCore) => void): void {
  const core = wasmCore();
  let i = 0;
  while (i < frames.length) {
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
    const batch = core.run(() => core.exports.decodeBatch(count));
    if (batch === E_TRAP) throw GbcsDecodeError.fromStatus(batch, 0, core.lastTrap);
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
export function decodeFrames(inputs: Iterable<BinaryInput>, options?: DecodeOptions): DecodeResult[] {
  const strict = options?.strict === true;
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
      if (status === 0) {
        const f = new GbcsFrame(frames[k]!, i32, w);
        const e = strict ? nonMinimalLength(f) : undefined;
        if (e) e.frameIndex = k;
        results.push(e ?? f);
      } else {
        const e = GbcsDecodeError.fromStatus(status, i32[w + R_ERR_OFFSET]!);
        e.frameIndex = k;
        results.push(e);
      }
    }
  });
  return results;
}

/**
 * The frame a scanFrames visitor is looking at. One object per scan, moved from frame to
 * frame: read what you need inside the visitor (keep `index`, not the cursor).
 */
export class FrameCursor {
  /** Slot of the current frame in the input. */
  index = -1;
  /** Bytes of the current frame (the caller's, or decoded from text). */
  bytes: Uint8Array = EMPTY;
  /** 0 when the frame decoded, else a WASM status (see `error`). */
  status = 0;
  /** Message code (0 for GBT segments). */
  messageCode = 0;
  /** CRA flag 1 (command), 2 (response), 3 (alert); 0 for GBT segments. */
  craFlag = 0;
  /** K_* kind code (1 general-ciphering, 2 general-signing, 3 GBT). */
  kindCode = 0;
  /** Offsets into `bytes` (-1 when absent) of the originator / recipient system titles, counter and content. */
  originatorOffset = -1;
  recipientOffset = -1;
  counterOffset = -1;
  contentOffset = -1;
  contentLength = 0;
  readonly #rec = new Int32Array(REC_WORDS);
  #copied = false;
  #i32: Int32Array = this.#rec;
  #w = 0;
  #error: GbcsDecodeError | undefined;

  /**
   * The whole record, copied out of WASM memory on first need. Only record 0 of a chunk can
   * be overwritten during a visit (by a decodeFrame in the visitor), and only after that
   * visit has started: the scalar columns are read in `load`, so only callers of
   * `frame()`/`error` after such a nested decode need the copy, which scanFrames makes
   * eagerly for record 0.
   */
  #record(): Int32Array {
    if (!this.#copied) {
      const r = this.#rec;
      // Memory growth (a large decodeFrame in the visitor) detaches old views, never moves records.
      const i32 = this.#i32.length === 0 ? wasmCore().i32 : this.#i32;
      for (let k = 0, w = this.#w; k < REC_WORDS; k++) r[k] = i32[w + k]!;
      this.#copied = true;
    }
    return this.#rec;
  }

  /** @internal */
  load(index: number, bytes: Uint8Array, i32: Int32Array, w: number, pre: GbcsDecodeError | undefined, eager: boolean): void {
    this.index = index;
    this.bytes = bytes;
    this.#error = pre;
    this.#copied = false;
    this.#i32 = i32;
    this.#w = w;
    this.status = pre !== undefined ? -1 : i32[w]!;
    this.messageCode = i32[w + R_MESSAGE_CODE]!;
    this.craFlag = i32[w + R_CRA]!;
    this.kindCode = i32[w + R_KIND]!;
    this.originatorOffset = i32[w + R_ORIGINATOR]!;
    this.recipientOffset = i32[w + R_RECIPIENT]!;
    this.counterOffset = i32[w + R_COUNTER]!;
    this.contentOffset = i32[w + R_CONTENT]!;
    this.contentLength = i32[w + R_CONTENT_LEN]!;
    if (eager) this.#record();
  }

  get ok(): boolean {
    return this.status === 0;
  }

  /** Why the current frame did not decode (with `frameIndex`), or undefined. */
  get error(): GbcsDecodeError | undefined {
    if (this.status === 0) return undefined;
    if (this.#error === undefined) {
      this.#error = GbcsDecodeError.fromStatus(this.status, this.#record()[R_ERR_OFFSET]!);
      this.#error.frameIndex = this.index;
    }
    return this.#error;
  }

  get cra(): Cra | undefined {
    return CRA_NAMES[this.craFlag - 1];
  }

  get kind(): FrameKind | undefined {
    return KIND_NAMES[this.kindCode];
  }

  /** Originator system title, 16 lower-case hex digits (undefined for GBT segments). */
  get originator(): string | undefined {
    const o = this.originatorOffset;
    return o < 0 ? undefined : toHex(this.bytes, o, o + 8);
  }

  get recipient(): string | undefined {
    const o = this.recipientOffset;
    return o < 0 ? undefined : toHex(this.bytes, o, o + 8);
  }

  /** Originator counter as a bigint. */
  get originatorCounter(): bigint | undefined {
    const o = this.counterOffset;
    if (o < 0) return undefined;
    const b = this.bytes;
    const hi = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
    const lo = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** The current frame as a GbcsFrame (throws its error when it did not decode). */
  frame(): GbcsFrame {
    const e = this.error;
    if (e !== undefined) throw e;
    return new GbcsFrame(this.bytes, this.#record(), 0);
  }
}

/**
 * The fastest batch: decodes `inputs` (bytes, hex or base64 text) in WASM chunks and calls
 * `visit` once per frame, in input order, with one reused FrameCursor (message code, CRA,
 * system titles, counter, content position; `frame()` when an object is wanted). Nothing
 * is allocated per frame. `decodeFrame` may be called inside `visit`; another batch call
 * (decodeFrames, scanFrames) may not (it throws). Returns the number of
 * frames that failed.
 */
export function scanFrames(inputs: Iterable<BinaryInput>, visit: (frame: FrameCursor) => void): number {
  const errors: (GbcsDecodeError | undefined)[] = [];
  const frames = collect(inputs, errors);
  const cursor = new FrameCursor();
  let failed = 0;
  runChunks(frames, (first, count, core) => {
    for (let k = 0; k < count; k++) {
      const i = first + k;
      // Record 0 is where decodeFrame writes: copy it before the visitor can call one.
      cursor.load(i, frames[i]!, core.i32, core.recordWord + k * REC_WORDS, errors[i], k === 0);
      if (cursor.status !== 0) failed++;
      visit(cursor);
    }
  });
  return failed;
}

const counterAt = (b: Uint8Array, o: number): bigint => {
  const hi = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  const lo = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
};

/** Status of a slot whose input never reached the kernel (text error, too large) or failed strict decoding. */
const PRE_ERROR = -1;

/**
 * A decoded batch as columns (issue 12 item 3): the envelope index of every frame, copied
 * out of WASM memory once per chunk (one typed-array copy, no object per frame). Read a
 * column (`messageCodes`, `craFlags`, ... : typed arrays indexed by input position, made
 * on first read) or one slot (`messageCode(i)`, `originator(i)`, ...); `frame(i)` builds
 * the GbcsFrame of a slot when an object is wanted. Holds the frames' bytes (the caller's
 * byte input, not copied).
 *
 * Decision: the index is copied, not read in place, although WASM memory keeps it until
 * the next decode: moving it out only when displaced needs to know whether the batch is
 * still alive, and a WeakRef keeps its target for the whole synchronous job (a loop of
 * batches then kept every batch and copied anyway: 2.5x slower than the copy, measured).
 */
export class FrameBatch {
  /** Frames in the batch (= inputs). */
  readonly length: number;
  readonly #bytes: Uint8Array[];
  /** REC_WORDS words per slot from word `#base`. */
  readonly #rec: Int32Array;
  readonly #base: number;
  readonly #errors: (GbcsDecodeError | undefined)[];
  #failed = -1;
  readonly #columns = new Map<number, Int32Array>();

  /** @internal */
  constructor(bytes: Uint8Array[], rec: Int32Array, base: number, errors: (GbcsDecodeError | undefined)[]) {
    this.length = bytes.length;
    this.#bytes = bytes;
    this.#rec = rec;
    this.#base = base;
    this.#errors = errors;
  }

  #r(): Int32Array {
    return this.#rec;
  }

  /** Record word `word` of every slot as a column (cached). */
  #column(word: number): Int32Array {
    let c = this.#columns.get(word);
    if (c === undefined) {
      const rec = this.#r();
      c = recordSpace(this.length);
      for (let i = 0, w = this.#base + word; i < c.length; i++, w += REC_WORDS) c[i] = rec[w]!;
      this.#columns.set(word, c);
    }
    return c;
  }

  /** 0 where the frame decoded, a WASM E_* status where it did not, -1 for text/size/strict errors. */
  get statuses(): Int32Array {
    return this.#column(0);
  }
  /** Message codes (0 for GBT segments; meaningless for failed slots). */
  get messageCodes(): Int32Array {
    return this.#column(R_MESSAGE_CODE);
  }
  /** CRA flags: 1 command, 2 response, 3 alert (0 for GBT segments). */
  get craFlags(): Int32Array {
    return this.#column(R_CRA);
  }
  /** Kind codes: 1 general-ciphering, 2 general-signing, 3 GBT. */
  get kindCodes(): Int32Array {
    return this.#column(R_KIND);
  }
  /** Offsets in each frame's bytes (-1 when absent) of the originator system title. */
  get originatorOffsets(): Int32Array {
    return this.#column(R_ORIGINATOR);
  }
  /** Offsets of the recipient system title (-1 when absent). */
  get recipientOffsets(): Int32Array {
    return this.#column(R_RECIPIENT);
  }
  /** Offsets of the 8-byte originator counter (-1 when absent). */
  get counterOffsets(): Int32Array {
    return this.#column(R_COUNTER);
  }
  /** Offsets of the content (payload) (-1 when absent). */
  get contentOffsets(): Int32Array {
    return this.#column(R_CONTENT);
  }
  /** Content lengths. */
  get contentLengths(): Int32Array {
    return this.#column(R_CONTENT_LEN);
  }

  /** Number of slots that did not decode. */
  get failed(): number {
    if (this.#failed < 0) {
      const rec = this.#r();
      let n = 0;
      for (let i = 0, w = this.#base; i < this.length; i++, w += REC_WORDS) if (rec[w] !== 0) n++;
      this.#failed = n;
    }
    return this.#failed;
  }

  #word(i: number, word: number): number {
    if (!(i >= 0 && i < this.length)) throw new RangeError(`slot ${i} outside a batch of ${this.length}`);
    return this.#r()[this.#base + i * REC_WORDS + word]!;
  }

  /** Whether slot `i` decoded. */
  ok(i: number): boolean {
    return this.#word(i, 0) === 0;
  }
  /** Message code of slot `i` (0 for GBT segments). */
  messageCode(i: number): number {
    return this.#word(i, R_MESSAGE_CODE);
  }
  /** CRA flag of slot `i`: 1 command, 2 response, 3 alert (0 for GBT segments). */
  craFlag(i: number): number {
    return this.#word(i, R_CRA);
  }
  /** CRA of slot `i` by name (undefined for GBT segments and failed slots). */
  cra(i: number): Cra | undefined {
    return this.ok(i) ? CRA_NAMES[this.#word(i, R_CRA) - 1] : undefined;
  }
  /** Frame kind of slot `i` (undefined for a failed slot). */
  kind(i: number): FrameKind | undefined {
    return this.ok(i) ? KIND_NAMES[this.#word(i, R_KIND)] : undefined;
  }
  /** Bytes of slot `i` (the caller's, or decoded from text; empty for a text error). */
  bytes(i: number): Uint8Array {
    this.#word(i, 0);
    return this.#bytes[i]!;
  }
  /** Offset of record word `word` of slot `i` when it decoded and has it, else -1. */
  #at(i: number, word: number): number {
    return this.ok(i) ? this.#word(i, word) : -1;
  }
  /** Originator system title of slot `i`, 16 lower-case hex digits (undefined for GBT or a failed slot). */
  originator(i: number): string | undefined {
    const o = this.#at(i, R_ORIGINATOR);
    return o < 0 ? undefined : toHex(this.#bytes[i]!, o, o + 8);
  }
  /** Recipient system title of slot `i`, 16 lower-case hex digits (undefined for GBT or a failed slot). */
  recipient(i: number): string | undefined {
    const o = this.#at(i, R_RECIPIENT);
    return o < 0 ? undefined : toHex(this.#bytes[i]!, o, o + 8);
  }
  /** Originator counter of slot `i` (undefined for GBT or a failed slot). */
  originatorCounter(i: number): bigint | undefined {
    const o = this.#at(i, R_COUNTER);
    return o < 0 ? undefined : counterAt(this.#bytes[i]!, o);
  }
  /** Content (payload) of slot `i`, a view of its bytes (undefined for GBT or a failed slot). */
  content(i: number): Uint8Array | undefined {
    const o = this.#at(i, R_CONTENT);
    return o < 0 ? undefined : this.#bytes[i]!.subarray(o, o + this.#word(i, R_CONTENT_LEN));
  }

  /** Why slot `i` did not decode (with `frameIndex`), or undefined. */
  error(i: number): GbcsDecodeError | undefined {
    const status = this.#word(i, 0);
    if (status === 0) return undefined;
    let e = this.#errors[i];
    if (e === undefined) {
      e = GbcsDecodeError.fromStatus(status, this.#word(i, R_ERR_OFFSET));
      e.frameIndex = i;
      this.#errors[i] = e;
    }
    return e;
  }

  /** Slot `i` as a GbcsFrame (a new object per call; throws its error when it did not decode). */
  frame(i: number): GbcsFrame {
    const e = this.error(i);
    if (e !== undefined) throw e;
    return new GbcsFrame(this.#bytes[i]!, this.#r(), this.#base + i * REC_WORDS);
  }

  /** Each slot as `decodeFrames` gives it: the frame, or its error. */
  *[Symbol.iterator](): IterableIterator<DecodeResult> {
    for (let i = 0; i < this.length; i++) yield this.error(i) ?? this.frame(i);
  }
}

/** Bytes of the slab small batches' indexes are carved from. */
const RECORD_SLAB = 1 << 20;
let recordSlab: ArrayBuffer | undefined;
let recordSlabUsed = RECORD_SLAB;

/**
 * `words` Int32 words for a batch index: a view carved from a 1 MiB slab (an index of
 * up to a quarter of it, ~2,000 frames), else its own array. One external allocation per
 * slab instead of one per batch (a loop of batches otherwise allocated 130 KiB of
 * ArrayBuffer per 1,000 frames, and V8 answers external memory with extra GC). A live batch
 * keeps its slab, as a Node Buffer keeps its pool.
 */
function recordSpace(words: number): Int32Array {
  const bytes = words * 4;
  if (bytes > RECORD_SLAB >> 2) return new Int32Array(words);
  if (recordSlabUsed + bytes > RECORD_SLAB) {
    recordSlab = new ArrayBuffer(RECORD_SLAB);
    recordSlabUsed = 0;
  }
  const r = new Int32Array(recordSlab!, recordSlabUsed, words);
  recordSlabUsed += bytes;
  return r;
}

/**
 * Decodes many frames (bytes, hex or base64 text) into a columnar FrameBatch: one WASM call
 * per chunk as decodeFrames, but no object per frame.
 * A malformed input does not stop the batch: its slot's status is non-zero and `error(i)`
 * says why. With `{ strict: true }` a frame whose envelope lengths are not minimal is such
 * a slot (`non-minimal-length`).
 *
 * ```js
 * const batch = decodeFrameBatch(lines);
 * const codes = batch.messageCodes; // Int32Array, one per input
 * for (let i = 0; i < batch.length; i++) if (batch.ok(i) && codes[i] === 0x0015) use(batch.frame(i));
 * ```
 */
export function decodeFrameBatch(inputs: Iterable<BinaryInput>, options?: DecodeOptions): FrameBatch {
  const errors: (GbcsDecodeError | undefined)[] = [];
  const frames = collect(inputs, errors);
  const r = recordSpace(frames.length * REC_WORDS);
  const base = 0;
  runChunks(frames, (first, count, core) => {
    const w = core.recordWord;
    r.set(core.i32.subarray(w, w + count * REC_WORDS), first * REC_WORDS);
  });
  const batch = new FrameBatch(frames, r, base, errors);
  if (errors.length > 0) for (let i = 0; i < errors.length; i++) if (errors[i] !== undefined) r[base + i * REC_WORDS] = PRE_ERROR;
  if (options?.strict === true) {
    for (let i = 0; i < frames.length; i++) {
      if (!batch.ok(i)) continue;
      const e = nonMinimalLength(batch.frame(i));
      if (e) {
        e.frameIndex = i;
        errors[i] = e;
        r[base + i * REC_WORDS] = PRE_ERROR;
      }
    }
  }
  return batch;
}
