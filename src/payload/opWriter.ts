// Payload encoder glue (issue 17 item 1): the DLMS and GBZ/ZCL encoders describe a
// payload as a program of ops (staged in a JS buffer, copied into the WASM input region
// in one `set` per batch); the core
// (assembly/payloadEncode.ts) executes many programs per call: it checks every integer's
// range (the caller's number travels as an f64, never wrapped), computes every length
// slot (compact-array contents, GBZ component length) and A-XDR length, and writes the
// payloads into the output region with bounds-checked writes.
//
//   op (16 bytes): w0 = op | field << 8 | width << 16 | reqWidth << 24, w1 = byte count
//   (PO_RAW, bytes inline, padded to 16), bytes 8..15 = f64 value (integer/length ops)
//
// Field ids name the field in a GbcsEncodeError (FIELD_NAMES; DLMS Data types are
// F_DLMS_DATA + tag; names only known at run time (ZCL cluster fields) use F_DYNAMIC with
// the name kept beside the op). One payload costs its typed-array stores, one copy of the
// program and one core call per batch.
import { GbcsEncodeError } from '../errors.js';
import { wasmCore, type WasmCore } from '../wasm/core.js';
import * as L from '../wasm/layout.js';

// ---- field ids (u8) ----
export const F_NONE = 0;
export const F_INVOKE_ID = 1;
export const F_APDU_TAG = 2;
export const F_SPEC_CHOICE = 3;
export const F_CLASS_ID = 4;
export const F_ATTRIBUTE = 5;
export const F_METHOD = 6;
export const F_SELECTOR = 7;
export const F_RESULT = 8;
export const F_SPEC_COUNT = 9;
export const F_DATA_COUNT = 10;
export const F_RESULT_COUNT = 11;
export const F_DATETIME = 12;
export const F_PRESENCE = 13;
export const F_ELEMENT_COUNT = 14;
export const F_BIT_COUNT = 15;
export const F_OCTET_LENGTH = 16;
export const F_STRING_LENGTH = 17;
export const F_COMPACT_ARRAY = 18;
export const F_TYPE_DESCRIPTION = 19;
export const F_ARRAY_COUNT = 20;
export const F_GBZ_PROFILE = 21;
export const F_GBZ_COMPONENT_COUNT = 22;
export const F_GBZ_ALERT_CODE = 23;
export const F_GBZ_ALERT_TIME = 24;
export const F_GBZ_MESSAGE_CODE = 25;
export const F_GBZ_ORIGINATOR_COUNTER = 26;
export const F_GBZ_CLUSTER_ID = 27;
export const F_GBZ_CONTROL = 28;
export const F_GBZ_COMPONENT = 29;
export const F_GBZ_FROM_DATETIME = 30;
export const F_GBZ_ADDITIONAL_HEADER = 31;
export const F_GBZ_CIPHERTEXT_LENGTH = 32;
export const F_ZCL_FRAME_CONTROL = 33;
export const F_ZCL_SEQUENCE = 34;
export const F_ZCL_COMMAND_ID = 35;
export const F_ZCL_ATTRIBUTE_ID = 36;
export const F_ZCL_STATUS = 37;
export const F_ZCL_DATA_TYPE = 38;
export const F_ZCL_STRING_LENGTH = 39;
export const F_GBZ_ALERT_CONTENT = 40;
export const F_BOOLEAN = 41;
/** ZigBee OTA command fields (src/ota/zclOta.ts): F_OTA + index in OTA_FIELD_NAMES. */
export const F_OTA = 100;
export const OTA_FIELD_NAMES = [
  'frameControl', 'manufacturerSpecificCode', 'sequence', 'command', 'commandId', 'status', 'payloadType', 'queryJitter',
  'manufacturerCode', 'imageType', 'fileVersion', 'fieldControl', 'hardwareVersion', 'imageSize', 'fileOffset', 'maxDataSize',
  'minimumBlockPeriod', 'pageSize', 'responseSpacing', 'dataSize', 'currentTime', 'requestTime', 'upgradeTime', 'zigbeeStackVersion',
] as const;
/** DLMS Data values: F_DLMS_DATA + the type tag (0x00..0x1b). */
export const F_DLMS_DATA = 64;
/** The name is kept beside the op (run-time names: ZCL cluster-specific fields). */
export const F_DYNAMIC = 255;

