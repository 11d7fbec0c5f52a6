// Shared work limits for every payload tree builder (DLMS Data, GBZ/ZCL, ASN.1, OTA
// sub-elements, Boost log): the same numbers the WASM walkers enforce (layout.ts), so a
// hostile payload is refused before it allocates, whichever side builds the tree.
//
// Decision (issue 10): builders count nodes *before* creating them and throw
// GbcsDecodeError('too-many-nodes' | 'too-deep', offset) past a limit. One Budget is
// shared by one decode (a whole payload, including decrypted parts decoded later).
import { GbcsDecodeError } from '../errors.js';
import * as L from '../wasm/layout.js';

/** Most nodes one decoded payload tree may hold (the WASM walkers' node capacity). */
export const MAX_NODES = L.MAX_NODES;
/** Deepest nesting of one decoded payload tree. */
export const MAX_DEPTH = L.MAX_DEPTH;

export interface DecodeLimits {
  readonly maxNodes?: number;
  readonly maxDepth?: number;
}

/** Node and depth accounting for one decode. */
export class Budget {
  nodes = 0;
  readonly maxNodes: number;
  readonly maxDepth: number;

  constructor(limits?: DecodeLimits) {
    this.maxNodes = limits?.maxNodes ?? MAX_NODES;
    this.maxDepth = limits?.maxDepth ?? MAX_DEPTH;
  }

  /** Reserves `n` nodes about to be built at `offset`; throws past the limit. */
  take(n: number, offset: number): void {
    this.nodes += n;
    if (this.nodes > this.maxNodes) {
      throw new GbcsDecodeError('too-many-nodes', offset, `a payload of at most ${this.maxNodes} decoded elements`);
    }
  }

  /** Checks a nesting depth reached at `offset`. */
  depth(d: number, offset: number): void {
    if (d > this.maxDepth) throw new GbcsDecodeError('too-deep', offset, `nesting at most ${this.maxDepth} levels deep`);
  }
}
