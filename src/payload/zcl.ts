// ZCL payloads inside GBZ components (GBCS.md 3.3; NAMES.md 1.2-1.6; little-endian).
//
//   ZCL header (in the GBZ component, always clear): frame control(1) seq(1) command id(1)
//   Global commands (frame type 0):
//     00 Read Attributes            { attribute id(2) }*
//     01 Read Attributes Response   { attribute id(2) status(1) [type(1) value] }*   (value iff status 00)
//     02/03/05 Write Attributes     { attribute id(2) type(1) value }*
//     04 Write Attributes Response  status(1) | { status(1) attribute id(2) }*
//     0B Default Response           answered command id(1) status(1)
//   Cluster-specific commands (frame type 1): the layouts of zclCommands.ts (data tables),
//   decoded field by field into named ZclField nodes and encoded back from them byte-exactly.
//   Commands GBCS does not use (and manufacturer-specific ones) stay `other` with their bytes.
//
// Tree nodes are fixed-shape class instances: every node has `offset` (in the frame: the
// `offsetBase` passed in plus the position in the payload; decrypted plaintexts are decoded
// with base 0, so their offsets are plaintext positions) and `length` (bytes). Names, text,
// hex and ISO times are getters computed on first read; `toJSON()` gives them as data.
//
// Bounds (issue 10): one Budget per decode; every collection counts its elements against it
// before allocating, counts are checked against the bytes left before allocating, and all
// zero-width elements of one collection share one node (they sit at the same offset with
// length 0), so at most ZCL_OBJECTS_PER_BYTE objects are built per payload byte.
//
// Decisions (UNCONFIRMED in the sources):
// - A Default Response names the command it answers by looking it up in the opposite
//   direction (NAMES.md 1.2); command id 0xFF is "not executed" (an earlier component
//   failed); the GCS20r exception (FC 0x08 answering S2C 0x05 of cluster 0x0708, Get Event
//   Configuration) is applied for that one cluster/command.
// - Character strings are read byte-for-byte (latin1): devices put raw identifiers in them.
// - A cluster-specific payload that does not fit its table layout (too short, or bytes left
//   over) is kept as `other` with its bytes and `layoutError` (code, offset, expectation)
//   instead of failing the whole payload: the layouts are the RTDS-verified GBCS ones, and
//   devices on other ZSE revisions may append fields. Budget errors still throw.
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';
import { toHex } from '../bytes.js';
import { Budget } from './limits.js';
import { ZCL_ATTRIBUTES, ZCL_CLUSTERS, ZCL_STATUS, secondsSince2000, zclCommandName } from './names.js';
import { FIELD_BYTES, FIELD_I32, FIELD_STR, FIELD_UINT, ZCL_FIELD_WIDTH, zclCommandSpec, type ZclCommandSpec, type ZclFieldSpec, type ZclFieldType, type ZclLayoutItem, type ZclRepeatSpec } from './zclCommands.js';
import { encodeProgram, F_ZCL_ATTRIBUTE_ID, F_ZCL_COMMAND_ID, F_ZCL_DATA_TYPE, F_ZCL_STATUS, F_ZCL_STRING_LENGTH, type PayloadWriter } from './opWriter.js';
import { JSON_FRESH, JSON_WRITE, jsonFragment, type JsonWriter } from './json.js';

/** `,"k":` and `x` unless `x` is undefined (a member of a node written by JSON_WRITE). */
export function jm(w: JsonWriter, k: string, x: unknown): void {
  if (x === undefined) return;
  w.key(k);
  if (typeof x === 'number') w.num(x);
  else if (typeof x === 'string') w.str(x);
  else w.value(x);
}
/** `,"k":` and the name `x` (JsonWriter.name: a bounded vocabulary) unless `x` is undefined. */
export function jn(w: JsonWriter, k: string, x: string | undefined): void {
  if (x === undefined) return;
  w.key(k);
  w.name(x);
}
/** `,"offset":o,"length":l` (each unless undefined). */
export function jOffLen(w: JsonWriter, o: number | undefined, l: number | undefined): void {
  if (o !== undefined && l !== undefined) return w.offsetLengthOpen(o, l);
  jm(w, 'offset', o);
  jm(w, 'length', l);
}
/** Closes a node whose members were written from `at`: the first member's comma becomes `{`. */
export function jclose(w: JsonWriter, at: number): void {
  w.buf[at] = 123;
  w.byte(125);
}

// JSON_WRITE templates (issue 12): fixed parts of a node shape as bytes, written in one copy.
const J_COMMAND_ID = jsonFragment(',"commandId":');
const J_FIELDS = jsonFragment(',"fields":[');
const J_VALUE = jsonFragment(',"value":');
const J_NULL = jsonFragment('null');
const J_ENTRIES = jsonFragment(',"entries":[');
const J_ENTRIES_NULL = jsonFragment(',"entries":null');
const J_TEXT = jsonFragment(',"text":');
const J_ISO = jsonFragment(',"iso":');
const J_DATE = jsonFragment(',"date":');
const J_VALUE_NAME = jsonFragment(',"valueName":');
const J_ENTRY_HEAD = jsonFragment('{"fields":[');
/** ZCL header JSON up to `"sequenceNumber":`, per frame control byte. */
const ZCL_HEADER_HEAD: (Uint8Array | undefined)[] = new Array(256).fill(undefined);
function zclHeaderHead(fc: number): Uint8Array {
  const h = new ZclHeaderNode(0, fc, 0, 0, 0);
  return (ZCL_HEADER_HEAD[fc] = jsonFragment(`{"frameControl":${fc},"frameType":"${h.frameType}","manufacturerSpecific":${h.manufacturerSpecific},` +
    `"direction":"${h.direction}","disableDefaultResponse":${h.disableDefaultResponse},"sequenceNumber":`));
}
/** `{"command":"cluster-specific","name":..,"key":..,"clusterKey":..,"fields":[` per command spec. */
const COMMAND_HEAD = new WeakMap<ZclCommandSpec, Uint8Array>();
/** Writes fields (ZclField[JSON_WRITE]) as the elements of an open array, then `]`. */
function writeFieldsJson(w: JsonWriter, fields: readonly ZclField[]): void {
  for (let k = 0; k < fields.length; k++) {
    if (k > 0) w.byte(44);
    fields[k]![JSON_WRITE](w);
  }
  w.byte(93);
}

/**
 * Upper bound of JS objects the ZCL decoder builds per payload byte (checked by
 * test/zcl-bounds.test.ts): every node covers at least one byte except zero-width values,
 * which share one node per collection; a collection or entry adds one array.
 */
export const ZCL_OBJECTS_PER_BYTE = 4;

/** Byte position of a tree node. */
export interface Positioned {
  /** Byte offset in the frame (decrypted parts: in their plaintext). */
  readonly offset: number;
  /** Length in bytes. */
  readonly length: number;
}

/** A decoded ZCL header. */
export interface ZclHeader {
  readonly frameControl: number;
  readonly frameType: 'global' | 'cluster-specific';
  readonly manufacturerSpecific: boolean;
  readonly direction: 'client-to-server' | 'server-to-client';
  readonly disableDefaultResponse: boolean;
  readonly sequenceNumber: number;
  readonly commandId: number;
  readonly commandName?: string | undefined;
  /** Offset of the frame-control byte (always set on decoded trees). */
  readonly offset?: number;
  readonly length?: number;
}

