// DLMS A-XDR Data (GBCS.md 3.2 "Data tags"): the typed tree built from the WASM node
// index, and the byte-exact encoder.
//
//   tagged value:   tag(1) ‖ [A-XDR length/count: 00-7F | 81-84 + 1-4 bytes] ‖ contents
//   compact-array:  13 ‖ type-description ‖ length ‖ untagged rows
//
// Tree nodes (issue 12/13, HOUSE.md "Payload trees"): every decoded value is a DlmsNode,
// one class with the same fields in the same order for every type. `offset` (frame offset
// of the value's first byte: its tag, or the first value byte of an untagged compact-array
// element; the caller's offsetBase applied) and `length` (bytes it spans) are plain
// numbers; values and views (bytes, text, date-times, OBIS codes, dates, times, bit text)
// are read from the payload bytes on first access and cached. Lengths written in a
// non-minimal form on the wire are kept as `lengthWidth` so re-encoding reproduces them.
//
// Bounds (issue 10 item 1): the WASM walk already refuses more than MAX_NODES nodes and
// nesting past MAX_DEPTH; the builder counts every node against the shared Budget
// (limits.ts) before creating it, so a budget shared with decrypted parts holds too.
// Compact-array type descriptions that describe zero-byte elements are refused by the
// walker (dlms-type-description), so every node costs at least one input byte, except
// the enclosing arrays/structures of a row, at most MAX_DEPTH deep: a tree holds at most
// DLMS_NODES_PER_BYTE nodes per input byte.
//
// Decision (VERIFIED-RTDS shapes, NAMES.md 2.3 and 3): 5-byte dates and 4-byte times
// inside octet strings are recognised by position, not length: a 4-byte string directly
// followed by a 6-byte one (day_profile action {start_time, script, selector}) or by a
// 5-byte one (single action schedule {time, date}) is a time; the 5-byte string of a
// {long-unsigned, os5, unsigned} special-day entry or of {time, date} is a date; a 10-field
// schedule entry {u16, boolean, os6, u16, os4, u16, bits, bits, os5, os5} has its switch
// time and begin/end dates. Each must also hold field values in range (FF = any). Other
// 4/5-byte strings (firmware versions, ...) stay bytes. The bytes are kept either way.
import { toHex } from '../bytes.js';
import { decodeDateTime, type GbcsDateTime } from '../dateTime.js';
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';
import * as L from '../wasm/layout.js';
import { Budget } from './limits.js';
import { NodeIndex, WalkSource, walkNodes } from './nodes.js';

const { NODE_WORDS, N_KIND, N_START, N_VALUE, N_END, N_NEXT, N_AUX } = L;
import { ObisCode, type Obis } from './obis.js';
import { minBerWidth } from './writer.js';
import { encodeProgram, encodePrograms, F_ARRAY_COUNT, F_BIT_COUNT, F_BOOLEAN, F_COMPACT_ARRAY, F_DLMS_DATA, F_ELEMENT_COUNT, F_OCTET_LENGTH, F_STRING_LENGTH, F_TYPE_DESCRIPTION, type PayloadWriter } from './opWriter.js';
import { JSON_WRITE, jsonFragment, toJsonSafe, type JsonWriter } from './json.js';
import type { DecryptedContent } from './decrypted.js';

/** Most tree nodes one input byte can produce (documented bound; see the header). */
export const DLMS_NODES_PER_BYTE = L.MAX_DEPTH + 1;

/** Name of a DLMS A-XDR data type. */
export type DlmsDataType =
  | 'null' | 'array' | 'structure' | 'boolean' | 'bit-string' | 'double-long' | 'double-long-unsigned'
  | 'octet-string' | 'visible-string' | 'utf8-string' | 'bcd' | 'integer' | 'long' | 'unsigned'
  | 'long-unsigned' | 'compact-array' | 'long64' | 'long64-unsigned' | 'enum' | 'float32' | 'float64'
  | 'date-time' | 'date' | 'time';

/** A-XDR type tag of each DLMS data type. */
export const DLMS_TYPE_TAGS: Readonly<Record<DlmsDataType, number>> = {
  'null': 0x00, 'array': 0x01, 'structure': 0x02, 'boolean': 0x03, 'bit-string': 0x04, 'double-long': 0x05,
  'double-long-unsigned': 0x06, 'octet-string': 0x09, 'visible-string': 0x0a, 'utf8-string': 0x0c, 'bcd': 0x0d,
  'integer': 0x0f, 'long': 0x10, 'unsigned': 0x11, 'long-unsigned': 0x12, 'compact-array': 0x13, 'long64': 0x14,
  'long64-unsigned': 0x15, 'enum': 0x16, 'float32': 0x17, 'float64': 0x18, 'date-time': 0x19, 'date': 0x1a, 'time': 0x1b,
};
// Type name by tag, a packed array (no holes: a holey lookup per node costs; tags the walker
// refuses never reach it).
const TYPE_BY_TAG: DlmsDataType[] = Array.from({ length: 0x1c }, () => 'null' as DlmsDataType);
for (const [k, v] of Object.entries(DLMS_TYPE_TAGS)) TYPE_BY_TAG[v] = k as DlmsDataType;

/**
 * The head of a node's JSON per tag (JSON_WRITE templates): `{"type":"<name>"` and the key of
 * the member that always follows for that type (`,"value":`, `,"bytes":`, `,"items":[`, ...).
 */
const JSON_HEAD: Uint8Array[] = TYPE_BY_TAG.map((t, tag) => {
  const next = tag === 0x01 || tag === 0x02 ? ',"items":[' : tag === 0x13 ? ',"typeDescription":' : tag === 0x09 ? ',"bytes":' : tag === 0x04 ? ',"bitCount":'
    : tag === 0x19 ? ',"dateTime":' : tag === 0x1a ? ',"date":' : tag === 0x1b ? ',"time":' : tag === 0x00 ? '' : ',"value":';
  return jsonFragment(`{"type":"${t}"${next}`);
});
const J_ROWS = jsonFragment(',"rows":[');
const J_BYTES = jsonFragment(',"bytes":');
const J_BITS = jsonFragment(',"bits":');
const J_DATETIME = jsonFragment(',"dateTime":');
const J_OBIS = jsonFragment(',"obis":');
const J_DATE = jsonFragment(',"date":');
const J_TIME = jsonFragment(',"time":');
const J_RAW = jsonFragment(',"raw":');
const J_LENGTH_WIDTH = jsonFragment(',"lengthWidth":');
const J_PROTECTED = jsonFragment(',"protectedAttributes":true');
const J_ENCRYPTED = jsonFragment(',"encrypted":true');
const J_DECRYPTED = jsonFragment(',"decrypted":');
const J_TRUE = jsonFragment('true');
const J_FALSE = jsonFragment('false');

export type DlmsIntegerType = 'double-long' | 'double-long-unsigned' | 'integer' | 'long' | 'unsigned' | 'long-unsigned' | 'enum' | 'bcd';

/** Position of a decoded node (absent on hand-built values). */
export interface DlmsLocated {
  /** Frame offset of the value's first byte (offsetBase applied). */
  readonly offset?: number;
  /** Bytes the value spans on the wire (tag, length and contents). */
  readonly length?: number;
}

/** DLMS date (5 bytes, NAMES.md 3): null = not specified (FFFF / FF). */
export interface DlmsDate {
  readonly year: number | null;
  /** 1-12, 0xFD DST end, 0xFE DST begin. */
  readonly month: number | null;
  /** 1-31, 0xFD second last, 0xFE last. */
  readonly dayOfMonth: number | null;
  /** 1 = Monday ... 7. */
  readonly dayOfWeek: number | null;
  /** e.g. "2015-05-01", "*-12-25" (every year), "*-*-01"; FD/FE as "dst-end"/"dst-begin", "second-last"/"last". */
  readonly text: string;
}
/** DLMS time (4 bytes): null = not specified (FF). */
export interface DlmsTime {
  readonly hour: number | null;
  readonly minute: number | null;
  readonly second: number | null;
  readonly hundredths: number | null;
  /** e.g. "07:00:00.00", "09:30:*" */
  readonly text: string;
}

