// `gbcs decode --workers N`: the decode-pool task. Each worker decodes and renders its
// frames exactly as the single-thread path does (render.ts) and sends back the text.
//
// With `--json` alone (`lineBatches`), one pool input is not one frame but a batch of stdin
// lines (UTF-8 text, joined by newlines): the worker decodes them in one WASM batch and
// writes all their records into one buffer, sent back (shared memory, not copied) with the
// decode errors and where they go. The calling thread then does nothing per line but copy.
import { decodeFrame, decodeFrames } from '../decode.js';
import { GbcsDecodeError } from '../errors.js';
import type { PoolTaskContext, PoolTaskHandler } from '../node/poolTypes.js';
import { JsonWriter } from '../payload/json.js';
import { renderFrame, writeFrameJson, type Rendered } from './render.js';
import type { RenderMode } from './fieldsOutput.js';

/** The output mode (--json, --fields, --filter, --hexdump), structured-cloned to each worker. */
export type DecodeTaskOptions = RenderMode & {
  /** Each pool input is a batch of lines (text joined by '\n'); the value a LineBatchResult. */
  readonly lineBatches?: boolean;
};

/** A line of a batch that did not decode: its index in the batch and where its error goes in `bytes`. */
export interface LineBatchError {
  readonly i: number;
  readonly at: number;
  readonly code: string;
  readonly offset: number;
  readonly expected: string;
  readonly message: string;
}

/** The records (one line each) of a batch of lines, and the lines that failed, in order. */
export interface LineBatchResult {
  readonly bytes: Uint8Array;
  readonly errors: LineBatchError[];
}

const text = new TextDecoder();

export function createHandler(ctx: PoolTaskContext): PoolTaskHandler {
  const mode = ctx.options as DecodeTaskOptions;
  const sec = ctx.keyStore ? { keyStore: ctx.keyStore, ...(ctx.acb ? { acb: ctx.acb } : {}) } : undefined;
  if (mode.lineBatches) {
    const w = new JsonWriter(2 * 1024 * 1024);
    return (batch): LineBatchResult => {
      w.pos = 0;
      const errors: LineBatchError[] = [];
      const fail = (i: number, e: GbcsDecodeError) => errors.push({ i, at: w.pos, code: e.code, offset: e.offset, expected: e.expected, message: e.message });
      const lines = batch.length === 0 ? [] : text.decode(batch).split('\n');
      const frames = decodeFrames(lines);
      for (let i = 0; i < frames.length; i++) {
        const f = frames[i]!;
        if (f instanceof GbcsDecodeError) {
          fail(i, f);
          continue;
        }
        try {
          writeFrameJson(w, f);
          w.byte(10);
        } catch (e) {
          if (!(e instanceof GbcsDecodeError)) throw e;
          fail(i, e);
        }
      }
      // A SharedArrayBuffer crosses to the calling thread without being copied (the pool's
      // reply is structured-cloned: a plain buffer would be copied twice more).
      const bytes = new Uint8Array(new SharedArrayBuffer(w.pos));
      bytes.set(w.buf.subarray(0, w.pos));
      return { bytes, errors };
    };
  }
  return (bytes): Promise<Rendered> => renderFrame(decodeFrame(bytes), mode, sec);
}
