// DLMS A-XDR Data (GBCS.md 3.2 "Data tags"): typed values built from the WASM node
// index, and the byte-exact encoder. Lengths written in a non-minimal form on the wire
// are kept as `lengthWidth` so re-encoding reproduces them.
import { toHex } from '../bytes.js';
import { decodeDateTime, type GbcsDateTime } from '../dateTime.js';
import { GbcsEncodeError } from '../errors.js';
import * as L from '../wasm/layout.js';
import { NodeIndex, walkNodes } from './nodes.js';
import { decodeObis, type Obis } from './obis.js';
import { ByteWriter, minBerWidth } from './writer.js';
import type { DecryptedContent } from './decrypted.js';

export type DlmsDataType =
  | 'null' | 'array' | 'structure' | 'boolean' | 'bit-string' | 'double-long' | 'double-long-unsigned'
  | 'octet-string' | 'visible-string' | 'utf8-string' | 'bcd' | 'integer' | 'long' | 'unsigned'
  | 'long-unsigned' | 'compact-array' | 'long64' | 'long64-unsigned' | 'enum' | 'float32' | 'float64'
  | 'date-time' | 'date' | 'time';

export const DLMS_TYPE_TAGS: Readonly<Record<DlmsDataType, number>> = {
  'null': 0x00, 'array': 0x01, 'structure': 0x02, 'boolean': 0x03, 'bit-string': 0x04, 'double-long': 0x05,
  'double-long-unsigned': 0x06, 'octet-string': 0x09, 'visible-string': 0x0a, 'utf8-string': 0x0c, 'bcd': 0x0d,
  'integer': 0x0f, 'long': 0x10, 'unsigned': 0x11, 'long-unsigned': 0x12, 'compact-array': 0x13, 'long64': 0x14,
  'long64-unsigned': 0x15, 'enum': 0x16, 'float32': 0x17, 'float64': 0x18, 'date-time': 0x19, 'date': 0x1a, 'time': 0x1b,
};
const TYPE_BY_TAG: Record<number, DlmsDataType> = {};
for (const [k, v] of Object.entries(DLMS_TYPE_TAGS)) TYPE_BY_TAG[v] = k as DlmsDataType;

export type DlmsIntegerType = 'double-long' | 'double-long-unsigned' | 'integer' | 'long' | 'unsigned' | 'long-unsigned' | 'enum' | 'bcd';

export interface DlmsNull { readonly type: 'null' }
export interface DlmsList {
  readonly type: 'array' | 'structure';
  readonly items: DlmsData[];
  /** Set on structure{protection-parameters, octet-string}: an IC 30 get_protected_attributes result (encrypted; see the security module). */
  readonly protectedAttributes?: true;
  readonly lengthWidth?: number;
}
export interface DlmsBoolean { readonly type: 'boolean'; readonly value: boolean; /** The byte when it is neither 00 nor 01. */ readonly raw?: number }
export interface DlmsBitString {
  readonly type: 'bit-string';
  readonly bitCount: number;
  readonly bytes: Uint8Array;
  /** '0'/'1' per bit, most significant bit of the first byte first. */
  readonly bits: string;
  readonly lengthWidth?: number;
}
export interface DlmsInteger { readonly type: DlmsIntegerType; readonly value: number }
export interface DlmsLong64 { readonly type: 'long64' | 'long64-unsigned'; readonly value: bigint }
export interface DlmsFloat { readonly type: 'float32' | 'float64'; readonly value: number; readonly bytes?: Uint8Array }
export interface DlmsOctetString {
  readonly type: 'octet-string';
  readonly bytes: Uint8Array;
  /** View of a 12-byte octet string that is a GBCS/DLMS date-time. */
  readonly dateTime?: GbcsDateTime;
  /** View of a 6-byte octet string that is an OBIS code. */
  readonly obis?: Obis;
  /** The `31 ‖ IC ‖ ciphertext ‖ tag` blob of get_protected_attributes (not decrypted here). */
  readonly encrypted?: true;
  /** Set by openPayload (security module) on an encrypted string: the plaintext as Data, or why not. */
  readonly decrypted?: DecryptedContent<DlmsData>;
  readonly lengthWidth?: number;
}
export interface DlmsString { readonly type: 'visible-string' | 'utf8-string'; readonly value: string; readonly bytes?: Uint8Array; readonly lengthWidth?: number }
export interface DlmsDateTimeValue { readonly type: 'date-time'; readonly dateTime: GbcsDateTime; readonly bytes: Uint8Array }
export interface DlmsDateValue {
  readonly type: 'date';
  /** year (null = FFFF), month, dayOfMonth, dayOfWeek (null = FF). */
  readonly date: { year: number | null; month: number | null; dayOfMonth: number | null; dayOfWeek: number | null };
  readonly bytes: Uint8Array;
}
export interface DlmsTimeValue {
  readonly type: 'time';
  readonly time: { hour: number | null; minute: number | null; second: number | null; hundredths: number | null };
  readonly bytes: Uint8Array;
}
export type DlmsTypeDescription =
  | { readonly type: Exclude<DlmsDataType, 'array' | 'structure' | 'compact-array'> }
  | { readonly type: 'structure'; readonly items: DlmsTypeDescription[]; readonly lengthWidth?: number }
  | { readonly type: 'array'; readonly count: number; readonly element: DlmsTypeDescription };
