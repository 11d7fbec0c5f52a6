// gbcs-codec/node: the Node-only half of the API. Key folders (PEM files), the line stream
// (node:stream), upgrade images on disk (streamed, bounded memory), file sinks and the crypto
// primitives on node:crypto. Everything browser-safe is in the main entry `gbcs-codec`.
export { folderKeyStore, publicKeyFromPem, keyFileStem, MAX_KEY_FILE_BYTES, MAX_CACHED_KEY_LOOKUPS, type FolderKeyStore, type FolderKeyStoreOptions } from './security/pemKeyStore.js';
export { nodePrimitives } from './security/primitives.js';
export { createFrameLineStream, frameLines, type FrameLineResult, type FrameLineStreamOptions } from './stream.js';
export { FILE_CHUNK, fileReader, upgradeImageFileLayout, fileChunks, checkUpgradeImageFile, type FileCheck } from './ota/file.js';
export { FileSink } from './ota/assembler.js';
export { fileSource } from './ota/blockServer.js';
// Decode pool: worker threads over every core (each worker opens its own key folder).
export { createDecodePool, type DecodePool, type DecodePoolOptions, type PoolResult, type PoolError, type PoolTaskContext, type PoolTaskHandler, type PoolFrameInfo } from './node/pool.js';
export { frameRecord } from './node/poolTask.js';
export { transferring } from './node/poolTypes.js';
// Text lines in bounded memory (the CLI's reader).
export { LineSplitter, DEFAULT_MAX_LINE_BYTES, type SplitLine } from './stream.js';
