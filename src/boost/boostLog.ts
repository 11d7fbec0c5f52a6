// Boost Function Event Log (ESME / SAPC), GBCS.md section 6.
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
// A boost that is still running has no end yet: it is not in the log. Should a device
// write it with end 0xFFFFFFFF (the DLMS "not specified" u32) we keep it, flag it
// `running`, and never select it.
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';
import { Cursor, berLengthBytes, concat, formatObis, gbcsSecondsToDate, obisBytes, toGbcsSeconds, u32beBytes } from '../typed/cursor.js';
import { contentCursor, encodeAccessRequest, encodeAccessResponse, invokeIdFor, parseAccessRequest, parseAccessResponse } from '../typed/dlms.js';

export type BoostColumnType = 'u32' | 'u16' | 'u8' | 'i32' | 'i16' | 'i8' | 'enum' | 'boolean';

const COLUMN_TYPES: Record<BoostColumnType, { tag: number; size: number; signed: boolean }> = {
  u32: { tag: 0x06, size: 4, signed: false },
  u16: { tag: 0x12, size: 2, signed: false },
  u8: { tag: 0x11, size: 1, signed: false },
  i32: { tag: 0x05, size: 4, signed: true },
  i16: { tag: 0x10, size: 2, signed: true },
  i8: { tag: 0x0f, size: 1, signed: true },
  enum: { tag: 0x16, size: 1, signed: false },
  boolean: { tag: 0x03, size: 1, signed: false },
};

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

export interface BoostPeriod {
  /** u32 UTC seconds since 2000-01-01T00:00Z. */
  readonly start: number;
  /** u32 UTC seconds since 2000-01-01T00:00Z; BOOST_END_RUNNING while running. */
  readonly end: number;
  /** Values of the 'extra' columns in layout order (absent when there are none). */
  readonly extras?: readonly number[];
}

export interface BoostLog {
  /** Oldest -> newest by end, as the device returns them. */
  readonly entries: readonly BoostPeriod[];
  /** How the buffer was encoded (kept so re-encoding is byte-exact). */
  readonly form: 'compact-array' | 'array';
}

export interface BoostPeriodTimes {
  readonly start: Date;
  /** null while the boost is running. */
  readonly end: Date | null;
  readonly durationSeconds: number | null;
}

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

function readColumn(c: Cursor, type: BoostColumnType): number {
  const t = COLUMN_TYPES[type];
  const b = c.take(t.size, `a ${type} column value`);
  let v = 0;
  for (const x of b) v = v * 256 + x;
  if (t.signed && v >= 2 ** (t.size * 8 - 1)) v -= 2 ** (t.size * 8);
  return v;
}

function writeColumn(v: number, type: BoostColumnType, field: string): number[] {
  const t = COLUMN_TYPES[type];
  const bits = t.size * 8;
  const lo = t.signed ? -(2 ** (bits - 1)) : 0;
  const hi = t.signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  if (!Number.isInteger(v) || v < lo || v > hi) throw new GbcsEncodeError(field, `${v} does not fit ${type}`);
  let u = v < 0 ? v + 2 ** bits : v;
  const out = new Array<number>(t.size);
  for (let i = t.size - 1; i >= 0; i--) {
    out[i] = u % 256;
    u = Math.floor(u / 256);
  }
  return out;
}

function row(values: number[], layout: BoostLogLayout): BoostPeriod {
  let start = 0;
  let end = 0;
  const extras: number[] = [];
  layout.columns.forEach((col, i) => {
    if (col.role === 'start') start = values[i]!;
    else if (col.role === 'end') end = values[i]!;
    else extras.push(values[i]!);
  });
  return extras.length ? { start, end, extras } : { start, end };
}

/**
 * Decodes the log buffer: one DLMS Data value, a compact-array
 * `13 02 <n> <tags> <len> <rows>` (GBCS.md 6) or a plain array of structures.
 * `offset` is added to error offsets (the value's position in the frame).
 */
