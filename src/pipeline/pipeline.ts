// The adapter pipeline (issue 16): input stream -> decode -> output / dead-letter streams, on a
// broker behind PipelineTransport (./transport.ts; Redis Streams: ./redis.ts).
//
// Loop (one consumer):
//   1. every claimIdleMs/2: claim entries pending on other consumers for >= claimIdleMs
//      (a consumer that died or stalls: XAUTOCLAIM) and process them like new ones;
//   2. read up to batchSize new entries (XREADGROUP, blocking up to blockMs);
//   3. decode the batch (FrameDecoder), commit all results in one atomic step (results and
//      acks together, ./transport.ts), then read again. Backpressure: the next read is sent
//      only after the previous batch is committed, so input is read no faster than results
//      are written and at most one batch is held in memory.
//   4. GBT segments (Decision, item 3): a segment is not decoded where it is read; it is routed
//      (committed like a result) to the partition stream `<in>:gbt:<p>`, p = FNV-1a(conversation
//      key) mod partitions. Each partition is owned by one consumer at a time through a lease
//      (`<in>:gbt:<p>:lease`, renewed every loop, ttl leaseMs); the owner reads it in the same
//      consumer group and reassembles with its own GbtReassembler. Blocks stay pending (not
//      acknowledged) until their conversation completes or fails, then the message's result is
//      committed with the acks of all its blocks (`source` = first block's input entry id,
//      `sources` = all of them). A new owner (lease expired: the old owner died) first claims
//      every pending entry of the partition and replays it, so no block is lost.
//   5. Repeats: each result carries the SHA-1 digest of the frame (of the reassembled message for
//      GBT); the commit marks `repeat-of: <first source>` (./redis.ts).
//
// Entry fields written: output `source`, `result` (JSON), [`sources`, `blocks`], [`repeat-of`];
// dead-letter `source`, `reason` (error code), `offset` (byte offset, -1 when none), `expected`,
// `message`, `frame` (the input field as received, for replay); partition `source`, `frame`.
import { GbtReassembler, type GbtDiscarded, type GbtPushResult } from '../gbt/reassembler.js';
import { frameBytes, inProcessDecoder, type DecodeOutcome, type FrameDecoder } from './decoder.js';
import type { InputEntry, PipelineTransport, ResultEntry } from './transport.js';

/** Options of a decode pipeline: transport, stream names, limits and hooks. */
export interface PipelineOptions {
  readonly transport: PipelineTransport;
  /** Input stream name. */
  readonly input: string;
  /** Output stream name. */
  readonly output: string;
  /** Dead-letter stream name. */
  readonly deadLetter: string;
  /** Entries per read and per commit (default 256). */
  readonly batchSize?: number;
  /** The decode step (default inProcessDecoder()). */
  readonly decoder?: FrameDecoder;
  /** Entries pending this long on another consumer are claimed (default 30 000 ms). */
  readonly claimIdleMs?: number;
  /** Longest wait of a read for new entries (default 1000 ms). */
  readonly blockMs?: number;
  /** GBT partition streams (default 4); 0 decodes segments as frames where they are read. */
  readonly gbtPartitions?: number;
  /** Lease time of a GBT partition (default 10 000 ms). */
  readonly leaseMs?: number;
  /** Reassembler options per partition (expiry, limits). */
  readonly reassembler?: ConstructorParameters<typeof GbtReassembler>[0];
  /** Stop when nothing arrived for this long and nothing is pending or unread (default: run until stop()). */
  readonly idleExitMs?: number;
  /** Metrics callback period (default 5000 ms) and callback (e.g. a stderr line). */
  readonly metricsIntervalMs?: number;
  /** Called with the metrics every `metricsIntervalMs`. */
  readonly onMetrics?: (m: PipelineMetrics) => void;
}

