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
}

/** Per-call details for a handler: the frame's index in the pool's input and its attempt (1 = first try). */
export interface PoolFrameInfo {
  readonly index: number;
  readonly attempt: number;
}

/**
 * Processes one frame in a worker; the value is structured-cloned back to the caller. A
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