export interface DlmsCompactArray {
  readonly type: 'compact-array';
  readonly typeDescription: DlmsTypeDescription;
  /** One typed value per row (untagged on the wire). */
  readonly rows: DlmsData[];
  readonly lengthWidth?: number;
}

export type DlmsData =
  | DlmsNull | DlmsList | DlmsBoolean | DlmsBitString | DlmsInteger | DlmsLong64 | DlmsFloat
  | DlmsOctetString | DlmsString | DlmsDateTimeValue | DlmsDateValue | DlmsTimeValue | DlmsCompactArray;

const ffOr = (v: number) => (v === 0xff ? null : v);

/** A 12-byte string plausibly a DLMS date-time (field ranges, or GBCS now/never). */
export function looksLikeDateTime(b: Uint8Array, o: number): boolean {
  const m = b[o + 2]!, d = b[o + 3]!, w = b[o + 4]!, h = b[o + 5]!, mi = b[o + 6]!, s = b[o + 7]!, hu = b[o + 8]!;
  const rng = (v: number, lo: number, hi: number) => v === 0xff || (v >= lo && v <= hi);
  const allZero = m === 0 && d === 0 && w === 0 && h === 0 && mi === 0 && s === 0 && hu === 0 && b[o] === 0 && b[o + 1] === 0;
  if (allZero) return true;
  return (rng(m, 1, 12) || m === 0xfd || m === 0xfe) && (rng(d, 1, 31) || d === 0xfd || d === 0xfe) && rng(w, 1, 7) &&
    rng(h, 0, 23) && rng(mi, 0, 59) && rng(s, 0, 59) && rng(hu, 0, 99);
}