const NAMES: Record<number, string> = {
  [F_NONE]: 'payload',
  [F_INVOKE_ID]: 'DLMS invokeId',
  [F_APDU_TAG]: 'DLMS APDU',
  [F_SPEC_CHOICE]: 'DLMS spec kind',
  [F_CLASS_ID]: 'DLMS spec classId',
  [F_ATTRIBUTE]: 'DLMS spec attribute',
  [F_METHOD]: 'DLMS spec method',
  [F_SELECTOR]: 'DLMS spec selector',
  [F_RESULT]: 'DLMS result',
  [F_SPEC_COUNT]: 'DLMS specification count',
  [F_DATA_COUNT]: 'DLMS data count',
  [F_RESULT_COUNT]: 'DLMS result count',
  [F_DATETIME]: 'DLMS dateTime',
  [F_PRESENCE]: 'DLMS specsPresent',
  [F_ELEMENT_COUNT]: 'DLMS element count',
  [F_BIT_COUNT]: 'DLMS bit-string bit count',
  [F_OCTET_LENGTH]: 'DLMS octet-string length',
  [F_STRING_LENGTH]: 'DLMS string length',
  [F_COMPACT_ARRAY]: 'DLMS compact-array contents length',
  [F_TYPE_DESCRIPTION]: 'DLMS compact-array type description',
  [F_ARRAY_COUNT]: 'DLMS compact-array type description count',
  [F_GBZ_PROFILE]: 'GBZ profileId',
  [F_GBZ_COMPONENT_COUNT]: 'GBZ componentCount',
  [F_GBZ_ALERT_CODE]: 'GBZ alertCode',
  [F_GBZ_ALERT_TIME]: 'GBZ alert time',
  [F_GBZ_MESSAGE_CODE]: 'GBZ alert messageCode',
  [F_GBZ_ORIGINATOR_COUNTER]: 'GBZ alert originatorCounter',
  [F_GBZ_CLUSTER_ID]: 'GBZ clusterId',
  [F_GBZ_CONTROL]: 'GBZ component control',
  [F_GBZ_COMPONENT]: 'GBZ component',
  [F_GBZ_FROM_DATETIME]: 'GBZ fromDateTime',
  [F_GBZ_ADDITIONAL_HEADER]: 'GBZ additionalHeader',
  [F_GBZ_CIPHERTEXT_LENGTH]: 'GBZ ciphertext length',
  [F_ZCL_FRAME_CONTROL]: 'ZCL frameControl',
  [F_ZCL_SEQUENCE]: 'ZCL sequenceNumber',
  [F_ZCL_COMMAND_ID]: 'ZCL commandId',
  [F_ZCL_ATTRIBUTE_ID]: 'ZCL attribute id',
  [F_ZCL_STATUS]: 'ZCL status',
  [F_ZCL_DATA_TYPE]: 'ZCL dataType',
  [F_ZCL_STRING_LENGTH]: 'ZCL string length',
  [F_GBZ_ALERT_CONTENT]: 'GBZ alert content',
  [F_BOOLEAN]: 'DLMS boolean',
};

const DLMS_TAG_NAMES: Record<number, string> = {
  0x00: 'null', 0x01: 'array', 0x02: 'structure', 0x03: 'boolean', 0x04: 'bit-string', 0x05: 'double-long',
  0x06: 'double-long-unsigned', 0x09: 'octet-string', 0x0a: 'visible-string', 0x0c: 'utf8-string', 0x0d: 'bcd',
  0x0f: 'integer', 0x10: 'long', 0x11: 'unsigned', 0x12: 'long-unsigned', 0x13: 'compact-array', 0x14: 'long64',
  0x15: 'long64-unsigned', 0x16: 'enum', 0x17: 'float32', 0x18: 'float64', 0x19: 'date-time', 0x1a: 'date', 0x1b: 'time',
};

/** Name of a field id (for messages). */
export function fieldName(id: number): string {
  if (id >= F_OTA && id < F_OTA + OTA_FIELD_NAMES.length) return OTA_FIELD_NAMES[id - F_OTA]!;
  if (id >= F_DLMS_DATA && id < F_DLMS_DATA + 0x20) return `DLMS ${DLMS_TAG_NAMES[id - F_DLMS_DATA] ?? 'Data'}`;
  return NAMES[id] ?? 'payload';
}

/** Program bytes staged per batch before a core call (bounds the staging buffer). */
const BATCH_BYTES = 4 << 20;

/**
 * Stages encoder programs in its own buffer; `run` copies them into the WASM input region
 * in one `set` just before the core call. Decision: staging in JS (not in place) because
 * reading a tree while staging may walk payloads in the core (DLMS elements are built on
 * first read, re-walking their payload into the input region), which would overwrite a
 * program staged there. Methods mirror a byte writer; every integer is range-checked by
 * the core against its op's width and signedness.
 */
export class PayloadWriter {
  buf = new ArrayBuffer(64 << 10);
  u8 = new Uint8Array(this.buf);
  u32 = new Uint32Array(this.buf);
  f64 = new Float64Array(this.buf);
  /** Bytes staged. */
  pos = 0;
  /** Run-time field names: (op position, name) pairs for F_DYNAMIC ops. */
  dynamic: (number | string)[] = [];
  busy = false;

