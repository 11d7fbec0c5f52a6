// OTA upgrade images (file access on disk: ./file.ts, exported from the node entry): build, inspect, sign, cut into blocks, reassemble and verify, streaming.
export * from './image.js';
export * from './hash.js';
export * from './blocks.js';
export * from './zclOta.js';
export * from './dlmsImageTransfer.js';
export * from './blockServer.js';
export * from './assembler.js';
export * from './activation.js';
export * from './otaClient.js';
export * from './blockStream.js';
