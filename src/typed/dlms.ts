// The GBCS DLMS envelope forms the typed views need (GBCS.md 3.2): access-request,
// access-response and data-notification, with Data items kept as byte ranges. The
// items themselves are read by each typed view against its fixed layout.
import { GbcsEncodeError } from '../errors.js';
import { Cursor, concat, berLengthBytes, u32beBytes } from './cursor.js';

/** Fixed sizes of the scalar DLMS Data tags (GBCS.md 3.2 table). */
const FIXED: Record<number, number> = {
  0x00: 0, 0x03: 1, 0x05: 4, 0x06: 4, 0x0f: 1, 0x10: 2, 0x11: 1, 0x12: 2, 0x14: 8, 0x15: 8,
  0x16: 1, 0x17: 4, 0x18: 8, 0x19: 12, 0x1a: 5, 0x1b: 4,
};
const MAX_DEPTH = 16;

/** Skips one Data value; bounded depth so hostile nesting cannot recurse deeply. */
export function skipData(c: Cursor, depth = 0): void {
  const at = c.pos;
  const tag = c.u8('a DLMS Data tag');
  const fixed = FIXED[tag];
  if (fixed !== undefined) {
    c.take(fixed, `the ${fixed}-byte value of Data tag 0x${tag.toString(16)}`);
    return;
  }
  switch (tag) {
    case 0x01:
    case 0x02: {
      if (depth >= MAX_DEPTH) c.fail(`Data nested at most ${MAX_DEPTH} deep`, at);
      const n = c.length('an array/structure count');
      for (let i = 0; i < n; i++) skipData(c, depth + 1);
      return;
    }
    case 0x04: {
      const bits = c.length('a bit-string bit count');
      c.take(Math.ceil(bits / 8), 'bit-string bytes');
      return;
    }
    case 0x09:
    case 0x0a:
    case 0x0c:
    case 0x0d:
      c.take(c.length('a string length'), 'string bytes');
      return;
    case 0x13: {
      skipTypeDescription(c, depth);
      c.take(c.length('compact-array contents length'), 'compact-array contents');
      return;
    }
    default:
      c.fail('a DLMS Data tag (GBCS.md 3.2)', at, `found 0x${tag.toString(16).toUpperCase()}`);
  }
}

function skipTypeDescription(c: Cursor, depth: number): void {
  const at = c.pos;
  const t = c.u8('a compact-array type description');
  if (depth >= MAX_DEPTH) c.fail(`a type description nested at most ${MAX_DEPTH} deep`, at);
  if (t === 0x02) {
    const n = c.length('a structure type count');
    for (let i = 0; i < n; i++) skipTypeDescription(c, depth + 1);
  } else if (t === 0x01) {
    c.u16be('an array type element count');
    skipTypeDescription(c, depth + 1);
  }
}

/** One Data item of a list: its bytes (view) and absolute offset in the frame. */
export interface DataItem {
  readonly bytes: Uint8Array;
  readonly offset: number;
}

export interface AccessResponse {
  readonly invokeId: number;
  readonly data: DataItem[];
  /** Per item: choice (1 get, 2 set, 3 action) and result (0 success). */
  readonly results: { readonly choice: number; readonly result: number }[];
}

function dataList(c: Cursor): DataItem[] {
  const n = c.length('the Data count');
  const out: DataItem[] = [];
  for (let i = 0; i < n; i++) {
    const at = c.pos;
    skipData(c);
    out.push({ bytes: c.bytes.subarray(at, c.pos), offset: c.base + at });
  }
  return out;
}

/** `DA` invoke(4) `00` `00` n×Data n×(choice result). */
export function parseAccessResponse(c: Cursor): AccessResponse {
  c.expect(0xda, 'DLMS access-response tag 0xDA');
  const invokeId = c.u32be('the long-invoke-id');
  c.expect(0x00, 'date-time 0x00 (absent)');
  c.expect(0x00, 'an empty echoed spec list 0x00');
  const data = dataList(c);
  const n = c.length('the result count');
  if (n !== data.length) c.fail(`${data.length} results (one per Data item)`, c.pos - 1, `found ${n}`);
  const results = [];
  for (let i = 0; i < n; i++) results.push({ choice: c.u8('a result choice'), result: c.u8('a result code') });
  c.done('the end of the access-response');
  return { invokeId, data, results };
}

