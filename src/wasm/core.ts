// Thin hand-written glue over the raw WASM exports (no @assemblyscript/loader): the core
// exchanges only integers and bytes in fixed regions, so the loader's string/array
// marshalling would sit unused on every call (README "Why no loader" has the numbers).
import { WASM_BASE64 } from '../generated/wasm-binary.js';
import { GbcsDecodeError } from '../errors.js';

interface CoreExports {
  memory: WebAssembly.Memory;
  inputPtr(): number;
  inputCapacity(): number;
  tablePtr(): number;
  recordPtr(): number;
  maxBatch(): number;
  reserveInput(len: number): number;
  decodeOne(len: number): number;
  decodeBatch(count: number): number;
  nodePtr(): number;
  walkPayload(len: number, mode: number): number;
  payloadNodeCount(): number;
  payloadErrorOffset(): number;
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
  readonly maxBatch: number;
  /** Word index of payload node 0 in `u32` / `i32`. */
  readonly nodeWord: number;

  constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as CoreExports;
    this.tablePtr = this.exports.tablePtr() >>> 0;
    this.recordPtr = this.exports.recordPtr() >>> 0;
    this.recordWord = this.recordPtr >>> 2;
    this.tableWord = this.tablePtr >>> 2;
    this.maxBatch = this.exports.maxBatch();
    this.nodeWord = (this.exports.nodePtr() >>> 0) >>> 2;
    this.refresh();
  }

  /** Re-reads region pointers and views (after growth detached the old buffer). */
  refresh(): void {
    const buf = this.exports.memory.buffer;
    this.u8 = new Uint8Array(buf);
    this.u32 = new Uint32Array(buf);
    this.i32 = new Int32Array(buf);
    this.inputPtr = this.exports.inputPtr() >>> 0;
    this.inputCap = this.exports.inputCapacity() >>> 0;
  }

  /** Makes the input region at least `len` bytes; refreshes views when it moved. */
  reserve(len: number): void {
    if (len > this.inputCap) {
      if (len > 0x7fff0000) throw new GbcsDecodeError('input-too-large', 0, 'input below 2 GiB per call');
      this.exports.reserveInput(len);
      this.refresh();
    } else if (this.u8.length === 0) {
      this.refresh();
    }
  }

  /**
   * Copies `bytes` into the input region and walks them as a payload (`mode`: W_*).
   * Returns the node count; throws GbcsDecodeError (offset relative to `bytes` plus
   * `offsetBase`) when the walker refuses them. Nodes stay valid until the next walk.
   */
  walkPayload(bytes: Uint8Array, mode: number, offsetBase = 0): number {
    this.reserve(bytes.length);
    this.u8.set(bytes, this.inputPtr);
    const status = this.guard(() => this.exports.walkPayload(bytes.length, mode));
    if (status !== 0) {
      throw GbcsDecodeError.fromStatus(status, offsetBase + (this.exports.payloadErrorOffset() >>> 0));
    }
    return this.exports.payloadNodeCount();
  }

  /** Runs a core call, turning a trap (a core bug, never expected input) into a typed error. */
  guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        // Linear memory is still usable after a trap; views may be stale.
        this.refresh();
        throw new GbcsDecodeError('internal', 0, 'a frame the core can walk', `WASM trap: ${e.message}`);
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
