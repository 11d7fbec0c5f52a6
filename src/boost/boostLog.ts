// Boost Function Event Log (ESME / SAPC), GBCS.md section 6.
//
// Carrier: the log is read by ECS61c Read Boost Button Data (message code 0x005E,
// DUIS SR 7.11; VERIFIED on RTDS 7.11_ECS61c), whose typed view is the use-case module
// src/useCases/ecs61c.ts. This module is the log itself: layout, decode, encode, selection.
//
// The GBCS table for this log is not public: everything below the ECS61c read is the
// proposal of GBCS.md 6 (UNCONFIRMED), with every device-specific choice a parameter of
// `BoostLogLayout` so a device's published table can be matched without a code change:
// - Profile Generic (class 7) attribute 2, OBIS default 0-0:99.98.20.255 (the button log
//   that the VERIFIED ECS61c read uses);
// - up to 23 entries (the 23 most recent Boost Periods), FIFO, oldest -> newest by end;
// - capture columns default [start u32, end u32], times as u32 UTC seconds since
//   2000-01-01T00:00Z (as in every verified GBCS log read); extra numeric columns
//   (e.g. a trailing source enum) may follow;
// - the read is get-with-selection, selector 1 (range_descriptor), selected_values
//   empty (`01 00`). The restricting object defaults to the one the verified ECS61c read
//   sends (class 1 0-0:94.44.100.255 attribute 2), which per SEC change IRP640 the device
//   applies to the END date-time of each Boost Period.
// Assumption (UNCONFIRMED, documented): both range bounds are inclusive, from <= end <= to,
// as DLMS range_descriptor semantics give; no GBCS text says otherwise (selectBoostPeriods).
// A boost that is still running has no end yet: it is not in the log. Should a device
// write it with end 0xFFFFFFFF (the DLMS "not specified" u32) we keep it, flag it
// `running`, and never select it.
//
// Decoding walks the bytes once with the payload module's WASM DLMS walker and reads the
// values from its node index; the rows it builds are counted against the shared limits
// (payload/limits.ts Budget) before they are allocated. Building goes through the payload
// encoders (encodeDlmsData / encodePayload). Generic DLMS request helpers (APDU walk,
// spec lists, range_descriptor) live in payload/dlmsRequests.ts.
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';
import { gbcsSecondsToDate, toGbcsSeconds } from '../gbcsTime.js';
import { accessRequest, accessResponse, encodeAccessRequest, encodeAccessResponse, getSpec, invokeIdFor } from '../payload/build.js';
import { stagePayload } from '../payload/index.js';
import { encodePrograms } from '../payload/opWriter.js';
import { encodeDlmsData, type DlmsData, type DlmsDataType } from '../payload/dlmsData.js';
import type { DlmsRequestSpec } from '../payload/dlms.js';
import { apduLists, obisBytes, obisText, rangeFromNode, responseLists, specOf, walkApdu, type DecodedRange, type Fail } from '../payload/dlmsRequests.js';
import { Budget, type DecodeLimits } from '../payload/limits.js';
import { NodeIndex, walkNodes } from '../payload/nodes.js';
import * as L from '../wasm/layout.js';
import type { GbcsErrorCode } from '../errors.js';

// Moved to payload/dlmsRequests.ts (generic DLMS); re-exported for existing importers.
export { apduLists, obisBytes, rangeFromNode, specOf, walkApdu, type DecodedRange };

/** Wire type of a boost-log column (DLMS integer widths, enum or boolean). */
export type BoostColumnType = 'u32' | 'u16' | 'u8' | 'i32' | 'i16' | 'i8' | 'enum' | 'boolean';

