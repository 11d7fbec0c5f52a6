// WASM entry points. The TypeScript glue copies frames into the input region, calls
// one of these, and reads u32 records from the output region through cached views.
import {
  REC_WORDS, R_STATUS, R_ERR_OFFSET, R_KIND, R_CRA, R_MESSAGE_CODE, R_FORMAT, R_ORIGINATOR, R_RECIPIENT, R_COUNTER, R_CONTENT, R_CONTENT_LEN,
  C_STATUS, C_ERR_OFFSET, C_KIND, C_CRA, C_MESSAGE_CODE, C_FORMAT, C_ORIGINATOR, C_RECIPIENT, C_COUNTER, C_CONTENT, C_CONTENT_LEN,
} from '../src/wasm/layout';
import { MAX_BATCH, columnBase, growInput, inputBase, inputCap, recordBase, tableBase } from './memory';
import { decodeEnvelope } from './envelope';

export function inputPtr(): usize { return inputBase; }
export function inputCapacity(): usize { return inputCap; }
export function tablePtr(): usize { return tableBase; }
export function recordPtr(): usize { return recordBase; }
export function columnPtr(): usize { return columnBase; }
export function maxBatch(): i32 { return MAX_BATCH; }

/** Ensures the input region holds `len` bytes; may move it (re-read inputPtr()). */
export function reserveInput(len: usize): usize {
  growInput(len);
  return inputBase;
}

/** Decodes the single frame at the start of the input region into record 0. */
export function decodeOne(len: usize): i32 {
  return decodeEnvelope(inputBase, len, recordBase);
}

/**
 * Decodes `count` frames described by (offset, length) pairs in the table region;
 * record i describes frame i, and (when `columns` is not 0) slot i of the batch columns
 * (layout.ts C_*) holds the words the cursor and columnar readers use. Returns the number
 * of frames that failed.
 */
export function decodeBatch(count: i32, columns: i32): i32 {
  let failed = 0;
  for (let i = 0; i < count; i++) {
    const t = tableBase + (<usize>i << 3);
    const off = <usize>load<u32>(t);
    const len = <usize>load<u32>(t, 4);
    const r = recordBase + (<usize>i * REC_WORDS << 2);
    if (decodeEnvelope(inputBase + off, len, r) != 0) failed++;
    if (columns == 0) continue;
    // Constant offsets: column c of this slot is c * MAX_BATCH words after its column-0 word.
    const c = columnBase + (<usize>i << 2);
    store<u32>(c, load<u32>(r, R_STATUS << 2), C_STATUS * MAX_BATCH << 2);
    store<u32>(c, load<u32>(r, R_ERR_OFFSET << 2), C_ERR_OFFSET * MAX_BATCH << 2);
    store<u32>(c, load<u32>(r, R_KIND << 2), C_KIND * MAX_BATCH << 2);
    store<u32>(c, load<u32>(r, R_CRA << 2), C_CRA * MAX_BATCH << 2);
    store<u32>(c, load<u32>(r, R_MESSAGE_CODE << 2), C_MESSAGE_CODE * MAX_BATCH << 2);
    store<u32>(c, load<u32>(r, R_FORMAT << 2), C_FORMAT * MAX_BATCH << 2);
    store<u32>(c, load<u32>(r, R_ORIGINATOR << 2), C_ORIGINATOR * MAX_BATCH << 2);
    store<u32>(c, load<u32>(r, R_RECIPIENT << 2), C_RECIPIENT * MAX_BATCH << 2);
    store<u32>(c, load<u32>(r, R_COUNTER << 2), C_COUNTER * MAX_BATCH << 2);
    store<u32>(c, load<u32>(r, R_CONTENT << 2), C_CONTENT * MAX_BATCH << 2);
    store<u32>(c, load<u32>(r, R_CONTENT_LEN << 2), C_CONTENT_LEN * MAX_BATCH << 2);
  }
  return failed;
}

/** Bugs only (bad input returns error codes): trap, the glue reports GbcsInternalError. */
export function abortHandler(message: usize, fileName: usize, line: u32, column: u32): void {
  unreachable();
}

// ---- Payloads ----
import { nodeBase } from './memory';
import { walkAt, walkedNodes, walkErrorOffset } from './payload';

export function nodePtr(): usize { return nodeBase; }
/** Walks the payload at the start of the input region (mode: W_*). 0 or an E_* code. */
export function walkPayload(len: usize, mode: i32): i32 { return walkAt(inputBase, len, mode); }
export function payloadNodeCount(): i32 { return walkedNodes(); }
export function payloadErrorOffset(): u32 { return walkErrorOffset(); }

// ---- Encoders (issue 17) ----
import { encDescBase, outBase, outCap, growOutput } from './memory';
import { encodeFrames as encodeFramesCore, encErrIndex, encErrField, encNeed } from './encode';

export function encDescPtr(): usize { return encDescBase; }
export function outputPtr(): usize { return outBase; }
export function outputCapacity(): usize { return outCap; }
/** Ensures the output region holds `len` bytes; may move it (re-read outputPtr()). */
export function reserveOutput(len: usize): usize {
  growOutput(len);
  return outBase;
}
/** Encodes frame descriptors [first, first+count): see assembly/encode.ts. */
export function encodeFrames(first: i32, count: i32): i32 { return encodeFramesCore(first, count); }
export function encErrorIndex(): i32 { return encErrIndex; }
export function encErrorField(): i32 { return encErrField; }
export function encNeeded(): u32 { return encNeed; }

// ---- OTA block runs (issue 17) ----
import { encodeBlockRun as encodeBlockRunCore, obErrField, obNeed } from './otaBlocks';
/** One OTA block message per block of an image chunk: see assembly/otaBlocks.ts. */
export function encodeBlockRun(mode: i32, src: u32, total: u32, blockSize: u32, first: u32, firstOffset: u32, sequence: u32, manufacturerCode: u32, imageType: u32, fileVersion: u32): i32 {
  return encodeBlockRunCore(mode, src, total, blockSize, first, firstOffset, sequence, manufacturerCode, imageType, fileVersion);
}
export function blockRunErrorField(): i32 { return obErrField; }
export function blockRunNeeded(): u32 { return obNeed; }
import { encodeBlockResponses as encodeBlockResponsesCore, brErrIndex } from './otaBlocks';
/** ZCL Image Block Responses for descriptors [first, first+count): see assembly/otaBlocks.ts. */
export function encodeBlockResponses(first: i32, count: i32): i32 { return encodeBlockResponsesCore(first, count); }
export function blockResponseErrorIndex(): i32 { return brErrIndex; }

// ---- Payload encoder programs (issue 17): DLMS Data / APDUs, GBZ / ZCL ----
import { encodePayloads as encodePayloadsCore, peErrOp, peErrField, peNext } from './payloadEncode';
/** Executes the payload program in [start, end) of the input region: see assembly/payloadEncode.ts. */
export function encodePayloads(start: u32, end: u32, max: i32): i32 { return encodePayloadsCore(start, end, max); }
export function payloadEncErrorOp(): u32 { return peErrOp; }
export function payloadEncErrorField(): i32 { return peErrField; }
export function payloadEncNext(): u32 { return peNext; }

// ---- ZigBee OTA cluster commands and IC 18 blocks, decoded in batches (issue 17) ----
import { decodeOtaFrames as decodeOtaFramesCore } from './otaDecode';
/** Decodes `count` frames from the batch table into OTA records: see assembly/otaDecode.ts. */
export function decodeOtaFrames(count: i32, mode: i32): i32 { return decodeOtaFramesCore(count, mode); }