/** The 3-byte ZCL header of a GBZ component. */
export class ZclHeaderNode implements ZclHeader {
  readonly length = 3;
  constructor(
    readonly clusterId: number,
    readonly frameControl: number,
    readonly sequenceNumber: number,
    readonly commandId: number,
    readonly offset: number,
  ) {}
  get frameType(): 'global' | 'cluster-specific' {
    return (this.frameControl & 0x03) === 0 ? 'global' : 'cluster-specific';
  }
  get manufacturerSpecific(): boolean {
    return (this.frameControl & 0x04) !== 0;
  }
  get direction(): 'client-to-server' | 'server-to-client' {
    return (this.frameControl & 0x08) !== 0 ? 'server-to-client' : 'client-to-server';
  }
  get disableDefaultResponse(): boolean {
    return (this.frameControl & 0x10) !== 0;
  }
  get commandName(): string | undefined {
    return zclCommandName(this.clusterId, this.frameControl, this.commandId);
  }
  /** Writes the toJSON() members straight into a JsonWriter (json.ts JSON_WRITE). */
  [JSON_WRITE](w: JsonWriter): void {
    // Everything up to sequenceNumber depends on the frame control byte only: one template per byte.
    const fc = this.frameControl;
    if (fc >= 0 && fc <= 0xff && (fc | 0) === fc) w.frag(ZCL_HEADER_HEAD[fc] ?? zclHeaderHead(fc));
    else {
      w.raw('{"frameControl":');
      w.num(fc);
      w.key('frameType'); w.name(this.frameType);
      w.key('manufacturerSpecific'); w.raw(this.manufacturerSpecific ? 'true' : 'false');
      w.key('direction'); w.name(this.direction);
      w.key('disableDefaultResponse'); w.raw(this.disableDefaultResponse ? 'true' : 'false');
      w.key('sequenceNumber');
    }
    w.num(this.sequenceNumber);
    w.fragNum(J_COMMAND_ID, this.commandId);
    jn(w, 'commandName', this.commandName);
    jOffLen(w, this.offset, this.length);
    w.byte(125);
  }
  toJSON(): Record<string, unknown> {
    return {
      frameControl: this.frameControl, frameType: this.frameType, manufacturerSpecific: this.manufacturerSpecific, direction: this.direction,
      disableDefaultResponse: this.disableDefaultResponse, sequenceNumber: this.sequenceNumber, commandId: this.commandId,
      commandName: this.commandName, offset: this.offset, length: this.length,
    };
  }
}

/** A ZCL header (hand-built trees; decoded trees carry ZclHeaderNode with its offset). */
export function zclHeader(clusterId: number, frameControl: number, sequenceNumber: number, commandId: number, offset = 0): ZclHeader {
  return new ZclHeaderNode(clusterId, frameControl, sequenceNumber, commandId, offset);
}

/** A typed ZCL attribute value. `raw` holds its exact encoding (value bytes after the type). */
export interface ZclValue {
  readonly dataType: number;
  readonly dataTypeName: string;
  readonly value: number | bigint | boolean | string | Uint8Array | null | ZclValue[];
  /** ISO text of UTCTime values (seconds since 2000-01-01T00:00Z). */
  readonly iso?: string | undefined;
  readonly raw: Uint8Array;
  readonly offset?: number;
  readonly length?: number;
}

export interface ZclAttributeId { readonly id: number; readonly name?: string | undefined; readonly offset?: number | undefined; readonly length?: number | undefined }
/** One record of a ZCL Read Attributes Response. */
export interface ZclReadRecord extends ZclAttributeId {
  readonly status: number;
  readonly statusName: string;
  readonly value?: ZclValue | undefined;
}
export interface ZclWriteRecord extends ZclAttributeId { readonly value: ZclValue }
export interface ZclStatusRecord { readonly status: number; readonly statusName: string; readonly id?: number | undefined; readonly name?: string | undefined; readonly offset?: number | undefined; readonly length?: number | undefined }

/** One named field of a cluster-specific command (or a repeated group: `entries`). */
export interface ZclFieldValue {
  readonly name: string;
  readonly type: ZclFieldType | 'repeat';
  /** Integers (and bitmaps, enums, UTC seconds) as numbers; str/zdate/bytes as bytes; null for an invalid str and for repeats. */
  readonly value: number | Uint8Array | null;
  readonly entries: readonly ZclEntryValue[] | null;
  readonly offset?: number;
  readonly length?: number;
}
/** One entry of a repeated ZCL field group. */
export interface ZclEntryValue { readonly fields: readonly ZclFieldValue[]; readonly offset?: number; readonly length?: number }

type Pos = { readonly offset?: number; readonly length?: number };
/** A decoded ZCL command. */
export type ZclCommand = Pos & (
  | { readonly command: 'read-attributes'; readonly attributes: ZclAttributeId[] }
  | { readonly command: 'read-attributes-response'; readonly records: ZclReadRecord[] }
  | { readonly command: 'write-attributes' | 'write-attributes-undivided' | 'write-attributes-no-response'; readonly records: ZclWriteRecord[] }
  | { readonly command: 'write-attributes-response'; readonly records: ZclStatusRecord[] }
  | {
      readonly command: 'default-response';
      readonly commandId: number;
      readonly status: number;
      readonly statusName: string;
      /** Name of the command this Default Response answers (NAMES.md 1.2). */
      readonly answersCommand?: string;
    }
  /** A cluster-specific command GBCS uses, decoded into named fields (zclCommands.ts). */
  | {
      readonly command: 'cluster-specific';
      readonly name: string;
      /** Snake-case command and cluster names (zcl.<clusterKey>.<key>.<field>). */
      readonly key: string;
      readonly clusterKey: string;
      readonly fields: readonly ZclFieldValue[];
    }
  /** Other cluster-specific (and other global) commands: named, payload kept as bytes. */
  | { readonly command: 'other'; readonly name?: string; readonly payload: Uint8Array; readonly layoutError?: ZclLayoutError }
);

const TYPE_NAMES: Record<number, string> = {
  0x00: 'nodata', 0x10: 'bool', 0x30: 'enum8', 0x31: 'enum16', 0x38: 'semi', 0x39: 'single', 0x3a: 'double',
  0x41: 'octstr', 0x42: 'string', 0x43: 'octstr16', 0x44: 'string16', 0x48: 'array', 0x4c: 'struct', 0x50: 'set',
  0x51: 'bag', 0xe0: 'ToD', 0xe1: 'date', 0xe2: 'UTC', 0xe8: 'clusterId', 0xe9: 'attribId', 0xea: 'bacOID',
  0xf0: 'EUI64', 0xf1: 'key128', 0xff: 'unk',
};
for (let i = 1; i <= 8; i++) {
  TYPE_NAMES[0x07 + i] = `data${8 * i}`;
  TYPE_NAMES[0x17 + i] = `map${8 * i}`;
  TYPE_NAMES[0x1f + i] = `uint${8 * i}`;
  TYPE_NAMES[0x27 + i] = `int${8 * i}`;
}

/** Fixed size of a ZCL type, -1 for variable (strings, collections), -2 for unknown types. */
function zclSize(t: number): number {
  if (t === 0x00 || t === 0xff) return 0;
  if (t >= 0x08 && t <= 0x0f) return t - 0x07;
  if (t === 0x10 || t === 0x30) return 1;
  if (t >= 0x18 && t <= 0x1f) return t - 0x17;
  if (t >= 0x20 && t <= 0x27) return t - 0x1f;
  if (t >= 0x28 && t <= 0x2f) return t - 0x27;
  if (t === 0x31 || t === 0x38 || t === 0xe8 || t === 0xe9) return 2;
  if (t === 0x39 || t === 0xe0 || t === 0xe1 || t === 0xe2 || t === 0xea) return 4;
  if (t === 0x3a || t === 0xf0) return 8;
  if (t === 0xf1) return 16;
  if (t === 0x41 || t === 0x42 || t === 0x48 || t === 0x50 || t === 0x51) return -1;
  if (t === 0x43 || t === 0x44 || t === 0x4c) return -1;
  return -2;
}
/** Fewest bytes an element of type t takes (variable types: their length/count prefix). */
function minWidth(t: number): number {
  const s = zclSize(t);
  if (s >= 0) return s;
  if (t === 0x41 || t === 0x42) return 1;
  if (t === 0x43 || t === 0x44 || t === 0x4c) return 2;
  return 3; // array, set, bag: element type + count
}

/**
 * Reads one ZCL payload `b[start, end)`; `base` is the frame offset of `b[0]` (the GBZ
 * builder passes the whole content, so nothing is copied or viewed per component).
 */
export class ZclReader {
  p: number;
  end: number;
  start: number;
  constructor(public b: Uint8Array, public base: number, readonly budget: Budget, start = 0, end = b.length) {
    this.p = start;
    this.start = start;
    this.end = end;
  }
  need(n: number, what: string): void {
    if (this.p + n > this.end) throw new GbcsDecodeError('truncated', this.base + this.end, `${what} (${n} bytes at ZCL payload offset ${this.p - this.start})`);
  }
  u8(what: string): number { this.need(1, what); return this.b[this.p++]!; }
  u16(what: string): number { this.need(2, what); const v = this.b[this.p]! | (this.b[this.p + 1]! << 8); this.p += 2; return v; }
}