const COLUMN_TYPES: Record<BoostColumnType, { tag: number; size: number; signed: boolean; dlms: DlmsDataType }> = {
  u32: { tag: 0x06, size: 4, signed: false, dlms: 'double-long-unsigned' },
  u16: { tag: 0x12, size: 2, signed: false, dlms: 'long-unsigned' },
  u8: { tag: 0x11, size: 1, signed: false, dlms: 'unsigned' },
  i32: { tag: 0x05, size: 4, signed: true, dlms: 'double-long' },
  i16: { tag: 0x10, size: 2, signed: true, dlms: 'long' },
  i8: { tag: 0x0f, size: 1, signed: true, dlms: 'integer' },
  enum: { tag: 0x16, size: 1, signed: false, dlms: 'enum' },
  boolean: { tag: 0x03, size: 1, signed: false, dlms: 'boolean' },
};

/** One column of the boost-log profile: its role and wire type. */
export interface BoostColumn {
  /** 'start' and 'end' (exactly one each, type u32); any number of 'extra'. */
  readonly role: 'start' | 'end' | 'extra';
  readonly type: BoostColumnType;
  readonly name?: string;
}

/** The capture object used as the restricting object of a range read. */
export interface CaptureObject {
  readonly classId: number;
  readonly obis: string | Uint8Array;
  readonly attribute: number;
  readonly dataIndex: number;
}

/** Where the boost log lives (class, OBIS, attribute) and how its entries are laid out. */
export interface BoostLogLayout {
  readonly classId: number;
  readonly obis: string | Uint8Array;
  readonly attribute: number;
  readonly columns: readonly BoostColumn[];
  readonly maxEntries: number;
  readonly restrictingObject: CaptureObject;
}

/** Documented defaults (GBCS.md 6 proposal; UNCONFIRMED, see the module comment). */
export const DEFAULT_BOOST_LOG_LAYOUT: BoostLogLayout = Object.freeze({
  classId: 7,
  obis: '0-0:99.98.20.255',
  attribute: 2,
  columns: Object.freeze([Object.freeze({ role: 'start', type: 'u32' }), Object.freeze({ role: 'end', type: 'u32' })]) as readonly BoostColumn[],
  maxEntries: 23,
  restrictingObject: Object.freeze({ classId: 1, obis: '0-0:94.44.100.255', attribute: 2, dataIndex: 0 }),
});
checkLayout(DEFAULT_BOOST_LOG_LAYOUT);

/** A boost that has not ended (only if a device logs it at all). */
export const BOOST_END_RUNNING = 0xffffffff;

/** One boost period as read: start and end in GBCS seconds. */
export interface BoostPeriod {
  /** u32 UTC seconds since 2000-01-01T00:00Z. */
  readonly start: number;
  /** u32 UTC seconds since 2000-01-01T00:00Z; BOOST_END_RUNNING while running. */
  readonly end: number;
  /** Values of the 'extra' columns in layout order (absent when there are none). */
  readonly extras?: readonly number[];
}

/** A decoded boost log: the boost periods the device returned. */
export interface BoostLog {
  /** Oldest -> newest by end, as the device returns them. */
  readonly entries: readonly BoostPeriod[];
  /** How the buffer was encoded (kept so re-encoding is byte-exact). */
  readonly form: 'compact-array' | 'array';
}

/** A boost period as dates, with its duration (null while still running). */
export interface BoostPeriodTimes {
  readonly start: Date;
  /** null while the boost is running. */
  readonly end: Date | null;
  readonly durationSeconds: number | null;
}

/** Converts a boost period's GBCS seconds to dates and a duration. */
export function boostPeriodTimes(p: BoostPeriod): BoostPeriodTimes {
  const running = p.end === BOOST_END_RUNNING;
  return { start: gbcsSecondsToDate(p.start), end: running ? null : gbcsSecondsToDate(p.end), durationSeconds: running ? null : p.end - p.start };
}

/** Validates a layout (defaults filled in). The default layout is validated once. */
export function resolveLayout(layout?: Partial<BoostLogLayout>): BoostLogLayout {
  if (layout === undefined || layout === DEFAULT_BOOST_LOG_LAYOUT) return DEFAULT_BOOST_LOG_LAYOUT;
  return checkLayout({ ...DEFAULT_BOOST_LOG_LAYOUT, ...layout });
}