function bitText(b: Uint8Array, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += (b[i >> 3]! >> (7 - (i & 7))) & 1;
  return s;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** Scalar value of `type` at `b[v]` (fixed size types and strings of `len`). */
// Object spreads and DataViews cost ~1 µs / ~0.2 µs each in V8: values are built as
// plain literals with optional fields assigned afterwards, integers read with shifts.
function scalar(type: DlmsDataType, b: Uint8Array, v: number, len: number, lw: number | undefined): DlmsData {
  const dv = type === 'long64' || type === 'long64-unsigned' || type === 'float32' || type === 'float64' ? new DataView(b.buffer, b.byteOffset, b.byteLength) : undefined!;
  switch (type) {
    case 'null': return { type };
    case 'boolean': { const r = b[v]!; return r > 1 ? { type, value: true, raw: r } : { type, value: r === 1 }; }
    case 'integer': return { type, value: (b[v]! << 24) >> 24 };
    case 'unsigned': case 'enum': case 'bcd': return { type, value: b[v]! };
    case 'long': return { type, value: (((b[v]! << 8) | b[v + 1]!) << 16) >> 16 };
    case 'long-unsigned': return { type, value: (b[v]! << 8) | b[v + 1]! };
    case 'double-long': return { type, value: (b[v]! << 24) | (b[v + 1]! << 16) | (b[v + 2]! << 8) | b[v + 3]! };
    case 'double-long-unsigned': return { type, value: ((b[v]! << 24) | (b[v + 1]! << 16) | (b[v + 2]! << 8) | b[v + 3]!) >>> 0 };
    case 'long64': return { type, value: dv.getBigInt64(v) };
    case 'long64-unsigned': return { type, value: dv.getBigUint64(v) };
    case 'float32': return { type, value: dv.getFloat32(v), bytes: b.subarray(v, v + 4) };
    case 'float64': return { type, value: dv.getFloat64(v), bytes: b.subarray(v, v + 8) };
    case 'date-time': return { type, dateTime: decodeDateTime(b, v), bytes: b.subarray(v, v + 12) };
    case 'date': {
      const y = (b[v]! << 8) | b[v + 1]!;
      return { type, date: { year: y === 0xffff ? null : y, month: ffOr(b[v + 2]!), dayOfMonth: ffOr(b[v + 3]!), dayOfWeek: ffOr(b[v + 4]!) }, bytes: b.subarray(v, v + 5) };
    }
    case 'time':
      return { type, time: { hour: ffOr(b[v]!), minute: ffOr(b[v + 1]!), second: ffOr(b[v + 2]!), hundredths: ffOr(b[v + 3]!) }, bytes: b.subarray(v, v + 4) };
    case 'octet-string': {
      const o: { -readonly [K in keyof DlmsOctetString]: DlmsOctetString[K] } = { type, bytes: b.subarray(v, v + len) };
      if (len === 12 && looksLikeDateTime(b, v)) o.dateTime = decodeDateTime(b, v);
      if (lw !== undefined) o.lengthWidth = lw;
      return o;
    }
    case 'visible-string': case 'utf8-string': {
      const bytes = b.subarray(v, v + len);
      const o: { -readonly [K in keyof DlmsString]: DlmsString[K] } = { type, value: (type === 'utf8-string' ? utf8 : latin1).decode(bytes), bytes };
      if (lw !== undefined) o.lengthWidth = lw;
      return o;
    }
    case 'bit-string': {
      const bytes = b.subarray(v, v + ((len + 7) >> 3));
      const o: { -readonly [K in keyof DlmsBitString]: DlmsBitString[K] } = { type, bitCount: len, bytes, bits: bitText(bytes, len) };
      if (lw !== undefined) o.lengthWidth = lw;
      return o;
    }
    default: throw new Error(`unreachable DLMS scalar ${type}`);
  }
}

/** Width of the length field before node value when non-minimal, else undefined. */
function widthIfOdd(ix: NodeIndex, i: number, headerBefore: number): number | undefined {
  const w = ix.value(i) - ix.start(i) - headerBefore;
  return w === minBerWidth(ix.aux(i)) ? undefined : w;
}

/** Builds a tagged Data value from node i (NC_DLMS_DATA). */
export function buildDlmsData(ix: NodeIndex, i: number): DlmsData {
  const tag = ix.tag(i);
  const type = TYPE_BY_TAG[tag]!;
  const b = ix.bytes;
  if (type === 'array' || type === 'structure') {
    const items: DlmsData[] = [];
    const stop = ix.next(i);
    for (let c = i + 1; c < stop; c = ix.next(c)) items.push(buildDlmsData(ix, c));
    return list(type, items, widthIfOdd(ix, i, 1));
  }
  if (type === 'compact-array') return buildCompactArray(ix, i);
  const variable = tag === 0x04 || tag === 0x09 || tag === 0x0a || tag === 0x0c;
  return scalar(type, b, ix.value(i), variable ? ix.aux(i) : 0, variable ? widthIfOdd(ix, i, 1) : undefined);
}

function list(type: 'array' | 'structure', items: DlmsData[], lw: number | undefined): DlmsList {
  const out: { -readonly [K in keyof DlmsList]: DlmsList[K] } = { type, items };
  if (lw !== undefined) out.lengthWidth = lw;
  if (type === 'structure') {
    markObis(items);
    const [pp, ct] = items;
    if (items.length === 2 && pp?.type === 'array' && ct?.type === 'octet-string' && ct.bytes.length >= 17 && ct.bytes[0] === 0x31) {
      out.protectedAttributes = true;
      (ct as { encrypted?: true }).encrypted = true;
    }
  }
  return out;
}

/**
 * Decision: a 6-byte octet string gets an `obis` view when it follows a long-unsigned
 * class id in a structure (COSEM object definitions, capture objects, restricting
 * objects) or ends in 0xFF (the usual F group). Other 6-byte strings stay plain bytes.
 */
function markObis(items: DlmsData[]): void {
  for (let k = 0; k < items.length; k++) {
    const it = items[k]!;
    if (it.type !== 'octet-string' || it.bytes.length !== 6 || it.obis) continue;
    const prev = items[k - 1];
    if (it.bytes[5] === 0xff || prev?.type === 'long-unsigned') (it as { obis?: Obis }).obis = decodeObis(it.bytes);
  }
}

function buildTypeDescription(ix: NodeIndex, i: number): DlmsTypeDescription {
  const type = TYPE_BY_TAG[ix.tag(i)]!;
  if (type === 'structure') {
    const items: DlmsTypeDescription[] = [];
    const stop = ix.next(i);
    for (let c = i + 1; c < stop; c = ix.next(c)) items.push(buildTypeDescription(ix, c));
    const lw = widthIfOdd(ix, i, 1);
    return lw === undefined ? { type, items } : { type, items, lengthWidth: lw };
  }
  if (type === 'array') return { type, count: ix.aux(i), element: buildTypeDescription(ix, i + 1) };
  return { type } as DlmsTypeDescription;
}

function buildUntagged(ix: NodeIndex, i: number): DlmsData {
  const type = TYPE_BY_TAG[ix.tag(i)]!;
  if (type === 'array' || type === 'structure') {
    const items: DlmsData[] = [];
    const stop = ix.next(i);
    for (let c = i + 1; c < stop; c = ix.next(c)) items.push(buildUntagged(ix, c));
    return list(type, items, undefined);
  }
  const variable = type === 'bit-string' || type === 'octet-string' || type === 'visible-string' || type === 'utf8-string';
  return scalar(type, ix.bytes, ix.value(i), variable ? ix.aux(i) : 0, variable ? widthIfOdd(ix, i, 0) : undefined);
}

function buildCompactArray(ix: NodeIndex, i: number): DlmsCompactArray {
  const td = i + 1;
  const typeDescription = buildTypeDescription(ix, td);
  const rows: DlmsData[] = [];
  const stop = ix.next(i);
  for (let c = ix.next(td); c < stop; c = ix.next(c)) rows.push(buildUntagged(ix, c));
  const lenField = ix.value(i) - ix.end(td);
  const out: DlmsCompactArray = { type: 'compact-array', typeDescription, rows };
  return lenField === minBerWidth(ix.aux(i)) ? out : { ...out, lengthWidth: lenField };
}

/** Decodes one A-XDR Data value filling `bytes` exactly. */
export function decodeDlmsData(bytes: Uint8Array): DlmsData {
  const ix = walkNodes(bytes, L.W_DLMS_DATA, false);
  return buildDlmsData(ix, 0);
}

// ---- encoding ----

function fail(d: DlmsData | DlmsTypeDescription, why: string): never {
  throw new GbcsEncodeError(`DLMS ${d.type}`, why);
}

function intRange(d: DlmsInteger, lo: number, hi: number): number {
  if (!Number.isInteger(d.value) || d.value < lo || d.value > hi) fail(d, `value ${d.value} outside ${lo}..${hi}`);
  return d.value;
}

function sized(d: DlmsData, bytes: Uint8Array | undefined, n: number): Uint8Array {
  if (!bytes || bytes.length !== n) fail(d, `needs exactly ${n} bytes`);
  return bytes;
}

/** Writes the value of `d` without its tag (compact-array rows and after the tag). */
function writeValue(w: ByteWriter, d: DlmsData, desc?: DlmsTypeDescription): void {
  if (desc && desc.type !== d.type) fail(d, `compact-array value does not match the type description (${desc.type})`);
  switch (d.type) {
    case 'null': return;
    case 'array': case 'structure': {
      if (desc) {
        if (desc.type === 'array' && desc.count !== d.items.length) fail(d, `compact-array row needs ${desc.count} elements`);
        if (desc.type === 'structure' && desc.items.length !== d.items.length) fail(d, `compact-array row needs ${desc.items.length} fields`);
        d.items.forEach((it, k) => writeValue(w, it, desc.type === 'array' ? desc.element : (desc as { items: DlmsTypeDescription[] }).items[k]));
        return;
      }
      w.ber(d.items.length, d.lengthWidth);
      for (const it of d.items) encodeInto(w, it);
      return;
    }
    case 'boolean': w.u8(d.raw ?? (d.value ? 1 : 0)); return;
    case 'bit-string': {
      const need = (d.bitCount + 7) >> 3;
      if (d.bytes.length !== need) fail(d, `${d.bitCount} bits need ${need} bytes`);
      w.ber(d.bitCount, d.lengthWidth).bytes(d.bytes);
      return;
    }
    case 'integer': w.u8(intRange(d, -128, 127)); return;
    case 'unsigned': case 'enum': case 'bcd': w.u8(intRange(d, 0, 255)); return;
    case 'long': w.u16be(intRange(d, -32768, 32767) & 0xffff); return;
    case 'long-unsigned': w.u16be(intRange(d, 0, 0xffff)); return;
    case 'double-long': w.u32be(intRange(d, -0x80000000, 0x7fffffff) >>> 0); return;
    case 'double-long-unsigned': w.u32be(intRange(d, 0, 0xffffffff)); return;
    case 'long64': case 'long64-unsigned': {
      const b = new Uint8Array(8);
      const dv = new DataView(b.buffer);
      const v = BigInt(d.value);
      if (d.type === 'long64') {
        if (v < -(2n ** 63n) || v >= 2n ** 63n) fail(d, 'outside the signed 64-bit range');
        dv.setBigInt64(0, v);
      } else {
        if (v < 0n || v >= 2n ** 64n) fail(d, 'outside the unsigned 64-bit range');
        dv.setBigUint64(0, v);
      }
      w.bytes(b);
      return;
    }
    case 'float32': case 'float64': {
      const n = d.type === 'float32' ? 4 : 8;
      if (d.bytes) { w.bytes(sized(d, d.bytes, n)); return; }
      const b = new Uint8Array(n);
      const dv = new DataView(b.buffer);
      if (n === 4) dv.setFloat32(0, d.value); else dv.setFloat64(0, d.value);
      w.bytes(b);
      return;
    }
    case 'octet-string': w.ber(d.bytes.length, d.lengthWidth).bytes(d.bytes); return;
    case 'visible-string': case 'utf8-string': {
      const bytes = d.bytes ?? (d.type === 'utf8-string' ? new TextEncoder().encode(d.value) : latin1Bytes(d));
      w.ber(bytes.length, d.lengthWidth).bytes(bytes);
      return;
    }
    case 'date-time': w.bytes(sized(d, d.bytes, 12)); return;
    case 'date': w.bytes(sized(d, d.bytes, 5)); return;
    case 'time': w.bytes(sized(d, d.bytes, 4)); return;
    case 'compact-array': {
      if (desc) fail(d, 'a compact-array cannot nest in a compact-array');
      writeTypeDescription(w, d.typeDescription, 0);
      const rows = new ByteWriter();
      for (const r of d.rows) writeValue(rows, r, d.typeDescription);
      const body = rows.finish();
      w.ber(body.length, d.lengthWidth).bytes(body);
      return;
    }
  }
}

function latin1Bytes(d: DlmsString): Uint8Array {
  const out = new Uint8Array(d.value.length);
  for (let i = 0; i < d.value.length; i++) {
    const c = d.value.charCodeAt(i);
    if (c > 0xff) fail(d, 'visible-string characters must be single bytes');
    out[i] = c;
  }
  return out;
}

function writeTypeDescription(w: ByteWriter, t: DlmsTypeDescription, depth: number): void {
  if (depth > L.MAX_DEPTH) fail(t, `type description nests deeper than ${L.MAX_DEPTH}`);
  const tag = DLMS_TYPE_TAGS[t.type];
  if (tag === undefined || (t.type as string) === 'compact-array') fail(t, 'not a compact-array element type');
  w.u8(tag);
  if (t.type === 'structure') {
    w.ber(t.items.length, t.lengthWidth);
    for (const it of t.items) writeTypeDescription(w, it, depth + 1);
  } else if (t.type === 'array') {
    w.u16be(t.count);
    writeTypeDescription(w, t.element, depth + 1);
  }
}

/** Appends the tagged encoding of `d`. */
export function encodeInto(w: ByteWriter, d: DlmsData): void {
  const tag = DLMS_TYPE_TAGS[d.type];
  if (tag === undefined) throw new GbcsEncodeError('DLMS Data', `unknown type ${JSON.stringify((d as { type: unknown }).type)}`);
  w.u8(tag);
  writeValue(w, d);
}

/** Encodes one A-XDR Data value (tag included). */
export function encodeDlmsData(d: DlmsData): Uint8Array {
  const w = new ByteWriter();
  encodeInto(w, d);
  return w.finish();
}

