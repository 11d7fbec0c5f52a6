// Fixed scratch regions, allocated once at start-up. With runtime `stub` nothing is
// ever freed, so no function reachable from an exported decode entry may allocate.
import { C_WORDS, MAX_BATCH as LAYOUT_MAX_BATCH, MAX_NODES, NODE_WORDS, REC_WORDS } from '../src/wasm/layout';

/** Frames per batch call (layout.ts MAX_BATCH); the TypeScript side splits larger batches. */
export const MAX_BATCH: i32 = LAYOUT_MAX_BATCH;

export let inputCap: usize = 4 << 20;
export let inputBase: usize = heap.alloc(inputCap);
/** Batch table: (offset, length) u32 pairs into the input region. */
export const tableBase: usize = heap.alloc(<usize>MAX_BATCH * 8);
/** Envelope index: REC_WORDS u32 per frame. */
export const recordBase: usize = heap.alloc(<usize>MAX_BATCH * REC_WORDS * 4);
/** Batch columns: C_WORDS columns of MAX_BATCH u32 (layout.ts C_*). */
export const columnBase: usize = heap.alloc(<usize>MAX_BATCH * C_WORDS * 4);

/**
 * Grows the input region to hold `len` bytes. Only the TypeScript glue calls this, and
 * only when a frame or batch exceeds the current capacity: the old region is abandoned
 * (stub runtime), which bounds the leak to the largest input ever seen.
 */
export function growInput(len: usize): void {
  if (len <= inputCap) return;
  let cap = inputCap;
  while (cap < len) cap <<= 1;
  inputBase = heap.alloc(cap);
  inputCap = cap;
}

/** Payload node index: NODE_WORDS u32 per node, MAX_NODES nodes (one walk at a time). */
export const nodeBase: usize = heap.alloc(<usize>MAX_NODES * NODE_WORDS * 4);

// ---- Encoders (issue 17) ----
import { ENC_WORDS } from '../src/wasm/layout';

/** Encoder descriptors: ENC_WORDS u32 per frame, MAX_BATCH frames per call. */
export const encDescBase: usize = heap.alloc(<usize>MAX_BATCH * ENC_WORDS * 4);

export let outCap: usize = 4 << 20;
/** Encoder output region: frames written back to back; the glue copies them out. */
export let outBase: usize = heap.alloc(outCap);

/**
 * Grows the output region to `len` bytes (only when one frame is larger than it):
 * like growInput, the old region is abandoned, bounding the leak to the largest frame.
 */
export function growOutput(len: usize): void {
  if (len <= outCap) return;
  let cap = outCap;
  while (cap < len) cap <<= 1;
  outBase = heap.alloc(cap);
  outCap = cap;
}
