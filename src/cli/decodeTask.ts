// `gbcs decode --workers N`: the decode-pool task. Each worker decodes and renders its
// frames exactly as the single-thread path does (render.ts) and sends back the text.
import { decodeFrame } from '../decode.js';
import type { PoolTaskContext, PoolTaskHandler } from '../node/poolTypes.js';
import { renderFrame, type Rendered } from './render.js';
import type { RenderMode } from './fieldsOutput.js';

/** The output mode (--json, --fields, --filter, --hexdump), structured-cloned to each worker. */
export type DecodeTaskOptions = RenderMode;

export function createHandler(ctx: PoolTaskContext): PoolTaskHandler {
  const mode = ctx.options as DecodeTaskOptions;
  const sec = ctx.keyStore ? { keyStore: ctx.keyStore, ...(ctx.acb ? { acb: ctx.acb } : {}) } : undefined;
  return (bytes): Promise<Rendered> => renderFrame(decodeFrame(bytes), mode, sec);
}
