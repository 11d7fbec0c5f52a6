// Pool task module of the pipeline (`gbcs pipe --workers N`): each worker thread of the decode
// pool (src/node/pool.ts) runs the pipeline's decode step, decodeForPipeline, with its own
// folderKeyStore (ctx.keyStore) when the pool was given a key folder.
import type { PoolTaskContext, PoolTaskHandler } from '../node/poolTypes.js';
import { decodeForPipeline } from './decoder.js';

export function createHandler(ctx: PoolTaskContext): PoolTaskHandler {
  const segmentsAsFrames = (ctx.options as { segmentsAsFrames?: boolean } | undefined)?.segmentsAsFrames === true;
  const options = { ...(ctx.keyStore ? { keyStore: ctx.keyStore } : {}), ...(ctx.acb ? { acb: ctx.acb } : {}), segmentsAsFrames };
  return (frame) => decodeForPipeline(frame, options);
}