export function decodeBoostLog(data: Uint8Array, layoutIn?: Partial<BoostLogLayout>, offset = 0): BoostLog {
  const layout = resolveLayout(layoutIn);
  const c = new Cursor(data, 0, data.length, offset, 'boost-log');
  const cols = layout.columns;
  const tagAt = c.pos;
  const tag = c.u8('the log buffer: compact-array 0x13 or array 0x01');
  const entries: BoostPeriod[] = [];
  const tooMany = (n: number, at: number) => c.fail(`at most ${layout.maxEntries} Boost Periods`, at, `${n} entries`);
  if (tag === 0x13) {
    c.expect(0x02, 'a structure type description 0x02');
    c.expect(cols.length, `${cols.length} columns (layout)`);
    for (const col of cols) c.expect(COLUMN_TYPES[col.type].tag, `column type 0x${COLUMN_TYPES[col.type].tag.toString(16).padStart(2, '0')} (${col.role} ${col.type})`);
    const lenAt = c.pos;
    const len = c.length('the compact-array contents length');
    const rowSize = cols.reduce((n, col) => n + COLUMN_TYPES[col.type].size, 0);
    if (len % rowSize !== 0) c.fail(`contents length a multiple of the ${rowSize}-byte row`, lenAt, `length ${len}`);
    if (len / rowSize > layout.maxEntries) tooMany(len / rowSize, lenAt);
    const body = c.sub(len, 'the compact-array contents');
    while (body.remaining > 0) entries.push(row(cols.map((col) => readColumn(body, col.type)), layout));
  } else if (tag === 0x01) {
    const countAt = c.pos;
    const n = c.length('the array count');
    if (n > layout.maxEntries) tooMany(n, countAt);
    for (let i = 0; i < n; i++) {
      c.expect(0x02, 'a structure 0x02 per Boost Period');
      c.expect(cols.length, `${cols.length} columns (layout)`);
      entries.push(
        row(
          cols.map((col) => {
            c.expect(COLUMN_TYPES[col.type].tag, `a ${col.type} (${col.role}) Data tag`);
            return readColumn(c, col.type);
          }),
          layout,
        ),
      );
    }
  } else {
    c.fail('the log buffer: compact-array 0x13 or array 0x01', tagAt, `found 0x${tag.toString(16).toUpperCase()}`);
  }
  c.done('the end of the log buffer');
  return { entries, form: tag === 0x13 ? 'compact-array' : 'array' };
}

/** Encodes the log buffer (for device simulators and fixtures); decodeBoostLog reverses it exactly. */
export function encodeBoostLog(log: BoostLog | readonly BoostPeriod[], layoutIn?: Partial<BoostLogLayout>): Uint8Array {
  const layout = resolveLayout(layoutIn);
  const entries = Array.isArray(log) ? (log as readonly BoostPeriod[]) : (log as BoostLog).entries;
  const form = Array.isArray(log) ? 'compact-array' : (log as BoostLog).form;
  if (entries.length > layout.maxEntries) throw new GbcsEncodeError('entries', `${entries.length} Boost Periods; the log holds at most ${layout.maxEntries}`);
  const nExtra = layout.columns.filter((c) => c.role === 'extra').length;
  const rows = entries.map((e, i) => {
    if ((e.extras?.length ?? 0) !== nExtra) throw new GbcsEncodeError(`entries[${i}].extras`, `the layout has ${nExtra} extra column(s)`);
    let x = 0;
    return layout.columns.map((col) => {
      const v = col.role === 'start' ? e.start : col.role === 'end' ? e.end : e.extras![x++]!;
      return { col, bytes: writeColumn(v, col.type, `entries[${i}].${col.role === 'extra' ? (col.name ?? 'extra') : col.role}`) };
    });
  });
  const tags = layout.columns.map((c) => COLUMN_TYPES[c.type].tag);
  if (form === 'compact-array') {
    const body = rows.flatMap((r) => r.flatMap((v) => v.bytes));
    return concat(0x13, 0x02, layout.columns.length, tags, berLengthBytes(body.length), body);
  }
  return concat(0x01, berLengthBytes(rows.length), rows.flatMap((r) => [0x02, r.length, ...r.flatMap((v) => [COLUMN_TYPES[v.col.type].tag, ...v.bytes])]));
}

/**
 * Selects the Boost Periods whose END lies in [from, to], both inclusive (SEC change
 * IRP640; DLMS range_descriptor semantics). A boost that started before `from` but ended
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

/** The range_descriptor Data of a read: {restricting object, from, to, selected_values = all}. */
export function boostRangeDescriptor(from: Date | number, to: Date | number, layoutIn?: Partial<BoostLogLayout>): Uint8Array {
  const layout = resolveLayout(layoutIn);
  const r = layout.restrictingObject;
  if (!Number.isInteger(r.classId) || r.classId < 0 || r.classId > 0xffff) throw new GbcsEncodeError('restrictingObject.classId', 'must be 0..65535');
  return concat(
    [0x02, 0x04],
    [0x02, 0x04, 0x12, r.classId >> 8, r.classId & 0xff, 0x09, 0x06],
    obisBytes(r.obis),
    [0x0f, r.attribute & 0xff, 0x12, r.dataIndex >> 8, r.dataIndex & 0xff],
    0x06,
    u32beBytes(toGbcsSeconds(from, 'from')),
    0x06,
    u32beBytes(toGbcsSeconds(to, 'to')),
    [0x01, 0x00],
  );
}

