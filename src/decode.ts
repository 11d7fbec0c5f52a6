// Frame decoding entry points: one frame per call, or many frames per WASM call
// (`decodeFrames` gives objects, `scanFrames` a cursor and `decodeFrameBatch` columns, with
// no object per frame).
import { toBytes, toHex, type BinaryInput } from './bytes.js';
import { GbcsDecodeError } from './errors.js';
import { CRA_NAMES, GbcsFrame, KIND_NAMES, type Cra, type FrameKind } from './frame.js';
import { wasmCore, type WasmCore } from './wasm/core.js';
import * as L from './wasm/layout.js';

// Layout words as module constants (a namespace read per field costs in a hot loop).
const { E_TRAP, REC_WORDS, R_ERR_OFFSET, MAX_BATCH, C_WORDS, C_STATUS, C_ERR_OFFSET, C_KIND, C_CRA, C_MESSAGE_CODE, C_FORMAT, C_ORIGINATOR, C_RECIPIENT, C_COUNTER, C_CONTENT, C_CONTENT_LEN } = L;

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
export function decodeFrame(input: BinaryInput, options?: DecodeFrameOptions): GbcsFrame {
  const converted = input instanceof Uint8Array ? input : toBytes(input);
  if (converted.length > MAX_FRAME_BYTES) throw tooLarge(converted.length);
  if (options === undefined) return walkOne(converted);
  const frame = walkOne(options.copy === true && typeof input !== 'string' ? converted.slice() : converted);
  if (options.strict === true) {
    const e = nonMinimalLength(frame);
    if (e) throw e;
  }
  return frame;
}