export interface DlmsNull extends DlmsLocated { readonly type: 'null' }
export interface DlmsList extends DlmsLocated {
  readonly type: 'array' | 'structure';
  readonly items: DlmsData[];
  /** Set on structure{protection-parameters, octet-string}: an IC 30 get_protected_attributes result (encrypted; see the security module). */
  readonly protectedAttributes?: true;
  readonly lengthWidth?: number;
}
export interface DlmsBoolean extends DlmsLocated {
  readonly type: 'boolean';
  readonly value: boolean;
  /** The byte when it is neither 00 nor 01 (GBCS sends TRUE as FF; kept for re-encoding). */
  readonly raw?: number;
}
export interface DlmsBitString extends DlmsLocated {
  readonly type: 'bit-string';
  readonly bitCount: number;
  readonly bytes: Uint8Array;
  /** '0'/'1' per bit, most significant bit of the first byte first. */
  readonly bits: string;
  readonly lengthWidth?: number;
}
export interface DlmsInteger extends DlmsLocated { readonly type: DlmsIntegerType; readonly value: number }
export interface DlmsLong64 extends DlmsLocated { readonly type: 'long64' | 'long64-unsigned'; readonly value: bigint }
export interface DlmsFloat extends DlmsLocated { readonly type: 'float32' | 'float64'; readonly value: number; readonly bytes?: Uint8Array }
export interface DlmsOctetString extends DlmsLocated {
  readonly type: 'octet-string';
  readonly bytes: Uint8Array;
  /** View of a 12-byte octet string that is a GBCS/DLMS date-time. */
  readonly dateTime?: GbcsDateTime;
  /** View of a 6-byte octet string that is an OBIS code. */
  readonly obis?: Obis;
  /** View of a 5-byte octet string that is a DLMS date (by position, see the header). */
  readonly date?: DlmsDate;
  /** View of a 4-byte octet string that is a DLMS time (by position, see the header). */
  readonly time?: DlmsTime;
  /** The `31 ‖ IC ‖ ciphertext ‖ tag` blob of get_protected_attributes (not decrypted here). */
  readonly encrypted?: true;
  /** Set by openPayload (security module) on an encrypted string: the plaintext as Data, or why not. */
  readonly decrypted?: DecryptedContent<DlmsData>;
  readonly lengthWidth?: number;
}
export interface DlmsString extends DlmsLocated { readonly type: 'visible-string' | 'utf8-string'; readonly value: string; readonly bytes?: Uint8Array; readonly lengthWidth?: number }
export interface DlmsDateTimeValue extends DlmsLocated { readonly type: 'date-time'; readonly dateTime: GbcsDateTime; readonly bytes: Uint8Array }
export interface DlmsDateValue extends DlmsLocated {
  readonly type: 'date';
  /** year (null = FFFF), month, dayOfMonth, dayOfWeek (null = FF). */
  readonly date: { year: number | null; month: number | null; dayOfMonth: number | null; dayOfWeek: number | null; text?: string };
  readonly bytes: Uint8Array;
}
export interface DlmsTimeValue extends DlmsLocated {
  readonly type: 'time';
  readonly time: { hour: number | null; minute: number | null; second: number | null; hundredths: number | null; text?: string };
  readonly bytes: Uint8Array;
}
/** Type description of DLMS data (as in compact-array headers). */
export type DlmsTypeDescription =
  | { readonly type: Exclude<DlmsDataType, 'array' | 'structure' | 'compact-array'> }
  | { readonly type: 'structure'; readonly items: DlmsTypeDescription[]; readonly lengthWidth?: number }
  | { readonly type: 'array'; readonly count: number; readonly element: DlmsTypeDescription };
export interface DlmsCompactArray extends DlmsLocated {
  readonly type: 'compact-array';
  readonly typeDescription: DlmsTypeDescription;
  /** One typed value per row (untagged on the wire). */
  readonly rows: DlmsData[];
  readonly lengthWidth?: number;
}

/** A decoded DLMS A-XDR value. */
export type DlmsData =
  | DlmsNull | DlmsList | DlmsBoolean | DlmsBitString | DlmsInteger | DlmsLong64 | DlmsFloat
  | DlmsOctetString | DlmsString | DlmsDateTimeValue | DlmsDateValue | DlmsTimeValue | DlmsCompactArray;

const ffOr = (v: number) => (v === 0xff ? null : v);
const inRange = (v: number, lo: number, hi: number) => v === 0xff || (v >= lo && v <= hi);

/** A 12-byte string plausibly a DLMS date-time (field ranges, or GBCS now/never). */
export function looksLikeDateTime(b: Uint8Array, o: number): boolean {
  const m = b[o + 2]!, d = b[o + 3]!, w = b[o + 4]!, h = b[o + 5]!, mi = b[o + 6]!, s = b[o + 7]!, hu = b[o + 8]!;
  const allZero = m === 0 && d === 0 && w === 0 && h === 0 && mi === 0 && s === 0 && hu === 0 && b[o] === 0 && b[o + 1] === 0;
  if (allZero) return true;
  return (inRange(m, 1, 12) || m === 0xfd || m === 0xfe) && (inRange(d, 1, 31) || d === 0xfd || d === 0xfe) && inRange(w, 1, 7) &&
    inRange(h, 0, 23) && inRange(mi, 0, 59) && inRange(s, 0, 59) && inRange(hu, 0, 99);
}
/** 5 bytes plausibly a DLMS date. */
export function looksLikeDate(b: Uint8Array, o: number): boolean {
  const m = b[o + 2]!, d = b[o + 3]!;
  return (inRange(m, 1, 12) || m === 0xfd || m === 0xfe) && (inRange(d, 1, 31) || d === 0xfd || d === 0xfe) && inRange(b[o + 4]!, 1, 7);
}
/** 4 bytes plausibly a DLMS time. */
export function looksLikeTime(b: Uint8Array, o: number): boolean {
  return inRange(b[o]!, 0, 23) && inRange(b[o + 1]!, 0, 59) && inRange(b[o + 2]!, 0, 59) && inRange(b[o + 3]!, 0, 99);
}

const two = (v: number | null) => (v === null ? '*' : String(v).padStart(2, '0'));
const MONTH_SPECIAL: Record<number, string> = { 0xfd: 'dst-end', 0xfe: 'dst-begin' };
const DAY_SPECIAL: Record<number, string> = { 0xfd: 'second-last', 0xfe: 'last' };

/** Reads a 5-byte DLMS date at `b[o]`. */
export function readDlmsDate(b: Uint8Array, o: number): DlmsDate {
  const y = (b[o]! << 8) | b[o + 1]!;
  const year = y === 0xffff ? null : y, month = ffOr(b[o + 2]!), dayOfMonth = ffOr(b[o + 3]!), dayOfWeek = ffOr(b[o + 4]!);
  const text = `${year === null ? '*' : String(year).padStart(4, '0')}-${(month !== null && MONTH_SPECIAL[month]) || two(month)}-${(dayOfMonth !== null && DAY_SPECIAL[dayOfMonth]) || two(dayOfMonth)}`;
  return { year, month, dayOfMonth, dayOfWeek, text };
}
/** Reads a 4-byte DLMS time at `b[o]`. */
export function readDlmsTime(b: Uint8Array, o: number): DlmsTime {
  const hour = ffOr(b[o]!), minute = ffOr(b[o + 1]!), second = ffOr(b[o + 2]!), hundredths = ffOr(b[o + 3]!);
  return { hour, minute, second, hundredths, text: `${two(hour)}:${two(minute)}:${two(second)}${hundredths === null ? '' : `.${two(hundredths)}`}` };
}

