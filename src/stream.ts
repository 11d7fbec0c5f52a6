// Text lines from byte chunks, and the node:stream adapter for adapters that receive frames
// as text lines (hex or base64, one frame per line, as in log files, queues and
// `gbcs decode -`). Lines are decoded in batches through decodeFrames, so a busy stream
// makes one WASM call per chunk, not per frame.
//
// Decision (issue 10 item 3): a line is capped at `maxLineBytes` (default
// DEFAULT_MAX_LINE_BYTES, 8 MiB: hex of a 4 MiB frame, far above any GBCS message). Bytes of
// an over-long line are counted and dropped, never buffered, and the line is reported as
// `line-too-long`; the lines after it go on. Splitting is linear: each chunk is scanned
// once for newlines and a line's pieces are joined once.
import { Transform, type TransformCallback } from 'node:stream';
import { decodeFrames, type DecodeResult } from './decode.js';
import { GbcsDecodeError } from './errors.js';

/** Default cap on one input line, in bytes (8 MiB). */
export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;

/** One line: its text (without `\n` / `\r\n`), or the byte length of a line over the cap. */
export type SplitLine = { readonly line: number; readonly text: string; readonly tooLong?: undefined } | { readonly line: number; readonly tooLong: number; readonly text?: undefined };

/** The error a line over the cap gives (offset: the cap). */
export function lineTooLong(maxLineBytes: number, length: number, line: number): GbcsDecodeError {
  const e = new GbcsDecodeError('line-too-long', maxLineBytes, `a line of at most ${maxLineBytes} bytes`, `line ${line} has ${length}`);
  e.frameIndex = line - 1;
  return e;
}

/** Splits byte chunks (any split) into lines in bounded memory: at most `maxLineBytes` are held. */
export class LineSplitter {
  #parts: Buffer[] = [];
  #length = 0;
  #over = false;
  #line = 0;

  constructor(readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {}

  /** Lines completed by `chunk`, in order. */
  push(chunk: Buffer | Uint8Array | string): SplitLine[] {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const out: SplitLine[] = [];
    let pos = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(10, pos);
      const end = nl < 0 ? buf.length : nl;
      const len = end - pos;
      if (!this.#over && this.#length + len > this.maxLineBytes) {
        this.#over = true;
        this.#parts = [];
      }
      if (nl < 0) {
        if (!this.#over) this.#parts.push(buf.subarray(pos, end));
        this.#length += len;
        break;
      }
      out.push(this.#finish(buf, pos, end));
      pos = nl + 1;
    }
    return out;
  }

  /** The last line when the input did not end with a newline. */
  end(): SplitLine[] {
    if (this.#length === 0 && this.#parts.length === 0 && !this.#over) return [];
    return [this.#finish(Buffer.alloc(0), 0, 0)];
  }

  #finish(buf: Buffer, pos: number, end: number): SplitLine {
    const line = ++this.#line;
    const length = this.#length + (end - pos);
    let r: SplitLine;
    if (this.#over) r = { line, tooLong: length };
    else {
      let text = this.#parts.length === 0 ? buf.toString('utf8', pos, end) : Buffer.concat([...this.#parts, buf.subarray(pos, end)]).toString('utf8');
      if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
      r = { line, text };
    }
    this.#parts = [];
    this.#length = 0;
    this.#over = false;
    return r;
  }
}

/** Options of the frame line stream (batch size, line cap, ...). */
export interface FrameLineStreamOptions {
  /** Lines decoded per WASM batch at most (default 1024). */
  readonly batchSize?: number;
  /** Skip empty lines and lines starting with '#' (default true). */
  readonly skipComments?: boolean;
  /** Longest line in bytes (default DEFAULT_MAX_LINE_BYTES); a longer one yields `line-too-long`. */
  readonly maxLineBytes?: number;
}

/** What the stream emits per frame line: the result and the 1-based line number. */
export interface FrameLineResult {
  readonly line: number;
  readonly result: DecodeResult;
}

/**
 * A Transform from text (Buffer or string chunks, any split) to `FrameLineResult` objects.
 * A malformed line yields its GbcsDecodeError as `result` (with `frameIndex` = line - 1),
 * an over-long one `line-too-long`; the stream itself only errors on a failure that is not
 * about the input. Memory is bounded by `maxLineBytes` plus one chunk's lines.
 */
export function createFrameLineStream(options: FrameLineStreamOptions = {}): Transform {
  const batchSize = options.batchSize ?? 1024;
  const skipComments = options.skipComments ?? true;
  const splitter = new LineSplitter(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  let pending: { line: number; text: string }[] = [];

  const flushBatch = (stream: Transform) => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const results = decodeFrames(batch.map((p) => p.text));
    for (let i = 0; i < batch.length; i++) {
      const r = results[i]!;
      if (r instanceof GbcsDecodeError) r.frameIndex = batch[i]!.line - 1;
      stream.push({ line: batch[i]!.line, result: r } satisfies FrameLineResult);
    }
  };

  const take = (stream: Transform, lines: SplitLine[]) => {
    for (const l of lines) {
      if (l.tooLong !== undefined) {
        flushBatch(stream);
        stream.push({ line: l.line, result: lineTooLong(splitter.maxLineBytes, l.tooLong, l.line) } satisfies FrameLineResult);
        continue;
      }
      const text = l.text.trim();
      if (skipComments && (text === '' || text.startsWith('#'))) continue;
      pending.push({ line: l.line, text });
      if (pending.length >= batchSize) flushBatch(stream);
    }
    flushBatch(stream);
  };

  return new Transform({
    readableObjectMode: true,
    transform(this: Transform, chunk: Buffer | string, _enc: BufferEncoding, done: TransformCallback) {
      try {
        take(this, splitter.push(chunk));
        done();
      } catch (e) {
        done(e as Error);
      }
    },
    flush(this: Transform, done: TransformCallback) {
      try {
        take(this, splitter.end());
        done();
      } catch (e) {
        done(e as Error);
      }
    },
  });
}

/**
 * One decoded frame per text line of `source` (a Node readable, e.g. a file stream or
 * stdin), as a typed async iterable: `for await (const { line, result } of frameLines(stream))`.
 * Memory stays bounded (WASM batches of `batchSize` lines); a malformed line yields its
 * GbcsDecodeError as `result` and the iteration goes on.
 */
export async function* frameLines(source: NodeJS.ReadableStream, options: FrameLineStreamOptions = {}): AsyncGenerator<FrameLineResult, void, undefined> {
  const lines = source.pipe(createFrameLineStream(options));
  source.once('error', (e) => lines.destroy(e as Error));
  for await (const item of lines) yield item as FrameLineResult;
}
