// `gbcs decode --json --workers N -`: stdin decoded on a pool of worker threads, the output
// byte for byte what one thread prints (records, error lines, stderr messages, line numbers,
// exit status).
//
// The calling thread does nothing per line (issue 12 item 5: the per-line version gained
// nothing over one thread, whose work it was doing half of): each read from stdin is cut
// after its last newline and the whole lines go to the pool as one input (a run); the partial
// line waits for the next read. A worker splits, parses, decodes and writes the run's records
// (decodeTask.ts decodeChunk) and sends back one buffer and the run's failed lines; results
// come back in input order and each buffer is written as one chunk, waiting while stdout is
// full. Backpressure: the pool holds at most RUNS_PER_WORKER runs per worker and pulls more
// from stdin only as results are written.
//
// Memory: a line longer than `maxLine` that spans reads is never held: its bytes are counted
// and it is reported as line-too-long, as LineSplitter does. Decision: a run is at most one
// read (64 KiB) plus the partial line before it (at most `maxLine`); a line over the pool's
// 64 MiB input bound (possible only with --max-line above it) fails with input-too-large.
import { fileURLToPath } from 'node:url';
import { createDecodePool, type PoolError } from '../node/pool.js';
import { lineTooLong } from '../stream.js';
import type { ChunkResult, DecodeTaskOptions } from './decodeTask.js';
import type { Io, Output } from './io.js';

/** Runs (one stdin read each) a worker may hold, queued or in work. */
const RUNS_PER_WORKER = 4;

/** What a failed line reports (a GbcsDecodeError or its fields from a worker). */
export interface LineError {
  readonly code: string;
  readonly offset: number;
  readonly expected: string;
  readonly message: string;
}

const EMPTY = new Uint8Array(0);

/**
 * Decodes stdin lines on `workers` threads as `--json` records into `out`; each failed line
 * goes to `emitError` with its 1-based line number, in line order with the records.
 */
export async function decodeStdinRuns(
  io: Io,
  out: Output,
  mode: DecodeTaskOptions,
  workers: number,
  maxLine: number,
  emitError: (e: LineError, line: number) => Promise<void> | void,
): Promise<void> {
  const module = fileURLToPath(new URL('./decodeTask.js', import.meta.url));
  const options: DecodeTaskOptions = { ...mode, stdinChunks: true, maxLine };
  const pool = createDecodePool({ workers, module, handlerOptions: options, batchSize: 1, maxQueued: workers * RUNS_PER_WORKER });
  /** Pool input index -> its run (until its result is out), or the length of a line too long to hold. */
  const runs = new Map<number, Uint8Array | number>();
  let n = 0;
  async function* inputs(): AsyncGenerator<Uint8Array> {
    let carry: Buffer[] = [];
    let carryLength = 0;
    let over = false; // the partial line is longer than maxLine: counted, not kept
    for await (const c of io.stdin) {
      const chunk = typeof c === 'string' ? Buffer.from(c, 'utf8') : (c as Buffer);
      let pos = 0;
      if (over) {
        const nl = chunk.indexOf(10);
        if (nl < 0) {
          carryLength += chunk.length;
          continue;
        }
        runs.set(n++, carryLength + nl);
        yield EMPTY; // a placeholder slot: the line's error is printed in its place
        over = false;
        carryLength = 0;
        pos = nl + 1;
      }
      const last = chunk.lastIndexOf(10);
      if (last < pos) {
        carryLength += chunk.length - pos;
        if (carryLength > maxLine) {
          over = true;
          carry = [];
        } else if (chunk.length > pos) carry.push(chunk.subarray(pos));
        continue;
      }
      const whole = chunk.subarray(pos, last + 1);
      const run = carry.length === 0 ? whole : Buffer.concat([...carry, whole]);
      carry = [];
      carryLength = chunk.length - last - 1;
      if (carryLength > maxLine) over = true;
      else if (carryLength > 0) carry.push(chunk.subarray(last + 1));
      runs.set(n++, run);
      yield run;
    }
    if (over) {
      runs.set(n++, carryLength);
      yield EMPTY;
    } else if (carryLength > 0) {
      const run = Buffer.concat(carry); // the last line, without a newline
      runs.set(n++, run);
      yield run;
    }
  }
  let base = 0; // lines before the current run
  try {
    for await (const r of pool.map<ChunkResult>(inputs())) {
      const run = runs.get(r.index)!;
      runs.delete(r.index);
      if (typeof run === 'number') {
        base++;
        await emitError(lineTooLong(maxLine, run, base), base);
        continue;
      }
      if (r.error) {
        // Not about one line: a failing handler ends the command as on one thread; a run whose
        // worker died twice (or too large for the pool) fails each of its frame lines.
        if (r.error.code === 'handler-error') throw new Error(r.error.message);
        base = await failRun(run, base, maxLine, r.error, emitError);
        continue;
      }
      const v = r.value!;
      const bytes = Buffer.from(v.bytes.buffer, v.bytes.byteOffset, v.bytes.length);
      let from = 0;
      for (const e of v.errors) {
        if (e.at > from) await out.writeBytes(bytes.subarray(from, e.at));
        from = e.at;
        const line = base + e.i + 1;
        await emitError(e.length !== undefined ? lineTooLong(maxLine, e.length, line) : e, line);
      }
      // The buffer goes back to the workers once the stream has written all of it.
      const back = () => pool.recycle(v.bytes.buffer as ArrayBuffer);
      if (bytes.length > from) await out.writeBytes(bytes.subarray(from), back);
      else if (from > 0) void out.written().then(back);
      else back();
      base += v.lines;
    }
  } finally {
    await pool.close();
  }
}

/** Reports `error` on every frame line of `run` (blank and `#` lines skipped as a worker does); returns the new line base. */
async function failRun(run: Uint8Array, base: number, maxLine: number, error: PoolError, emitError: (e: LineError, line: number) => Promise<void> | void): Promise<number> {
  const buf = Buffer.from(run.buffer, run.byteOffset, run.length);
  let i = 0;
  for (let s = 0; s < buf.length; i++) {
    let e = buf.indexOf(10, s);
    if (e < 0) e = buf.length;
    const line = base + i + 1;
    if (e - s > maxLine) await emitError(lineTooLong(maxLine, e - s, line), line);
    else {
      const t = buf.toString('utf8', s, e).trim();
      if (t !== '' && t.charCodeAt(0) !== 35) await emitError(error, line);
    }
    s = e + 1;
  }
  return base + i;
}