export interface AccessRequestSpec {
  /** 1 get, 2 set, 3 action, 4 get-with-selection. */
  readonly kind: number;
  readonly classId: number;
  readonly obis: Uint8Array;
  /** Attribute or method id. */
  readonly attribute: number;
  readonly selector?: number;
  /** Selective access parameters (one Data value) of a get-with-selection. */
  readonly selection?: DataItem;
}

export interface AccessRequest {
  readonly invokeId: number;
  readonly specs: AccessRequestSpec[];
  readonly data: DataItem[];
}

/** `D9` invoke(4) `00` n×spec n×Data. */
export function parseAccessRequest(c: Cursor): AccessRequest {
  c.expect(0xd9, 'DLMS access-request tag 0xD9');
  const invokeId = c.u32be('the long-invoke-id');
  c.expect(0x00, 'date-time 0x00 (absent)');
  const n = c.length('the spec count');
  const specs: AccessRequestSpec[] = [];
  for (let i = 0; i < n; i++) {
    const at = c.pos;
    const kind = c.u8('a request spec kind');
    if (kind < 1 || kind > 4) c.fail('request spec 01 get, 02 set, 03 action or 04 get-with-selection', at, `found 0x${kind.toString(16)}`);
    const classId = c.u16be('a class id');
    const obis = c.take(6, 'an OBIS code');
    const attribute = c.u8('an attribute or method id');
    if (kind === 4) {
      const selector = c.u8('an access selector');
      const s = c.pos;
      skipData(c);
      specs.push({ kind, classId, obis, attribute, selector, selection: { bytes: c.bytes.subarray(s, c.pos), offset: c.base + s } });
    } else specs.push({ kind, classId, obis, attribute });
  }
  const data = dataList(c);
  if (data.length !== n) c.fail(`${n} Data items (one per spec)`, c.pos, `found ${data.length}`);
  c.done('the end of the access-request');
  return { invokeId, specs, data };
}

/** GBCS long-invoke-id for a counter: 0x20000000 | (counter & 0xFFFFFF) (GBCS.md 1.3, VERIFIED). */
export function invokeIdFor(counter: bigint | number): number {
  const n = BigInt(counter);
  if (n < 0n || n > 0xffffffffffffffffn) throw new GbcsEncodeError('originatorCounter', 'must be an unsigned 64-bit value');
  return (0x20000000 | Number(n & 0xffffffn)) >>> 0;
}

export function encodeAccessRequest(invokeId: number, specs: Uint8Array[], data: Uint8Array[]): Uint8Array {
  return concat(0xd9, u32beBytes(invokeId), 0x00, berLengthBytes(specs.length), ...specs, berLengthBytes(data.length), ...data);
}

export function encodeAccessResponse(invokeId: number, data: Uint8Array[], results: { choice: number; result: number }[]): Uint8Array {
  return concat(0xda, u32beBytes(invokeId), 0x00, 0x00, berLengthBytes(data.length), ...data, berLengthBytes(results.length), ...results.flatMap((r) => [r.choice, r.result]));
}

/** Cursor over a frame's content whose errors point into the frame. */
export function contentCursor(content: Uint8Array, contentOffset: number, what: string): Cursor {
  return new Cursor(content, 0, content.length, Math.max(0, contentOffset), what);
}

/** A scalar DLMS Data value as plain JS: boolean, number, bigint, null, or hex for strings. */
export type DlmsScalar = boolean | number | bigint | string | null;

/** Reads a scalar Data item; structured values come back as their hex bytes. */
export function scalarValue(item: Uint8Array): DlmsScalar {
  const tag = item[0];
  const dv = new DataView(item.buffer, item.byteOffset, item.byteLength);
  const hex = () => Array.from(item, (b) => b.toString(16).padStart(2, '0')).join('');
  switch (tag) {
    case 0x00: return null;
    case 0x03: return item[1] !== 0;
    case 0x05: return dv.getInt32(1);
    case 0x06: return dv.getUint32(1);
    case 0x0f: return dv.getInt8(1);
    case 0x10: return dv.getInt16(1);
    case 0x11:
    case 0x16: return item[1]!;
    case 0x12: return dv.getUint16(1);
    case 0x14: return dv.getBigInt64(1);
    case 0x15: return dv.getBigUint64(1);
    default: return hex();
  }
}