/** Counters of one pipeline consumer (PipelineMetrics via `metrics()` or `onMetrics`). */
export interface PipelineMetrics {
  /** Input entries settled by this consumer (written or dead-lettered, incl. GBT blocks). */
  readonly frames: number;
  /** Frames per second over the last metrics period. */
  readonly framesPerSecond: number;
  readonly written: number;
  readonly deadLettered: number;
  /** Results not written because another consumer had settled their entries. */
  readonly skipped: number;
  /** GBT segments routed to partition streams. */
  readonly routed: number;
  /** Entries claimed from other consumers. */
  readonly claimed: number;
  /** Input entries not yet delivered to the group (-1 unknown). */
  readonly lag: number;
  /** Input entries delivered to the group and not acknowledged. */
  readonly pending: number;
  /** GBT partitions this consumer owns. */
  readonly partitions: number;
}

/** FNV-1a 32-bit of a string (partition choice; stable across processes and machines). */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h % partitions;
}


interface Partition {
  readonly stream: string;
  readonly lease: string;
  owned: boolean;
  reassembler: GbtReassembler;
  /** Conversation id -> partition entry ids and their input sources. */
  conversations: Map<string, { ids: string[]; sources: string[] }>;
}

/** One consumer of the pipeline. `run()` until `stop()` (or idleExitMs). */
export class Pipeline {
  readonly options: PipelineOptions;
  readonly #t: PipelineTransport;
  readonly #decoder: FrameDecoder;
  readonly #batch: number;
  readonly #claimIdle: number;
  readonly #partitions: Partition[];
  #stopped = false;
  #frames = 0;
  #written = 0;
  #dead = 0;
  #skipped = 0;
  #routed = 0;
  #claimed = 0;
  #lag = -1;
  #pending = 0;
  #rate = 0;
  #lastFrames = 0;
  #lastAt = Date.now();

