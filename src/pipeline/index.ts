// gbcs-codec/pipeline: the adapter pipeline on a message broker (issue 16). Frames from an
// input stream are decoded and written to an output stream, failures to a dead-letter stream,
// each acknowledged atomically with its result (README "Pipeline"). Node only.
//
// ```js
// import { Pipeline, RedisStreamsTransport } from 'gbcs-codec/pipeline';
// const transport = new RedisStreamsTransport({ url: 'redis://127.0.0.1:6379', group: 'adapters', consumer: 'a1' });
// const p = new Pipeline({ transport, input: 'gbcs:in', output: 'gbcs:out', deadLetter: 'gbcs:dead' });
// process.on('SIGTERM', () => p.stop());
// console.log(await p.run());
// await transport.close();
// ```
export { Pipeline, partitionOf, type PipelineOptions, type PipelineMetrics } from './pipeline.js';
export { RedisStreamsTransport, type RedisTransportOptions } from './redis.js';
export { decodeForPipeline, inProcessDecoder, poolDecoder, type PoolDecoderOptions, frameBytes, conversationKey, type DecodeOutcome, type FrameDecoder, type DecodeStepOptions } from './decoder.js';
export type { PipelineTransport, InputEntry, ResultEntry, CommitOutcome, GroupState } from './transport.js';
export { BrokerUnreachableError, DEFAULT_CONNECT_TIMEOUT_MS } from './transport.js';
