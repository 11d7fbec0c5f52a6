// Generic xDLMS request/response helpers over the WASM walker's node index (GBCS.md 3.2):
// walking one APDU of a frame's content, its spec / data / result lists, a request spec
// as "class/obis/attribute", the range_descriptor of a selective access (selector 1), and
// scalar Data values. Used by the use-case views (useCases/) and the boost log; nothing
// here knows a use case.
import { toHex } from '../bytes.js';
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';
import * as L from '../wasm/layout.js';
import { buildDlmsData } from './dlmsData.js';
import { NodeIndex, walkNodes } from './nodes.js';
import { decodeObis, encodeObis } from './obis.js';
import type { GbcsErrorCode } from '../errors.js';

/** A scalar DLMS Data value as plain JS: boolean, number, bigint, null, or hex for the others. */
export type DlmsScalar = boolean | number | bigint | string | null;

/** Reports a layout mismatch at a content offset (the caller adds the frame base). */
export type Fail = (expected: string, at: number, detail?: string) => never;

const hexTag = (t: number) => `0x${t.toString(16).padStart(2, '0')}`;

/** '0-0:99.98.20.255', '0000636214FF' or 6 bytes -> 6 bytes. */
export function obisBytes(obis: string | Uint8Array): Uint8Array {
  if (obis instanceof Uint8Array) {
    if (obis.length !== 6) throw new GbcsEncodeError('obis', `must be 6 bytes, got ${obis.length}`);
    return obis;
  }
  if (/^[0-9a-fA-F]{12}$/.test(obis)) return Uint8Array.from(obis.match(/../g)!, (h) => parseInt(h, 16));
  try {
    return encodeObis(obis);
  } catch (e) {
    throw new GbcsEncodeError('obis', `${JSON.stringify(obis)} is not A-B:C.D.E.F nor 12 hex digits (${(e as Error).message})`);
  }
}

/** OBIS text A-B:C.D.E.F of any accepted form. */
export function obisText(obis: string | Uint8Array): string {
  return decodeObis(obisBytes(obis)).text;
}

/** Big-endian unsigned of 1, 2 or 4 bytes at b[v]. */
export function readUnsigned(b: Uint8Array, v: number, size: 1 | 2 | 4): number {
  if (size === 1) return b[v]!;
  if (size === 2) return (b[v]! << 8) | b[v + 1]!;
  return ((b[v]! << 24) | (b[v + 1]! << 16) | (b[v + 2]! << 8) | b[v + 3]!) >>> 0;
}

const APDU_NAMES: Record<number, string> = { 0xd9: 'DLMS access-request tag 0xD9', 0xda: 'DLMS access-response tag 0xDA', 0x0f: 'DLMS data-notification tag 0x0F' };

/**
 * Walks a DLMS APDU (access-request 0xD9, access-response 0xDA or data-notification
 * 0x0F) of a frame's content. Errors are GbcsDecodeErrors with code `what` at frame
 * offsets (`contentOffset` + offset in the content).
 */
export function walkApdu(content: Uint8Array, contentOffset: number, what: GbcsErrorCode, tag: 0xd9 | 0xda | 0x0f): NodeIndex {
  let ix: NodeIndex;
  try {
    ix = walkNodes(content, L.W_DLMS, false, contentOffset);
  } catch (e) {
    throw e instanceof GbcsDecodeError && e.code !== what ? new GbcsDecodeError(what, e.offset, e.expected, e.code) : e;
  }
  if (ix.tag(0) !== tag) throw new GbcsDecodeError(what, contentOffset, APDU_NAMES[tag]!, `found ${hexTag(ix.tag(0))}`);
  return ix;
}

/** Node indices of an access-request's specs, or an access-response's data items and results. */
export function apduLists(ix: NodeIndex): { specs: number[]; data: number[]; results: number[] } {
  const specList = 2;
  const dataList = ix.next(specList);
  const resultList = ix.next(dataList);
  return { specs: ix.children(specList), data: ix.children(dataList), results: resultList < ix.count ? ix.children(resultList) : [] };
}

