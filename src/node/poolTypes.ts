// Messages between the decode pool and its workers, and the task-handler contract.
import type { KeyStore } from '../security/keyStore.js';

/** What a worker knows at start-up (structured-clone-able: paths, not key stores). */
export interface PoolWorkerData {
  readonly keys?: string;
  readonly acb?: string;
  readonly module?: string;
  readonly options?: unknown;
}

/** Given to a custom handler module's `createHandler` once per worker. */
export interface PoolTaskContext {
  /** The worker's own folderKeyStore over `keys`, when the pool was given a key folder. */
  readonly keyStore?: KeyStore;
  readonly acb?: string;
  /** The pool's `handlerOptions`, structured-cloned. */
  readonly options?: unknown;
  /**
   * A buffer of at least `minBytes` to carry a result: one the calling thread gave back
   * (`pool.recycle`), else a new one. Move it with {@link transferring}; results then cost
   * no allocation on either thread once the pool runs (each new buffer that reached the
   * calling thread was garbage there: a third of its time went to collecting them).
   */
  buffer(minBytes: number): ArrayBuffer;
}

/** Per-call details for a handler: the frame's index in the pool's input and its attempt (1 = first try). */
export interface PoolFrameInfo {
  readonly index: number;
  readonly attempt: number;
}

/** Where a handler's value names buffers to move to the calling thread (see {@link transferring}). */
export const TRANSFER: unique symbol = Symbol.for('gbcs-codec.pool.transfer');

/**
 * Marks `value` (an object a handler returns) so that `buffers` move to the calling thread
 * instead of being copied (postMessage's transfer list); the worker must not touch them after.
 * A large result (a buffer of records) then crosses for free: a copy of a plain buffer, or a
 * SharedArrayBuffer of its own per result (an mmap and page faults each), cost as much as
 * writing it.
 */
export function transferring<T extends object>(value: T, buffers: ArrayBuffer[]): T {
  (value as { [TRANSFER]?: ArrayBuffer[] })[TRANSFER] = buffers;
  return value;
}

/**
 * Processes one frame in a worker; the value is structured-cloned back to the caller
 * (buffers named with {@link transferring} are moved, not copied). A
 * thrown GbcsDecodeError becomes that frame's error (code, offset, expected).
 */
export type PoolTaskHandler = (frame: Uint8Array, info: PoolFrameInfo) => unknown;

/** @internal */
export interface WireBatch {
  readonly id: number;
  /** Input index of each frame of the batch. */
  readonly indices: Int32Array;
  readonly attempt: number;
  readonly buffer: ArrayBuffer;
  /** n + 1 offsets into `buffer`. */
  readonly offsets: Uint32Array;
  /** Result buffers given back by the calling thread, for the worker to fill again (transferred). */
  readonly spares?: ArrayBuffer[];
}

/** A frame's failure as it crosses threads. */
export interface WireError {
  readonly code: string;
  readonly offset: number;
  readonly expected: string;
  readonly message: string;
}

/** @internal */
export interface WireReply {
  readonly id: number;
  readonly out: ({ value: unknown; error?: undefined } | { error: WireError; value?: undefined })[];
  /** Milliseconds the worker spent on the batch (sizes the next batches). */
  readonly ms: number;
  /** Packed form when every value is a string: `out` is empty, value k is `text[ends[k-1], ends[k])`. */
  readonly text?: string;
  readonly ends?: Uint32Array;
  /** Slots of the packed form that failed. */
  readonly errors?: [number, WireError][];
  /**
   * Byte form (the default task): value k is the UTF-8 text `bytes[ends[k-1], ends[k])`, the
   * buffer transferred, not copied. Values not listed in `nonAscii` are ASCII (read as Latin-1).
   */
  readonly bytes?: ArrayBuffer;
  readonly nonAscii?: number[];
}