  constructor(options: PipelineOptions) {
    this.options = options;
    this.#t = options.transport;
    this.#decoder = options.decoder ?? inProcessDecoder();
    this.#batch = Math.max(1, Math.floor(options.batchSize ?? 256));
    this.#claimIdle = Math.max(1, options.claimIdleMs ?? 30_000);
    const n = Math.max(0, Math.floor(options.gbtPartitions ?? 4));
    this.#partitions = Array.from({ length: n }, (_, p) => ({
      stream: `${options.input}:gbt:${p}`,
      lease: `${options.input}:gbt:${p}:lease`,
      owned: false,
      reassembler: new GbtReassembler(options.reassembler),
      conversations: new Map(),
    }));
  }

  /** Current counters (the same numbers as the metrics line). */
  metrics(): PipelineMetrics {
    return {
      frames: this.#frames,
      framesPerSecond: this.#rate,
      written: this.#written,
      deadLettered: this.#dead,
      skipped: this.#skipped,
      routed: this.#routed,
      claimed: this.#claimed,
      lag: this.#lag,
      pending: this.#pending,
      partitions: this.#partitions.filter((p) => p.owned).length,
    };
  }

  /** Asks the loop to stop after the batch in hand is committed. */
  stop(): void {
    this.#stopped = true;
  }

  async #refreshMetrics(): Promise<void> {
    const now = Date.now();
    const s = await this.#t.groupState(this.options.input);
    this.#lag = s.lag;
    this.#pending = s.pending;
    this.#rate = Math.round(((this.#frames - this.#lastFrames) * 1000) / Math.max(1, now - this.#lastAt));
    this.#lastFrames = this.#frames;
    this.#lastAt = now;
  }

  /** Runs the consumer loop; resolves after stop() or idle exit, with the final counters. */
  async run(): Promise<PipelineMetrics> {
    const o = this.options;
    await this.#t.connect?.();
    await this.#t.ensureGroup(o.input);
    for (const p of this.#partitions) await this.#t.ensureGroup(p.stream);
    // Entries this consumer name had taken before a restart come first.
    for (;;) {
      const own = await this.#t.ownPending(o.input, this.#batch);
      if (own.length === 0) break;
      await this.#processInput(own);
    }
    const period = o.metricsIntervalMs ?? 5000;
    let nextMetrics = Date.now() + period;
    let nextClaim = Date.now() + this.#claimIdle / 2;
    let nextPartitions = 0;
    let lastWork = Date.now();
    // The commit of the batch before (at most one in flight): the next batch is read and
    // decoded while Redis applies it, and committed only after it (order kept).
    let committing: Promise<void> = Promise.resolve();
    try {
      while (!this.#stopped) {
        const now = Date.now();
        if (now >= nextClaim) {
          await committing;
          nextClaim = now + this.#claimIdle / 2;
          for (;;) {
            const got = await this.#t.claim(o.input, this.#claimIdle, this.#batch);
            if (got.length === 0) break;
            this.#claimed += got.length;
            lastWork = Date.now();
            await this.#processInput(got);
          }
        }
        const entries = await this.#t.read(o.input, this.#batch, this.#partitions.some((p) => p.owned) ? Math.min(200, o.blockMs ?? 1000) : (o.blockMs ?? 1000));
        if (entries.length) {
          lastWork = Date.now();
          const results = await this.#prepare(entries);
          await committing;
          committing = this.#commit(results);
          committing.catch(() => {}); // awaited (and thrown) at the next batch or the end
        }
        if (this.#partitions.length && Date.now() >= nextPartitions) {
          await committing;
          nextPartitions = Date.now() + 200;
          if (await this.#servePartitions()) lastWork = Date.now();
        }
        if (Date.now() >= nextMetrics) {
          await committing;
          nextMetrics = Date.now() + period;
          await this.#refreshMetrics();
          o.onMetrics?.(this.metrics());
        }
        if (o.idleExitMs !== undefined && Date.now() - lastWork >= o.idleExitMs) {
          await committing;
          if (this.#partitions.length) await this.#servePartitions();
          if (await this.#drained()) break;
        }
      }
      await committing;
    } finally {
      for (const p of this.#partitions) if (p.owned) await this.#t.release(p.lease).catch(() => {});
    }
    await this.#refreshMetrics();
    return this.metrics();
  }

  /**
   * Idle exit (Decision): the input has nothing unread or pending and no partition has unread
   * segments. Blocks of conversations still open here are then dead-lettered ('gbt-incomplete':
   * the input is over, as at the end of `gbcs gbt`), so the run ends with everything settled.
   */
  async #drained(): Promise<boolean> {
    const g = await this.#t.groupState(this.options.input);
    if (g.pending !== 0 || g.lag > 0) return false;
    for (const p of this.#partitions) {
      const s = await this.#t.groupState(p.stream);
      if (s.lag > 0) return false;
      if (!p.owned && s.pending > 0) return false; // an owner that died: wait for its lease to expire
    }
    for (const p of this.#partitions) if (p.owned) await this.#commitGbt(p, [], p.reassembler.flush());
    return true;
  }

  #deadFields(source: string, d: { reason: string; offset: number; expected: string; message: string }, field: Uint8Array | undefined): (string | Uint8Array)[] {
    const f: (string | Uint8Array)[] = ['source', source, 'reason', d.reason, 'offset', String(d.offset), 'expected', d.expected, 'message', d.message];
    if (field) f.push('frame', field);
    return f;
  }

  async #processInput(entries: InputEntry[]): Promise<void> {
    await this.#commit(await this.#prepare(entries));
  }

  /** Decodes a batch of input entries into the results to commit (one per entry, in order). */
  async #prepare(entries: InputEntry[]): Promise<ResultEntry[]> {
    const o = this.options;
    const withFrame = entries.filter((e) => e.frame !== undefined);
    const outcomes = await this.#decoder.decode(withFrame.map((e) => e.frame!));
    const results: ResultEntry[] = [];
    let k = 0;
    for (const e of entries) {
      const base = { ack: [e.id], from: o.input };
      if (e.frame === undefined) {
        results.push({ ...base, to: o.deadLetter, fields: this.#deadFields(e.id, { reason: 'no-frame-field', offset: -1, expected: 'the frame field', message: 'the entry has no frame field (or was deleted while pending)' }, undefined) });
        continue;
      }
      const r = outcomes[k++]!;
      results.push(this.#result(e.id, base, r, e.frame));
    }
    return results;
  }

  #result(source: string, base: { ack: string[]; from: string }, r: DecodeOutcome, field: Uint8Array): ResultEntry {
    const o = this.options;
    if (r.kind === 'segment' && this.#partitions.length === 0) {
      r = { kind: 'dead', reason: 'gbt-not-routed', offset: 0, expected: 'a whole GBCS message (GBT segments need partitions > 0 or a decoder with segmentsAsFrames)', message: `GBT segment of conversation ${r.conversation}` };
    }
    if (r.kind === 'dead') return { ...base, to: o.deadLetter, fields: this.#deadFields(source, r, field), ...(r.digest ? { digest: r.digest } : {}) };
    if (r.kind === 'segment') {
      const p = this.#partitions[partitionOf(r.conversation, this.#partitions.length)]!;
      let bytes: Uint8Array;
      try {
        bytes = frameBytes(field);
      } catch {
        bytes = field;
      }
      return { ...base, to: p.stream, fields: ['source', source, 'frame', bytes] };
    }
    return { ...base, to: o.output, fields: ['source', source, 'result', r.json], ...(r.digest ? { digest: r.digest } : {}) };
  }

  async #commit(results: ResultEntry[]): Promise<void> {
    const o = this.options;
    const c = await this.#t.commit(results);
    this.#skipped += c.skipped;
    for (const r of results) {
      if (r.to === o.output) this.#written++;
      else if (r.to === o.deadLetter) this.#dead++;
      else {
        this.#routed++;
        continue;
      }
      this.#frames += r.ack.length;
    }
    if (c.skipped) {
      // Some were not ours to write (another consumer settled them): count what was written.
      this.#written -= c.skipped;
      this.#frames -= c.skipped;
    }
  }

  /** Takes/renews partition leases, replays a taken-over partition, reads and reassembles. True when work was done. */
  async #servePartitions(): Promise<boolean> {
    const leaseMs = this.options.leaseMs ?? 10_000;
    let worked = false;
    for (const p of this.#partitions) {
      const held = await this.#t.lease(p.lease, leaseMs);
      if (!held) {
        if (p.owned) this.#dropPartition(p);
        continue;
      }
      if (!p.owned) {
        // New owner: replay everything pending on the partition (ours from before, or a dead owner's).
        // One pass over the partition's pending list: claiming with idle 0 would hand back the
        // entries just claimed (still pending: blocks of open conversations), so stop at the first
        // batch with nothing new.
        p.owned = true;
        const seen = new Set<string>();
        for (;;) {
          const got = (await this.#t.claim(p.stream, 0, this.#batch)).filter((e) => !seen.has(e.id));
          if (got.length === 0) break;
          for (const e of got) seen.add(e.id);
          worked = true;
          await this.#processSegments(p, got);
        }
      }
      for (;;) {
        const got = await this.#t.read(p.stream, this.#batch, 0);
        if (got.length === 0) break;
        worked = true;
        await this.#processSegments(p, got);
      }
      const expired = p.reassembler.expire();
      if (expired.length) await this.#commitGbt(p, [], expired);
    }
    return worked;
  }

  #dropPartition(p: Partition): void {
    p.owned = false;
    p.reassembler = new GbtReassembler(this.options.reassembler);
    p.conversations = new Map();
  }

  async #processSegments(p: Partition, entries: InputEntry[]): Promise<void> {
    const pushes: { e: InputEntry; r: GbtPushResult }[] = [];
    const expired: GbtDiscarded[] = [];
    for (const e of entries) {
      if (e.frame === undefined) {
        pushes.push({ e, r: undefined as never });
        continue;
      }
      const r = p.reassembler.push(e.frame);
      expired.push(...r.expired);
      pushes.push({ e, r });
    }
    await this.#commitGbt(p, pushes, expired);
  }

  async #commitGbt(p: Partition, pushes: { e: InputEntry; r: GbtPushResult }[], expired: GbtDiscarded[]): Promise<void> {
    const o = this.options;
    const results: ResultEntry[] = [];
    const completes: { ids: string[]; sources: string[]; message: Uint8Array }[] = [];
    const convo = (id: string) => {
      let c = p.conversations.get(id);
      if (!c) p.conversations.set(id, (c = { ids: [], sources: [] }));
      return c;
    };
    const deadConversation = (id: string, err: { code: string; offset: number; expected: string; message: string }) => {
      const c = p.conversations.get(id);
      if (!c || c.ids.length === 0) return;
      p.conversations.delete(id);
      results.push({ ack: c.ids, from: p.stream, to: o.deadLetter, fields: [...this.#deadFields(c.sources[0]!, { reason: err.code, offset: err.offset, expected: err.expected, message: err.message }, undefined), 'sources', c.sources.join(',')] });
    };
    for (const d of expired) deadConversation(d.key.id, d.error);
    for (const { e, r } of pushes) {
      const source = e.source ?? e.id;
      if (!r) {
        results.push({ ack: [e.id], from: p.stream, to: o.deadLetter, fields: this.#deadFields(source, { reason: 'no-frame-field', offset: -1, expected: 'the frame field', message: 'partition entry without frame' }, undefined) });
        continue;
      }
      switch (r.status) {
        case 'accepted':
          convo(r.key.id).ids.push(e.id);
          convo(r.key.id).sources.push(source);
          break;
        case 'complete': {
          const c = convo(r.key.id);
          c.ids.push(e.id);
          c.sources.push(source);
          p.conversations.delete(r.key.id);
          completes.push({ ids: c.ids, sources: c.sources, message: r.message });
          break;
        }
        case 'acknowledgement':
          results.push({ ack: [e.id], from: p.stream, to: o.output, fields: ['source', source, 'result', JSON.stringify({ gbtAcknowledgement: { conversation: r.key.id, blockNumberAck: r.blockNumberAck, window: r.window } })] });
          break;
        case 'duplicate':
          results.push({ ack: [e.id], from: p.stream, to: o.deadLetter, fields: this.#deadFields(source, { reason: 'gbt-duplicate', offset: -1, expected: 'a block not received before', message: `GBT conversation ${r.key.id} block ${r.blockNumber}: duplicate${r.completed ? ' of a completed message' : ''}` }, e.frame) });
          break;
        case 'rejected':
          results.push({ ack: [e.id], from: p.stream, to: o.deadLetter, fields: this.#deadFields(source, { reason: r.error.code, offset: r.error.offset, expected: r.error.expected, message: r.error.message }, e.frame) });
          if (r.discarded) deadConversation(r.discarded.key.id, r.discarded.error);
          break;
      }
    }
    if (completes.length) {
      const decoded = await this.#decoder.decode(completes.map((c) => c.message));
      completes.forEach((c, i) => {
        const d = decoded[i]!;
        const r: DecodeOutcome = d.kind === 'segment' ? { kind: 'dead', reason: 'gbt-reassembled-invalid', offset: 0, expected: 'a GBCS message', message: 'the reassembled message is itself a GBT segment' } : d;
        const base = { ack: c.ids, from: p.stream };
        const res = this.#result(c.sources[0]!, base, r, c.message);
        results.push({ ...res, fields: [...res.fields, 'sources', c.sources.join(','), 'blocks', String(c.ids.length)] });
      });
    }
    if (results.length === 0) return;
    await this.#commit(results);
  }
}
