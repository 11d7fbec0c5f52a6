// One decode-pool worker thread (see pool.ts): owns its WASM core and, with `keys`, its own
// folderKeyStore (key stores are closures over node:crypto KeyObjects and cannot cross
// threads). Receives batches as one transferred buffer + offsets, answers with one
// structured-clone-able value per frame, in order; the default task answers with one
// transferred buffer of UTF-8 records (a string per frame cost the worker a sixth of its time
// in the copies of postMessage and the garbage).
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { GbcsDecodeError } from '../errors.js';
import { folderKeyStore } from '../security/pemKeyStore.js';
import type { KeyStore } from '../security/keyStore.js';
import { isAscii } from 'node:buffer';
import { JsonWriter } from '../payload/json.js';
import { appendFrameRecord } from './poolTask.js';
import { TRANSFER, type PoolTaskContext, type PoolTaskHandler, type PoolWorkerData, type WireBatch, type WireReply, type WireError } from './poolTypes.js';

const data = workerData as PoolWorkerData;
const port = parentPort!;

function wireError(e: unknown): WireError {
  if (e instanceof GbcsDecodeError) return { code: e.code, offset: e.offset, expected: e.expected, message: e.message };
  return { code: 'handler-error', offset: 0, expected: 'a handler that returns', message: e instanceof Error ? e.message : String(e) };
}

/** Result buffers the calling thread gave back (pool.recycle), largest needs first served. */
const spares: ArrayBuffer[] = [];
const MAX_SPARES = 4;

/** A buffer of at least `min` bytes: a spare, or a new one with room to grow. */
function takeBuffer(min: number): ArrayBuffer {
  for (let i = spares.length - 1; i >= 0; i--) if (spares[i]!.byteLength >= min) return spares.splice(i, 1)[0]!;
  return new ArrayBuffer(Math.max(64 * 1024, min + (min >> 2)));
}

/** The default task's batch writer: every record of a batch, one after another. */
const records = new JsonWriter(256 * 1024);

/** The default task (frameRecord's JSON) for a whole batch, as one transferable buffer. */
async function defaultBatch(b: WireBatch, keyStore: KeyStore | undefined, acb: string | undefined, started: number): Promise<{ reply: WireReply; transfer: ArrayBuffer[] }> {
  const all = new Uint8Array(b.buffer);
  const n = b.offsets.length - 1;
  const w = records;
  w.pos = 0;
  const ends = new Uint32Array(n);
  let errors: [number, WireError][] | undefined;
  let nonAscii: number[] | undefined;
  for (let k = 0; k < n; k++) {
    const start = w.pos;
    try {
      await appendFrameRecord(w, all.subarray(b.offsets[k]!, b.offsets[k + 1]!), keyStore, acb);
      if (!isAscii(w.buf.subarray(start, w.pos))) (nonAscii ??= []).push(k);
    } catch (e) {
      w.pos = start;
      (errors ??= []).push([k, wireError(e)]);
    }
    ends[k] = w.pos;
  }
  const bytes = takeBuffer(w.pos);
  new Uint8Array(bytes, 0, w.pos).set(w.buf.subarray(0, w.pos));
  return { reply: { id: b.id, out: [], ms: performance.now() - started, bytes, ends, errors, nonAscii }, transfer: [bytes] };
}

/**
 * A batch whose values are all text (the default task's JSON records) crosses as one string
 * and the end offset of each value: one string to clone instead of an object and a string per
 * frame, so the calling thread (which shares the cores with the workers) deserialises less.
 */
function pack(id: number, out: WireReply['out'], ms: number): WireReply {
  const texts: string[] = [];
  const ends = new Uint32Array(out.length);
  let errors: [number, WireError][] | undefined;
  let end = 0;
  for (let k = 0; k < out.length; k++) {
    const o = out[k]!;
    if (o.error !== undefined) (errors ??= []).push([k, o.error]);
    else if (typeof o.value === 'string') {
      texts.push(o.value);
      end += o.value.length;
    } else return { id, out, ms };
    ends[k] = end;
  }
  return { id, out: [], ms, text: texts.join(''), ends, errors };
}

async function start(): Promise<void> {
  const keyStore = data.keys === undefined ? undefined : folderKeyStore(data.keys);
  let handler: PoolTaskHandler | undefined;
  if (data.module !== undefined) {
    const url = /^[a-z]+:/i.test(data.module) ? data.module : pathToFileURL(data.module).href;
    const mod = (await import(url)) as { default?: PoolTaskHandler; createHandler?: (ctx: PoolTaskContext) => PoolTaskHandler | Promise<PoolTaskHandler> };
    const ctx: PoolTaskContext = { keyStore, acb: data.acb, options: data.options, buffer: takeBuffer };
    handler = mod.createHandler ? await mod.createHandler(ctx) : mod.default!;
    if (typeof handler !== 'function') throw new Error(`pool module ${data.module} exports neither createHandler() nor a default handler`);
  }

  // Batches run one after another, in arrival order: the pool keeps a second batch waiting
  // here so the worker never idles for a round trip, and interleaving the two (an async
  // handler awaits) would finish both late, together, emptying that pipeline.
  const queue: WireBatch[] = [];
  let running = false;
  const drain = async () => {
    running = true;
    while (queue.length > 0) {
      const b = queue.shift()!;
      const started = performance.now();
      if (handler === undefined) {
        const { reply, transfer } = await defaultBatch(b, keyStore, data.acb, started);
        port.postMessage(reply, transfer);
        continue;
      }
      const bytes = new Uint8Array(b.buffer);
      const out: WireReply['out'] = [];
      let transfer: ArrayBuffer[] | undefined;
      for (let i = 0; i < b.offsets.length - 1; i++) {
        const frame = bytes.subarray(b.offsets[i]!, b.offsets[i + 1]!);
        try {
          const v = handler!(frame, { attempt: b.attempt, index: b.indices[i]! });
          // A synchronous handler's value is taken as is (no microtask hop per frame).
          const value: unknown = v instanceof Promise ? await v : v;
          const moved = typeof value === 'object' && value !== null ? (value as { [TRANSFER]?: ArrayBuffer[] })[TRANSFER] : undefined;
          if (moved) (transfer ??= []).push(...moved);
          out.push({ value });
        } catch (e) {
          out.push({ error: wireError(e) });
        }
      }
      port.postMessage(pack(b.id, out, performance.now() - started), transfer ?? []);
    }
    running = false;
  };
  port.on('message', (b: WireBatch) => {
    if (b.spares) for (const sp of b.spares) if (spares.length < MAX_SPARES) spares.push(sp);
    queue.push(b);
    if (!running) void drain();
  });
  port.postMessage({ ready: true });
}

start().catch((e: unknown) => {
  port.postMessage({ fatal: e instanceof Error ? e.message : String(e) });
});