function checkLayout(l: BoostLogLayout): BoostLogLayout {
  const starts = l.columns.filter((c) => c.role === 'start');
  const ends = l.columns.filter((c) => c.role === 'end');
  if (starts.length !== 1 || ends.length !== 1) throw new GbcsEncodeError('layout.columns', 'need exactly one start and one end column');
  if (starts[0]!.type !== 'u32' || ends[0]!.type !== 'u32') throw new GbcsEncodeError('layout.columns', 'start and end are u32 seconds since 2000-01-01Z');
  for (const c of l.columns) if (!COLUMN_TYPES[c.type]) throw new GbcsEncodeError('layout.columns', `unknown column type ${JSON.stringify(c.type)}`);
  if (!Number.isInteger(l.maxEntries) || l.maxEntries < 1 || l.maxEntries > 0xffff) throw new GbcsEncodeError('layout.maxEntries', 'must be 1..65535');
  obisBytes(l.obis);
  obisBytes(l.restrictingObject.obis);
  return l;
}

/** A column value at b[v] (big-endian, as the walker located it). */
function readColumn(b: Uint8Array, v: number, type: BoostColumnType): number {
  switch (type) {
    case 'u32': return ((b[v]! << 24) | (b[v + 1]! << 16) | (b[v + 2]! << 8) | b[v + 3]!) >>> 0;
    case 'i32': return (b[v]! << 24) | (b[v + 1]! << 16) | (b[v + 2]! << 8) | b[v + 3]!;
    case 'u16': return (b[v]! << 8) | b[v + 1]!;
    case 'i16': return (((b[v]! << 8) | b[v + 1]!) << 16) >> 16;
    case 'i8': return (b[v]! << 24) >> 24;
    default: return b[v]!;
  }
}

function writeColumn(v: number, type: BoostColumnType, entry: number, col: BoostColumn): DlmsData {
  const t = COLUMN_TYPES[type];
  const bits = t.size * 8;
  const lo = t.signed ? -(2 ** (bits - 1)) : 0;
  const hi = t.signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  // The field name is built only on error (it was a string per cell: most of the builder's time).
  if (!Number.isInteger(v) || v < lo || v > hi) throw new GbcsEncodeError(`entries[${entry}].${col.role === 'extra' ? (col.name ?? 'extra') : col.role}`, `${v} does not fit ${type}`);
  return type === 'boolean' ? (v > 1 ? { type: 'boolean', value: true, raw: v } : { type: 'boolean', value: v === 1 }) : ({ type: t.dlms, value: v } as DlmsData);
}

/** One Boost Period from the walker nodes of its columns (`first` = node of column 0). */
function row(ix: NodeIndex, first: number, layout: BoostLogLayout): BoostPeriod {
  const b = ix.bytes;
  const cols = layout.columns;
  if (cols === DEFAULT_BOOST_LOG_LAYOUT.columns) return { start: readColumn(b, ix.value(first), 'u32'), end: readColumn(b, ix.value(first + 1), 'u32') };
  let start = 0;
  let end = 0;
  const extras: number[] = [];
  for (let k = 0, n = first; k < cols.length; k++, n = ix.next(n)) {
    const col = cols[k]!;
    const v = readColumn(b, ix.value(n), col.type);
    if (col.role === 'start') start = v;
    else if (col.role === 'end') end = v;
    else extras.push(v);
  }
  return extras.length ? { start, end, extras } : { start, end };
}

const hexTag = (t: number) => `0x${t.toString(16).padStart(2, '0')}`;

/**
 * The log from a walked Data node `i` (compact-array or array of structures), checked
 * against the layout. `base` turns node offsets into frame offsets.
 */