/** Walks `bytes` (at most MAX_FRAME_BYTES) with one WASM call; the frame, or throws its error. */
function walkOne(bytes: Uint8Array): GbcsFrame {
  const core = wasmCore();
  const len = bytes.length;
  if (len > core.inputCap || core.u8.length === 0) {
    const reserved = core.reserve(len);
    if (reserved !== 0) throw GbcsDecodeError.fromStatus(reserved, 0, core.lastTrap);
  }
  core.u8.set(bytes, core.inputPtr);
  const status = core.run(() => core.exports.decodeOne(len));
  const w = core.recordWord;
  if (status === 0) return new GbcsFrame(bytes, core.i32, w);
  if (status === E_TRAP) throw GbcsDecodeError.fromStatus(status, 0, core.lastTrap);
  throw GbcsDecodeError.fromStatus(status, core.i32[w + R_ERR_OFFSET]!);
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
const EMPTY_I32 = new Int32Array(0);

/** Status of a slot whose input never reached the kernel (text error, too large) or failed strict decoding. */
const PRE_ERROR = -1;

/**
 * Batch inputs as bytes, one slot per input: the caller's Uint8Arrays as they are (not
 * copied), text converted; a slot whose input is unusable (not hex/base64, over
 * MAX_FRAME_BYTES) holds an empty frame and its error in `errors` (with `frameIndex`).
 */
interface Slots {
  readonly frames: Uint8Array[];
  readonly errors: (GbcsDecodeError | undefined)[] | undefined;
}

function prepare(inputs: Iterable<BinaryInput>, own: boolean): Slots {
  // `own`: the slots are kept past the call (or read while a visitor runs), so they live in
  // a list of ours, never the caller's (which is never written to). Otherwise the caller's
  // list is read as it is while every entry is usable bytes, and copied at the first that is not.
  const list = (Array.isArray(inputs) ? inputs : Array.from(inputs)) as Uint8Array[];
  let frames = own && list === inputs ? list.slice() : list;
  let errors: (GbcsDecodeError | undefined)[] | undefined;
  for (let i = 0; i < frames.length; i++) {
    const input: BinaryInput = frames[i]!;
    if (input instanceof Uint8Array && input.length <= MAX_FRAME_BYTES) continue;
    if (frames === inputs) frames = frames.slice();
    try {
      const b = toBytes(input);
      if (b.length > MAX_FRAME_BYTES) throw tooLarge(b.length);
      frames[i] = b;
    } catch (e) {
      if (!(e instanceof GbcsDecodeError)) throw e;
      e.frameIndex = i;
      (errors ??= [])[i] = e;
      frames[i] = EMPTY;
    }
  }
  return { frames, errors };
}

/**
 * Batches run one at a time: a scanFrames visitor may call decodeFrame (one frame, record
 * 0 and the input region only) but not another batch (it would overwrite the columns and
 * records being read). `beginBatch` / `endBatch` bracket a batch.
 */
let inBatch = false;

function beginBatch(): WasmCore {
  if (inBatch) throw new Error('a batch decode was started inside a scanFrames visitor: collect the frames and decode them after the scan');
  inBatch = true;
  return wasmCore();
}

function endBatch(): void {
  inBatch = false;
}

/** Frames of the last chunk that failed (unusable inputs walk as empty frames, so they count). */
let chunkFailed = 0;

/**
 * Walks the next chunk of `frames` from slot `i` with one WASM call: as many frames as fit
 * in the input region and MAX_BATCH, copied in with their (offset, length) pairs. Returns
 * the slot after the chunk; the chunk's records (from `core.recordWord`) and, with
 * `columns` 1, its columns (from `core.columnWord`) stay in WASM memory until the next batch.
 */
function walkChunk(core: WasmCore, frames: Uint8Array[], i: number, columns: number): number {
  // Only a chunk's first frame can be larger than the region: grow it then.
  const reserved = core.reserve(frames[i]!.length);
  if (reserved !== 0) throw GbcsDecodeError.fromStatus(reserved, 0, core.lastTrap);
  const u8 = core.u8;
  const u32 = core.u32;
  const base = core.inputPtr;
  const cap = core.inputCap;
  const n = frames.length;
  const stop = n - i < MAX_BATCH ? n : i + MAX_BATCH;
  let t = core.tableWord;
  let off = 0;
  let j = i;
  while (j < stop) {
    const f = frames[j]!;
    const len = f.length;
    if (len > cap - off) break;
    u8.set(f, base + off);
    u32[t] = off;
    u32[t + 1] = len;
    t += 2;
    off += len;
    j++;
  }
  const count = j - i;
  const failed = core.run(() => core.exports.decodeBatch(count, columns));
  if (failed === E_TRAP && core.trapped) throw GbcsDecodeError.fromStatus(failed, 0, core.lastTrap);
  chunkFailed = failed;
  return j;
}

/**
 * Decodes many frames with one WASM call per chunk (up to 8192 frames or the input
 * region's capacity). A malformed frame does not stop the batch: its slot holds the
 * GbcsDecodeError instead of a frame (text that is neither hex nor base64 and input over
 * MAX_FRAME_BYTES included). Each frame is built from its record of the batch walk (the
 * frames are not walked again).
 */
export function decodeFrames(inputs: Iterable<BinaryInput>, options?: DecodeOptions): DecodeResult[] {
  const strict = options !== undefined && options.strict === true;
  const { frames, errors } = prepare(inputs, false);
  const n = frames.length;
  const results: DecodeResult[] = new Array<DecodeResult>(n);
  const core = beginBatch();
  try {
    for (let i = 0; i < n; ) {
      const j = walkChunk(core, frames, i, 0);
      const i32 = core.i32;
      for (let k = i, w = core.recordWord; k < j; k++, w += REC_WORDS) {
        const pre = errors === undefined ? undefined : errors[k];
        if (pre !== undefined) {
          results[k] = pre;
          continue;
        }
        const status = i32[w]!;
        if (status === 0) {
          const f = new GbcsFrame(frames[k]!, i32, w);
          const e = strict ? nonMinimalLength(f) : undefined;
          if (e === undefined) results[k] = f;
          else {
            e.frameIndex = k;
            results[k] = e;
          }
        } else {
          results[k] = slotError(status, i32[w + R_ERR_OFFSET]!, k);
        }
      }
      i = j;
    }
  } finally {
    endBatch();
  }
  return results;
}

/** The error of a slot from its status and offset words (`frameIndex` set). */
function slotError(status: number, offset: number, index: number): GbcsDecodeError {
  const e = GbcsDecodeError.fromStatus(status, offset);
  e.frameIndex = index;
  return e;
}

/**
 * The frame of a slot that decoded, walked again from its bytes (one WASM call). Decision:
 * the batch readers keep the batch columns only (44 bytes per frame instead of the
 * 128-byte record), so the full record of a slot is made again when its object is wanted.
 */
function slotFrame(bytes: Uint8Array): GbcsFrame {
  return walkOne(bytes);
}

/**
 * The frame a scanFrames visitor is looking at. One object per scan, moved from frame to
 * frame: read what you need inside the visitor (keep `index`, not the cursor). The values
 * are read from the batch columns on access (nothing is copied per frame).
 */
export class FrameCursor {
  /** Slot of the current frame in the input. */
  index = -1;
  /** Bytes of the current frame (the caller's, or decoded from text). */
  bytes: Uint8Array = EMPTY;
  /** The columns (WASM memory) and this slot's word in column 0. */
  #i32: Int32Array = EMPTY_I32;
  #at = 0;
  #pre: GbcsDecodeError | undefined = undefined;
  #error: GbcsDecodeError | undefined = undefined;

  /** @internal */
  load(index: number, bytes: Uint8Array, i32: Int32Array, at: number, pre: GbcsDecodeError | undefined): void {
    this.index = index;
    this.bytes = bytes;
    this.#i32 = i32;
    this.#at = at;
    this.#pre = pre;
    this.#error = pre;
  }

  /** Column `column` of the current slot. */
  #word(column: number): number {
    let a = this.#i32;
    // A decodeFrame in the visitor that grew WASM memory detached the view (columns stay put).
    if (a.length === 0) a = this.#i32 = wasmCore().i32;
    return a[this.#at + column * MAX_BATCH]!;
  }

  /** 0 when the frame decoded, else a WASM status, or -1 for a text/size error (see `error`). */
  get status(): number {
    return this.#pre !== undefined ? PRE_ERROR : this.#word(C_STATUS);
  }
  get ok(): boolean {
    return this.status === 0;
  }
  /** Message code (0 for GBT segments). */
  get messageCode(): number {
    return this.#word(C_MESSAGE_CODE);
  }
  /** CRA flag 1 (command), 2 (response), 3 (alert); 0 for GBT segments. */
  get craFlag(): number {
    return this.#word(C_CRA);
  }
  /** K_* kind code (1 general-ciphering, 2 general-signing, 3 GBT). */
  get kindCode(): number {
    return this.#word(C_KIND);
  }
  /** F_* payload family code (0 unknown, 1 DLMS, 2 GBZ, 3 ASN.1). */
  get formatCode(): number {
    return this.#word(C_FORMAT);
  }
  /** Offset into `bytes` of the originator system title (-1 when absent). */
  get originatorOffset(): number {
    return this.#word(C_ORIGINATOR);
  }
  /** Offset of the recipient system title (-1 when absent). */
  get recipientOffset(): number {
    return this.#word(C_RECIPIENT);
  }
  /** Offset of the 8-byte originator counter (-1 when absent). */
  get counterOffset(): number {
    return this.#word(C_COUNTER);
  }
  /** Offset of the content (payload) (-1 when absent). */
  get contentOffset(): number {
    return this.#word(C_CONTENT);
  }
  /** Content length. */
  get contentLength(): number {
    return this.#word(C_CONTENT_LEN);
  }

  /** Why the current frame did not decode (with `frameIndex`), or undefined. */
  get error(): GbcsDecodeError | undefined {
    if (this.#error !== undefined) return this.#error;
    const status = this.#word(C_STATUS);
    if (status === 0) return undefined;
    return (this.#error = slotError(status, this.#word(C_ERR_OFFSET), this.index));
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
    return o < 0 ? undefined : counterAt(this.bytes, o);
  }

  /** The current frame as a GbcsFrame (walked again from `bytes`; throws its error when it did not decode). */
  frame(): GbcsFrame {
    const e = this.error;
    if (e !== undefined) throw e;
    return slotFrame(this.bytes);
  }
}

/**
 * The fastest batch: decodes `inputs` (bytes, hex or base64 text) in WASM chunks and calls
 * `visit` once per frame, in input order, with one reused FrameCursor (message code, CRA,
 * system titles, counter, content position; `frame()` when an object is wanted). Nothing
 * is allocated per frame. `decodeFrame` may be called inside `visit`; another batch call
 * (decodeFrames, scanFrames, decodeFrameBatch) may not (it throws). Returns the number of
 * frames that failed.
 */
export function scanFrames(inputs: Iterable<BinaryInput>, visit: (frame: FrameCursor) => void): number {
  const { frames, errors } = prepare(inputs, true);
  const n = frames.length;
  const cursor = new FrameCursor();
  let failed = 0;
  const core = beginBatch();
  try {
    for (let i = 0; i < n; ) {
      const j = walkChunk(core, frames, i, 1);
      failed += chunkFailed;
      for (let k = i, at = core.columnWord; k < j; k++, at++) {
        // core.i32 read per frame: a decodeFrame in the visitor may have grown (and re-viewed) memory.
        cursor.load(k, frames[k]!, core.i32, at, errors === undefined ? undefined : errors[k]);
        visit(cursor);
      }
      i = j;
    }
  } finally {
    endBatch();
  }
  return failed;
}

const counterAt = (b: Uint8Array, o: number): bigint => {
  const hi = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  const lo = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
};

/**
 * A decoded batch as columns (issue 12 item 3): per frame the status, message code, CRA,
 * kind, payload family and the offsets of the system titles, counter and content, copied
 * out of WASM memory with one typed-array copy per column and chunk (no object and no read
 * per frame). Read a column (`messageCodes`, `craFlags`, ... : Int32Array views indexed by
 * input position) or one slot (`messageCode(i)`, `originator(i)`, ...); `frame(i)` builds
 * the GbcsFrame of a slot when an object is wanted (walking its bytes again: the batch
 * keeps 44 bytes of index per frame, not the whole record). Holds the frames' bytes (the
 * caller's byte input, not copied).
 */
export class FrameBatch {
  /** Frames in the batch (= inputs). */
  readonly length: number;
  readonly #bytes: Uint8Array[];
  /** C_WORDS columns of `length` words: column c of slot i at c * length + i. */
  readonly #cols: Int32Array;
  readonly #errors: (GbcsDecodeError | undefined)[];
  #failed = -1;

  /** @internal */
  constructor(bytes: Uint8Array[], cols: Int32Array, errors: (GbcsDecodeError | undefined)[] | undefined) {
    this.length = bytes.length;
    this.#bytes = bytes;
    this.#cols = cols;
    this.#errors = errors ?? [];
  }

  #views: Int32Array[] | undefined;

  /** Column `c` as a view (no copy; made on first read). */
  #column(c: number): Int32Array {
    const views = (this.#views ??= []);
    return (views[c] ??= this.#cols.subarray(c * this.length, (c + 1) * this.length));
  }

  /** 0 where the frame decoded, a WASM E_* status where it did not, -1 for text/size/strict errors. */
  get statuses(): Int32Array {
    return this.#column(C_STATUS);
  }
  /** Message codes (0 for GBT segments; meaningless for failed slots). */
  get messageCodes(): Int32Array {
    return this.#column(C_MESSAGE_CODE);
  }
  /** CRA flags: 1 command, 2 response, 3 alert (0 for GBT segments). */
  get craFlags(): Int32Array {
    return this.#column(C_CRA);
  }
  /** Kind codes: 1 general-ciphering, 2 general-signing, 3 GBT. */
  get kindCodes(): Int32Array {
    return this.#column(C_KIND);
  }
  /** Payload family codes: 0 unknown, 1 DLMS, 2 GBZ, 3 ASN.1. */
  get formatCodes(): Int32Array {
    return this.#column(C_FORMAT);
  }
  /** Offsets in each frame's bytes (-1 when absent) of the originator system title. */
  get originatorOffsets(): Int32Array {
    return this.#column(C_ORIGINATOR);
  }
  /** Offsets of the recipient system title (-1 when absent). */
  get recipientOffsets(): Int32Array {
    return this.#column(C_RECIPIENT);
  }
  /** Offsets of the 8-byte originator counter (-1 when absent). */
  get counterOffsets(): Int32Array {
    return this.#column(C_COUNTER);
  }
  /** Offsets of the content (payload) (-1 when absent). */
  get contentOffsets(): Int32Array {
    return this.#column(C_CONTENT);
  }
  /** Content lengths. */
  get contentLengths(): Int32Array {
    return this.#column(C_CONTENT_LEN);
  }

  /** Number of slots that did not decode. */
  get failed(): number {
    if (this.#failed < 0) {
      const cols = this.#cols;
      let n = 0;
      for (let i = 0; i < this.length; i++) if (cols[i] !== 0) n++; // C_STATUS is column 0
      this.#failed = n;
    }
    return this.#failed;
  }

  #word(i: number, column: number): number {
    if (!(i >= 0 && i < this.length)) throw new RangeError(`slot ${i} outside a batch of ${this.length}`);
    return this.#cols[column * this.length + i]!;
  }

  /** Whether slot `i` decoded. */
  ok(i: number): boolean {
    return this.#word(i, C_STATUS) === 0;
  }
  /** Message code of slot `i` (0 for GBT segments). */
  messageCode(i: number): number {
    return this.#word(i, C_MESSAGE_CODE);
  }
  /** CRA flag of slot `i`: 1 command, 2 response, 3 alert (0 for GBT segments). */
  craFlag(i: number): number {
    return this.#word(i, C_CRA);
  }
  /** CRA of slot `i` by name (undefined for GBT segments and failed slots). */
  cra(i: number): Cra | undefined {
    return this.ok(i) ? CRA_NAMES[this.#word(i, C_CRA) - 1] : undefined;
  }
  /** Frame kind of slot `i` (undefined for a failed slot). */
  kind(i: number): FrameKind | undefined {
    return this.ok(i) ? KIND_NAMES[this.#word(i, C_KIND)] : undefined;
  }
  /** Bytes of slot `i` (the caller's, or decoded from text; empty for a text error). */
  bytes(i: number): Uint8Array {
    this.#word(i, C_STATUS);
    return this.#bytes[i]!;
  }
  /** Offset in column `column` of slot `i` when it decoded and has it, else -1. */
  #at(i: number, column: number): number {
    return this.ok(i) ? this.#word(i, column) : -1;
  }
  /** Originator system title of slot `i`, 16 lower-case hex digits (undefined for GBT or a failed slot). */
  originator(i: number): string | undefined {
    const o = this.#at(i, C_ORIGINATOR);
    return o < 0 ? undefined : toHex(this.#bytes[i]!, o, o + 8);
  }
  /** Recipient system title of slot `i`, 16 lower-case hex digits (undefined for GBT or a failed slot). */
  recipient(i: number): string | undefined {
    const o = this.#at(i, C_RECIPIENT);
    return o < 0 ? undefined : toHex(this.#bytes[i]!, o, o + 8);
  }
  /** Originator counter of slot `i` (undefined for GBT or a failed slot). */
  originatorCounter(i: number): bigint | undefined {
    const o = this.#at(i, C_COUNTER);
    return o < 0 ? undefined : counterAt(this.#bytes[i]!, o);
  }
  /** Content (payload) of slot `i`, a view of its bytes (undefined for GBT or a failed slot). */
  content(i: number): Uint8Array | undefined {
    const o = this.#at(i, C_CONTENT);
    return o < 0 ? undefined : this.#bytes[i]!.subarray(o, o + this.#word(i, C_CONTENT_LEN));
  }

  /** Why slot `i` did not decode (with `frameIndex`), or undefined. */
  error(i: number): GbcsDecodeError | undefined {
    const status = this.#word(i, C_STATUS);
    if (status === 0) return undefined;
    let e = this.#errors[i];
    if (e === undefined) this.#errors[i] = e = slotError(status, this.#word(i, C_ERR_OFFSET), i);
    return e;
  }

  /** Slot `i` as a GbcsFrame (a new object per call, walked again from its bytes; throws its error when it did not decode). */
  frame(i: number): GbcsFrame {
    const e = this.error(i);
    if (e !== undefined) throw e;
    return slotFrame(this.#bytes[i]!);
  }

  /** Each slot as `decodeFrames` gives it: the frame, or its error. */
  *[Symbol.iterator](): IterableIterator<DecodeResult> {
    for (let i = 0; i < this.length; i++) yield this.error(i) ?? this.frame(i);
  }
}

/** Bytes of the slab batches' columns are carved from. */
const COLUMN_SLAB = 4 << 20;
let columnSlab: ArrayBuffer | undefined;
let columnSlabUsed = COLUMN_SLAB;

/**
 * `words` Int32 words for a batch's columns: a view carved from a 4 MiB slab (up to a
 * quarter of it, ~23,800 frames), else its own array. Decision: one ArrayBuffer per slab,
 * not per batch. Each ArrayBuffer is fresh external memory that V8 tracks and sweeps: in a
 * loop of batches interleaved with garbage-heavy hex decoding (as in bench/throughput.mjs),
 * decodeFrameBatch took about 2.2x the scanFrames cursor's time per frame with a buffer per
 * batch, 1.6x with 1 MiB slabs, 1.35x with 4 MiB slabs (medians of 25 rounds, RTDS, bytes
 * input; without the garbage all three are within noise). A live batch keeps its slab, as
 * a Node Buffer keeps its pool.
 */
function columnSpace(words: number): Int32Array {
  const bytes = words * 4;
  if (bytes > COLUMN_SLAB >> 2) return new Int32Array(words);
  if (columnSlabUsed + bytes > COLUMN_SLAB) {
    columnSlab = new ArrayBuffer(COLUMN_SLAB);
    columnSlabUsed = 0;
  }
  const r = new Int32Array(columnSlab!, columnSlabUsed, words);
  columnSlabUsed += bytes;
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
  const { frames, errors } = prepare(inputs, true);
  const n = frames.length;
  const cols = columnSpace(n * C_WORDS);
  const core = beginBatch();
  try {
    for (let i = 0; i < n; ) {
      const j = walkChunk(core, frames, i, 1);
      const i32 = core.i32;
      for (let c = 0, from = core.columnWord; c < C_WORDS; c++, from += MAX_BATCH) cols.set(i32.subarray(from, from + j - i), c * n + i);
      i = j;
    }
  } finally {
    endBatch();
  }
  if (errors !== undefined) for (let i = 0; i < errors.length; i++) if (errors[i] !== undefined) cols[C_STATUS * n + i] = PRE_ERROR;
  if (options === undefined || options.strict !== true) return new FrameBatch(frames, cols, errors);
  const errs = errors ?? [];
  for (let i = 0; i < n; i++) {
    if (cols[C_STATUS * n + i] !== 0) continue;
    const e = nonMinimalLength(slotFrame(frames[i]!));
    if (e) {
      e.frameIndex = i;
      errs[i] = e;
      cols[C_STATUS * n + i] = PRE_ERROR;
    }
  }
  return new FrameBatch(frames, cols, errs);
}
