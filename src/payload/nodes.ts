// Reading the node index the WASM payload walkers write (layout in src/wasm/layout.ts).
import { GbcsDecodeError } from '../errors.js';
import { wasmCore } from '../wasm/core.js';
import * as L from '../wasm/layout.js';

// Node words as module constants: a namespace read (`L.N_START`) per access was a quarter
// of the tree builders' time (issue 12 profile).
const { NODE_WORDS, N_KIND, N_START, N_VALUE, N_END, N_NEXT, N_AUX } = L;
// Scratch stack for deepest(): node trees nest at most MAX_DEPTH (plus the APDU and list nodes) deep.
const DEPTH_STACK = new Int32Array(2 * L.MAX_DEPTH + 8);

/** A walked payload: its bytes and the node words (a view of WASM memory or a copy). */
export class NodeIndex {
  constructor(
    readonly bytes: Uint8Array,
    /** The node words (WASM memory or a copy); node i starts at `base + i * NODE_WORDS`. Builders read them directly. */
    readonly w: Int32Array,
    /** Word index of node 0 in `w`. */
    readonly base: number,
    readonly count: number,
    /** `wasmCore().walks` when this views WASM memory; -1 for a copy (always valid). */
    private readonly walk = -1,
    /** Walker mode (W_*) the bytes were walked in (to walk them again when stale). */
    readonly mode = -1,
    /** Offset base of the walk's error offsets. */
    readonly offsetBase = 0,
  ) {}

  /**
   * This index while it is live; once a later walk overwrote the viewed node words, a copy
   * made by walking the same bytes again in the same mode (the node numbering is the same).
   * Trees that build children on first read (DLMS) hold an index past other walks.
   */
  fresh(): NodeIndex {
    if (this.live) return this;
    return walkNodes(this.bytes, this.mode, true, this.offsetBase);
  }

  /** False once a later walk (or memory growth) has overwritten the viewed node words. */
  get live(): boolean {
    return this.walk < 0 || this.walk === wasmCore().walks;
  }

  cls(i: number): number {
    return this.w[this.base + i * NODE_WORDS + N_KIND]! >>> 8;
  }
  tag(i: number): number {
    return this.w[this.base + i * NODE_WORDS + N_KIND]! & 0xff;
  }
  start(i: number): number {
    return this.w[this.base + i * NODE_WORDS + N_START]!;
  }
  value(i: number): number {
    return this.w[this.base + i * NODE_WORDS + N_VALUE]!;
  }
  end(i: number): number {
    return this.w[this.base + i * NODE_WORDS + N_END]!;
  }
  next(i: number): number {
    return this.w[this.base + i * NODE_WORDS + N_NEXT]!;
  }
  aux(i: number): number {
    return this.w[this.base + i * NODE_WORDS + N_AUX]! >>> 0;
  }
  /**
   * Deepest level (the first node is level 1) of a node whose tag byte has a bit of `tagBits`
   * set, 0 when none has: one pass over the node words, nothing allocated per node.
   */
  deepest(tagBits: number): number {
    const w = this.w;
    // Ends of the open subtrees.
    const ends = DEPTH_STACK;
    let sp = 0, max = 0;
    for (let i = 0, p = this.base; i < this.count; i++, p += NODE_WORDS) {
      while (sp > 0 && ends[sp - 1]! <= i) sp--;
      const next = w[p + N_NEXT]!;
      if ((w[p + N_KIND]! & tagBits) !== 0 && sp + 1 > max) max = sp + 1;
      if (next > i + 1) ends[sp++] = next;
    }
    return max;
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
 * The walked bytes a tree reads its nodes from on first access (DLMS elements, DER
 * children): the payload bytes, the offset base and the node index, walked again when a
 * later walk overwrote it (NodeIndex.fresh).
 */
export class WalkSource {
  readonly b: Uint8Array;
  constructor(public ix: NodeIndex, readonly base: number) {
    this.b = ix.bytes;
  }
  /** A live index of the walk. */
  index(): NodeIndex {
    const ix = this.ix;
    return ix.live ? ix : (this.ix = ix.fresh());
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
    const w = core.i32.slice(core.nodeWord, core.nodeWord + n * NODE_WORDS);
    return new NodeIndex(bytes, w, 0, n, -1, mode, offsetBase);
  }
  return new NodeIndex(bytes, core.i32, core.nodeWord, n, core.walks, mode, offsetBase);
}
