// OTA block messages for a run of blocks (issue 17 item 1): the image bytes of a chunk
// are in the input region; one message per block is written into the output region.
//
//   OB_ZCL, ZigBee OTA Image Block Response (cluster 0x0019, command 0x05), little-endian:
//     19 seq 05 ‖ status 00 ‖ mfr(2) type(2) version(4) ‖ fileOffset(4) ‖ dataSize(1) ‖ data
//     frame control 0x19: cluster-specific, server to client, default response disabled
//     (what encodeZclOta writes for this command); seq = (firstSequence + i) & 0xFF.
//   OB_IC18, DLMS IC 18 method 2 image_block_transfer parameter, A-XDR (big-endian):
//     02 02 ‖ 06 blockNumber(4) ‖ 09 len data      (len: short form, 81 xx, 82 xxxx, ...)
//
// Typed range errors (field in encErrField): a ZCL block above 255 bytes (data size),
// a file offset or IC 18 block number past 32 bits. Each message's size is checked
// against the output region before it is written. Never allocates.
import {
  OB_ZCL, OB_IC18, E_ENC_RANGE, E_ENC_SOURCE, E_ENC_OUTPUT_FULL,
  ENC_FIELD_BLOCK_NUMBER, ENC_FIELD_FILE_OFFSET, ENC_FIELD_DATA_SIZE, ENC_FIELD_SEQUENCE, ENC_FIELD_IMAGE_ID, ENC_FIELD_KIND, ENC_FIELD_SOURCE,
} from '../src/wasm/layout';
import { MAX_BATCH, inputBase, inputCap, outBase, outCap, tableBase } from './memory';

export let obErrField: i32 = 0;
export let obNeed: u32 = 0;

function fail(code: i32, field: i32): i32 {
  obErrField = field;
  return -code;
}

/**
 * Encodes the blocks of [src, src+total) of the input region, `blockSize` bytes each
 * (the last may be short), numbered from `first` (IC 18 block number; ZCL file offset
 * is `firstOffset + i * blockSize`). Returns the number of messages written (fewer than
 * the blocks when the output region or the batch table filled up: call again for the
 * rest), or -E_*.
 */
export function encodeBlockRun(
  mode: i32, src: u32, total: u32, blockSize: u32, first: u32, firstOffset: u32,
  sequence: u32, manufacturerCode: u32, imageType: u32, fileVersion: u32,
): i32 {
  if (mode != OB_ZCL && mode != OB_IC18) return fail(E_ENC_RANGE, ENC_FIELD_KIND);
  if (<u64>src + <u64>total > <u64>inputCap) return fail(E_ENC_SOURCE, ENC_FIELD_SOURCE);
  if (blockSize == 0 || blockSize >= 0x1000000 || (mode == OB_ZCL && blockSize > 255)) return fail(E_ENC_RANGE, ENC_FIELD_DATA_SIZE);
  if (sequence > 0xff) return fail(E_ENC_RANGE, ENC_FIELD_SEQUENCE);
  if (manufacturerCode > 0xffff || imageType > 0xffff) return fail(E_ENC_RANGE, ENC_FIELD_IMAGE_ID);
  let blocks = total / blockSize + (total % blockSize != 0 ? 1 : 0);
  if (blocks > <u32>MAX_BATCH) blocks = <u32>MAX_BATCH;
  if (blocks == 0) return 0;
  // Range of the numbers and offsets of the whole run (checked before writing).
  if (mode == OB_IC18 && <u64>first + <u64>(blocks - 1) > 0xffffffff) return fail(E_ENC_RANGE, ENC_FIELD_BLOCK_NUMBER);
  if (mode == OB_ZCL && <u64>firstOffset + <u64>(blocks - 1) * <u64>blockSize > 0xffffffff) return fail(E_ENC_RANGE, ENC_FIELD_FILE_OFFSET);
  let o: usize = 0;
  let s = inputBase + <usize>src;
  let left = total;
  const idLo: u64 = <u64>manufacturerCode | (<u64>imageType << 16) | (<u64>fileVersion << 32);
  for (let i: u32 = 0; i < blocks; i++) {
    const n = left < blockSize ? left : blockSize;
    let size: u32;
    if (mode == OB_ZCL) size = 17 + n;
    else size = 8 + (n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 4) + n;
    if (<u64>o + <u64>size > <u64>outCap) {
      if (i == 0) { obNeed = size; return fail(E_ENC_OUTPUT_FULL, 0); }
      return <i32>i;
    }
    let p = outBase + o;
    if (mode == OB_ZCL) {
      store<u8>(p, 0x19);
      store<u8>(p, <u8>(sequence + i), 1);
      store<u8>(p, 0x05, 2);
      store<u8>(p, 0x00, 3);
      store<u64>(p, idLo, 4); // mfr, type, version: little-endian in one store
      store<u32>(p, firstOffset + i * blockSize, 12);
      store<u8>(p, <u8>n, 16);
      p += 17;
    } else {
      store<u8>(p, 0x02);
      store<u8>(p, 0x02, 1);
      store<u8>(p, 0x06, 2);
      store<u32>(p + 3, bswap<u32>(first + i));
      store<u8>(p + 7, 0x09);
      p += 8;
      if (n < 0x80) store<u8>(p++, <u8>n);
      else if (n < 0x100) { store<u8>(p, 0x81); store<u8>(p + 1, <u8>n); p += 2; }
      else if (n < 0x10000) { store<u8>(p, 0x82); store<u8>(p + 1, <u8>(n >> 8)); store<u8>(p + 2, <u8>n); p += 3; }
      else { store<u8>(p, 0x83); store<u8>(p + 1, <u8>(n >> 16)); store<u8>(p + 2, <u8>(n >> 8)); store<u8>(p + 3, <u8>n); p += 4; }
    }
    memory.copy(p, s, <usize>n);
    s += <usize>n;
    left -= n;
    const t = tableBase + (<usize>i << 3);
    store<u32>(t, <u32>o);
    store<u32>(t, size, 4);
    o += <usize>size;
  }
  return <i32>blocks;
}