/** get-with-selection spec for the log buffer with a range. */
export function boostLogReadSpec(from: Date | number, to: Date | number, layoutIn?: Partial<BoostLogLayout>): Uint8Array {
  const layout = resolveLayout(layoutIn);
  return concat(0x04, layout.classId >> 8, layout.classId & 0xff, obisBytes(layout.obis), layout.attribute, 0x01, boostRangeDescriptor(from, to, layout));
}

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
  return encodeAccessRequest(invokeIdFor(req.originatorCounter), [boostLogReadSpec(req.from, req.to, req.layout)], [Uint8Array.of(0)]);
}

export interface DecodedRange {
  readonly restrictingObject: { classId: number; obis: string; attribute: number; dataIndex: number };
  /** u32 seconds since 2000-01-01Z. */
  readonly from: number;
  readonly to: number;
}

/** Reads a range_descriptor Data (as built by boostRangeDescriptor / the ECS61c read). */
export function decodeRangeDescriptor(c: Cursor): DecodedRange {
  c.expect(0x02, 'range_descriptor structure 0x02');
  c.expect(0x04, 'range_descriptor of 4 elements');
  c.expect(0x02, 'restricting object structure 0x02');
  c.expect(0x04, 'restricting object of 4 elements');
  c.expect(0x12, 'class id (long-unsigned 0x12)');
  const classId = c.u16be('class id');
  c.expect(0x09, 'logical name (octet-string 0x09)');
  c.expect(0x06, 'a 6-byte logical name');
  const obis = formatObis(c.take(6, 'logical name'));
  c.expect(0x0f, 'attribute index (integer 0x0F)');
  const attribute = c.u8('attribute index');
  c.expect(0x12, 'data index (long-unsigned 0x12)');
  const dataIndex = c.u16be('data index');
  c.expect(0x06, 'from value (double-long-unsigned 0x06: seconds since 2000)');
  const from = c.u32be('from value');
  c.expect(0x06, 'to value (double-long-unsigned 0x06: seconds since 2000)');
  const to = c.u32be('to value');
  c.expect(0x01, 'selected values array 0x01');
  c.expect(0x00, 'an empty selected values array (all columns)');
  return { restrictingObject: { classId, obis, attribute, dataIndex }, from, to };
}

/** Decodes a request built by buildBoostLogReadRequest (device-simulator side). */
export function decodeBoostLogReadRequest(content: Uint8Array, layoutIn?: Partial<BoostLogLayout>, contentOffset = 0): DecodedRange & { invokeId: number } {
  const layout = resolveLayout(layoutIn);
  const req = parseAccessRequest(contentCursor(content, contentOffset, 'boost-log'));
  const spec = req.specs[0];
  const obis = obisBytes(layout.obis);
  if (req.specs.length !== 1 || !spec || spec.kind !== 4 || spec.classId !== layout.classId || spec.attribute !== layout.attribute || formatObis(spec.obis) !== formatObis(obis) || spec.selector !== 1) {
    throw new GbcsDecodeError('boost-log', contentOffset, `one get-with-selection of ${layout.classId}/${formatObis(obis)}/${layout.attribute} with range selector 1`);
  }
  const s = spec.selection!;
  const c = new Cursor(s.bytes, 0, s.bytes.length, s.offset, 'boost-log');
  const range = decodeRangeDescriptor(c);
  c.done();
  return { invokeId: req.invokeId, ...range };
}

export interface BoostLogResponse {
  readonly invokeId: number;
  /** DLMS data-access-result (0 success). */
  readonly result: number;
  /** Absent when the read failed. */
  readonly log?: BoostLog;
}

/** Decodes the access-response to a boost log read: one Data item and its result. */
export function decodeBoostLogResponse(content: Uint8Array, layoutIn?: Partial<BoostLogLayout>, contentOffset = 0): BoostLogResponse {
  const layout = resolveLayout(layoutIn);
  const rsp = parseAccessResponse(contentCursor(content, contentOffset, 'boost-log'));
  if (rsp.data.length !== 1) throw new GbcsDecodeError('boost-log', contentOffset + 7, 'one Data item (the log buffer)', `found ${rsp.data.length}`);
  const item = rsp.data[0]!;
  const result = rsp.results[0]!.result;
  if (result !== 0 || item.bytes[0] === 0x00) return { invokeId: rsp.invokeId, result };
  return { invokeId: rsp.invokeId, result, log: decodeBoostLog(item.bytes, layout, item.offset) };
}

/** Encodes that access-response (device simulators); decodeBoostLogResponse reverses it. */
export function encodeBoostLogResponse(originatorCounter: bigint | number, log: BoostLog | readonly BoostPeriod[], layout?: Partial<BoostLogLayout>): Uint8Array {
  return encodeAccessResponse(invokeIdFor(originatorCounter), [encodeBoostLog(log, layout)], [{ choice: 1, result: 0 }]);
}
