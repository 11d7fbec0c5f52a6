// A pool of worker threads that decode (and with a key folder verify and open) frames on
// every core (issue 12 item 4). Node only: imported from the `gbcs-codec/node` entry, never
// from the main (browser-safe) entry.
//
// Decisions:
// - Results come back in input order (a reorder buffer), one per input, never lost: a frame
//   whose worker dies is retried on a fresh worker (`retries`, default 1) and then reported
//   as the error `worker-died`; a pool whose workers cannot start fails every frame with
//   `pool-failed` instead of respawning forever.
// - Bounded: at most `maxQueued` frames are accepted and not yet handed back. `map()`
//   pulls from its source only below that bound and only as fast as its consumer takes
//   results (an async generator), so a slow consumer slows the source: backpressure.
// - Key stores are closures over KeyObjects and cannot cross threads: each worker opens its
//   own folderKeyStore from the `keys` path. A custom store or task goes in a module
//   (`module`: path or URL of an ES module exporting `createHandler(ctx)` or a default
//   handler) that each worker imports.
// - Frames cross as one transferred buffer per batch (no per-frame message); text input is
//   turned into bytes on the calling thread (native hex/base64 is cheap) so a text error is
//   reported without a round trip.
// - Batches are sized by time, not count (issue 12 item 4: the pool measured 1.0-1.15x on 2
//   cores): workers report the milliseconds each batch took and batches aim at
//   TARGET_BATCH_MS of work (at most `batchSize` frames). Fixed 64-frame batches of
//   verify work (~10 ms each) left one worker idle for up to two batches at the end of every
//   input while the other finished, and a worker ran its two queued batches interleaved
//   (an async task awaits), so both finished together and its pipeline ran dry; workers
//   now run batches in order. When the input ends, what is pending is split across the
//   workers. A frame of a batch whose worker died is retried alone, so one poison frame
//   fails only itself.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { toBytes, type BinaryInput } from '../bytes.js';
import { MAX_FRAME_BYTES } from '../decode.js';
import { GbcsDecodeError } from '../errors.js';
import type { PoolWorkerData, WireBatch, WireError, WireReply } from './poolTypes.js';

export type { PoolTaskContext, PoolTaskHandler, PoolFrameInfo, WireError as PoolError } from './poolTypes.js';

/** Options of a decode worker pool. */
export interface DecodePoolOptions {
  /** Worker threads (default: os.availableParallelism()). */
  readonly workers?: number;
  /** Key folder (RTDS layout) each worker opens with folderKeyStore: the default task then verifies and opens. */
  readonly keys?: string;
  /** Access control broker EUI (MAC party of commands) for verification. */
  readonly acb?: string;
  /** ES module (path or URL) whose `createHandler(ctx)` or default export processes one frame in a worker. */
  readonly module?: string | URL;
  /** Passed (structured-cloned) to the module's `createHandler` as `ctx.options`. */
  readonly handlerOptions?: unknown;
  /** Most frames per message to a worker (default 64); batches are sized to about TARGET_BATCH_MS of work below that. */
  readonly batchSize?: number;
  /** Frames accepted and not yet returned, at most (default workers x batchSize x 4). */
  readonly maxQueued?: number;
  /** Retries of a frame whose worker died (default 1). */
  readonly retries?: number;
}

/** One frame's outcome: `value` from the task, or `error`. `index` is its position in the input. */
export interface PoolResult<T = unknown> {
  readonly index: number;
  readonly value?: T;
  readonly error?: WireError;
}

/** A pool of worker threads that decode frames in parallel. */
export interface DecodePool {
  /** Worker threads in the pool. */
  readonly size: number;
  /** Workers started to replace ones that died. */
  readonly restarts: number;
  /**
   * Processes `inputs` (sync or async iterable of bytes, hex or base64), yielding one
   * result per input in input order. Pulls from `inputs` only while fewer than `maxQueued`
   * frames are outstanding and the consumer keeps taking results.
   */
  map<T = unknown>(inputs: Iterable<BinaryInput> | AsyncIterable<BinaryInput>): AsyncGenerator<PoolResult<T>, void, undefined>;
  /** All results of `inputs`, in order. */
  decode<T = unknown>(inputs: Iterable<BinaryInput> | AsyncIterable<BinaryInput>): Promise<PoolResult<T>[]>;
  /**
   * Gives back the buffer of a result that is done with (e.g. the `bytes` of a task that
   * moves its output, once written), for the workers to carry results in again. Optional:
   * without it each result is a new buffer. The caller must not touch it after.
   */
  recycle(buffer: ArrayBuffer): void;
  /** Waits for outstanding work, then stops the workers. */
  close(): Promise<void>;
}

