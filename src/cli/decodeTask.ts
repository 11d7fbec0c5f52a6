// `gbcs decode --workers N`: the decode-pool task. Each worker decodes and renders its
// frames exactly as the single-thread path does (render.ts) and sends back the text; with
// `--json` alone, the record's UTF-8 bytes (one exact-size buffer per frame: the calling
// thread copies them into its output chunk, no string to re-encode there).
import { decodeFrame } from '../decode.js';
import type { PoolTaskContext, PoolTaskHandler } from '../node/poolTypes.js';
import { JsonWriter } from '../payload/json.js';
import { renderFrame, writeFrameJson, type Rendered } from './render.js';
import type { RenderMode } from './fieldsOutput.js';

/** The output mode (--json, --fields, --filter, --hexdump), structured-cloned to each worker. */
export type DecodeTaskOptions = RenderMode;

/** A frame's `--json` record line (ending in a newline) as UTF-8 bytes. */
export interface RenderedBytes {
  readonly bytes: Uint8Array;
}

export function createHandler(ctx: PoolTaskContext): PoolTaskHandler {
  const mode = ctx.options as DecodeTaskOptions;
  const sec = ctx.keyStore ? { keyStore: ctx.keyStore, ...(ctx.acb ? { acb: ctx.acb } : {}) } : undefined;
  if (mode.json && !sec && !mode.fields && !mode.hexdump && mode.filter === undefined) {
    const w = new JsonWriter(64 * 1024);
    return (bytes): RenderedBytes => {
      w.pos = 0;
      writeFrameJson(w, decodeFrame(bytes));
      w.byte(10);
      return { bytes: w.buf.slice(0, w.pos) };
    };
  }
  return (bytes): Promise<Rendered> => renderFrame(decodeFrame(bytes), mode, sec);
}
