// Thin hand-written glue over the raw WASM exports (no @assemblyscript/loader): the core
// exchanges only integers and bytes in fixed regions, so the loader's string/array
// marshalling would sit unused on every call (README "Why no loader" has the numbers).
// The glue reports status numbers (layout.ts E_*), never errors: the error layer sits
// above it and turns a status into a GbcsDecodeError (errors.ts fromStatus).
import { WASM_BASE64 } from '../generated/wasm-binary.js';
import { E_INPUT_TOO_LARGE, E_TRAP } from './layout.js';

interface CoreExports {
  memory: WebAssembly.Memory;
  inputPtr(): number;
  inputCapacity(): number;
  tablePtr(): number;
  recordPtr(): number;
  columnPtr(): number;
  maxBatch(): number;
  reserveInput(len: number): number;
  decodeOne(len: number): number;
  decodeBatch(count: number, columns: number): number;
  nodePtr(): number;
  walkPayload(len: number, mode: number): number;
  payloadNodeCount(): number;
  payloadErrorOffset(): number;
  encDescPtr(): number;
  outputPtr(): number;
  outputCapacity(): number;
  reserveOutput(len: number): number;
  encodeFrames(first: number, count: number): number;
  encErrorIndex(): number;
  encErrorField(): number;
  encNeeded(): number;
  encodeBlockRun(mode: number, src: number, total: number, blockSize: number, first: number, firstOffset: number, sequence: number, manufacturerCode: number, imageType: number, fileVersion: number): number;
  blockRunErrorField(): number;
  blockRunNeeded(): number;
  encodeBlockResponses(first: number, count: number): number;
  blockResponseErrorIndex(): number;
  encodePayloads(start: number, end: number, max: number): number;
  payloadEncErrorOp(): number;
  payloadEncErrorField(): number;
  payloadEncNext(): number;
  decodeOtaFrames(count: number, mode: number): number;
}

export class WasmCore {
  readonly exports: CoreExports;
  /** Byte view of linear memory; re-created after memory growth (see `views`). */
  u8!: Uint8Array;
  u32!: Uint32Array;
  /** Signed view of the same memory: NONE offsets read as -1. */
  i32!: Int32Array;
  inputPtr = 0;
  inputCap = 0;
  readonly tablePtr: number;
  readonly recordPtr: number;
  /** Word index of record 0 in `u32`. */
  readonly recordWord: number;
  readonly tableWord: number;
  /** Word index of batch column 0 (layout.ts C_*: column c of slot i at c * MAX_BATCH + i). */
  readonly columnWord: number;
  readonly maxBatch: number;
  /** Word index of payload node 0 in `u32` / `i32`. */
  readonly nodeWord: number;
  /**
   * Counts payload walks and view refreshes: a NodeIndex that views WASM memory is valid
   * while this still equals the count it was made at (lazy payloads re-walk otherwise
   * instead of copying the node words).
   */
  walks = 0;
  /** Word index of encoder descriptor 0 in `u32` (ENC_WORDS per frame). */
  readonly encDescWord: number;
  /** Encoder output region (moves when grown for one oversized frame). */
  outputPtr = 0;
  outputCap = 0;

  constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as CoreExports;
    this.tablePtr = this.exports.tablePtr() >>> 0;
    this.recordPtr = this.exports.recordPtr() >>> 0;
    this.recordWord = this.recordPtr >>> 2;
    this.tableWord = this.tablePtr >>> 2;
    this.columnWord = (this.exports.columnPtr() >>> 0) >>> 2;
    this.maxBatch = this.exports.maxBatch();
    this.nodeWord = (this.exports.nodePtr() >>> 0) >>> 2;
    this.encDescWord = (this.exports.encDescPtr() >>> 0) >>> 2;
    this.refresh();
  }

  /** Re-reads region pointers and views (after growth detached the old buffer). */
  refresh(): void {
    this.walks++;
    const buf = this.exports.memory.buffer;
    this.u8 = new Uint8Array(buf);
    this.u32 = new Uint32Array(buf);
    this.i32 = new Int32Array(buf);
    this.inputPtr = this.exports.inputPtr() >>> 0;
    this.inputCap = this.exports.inputCapacity() >>> 0;
    this.outputPtr = this.exports.outputPtr() >>> 0;
    this.outputCap = this.exports.outputCapacity() >>> 0;
  }

  /** Makes the output region at least `len` bytes (one oversized frame); refreshes views. */
  reserveOutput(len: number): number {
    if (len > this.outputCap) {
      if (len > 0x7fff0000) return E_INPUT_TOO_LARGE;
      const status = this.run(() => (this.exports.reserveOutput(len), 0));
      this.refresh();
      return status;
    }
    return 0;
  }

  /**
   * Runs a core call whose result is a count or a negative status (the encoders): a trap
   * (a core bug) becomes -E_TRAP, never a value a count could take.
   */
  runCount(fn: () => number): number {
    const r = this.run(fn);
    return r === E_TRAP && this.trapped ? -E_TRAP : r;
  }

  /** Message of the last trap `run` caught (for the error layer's detail). */
  lastTrap = '';
  /** Whether the last `run` trapped (its E_TRAP result was not the call's own value). */
  trapped = false;

  /**
   * Makes the input region at least `len` bytes; refreshes views when it moved.
   * Returns 0, or E_INPUT_TOO_LARGE (nothing reserved) past 2 GiB per call.
   */
  reserve(len: number): number {
    if (len > this.inputCap) {
      if (len > 0x7fff0000) return E_INPUT_TOO_LARGE;
      const status = this.run(() => (this.exports.reserveInput(len), 0));
      this.refresh();
      return status;
    } else if (this.u8.length === 0) {
      this.refresh();
    }
    return 0;
  }

  /**
   * Copies `bytes` into the input region and walks them as a payload (`mode`: W_*).
   * Returns the walker's status: 0, then `payloadNodeCount()` nodes are valid until the
   * next walk; otherwise the E_* code, with its offset in `payloadErrorOffset()`
   * (relative to `bytes`).
   */
  walkPayload(bytes: Uint8Array, mode: number): number {
    const r = this.reserve(bytes.length);
    if (r !== 0) return r;
    this.walks++;
    this.u8.set(bytes, this.inputPtr);
    return this.run(() => this.exports.walkPayload(bytes.length, mode));
  }

  /** Node count of the last successful walk. */
  payloadNodeCount(): number {
    return this.exports.payloadNodeCount();
  }

  /** Offset (in the walked bytes) of the last walk's error. */
  payloadErrorOffset(): number {
    return this.exports.payloadErrorOffset() >>> 0;
  }

  /**
   * Runs a core call returning a status; a trap (a core bug, never expected input)
   * becomes the status E_TRAP, its message kept in `lastTrap`. Memory stays usable.
   */
  run(fn: () => number): number {
    this.trapped = false;
    try {
      return fn();
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        // Linear memory is still usable after a trap; views may be stale.
        this.refresh();
        this.lastTrap = e.message;
        this.trapped = true;
        return E_TRAP;
      }
      throw e;
    }
  }
}

let core: WasmCore | undefined;

function wasmBytes(): Uint8Array {
  if (typeof Buffer !== 'undefined') return Buffer.from(WASM_BASE64, 'base64');
  const bin = atob(WASM_BASE64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The shared core, compiled synchronously on first use (Node; small module). */
export function wasmCore(): WasmCore {
  if (core === undefined) {
    const module = new WebAssembly.Module(wasmBytes() as BufferSource);
    core = new WasmCore(new WebAssembly.Instance(module, {}));
  }
  return core;
}

/**
 * Compiles the core asynchronously. Browsers must call this before the first decode
 * (main-thread synchronous compilation is limited there); Node may skip it.
 */
export async function init(): Promise<void> {
  if (core !== undefined) return;
  const { instance } = await WebAssembly.instantiate(wasmBytes() as BufferSource, {});
  core ??= new WasmCore(instance);
}