  /** Empties the program. */
  reset(): void {
    this.pos = 0;
    this.dynamic.length = 0;
  }

  private grow(need: number): void {
    let cap = this.buf.byteLength * 2;
    while (cap < need) cap *= 2;
    const buf = new ArrayBuffer(cap);
    const u8 = new Uint8Array(buf);
    u8.set(this.u8.subarray(0, this.pos));
    this.buf = buf;
    this.u8 = u8;
    this.u32 = new Uint32Array(buf);
    this.f64 = new Float64Array(buf);
  }

  /** One integer/length op: `v` is the caller's number, range-checked by the core. */
  op(code: number, field: number, width: number, req: number, v: number): this {
    const p = this.pos;
    if (p + 16 > this.u8.length) this.grow(p + 16);
    this.u32[p >>> 2] = code | (field << 8) | (width << 16) | (req << 24);
    this.f64[(p + 8) >>> 3] = v;
    this.pos = p + 16;
    return this;
  }

  /** Unsigned big-endian integer of `width` bytes (1..6). */
  u(v: number, width: number, field: number): this {
    return this.op(L.PO_UBE, field, width, 0, v);
  }
  /** Signed (two's complement) big-endian integer of `width` bytes. */
  s(v: number, width: number, field: number): this {
    return this.op(L.PO_SBE, field, width, 0, v);
  }
  /** Unsigned little-endian integer (ZCL). */
  ule(v: number, width: number, field: number): this {
    return this.op(L.PO_ULE, field, width, 0, v);
  }
  /** Signed little-endian integer (ZCL). */
  sle(v: number, width: number, field: number): this {
    return this.op(L.PO_SLE, field, width, 0, v);
  }
  /** An A-XDR/BER length or count; `width` a recorded total width (undefined = minimal). */
  ber(v: number, field: number, width?: number): this {
    return this.op(L.PO_BER, field, 0, width ?? 0, v);
  }
  /** Opens a length slot (kind LK_*) closed by close(): the core writes the length of what lies between. */
  open(kind: number, field: number, width?: number): this {
    return this.op(L.PO_OPEN, field, kind, width ?? 0, 0);
  }
  close(): this {
    return this.op(L.PO_CLOSE, 0, 0, 0, 0);
  }
  /** An unsigned 64-bit value (bigint or safe integer), range-checked here (f64 cannot carry it). */
  u64(v: bigint | number, field: number, signed = false): this {
    let n: bigint;
    try {
      n = BigInt(v);
    } catch {
      throw new GbcsEncodeError(fieldName(field), `${String(v)} is not an integer`);
    }
    if (signed ? n < -(1n << 63n) || n >= 1n << 63n : n < 0n || n >= 1n << 64n) {
      throw new GbcsEncodeError(fieldName(field), `value ${n} outside the ${signed ? 'signed' : 'unsigned'} 64-bit range`);
    }
    const x = BigInt.asUintN(64, n);
    return this.u(Number(x >> 32n), 4, field).u(Number(x & 0xffffffffn), 4, field);
  }
  /** Raw bytes copied as they are. */
  bytes(b: Uint8Array): this {
    const n = b.length;
    const p = this.pos;
    const np = p + 16 + ((n + 15) & ~15);
    if (np > this.u8.length) this.grow(np);
    this.u32[p >>> 2] = L.PO_RAW;
    this.u32[(p >>> 2) + 1] = n;
    const u8 = this.u8;
    if (n <= 16) for (let i = 0; i < n; i++) u8[p + 16 + i] = b[i]!;
    else u8.set(b, p + 16);
    this.pos = np;
    return this;
  }
  /** Marks the next op's field with a run-time name (F_DYNAMIC). */
  named(name: string): number {
    this.dynamic.push(this.pos, name);
    return F_DYNAMIC;
  }
  /** Ends one payload. */
  end(): this {
    return this.op(L.PO_END, 0, 0, 0, 0);
  }
}

const pool: PayloadWriter[] = [];

/** A writer not in use (encoders can nest: a value's getter may encode). */
function acquire(): PayloadWriter {
  const w = pool.pop() ?? new PayloadWriter();
  w.busy = true;
  w.reset();
  return w;
}
function release(w: PayloadWriter): void {
  w.busy = false;
  if (w.u8.length > BATCH_BYTES * 2) return; // let an oversized buffer go
  pool.push(w);
}

