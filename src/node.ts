// gbcs-codec/node: Node-only additions (worker threads). The main entry stays browser-safe
// and does not import this file.
export { createDecodePool, type DecodePool, type DecodePoolOptions, type PoolResult, type PoolError, type PoolTaskContext, type PoolTaskHandler, type PoolFrameInfo } from './node/pool.js';
