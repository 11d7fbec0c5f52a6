// Pipeline transport: the small interface between the adapter pipeline (./pipeline.ts) and a
// message broker. Redis Streams consumer groups implement it now (./redis.ts); another broker
// implements the same six operations.
//
// Delivery model (Decision, issue 16 item 2): an input entry is "done" when its acknowledgement
// and its result are applied in ONE atomic step (`commit`), gated on the acknowledgement: a
// result is written only when this commit is the one that acknowledged the entry. A consumer
// whose entries were claimed by another one meanwhile (it was slow, or came back after a pause)
// therefore writes nothing for them, and an entry that was committed is never delivered again.
// Result: every input entry ends up exactly once in output or dead-letter (at-least-once
// delivery of input, exactly-once effect on the output streams).

/** One input entry: broker id, the frame field's raw bytes (undefined when absent). */
export interface InputEntry {
  readonly id: string;
  readonly frame: Uint8Array | undefined;
  /** Times delivered (1 on first read; more after a claim), when the broker knows. */
  readonly deliveries?: number;
  /** The entry's `source` field (entries of GBT partition streams carry the input entry id). */
  readonly source?: string;
}

/** One result: the input entries it settles and the fields written. */
export interface ResultEntry {
  /** Input entry ids acknowledged by this result (one, or the blocks of a GBT message). */
  readonly ack: readonly string[];
  /** The stream the ack applies to (the input stream, or a GBT partition stream). */
  readonly from: string;
  /** The stream written to: output, dead-letter or a GBT partition stream. */
  readonly to: string;
  /** Field/value pairs of the entry written (always starting with `source`). */
  readonly fields: readonly (string | Uint8Array)[];
  /** Hex digest of the frame bytes for repeat detection (none: not checked). */
  readonly digest?: string;
}

/** What one commit did. */
export interface CommitOutcome {
  /** Results written (their acks were ours). */
  readonly written: number;
  /** Results skipped because another consumer had acknowledged their entries first. */
  readonly skipped: number;
}

/** Group-level counters for metrics. */
export interface GroupState {
  /** Entries not yet delivered to the group (Redis 7 `lag`; -1 when unknown). */
  readonly lag: number;
  /** Entries delivered and not acknowledged. */
  readonly pending: number;
}

/** The broker operations the pipeline uses. */
export interface PipelineTransport {
  /**
   * Optional: waits until the broker is reachable, at start-up only; rejects with a
   * BrokerUnreachableError after the transport's bounded wait. Pipeline.run() calls it first.
   */
  connect?(): Promise<void>;
  /** Creates the consumer group on `stream` when missing (from the start of the stream). */
  ensureGroup(stream: string): Promise<void>;
  /** Up to `count` new entries of `stream`, waiting up to `blockMs` for the first. */
  read(stream: string, count: number, blockMs: number): Promise<InputEntry[]>;
  /** Up to `count` entries pending for at least `minIdleMs` on other consumers, now ours. */
  claim(stream: string, minIdleMs: number, count: number): Promise<InputEntry[]>;
  /** Entries already delivered to this consumer and not acknowledged (after a restart). */
  ownPending(stream: string, count: number): Promise<InputEntry[]>;
  /** Applies results atomically, each gated on its acknowledgement (see the header). */
  commit(results: readonly ResultEntry[]): Promise<CommitOutcome>;
  /** Lag and pending count of the group on `stream`. */
  groupState(stream: string): Promise<GroupState>;
  /** Takes or renews an exclusive lease (GBT partition ownership) for `ttlMs`; true when held. */
  lease(name: string, ttlMs: number): Promise<boolean>;
  /** Releases a lease held by this consumer. */
  release(name: string): Promise<void>;
  /** Disconnects the transport. */
  close(): Promise<void>;
}

/**
 * The broker could not be reached at start-up within the transport's wait (connection
 * refused, unknown host, authentication refused...). `gbcs pipe` exits with status 5 and
 * this message as its one line. Losing the broker after start-up is not this error: the
 * transport reconnects and the pipeline goes on.
 */
export class BrokerUnreachableError extends Error {
  override readonly name = 'BrokerUnreachableError';
}

/** Default longest wait for the broker at start-up (RedisTransportOptions.connectTimeoutMs, `gbcs pipe --connect-timeout`), ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
