// `gbcs decode --workers N`: the decode-pool task. Each worker decodes and renders its
// frames exactly as the single-thread path does (render.ts) and sends back the text.
//
// With `--json` alone (`stdinChunks`), one pool input is a run of whole stdin lines as the
// calling thread read them (raw bytes, cut after the last newline of a read: decodeWorkers.ts):
// the worker splits the lines, skips blank and `#` lines, parses the text, decodes in WASM
// batches and writes every record into one buffer, sent back (shared memory, not copied) with
// the lines that failed and where their errors go. The calling thread does nothing per line.
//
//   input:  <line>\n<line>\n ... <line>\n        (the last run of the input may lack the \n)
//   output: bytes = record\n record\n ...        errors[k] = { i: line index in the run, at: byte in `bytes`, ... }
//
// A line is what the single-thread path's LineSplitter (stream.ts) makes of the same bytes:
// UTF-8 text of the bytes between newlines, a trailing CR dropped, trimmed; longer than
// `maxLine` bytes (CR included) it is an error `line-too-long` with its length (the calling
// thread words it with the line number, as lineTooLong does).
import { decodeFrame, decodeFrames } from '../decode.js';
import { GbcsDecodeError } from '../errors.js';
import { transferring, type PoolTaskContext, type PoolTaskHandler } from '../node/poolTypes.js';
import { JsonWriter } from '../payload/json.js';
import type { Rendered } from './render.js';
import type { RenderMode } from './renderMode.js';

/** The output mode (--json, --fields, --filter, --hexdump), structured-cloned to each worker. */
export type DecodeTaskOptions = RenderMode & {
  /** Each pool input is a run of whole stdin lines (raw bytes); the value a ChunkResult. */
  readonly stdinChunks?: boolean;
  /** Longest line in bytes (stdinChunks). */
  readonly maxLine?: number;
};

/** A line of a run that did not give a record: its index in the run and where its error goes in `bytes`. */
export interface ChunkLineError {
  readonly i: number;
  readonly at: number;
  readonly code: string;
  readonly offset: number;
  readonly expected: string;
  readonly message: string;
  /** Set for `line-too-long`: the line's length in bytes. */
  readonly length?: number;
}

/** The records (one line each) of a run of stdin lines, and the lines that failed, in order. */
export interface ChunkResult {
  readonly bytes: Uint8Array;
  readonly errors: ChunkLineError[];
  /** Lines in the run (blank and comment lines included). */
  readonly lines: number;
}

/** Frame lines decoded per WASM batch (as on one thread). */
const BATCH = 256;

/** The --json records of a run of stdin lines (see the file header). */
export function decodeChunk(
  w: JsonWriter,
  writeFrameJson: (w: JsonWriter, f: import('../frame.js').GbcsFrame) => void,
  run: Uint8Array,
  maxLine: number,
  buffer: (minBytes: number) => ArrayBuffer = (n) => new ArrayBuffer(n),
): ChunkResult {
  const buf = Buffer.from(run.buffer, run.byteOffset, run.length);
  w.pos = 0;
  const errors: ChunkLineError[] = [];
  const fail = (i: number, e: GbcsDecodeError) => errors.push({ i, at: w.pos, code: e.code, offset: e.offset, expected: e.expected, message: e.message });
  let texts: string[] = [];
  let index: number[] = [];
  const flush = () => {
    const frames = decodeFrames(texts);
    for (let k = 0; k < frames.length; k++) {
      const f = frames[k]!;
      if (f instanceof GbcsDecodeError) {
        fail(index[k]!, f);
        continue;
      }
      try {
        writeFrameJson(w, f);
        w.byte(10);
      } catch (e) {
        if (!(e instanceof GbcsDecodeError)) throw e;
        fail(index[k]!, e);
      }
    }
    texts = [];
    index = [];
  };
  let i = 0;
  for (let s = 0; s < buf.length; i++) {
    let e = buf.indexOf(10, s);
    if (e < 0) e = buf.length;
    const length = e - s;
    if (length > maxLine) {
      flush(); // the error goes after the records of the lines before it
      errors.push({ i, at: w.pos, code: 'line-too-long', offset: maxLine, expected: '', message: '', length });
    } else {
      let t = buf.toString('utf8', s, e);
      if (t.charCodeAt(t.length - 1) === 13) t = t.slice(0, -1);
      t = t.trim();
      if (t !== '' && t.charCodeAt(0) !== 35) {
        texts.push(t);
        index.push(i);
        if (texts.length >= BATCH) flush();
      }
    }
    s = e + 1;
  }
  flush();
  // Moved to the calling thread, not copied, in a buffer it gave back (pool.recycle) once it
  // wrote it (a SharedArrayBuffer per run cost an mmap and its page faults: a third of the CPU
  // of `--workers 2` went to the kernel; a new buffer per run, to the collector).
  const ab = buffer(w.pos);
  const bytes = new Uint8Array(ab, 0, w.pos);
  bytes.set(w.buf.subarray(0, w.pos));
  return transferring({ bytes, errors, lines: i }, [ab]);
}

export async function createHandler(ctx: PoolTaskContext): Promise<PoolTaskHandler> {
  const mode = ctx.options as DecodeTaskOptions;
  const sec = ctx.keyStore ? { keyStore: ctx.keyStore, ...(ctx.acb ? { acb: ctx.acb } : {}) } : undefined;
  if (mode.stdinChunks) {
    // --json alone: only the record writer is loaded (no text layout, fields or security code).
    const { writeFrameJson } = await import('./frameJson.js');
    const w = new JsonWriter(2 * 1024 * 1024);
    const maxLine = mode.maxLine!;
    return (run): ChunkResult => decodeChunk(w, writeFrameJson, run, maxLine, ctx.buffer);
  }
  const { renderFrame } = await import('./render.js');
  return (bytes): Promise<Rendered> => renderFrame(decodeFrame(bytes), mode, sec);
}