function error(core: WasmCore, w: PayloadWriter, start: number, status: number): Error {
  if (status === L.E_TRAP) return new GbcsEncodeError('internal', `WASM core trapped while encoding a payload: ${core.lastTrap}`);
  const op = (core.exports.payloadEncErrorOp() >>> 0) - start;
  const id = core.exports.payloadEncErrorField();
  let name = fieldName(id);
  if (id === F_DYNAMIC) for (let k = 0; k < w.dynamic.length; k += 2) if (w.dynamic[k] === op) name = w.dynamic[k + 1] as string;
  const v = status === L.E_ENC_RANGE || status === L.E_ENC_LENGTH ? w.f64[(op + 8) >>> 3] : undefined;
  switch (status) {
    case L.E_ENC_RANGE: {
      const width = (w.u32[op >>> 2]! >>> 16) & 0xff;
      const code = w.u32[op >>> 2]! & 0xff;
      const signed = code === L.PO_SBE || code === L.PO_SLE;
      const hi = signed ? 2 ** (8 * width - 1) - 1 : 2 ** (8 * width) - 1;
      const lo = signed ? -(2 ** (8 * width - 1)) : 0;
      return new GbcsEncodeError(name, `value ${v} outside ${lo}..${hi} (${signed ? 'signed' : 'unsigned'} ${width * 8}-bit integer)`);
    }
    case L.E_ENC_LENGTH:
      return new GbcsEncodeError(name, (w.u32[op >>> 2]! & 0xff) === L.PO_CLOSE
        ? 'longer than its length field allows'
        : `length or count ${v} is not an integer in 0..4294967295`);
    default:
      return new GbcsEncodeError(name, `payload encoder program rejected (status ${status}); this is a bug`);
  }
}

/**
 * Copies the staged program into the input region and runs it; `emit(k, offset, length)`
 * receives payload k's place in the output region (valid until the next core call).
 */
function run(w: PayloadWriter, count: number, emit: (core: WasmCore, first: number, r: number) => void): void {
  const core = wasmCore();
  const len = w.pos;
  // The output never exceeds the program (each op writes at most its 16 bytes, inline
  // bytes one for one), so an output region as large as the program always fits.
  if (core.reserve(len + 16) !== 0 || core.reserveOutput(len) !== 0) throw new GbcsEncodeError('payload', `a ${len}-byte encoder program exceeds the WASM region limit`);
  if (core.u8.length === 0) core.refresh();
  const start = (16 - (core.inputPtr & 15)) & 15;
  core.u8.set(w.u8.subarray(0, len), core.inputPtr + start);
  let done = 0;
  let from = start;
  while (done < count) {
    const r = core.runCount(() => core.exports.encodePayloads(from, start + len, count - done));
    if (r < 0) throw error(core, w, start, -r);
    emit(core, done, r);
    done += r;
    from = core.exports.payloadEncNext() >>> 0;
  }
}

/**
 * Encodes `count` payloads: `stage(w, i)` writes payload i's ops (without end()). Batches
 * of up to maxBatch payloads (and about 4 MiB of program) go to the core in one call each.
 * With `shared`, the results are views over one buffer per batch; otherwise each result
 * owns its bytes.
 */
export function encodePrograms(count: number, stage: (w: PayloadWriter, i: number) => void, shared = count > 1): Uint8Array[] {
  const maxBatch = wasmCore().maxBatch;
  const out: Uint8Array[] = new Array(count);
  const w = acquire();
  try {
    let i = 0;
    while (i < count) {
      w.reset();
      let j = i;
      while (j < count && j - i < maxBatch && w.pos < BATCH_BYTES) {
        stage(w, j);
        w.end();
        j++;
      }
      const base = i;
      run(w, j - i, (core, first, r) => {
        const t = core.tableWord;
        const u32 = core.u32;
        const outPtr = core.outputPtr;
        const end = u32[t + 2 * (r - 1)]! + u32[t + 2 * (r - 1) + 1]!;
        const chunk = core.u8.slice(outPtr, outPtr + end);
        for (let k = 0; k < r; k++) {
          const o = u32[t + 2 * k]!;
          out[base + first + k] = shared ? chunk.subarray(o, o + u32[t + 2 * k + 1]!) : chunk.slice(o, o + u32[t + 2 * k + 1]!);
        }
      });
      i = j;
    }
  } finally {
    release(w);
  }
  return out;
}

/** Encodes one payload staged by `stage` (its own bytes). */
export function encodeProgram(stage: (w: PayloadWriter) => void): Uint8Array {
  const w = acquire();
  try {
    stage(w);
    w.end();
    let out: Uint8Array | undefined;
    run(w, 1, (core) => {
      const t = core.tableWord;
      const o = core.outputPtr + core.u32[t]!;
      out = core.u8.slice(o, o + core.u32[t + 1]!);
    });
    return out!;
  } finally {
    release(w);
  }
}