function logFromNode(ix: NodeIndex, i: number, layout: BoostLogLayout, base: number, what: GbcsErrorCode, budget: Budget): BoostLog {
  const cols = layout.columns;
  // Objects per row: the BoostPeriod, plus its extras array when the layout has extra columns.
  const perRow = cols.length > 2 ? 2 : 1;
  const fail = (expected: string, at: number, detail?: string): never => {
    throw new GbcsDecodeError(what, base + at, expected, detail);
  };
  const tag = ix.tag(i);
  const entries: BoostPeriod[] = [];
  const stop = ix.next(i);
  if (tag === 0x13) {
    const td = i + 1;
    if (ix.tag(td) !== 0x02) fail('a structure type description 0x02', ix.start(td), `found ${hexTag(ix.tag(td))}`);
    const types = ix.children(td);
    if (types.length !== cols.length) fail(`${cols.length} columns (layout)`, ix.start(td) + 1, `found ${types.length}`);
    for (let k = 0; k < cols.length; k++) {
      const want = COLUMN_TYPES[cols[k]!.type].tag;
      if (ix.tag(types[k]!) !== want) fail(`column type ${hexTag(want)} (${cols[k]!.role} ${cols[k]!.type})`, ix.start(types[k]!), `found ${hexTag(ix.tag(types[k]!))}`);
    }
    // Every column is fixed-size, so the walker has checked that the rows fill the contents.
    const rowSize = cols.reduce((n, col) => n + COLUMN_TYPES[col.type].size, 0);
    const n = ix.aux(i) / rowSize;
    if (n > layout.maxEntries) fail(`at most ${layout.maxEntries} Boost Periods`, ix.end(td), `${n} entries`);
    budget.take(1 + n * perRow, base + ix.start(i));
    for (let r = ix.next(td); r < stop; r = ix.next(r)) entries.push(row(ix, r + 1, layout));
  } else if (tag === 0x01) {
    const items = ix.children(i);
    if (items.length > layout.maxEntries) fail(`at most ${layout.maxEntries} Boost Periods`, ix.start(i) + 1, `${items.length} entries`);
    budget.take(1 + items.length * perRow, base + ix.start(i));
    for (const s of items) {
      if (ix.tag(s) !== 0x02) fail('a structure 0x02 per Boost Period', ix.start(s), `found ${hexTag(ix.tag(s))}`);
      const fields = ix.children(s);
      if (fields.length !== cols.length) fail(`${cols.length} columns (layout)`, ix.start(s) + 1, `found ${fields.length}`);
      for (let k = 0; k < cols.length; k++) {
        const col = cols[k]!;
        if (ix.tag(fields[k]!) !== COLUMN_TYPES[col.type].tag) fail(`a ${col.type} (${col.role}) Data tag`, ix.start(fields[k]!), `found ${hexTag(ix.tag(fields[k]!))}`);
      }
      entries.push(row(ix, s + 1, layout));
    }
  } else {
    fail('the log buffer: compact-array 0x13 or array 0x01', ix.start(i), `found 0x${tag.toString(16).toUpperCase()}`);
  }
  return { entries, form: tag === 0x13 ? 'compact-array' : 'array' };
}

/**
 * The walker's error in the boost log's terms: bytes after the buffer, and (compact-array
 * form) a contents length that is not a whole number of rows, which the walker sees as
 * a row cut short.
 */
function walkError(e: unknown, data: Uint8Array, layout: BoostLogLayout, base: number, what: GbcsErrorCode): unknown {
  if (!(e instanceof GbcsDecodeError)) return e;
  if (e.code === 'payload-trailing-bytes') return new GbcsDecodeError(what, e.offset, 'the end of the log buffer', e.expected);
  if (e.code === 'truncated' && data[0] === 0x13) {
    const cols = layout.columns;
    const head = cols.length + 3;
    const typesMatch = data[1] === 0x02 && data[2] === cols.length && cols.every((c, k) => data[3 + k] === COLUMN_TYPES[c.type].tag);
    const first = data[head];
    if (typesMatch && first !== undefined) {
      const w = first < 0x80 ? 0 : first & 0x7f;
      let len = first < 0x80 ? first : 0;
      for (let k = 1; k <= w && head + k < data.length; k++) len = len * 256 + data[head + k]!;
      const rowSize = cols.reduce((n, col) => n + COLUMN_TYPES[col.type].size, 0);
      if (len % rowSize !== 0) return new GbcsDecodeError(what, base + head, `contents length a multiple of the ${rowSize}-byte row`, `length ${len}`);
    }
  }
  return e.code === what ? e : new GbcsDecodeError(what, e.offset, e.expected, e.code);
}