// Character strings are read byte-for-byte (ISO-8859-1: each byte one code point; not
// TextDecoder('latin1'), which is windows-1252 and remaps 0x80-0x9F), so text round-trips.
const latin1 = {
  decode(b: Uint8Array): string {
    let s = '';
    for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]);
    return s;
  },
};
const UNSET: unknown = Symbol('unset');

/** Little-endian unsigned integer of 1-6 bytes (exact in a double). */
function uintLE(b: Uint8Array, p: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + b[p + i]!;
  return v;
}

/** A decoded ZCL attribute value (Read Attributes Response, Write Attributes). */
export class ZclValueNode implements ZclValue {
  #b: Uint8Array;
  #p: number;
  #v: unknown;
  constructor(
    readonly dataType: number,
    b: Uint8Array,
    p: number,
    /** Offset of the value bytes (after the type byte) in the frame. */
    readonly offset: number,
    readonly length: number,
    items: ZclValueNode[] | null,
  ) {
    this.#b = b;
    this.#p = p;
    this.#v = items ?? UNSET;
  }
  get dataTypeName(): string {
    return TYPE_NAMES[this.dataType] ?? `0x${this.dataType.toString(16)}`;
  }
  /** The exact value bytes (after the type byte). */
  get raw(): Uint8Array {
    return this.#b.subarray(this.#p, this.#p + this.length);
  }
  get value(): ZclValue['value'] {
    if (this.#v === UNSET) this.#v = this.#compute();
    return this.#v as ZclValue['value'];
  }
  get iso(): string | undefined {
    return this.dataType === 0xe2 ? secondsSince2000(this.value as number) : undefined;
  }
  #compute(): ZclValue['value'] {
    const t = this.dataType;
    const b = this.#b;
    const p = this.#p;
    const size = zclSize(t);
    if (size === 0) return null;
    if (size < 0) {
      // strings: length prefix then bytes; 0xFF / 0xFFFF length = invalid (absent) string
      const long = t === 0x43 || t === 0x44;
      const hdr = long ? 2 : 1;
      const len = long ? b[p]! | (b[p + 1]! << 8) : b[p]!;
      if (len === (long ? 0xffff : 0xff)) return null;
      const bytes = b.subarray(p + hdr, p + hdr + len);
      return t === 0x42 || t === 0x44 ? latin1.decode(bytes) : bytes;
    }
    if (t === 0x10) return b[p] === 0xff ? null : b[p] !== 0;
    if (t === 0x39 || t === 0x3a) {
      const dv = new DataView(b.buffer, b.byteOffset + p, size);
      return t === 0x39 ? dv.getFloat32(0, true) : dv.getFloat64(0, true);
    }
    if (t === 0xf0 || t === 0xf1 || t === 0x38 || (t >= 0x08 && t <= 0x0f)) return b.subarray(p, p + size);
    const signed = t >= 0x28 && t <= 0x2f;
    if (size <= 6) {
      let v = uintLE(b, p, size);
      if (signed && (b[p + size - 1]! & 0x80) !== 0) v -= 2 ** (8 * size);
      return v;
    }
    let n = 0n;
    for (let i = size - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[p + i]!);
    if (signed && (b[p + size - 1]! & 0x80) !== 0) n -= 1n << BigInt(8 * size);
    return n;
  }
  /** Writes the toJSON() members straight into a JsonWriter (json.ts JSON_WRITE). */
  [JSON_WRITE](w: JsonWriter): void {
    const at = w.pos;
    w.key('dataType'); w.num(this.dataType);
    w.key('dataTypeName'); w.name(this.dataTypeName);
    jm(w, 'value', this.value);
    jm(w, 'iso', this.iso);
    w.key('raw'); w.hex(this.#b, this.#p, this.#p + this.length);
    jOffLen(w, this.offset, this.length);
    jclose(w, at);
  }
  toJSON(): Record<string, unknown> {
    return { dataType: this.dataType, dataTypeName: this.dataTypeName, value: this.value, iso: this.iso, raw: this.raw, offset: this.offset, length: this.length };
  }
}

/**
 * One ZCL attribute value (Cluster Library 2.6.2): checks, counts against the Budget and
 * advances r.p; with `build` it also returns the node (the scan passes false and builds
 * nothing, so both paths share every check, code and offset).
 */
function walkValue(r: ZclReader, type: number, depth: number, build: boolean): ZclValueNode | null {
  const budget = r.budget;
  budget.depth(depth, r.base + r.p);
  const start = r.p;
  const size = zclSize(type);
  if (size === -2) throw new GbcsDecodeError('zcl-data-type', r.base + r.p - 1, 'a ZCL data type (Cluster Library table 2-10)', `0x${type.toString(16)}`);
  let items: ZclValueNode[] | null = null;
  if (size >= 0) {
    r.need(size, `ZCL ${TYPE_NAMES[type] ?? type} value`);
    r.p += size;
  } else if (type === 0x41 || type === 0x42 || type === 0x43 || type === 0x44) {
    const long = type >= 0x43;
    const len = long ? r.u16('ZCL string length') : r.u8('ZCL string length');
    if (len !== (long ? 0xffff : 0xff)) {
      r.need(len, 'ZCL string');
      r.p += len;
    }
  } else {
    let et: number;
    let n: number;
    if (type === 0x4c) {
      et = -1;
      n = r.u16('ZCL structure count');
    } else {
      et = r.u8('ZCL array element type');
      n = r.u16('ZCL array count');
      if (zclSize(et) === -2) throw new GbcsDecodeError('zcl-data-type', r.base + r.p - 3, 'a ZCL data type (Cluster Library table 2-10)', `0x${et.toString(16)}`);
    }
    if (n === 0xffff) n = 0; // invalid collection: no elements follow
    // Count, then check the bytes can hold them, before allocating anything.
    const at = r.base + r.p;
    budget.take(n, at);
    const least = type === 0x4c ? 1 : minWidth(et);
    if (n * least > r.end - r.p) throw new GbcsDecodeError('truncated', r.base + r.end, `${n} ZCL elements of at least ${least} bytes each`);
    if (et >= 0 && least === 0) {
      // Zero-width elements: one shared node (same offset, length 0) for all of them.
      if (build) {
        items = new Array<ZclValueNode>(n);
        const shared = n > 0 ? new ZclValueNode(et, r.b, r.p, r.base + r.p, 0, null) : undefined;
        for (let i = 0; i < n; i++) items[i] = shared!;
      }
    } else if (build) {
      items = new Array<ZclValueNode>(n);
      for (let i = 0; i < n; i++) items[i] = walkValue(r, et >= 0 ? et : r.u8('ZCL element type'), depth + 1, true)!;
    } else {
      for (let i = 0; i < n; i++) walkValue(r, et >= 0 ? et : r.u8('ZCL element type'), depth + 1, false);
    }
  }
  return build ? new ZclValueNode(type, r.b, start, r.base + start, r.p - start, items) : null;
}

const readValue = (r: ZclReader, type: number, depth: number): ZclValueNode => walkValue(r, type, depth, true)!;

const statusName = (s: number) => ZCL_STATUS[s] ?? `0x${s.toString(16).padStart(2, '0')}`;

/** Attribute id (Read Attributes), status record (Write Attributes Response) and read/write records. */
export class ZclAttributeRecord implements ZclReadRecord {
  constructor(
    readonly clusterId: number,
    readonly id: number,
    /** Status byte; -1 where the record has none (Read Attributes, Write Attributes). */
    readonly status: number,
    /** The value (Read Attributes Response with SUCCESS, Write Attributes); undefined otherwise. */
    readonly value: ZclValueNode | undefined,
    readonly offset: number,
    readonly length: number,
  ) {}
  get name(): string | undefined {
    return ZCL_ATTRIBUTES[this.clusterId]?.[this.id];
  }
  get statusName(): string {
    return this.status < 0 ? '' : statusName(this.status);
  }
  /** Writes the toJSON() members straight into a JsonWriter (json.ts JSON_WRITE). */
  [JSON_WRITE](w: JsonWriter): void {
    const at = w.pos;
    w.key('id'); w.num(this.id);
    jn(w, 'name', this.name);
    if (this.status >= 0) {
      w.key('status'); w.num(this.status);
      w.key('statusName'); w.name(this.statusName);
    }
    jm(w, 'value', this.value);
    jOffLen(w, this.offset, this.length);
    jclose(w, at);
  }
  toJSON(): Record<string, unknown> {
    return {
      id: this.id, name: this.name, status: this.status < 0 ? undefined : this.status, statusName: this.status < 0 ? undefined : this.statusName,
      value: this.value, offset: this.offset, length: this.length,
    };
  }
}
/** A Write Attributes Response status record (its attribute id is absent in the all-success form). */
export class ZclStatusNode implements ZclStatusRecord {
  constructor(readonly clusterId: number, readonly status: number, readonly id: number | undefined, readonly offset: number, readonly length: number) {}
  get name(): string | undefined {
    return this.id === undefined ? undefined : ZCL_ATTRIBUTES[this.clusterId]?.[this.id];
  }
  get statusName(): string {
    return statusName(this.status);
  }
  /** Writes the toJSON() members straight into a JsonWriter (json.ts JSON_WRITE). */
  [JSON_WRITE](w: JsonWriter): void {
    const at = w.pos;
    w.key('status'); w.num(this.status);
    w.key('statusName'); w.name(this.statusName);
    jm(w, 'id', this.id);
    jn(w, 'name', this.name);
    jOffLen(w, this.offset, this.length);
    jclose(w, at);
  }
  toJSON(): Record<string, unknown> {
    return { status: this.status, statusName: this.statusName, id: this.id, name: this.name, offset: this.offset, length: this.length };
  }
}

// ---- cluster-specific commands: fields from the tables ----

const NO_ENTRIES = null;

/** `{"name":"<name>","type":"<type>","value":` of a layout item, kept on it (`jsonHead`). */
function fieldHead(spec: ZclFieldSpec | ZclRepeatSpec, type: string): Uint8Array {
  const t = jsonFragment(`{"name":${JSON.stringify(spec.name)},"type":${JSON.stringify(type)},"value":`);
  (spec as { jsonHead?: Uint8Array }).jsonHead = t;
  return t;
}

/** One named field of a cluster-specific command; `type: 'repeat'` nodes hold `entries`. */
export class ZclField implements ZclFieldValue {
  #spec: ZclFieldSpec | ZclRepeatSpec | null;
  #b: Uint8Array;
  #p: number;
  #n: number;
  /** The one string reading of this field (text, iso or date: one per type), made on first read. */
  #s: string | undefined;
  constructor(
    readonly name: string,
    readonly type: ZclFieldType | 'repeat',
    spec: ZclFieldSpec | ZclRepeatSpec | null,
    b: Uint8Array,
    p: number,
    n: number,
    readonly offset: number,
    readonly length: number,
    readonly entries: ZclEntry[] | null,
  ) {
    this.#spec = spec;
    this.#b = b;
    this.#p = p;
    this.#n = n;
    this.#s = undefined;
  }
  /** The human name (NAMES.md), e.g. 'Credit Adjustment Value'. */
  get label(): string {
    return this.#spec?.label ?? this.name;
  }
  /** Numbers for integers, bitmaps, enums and UTC seconds; bytes for str (null if invalid), zdate and bytes; null for repeats. */
  get value(): number | Uint8Array | null {
    const t = this.type;
    if (t === 'repeat') return null;
    if (t === 'str') return this.#n < 0 ? null : this.#b.subarray(this.#p + 1, this.#p + this.length);
    if (t === 'zdate' || t === 'bytes') return this.#b.subarray(this.#p, this.#p + this.length);
    return this.#n;
  }
  /** Text of str fields (latin1, byte for byte). */
  get text(): string | undefined {
    if (this.type !== 'str' || this.#n < 0) return undefined;
    return (this.#s ??= latin1.decode(this.#b.subarray(this.#p + 1, this.#p + this.length)));
  }
  /** Hex of the bytes (str: the string bytes; others: the field's wire bytes). */
  get hex(): string {
    const v = this.value;
    return toHex(v instanceof Uint8Array ? v : this.#b.subarray(this.#p, this.#p + this.length));
  }
  /** ISO time of UTC fields (seconds since 2000-01-01T00:00Z). */
  get iso(): string | undefined {
    return this.type === 'utc' ? (this.#s ??= secondsSince2000(this.#n)) : undefined;
  }
  /** ZCL date as YYYY-MM-DD with `*` for wildcard parts, plus the day of week when set (e.g. '*-12-25'). */
  get date(): string | undefined {
    if (this.type !== 'zdate') return undefined;
    const b = this.#b;
    const p = this.#p;
    const part = (v: number, w: number, add = 0) => (v === 0xff ? '*' : String(v + add).padStart(w, '0'));
    const dow = b[p + 3]!;
    return (this.#s ??= `${part(b[p]!, 4, 1900)}-${part(b[p + 1]!, 2)}-${part(b[p + 2]!, 2)}${dow === 0xff ? '' : ` (day ${dow})`}`);
  }
  /** Names of the value: the enumeration name, the set bits of a bitmap, or 'now' / 'cancel' for special UTC values. */
  get valueName(): string | undefined {
    const t = this.type;
    const names = this.#spec?.kind === 'field' ? this.#spec.values : undefined;
    if (t === 'utc') return this.#n === 0 ? 'now' : this.#n >= 0xfffffffe ? 'cancel' : undefined;
    const lookup = this.#spec?.kind === 'field' ? this.#spec.lookup : undefined;
    if (lookup) return lookup(this.#n);
    if (!names) return undefined;
    if (t === 'enum8') return names[this.#n];
    if (t === 'map8' || t === 'map16' || t === 'map32') {
      // The set bits only (a bitmap is an integer below 2^32): no power or division per bit.
      let out = '';
      for (let m = this.#n >>> 0, bit = 0; m !== 0; m >>>= 1, bit++) {
        const name = (m & 1) !== 0 ? names[bit] : undefined;
        if (name) out = out === '' ? name : `${out}, ${name}`;
      }
      return out;
    }
    return undefined;
  }
  /** Writes the toJSON() members straight into a JsonWriter (json.ts JSON_WRITE). */
  [JSON_WRITE](w: JsonWriter): void {
    const t = this.type;
    // `{"name":..,"type":..,"value":` depends on the layout item only: kept on it once.
    const spec = this.#spec;
    if (spec !== null && spec.name === this.name && t === (spec.kind === 'repeat' ? 'repeat' : spec.type)) {
      w.frag((spec as { jsonHead?: Uint8Array }).jsonHead ?? fieldHead(spec, t));
    } else {
      w.raw('{"name":');
      w.name(this.name);
      w.raw(',"type":');
      w.name(t);
      w.frag(J_VALUE);
    }
    if (t === 'repeat') {
      w.frag(J_NULL);
      const e = this.entries;
      if (e === null) w.frag(J_ENTRIES_NULL);
      else {
        w.frag(J_ENTRIES);
        for (let k = 0; k < e.length; k++) {
          if (k > 0) w.byte(44);
          e[k]![JSON_WRITE](w);
        }
        w.byte(93);
      }
    } else if (t === 'str' || t === 'zdate' || t === 'bytes') {
      const v = this.value;
      if (v === null) w.frag(J_NULL);
      else w.hex(v as Uint8Array);
      if (t === 'str') {
        const x = this.text;
        if (x !== undefined) (w.frag(J_TEXT), w.str(x));
      } else if (t === 'zdate') {
        w.frag(J_DATE);
        w.str(this.date!);
      }
    } else {
      w.num(this.#n);
      if (t === 'utc') (w.frag(J_ISO), w.str(this.iso!));
    }
    const vn = this.valueName;
    if (vn !== undefined) (w.frag(J_VALUE_NAME), w.name(vn));
    w.offsetLength(this.offset, this.length);
  }
  /** JSON: name, type, value and the readings that apply (text, iso, date, valueName, entries), offset, length. */
  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = { name: this.name, type: this.type, value: this.value };
    const t = this.type;
    if (t === 'repeat') o.entries = this.entries;
    else if (t === 'str') o.text = this.text;
    else if (t === 'utc') o.iso = this.iso;
    else if (t === 'zdate') o.date = this.date;
    const vn = this.valueName;
    if (vn !== undefined) o.valueName = vn;
    o.offset = this.offset;
    o.length = this.length;
    return o;
  }
}

/** One entry of a repeated group. */
export class ZclEntry implements ZclEntryValue {
  constructor(readonly fields: ZclField[], readonly offset: number, readonly length: number) {}
  /** The field named `name` (undefined when absent). */
  field(name: string): ZclField | undefined {
    for (const f of this.fields) if (f.name === name) return f;
    return undefined;
  }
  /** Writes the toJSON() members straight into a JsonWriter (json.ts JSON_WRITE). */
  [JSON_WRITE](w: JsonWriter): void {
    w.frag(J_ENTRY_HEAD);
    writeFieldsJson(w, this.fields);
    w.offsetLength(this.offset, this.length);
  }
  /** Plain-data form for JSON.stringify. */
  toJSON(): Record<string, unknown> {
    return { fields: this.fields, offset: this.offset, length: this.length };
  }
}

/** A cluster-specific command GBCS uses, decoded into named fields. */
export class ZclClusterCommand {
  readonly command = 'cluster-specific' as const;
  #spec: ZclCommandSpec;
  #b: Uint8Array;
  #p: number;
  #base: number;
  #fields: ZclField[] | null;
  constructor(spec: ZclCommandSpec, b: Uint8Array, p: number, fields: ZclField[] | null, readonly offset: number, readonly length: number, base = offset - p) {
    this.#spec = spec;
    this.#b = b;
    this.#p = p;
    this.#base = base;
    this.#fields = fields;
  }
  /**
   * The fields in wire order, read from the payload on first read (cached): the decode
   * checked that the payload fits the layout and took its nodes from the Budget.
   */
  get fields(): ZclField[] {
    if (this.#fields !== null) return this.#fields;
    const out: ZclField[] = [];
    readItems(new ZclReader(this.#b, this.#base, new Budget(), this.#p, this.#p + this.length), this.#spec.layout, out, 1);
    return (this.#fields = out);
  }
  get name(): string { return this.#spec.name; }
  get key(): string { return this.#spec.key; }
  get clusterKey(): string { return this.#spec.clusterKey; }
  get clusterId(): number { return this.#spec.clusterId; }
  /** The layout this command was read with (VERIFIED / UNCONFIRMED and its decision). */
  get spec(): ZclCommandSpec { return this.#spec; }
  /** The payload bytes (after the ZCL header). */
  get payload(): Uint8Array { return this.#b.subarray(this.#p, this.#p + this.length); }
  /** The top-level field named `name` (undefined when absent). */
  field(name: string): ZclField | undefined {
    for (const f of this.fields) if (f.name === name) return f;
    return undefined;
  }
  /** Writes the toJSON() members straight into a JsonWriter (json.ts JSON_WRITE). */
  [JSON_WRITE](w: JsonWriter): void {
    const spec = this.#spec;
    let head = COMMAND_HEAD.get(spec);
    if (head === undefined) {
      const at = w.pos;
      w.raw('{"command":"cluster-specific","name":');
      w.name(spec.name);
      w.raw(',"key":');
      w.name(spec.key);
      w.raw(',"clusterKey":');
      w.name(spec.clusterKey);
      w.frag(J_FIELDS);
      COMMAND_HEAD.set(spec, (head = w.buf.slice(at, w.pos)));
    } else {
      w.frag(head);
    }
    writeFieldsJson(w, this.fields);
    w.offsetLength(this.offset, this.length);
  }
  /** Plain-data form for JSON.stringify. */
  toJSON(): Record<string, unknown> {
    return { command: this.command, name: this.name, key: this.key, clusterKey: this.clusterKey, fields: this.fields, offset: this.offset, length: this.length };
  }
}

function fieldValueAt(fields: ZclField[], name: string, at: number, base: number): number {
  for (let i = fields.length - 1; i >= 0; i--) {
    const f = fields[i]!;
    if (f.name === name) return f.type === 'repeat' || f.type === 'str' ? -1 : (f.value as number);
  }
  throw new GbcsDecodeError('zcl-layout', base + at, `field ${name} before its use (zclCommands.ts)`);
}

/**
 * One layout field at r.p: checks its bytes are there, sets r.p past it and returns its value as
 * a number (uint/i32 value, str length or -1 for the 0xff "absent" length, 0 for bytes/zdate).
 * The one field reader of the build (readField) and the validating scan (scanField).
 */
function stepField(r: ZclReader, s: ZclFieldSpec): number {
  const p = r.p;
  const b = r.b;
  let n = 0;
  let len = s.width;
  switch (s.code) {
    case FIELD_UINT:
      r.need(len, s.label);
      n = len === 1 ? b[p]! : len === 2 ? b[p]! | (b[p + 1]! << 8) : len === 4 ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0 : uintLE(b, p, len);
      break;
    case FIELD_I32:
      r.need(4, s.label);
      n = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
      break;
    case FIELD_STR: {
      if (p >= r.end) r.need(1, `${s.label} length`);
      const l = b[r.p++]!;
      if (l === 0xff) {
        n = -1;
        break;
      }
      r.need(l, s.label);
      len = l + 1;
      n = l;
      break;
    }
    case FIELD_BYTES:
      len = r.end - p;
      break;
    default: // zdate
      r.need(len, s.label);
  }
  r.p = p + len;
  return n;
}

function readField(r: ZclReader, s: ZclFieldSpec): ZclField {
  const p = r.p;
  const n = stepField(r, s);
  return new ZclField(s.name, s.type, s, r.b, p, n, r.base + p, r.p - p, NO_ENTRIES);
}

function readItems(r: ZclReader, items: readonly ZclLayoutItem[], out: ZclField[], depth: number): void {
  r.budget.take(items.length, r.base + r.p);
  for (const it of items) {
    switch (it.kind) {
      case 'field':
        out.push(readField(r, it));
        break;
      case 'repeat': {
        const start = r.p;
        r.budget.depth(depth + 1, r.base + r.p);
        let entries: ZclEntry[];
        if (it.count.from === 'to-end') {
          entries = [];
          while (r.p < r.end) entries.push(readEntry(r, it, depth + 1));
        } else {
          let n = fieldValueAt(out, it.count.field, r.p, r.base);
          if (it.count.from === 'low-nibble') n &= 0x0f;
          if (n * it.minEntry > r.end - r.p) throw new GbcsDecodeError('truncated', r.base + r.end, `${n} ${it.label} entries of ${it.minEntry} bytes`);
          r.budget.take(n, r.base + r.p);
          entries = new Array<ZclEntry>(n);
          for (let i = 0; i < n; i++) entries[i] = readEntry(r, it, depth + 1);
        }
        out.push(new ZclField(it.name, 'repeat', it, r.b, start, entries.length, r.base + start, r.p - start, entries));
        break;
      }
      case 'switch': {
        const v = fieldValueAt(out, it.on, r.p, r.base);
        const chosen = it.cases[v];
        if (chosen) readItems(r, chosen, out, depth);
        else {
          r.budget.take(1, r.base + r.p);
          out.push(readField(r, it.rest));
        }
        break;
      }
      case 'optional':
        if (r.p < r.end) readItems(r, it.fields, out, depth);
        break;
    }
  }
}

function readEntry(r: ZclReader, it: ZclRepeatSpec, depth: number): ZclEntry {
  const start = r.p;
  r.budget.take(1, r.base + r.p);
  const fields: ZclField[] = [];
  readItems(r, it.fields, fields, depth);
  return new ZclEntry(fields, r.base + start, r.p - start);
}

// ---- validating scan (issue 12 item 2): the same checks, counts and errors, nothing built ----
//
// Decision: a full GBZ decode checks every clear ZCL payload at decode time with scanZclIn
// (the Budget errors of issue 10, truncations, unknown data types, trailing bytes, with the
// same codes and offsets as decodeZclIn, which it mirrors step by step) but builds nothing;
// the command itself is built on first read of `component.command` (decodeZclIn again, which
// then cannot fail: the scan took the whole payload's nodes against one Budget).

// Field values read so far by a scan, for counts and switches (scope: one entry).
const SCAN_NAMES: string[] = [];
const SCAN_VALS: number[] = [];
let scanTop = 0;

function scanValueAt(lo: number, name: string, at: number, base: number): number {
  for (let i = scanTop - 1; i >= lo; i--) if (SCAN_NAMES[i] === name) return SCAN_VALS[i]!;
  throw new GbcsDecodeError('zcl-layout', base + at, `field ${name} before its use (zclCommands.ts)`);
}
function scanPush(name: string, v: number): void {
  SCAN_NAMES[scanTop] = name;
  SCAN_VALS[scanTop++] = v;
}

/** readValue without building: advances r.p, counts and checks the same way. */
const scanValue = (r: ZclReader, type: number, depth: number): void => {
  walkValue(r, type, depth, false);
};

function scanField(r: ZclReader, s: ZclFieldSpec): void {
  const n = stepField(r, s);
  // As a count or switch value: fieldValueAt reads str fields as -1; bytes and zdate are never read
  // as one (no layout does), so NaN.
  scanPush(s.name, s.code === FIELD_UINT || s.code === FIELD_I32 ? n : s.code === FIELD_STR ? -1 : NaN);
}

function scanItems(r: ZclReader, items: readonly ZclLayoutItem[], lo: number, depth: number): void {
  r.budget.take(items.length, r.base + r.p);
  scanItemsFrom(r, items, 0, lo, depth);
}

function scanItemsFrom(r: ZclReader, items: readonly ZclLayoutItem[], from: number, lo: number, depth: number): void {
  for (let k = from; k < items.length; k++) {
    const it = items[k]!;
    switch (it.kind) {
      case 'field':
        scanField(r, it);
        break;
      case 'repeat': {
        r.budget.depth(depth + 1, r.base + r.p);
        if (it.count.from === 'to-end') {
          const left = r.end - r.p;
          const m = it.fixed > 0 ? Math.floor(left / it.fixed) : -1;
          const total = m * (1 + it.fields.length);
          // Fixed-width entries filling the rest exactly: their takes at once when they fit the Budget.
          if (m >= 0 && m * it.fixed === left && r.budget.nodes + total <= r.budget.maxNodes) {
            r.budget.nodes += total;
            r.p = r.end;
          } else while (r.p < r.end) scanEntry(r, it, depth + 1);
        } else {
          let n = scanValueAt(lo, it.count.field, r.p, r.base);
          if (it.count.from === 'low-nibble') n &= 0x0f;
          if (n * it.minEntry > r.end - r.p) throw new GbcsDecodeError('truncated', r.base + r.end, `${n} ${it.label} entries of ${it.minEntry} bytes`);
          const budget = r.budget;
          budget.take(n, r.base + r.p);
          if (!(n >= 0 && n <= 0xffffffff)) throw new RangeError('Invalid array length');
          // Fixed-width entries (all fit: checked above): their takes at once when they fit the Budget.
          const total = n * (1 + it.fields.length);
          if (it.fixed > 0 && budget.nodes + total <= budget.maxNodes) {
            budget.nodes += total;
            r.p += n * it.fixed;
          } else for (let i = 0; i < n; i++) scanEntry(r, it, depth + 1);
        }
        scanPush(it.name, -1);
        break;
      }
      case 'switch': {
        const v = scanValueAt(lo, it.on, r.p, r.base);
        const chosen = it.cases[v];
        if (chosen) scanItems(r, chosen, lo, depth);
        else {
          r.budget.take(1, r.base + r.p);
          scanField(r, it.rest);
        }
        break;
      }
      case 'optional':
        if (r.p < r.end) scanItems(r, it.fields, lo, depth);
        break;
    }
  }
}

function scanEntry(r: ZclReader, it: ZclRepeatSpec, depth: number): void {
  r.budget.take(1, r.base + r.p);
  const lo = scanTop;
  scanItems(r, it.fields, lo, depth);
  scanTop = lo;
}

/** The cluster-specific part of scanZclIn: a payload that does not fit its layout is not an error. */
function scanCluster(r: ZclReader, spec: ZclCommandSpec, start: number, end: number, at0: number): boolean {
  scanTop = 0;
  try {
    if (!spec.lookups) {
      // No value is read back: the leading fixed-width fields at once (the take scanItems makes first).
      r.budget.take(spec.layout.length, at0);
      if (end - start < spec.prefixWidth) return true; // a misfit
      r.p = start + spec.prefixWidth;
      scanItemsFrom(r, spec.layout, spec.prefix, 0, 1);
    } else scanItems(r, spec.layout, 0, 1);
    return r.p !== end;
  } catch (e) {
    if (!(e instanceof GbcsDecodeError) || (e.code !== 'truncated' && e.code !== 'payload-trailing-bytes')) throw e;
    return true;
  } finally {
    scanTop = 0;
  }
}

/**
 * Checks the ZCL payload `r.b[start, end)` as decodeZclIn would decode it (same Budget
 * takes, same errors and offsets; a cluster-specific payload that does not fit its layout
 * is not an error, as there) without building anything.
 */
export function scanZclIn(r: ZclReader, start: number, end: number, clusterId: number, frameControl: number, commandId: number): void {
  r.p = start;
  r.start = start;
  r.end = end;
  const budget = r.budget;
  const len = end - start;
  const at0 = r.base + start;
  budget.take(1, at0);
  if ((frameControl & 0x04) !== 0) return;
  if ((frameControl & 0x03) !== 0) {
    const spec = zclCommandSpec(clusterId, frameControl, commandId);
    if (!spec) return;
    // All fixed-width fields: the one take readItems makes first; a misfit is not an error.
    if (spec.fixed >= 0) {
      budget.take(spec.layout.length, at0);
      return;
    }
    scanCluster(r, spec, start, end, at0);
    return;
  }
  let what: string;
  switch (commandId) {
    case 0x00:
      if (len & 1) r.need(len + 1, 'attribute id');
      budget.take(len >> 1, at0);
      r.p = end;
      what = 'read-attributes';
      break;
    case 0x01:
      while (r.p < end) {
        budget.take(2, r.base + r.p);
        r.u16('attribute id');
        const status = r.u8('attribute status');
        if (status === 0) scanValue(r, r.u8('attribute data type'), 1);
      }
      what = 'read-attributes-response';
      break;
    case 0x02: case 0x03: case 0x05:
      while (r.p < end) {
        budget.take(2, r.base + r.p);
        r.u16('attribute id');
        scanValue(r, r.u8('attribute data type'), 1);
      }
      what = WRITE_KINDS[commandId]!;
      break;
    case 0x04:
      if (len === 1) r.u8('status');
      else while (r.p < end) {
        budget.take(1, r.base + r.p);
        r.u8('status');
        r.u16('attribute id');
      }
      what = 'write-attributes-response';
      break;
    case 0x0b:
      if (len === 2) return; // command id and status: nothing else to check
      r.u8('command id');
      r.u8('status');
      what = 'default-response';
      break;
    default:
      return;
  }
  if (r.p !== end) throw new GbcsDecodeError('payload-trailing-bytes', r.base + r.p, `end of the ZCL ${what} payload`);
}

// ---- Default Response: the command it answers ----

/** Name of the command a Default Response (with this frame control) answers. */
export function answeredCommandName(clusterId: number, frameControl: number, commandId: number): string | undefined {
  if (commandId === 0xff) return 'not executed (an earlier component failed)';
  // GCS20r (NAMES.md 1.2): FC 0x08 answering the S2C Get Event Configuration of cluster 0x0708.
  if (clusterId === 0x0708 && commandId === 0x05 && (frameControl & 0x08) !== 0) return zclCommandName(clusterId, 0x09, commandId);
  // Otherwise the answered command travelled the opposite way, cluster-specific.
  return zclCommandName(clusterId, (frameControl & 0x08) !== 0 ? 0x01 : 0x09, commandId);
}

/** A Default Response (global 0x0B). */
export class ZclDefaultResponse {
  readonly command = 'default-response' as const;
  constructor(
    readonly clusterId: number,
    readonly frameControl: number,
    readonly commandId: number,
    readonly status: number,
    readonly offset: number,
    readonly length: number,
  ) {}
  get statusName(): string {
    return statusName(this.status);
  }
  get answersCommand(): string | undefined {
    return answeredCommandName(this.clusterId, this.frameControl, this.commandId);
  }
  /** Writes the toJSON() members straight into a JsonWriter (json.ts JSON_WRITE). */
  [JSON_WRITE](w: JsonWriter): void {
    const at = w.pos;
    w.key('command'); w.name(this.command);
    w.key('commandId'); w.num(this.commandId);
    jm(w, 'answersCommand', this.answersCommand);
    w.key('status'); w.num(this.status);
    w.key('statusName'); w.name(this.statusName);
    jOffLen(w, this.offset, this.length);
    jclose(w, at);
  }
  /** Plain-data form for JSON.stringify. */
  toJSON(): Record<string, unknown> {
    return { command: this.command, commandId: this.commandId, answersCommand: this.answersCommand, status: this.status, statusName: this.statusName, offset: this.offset, length: this.length };
  }
}

/** Global commands with a list of records/attributes (fixed shape for every kind). */
class ZclGlobalList {
  constructor(
    readonly command: 'read-attributes' | 'read-attributes-response' | 'write-attributes' | 'write-attributes-undivided' | 'write-attributes-no-response' | 'write-attributes-response',
    readonly records: ZclAttributeRecord[] | ZclStatusNode[],
    readonly offset: number,
    readonly length: number,
  ) {}
  /** Read Attributes: the attribute ids read (the same records). */
  get attributes(): ZclAttributeRecord[] {
    return this.records as ZclAttributeRecord[];
  }
  /** Writes the toJSON() members straight into a JsonWriter (json.ts JSON_WRITE). */
  [JSON_WRITE](w: JsonWriter): void {
    const at = w.pos;
    w.key('command'); w.name(this.command);
    w.key(this.command === 'read-attributes' ? 'attributes' : 'records'); w.value(this.records);
    jOffLen(w, this.offset, this.length);
    jclose(w, at);
  }
  toJSON(): Record<string, unknown> {
    const list = this.command === 'read-attributes' ? 'attributes' : 'records';
    return { command: this.command, [list]: this.records, offset: this.offset, length: this.length };
  }
}

/** Where a cluster-specific payload stopped fitting its table layout. */
export interface ZclLayoutError {
  readonly code: string;
  readonly offset: number;
  readonly expected: string;
}

class ZclOther {
  readonly command = 'other' as const;
  #b: Uint8Array;
  #p: number;
  constructor(
    readonly name: string | undefined,
    b: Uint8Array,
    p: number,
    readonly offset: number,
    readonly length: number,
    /** Set when a laid-out command's bytes did not fit its layout (see the decision above). */
    readonly layoutError: ZclLayoutError | undefined = undefined,
  ) {
    this.#b = b;
    this.#p = p;
  }
  /** The payload bytes (after the ZCL header). */
  get payload(): Uint8Array {
    return this.#b.subarray(this.#p, this.#p + this.length);
  }
  /** Writes the toJSON() members straight into a JsonWriter (json.ts JSON_WRITE). */
  [JSON_WRITE](w: JsonWriter): void {
    const at = w.pos;
    w.key('command'); w.name(this.command);
    jn(w, 'name', this.name);
    w.key('payload'); w.hex(this.#b, this.#p, this.#p + this.length);
    jm(w, 'layoutError', this.layoutError);
    jOffLen(w, this.offset, this.length);
    jclose(w, at);
  }
  toJSON(): Record<string, unknown> {
    return { command: this.command, name: this.name, payload: this.payload, layoutError: this.layoutError, offset: this.offset, length: this.length };
  }
}

const WRITE_KINDS: Record<number, 'write-attributes' | 'write-attributes-undivided' | 'write-attributes-no-response'> = {
  0x02: 'write-attributes', 0x03: 'write-attributes-undivided', 0x05: 'write-attributes-no-response',
};

/**
 * Decodes a clear ZCL payload (after the 3-byte ZCL header) for the given cluster and
 * header. Node offsets and error offsets are `offsetBase` + the position in `payload`.
 * `budget` bounds the nodes and depth of the whole decode (one per payload).
 */
export function decodeZclPayload(
  payload: Uint8Array,
  header: { clusterId: number; frameControl: number; commandId: number },
  offsetBase = 0,
  budget: Budget = new Budget(),
): ZclCommand {
  return decodeZclIn(new ZclReader(payload, offsetBase, budget), 0, payload.length, header.clusterId, header.frameControl, header.commandId);
}

/** Decodes the ZCL payload `r.b[start, end)` (the GBZ builder reuses one reader per payload). */
export function decodeZclIn(r: ZclReader, start: number, end: number, clusterId: number, frameControl: number, commandId: number): ZclCommand {
  r.p = start;
  r.start = start;
  r.end = end;
  const budget = r.budget;
  const b = r.b;
  const len = end - start;
  const at0 = r.base + start;
  budget.take(1, at0);
  if ((frameControl & 0x04) !== 0) return new ZclOther(zclCommandName(clusterId, frameControl, commandId), b, start, at0, len);
  if ((frameControl & 0x03) !== 0) {
    const spec = zclCommandSpec(clusterId, frameControl, commandId);
    if (!spec) return new ZclOther(zclCommandName(clusterId, frameControl, commandId), b, start, at0, len);
    // Checked (and counted) by the scan; the fields are read on first access. A payload that
    // does not fit its layout is read again below, from the same Budget count, for its error.
    const n0 = budget.nodes;
    const misfit = spec.fixed >= 0 ? (budget.take(spec.layout.length, at0), len !== spec.fixed) : scanCluster(r, spec, start, end, at0);
    if (!misfit) return new ZclClusterCommand(spec, b, start, null, at0, len, r.base);
    budget.nodes = n0;
    r.p = start;
    const fields: ZclField[] = [];
    try {
      readItems(r, spec.layout, fields, 1);
      if (r.p !== end) throw new GbcsDecodeError('payload-trailing-bytes', r.base + r.p, `end of the ZCL ${spec.name} payload`);
    } catch (e) {
      if (!(e instanceof GbcsDecodeError) || (e.code !== 'truncated' && e.code !== 'payload-trailing-bytes')) throw e;
      return new ZclOther(spec.name, b, start, at0, len, { code: e.code, offset: e.offset, expected: e.expected });
    }
    return new ZclClusterCommand(spec, b, start, fields, at0, len);
  }
  let out: ZclCommand;
  switch (commandId) {
    case 0x00: {
      if (len & 1) r.need(len + 1, 'attribute id');
      budget.take(len >> 1, at0);
      const records = new Array<ZclAttributeRecord>(len >> 1);
      for (let i = 0; r.p < end; i++) {
        const at = r.p;
        records[i] = new ZclAttributeRecord(clusterId, r.u16('attribute id'), -1, undefined, r.base + at, 2);
      }
      out = new ZclGlobalList('read-attributes', records, at0, len) as unknown as ZclCommand;
      break;
    }
    case 0x01: {
      const records: ZclAttributeRecord[] = [];
      while (r.p < end) {
        const at = r.p;
        budget.take(2, r.base + at);
        const id = r.u16('attribute id');
        const status = r.u8('attribute status');
        const value = status === 0 ? readValue(r, r.u8('attribute data type'), 1) : undefined;
        records.push(new ZclAttributeRecord(clusterId, id, status, value, r.base + at, r.p - at));
      }
      out = new ZclGlobalList('read-attributes-response', records, at0, len) as unknown as ZclCommand;
      break;
    }
    case 0x02: case 0x03: case 0x05: {
      const records: ZclAttributeRecord[] = [];
      while (r.p < end) {
        const at = r.p;
        budget.take(2, r.base + at);
        const id = r.u16('attribute id');
        records.push(new ZclAttributeRecord(clusterId, id, -1, readValue(r, r.u8('attribute data type'), 1), r.base + at, r.p - at));
      }
      out = new ZclGlobalList(WRITE_KINDS[commandId]!, records, at0, len) as unknown as ZclCommand;
      break;
    }
    case 0x04: {
      const records: ZclStatusNode[] = [];
      // A single SUCCESS status byte means every write succeeded.
      if (len === 1) records.push(new ZclStatusNode(clusterId, r.u8('status'), undefined, at0, 1));
      else while (r.p < end) {
        const at = r.p;
        budget.take(1, r.base + at);
        const status = r.u8('status');
        records.push(new ZclStatusNode(clusterId, status, r.u16('attribute id'), r.base + at, 3));
      }
      out = new ZclGlobalList('write-attributes-response', records, at0, len) as unknown as ZclCommand;
      break;
    }
    case 0x0b: {
      const cmd = r.u8('command id');
      out = new ZclDefaultResponse(clusterId, frameControl, cmd, r.u8('status'), at0, 2);
      break;
    }
    default:
      return new ZclOther(zclCommandName(clusterId, frameControl, commandId), b, start, at0, len);
  }
  if (r.p !== end) throw new GbcsDecodeError('payload-trailing-bytes', r.base + r.p, `end of the ZCL ${out.command} payload`);
  return out;
}

// ---- encoding ----

function writeValue(w: PayloadWriter, v: ZclValue, what: string): void {
  if (!(v.raw instanceof Uint8Array)) throw new GbcsEncodeError(what, 'ZCL values are encoded from `raw` (their exact bytes)');
  w.bytes(v.raw);
}

const latin1Bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

function writeFields(w: PayloadWriter, fields: readonly ZclFieldValue[], what: string): void {
  for (const f of fields) {
    const at = `${what}.${f.name}`;
    if (f.type === 'repeat') {
      for (const e of f.entries ?? []) writeFields(w, e.fields, at);
      continue;
    }
    const v = f.value as unknown;
    switch (f.type) {
      case 'str': {
        if (v === null) { w.u(0xff, 1, F_ZCL_STRING_LENGTH); break; }
        const bytes = typeof v === 'string' ? latin1Bytes(v) : v;
        if (!(bytes instanceof Uint8Array) || bytes.length > 0xfe) throw new GbcsEncodeError(at, 'a ZCL string of at most 254 bytes (Uint8Array or text)');
        w.u(bytes.length, 1, F_ZCL_STRING_LENGTH).bytes(bytes);
        break;
      }
      case 'zdate': case 'bytes':
        if (!(v instanceof Uint8Array) || (f.type === 'zdate' && v.length !== 4)) throw new GbcsEncodeError(at, f.type === 'zdate' ? '4 bytes' : 'bytes');
        w.bytes(v);
        break;
      default: {
        // The core checks the range for the type's width and signedness (field named).
        if (typeof v !== 'number' || !Number.isInteger(v)) throw new GbcsEncodeError(at, `an integer (${f.type})`);
        const width = ZCL_FIELD_WIDTH[f.type];
        if (f.type === 'i32') w.sle(v, width, w.named(at));
        else w.ule(v, width, w.named(at));
      }
    }
  }
}

/** Stages a ZCL payload (after the ZCL header) as a core encoder program (opWriter.ts). */
export function stageZclPayload(w: PayloadWriter, c: ZclCommand): void {
  switch (c.command) {
    case 'read-attributes':
      for (const a of c.attributes) w.ule(a.id, 2, F_ZCL_ATTRIBUTE_ID);
      break;
    case 'read-attributes-response':
      for (const a of c.records) {
        w.ule(a.id, 2, F_ZCL_ATTRIBUTE_ID).u(a.status, 1, F_ZCL_STATUS);
        if (a.status === 0) {
          if (!a.value) throw new GbcsEncodeError('ZCL read record', `attribute 0x${a.id.toString(16)} with SUCCESS needs a value`);
          w.u(a.value.dataType, 1, F_ZCL_DATA_TYPE);
          writeValue(w, a.value, `ZCL attribute 0x${a.id.toString(16)}`);
        }
      }
      break;
    case 'write-attributes': case 'write-attributes-undivided': case 'write-attributes-no-response':
      for (const a of c.records) {
        w.ule(a.id, 2, F_ZCL_ATTRIBUTE_ID).u(a.value.dataType, 1, F_ZCL_DATA_TYPE);
        writeValue(w, a.value, `ZCL attribute 0x${a.id.toString(16)}`);
      }
      break;
    case 'write-attributes-response':
      for (const s of c.records) {
        w.u(s.status, 1, F_ZCL_STATUS);
        if (s.id !== undefined) w.ule(s.id, 2, F_ZCL_ATTRIBUTE_ID);
      }
      break;
    case 'default-response':
      w.u(c.commandId, 1, F_ZCL_COMMAND_ID).u(c.status, 1, F_ZCL_STATUS);
      break;
    case 'cluster-specific':
      writeFields(w, c.fields, `zcl.${c.clusterKey}.${c.key}`);
      break;
    case 'other':
      w.bytes(c.payload);
      break;
  }
}

/** Encodes a ZCL payload (after the ZCL header) through the WASM core. */
export function encodeZclPayload(c: ZclCommand): Uint8Array {
  return encodeProgram((w) => stageZclPayload(w, c));
}

/** Field values of a cluster-specific command by field name: numbers, text or bytes for str, bytes for zdate/bytes, arrays of entries for repeats. */
export type ZclFieldValues = { readonly [name: string]: number | string | Uint8Array | null | readonly ZclFieldValues[] | undefined };

function fieldsFrom(items: readonly ZclLayoutItem[], values: ZclFieldValues, path: string, out: ZclFieldValue[]): ZclFieldValue[] {
  const valueOf = (name: string): number => {
    for (let i = out.length - 1; i >= 0; i--) if (out[i]!.name === name) return out[i]!.value as number;
    throw new GbcsEncodeError(`${path}.${name}`, 'a value (the layout reads it)');
  };
  for (const it of items) {
    switch (it.kind) {
      case 'field': {
        const v = values[it.name];
        if (v === undefined || Array.isArray(v)) throw new GbcsEncodeError(`${path}.${it.name}`, `a ${it.type} value`);
        out.push({ name: it.name, type: it.type, value: typeof v === 'string' ? latin1Bytes(v) : (v as number | Uint8Array | null), entries: null });
        break;
      }
      case 'repeat': {
        const arr = values[it.name];
        if (!Array.isArray(arr)) throw new GbcsEncodeError(`${path}.${it.name}`, 'an array of entries');
        if (it.count.from !== 'to-end') {
          const n = valueOf(it.count.field) & (it.count.from === 'low-nibble' ? 0x0f : 0xffff);
          if (n !== arr.length) throw new GbcsEncodeError(`${path}.${it.name}`, `${n} entries (${it.count.field}), got ${arr.length}`);
        }
        const entries = (arr as readonly ZclFieldValues[]).map((e, k) => ({ fields: fieldsFrom(it.fields, e, `${path}.${it.name}[${k}]`, []) }));
        out.push({ name: it.name, type: 'repeat', value: null, entries });
        break;
      }
      case 'switch': {
        const chosen = it.cases[valueOf(it.on)];
        if (chosen) fieldsFrom(chosen, values, path, out);
        else fieldsFrom([it.rest], values, path, out);
        break;
      }
      case 'optional':
        if (it.fields.some((x) => x.kind === 'field' && values[x.name] !== undefined)) fieldsFrom(it.fields, values, path, out);
        break;
    }
  }
  return out;
}

/**
 * Builds a cluster-specific command from field values by name (the layouts of
 * zclCommands.ts), ready for encodeZclPayload / a GBZ component. Counts that the layout
 * reads (e.g. number_of_samples) must match their arrays.
 */
export function zclCommandFromValues(clusterId: number, frameControl: number, commandId: number, values: ZclFieldValues): ZclCommand {
  const spec = zclCommandSpec(clusterId, frameControl, commandId);
  if (!spec) throw new GbcsEncodeError('ZCL command', `no GBCS layout for cluster 0x${clusterId.toString(16).padStart(4, '0')} command 0x${commandId.toString(16).padStart(2, '0')} (${frameControl & 0x08 ? 'server to client' : 'client to server'})`);
  const path = `zcl.${spec.clusterKey}.${spec.key}`;
  return { command: 'cluster-specific', name: spec.name, key: spec.key, clusterKey: spec.clusterKey, fields: fieldsFrom(spec.layout, values, path, []) };
}

/** The field values of a cluster-specific command by name (str as latin1 text, null when invalid): the input of zclCommandFromValues. */
export function zclCommandValues(c: { readonly fields: readonly ZclFieldValue[] }): ZclFieldValues {
  const out: Record<string, ZclFieldValues[string]> = {};
  for (const f of c.fields) {
    if (f.type === 'repeat') out[f.name] = (f.entries ?? []).map((e) => zclCommandValues(e));
    else if (f.type === 'str' && f.value instanceof Uint8Array) out[f.name] = latin1.decode(f.value);
    else out[f.name] = f.value;
  }
  return out;
}

/** Name of a ZCL cluster (undefined when unknown). */
export const zclClusterName = (clusterId: number): string | undefined => ZCL_CLUSTERS[clusterId];

// toJSON() of these nodes returns a new plain object each call (json.ts converts it in place).
markFresh(ZclHeaderNode);
markFresh(ZclValueNode);
markFresh(ZclAttributeRecord);
markFresh(ZclStatusNode);
markFresh(ZclField);
markFresh(ZclEntry);
markFresh(ZclClusterCommand);
markFresh(ZclDefaultResponse);
markFresh(ZclGlobalList);
markFresh(ZclOther);
function markFresh(c: { prototype: object }): void {
  Object.defineProperty(c.prototype, JSON_FRESH, { value: true });
}