function bitText(b: Uint8Array, o: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += (b[o + (i >> 3)]! >> (7 - (i & 7))) & 1;
  return s;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');
// One scratch buffer for big-endian floats (no DataView per read).
const F64 = new Float64Array(1);
const F32 = new Float32Array(F64.buffer, 0, 1);
const FB = new Uint8Array(F64.buffer);
const LITTLE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
function readFloat(b: Uint8Array, o: number, n: 4 | 8): number {
  for (let i = 0; i < n; i++) FB[LITTLE ? n - 1 - i : i] = b[o + i]!;
  return n === 4 ? F32[0]! : F64[0]!;
}
function readU64(b: Uint8Array, o: number): bigint {
  const hi = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  const lo = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

// Views an octet string may carry (set while the tree is built, from shape only), and the
// node flags kept beside them in one number.
const V_NONE = 0, V_DATETIME = 1, V_OBIS = 2, V_DATE = 3, V_TIME = 4;
const V_MASK = 7;
/** An untagged compact-array value (its list elements are untagged too). */
const F_UNTAGGED = 8;
/** structure{protection-parameters, octet-string}: an IC 30 get_protected_attributes result. */
const F_PROTECTED = 16;
/** The type tag is kept in the flags from this bit up (a number per node is cheaper to switch on than the type name). */
const F_TAG_SHIFT = 8;

/**
 * One decoded DLMS Data value. The same fields in the same order for every type; the
 * type-specific members (`value`, `bytes`, `dateTime`, `obis`, `date`, `time`, `bits`, ...)
 * are getters over the payload bytes, computed on first read. Read it through the
 * DlmsData union (narrow on `type`); `toJSON()` gives the JSON shape of the value.
 *
 * Decision (issue 12 item 2): a full payload decode (decodeDlmsBytes) builds every node in
 * one pass (DlmsWalk below). Values built from a WASM walk (the lazy view's items,
 * decodeDlmsData): the elements of an array/structure (`items`) and the rows of a
 * compact-array (`rows`, `typeDescription`) are built from the walk's node index on first
 * read and then cached: a decode builds the top-level values only, and a tree read in full
 * builds each node once, as before. The node index is a view of WASM memory: when another
 * walk has overwritten it, the first such read walks the payload bytes again (the same
 * numbering) and keeps that copy. Like every value getter, this reads the payload bytes,
 * so a caller that reuses its buffer decodes with `{ copy: true }`. A decode given an
 * explicit Budget builds the whole tree at once (counted before allocating).
 */
export class DlmsNode implements DlmsLocated {
  // Public fields `declare`d and assigned in the constructor (no class-field define step per node).
  declare readonly type: DlmsDataType;
  declare readonly offset: number;
  declare readonly length: number;
  // Speed (issue 12): the rarely set members below are not own fields unless set (an absent
  // property reads undefined).
  /** Width of a non-minimal length/count field, else undefined. */
  declare readonly lengthWidth: number | undefined;
  declare encrypted: true | undefined;
  declare decrypted: DecryptedContent<DlmsData> | undefined;
  readonly #s: WalkSource;
  /** Node index in the walk. */
  readonly #i: number;
  /** Position of the first value byte in the payload bytes. */
  readonly #v: number;
  /** Byte count (strings), bit count (bit-string), element count (lists), contents length (compact-array). */
  readonly #n: number;
  /** View (V_*) | flags (F_*). */
  #f: number;
  #cache: unknown;
  /** items / rows once built (lists), or the `bytes` view once read (other types): no allocation per read. */
  #kids: DlmsData[] | Uint8Array | undefined;

  constructor(type: DlmsDataType, offset: number, length: number, s: WalkSource, i: number, v: number, n: number, lengthWidth: number | undefined, f: number) {
    this.type = type;
    this.offset = offset;
    this.length = length;
    this.#s = s;
    this.#i = i;
    this.#v = v;
    this.#n = n;
    this.#f = f;
    this.#cache = undefined;
    this.#kids = undefined;
    if (lengthWidth !== undefined) (this as { lengthWidth: number }).lengthWidth = lengthWidth;
  }

  /** array / structure elements (undefined for other types), built on first read. */
  get items(): DlmsData[] | undefined {
    const t = this.type;
    if (t !== 'array' && t !== 'structure') return undefined;
    return (this.#kids as DlmsData[] | undefined) ?? this.#children();
  }
  /** compact-array rows, one typed value per row (undefined for other types), built on first read. */
  get rows(): DlmsData[] | undefined {
    if (this.type !== 'compact-array') return undefined;
    return (this.#kids as DlmsData[] | undefined) ?? this.#children();
  }
  /** compact-array type description (undefined for other types). */
  get typeDescription(): DlmsTypeDescription | undefined {
    if (this.type !== 'compact-array') return undefined;
    return (this.#cache as DlmsTypeDescription | undefined) ?? (this.#cache = buildTypeDescription(this.#s.index(), this.#i + 1)) as DlmsTypeDescription;
  }
  /** Set on structure{protection-parameters, octet-string}: an IC 30 get_protected_attributes result (encrypted; see the security module). */
  get protectedAttributes(): true | undefined {
    if (this.type !== 'structure') return undefined;
    if (this.#kids === undefined) this.#children();
    return (this.#f & F_PROTECTED) !== 0 ? true : undefined;
  }

  #children(): DlmsData[] {
    const s = this.#s;
    const ix = s.index();
    const w = ix.w, base = ix.base;
    const i = this.#i;
    const stop = w[base + i * NODE_WORDS + N_NEXT]!;
    let out: DlmsData[];
    if (this.type === 'compact-array') {
      out = [];
      for (let r = w[base + (i + 1) * NODE_WORDS + N_NEXT]!; r < stop; r = w[base + r * NODE_WORDS + N_NEXT]!) {
        out.push(makeAt(s, w, base + r * NODE_WORDS, r, true) as unknown as DlmsData);
      }
    } else {
      out = new Array(this.#n);
      const untagged = (this.#f & F_UNTAGGED) !== 0;
      let k = 0;
      osHint = false;
      for (let ch = i + 1; ch < stop; ch = w[base + ch * NODE_WORDS + N_NEXT]!) out[k++] = makeAt(s, w, base + ch * NODE_WORDS, ch, untagged) as unknown as DlmsData;
      if (osHint && this.type === 'structure') markStructure(this, out);
    }
    return (this.#kids = out);
  }

  /** Numeric, boolean, bigint or text value (undefined for lists, octet strings, dates). */
  get value(): number | bigint | boolean | string | undefined {
    const b = this.#s.b, v = this.#v;
    switch (this.type) {
      case 'boolean': return b[v] !== 0;
      case 'integer': return (b[v]! << 24) >> 24;
      case 'unsigned': case 'enum': case 'bcd': return b[v]!;
      case 'long': return (((b[v]! << 8) | b[v + 1]!) << 16) >> 16;
      case 'long-unsigned': return (b[v]! << 8) | b[v + 1]!;
      case 'double-long': return (b[v]! << 24) | (b[v + 1]! << 16) | (b[v + 2]! << 8) | b[v + 3]!;
      case 'double-long-unsigned': return ((b[v]! << 24) | (b[v + 1]! << 16) | (b[v + 2]! << 8) | b[v + 3]!) >>> 0;
      case 'long64': return (this.#cache as bigint | undefined) ?? (this.#cache = BigInt.asIntN(64, readU64(b, v))) as bigint;
      case 'long64-unsigned': return (this.#cache as bigint | undefined) ?? (this.#cache = readU64(b, v)) as bigint;
      case 'float32': return readFloat(b, v, 4);
      case 'float64': return readFloat(b, v, 8);
      case 'visible-string': case 'utf8-string':
        return (this.#cache as string | undefined) ?? (this.#cache = (this.type === 'utf8-string' ? utf8 : latin1).decode(b.subarray(v, v + this.#n))) as string;
      default: return undefined;
    }
  }

  /** The boolean's byte when neither 00 nor 01 (GBCS TRUE is FF). */
  get raw(): number | undefined {
    if (this.type !== 'boolean') return undefined;
    const r = this.#s.b[this.#v]!;
    return r > 1 ? r : undefined;
  }

  /** Contents bytes (a view of the payload, made on first read) for strings, bit-strings, floats and date/time types. */
  get bytes(): Uint8Array | undefined {
    const t = this.type;
    if (t === 'array' || t === 'structure' || t === 'compact-array') return undefined;
    const k = this.#kids as Uint8Array | undefined;
    if (k !== undefined) return k;
    const v = this.#v;
    let n: number;
    switch (t) {
      case 'octet-string': case 'visible-string': case 'utf8-string': n = this.#n; break;
      case 'bit-string': n = (this.#n + 7) >> 3; break;
      case 'float32': case 'time': n = 4; break;
      case 'float64': n = 8; break;
      case 'date': n = 5; break;
      case 'date-time': n = 12; break;
      default: return undefined;
    }
    return (this.#kids = this.#s.b.subarray(v, v + n));
  }

  get bitCount(): number | undefined {
    return this.type === 'bit-string' ? this.#n : undefined;
  }
  /** '0'/'1' per bit (made on first read). */
  get bits(): string | undefined {
    if (this.type !== 'bit-string') return undefined;
    return (this.#cache as string | undefined) ?? (this.#cache = bitText(this.#s.b, this.#v, this.#n)) as string;
  }

  get dateTime(): GbcsDateTime | undefined {
    if (this.type !== 'date-time' && (this.#f & V_MASK) !== V_DATETIME) return undefined;
    return (this.#cache as GbcsDateTime | undefined) ?? (this.#cache = decodeDateTime(this.#s.b, this.#v)) as GbcsDateTime;
  }
  get obis(): Obis | undefined {
    if ((this.#f & V_MASK) !== V_OBIS) return undefined;
    return (this.#cache as Obis | undefined) ?? (this.#cache = new ObisCode(this.#s.b, this.#v)) as Obis;
  }
  get date(): DlmsDate | undefined {
    if (this.type !== 'date' && (this.#f & V_MASK) !== V_DATE) return undefined;
    return (this.#cache as DlmsDate | undefined) ?? (this.#cache = readDlmsDate(this.#s.b, this.#v)) as DlmsDate;
  }
  get time(): DlmsTime | undefined {
    if (this.type !== 'time' && (this.#f & V_MASK) !== V_TIME) return undefined;
    return (this.#cache as DlmsTime | undefined) ?? (this.#cache = readDlmsTime(this.#s.b, this.#v)) as DlmsTime;
  }

  /** @internal builder: marks a 6/5/4-byte octet string as an OBIS code / date / time. */
  markView(view: number): void {
    if ((this.#f & V_MASK) === V_NONE) this.#f |= view;
  }
  /** @internal builder: marks an IC 30 get_protected_attributes result structure. */
  markProtected(): void {
    this.#f |= F_PROTECTED;
  }
  /** @internal builder: the elements / rows of an eagerly built node. */
  setKids(kids: DlmsData[]): void {
    this.#kids = kids;
  }
  /** @internal builder: the type description of a compact-array built in one pass (DlmsWalk). */
  setTypeDescription(td: DlmsTypeDescription): void {
    this.#cache = td;
  }
  /** @internal */
  get view(): number {
    return this.#f & V_MASK;
  }
  /** @internal builder: contents length of a string, element count of a list (no view allocated). */
  get size(): number {
    return this.#n;
  }
  /** @internal builder: the payload bytes and the first contents byte. */
  get src(): Uint8Array {
    return this.#s.b;
  }
  /** @internal */
  get pos(): number {
    return this.#v;
  }
  /** @internal builder: the node index in the walk and the source it was walked from. */
  get at(): number {
    return this.#i;
  }
  /** @internal */
  get source(): WalkSource {
    return this.#s;
  }

  /** JSON shape of the value (bytes as hex, bigints as decimal text, names resolved). */
  toJSON(): Record<string, unknown> {
    return this.toJsonSafe();
  }

  /** Node's util.inspect / console.log shows the JSON view (elements included, built on first read). */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, unknown> {
    return this.toJsonSafe();
  }

  /**
   * Writes JSON.stringify(toJsonSafe()) straight into a JsonWriter (json.ts JSON_WRITE
   * protocol, issue 12 item 5): members read from the node and its lazily built children,
   * hex written from the payload bytes, no JSON-safe copy. Keep in step with toJsonSafe()
   * (test/json-writer.test.ts compares the two on every RTDS frame).
   */
  [JSON_WRITE](w: JsonWriter): void {
    const f = this.#f;
    const tag = f >>> F_TAG_SHIFT;
    // One template per tag: `{"type":"<name>"` and the member that always follows.
    w.frag(JSON_HEAD[tag]!);
    const b = this.#s.b, v = this.#v;
    switch (tag) {
      case 0x01: case 0x02: case 0x13: {
        let list: DlmsData[];
        if (tag === 0x13) {
          w.value(this.typeDescription);
          list = (this.#kids as DlmsData[] | undefined) ?? this.#children();
          w.frag(J_ROWS);
        } else {
          list = (this.#kids as DlmsData[] | undefined) ?? this.#children();
        }
        for (let k = 0; k < list.length; k++) {
          if (k > 0) w.byte(44);
          const x = list[k] as unknown;
          if (x instanceof DlmsNode) x[JSON_WRITE](w);
          else if (x === undefined) w.raw('null');
          else w.value(x);
        }
        w.byte(93);
        // (read again: building the elements may have marked the structure)
        if (tag === 0x02 && (this.#f & F_PROTECTED) !== 0) w.frag(J_PROTECTED);
        break;
      }
      case 0x09: {
        w.hex(b, v, v + this.#n);
        const view = f & V_MASK;
        if (view === V_DATETIME) {
          w.frag(J_DATETIME);
          writeDateTime(w, this.dateTime!);
        } else if (view === V_OBIS) {
          w.frag(J_OBIS);
          (this.obis as ObisCode)[JSON_WRITE](w);
        } else if (view === V_DATE) {
          w.frag(J_DATE);
          writeDateOrTime(w, this.date!);
        } else if (view === V_TIME) {
          w.frag(J_TIME);
          writeDateOrTime(w, this.time!);
        }
        if (this.encrypted) w.frag(J_ENCRYPTED);
        const d = this.decrypted;
        if (d) {
          w.frag(J_DECRYPTED);
          w.value(d);
        }
        break;
      }
      case 0x04:
        w.num(this.#n);
        w.frag(J_BYTES);
        w.hex(b, v, v + ((this.#n + 7) >> 3));
        w.frag(J_BITS);
        w.str(this.bits!);
        break;
      case 0x19:
        writeDateTime(w, this.dateTime!);
        w.frag(J_BYTES);
        w.hex(b, v, v + 12);
        break;
      case 0x1a:
        writeDateOrTime(w, this.date!);
        w.frag(J_BYTES);
        w.hex(b, v, v + 5);
        break;
      case 0x1b:
        writeDateOrTime(w, this.time!);
        w.frag(J_BYTES);
        w.hex(b, v, v + 4);
        break;
      case 0x00:
        break;
      case 0x03: {
        const r = b[v]!;
        w.frag(r !== 0 ? J_TRUE : J_FALSE);
        if (r > 1) w.fragNum(J_RAW, r);
        break;
      }
      case 0x11: case 0x16: case 0x0d:
        w.num(b[v]!);
        break;
      case 0x12:
        w.num((b[v]! << 8) | b[v + 1]!);
        break;
      case 0x0a: case 0x0c: case 0x17: case 0x18: {
        w.value(this.value);
        w.frag(J_BYTES);
        w.hex(this.bytes!);
        break;
      }
      default: {
        // integer, long, double-long(-unsigned): numbers; long64(-unsigned): bigints as decimal text
        const val = this.value;
        if (typeof val === 'number') w.num(val);
        else w.value(val);
      }
    }
    const lw = this.lengthWidth;
    if (lw !== undefined) w.fragNum(J_LENGTH_WIDTH, lw);
    w.offsetLength(this.offset, this.length);
  }

  /** The JSON-safe shape (what toJsonSafe and JSON.stringify give), children included. */
  toJsonSafe(): Record<string, unknown> {
    const o: Record<string, unknown> = { type: this.type };
    const t = this.type;
    const b = this.#s.b, v = this.#v;
    if (t === 'array' || t === 'structure') {
      const items = (this.#kids as DlmsData[] | undefined) ?? this.#children();
      const out = new Array(items.length);
      for (let k = 0; k < items.length; k++) out[k] = toJsonSafe(items[k]);
      o.items = out;
      if ((this.#f & F_PROTECTED) !== 0) o.protectedAttributes = true;
    } else if (t === 'compact-array') {
      o.typeDescription = this.typeDescription;
      const rows = (this.#kids as DlmsData[] | undefined) ?? this.#children();
      const out = new Array(rows.length);
      for (let k = 0; k < rows.length; k++) out[k] = toJsonSafe(rows[k]);
      o.rows = out;
    } else if (t === 'octet-string') {
      o.bytes = toHex(b, v, v + this.#n);
      const view = this.#f & V_MASK;
      if (view === V_DATETIME) o.dateTime = this.dateTime;
      else if (view === V_OBIS) o.obis = (this.obis as ObisCode).toJSON();
      else if (view === V_DATE) o.date = this.date;
      else if (view === V_TIME) o.time = this.time;
      if (this.encrypted) o.encrypted = true;
      if (this.decrypted) o.decrypted = toJsonSafe(this.decrypted);
    } else if (t === 'bit-string') {
      o.bitCount = this.#n;
      o.bytes = toHex(b, v, v + ((this.#n + 7) >> 3));
      o.bits = this.bits;
    } else if (t === 'date-time') {
      o.dateTime = this.dateTime;
      o.bytes = toHex(b, v, v + 12);
    } else if (t === 'date') {
      o.date = this.date;
      o.bytes = toHex(b, v, v + 5);
    } else if (t === 'time') {
      o.time = this.time;
      o.bytes = toHex(b, v, v + 4);
    } else if (t !== 'null') {
      const val = this.value;
      o.value = typeof val === 'bigint' ? val.toString() : val;
      if (t === 'boolean' && this.raw !== undefined) o.raw = this.raw;
      else if (t === 'float32' || t === 'float64' || t === 'visible-string' || t === 'utf8-string') o.bytes = toHex(this.bytes!);
    }
    if (this.lengthWidth !== undefined) o.lengthWidth = this.lengthWidth;
    o.offset = this.offset;
    o.length = this.length;
    return o;
  }
}

const J_NULL = jsonFragment('null');
const numOrNull = (w: JsonWriter, v: number | null): void => (v === null ? w.frag(J_NULL) : w.num(v));
const DT_KEYS = ['{"year":', ',"month":', ',"dayOfMonth":', ',"dayOfWeek":', ',"hour":', ',"minute":', ',"second":', ',"hundredths":', ',"deviation":', ',"clockStatus":', ',"hex":']
  .map(jsonFragment);
const J_SPECIAL = jsonFragment(',"special":');
const J_ISO = jsonFragment(',"iso":');

/**
 * Writes JSON.stringify(dt) for a decodeDateTime() result (what a DlmsNode caches): its
 * members in decodeDateTime's fixed order (keep in step with dateTime.ts; the differential
 * test compares every RTDS tree), without the generic per-key walk.
 */
function writeDateTime(w: JsonWriter, dt: GbcsDateTime): void {
  const d = dt as GbcsDateTime & { special?: string; iso?: string };
  const k = DT_KEYS;
  w.frag(k[0]!);
  numOrNull(w, d.year);
  w.frag(k[1]!);
  numOrNull(w, d.month);
  w.frag(k[2]!);
  numOrNull(w, d.dayOfMonth);
  w.frag(k[3]!);
  numOrNull(w, d.dayOfWeek);
  w.frag(k[4]!);
  numOrNull(w, d.hour);
  w.frag(k[5]!);
  numOrNull(w, d.minute);
  w.frag(k[6]!);
  numOrNull(w, d.second);
  w.frag(k[7]!);
  numOrNull(w, d.hundredths);
  w.frag(k[8]!);
  numOrNull(w, d.deviation);
  w.frag(k[9]!);
  numOrNull(w, d.clockStatus);
  w.frag(k[10]!);
  w.str(d.hex);
  if (d.special !== undefined) (w.frag(J_SPECIAL), w.str(d.special));
  if (d.iso !== undefined) (w.frag(J_ISO), w.str(d.iso));
  w.byte(125);
}

const DATE_KEYS = ['{"year":', ',"month":', ',"dayOfMonth":', ',"dayOfWeek":'].map(jsonFragment);
const TIME_KEYS = ['{"hour":', ',"minute":', ',"second":', ',"hundredths":'].map(jsonFragment);
const J_TEXT = jsonFragment(',"text":');

/**
 * Writes JSON.stringify() of a readDlmsDate / readDlmsTime result (their members in that
 * fixed order, text last), as the generic object walk would.
 */
function writeDateOrTime(w: JsonWriter, x: DlmsDate | DlmsTime): void {
  if ((x as DlmsDate).text === undefined || Object.getPrototypeOf(x) !== Object.prototype) return w.value(x);
  if ('year' in x) {
    w.frag(DATE_KEYS[0]!);
    numOrNull(w, x.year);
    w.frag(DATE_KEYS[1]!);
    numOrNull(w, x.month);
    w.frag(DATE_KEYS[2]!);
    numOrNull(w, x.dayOfMonth);
    w.frag(DATE_KEYS[3]!);
    numOrNull(w, x.dayOfWeek);
  } else {
    w.frag(TIME_KEYS[0]!);
    numOrNull(w, x.hour);
    w.frag(TIME_KEYS[1]!);
    numOrNull(w, x.minute);
    w.frag(TIME_KEYS[2]!);
    numOrNull(w, x.second);
    w.frag(TIME_KEYS[3]!);
    numOrNull(w, x.hundredths);
  }
  w.frag(J_TEXT);
  w.str(x.text);
  w.byte(125);
}

/**
 * Shared state of one tree build: the walked source and, when the caller gave one, the
 * work budget (then the whole tree is built at once, counted before allocating).
 */
export class DlmsBuild {
  readonly s: WalkSource;
  readonly b: Uint8Array;
  readonly base: number;
  constructor(readonly ix: NodeIndex, base: number, readonly budget: Budget | undefined) {
    this.s = new WalkSource(ix, base);
    this.b = ix.bytes;
    this.base = base;
  }
}

/** Width of the length field before node value when non-minimal, else undefined. */
function widthIfOdd(ix: NodeIndex, i: number, headerBefore: number): number | undefined {
  const w = ix.value(i) - ix.start(i) - headerBefore;
  return w === minBerWidth(ix.aux(i)) ? undefined : w;
}

/**
 * Set by makeNode when it made an octet string markStructure may mark (4, 5 or 6 bytes, or the
 * 17+ bytes of a protected-attributes blob): a structure without one skips markStructure.
 */
let osHint = false;

/** Node i (NC_DLMS_DATA, or NC_DLMS_CA_VALUE when `untagged`) without its elements (built on first read). */
function makeNode(s: WalkSource, ix: NodeIndex, i: number, untagged: boolean): DlmsNode {
  return makeAt(s, ix.w, ix.base + i * NODE_WORDS, i, untagged);
}

/**
 * Node i, whose words start at `w[p]`: the node words read straight from the index (no
 * accessor call per word; issue 12 item 2, bulk child creation).
 */
function makeAt(s: WalkSource, w: Int32Array, p: number, i: number, untagged: boolean): DlmsNode {
  const tag = w[p + N_KIND]! & 0xff;
  const start = w[p + N_START]!;
  const length = w[p + N_END]! - start;
  // Fixed-size values (most nodes): no count, no length field.
  if (tag > 0x13 || (tag > 0x0c && tag !== 0x13) || tag === 0x03 || tag === 0x05 || tag === 0x06 || tag === 0x00) {
    return new DlmsNode(TYPE_BY_TAG[tag]!, s.base + start, length, s, i, w[p + N_VALUE]!, 0, undefined, (untagged ? F_UNTAGGED : 0) | (tag << F_TAG_SHIFT));
  }
  const v = w[p + N_VALUE]!;
  const n = w[p + N_AUX]! >>> 0;
  let lw: number | undefined;
  let f = (untagged ? F_UNTAGGED : 0) | (tag << F_TAG_SHIFT);
  // Width of the length/count field (the bytes between tag and value), kept when non-minimal.
  if (tag === 0x01 || tag === 0x02) {
    if (!untagged) {
      const lwid = v - start - 1;
      if (lwid !== minBerWidth(n)) lw = lwid;
    }
  } else if (tag === 0x13) {
    const lenField = v - w[p + NODE_WORDS + N_END]!;
    if (lenField !== minBerWidth(n)) lw = lenField;
  } else {
    // 04 bit-string, 09 octet-string, 0A visible-string, 0C utf8-string
    const lwid = untagged ? v - start : v - start - 1;
    if (lwid !== minBerWidth(n)) lw = lwid;
    if (tag === 0x09) {
      if (n === 12) {
        if (looksLikeDateTime(s.b, v)) f |= V_DATETIME;
      } else if ((n >= 4 && n <= 6) || n >= 17) osHint = true;
    }
  }
  return new DlmsNode(TYPE_BY_TAG[tag]!, s.base + start, length, s, i, v, n, lw, f);
}

/**
 * Builds the Data value of node i and its whole subtree at once, counting against
 * `budget` (the caller has taken the node itself; a list takes its elements before it
 * allocates them).
 */
function buildEager(s: WalkSource, ix: NodeIndex, i: number, depth: number, untagged: boolean, budget: Budget): DlmsNode {
  const start = ix.start(i);
  const offset = s.base + start;
  budget.depth(depth, offset);
  const tag = ix.tag(i);
  if (tag === 0x01 || tag === 0x02) {
    const count = ix.aux(i);
    budget.take(count, offset);
    const items: DlmsData[] = new Array(count);
    const stop = ix.next(i);
    let k = 0;
    for (let ch = i + 1; ch < stop; ch = ix.next(ch)) items[k++] = buildEager(s, ix, ch, depth + 1, untagged, budget) as unknown as DlmsData;
    const node = makeNode(s, ix, i, untagged);
    node.setKids(items);
    if (tag === 0x02) markStructure(node, items);
    return node;
  }
  if (tag === 0x13) {
    const node = makeNode(s, ix, i, false);
    void node.typeDescription;
    const rows: DlmsData[] = [];
    const stop = ix.next(i);
    for (let r = ix.next(i + 1); r < stop; r = ix.next(r)) {
      budget.take(1, s.base + ix.start(r));
      rows.push(buildEager(s, ix, r, depth + 1, true, budget) as unknown as DlmsData);
    }
    node.setKids(rows);
    return node;
  }
  return makeNode(s, ix, i, untagged);
}

/**
 * Builds the Data value of node i (the caller has taken it from the budget when it gave
 * one): its elements on first read, or, with a budget, the whole subtree now.
 */
export function buildNode(c: DlmsBuild, i: number, depth: number, untagged: boolean): DlmsData {
  return (c.budget === undefined ? makeNode(c.s, c.ix, i, untagged) : buildEager(c.s, c.ix, i, depth, untagged, c.budget)) as unknown as DlmsData;
}

const isOs = (d: DlmsData | undefined, n: number): boolean =>
  d !== undefined && d.type === 'octet-string' && (d as unknown as DlmsNode).size === n;

/** Shape-based views inside a structure (OBIS codes, dates, times) and the IC 30 marker. */
function markStructure(node: DlmsNode, items: DlmsData[]): void {
  const n = items.length;
  for (let k = 0; k < n; k++) {
    const it = items[k] as unknown as DlmsNode;
    if (it.type !== 'octet-string') continue;
    const len = it.size;
    if (len !== 6 && len !== 5 && len !== 4) continue;
    const b = it.src, v = it.pos;
    const prev = items[k - 1];
    // Decision: a 6-byte octet string is an OBIS code when it follows a long-unsigned class
    // id (object definitions, capture objects, restricting objects) or ends in 0xFF.
    if (len === 6) {
      if (b[v + 5] === 0xff || prev?.type === 'long-unsigned') it.markView(V_OBIS);
    } else if (len === 4) {
      const next = items[k + 1];
      if ((isOs(next, 6) || isOs(next, 5)) && looksLikeTime(b, v)) it.markView(V_TIME);
    } else if (looksLikeDate(b, v)) {
      const next = items[k + 1];
      if ((isOs(prev, 4) && (prev as unknown as DlmsNode).view === V_TIME) ||
        (n === 3 && k === 1 && prev?.type === 'long-unsigned' && next?.type === 'unsigned')) it.markView(V_DATE);
    }
  }
  // Class 10 schedule entry: {u16, boolean, os6, u16, os4 switch_time, u16, bits, bits, os5 begin, os5 end}.
  if (n === 10 && items[0]!.type === 'long-unsigned' && items[1]!.type === 'boolean' && isOs(items[2], 6) && isOs(items[4], 4) &&
    items[6]!.type === 'bit-string' && isOs(items[8], 5) && isOs(items[9], 5)) {
    const t = items[4] as unknown as DlmsNode;
    if (looksLikeTime(t.src, t.pos)) t.markView(V_TIME);
    for (const k of [8, 9]) {
      const d = items[k] as unknown as DlmsNode;
      if (looksLikeDate(d.src, d.pos)) d.markView(V_DATE);
    }
  }
  if (n === 2) {
    const pp = items[0]!, ct = items[1] as unknown as DlmsNode;
    if (pp.type === 'array' && ct.type === 'octet-string' && ct.size >= 17 && ct.src[ct.pos] === 0x31) {
      node.markProtected();
      ct.encrypted = true;
    }
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

/**
 * Builds a tagged Data value from node i (NC_DLMS_DATA). `base` is added to node offsets
 * (frame offset of the walked bytes). With a `budget` (shared with the rest of a decode)
 * the whole value is built and counted now; without, elements are built on first read
 * (the walk already bounded nodes and depth by the shared limits).
 */
export function buildDlmsData(ix: NodeIndex, i: number, base = 0, budget?: Budget): DlmsData {
  return buildRoot(new DlmsBuild(ix, base, budget), i, 1);
}

/** Takes one node from the budget (when there is one) and builds the tagged value of node i. */
export function buildRoot(c: DlmsBuild, i: number, depth: number): DlmsData {
  c.budget?.take(1, c.base + c.ix.start(i));
  return buildNode(c, i, depth, false);
}

/**
 * Decodes one A-XDR Data value filling `bytes` exactly. Offsets are relative to `bytes`
 * plus `offsetBase`; `budget` lets a caller share one work budget across several values
 * (the value is then built whole at once, counted before allocating).
 */
export function decodeDlmsData(bytes: Uint8Array, options: { offsetBase?: number; budget?: Budget } = {}): DlmsData {
  const base = options.offsetBase ?? 0;
  const ix = walkNodes(bytes, L.W_DLMS_DATA, false, base);
  return buildDlmsData(ix, 0, base, options.budget);
}

// ---- one-pass decode in TypeScript (issue 12 item 2) ----
//
// Decision (issue 12 item 2, measured with bench/tree.mjs): a full decode of a DLMS payload
// (frame.payload.decoded, decodePayload) checks and builds the whole tree in one pass here,
// instead of the WASM walk (assembly/dlms.ts) and elements built from its node index on
// first read. The WASM walk cost ~6-8 ns a node plus the call, and reading its index back
// ~3 more: one TypeScript pass that builds as it checks costs about what the WASM walk and
// the top-level build cost together, and a tree read to every node ~35% less. The lazy
// view (frame.payload.get(i) / length) keeps the WASM walk and its index.
// The checks are the WASM walker's, in the same order, with the same errors and offsets,
// and the nodes are counted as it counts them (MAX_NODES, 'too-many-nodes' at the same
// node; MAX_DEPTH, 'nesting-too-deep'): test/dlms-walk.test.ts compares the two on every
// RTDS DLMS payload and seeded mutations of them. Every element costs at least one input
// byte, so no list is allocated larger than the bytes left.

/** Bytes after the tag of fixed-size Data values by tag; -1 for variable or invalid tags (assembly/dlms.ts fixedSize). */
const FIXED_SIZE = /* @__PURE__ */ (() => {
  const t = new Int8Array(256).fill(-1);
  t[0x00] = 0;
  for (const x of [0x03, 0x0d, 0x0f, 0x11, 0x16]) t[x] = 1;
  for (const x of [0x10, 0x12]) t[x] = 2;
  for (const x of [0x05, 0x06, 0x17, 0x1b]) t[x] = 4;
  t[0x1a] = 5;
  for (const x of [0x14, 0x15, 0x18]) t[x] = 8;
  t[0x19] = 12;
  return t;
})();
const NO_INDEX = /* @__PURE__ */ new Int32Array(0);

/** A compact-array type description as walked: the tag, its count, its element types, and the public form. */
interface WalkedType {
  readonly tag: number;
  readonly aux: number;
  readonly kids: readonly WalkedType[];
  readonly pub: DlmsTypeDescription;
}

/** True for an octet string markStructure may mark (4, 5 or 6 bytes, or a 17+ byte protected-attributes blob). */
const osHintOf = (d: DlmsNode): boolean => {
  if (d.type !== 'octet-string') return false;
  const n = d.size;
  return (n >= 4 && n <= 6) || n >= 17;
};

/**
 * @internal The one-pass DLMS Data decoder (see the decision above): positions are in `b`
 * (the payload), node offsets and error offsets are `base` + position.
 */
export class DlmsWalk {
  readonly b: Uint8Array;
  readonly base: number;
  readonly s: WalkSource;
  /** Nodes counted so far (as the WASM walker counts them). */
  nodes = 0;
  /** Width of the last A-XDR length read. */
  lenWidth = 0;
  /** Position just past the last value built. */
  pos = 0;
  constructor(b: Uint8Array, base: number) {
    this.b = b;
    this.base = base;
    this.s = new WalkSource(new NodeIndex(b, NO_INDEX, 0, 0), base);
  }

  fail(code: number, pos: number): never {
    throw GbcsDecodeError.fromStatus(code, this.base + pos);
  }
  /** Counts one node starting at `pos` (the WASM walker's newNode). */
  node(pos: number): void {
    if (this.nodes >= L.MAX_NODES) this.fail(L.E_TOO_MANY_NODES, pos);
    this.nodes++;
  }
  /** A-XDR length at p (short form or 81-84); sets lenWidth (assembly/reader.ts axdrLength). */
  axdrLength(p: number, end: number): number {
    const b = this.b;
    if (p >= end) this.fail(L.E_TRUNCATED, p);
    const first = b[p]!;
    if (first < 0x80) {
      this.lenWidth = 1;
      return first;
    }
    const n = first & 0x7f;
    if (n === 0 || n > 4) this.fail(L.E_DLMS_LENGTH, p);
    if (!(p + 1 <= end && n <= end - p - 1)) this.fail(L.E_TRUNCATED, end);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + b[p + 1 + i]!;
    if (v > 0x7fffffff) this.fail(L.E_DLMS_LENGTH, p);
    this.lenWidth = n + 1;
    return v;
  }

  /** One tagged Data value at p (assembly/dlms.ts dlmsData); `pos` is set past it. */
  data(p: number, end: number, depth: number): DlmsNode {
    if (depth > L.MAX_DEPTH) this.fail(L.E_NESTING_TOO_DEEP, p);
    if (p >= end) this.fail(L.E_TRUNCATED, p);
    const b = this.b;
    const tag = b[p]!;
    this.node(p);
    let q = p + 1;
    const fixed = FIXED_SIZE[tag]!;
    if (fixed >= 0) {
      if (!(q <= end && fixed <= end - q)) this.fail(L.E_TRUNCATED, end);
      this.pos = q + fixed;
      return new DlmsNode(TYPE_BY_TAG[tag]!, this.base + p, 1 + fixed, this.s, -1, q, 0, undefined, tag << F_TAG_SHIFT);
    }
    if (tag === 0x01 || tag === 0x02) {
      const c = this.axdrLength(q, end);
      const lwid = this.lenWidth;
      q += lwid;
      const v = q;
      const items: DlmsData[] = c <= end - q ? new Array(c) : [];
      let hint = false;
      for (let k = 0; k < c; k++) {
        const it = this.data(q, end, depth + 1);
        items[k] = it as unknown as DlmsData;
        q = this.pos;
        if (!hint && osHintOf(it)) hint = true;
      }
      const node = new DlmsNode(TYPE_BY_TAG[tag]!, this.base + p, q - p, this.s, -1, v, c, lwid === minBerWidth(c) ? undefined : lwid, tag << F_TAG_SHIFT);
      node.setKids(items);
      if (hint && tag === 0x02) markStructure(node, items);
      this.pos = q;
      return node;
    }
    if (tag === 0x04 || tag === 0x09 || tag === 0x0a || tag === 0x0c) return this.#counted(p, q, end, tag, 0);
    if (tag === 0x13) return this.#compactArray(p, q, end, depth);
    return this.fail(L.E_DLMS_DATA_TAG, p);
  }

  /** Length-prefixed octets at q (bit-string: a bit count) of the value starting at p (assembly/dlms.ts counted). */
  #counted(p: number, q: number, end: number, tag: number, flags: number): DlmsNode {
    const c = this.axdrLength(q, end);
    const lwid = this.lenWidth;
    q += lwid;
    const bytes = tag === 0x04 ? (c + 7) >> 3 : c;
    if (!(q <= end && bytes <= end - q)) this.fail(L.E_TRUNCATED, end);
    let f = flags | (tag << F_TAG_SHIFT);
    if (tag === 0x09 && c === 12 && looksLikeDateTime(this.b, q)) f |= V_DATETIME;
    this.pos = q + bytes;
    return new DlmsNode(TYPE_BY_TAG[tag]!, this.base + p, q + bytes - p, this.s, -1, q, c, lwid === minBerWidth(c) ? undefined : lwid, f);
  }

  /** `13` ‖ type-description ‖ contents-length ‖ rows (q after the tag; assembly/dlms.ts compactArray). */
  #compactArray(p: number, q: number, end: number, depth: number): DlmsNode {
    const td = this.#typeDescription(q, end, depth + 1);
    q = this.pos;
    const len = this.axdrLength(q, end);
    const lwid = this.lenWidth;
    q += lwid;
    if (!(q <= end && len <= end - q)) this.fail(L.E_TRUNCATED, end);
    const v = q;
    const cEnd = q + len;
    const rows: DlmsData[] = [];
    while (q < cEnd) {
      const r = this.#untagged(td, q, cEnd, depth + 1);
      // A row of zero bytes (empty structure, null type) would never reach the end.
      if (this.pos === q) this.fail(L.E_DLMS_COMPACT_ARRAY, q);
      rows.push(r as unknown as DlmsData);
      q = this.pos;
    }
    const node = new DlmsNode('compact-array', this.base + p, cEnd - p, this.s, -1, v, len, lwid === minBerWidth(len) ? undefined : lwid, 0x13 << F_TAG_SHIFT);
    node.setKids(rows);
    node.setTypeDescription(td.pub);
    this.pos = cEnd;
    return node;
  }

  /** A compact-array type description at p (assembly/dlms.ts typeDescription). */
  #typeDescription(p: number, end: number, depth: number): WalkedType {
    if (depth > L.MAX_DEPTH) this.fail(L.E_NESTING_TOO_DEEP, p);
    if (p >= end) this.fail(L.E_TRUNCATED, p);
    const b = this.b;
    const tag = b[p]!;
    this.node(p);
    let q = p + 1;
    const type = TYPE_BY_TAG[tag]!;
    let out: WalkedType;
    if (tag === 0x02) {
      const c = this.axdrLength(q, end);
      if (c === 0) this.fail(L.E_DLMS_TYPE_DESCRIPTION, p);
      const lwid = this.lenWidth;
      q += lwid;
      const kids: WalkedType[] = [];
      for (let i = 0; i < c; i++) {
        kids.push(this.#typeDescription(q, end, depth + 1));
        q = this.pos;
      }
      const items = kids.map((k) => k.pub);
      out = { tag, aux: c, kids, pub: lwid === minBerWidth(c) ? { type, items } as DlmsTypeDescription : { type, items, lengthWidth: lwid } as DlmsTypeDescription };
    } else if (tag === 0x01) {
      if (!(q <= end && 2 <= end - q)) this.fail(L.E_TRUNCATED, end);
      const count = (b[q]! << 8) | b[q + 1]!;
      if (count === 0) this.fail(L.E_DLMS_TYPE_DESCRIPTION, p);
      q += 2;
      const el = this.#typeDescription(q, end, depth + 1);
      q = this.pos;
      out = { tag, aux: count, kids: [el], pub: { type, count, element: el.pub } as DlmsTypeDescription };
    } else if (tag === 0x00 || (FIXED_SIZE[tag]! < 0 && tag !== 0x04 && tag !== 0x09 && tag !== 0x0a && tag !== 0x0c)) {
      return this.fail(L.E_DLMS_TYPE_DESCRIPTION, p);
    } else {
      out = { tag, aux: 0, kids: [], pub: { type } as DlmsTypeDescription };
    }
    this.pos = q;
    return out;
  }

  /** One untagged value of type `td` at p (assembly/dlms.ts untagged). */
  #untagged(td: WalkedType, p: number, end: number, depth: number): DlmsNode {
    if (depth > L.MAX_DEPTH) this.fail(L.E_NESTING_TOO_DEEP, p);
    const tag = td.tag;
    this.node(p);
    let q = p;
    if (tag === 0x02 || tag === 0x01) {
      const c = td.aux;
      const items: DlmsData[] = c <= end - q ? new Array(c) : [];
      let hint = false;
      for (let i = 0; i < c; i++) {
        const it = this.#untagged(tag === 0x02 ? td.kids[i]! : td.kids[0]!, q, end, depth + 1);
        items[i] = it as unknown as DlmsData;
        q = this.pos;
        if (!hint && osHintOf(it)) hint = true;
      }
      const node = new DlmsNode(TYPE_BY_TAG[tag]!, this.base + p, q - p, this.s, -1, p, c, undefined, F_UNTAGGED | (tag << F_TAG_SHIFT));
      node.setKids(items);
      if (hint && tag === 0x02) markStructure(node, items);
      this.pos = q;
      return node;
    }
    if (tag === 0x04 || tag === 0x09 || tag === 0x0a || tag === 0x0c) return this.#counted(p, q, end, tag, F_UNTAGGED);
    const size = FIXED_SIZE[tag]!;
    if (!(q <= end && size <= end - q)) this.fail(L.E_TRUNCATED, end);
    this.pos = q + size;
    return new DlmsNode(TYPE_BY_TAG[tag]!, this.base + p, size, this.s, -1, p, 0, undefined, F_UNTAGGED | (tag << F_TAG_SHIFT));
  }
}

// ---- encoding ----
// Staged as a core program (opWriter.ts, assembly/payloadEncode.ts; issue 17): the core
// range-checks every integer against its type and writes every length; the structural
// rules (row shapes, fixed sizes, string characters) are checked here while staging.

function fail(d: DlmsData | DlmsTypeDescription, why: string): never {
  throw new GbcsEncodeError(`DLMS ${d.type}`, why);
}

function sized(d: DlmsData, bytes: Uint8Array | undefined, n: number): Uint8Array {
  if (!bytes || bytes.length !== n) fail(d, `needs exactly ${n} bytes`);
  return bytes;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);
const utf8Encoder = new TextEncoder();

/** Stages the value of `d` without its tag (compact-array rows and after the tag). */
function writeValue(w: PayloadWriter, d: DlmsData, desc?: DlmsTypeDescription): void {
  if (desc && desc.type !== d.type) fail(d, `compact-array value does not match the type description (${desc.type})`);
  switch (d.type) {
    case 'null': return;
    case 'array': case 'structure': {
      if (desc) {
        if (desc.type === 'array' && desc.count !== d.items.length) fail(d, `compact-array row needs ${desc.count} elements`);
        if (desc.type === 'structure' && desc.items.length !== d.items.length) fail(d, `compact-array row needs ${desc.items.length} fields`);
        for (let k = 0; k < d.items.length; k++) writeValue(w, d.items[k]!, desc.type === 'array' ? desc.element : (desc as { items: DlmsTypeDescription[] }).items[k]);
        return;
      }
      w.ber(d.items.length, F_ELEMENT_COUNT, d.lengthWidth);
      for (const it of d.items) encodeInto(w, it);
      return;
    }
    case 'boolean': w.u(d.raw ?? (d.value ? 1 : 0), 1, F_BOOLEAN); return;
    case 'bit-string': {
      const need = (d.bitCount + 7) >> 3;
      if (d.bytes.length !== need) fail(d, `${d.bitCount} bits need ${need} bytes`);
      w.ber(d.bitCount, F_BIT_COUNT, d.lengthWidth).bytes(d.bytes);
      return;
    }
    case 'integer': w.s(num(d.value), 1, F_DLMS_DATA + 0x0f); return;
    case 'unsigned': w.u(num(d.value), 1, F_DLMS_DATA + 0x11); return;
    case 'enum': w.u(num(d.value), 1, F_DLMS_DATA + 0x16); return;
    case 'bcd': w.u(num(d.value), 1, F_DLMS_DATA + 0x0d); return;
    case 'long': w.s(num(d.value), 2, F_DLMS_DATA + 0x10); return;
    case 'long-unsigned': w.u(num(d.value), 2, F_DLMS_DATA + 0x12); return;
    case 'double-long': w.s(num(d.value), 4, F_DLMS_DATA + 0x05); return;
    case 'double-long-unsigned': w.u(num(d.value), 4, F_DLMS_DATA + 0x06); return;
    case 'long64': w.u64(d.value, F_DLMS_DATA + 0x14, true); return;
    case 'long64-unsigned': w.u64(d.value, F_DLMS_DATA + 0x15); return;
    case 'float32': case 'float64': {
      const n = d.type === 'float32' ? 4 : 8;
      if (d.bytes) { w.bytes(sized(d, d.bytes, n)); return; }
      const b = new Uint8Array(n);
      const dv = new DataView(b.buffer);
      if (n === 4) dv.setFloat32(0, d.value); else dv.setFloat64(0, d.value);
      w.bytes(b);
      return;
    }
    case 'octet-string': w.ber(d.bytes.length, F_OCTET_LENGTH, d.lengthWidth).bytes(d.bytes); return;
    case 'visible-string': case 'utf8-string': {
      const bytes = d.bytes ?? (d.type === 'utf8-string' ? utf8Encoder.encode(d.value) : latin1Bytes(d));
      w.ber(bytes.length, F_STRING_LENGTH, d.lengthWidth).bytes(bytes);
      return;
    }
    case 'date-time': w.bytes(sized(d, d.bytes, 12)); return;
    case 'date': w.bytes(sized(d, d.bytes, 5)); return;
    case 'time': w.bytes(sized(d, d.bytes, 4)); return;
    case 'compact-array': {
      if (desc) fail(d, 'a compact-array cannot nest in a compact-array');
      writeTypeDescription(w, d.typeDescription, 0);
      // The core computes the contents length (and its width) from the rows written.
      w.open(L.LK_BER, F_COMPACT_ARRAY, d.lengthWidth);
      for (const r of d.rows) writeValue(w, r, d.typeDescription);
      w.close();
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

function writeTypeDescription(w: PayloadWriter, t: DlmsTypeDescription, depth: number): void {
  if (depth > L.MAX_DEPTH) fail(t, `type description nests deeper than ${L.MAX_DEPTH}`);
  const tag = DLMS_TYPE_TAGS[t.type];
  if (tag === undefined || (t.type as string) === 'compact-array') fail(t, 'not a compact-array element type');
  w.u(tag, 1, F_TYPE_DESCRIPTION);
  if (t.type === 'structure') {
    w.ber(t.items.length, F_TYPE_DESCRIPTION, t.lengthWidth);
    for (const it of t.items) writeTypeDescription(w, it, depth + 1);
  } else if (t.type === 'array') {
    w.u(t.count, 2, F_ARRAY_COUNT);
    writeTypeDescription(w, t.element, depth + 1);
  }
}

/** Stages the tagged encoding of `d` (encoder program, see opWriter.ts). */
export function encodeInto(w: PayloadWriter, d: DlmsData): void {
  const tag = DLMS_TYPE_TAGS[d.type];
  if (tag === undefined) throw new GbcsEncodeError('DLMS Data', `unknown type ${JSON.stringify((d as { type: unknown }).type)}`);
  w.u(tag, 1, F_DLMS_DATA + tag);
  writeValue(w, d);
}

/** Encodes one A-XDR Data value (tag included) through the WASM core. */
export function encodeDlmsData(d: DlmsData): Uint8Array {
  return encodeProgram((w) => encodeInto(w, d));
}

/**
 * Encodes many A-XDR Data values in few WASM calls (one per batch of up to 8192); the
 * results are views over one buffer per batch. Same bytes as encodeDlmsData per value.
 */
export function encodeDlmsDataBatch(values: readonly DlmsData[]): Uint8Array[] {
  return encodePrograms(values.length, (w, i) => encodeInto(w, values[i]!));
}