interface Job {
  readonly id: number;
  readonly indices: number[];
  readonly frames: Uint8Array[];
  readonly attempt: number;
  readonly done: (out: WireReply['out']) => void;
  /** Hands back the result of frame `k` alone (a retried frame); set on first-attempt jobs. */
  part?: (k: number, out: WireReply['out'][number]) => void;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  readonly inflight: Map<number, Job>;
}

const WORKER_URL = new URL('./poolWorker.js', import.meta.url);
/** Batches a worker holds at once (one running, one waiting in its port). */
const PER_WORKER = 2;
/** Work per batch the pool aims at (ms): message costs stay small, the end of an input stays balanced. */
export const TARGET_BATCH_MS = 2;
/** Frames per batch before any batch has been timed. */
const FIRST_BATCH = 8;
/** Workers that die before ever starting, in a row, after which the pool is failed. */
const MAX_START_FAILURES = 3;

/** The per-frame results of a packed reply (see poolWorker pack and defaultBatch): slices of one string. */
function unpack(m: WireReply, recycle: (b: ArrayBuffer) => void): WireReply['out'] {
  const ends = m.ends!;
  const out: WireReply['out'] = new Array(ends.length);
  if (m.bytes !== undefined) {
    // UTF-8 records, each read on its own (one string of the whole batch, sliced, was 3x
    // slower on the calling thread and kept the batch alive while any record lived); the
    // ASCII ones (nearly all) as Latin-1, the fastest copy into a string.
    const buf = Buffer.from(m.bytes, 0, ends.length === 0 ? 0 : ends[ends.length - 1]);
    let start = 0;
    for (let k = 0; k < ends.length; k++) {
      out[k] = { value: buf.toString('latin1', start, ends[k]) };
      start = ends[k]!;
    }
    if (m.nonAscii) for (const k of m.nonAscii) out[k] = { value: buf.toString('utf8', k === 0 ? 0 : ends[k - 1]!, ends[k]!) };
  } else {
    const text = m.text!;
    let start = 0;
    for (let k = 0; k < ends.length; k++) {
      out[k] = { value: text.slice(start, ends[k]) };
      start = ends[k]!;
    }
  }
  if (m.errors) for (const [k, error] of m.errors) out[k] = { error };
  if (m.bytes !== undefined) recycle(m.bytes); // the strings are copies: the buffer can carry the next batch
  return out;
}

const failAll = (job: Job, error: WireError) => job.done(job.frames.map(() => ({ error })));

class Dispatcher {
  readonly slots = new Set<Slot>();
  readonly queue: Job[] = [];
  restarts = 0;
  #startFailures = 0;
  #broken: WireError | undefined;
  #closing = false;
  #idleWaiters: (() => void)[] = [];
  #nextId = 0;
  /** Worker milliseconds per frame, moving average over replies (0 until the first). */
  #msPerFrame = 0;
  /** Result buffers given back, sent to workers with the next batches. */
  readonly #spares: ArrayBuffer[] = [];

