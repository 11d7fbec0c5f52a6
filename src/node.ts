// gbcs-codec/node: the Node-only half of the API. Key folders (PEM files), the line stream
// (node:stream), upgrade images on disk (streamed, bounded memory), file sinks and the crypto
// primitives on node:crypto. Everything browser-safe is in the main entry `gbcs-codec`.
export { folderKeyStore, publicKeyFromPem, keyFileStem, type FolderKeyStore } from './security/pemKeyStore.js';
export { nodePrimitives } from './security/primitives.js';
export { createFrameLineStream, frameLines, type FrameLineResult, type FrameLineStreamOptions } from './stream.js';
export { FILE_CHUNK, fileReader, upgradeImageFileLayout, fileChunks, checkUpgradeImageFile, type FileCheck } from './ota/file.js';
export { FileSink } from './ota/assembler.js';
export { fileSource } from './ota/blockServer.js';