/**
 * An access-response's data items and results, refused when their counts differ
 * (GBCS.md 3.2: one result per data item): a GbcsDecodeError `what` at the result list.
 */
export function responseLists(ix: NodeIndex, contentOffset: number, what: GbcsErrorCode): { data: number[]; results: number[] } {
  const { data, results } = apduLists(ix);
  if (data.length !== results.length) {
    const at = ix.next(ix.next(2));
    throw new GbcsDecodeError(what, contentOffset + (at < ix.count ? ix.start(at) : ix.bytes.length), `${data.length} result(s), one per data item`, `found ${results.length}`);
  }
  return { data, results };
}

/** "class/obis/attribute" of a walked request spec, and its selector (0 for plain gets). */
export function specOf(ix: NodeIndex, s: number): { kind: number; classId: number; obis: string; attribute: number; selector: number } {
  const b = ix.bytes;
  const v = ix.value(s);
  return { kind: ix.tag(s), classId: (b[v]! << 8) | b[v + 1]!, obis: decodeObis(b, v + 2).text, attribute: b[v + 8]!, selector: ix.tag(s) >= 4 ? ix.aux(s) : 0 };
}

/** A range_descriptor (selector 1) as read: restricting object and the u32 from / to values. */
export interface DecodedRange {
  readonly restrictingObject: { classId: number; obis: string; attribute: number; dataIndex: number };
  /** u32 seconds since 2000-01-01Z. */
  readonly from: number;
  readonly to: number;
}

/**
 * Reads a walked range_descriptor Data node: structure {restricting object {class,
 * logical name, attribute, data index}, from (u32), to (u32), selected values (empty:
 * all columns)}, the form every GBCS log read sends.
 */
export function rangeFromNode(ix: NodeIndex, i: number, fail: Fail): DecodedRange {
  const b = ix.bytes;
  const want = (n: number, tag: number, expected: string, count?: number) => {
    if (ix.tag(n) !== tag) fail(expected, ix.start(n), `found ${hexTag(ix.tag(n))}`);
    if (count !== undefined && ix.aux(n) !== count) fail(expected, ix.start(n) + 1, `${ix.aux(n)} element(s)`);
  };
  want(i, 0x02, 'range_descriptor structure 0x02 of 4 elements', 4);
  const [ro, from, to, sel] = ix.children(i) as [number, number, number, number];
  want(ro, 0x02, 'restricting object structure 0x02 of 4 elements', 4);
  const [cls, ln, attr, di] = ix.children(ro) as [number, number, number, number];
  want(cls, 0x12, 'class id (long-unsigned 0x12)');
  want(ln, 0x09, 'logical name (octet-string 0x09) of 6 bytes', 6);
  want(attr, 0x0f, 'attribute index (integer 0x0F)');
  want(di, 0x12, 'data index (long-unsigned 0x12)');
  want(from, 0x06, 'from value (double-long-unsigned 0x06: seconds since 2000)');
  want(to, 0x06, 'to value (double-long-unsigned 0x06: seconds since 2000)');
  want(sel, 0x01, 'an empty selected values array 0x01 00 (all columns)', 0);
  return {
    restrictingObject: { classId: readUnsigned(b, ix.value(cls), 2), obis: decodeObis(b, ix.value(ln)).text, attribute: b[ix.value(attr)]!, dataIndex: readUnsigned(b, ix.value(di), 2) },
    from: readUnsigned(b, ix.value(from), 4),
    to: readUnsigned(b, ix.value(to), 4),
  };
}

/** Numbers, booleans and null as JS values; anything else as the hex of its encoding (tag included). */
export function scalarOf(ix: NodeIndex, d: number): DlmsScalar {
  switch (ix.tag(d)) {
    case 0x00: case 0x03: case 0x05: case 0x06: case 0x0f: case 0x10: case 0x11: case 0x12: case 0x14: case 0x15: case 0x16: {
      const v = buildDlmsData(ix, d);
      return v.type === 'null' ? null : (v as { value: boolean | number | bigint }).value;
    }
    default:
      return toHex(ix.bytes.subarray(ix.start(d), ix.end(d)));
  }
}
