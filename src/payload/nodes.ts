// Reading the node index the WASM payload walkers write (layout in src/wasm/layout.ts).
import { GbcsDecodeError } from '../errors.js';
import { wasmCore } from '../wasm/core.js';
import * as L from '../wasm/layout.js';

/** A walked payload: its bytes and the node words (a view of WASM memory or a copy). */
export class NodeIndex {
  constructor(
    readonly bytes: Uint8Array,
    private readonly w: Int32Array,
    private readonly base: number,
    readonly count: number,
    /** `wasmCore().walks` when this views WASM memory; -1 for a copy (always valid). */
    private readonly walk = -1,
  ) {}

  /** False once a later walk (or memory growth) has overwritten the viewed node words. */
  get live(): boolean {
    return this.walk < 0 || this.walk === wasmCore().walks;
  }

  cls(i: number): number {
    return this.w[this.base + i * L.NODE_WORDS + L.N_KIND]! >>> 8;
  }
  tag(i: number): number {
    return this.w[this.base + i * L.NODE_WORDS + L.N_KIND]! & 0xff;
  }
  start(i: number): number {
    return this.w[this.base + i * L.NODE_WORDS + L.N_START]!;
  }
  value(i: number): number {
    return this.w[this.base + i * L.NODE_WORDS + L.N_VALUE]!;
  }
  end(i: number): number {
    return this.w[this.base + i * L.NODE_WORDS + L.N_END]!;
  }
  next(i: number): number {
    return this.w[this.base + i * L.NODE_WORDS + L.N_NEXT]!;
  }
  aux(i: number): number {
    return this.w[this.base + i * L.NODE_WORDS + L.N_AUX]! >>> 0;
  }
  /** Indices of the direct children of node i. */
  children(i: number): number[] {
    const out: number[] = [];
    const stop = this.next(i);
    for (let c = i + 1; c < stop; c = this.next(c)) out.push(c);
    return out;
  }
}

/**
 * Walks `bytes` in WASM (`mode`: W_*). With `copy` the node words are copied out so the
 * index outlives later walks; otherwise it is a view valid until the next walk (`live`
 * says whether it still is): full decoding consumes it at once, lazy payloads re-walk
 * when it went stale. Errors carry `offsetBase` + offset.
 */
export function walkNodes(bytes: Uint8Array, mode: number, copy: boolean, offsetBase = 0): NodeIndex {
  const core = wasmCore();
  const status = core.walkPayload(bytes, mode);
  if (status !== 0) throw GbcsDecodeError.fromStatus(status, offsetBase + core.payloadErrorOffset(), core.lastTrap);
  const n = core.payloadNodeCount();
  if (copy) {
    const w = core.i32.slice(core.nodeWord, core.nodeWord + n * L.NODE_WORDS);
    return new NodeIndex(bytes, w, 0, n);
  }
  return new NodeIndex(bytes, core.i32, core.nodeWord, n, core.walks);
}