/**
 * Decodes the log buffer: one DLMS Data value, a compact-array
 * `13 02 <n> <tags> <len> <rows>` (GBCS.md 6) or a plain array of structures.
 * `offset` is added to error offsets (the value's position in the frame). The rows are
 * counted against `limits` (default: the shared MAX_NODES) before they are built: past
 * it, GbcsDecodeError 'too-many-nodes' at the buffer's offset.
 */
export function decodeBoostLog(data: Uint8Array, layoutIn?: Partial<BoostLogLayout>, offset = 0, limits?: DecodeLimits): BoostLog {
  const layout = resolveLayout(layoutIn);
  let ix: NodeIndex;
  try {
    ix = walkNodes(data, L.W_DLMS_DATA, false, offset);
  } catch (e) {
    throw walkError(e, data, layout, offset, 'boost-log');
  }
  return logFromNode(ix, 0, layout, offset, 'boost-log', new Budget(limits));
}

/** The log buffer as a DLMS Data value. */
function logData(log: BoostLog | readonly BoostPeriod[], layout: BoostLogLayout): DlmsData {
  const entries = Array.isArray(log) ? (log as readonly BoostPeriod[]) : (log as BoostLog).entries;
  const form = Array.isArray(log) ? 'compact-array' : (log as BoostLog).form;
  if (entries.length > layout.maxEntries) throw new GbcsEncodeError('entries', `${entries.length} Boost Periods; the log holds at most ${layout.maxEntries}`);
  const nExtra = layout.columns.filter((c) => c.role === 'extra').length;
  const rows: DlmsData[] = entries.map((e, i) => {
    if ((e.extras?.length ?? 0) !== nExtra) throw new GbcsEncodeError(`entries[${i}].extras`, `the layout has ${nExtra} extra column(s)`);
    let x = 0;
    const items = layout.columns.map((col) => {
      const v = col.role === 'start' ? e.start : col.role === 'end' ? e.end : e.extras![x++]!;
      return writeColumn(v, col.type, i, col);
    });
    return { type: 'structure', items };
  });
  if (form === 'compact-array') {
    const typeDescription = { type: 'structure' as const, items: layout.columns.map((c) => ({ type: COLUMN_TYPES[c.type].dlms }) as { type: 'unsigned' }) };
    return { type: 'compact-array', typeDescription, rows };
  }
  return { type: 'array', items: rows };
}

/** Encodes the log buffer (for device simulators and fixtures); decodeBoostLog reverses it exactly. */
export function encodeBoostLog(log: BoostLog | readonly BoostPeriod[], layoutIn?: Partial<BoostLogLayout>): Uint8Array {
  return encodeDlmsData(logData(log, resolveLayout(layoutIn)));
}

/**
 * Selects the Boost Periods whose END lies in [from, to] (SEC change IRP640: selection
 * by end date-time). Both bounds inclusive is an ASSUMPTION taken from DLMS
 * range_descriptor semantics (no GBCS text fixes it; the carrier is ECS61c / SR 7.11). A boost that started before `from` but ended
 * inside is included; one that started inside but ends after `to` is excluded; a
 * running boost is never selected; from > to gives []. Times are Dates or u32 seconds
 * since 2000-01-01Z and compare as unsigned 32-bit. At most `maxEntries` (23) are
 * returned: the most recent by end, oldest first.
 */