// ---- Image Block Responses answering many requests (one per descriptor) ----
//   SUCCESS:        19 seq 05 00 ‖ mfr(2) type(2) version(4) ‖ fileOffset(4) ‖ n ‖ data(n)
//   WAIT_FOR_DATA:  19 seq 05 97 ‖ currentTime(4) ‖ requestTime(4) ‖ minimumBlockPeriod(2)
//   other status:   19 seq 05 status
// (little-endian; the period is always written, as encodeZclOta does.)
import {
  ENC_WORDS, BR_STATUS, BR_SEQUENCE, BR_FILE_OFFSET, BR_DATA_LEN, BR_SRC, BR_CURRENT_TIME, BR_REQUEST_TIME,
  BR_PERIOD, BR_MANUFACTURER, BR_IMAGE_TYPE, BR_FILE_VERSION, ENC_FIELD_STATUS, ENC_FIELD_PERIOD,
} from '../src/wasm/layout';
import { encDescBase } from './memory';

export let brErrIndex: i32 = 0;

@inline function dw(desc: usize, word: i32): u32 {
  return load<u32>(desc + (<usize>word << 2));
}

function failAt(code: i32, index: i32, field: i32): i32 {
  brErrIndex = index;
  obErrField = field;
  return -code;
}

/** Encodes descriptors [first, first+count); same contract as encodeFrames. */
export function encodeBlockResponses(first: i32, count: i32): i32 {
  let o: usize = 0;
  for (let i = 0; i < count; i++) {
    const idx = first + i;
    const desc = encDescBase + (<usize>idx * ENC_WORDS << 2);
    const status = dw(desc, BR_STATUS);
    const seq = dw(desc, BR_SEQUENCE);
    if (status > 0xff) return failAt(E_ENC_RANGE, idx, ENC_FIELD_STATUS);
    if (seq > 0xff) return failAt(E_ENC_RANGE, idx, ENC_FIELD_SEQUENCE);
    let size: u32 = 4;
    let n: u32 = 0;
    if (status == 0) {
      n = dw(desc, BR_DATA_LEN);
      if (n > 255) return failAt(E_ENC_RANGE, idx, ENC_FIELD_DATA_SIZE);
      if (dw(desc, BR_MANUFACTURER) > 0xffff || dw(desc, BR_IMAGE_TYPE) > 0xffff) return failAt(E_ENC_RANGE, idx, ENC_FIELD_IMAGE_ID);
      if (<u64>dw(desc, BR_SRC) + <u64>n > <u64>inputCap) return failAt(E_ENC_SOURCE, idx, ENC_FIELD_SOURCE);
      size = 17 + n;
    } else if (status == 0x97) {
      if (dw(desc, BR_PERIOD) > 0xffff) return failAt(E_ENC_RANGE, idx, ENC_FIELD_PERIOD);
      size = 14;
    }
    if (<u64>o + <u64>size > <u64>outCap) {
      if (i == 0) { obNeed = size; return failAt(E_ENC_OUTPUT_FULL, idx, 0); }
      return i;
    }
    const p = outBase + o;
    store<u8>(p, 0x19);
    store<u8>(p, <u8>seq, 1);
    store<u8>(p, 0x05, 2);
    store<u8>(p, <u8>status, 3);
    if (status == 0) {
      store<u16>(p, <u16>dw(desc, BR_MANUFACTURER), 4);
      store<u16>(p, <u16>dw(desc, BR_IMAGE_TYPE), 6);
      store<u32>(p, dw(desc, BR_FILE_VERSION), 8);
      store<u32>(p, dw(desc, BR_FILE_OFFSET), 12);
      store<u8>(p, <u8>n, 16);
      memory.copy(p + 17, inputBase + <usize>dw(desc, BR_SRC), <usize>n);
    } else if (status == 0x97) {
      store<u32>(p, dw(desc, BR_CURRENT_TIME), 4);
      store<u32>(p, dw(desc, BR_REQUEST_TIME), 8);
      store<u16>(p, <u16>dw(desc, BR_PERIOD), 12);
    }
    const t = tableBase + (<usize>i << 3);
    store<u32>(t, <u32>o);
    store<u32>(t, size, 4);
    o += <usize>size;
  }
  return count;
}
