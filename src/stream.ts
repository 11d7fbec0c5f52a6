// node:stream adapter for adapters that receive frames as text lines (hex or base64, one
// frame per line, as in log files, queues and `gbcs decode -`). Lines are decoded in
// batches through decodeFrames, so a busy stream makes one WASM call per chunk, not per frame.
import { Transform, type TransformCallback } from 'node:stream';
import { decodeFrames, type DecodeResult } from './decode.js';
import { GbcsDecodeError } from './errors.js';

export interface FrameLineStreamOptions {
  /** Lines decoded per WASM batch at most (default 1024). */
  readonly batchSize?: number;
  /** Skip empty lines and lines starting with '#' (default true). */
  readonly skipComments?: boolean;
}

/** What the stream emits per frame line: the result and the 1-based line number. */
export interface FrameLineResult {
  readonly line: number;
  readonly result: DecodeResult;
}

/**
 * A Transform from text (Buffer or string chunks, any split) to `FrameLineResult` objects.
 * A malformed line yields its GbcsDecodeError as `result` (with `frameIndex` = line - 1);
 * the stream itself only errors on a failure that is not about the input.
 */
export function createFrameLineStream(options: FrameLineStreamOptions = {}): Transform {
  const batchSize = options.batchSize ?? 1024;
  const skipComments = options.skipComments ?? true;
  let carry = '';
  let lineNo = 0;
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

  const takeLine = (stream: Transform, raw: string) => {
    lineNo++;
    const text = raw.trim();
    if (skipComments && (text === '' || text.startsWith('#'))) return;
    pending.push({ line: lineNo, text });
    if (pending.length >= batchSize) flushBatch(stream);
  };

  return new Transform({
    readableObjectMode: true,
    transform(this: Transform, chunk: Buffer | string, _enc: BufferEncoding, done: TransformCallback) {
      try {
        const text = carry + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
        const lines = text.split(/\r?\n/);
        carry = lines.pop()!;
        for (const l of lines) takeLine(this, l);
        flushBatch(this);
        done();
      } catch (e) {
        done(e as Error);
      }
    },
    flush(this: Transform, done: TransformCallback) {
      try {
        if (carry !== '') takeLine(this, carry);
        carry = '';
        flushBatch(this);
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