export function selectBoostPeriods(log: BoostLog | readonly BoostPeriod[], from: Date | number, to: Date | number, maxEntries = DEFAULT_BOOST_LOG_LAYOUT.maxEntries): BoostPeriod[] {
  const f = toGbcsSeconds(from, 'from');
  const t = toGbcsSeconds(to, 'to');
  if (f > t) return [];
  const entries = Array.isArray(log) ? (log as readonly BoostPeriod[]) : (log as BoostLog).entries;
  const out = entries.filter((e) => e.end !== BOOST_END_RUNNING && f <= e.end >>> 0 && e.end >>> 0 <= t);
  if (out.length <= maxEntries) return out;
  return out
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.end >>> 0) - (b.e.end >>> 0) || a.i - b.i)
    .slice(-maxEntries)
    .map((x) => x.e);
}

function rangeData(from: Date | number, to: Date | number, layout: BoostLogLayout): DlmsData {
  const r = layout.restrictingObject;
  if (!Number.isInteger(r.classId) || r.classId < 0 || r.classId > 0xffff) throw new GbcsEncodeError('restrictingObject.classId', 'must be 0..65535');
  return {
    type: 'structure',
    items: [
      {
        type: 'structure',
        items: [
          { type: 'long-unsigned', value: r.classId },
          { type: 'octet-string', bytes: obisBytes(r.obis) },
          // attribute_index is an integer (signed) on the wire; the byte is what counts.
          { type: 'integer', value: ((r.attribute & 0xff) << 24) >> 24 },
          { type: 'long-unsigned', value: r.dataIndex & 0xffff },
        ],
      },
      { type: 'double-long-unsigned', value: toGbcsSeconds(from, 'from') },
      { type: 'double-long-unsigned', value: toGbcsSeconds(to, 'to') },
      { type: 'array', items: [] },
    ],
  };
}

/** The range_descriptor Data of a read: {restricting object, from, to, selected_values = all}. */
export function boostRangeDescriptor(from: Date | number, to: Date | number, layoutIn?: Partial<BoostLogLayout>): Uint8Array {
  return encodeDlmsData(rangeData(from, to, resolveLayout(layoutIn)));
}

/** get-with-selection (range selector 1) of the log buffer, as a request spec. */
export function boostLogSpec(from: Date | number, to: Date | number, layoutIn?: Partial<BoostLogLayout>): DlmsRequestSpec {
  const layout = resolveLayout(layoutIn);
  return getSpec(layout.classId, obisBytes(layout.obis), layout.attribute, { selector: 1, parameters: rangeData(from, to, layout) });
}

/** get-with-selection spec for the log buffer with a range (its bytes in an access-request). */
export function boostLogReadSpec(from: Date | number, to: Date | number, layoutIn?: Partial<BoostLogLayout>): Uint8Array {
  // An access-request of this one spec and no Data: D9 invoke(4) 00 01 <spec> 00.
  const req = encodeAccessRequest(0, [boostLogSpec(from, to, layoutIn)], []);
  return req.subarray(7, req.length - 1);
}

/** Inputs for building a boost-log read request (counter and time range). */
export interface BoostLogReadRequest {
  readonly originatorCounter: bigint | number;
  readonly from: Date | number;
  readonly to: Date | number;
  readonly layout?: Partial<BoostLogLayout>;
}

/**
 * DLMS access-request reading the Boost Function Event Log over a date range (selection
 * by end date-time on the device). The message code and envelope are the caller's: no
 * public GBCS use case carries this read yet (wrap it with encodeFrame).
 */
export function buildBoostLogReadRequest(req: BoostLogReadRequest): Uint8Array {
  return encodeAccessRequest(invokeIdFor(req.originatorCounter), [boostLogSpec(req.from, req.to, req.layout)], [{ type: 'null' }]);
}

/**
 * Many boost-log read requests in few WASM calls (issue 17): the bytes buildBoostLogReadRequest
 * gives per request, as views over one buffer per batch of up to 8192.
 */
export function buildBoostLogReadRequests(reqs: readonly BoostLogReadRequest[]): Uint8Array[] {
  // Each tree is built and staged in turn (not all built first: 1000s of live trees cost GC time).
  return encodePrograms(reqs.length, (w, i) => {
    const r = reqs[i]!;
    stagePayload(w, accessRequest(invokeIdFor(r.originatorCounter), [boostLogSpec(r.from, r.to, r.layout)], [{ type: 'null' }]));
  });
}