  /** Keeps a result buffer for a worker to fill again (at most two per worker are kept). */
  readonly recycle = (b: ArrayBuffer): void => {
    if (b.byteLength > 0 && this.#spares.length < 2 * this.size) this.#spares.push(b);
  };

  constructor(
    readonly size: number,
    readonly data: PoolWorkerData,
    readonly retries: number,
  ) {
    for (let i = 0; i < size; i++) this.#spawn();
  }

  #spawn(): void {
    const worker = new Worker(fileURLToPath(WORKER_URL), { workerData: this.data });
    const slot: Slot = { worker, ready: false, inflight: new Map() };
    worker.unref();
    worker.on('message', (m: WireReply | { ready: true } | { fatal: string }) => {
      if ('ready' in m) {
        slot.ready = true;
        this.#startFailures = 0;
        this.#pump();
      } else if ('fatal' in m) {
        this.#fail({ code: 'pool-failed', offset: 0, expected: 'a pool whose workers start', message: `decode pool worker failed to start: ${m.fatal}` });
        void worker.terminate();
      } else {
        const job = slot.inflight.get(m.id);
        if (!job) return;
        slot.inflight.delete(m.id);
        const per = m.ms / Math.max(1, job.frames.length);
        this.#msPerFrame = this.#msPerFrame === 0 ? per : this.#msPerFrame * 0.8 + per * 0.2;
        if (slot.inflight.size === 0) worker.unref();
        job.done(m.text === undefined && m.bytes === undefined ? m.out : unpack(m, this.recycle));
        this.#pump();
      }
    });
    worker.on('error', () => {}); // 'exit' follows and handles the slot
    worker.on('exit', () => this.#died(slot));
    this.slots.add(slot);
  }

  #died(slot: Slot): void {
    this.slots.delete(slot);
    if (!slot.ready && !this.#closing && ++this.#startFailures >= MAX_START_FAILURES) {
      this.#fail({ code: 'pool-failed', offset: 0, expected: 'a pool whose workers start', message: 'decode pool workers exit before starting' });
    }
    const retry: Job[] = [];
    let running = true; // a worker runs its batches in order: the first still in flight is the one it died on
    for (const job of slot.inflight.values()) {
      if (!running) {
        retry.push(job); // never started: not an attempt
        continue;
      }
      running = false;
      const attempt = job.attempt + 1;
      if (attempt > this.retries + 1 || this.#broken) {
        failAll(job, this.#broken ?? { code: 'worker-died', offset: 0, expected: 'a worker that survives the frame', message: `decode pool worker died ${attempt - 1} times on this frame's batch` });
        continue;
      }
      // Each frame alone: a frame that kills its worker then fails only itself.
      const part = job.part ?? ((_: number, r: WireReply['out'][number]) => job.done([r])); // a retry job holds one frame
      job.frames.forEach((frame, k) => {
        retry.push({ id: this.#nextId++, indices: [job.indices[k]!], frames: [frame], attempt, done: (out) => part(k, out[0]!) });
      });
    }
    this.queue.unshift(...retry);
    slot.inflight.clear();
    if (!this.#closing && !this.#broken) {
      this.restarts++;
      this.#spawn();
    }
    this.#pump();
  }

  #fail(error: WireError): void {
    if (this.#broken) return;
    this.#broken = error;
    for (const job of this.queue.splice(0)) failAll(job, error);
    for (const s of this.slots) void s.worker.terminate();
  }

  /** Frames the next batch should hold: about TARGET_BATCH_MS of work, 1..max. */
  batchTarget(max: number): number {
    if (this.#msPerFrame === 0) return Math.min(max, FIRST_BATCH);
    return Math.max(1, Math.min(max, Math.round(TARGET_BATCH_MS / this.#msPerFrame)));
  }

  submit(indices: number[], frames: Uint8Array[], done: Job['done']): void {
    const job: Job = { id: this.#nextId++, indices, frames, attempt: 1, done };
    // Results of frames retried alone come back one by one; the job is done when all are in.
    let out: WireReply['out'] | undefined;
    let missing = frames.length;
    job.part = (k, r) => {
      out ??= new Array(frames.length);
      out[k] = r;
      if (--missing === 0) done(out);
    };
    if (this.#broken) return failAll(job, this.#broken);
    this.queue.push(job);
    this.#pump();
  }

  /** True when nothing is queued and some started worker has no batch at all (it idles until one comes). */
  starving(): boolean {
    if (this.queue.length > 0) return false;
    for (const s of this.slots) if (s.ready && s.inflight.size === 0) return true;
    return false;
  }

  #pump(): void {
    while (this.queue.length > 0) {
      let best: Slot | undefined;
      for (const s of this.slots) if (s.ready && s.inflight.size < PER_WORKER && (!best || s.inflight.size < best.inflight.size)) best = s;
      if (!best) break;
      const job = this.queue.shift()!;
      let total = 0;
      for (const f of job.frames) total += f.length;
      const buffer = new ArrayBuffer(total);
      const u8 = new Uint8Array(buffer);
      const offsets = new Uint32Array(job.frames.length + 1);
      let off = 0;
      for (let i = 0; i < job.frames.length; i++) {
        u8.set(job.frames[i]!, off);
        off += job.frames[i]!.length;
        offsets[i + 1] = off;
      }
      best.inflight.set(job.id, job);
      best.worker.ref();
      const spares = this.#spares.length > 0 ? this.#spares.splice(0, 2) : undefined;
      const msg: WireBatch = { id: job.id, indices: Int32Array.from(job.indices), attempt: job.attempt, buffer, offsets, spares };
      best.worker.postMessage(msg, spares ? [buffer, ...spares] : [buffer]);
    }
    if (this.queue.length === 0 && this.#idleWaiters.length > 0 && [...this.slots].every((s) => s.inflight.size === 0)) {
      for (const w of this.#idleWaiters.splice(0)) w();
    }
  }

  idle(): Promise<void> {
    if (this.queue.length === 0 && [...this.slots].every((s) => s.inflight.size === 0)) return Promise.resolve();
    return new Promise((r) => this.#idleWaiters.push(r));
  }

  async close(): Promise<void> {
    await this.idle();
    this.#closing = true;
    await Promise.all([...this.slots].map((s) => s.worker.terminate()));
  }
}

const WOKE = Symbol('woke');

function textError(e: GbcsDecodeError): WireError {
  return { code: e.code, offset: e.offset, expected: e.expected, message: e.message };
}

/**
 * Starts a pool of worker threads that decode frames in parallel. Each worker runs its own
 * WASM core; the default task returns frameRecord(): the frame as JSON text
 * (`{ ...frame.toJSON(), payload, verification }`; with `keys` each worker opens its own
 * folderKeyStore, verifies and opens). A `module` replaces the task. Close it when done.
 *
 * ```js
 * import { createDecodePool } from 'gbcs-codec/node';
 * const pool = createDecodePool({ workers: 2, keys: './keystore', acb: '90b3d51f30000002' });
 * for await (const r of pool.map(lines)) console.log(r.index, r.error?.code ?? JSON.parse(r.value).verification.ok);
 * await pool.close();
 * ```
 */
export function createDecodePool(options: DecodePoolOptions = {}): DecodePool {
  const size = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 64));
  const maxQueued = Math.max(batchSize, Math.floor(options.maxQueued ?? size * batchSize * 4));
  const module = options.module instanceof URL ? options.module.href : options.module;
  const dispatcher = new Dispatcher(
    size,
    { keys: options.keys, acb: options.acb, module, options: options.handlerOptions },
    Math.max(0, Math.floor(options.retries ?? 1)),
  );

  /**
   * The engine of map() and decode(): results in input order, handed on in runs (one array
   * per run of results that are ready, not a promise per frame).
   *
   * Batches are formed at the target size (about TARGET_BATCH_MS of work) and queued in the
   * dispatcher, which keeps each worker holding two. A batch goes out smaller only when
   * waiting would idle a worker: an async source that has nothing yet while some worker has
   * no work, the `maxQueued` bound, or the end of the input. (Handing over whatever was
   * pending whenever a worker had room made batches of 1 and 14 frames.)
   */
  async function* runs<T>(inputs: Iterable<BinaryInput> | AsyncIterable<BinaryInput>): AsyncGenerator<PoolResult<T>[], void, undefined> {
    const it: Iterator<BinaryInput> | AsyncIterator<BinaryInput> =
      Symbol.asyncIterator in inputs ? (inputs as AsyncIterable<BinaryInput>)[Symbol.asyncIterator]() : (inputs as Iterable<BinaryInput>)[Symbol.iterator]();
    const sync = !(Symbol.asyncIterator in inputs);
    const ready = new Map<number, PoolResult<T>>();
    let nextIn = 0;
    let nextOut = 0;
    let done = false;
    let pendingIdx: number[] = [];
    let pendingFrames: Uint8Array[] = [];
    let signal!: () => void;
    let wake = new Promise<typeof WOKE>((r) => (signal = () => r(WOKE)));
    const rearm = () => {
      wake = new Promise<typeof WOKE>((r) => (signal = () => r(WOKE)));
    };
    let nextP: Promise<IteratorResult<BinaryInput>> | undefined;
    /** Frames handed to the dispatcher whose results are not back. */
    let outstanding = 0;
    const submit = (idx: number[], frames: Uint8Array[]) => {
      outstanding += idx.length;
      dispatcher.submit(idx, frames, (out) => {
        outstanding -= idx.length;
        for (let i = 0; i < idx.length; i++) {
          const o = out[i]!;
          ready.set(idx[i]!, o.error ? { index: idx[i]!, error: o.error } : { index: idx[i]!, value: o.value as T });
        }
        signal();
      });
    };
    const flush = () => {
      const n = pendingIdx.length;
      if (n === 0) return;
      // At the end of the input, spread what is left over the workers (no lone tail batch).
      const parts = done ? Math.min(n, size) : 1;
      const step = Math.ceil(n / parts);
      for (let i = 0; i < n; i += step) submit(pendingIdx.slice(i, i + step), pendingFrames.slice(i, i + step));
      pendingIdx = [];
      pendingFrames = [];
    };
    let target = dispatcher.batchTarget(batchSize);
    try {
      for (;;) {
        if (ready.has(nextOut)) {
          const run: PoolResult<T>[] = [];
          for (let r = ready.get(nextOut); r !== undefined; r = ready.get(nextOut)) {
            ready.delete(nextOut++);
            run.push(r);
          }
          yield run;
          target = dispatcher.batchTarget(batchSize);
        }
        if (done && nextOut === nextIn) return;
        if (!done && nextIn - nextOut < maxQueued) {
          // A sync source (an array) is read without a promise per item; an async one is raced
          // against arriving results so they are handed on while it is slow.
          let got: IteratorResult<BinaryInput> | typeof WOKE;
          if (sync) got = (it as Iterator<BinaryInput>).next();
          else {
            nextP ??= Promise.resolve(it.next());
            got = await Promise.race([nextP, wake]);
          }
          if (got === WOKE) {
            rearm();
            if (dispatcher.starving()) flush();
            continue;
          }
          nextP = undefined;
          if (got.done) {
            done = true;
            flush();
            continue;
          }
          const index = nextIn++;
          let bytes: Uint8Array;
          try {
            bytes = toBytes(got.value);
            if (bytes.length > MAX_FRAME_BYTES) {
              throw new GbcsDecodeError('input-too-large', MAX_FRAME_BYTES, `a frame of at most ${MAX_FRAME_BYTES} bytes`, `got ${bytes.length} bytes`);
            }
          } catch (e) {
            if (!(e instanceof GbcsDecodeError)) throw e;
            ready.set(index, { index, error: textError(e) });
            continue;
          }
          pendingIdx.push(index);
          pendingFrames.push(bytes);
          if (pendingIdx.length >= target) flush();
          // A worker with nothing to do gets what there is (a live async source is answered at once).
          else if (!sync && dispatcher.starving()) flush();
        } else {
          // At the bound: a partial batch goes only when nothing else is out (else results come first).
          if (outstanding === 0 || dispatcher.starving()) flush();
          await wake;
          rearm();
        }
      }
    } finally {
      if (!done) await it.return?.();
    }
  }

  async function* map<T>(inputs: Iterable<BinaryInput> | AsyncIterable<BinaryInput>): AsyncGenerator<PoolResult<T>, void, undefined> {
    for await (const run of runs<T>(inputs)) yield* run;
  }

  return {
    size,
    get restarts() {
      return dispatcher.restarts;
    },
    map,
    async decode<T>(inputs: Iterable<BinaryInput> | AsyncIterable<BinaryInput>) {
      const out: PoolResult<T>[] = [];
      for await (const run of runs<T>(inputs)) for (const r of run) out.push(r);
      return out;
    },
    recycle: dispatcher.recycle,
    close: () => dispatcher.close(),
  };
}