/** Decodes a request built by buildBoostLogReadRequest (device-simulator side). */
export function decodeBoostLogReadRequest(content: Uint8Array, layoutIn?: Partial<BoostLogLayout>, contentOffset = 0): DecodedRange & { invokeId: number } {
  const layout = resolveLayout(layoutIn);
  const ix = walkApdu(content, contentOffset, 'boost-log', 0xd9);
  const { specs } = apduLists(ix);
  const spec = specs.length === 1 ? specOf(ix, specs[0]!) : undefined;
  const obis = obisText(layout.obis);
  if (!spec || spec.kind !== 4 || spec.classId !== layout.classId || spec.attribute !== layout.attribute || spec.obis !== obis || spec.selector !== 1) {
    throw new GbcsDecodeError('boost-log', contentOffset, `one get-with-selection of ${layout.classId}/${obis}/${layout.attribute} with range selector 1`);
  }
  const fail: Fail = (expected, at, detail) => {
    throw new GbcsDecodeError('boost-log', contentOffset + at, expected, detail);
  };
  return { invokeId: ix.aux(0), ...rangeFromNode(ix, specs[0]! + 1, fail) };
}

/** A decoded boost-log read response: invoke id, access result and the log. */
export interface BoostLogResponse {
  readonly invokeId: number;
  /** DLMS data-access-result (0 success). */
  readonly result: number;
  /** Absent when the read failed. */
  readonly log?: BoostLog;
}

/** The log of a walked Data node `i` of an APDU (errors at frame offsets); `layout` as resolveLayout returns it. */
export function logFromApdu(ix: NodeIndex, i: number, layout: BoostLogLayout, contentOffset: number, what: GbcsErrorCode, budget = new Budget()): BoostLog {
  return logFromNode(ix, i, layout, contentOffset, what, budget);
}

/** Decodes the access-response to a boost log read: one Data item and its result. */
export function decodeBoostLogResponse(content: Uint8Array, layoutIn?: Partial<BoostLogLayout>, contentOffset = 0): BoostLogResponse {
  const layout = resolveLayout(layoutIn);
  const ix = walkApdu(content, contentOffset, 'boost-log', 0xda);
  const { data, results } = responseLists(ix, contentOffset, 'boost-log');
  if (data.length !== 1) throw new GbcsDecodeError('boost-log', contentOffset + 7, 'one Data item (the log buffer)', `found ${data.length}`);
  const invokeId = ix.aux(0);
  const result = ix.aux(results[0]!);
  if (result !== 0 || ix.tag(data[0]!) === 0x00) return { invokeId, result };
  return { invokeId, result, log: logFromNode(ix, data[0]!, layout, contentOffset, 'boost-log', new Budget()) };
}

/** Encodes that access-response (device simulators); decodeBoostLogResponse reverses it. */
export function encodeBoostLogResponse(originatorCounter: bigint | number, log: BoostLog | readonly BoostPeriod[], layout?: Partial<BoostLogLayout>): Uint8Array {
  return encodeAccessResponse(invokeIdFor(originatorCounter), [logData(log, resolveLayout(layout))], [{ kind: 'get', result: 0 }]);
}

/**
 * Many ECS61c read responses in few WASM calls (device simulators, fixtures): the bytes
 * encodeBoostLogResponse gives per item, as views over one buffer per batch.
 */
export function encodeBoostLogResponses(items: readonly { readonly originatorCounter: bigint | number; readonly log: BoostLog | readonly BoostPeriod[]; readonly layout?: Partial<BoostLogLayout> }[]): Uint8Array[] {
  return encodePrograms(items.length, (w, i) => {
    const it = items[i]!;
    stagePayload(w, accessResponse(invokeIdFor(it.originatorCounter), [logData(it.log, resolveLayout(it.layout))], [{ kind: 'get', result: 0 }]));
  });
}
