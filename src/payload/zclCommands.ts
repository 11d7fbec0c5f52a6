// Layouts of the ZCL Smart Energy cluster-specific commands GBCS carries in GBZ payloads,
// as data (NAMES.md 1.3-1.5, GBCS.md 3.3). The decoder and encoder in zcl.ts walk these
// tables; nothing here runs per frame except the lookups.
//
// Byte order: ZCL payload fields are little-endian. Types:
//   u8 u16 u24 u32 u48   unsigned integers          i32          signed int32
//   map8 map16 map32      bitmaps (unsigned)         enum8        enumeration
//   utc                   uint32 seconds since 2000-01-01T00:00Z (0 = now; 0xFFFFFFFF /
//                         0xFFFFFFFE = cancellation of a future-dated command, NAMES.md 1.5)
//   zdate                 4 bytes: year-1900, month, day of month, day of week (0xFF = any)
//   str                   1-byte length + bytes (0xFF = invalid string, no bytes follow)
//   bytes                 the rest of the payload, kept as bytes (deliberate raw blob)
//
// Layout items:
//   field      one value
//   repeat     entries of `fields`: count from an earlier field ('field'), from the low
//              nibble of an earlier map8 in the same entry scope ('low-nibble'), or to the
//              end of the payload ('to-end')
//   switch     the fields of the case named by an earlier field's value; a value with no
//              case keeps the rest as one `bytes` field (decision below)
//   optional   fields present only when bytes remain (all or none)
//
// Tags per command: VERIFIED = NAMES.md 1.4 marks the layout VERIFIED-RTDS (every RTDS
// component of that kind consumed exactly) and our RTDS conformance test decodes and
// re-encodes each one (test/zcl-rtds.test.ts; the RTDS subset here lacks CS11, so the two
// Events clear-log layouts rest on NAMES.md's check of the full set). UNCONFIRMED = not in RTDS; the `decision`
// says where the layout comes from.
//
// Field names: `name` is snake_case, unique within a command (entries included), stable
// (other code derives dotted names like zcl.prepayment.credit_adjustment.credit_adjustment_value
// from clusterKey.key.name); `label` is the human name from NAMES.md.

import { alertCodeName } from './dlmsNames.js';

/** Wire type of a ZCL command field. */
export type ZclFieldType =
  | 'u8' | 'u16' | 'u24' | 'u32' | 'u48' | 'i32'
  | 'map8' | 'map16' | 'map32' | 'enum8' | 'utc' | 'zdate' | 'str' | 'bytes';

/** Wire width of a field type (`str`: the length byte only; `bytes`: 0, it takes the rest). */
export const ZCL_FIELD_WIDTH: Readonly<Record<ZclFieldType, number>> = {
  u8: 1, u16: 2, u24: 3, u32: 4, u48: 6, i32: 4, map8: 1, map16: 2, map32: 4, enum8: 1, utc: 4, zdate: 4, str: 1, bytes: 0,
};

/** Decoder codes of field types (ZclFieldSpec.code). */
export const FIELD_UINT = 0;
export const FIELD_I32 = 1;
export const FIELD_STR = 2;
export const FIELD_BYTES = 3;
export const FIELD_ZDATE = 4;
const FIELD_CODES: Readonly<Record<ZclFieldType, number>> = {
  u8: FIELD_UINT, u16: FIELD_UINT, u24: FIELD_UINT, u32: FIELD_UINT, u48: FIELD_UINT, map8: FIELD_UINT, map16: FIELD_UINT,
  map32: FIELD_UINT, enum8: FIELD_UINT, utc: FIELD_UINT, i32: FIELD_I32, str: FIELD_STR, bytes: FIELD_BYTES, zdate: FIELD_ZDATE,
};

/** One field in a ZCL command layout. */
export interface ZclFieldSpec {
  readonly kind: 'field';
  /** Wire width (ZCL_FIELD_WIDTH of the type) and decoder code (FIELD_*), precomputed. */
  readonly width: number;
  readonly code: number;
  readonly name: string;
  readonly label: string;
  readonly type: ZclFieldType;
  /** Names of enumeration values (enum8) or of bits (map8/16/32, bit number -> name). */
  readonly values?: Readonly<Record<number, string>>;
  /** `str` fields that carry text (shown as text as well as bytes). */
  readonly text?: boolean;
  /** Names values from another table (GBCS alert/event codes for Event IDs, NAMES.md 2.6). */
  readonly lookup?: (value: number) => string | undefined;
}
export interface ZclRepeatSpec {
  readonly kind: 'repeat';
  readonly name: string;
  readonly label: string;
  readonly count: { readonly from: 'to-end' } | { readonly from: 'field' | 'low-nibble'; readonly field: string };
  readonly fields: readonly ZclLayoutItem[];
  /** Smallest wire size of one entry (computed from `fields`). */
  readonly minEntry: number;
  /** Wire size of every entry when `fields` are all fixed-width fields (no str/bytes/repeat/switch/optional), else -1. */
  readonly fixed: number;
}
export interface ZclSwitchSpec {
  readonly kind: 'switch';
  readonly on: string;
  readonly cases: Readonly<Record<number, readonly ZclLayoutItem[]>>;
  /** Name of the `bytes` field that keeps the rest when no case matches. */
  readonly otherwise: string;
  /** That `bytes` field's spec. */
  readonly rest: ZclFieldSpec;
}
export interface ZclOptionalSpec {
  readonly kind: 'optional';
  readonly fields: readonly ZclLayoutItem[];
}
/** One item of a ZCL command layout: a field, repeat, switch or optional group. */
export type ZclLayoutItem = ZclFieldSpec | ZclRepeatSpec | ZclSwitchSpec | ZclOptionalSpec;

/** Layout of one ZCL cluster command, as table data. */
export interface ZclCommandSpec {
  readonly clusterId: number;
  /** Snake-case cluster name, e.g. 'prepayment'. */
  readonly clusterKey: string;
  /** 0 = client to server (FC bit 3 clear), 1 = server to client. */
  readonly direction: 0 | 1;
  readonly commandId: number;
  readonly name: string;
  /** Snake-case command name, e.g. 'credit_adjustment'. */
  readonly key: string;
  readonly layout: readonly ZclLayoutItem[];
  /** Wire size of the payload when `layout` is all fixed-width fields, else -1 (fixedWidth). */
  readonly fixed: number;
  /** Leading fixed-width fields of `layout` and their wire size (the scan steps over them at once). */
  readonly prefix: number;
  readonly prefixWidth: number;
  /** Whether any count or switch of the layout reads an earlier field's value. */
  readonly lookups: boolean;
  readonly status: 'VERIFIED' | 'UNCONFIRMED';
  readonly decision?: string;
}

/** 'Credit Adjustment Value' -> 'credit_adjustment_value'. */
export function snakeName(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

// ---- value names (NAMES.md 1.5 and the notes under each layout) ----
const UNIT_OF_MEASURE = { 0: 'kWh', 1: 'm3', 2: 'ft3', 3: 'ccf', 4: 'US gal', 5: 'imperial gal', 6: 'BTU', 7: 'litres', 8: 'kPa gauge', 9: 'kPa absolute', 10: 'mcf', 11: 'unitless', 12: 'MJ', 13: 'kVar' };
const ORIGINATING_DEVICE = { 0: 'energy service interface', 1: 'meter', 2: 'in-home display device' };
const CALENDAR_TYPE = { 0: 'delivered', 1: 'received', 2: 'delivered and received', 3: 'friendly credit', 4: 'auxiliary load switch' };
const LOG_ID = { 0: 'all logs', 1: 'tamper log', 2: 'fault log', 3: 'general event log', 4: 'security event log', 5: 'network event log' };
const SUPPLY_STATUS = { 0: 'supply off', 1: 'supply off/armed', 2: 'supply on' };
const DEBT_TYPE = { 0: 'debt 1', 1: 'debt 2', 2: 'debt 3', 0xff: 'all debts' };
const SNAPSHOT_CAUSE = {
  0: 'general', 1: 'end of billing period', 2: 'end of block period', 3: 'change of tariff information', 4: 'change of price matrix',
  5: 'change of block thresholds', 6: 'change of CV', 7: 'change of CF', 8: 'change of calendar', 9: 'critical peak pricing',
  10: 'manually triggered from client', 11: 'end of resolve period', 12: 'change of tenancy', 13: 'change of supplier',
  14: 'change of meter mode', 15: 'debt payment', 16: 'scheduled snapshot', 17: 'OTA firmware download', 18: 'top up addition', 19: 'debt/credit addition',
};
const SNAPSHOT_PAYLOAD_TYPE = {
  0: 'TOU information set delivered registers', 1: 'TOU information set received registers', 2: 'block tier information set delivered',
  3: 'block tier information set received', 4: 'TOU information set delivered (no billing)', 5: 'TOU information set received (no billing)',
  6: 'block tier information set delivered (no billing)', 7: 'block tier information set received (no billing)', 128: 'data unavailable',
};
const PAYMENT_CONTROL = {
  0: 'disconnection enabled', 1: 'prepayment enabled', 2: 'credit management enabled', 4: 'credit display enabled', 6: 'account base',
  7: 'contactor fitted', 8: 'standing charge configuration', 9: 'emergency standing charge configuration', 10: 'debt configuration',
  11: 'emergency debt configuration',
};
const EVENT_CONFIGURATION = { 3: 'push to WAN', 4: 'push to HAN', 5: 'raise ZigBee alarm', 6: 'raise physical alarm' };
const SAMPLE_TYPE = { 0: 'consumption delivered' };

// ---- layout builders ----
// Every layout item is created by `node` with the same properties in the same order, so
// the decoder's property reads stay monomorphic (one hidden class for all items).
type Item = ZclLayoutItem;
function node<T extends ZclLayoutItem>(p: Partial<Record<string, unknown>> & { kind: T['kind'] }): T {
  return {
    kind: p.kind, name: p.name ?? '', label: p.label ?? '', type: p.type ?? 'bytes', values: p.values, text: p.text ?? false, lookup: p.lookup,
    width: ZCL_FIELD_WIDTH[(p.type ?? 'bytes') as ZclFieldType], code: FIELD_CODES[(p.type ?? 'bytes') as ZclFieldType],
    count: p.count, fields: p.fields ?? [], minEntry: p.minEntry ?? 0, on: p.on ?? '', cases: p.cases ?? {}, otherwise: p.otherwise ?? '',
    rest: p.rest, fixed: p.fixed ?? -1,
  } as unknown as T;
}
const f = (label: string, type: ZclFieldType, opts: { name?: string; values?: Record<number, string>; text?: boolean; lookup?: (v: number) => string | undefined } = {}): ZclFieldSpec =>
  node<ZclFieldSpec>({ kind: 'field', name: opts.name ?? snakeName(label), label, type, values: opts.values, text: opts.text, lookup: opts.lookup });
/** Event ID: a GBCS alert/event code (NAMES.md 2.6), named through the shared alert table. */
const eventId = () => f('Event ID', 'u16', { lookup: alertCodeName });
const text = (label: string, name?: string) => f(label, 'str', { text: true, ...(name ? { name } : {}) });
/** Wire size of `items` when all are fixed-width fields (uint, i32, zdate), else -1. */
export function fixedWidth(items: readonly Item[]): number {
  let n = 0;
  for (const it of items) {
    if (it.kind !== 'field' || it.type === 'str' || it.type === 'bytes') return -1;
    n += it.width;
  }
  return n;
}
/** Leading fixed-width fields of `items`: [count, wire size]. */
function fixedPrefix(items: readonly Item[]): [number, number] {
  let n = 0, w = 0;
  for (const it of items) {
    if (it.kind !== 'field' || it.type === 'str' || it.type === 'bytes') break;
    n++;
    w += it.width;
  }
  return [n, w];
}
/** Whether a count or switch in `items` (at any depth) reads a field's value. */
function hasLookups(items: readonly Item[]): boolean {
  for (const it of items) {
    if (it.kind === 'switch') return true;
    if (it.kind === 'repeat' && (it.count.from !== 'to-end' || hasLookups(it.fields))) return true;
    if (it.kind === 'optional' && hasLookups(it.fields)) return true;
  }
  return false;
}
function minSize(items: readonly Item[]): number {
  let n = 0;
  for (const it of items) if (it.kind === 'field') n += ZCL_FIELD_WIDTH[it.type];
  return n;
}
const repeat = (label: string, count: ZclRepeatSpec['count'], fields: Item[], name?: string): ZclRepeatSpec =>
  node<ZclRepeatSpec>({ kind: 'repeat', name: name ?? snakeName(label), label, count, fields, minEntry: Math.max(1, minSize(fields)), fixed: fixedWidth(fields) });
const optional = (fields: Item[]): ZclOptionalSpec => node<ZclOptionalSpec>({ kind: 'optional', fields });
const choose = (on: string, otherwise: string, cases: Record<number, Item[]>): ZclSwitchSpec =>
  node<ZclSwitchSpec>({ kind: 'switch', on, otherwise, cases, rest: node<ZclFieldSpec>({ kind: 'field', name: otherwise, label: otherwise, type: 'bytes' }) });
const toEnd = { from: 'to-end' } as const;
const countOf = (field: string) => ({ from: 'field', field }) as const;

const providerId = () => f('Provider ID', 'u32');
const issuerEventId = () => f('Issuer Event ID', 'u32');
const issuerCalendarId = () => f('Issuer Calendar ID', 'u32');
const issuerTariffId = () => f('Issuer Tariff ID', 'u32');
const startTime = () => f('Start Time', 'utc');
const implementationTime = () => f('Implementation Date/Time', 'utc');
const commandIndex = () => f('Command Index', 'u8');
const totalCommands = (label = 'Total Number of Commands') => f(label, 'u8');
const tariffType = () => f('Tariff Type', 'map8');
const unitOfMeasure = () => f('Unit of Measure', 'enum8', { values: UNIT_OF_MEASURE });
const calendarType = () => f('Calendar Type', 'enum8', { values: CALENDAR_TYPE });

type Def = [id: number, name: string, layout: Item[], status?: 'UNCONFIRMED', decision?: string];

const CLUSTERS: ReadonlyArray<[clusterId: number, key: string, c2s: Def[], s2c: Def[]]> = [
  [0x0700, 'price', [
    [0x00, 'Get Current Price', [f('Command Options', 'map8')]],
    [0x0b, 'Get Billing Period', [f('Earliest Start Time', 'utc'), f('Min. Issuer Event ID', 'u32'), f('Number of Commands', 'u8'), tariffType()]],
  ], [
    [0x00, 'Publish Price', [
      providerId(), text('Rate Label'), issuerEventId(), f('Current Time', 'utc'), unitOfMeasure(), f('Currency', 'u16'),
      f('Price Trailing Digit and Price Tier', 'map8'), f('Number of Price Tiers and Register Tier', 'map8'), startTime(),
      f('Duration in Minutes', 'u16'), f('Price', 'u32'),
      // Decision (UNCONFIRMED, not in RTDS): GP notes 19 further octets may follow; they are the
      // ZSE 1.4 Publish Price tail (13 fields, 19 bytes), decoded when present.
      optional([
        f('Price Ratio', 'u8'), f('Generation Price', 'u32'), f('Generation Price Ratio', 'u8'), f('Alternate Cost Delivered', 'u32'),
        f('Alternate Cost Unit', 'enum8'), f('Alternate Cost Trailing Digit', 'map8'), f('Number of Block Thresholds', 'u8'),
        f('Price Control', 'map8'), f('Number of Generation Tiers', 'u8'), f('Generation Tier', 'map8'),
        f('Extended Number of Price Tiers', 'u8'), f('Extended Price Tier', 'u8'), f('Extended Register Tier', 'u8'),
      ]),
    ]],
    [0x01, 'Publish Block Period', [
      providerId(), issuerEventId(), f('Block Period Start Time', 'utc'), f('Block Period Duration', 'u24'), f('Block Period Control', 'map8'),
      f('Block Period Duration Type', 'map8'), tariffType(), f('Tariff Resolution Period', 'enum8', { values: { 0: 'not defined', 1: 'block period', 2: 'one day' } }),
    ]],
    [0x02, 'Publish Conversion Factor', [issuerEventId(), startTime(), f('Conversion Factor', 'u32'), f('Conversion Factor Trailing Digit', 'map8')]],
    [0x03, 'Publish Calorific Value', [
      issuerEventId(), startTime(), f('Calorific Value', 'u32'), f('Calorific Value Unit', 'enum8', { values: { 1: 'MJ/m3', 2: 'MJ/kg' } }),
      f('Calorific Value Trailing Digit', 'map8'),
    ]],
    [0x04, 'Publish Tariff Information', [
      providerId(), issuerEventId(), issuerTariffId(), startTime(), f('Tariff Type / Charging Scheme', 'map8'), text('Tariff Label'),
      f('Number of Price Tiers in Use', 'u8'), f('Number of Block Thresholds in Use', 'u8'), unitOfMeasure(), f('Currency', 'u16'),
      f('Price Trailing Digit', 'map8'), f('Standing Charge', 'u32'), f('Tier Block Mode', 'u8'), f('Block Threshold Multiplier', 'u24'),
      f('Block Threshold Divisor', 'u24'),
    ]],
    [0x05, 'Publish Price Matrix', [
      providerId(), issuerEventId(), startTime(), issuerTariffId(), commandIndex(), totalCommands(), f('Sub-Payload Control', 'map8'),
      repeat('Price Matrix Entries', toEnd, [f('Tier/Block ID', 'u8'), f('Price', 'u32')]),
    ]],
    [0x06, 'Publish Block Thresholds', [
      providerId(), issuerEventId(), startTime(), issuerTariffId(), commandIndex(), totalCommands(), f('Sub-Payload Control', 'map8'),
      repeat('Threshold Groups', toEnd, [
        f('Tier/Number of Block Thresholds', 'map8'),
        repeat('Block Thresholds', { from: 'low-nibble', field: 'tier_number_of_block_thresholds' }, [f('Block Threshold', 'u48')]),
      ]),
    ]],
    [0x09, 'Publish Billing Period', [
      providerId(), issuerEventId(), f('Billing Period Start Time', 'utc'), f('Billing Period Duration', 'u24'),
      f('Billing Period Duration Type', 'map8'), tariffType(),
    ]],
  ]],
  [0x0702, 'metering', [
    [0x06, 'Get Snapshot', [f('Earliest Start Time', 'utc'), f('Latest End Time', 'utc'), f('Snapshot Offset', 'u8'), f('Snapshot Cause', 'map32', { values: SNAPSHOT_CAUSE })]],
    [0x07, 'Start Sampling', [
      issuerEventId(), f('Start Sampling Time', 'utc'), f('Sample Type', 'enum8', { values: SAMPLE_TYPE }), f('Sample Request Interval', 'u16'),
      f('Max Number of Samples', 'u16'),
    ]],
    [0x08, 'Get Sampled Data', [f('Sample ID', 'u16'), f('Earliest Sample Time', 'utc'), f('Sample Type', 'enum8', { values: SAMPLE_TYPE }), f('Number of Samples', 'u16')]],
    [0x0b, 'Change Supply', [
      providerId(), issuerEventId(), f('Request Date/Time', 'utc'), implementationTime(), f('Proposed Supply Status', 'enum8', { values: SUPPLY_STATUS }),
      f('Supply Control Bits', 'map8', { values: { 0: 'acknowledge required' } }),
    ]],
    [0x0d, 'Set Supply Status', [
      issuerEventId(), f('Supply Tamper State', 'enum8', { values: { 3: 'unchanged' } }), f('Supply Depletion State', 'enum8', { values: { 3: 'unchanged' } }),
      f('Supply Uncontrolled Flow State', 'enum8'), f('Load Limit Supply State', 'enum8'),
    ]],
    [0x0e, 'Set Uncontrolled Flow Threshold', [
      providerId(), issuerEventId(), f('Uncontrolled Flow Threshold', 'u16'), unitOfMeasure(), f('Multiplier', 'u16'), f('Divisor', 'u16'),
      f('Stabilisation Period', 'u8'), f('Measurement Period', 'u16'),
    ]],
  ], [
    [0x06, 'Publish Snapshot', [
      f('Snapshot ID', 'u32'), f('Snapshot Time', 'utc'), f('Total Snapshots Found', 'u8'), commandIndex(), totalCommands(),
      f('Snapshot Cause', 'map32', { values: SNAPSHOT_CAUSE }), f('Snapshot Payload Type', 'enum8', { values: SNAPSHOT_PAYLOAD_TYPE }),
      // Decision: only payload type 6 (the one GBCS uses, VERIFIED-RTDS) is laid out; any other
      // type keeps its sub-payload as bytes (UNCONFIRMED layouts are not guessed).
      choose('snapshot_payload_type', 'snapshot_payload', {
        6: [
          f('Current Summation Delivered', 'u48'), f('Number of Tiers in Use', 'u8'),
          repeat('Tier Summations', countOf('number_of_tiers_in_use'), [f('Tier Summation Delivered', 'u48')]),
          f('Number of Tiers and Block Thresholds in Use', 'map8'),
          repeat('Tier Block Summations', toEnd, [f('Tier Block Summation Delivered', 'u48')]),
        ],
      }),
    ]],
    [0x07, 'Get Sampled Data Response', [
      f('Sample ID', 'u16'), f('Sample Start Time', 'utc'), f('Sample Type', 'enum8', { values: SAMPLE_TYPE }), f('Sample Request Interval', 'u16'),
      f('Number of Samples', 'u16'), repeat('Samples', countOf('number_of_samples'), [f('Sample', 'u24')]),
    ]],
    [0x0c, 'Supply Status Response', [providerId(), issuerEventId(), implementationTime(), f('Supply Status After Implementation', 'enum8', { values: SUPPLY_STATUS })]],
    [0x0d, 'Start Sampling Response', [f('Sample ID', 'u16')]],
  ]],
  [0x0703, 'messaging', [], [
    [0x00, 'Display Message', [
      f('Message ID', 'u32'), f('Message Control', 'map8', { values: { 5: 'enhanced confirmation required', 7: 'message confirmation required' } }),
      startTime(), f('Duration in Minutes', 'u16'), text('Message'),
      optional([f('Extended Message Control', 'map8', { values: { 0: 'message confirmation status' } })]),
    ]],
    [0x01, 'Cancel Message', [f('Message ID', 'u32'), f('Message Control', 'map8')], 'UNCONFIRMED', 'ZSE layout (WS); not in RTDS'],
    [0x03, 'Cancel All Messages', [f('Implementation Date/Time', 'utc')], 'UNCONFIRMED', 'ZSE layout (WS); not in RTDS'],
  ]],
  [0x0705, 'prepayment', [
    [0x00, 'Select Available Emergency Credit', [f('Command Issue Date/Time', 'utc'), f('Originating Device', 'enum8', { values: ORIGINATING_DEVICE })]],
    [0x02, 'Change Debt', [
      issuerEventId(), text('Debt Label'), f('Debt Amount', 'i32'), f('Debt Recovery Method', 'enum8', { values: { 0: 'time based', 1: 'payment based' } }),
      f('Debt Amount Type', 'enum8', { values: { 0: 'type 1 absolute', 1: 'type 1 incremental', 2: 'type 2 absolute', 3: 'type 2 incremental', 4: 'type 3 absolute', 5: 'type 3 incremental' } }),
      f('Debt Recovery Start Time', 'utc'), f('Debt Recovery Collection Time', 'u16'),
      f('Debt Recovery Frequency', 'enum8', { values: { 0: 'per hour', 1: 'per day', 2: 'per week', 3: 'per month', 4: 'per quarter' } }),
      f('Debt Recovery Amount', 'i32'), f('Debt Recovery Balance Percentage', 'u16'),
    ]],
    [0x03, 'Emergency Credit Setup', [issuerEventId(), startTime(), f('Emergency Credit Limit', 'u32'), f('Emergency Credit Threshold', 'u32')]],
    [0x04, 'Consumer Top Up', [f('Originating Device', 'enum8', { values: ORIGINATING_DEVICE }), text('TopUp Code', 'top_up_code')]],
    [0x05, 'Credit Adjustment', [
      issuerEventId(), startTime(),
      f('Credit Adjustment Type', 'enum8', { values: { 0: 'incremental (prepayment)', 1: 'absolute (prepayment)', 2: 'absolute (credit)', 3: 'incremental (credit)' } }),
      f('Credit Adjustment Value', 'i32'),
    ]],
    [0x06, 'Change Payment Mode', [
      providerId(), issuerEventId(), implementationTime(), f('Proposed Payment Control Configuration', 'map16', { values: PAYMENT_CONTROL }), f('Cut Off Value', 'i32'),
    ]],
    [0x07, 'Get Prepay Snapshot', [f('Earliest Start Time', 'utc'), f('Latest End Time', 'utc'), f('Snapshot Offset', 'u8'), f('Snapshot Cause', 'map32', { values: SNAPSHOT_CAUSE })]],
    [0x08, 'Get Top Up Log', [f('Latest End Time', 'utc'), f('Number of Records', 'u8')]],
    [0x09, 'Set Low Credit Warning Level', [f('Low Credit Warning Level', 'u32')]],
    [0x0a, 'Get Debt Repayment Log', [f('Latest End Time', 'utc'), f('Number of Debts', 'u8'), f('Debt Type', 'enum8', { values: DEBT_TYPE })]],
    [0x0b, 'Set Maximum Credit Limit', [providerId(), issuerEventId(), implementationTime(), f('Maximum Credit Level', 'u32'), f('Maximum Credit Per Top Up', 'u32')]],
    [0x0c, 'Set Overall Debt Cap', [providerId(), issuerEventId(), implementationTime(), f('Overall Debt Cap', 'i32')]],
  ], [
    [0x01, 'Publish Prepay Snapshot', [
      f('Snapshot ID', 'u32'), f('Snapshot Time', 'utc'), f('Total Snapshots Found', 'u8'), commandIndex(), totalCommands(),
      f('Snapshot Cause', 'map32', { values: SNAPSHOT_CAUSE }), f('Snapshot Payload Type', 'enum8', { values: { 0: 'debt/credit status' } }),
      // Decision: payload type 0 (Debt/Credit Status, the only one in GBCS/RTDS) is laid out;
      // other types keep their sub-payload as bytes.
      choose('snapshot_payload_type', 'snapshot_payload', {
        0: [
          f('Accumulated Debt', 'i32'), f('Type 1 Debt Remaining', 'u32'), f('Type 2 Debt Remaining', 'u32'), f('Type 3 Debt Remaining', 'u32'),
          f('Emergency Credit Remaining', 'i32'), f('Credit Remaining', 'i32'),
        ],
      }),
    ]],
    [0x02, 'Change Payment Mode Response', [
      f('Friendly Credit', 'map8', { values: { 0: 'friendly credit enabled' } }), f('Friendly Credit Calendar ID', 'u32'),
      f('Emergency Credit Limit', 'u32'), f('Emergency Credit Threshold', 'u32'),
    ]],
    [0x03, 'Consumer Top Up Response', [
      f('Result Type', 'enum8', { values: { 0: 'accepted', 1: 'rejected - invalid top up', 2: 'rejected - duplicate top up', 3: 'rejected - error', 4: 'rejected - max credit reached', 5: 'rejected - keypad lock', 6: 'rejected - top up value too large', 0x10: 'accepted - supply enabled', 0x11: 'accepted - supply disabled', 0x12: 'accepted - supply armed' } }),
      f('TopUp Value', 'i32', { name: 'top_up_value' }), f('Source of Top up', 'enum8', { name: 'source_of_top_up', values: ORIGINATING_DEVICE }), f('Credit Remaining', 'i32'),
    ]],
    [0x05, 'Publish Top Up Log', [
      commandIndex(), totalCommands(),
      repeat('Top Ups', toEnd, [text('TopUp Code', 'top_up_code'), f('TopUp Amount', 'i32', { name: 'top_up_amount' }), f('TopUp Time', 'utc', { name: 'top_up_time' })]),
    ]],
    [0x06, 'Publish Debt Log', [
      commandIndex(), totalCommands(),
      // Decision: Amount Collected is uint32 (GP; WS reads int32): RTDS values are positive either way.
      repeat('Debt Payments', toEnd, [f('Collection Time', 'utc'), f('Amount Collected', 'u32'), f('Debt Type', 'enum8', { values: DEBT_TYPE }), f('Outstanding Debt', 'u32')]),
    ]],
  ]],
  [0x0707, 'calendar', [
    [0x01, 'Get Day Profiles', [providerId(), issuerCalendarId(), f('Start Day ID', 'u8'), f('Number of Days', 'u8')]],
    [0x02, 'Get Week Profiles', [providerId(), issuerCalendarId(), f('Start Week ID', 'u8'), f('Number of Weeks', 'u8')]],
    [0x03, 'Get Seasons', [providerId(), issuerCalendarId()]],
    [0x04, 'Get Special Days', [startTime(), f('Number of Events', 'u8'), calendarType(), providerId(), issuerCalendarId()]],
  ], [
    [0x00, 'Publish Calendar', [
      providerId(), issuerEventId(), issuerCalendarId(), startTime(), calendarType(),
      f('Calendar Time Reference', 'enum8', { values: { 0: 'UTC', 1: 'standard time', 2: 'local time' } }), text('Calendar Name'),
      f('Number of Seasons', 'u8'), f('Number of Week Profiles', 'u8'), f('Number of Day Profiles', 'u8'),
    ]],
    [0x01, 'Publish Day Profile', [
      providerId(), issuerEventId(), issuerCalendarId(), f('Day ID', 'u8'), f('Total Number of Schedule Entries', 'u8'), commandIndex(), totalCommands(), calendarType(),
      // The entry byte is a price tier (calendar types 0-2), friendly-credit enable (3) or
      // auxiliary switch state (4): one name for all, the calendar type says which.
      repeat('Schedule Entries', toEnd, [f('Start Time (minutes from midnight)', 'u16', { name: 'start_time' }), f('Price Tier / Friendly Credit Enable / Aux Switch State', 'u8', { name: 'tier_or_state' })]),
    ]],
    [0x02, 'Publish Week Profile', [
      providerId(), issuerEventId(), issuerCalendarId(), f('Week ID', 'u8'),
      ...['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map((d) => f(`Day ID Ref ${d}`, 'u8')),
    ]],
    [0x03, 'Publish Seasons', [
      providerId(), issuerEventId(), issuerCalendarId(), commandIndex(), totalCommands(),
      repeat('Seasons', toEnd, [f('Season Start Date', 'zdate'), f('Week ID Ref', 'u8')]),
    ]],
    [0x04, 'Publish Special Days', [
      providerId(), issuerEventId(), issuerCalendarId(), startTime(), calendarType(), f('Total Number of Special Days', 'u8'), commandIndex(), totalCommands(),
      repeat('Special Days', toEnd, [f('Special Day Date', 'zdate'), f('Day ID Ref', 'u8')]),
    ]],
    [0x05, 'Cancel Calendar', [providerId(), issuerCalendarId(), calendarType()], 'UNCONFIRMED', 'ZSE layout (WS); not in RTDS'],
  ]],
  [0x0708, 'device_management', [
    [0x04, 'Report Event Configuration', [
      commandIndex(), totalCommands('Total Commands'),
      repeat('Event Configurations', toEnd, [eventId(), f('Event Configuration', 'map8', { values: EVENT_CONFIGURATION })]),
    ]],
  ], [
    [0x00, 'Publish Change of Tenancy', [providerId(), issuerEventId(), tariffType(), implementationTime(), f('Proposed Tenancy Change Control', 'map32')]],
    [0x01, 'Publish Change of Supplier', [
      f('Current Provider ID', 'u32'), issuerEventId(), tariffType(), f('Proposed Provider ID', 'u32'), f('Provider Change Implementation Time', 'utc'),
      f('Provider Change Control', 'map32'), text('Proposed Provider Name'), text('Proposed Provider Contact Details'),
    ]],
    [0x02, 'Request New Password Response', [issuerEventId(), implementationTime(), f('Duration in Minutes', 'u16'), f('Password Type', 'enum8', { values: { 1: 'password 1', 2: 'password 2', 3: 'password 3', 4: 'password 4' } }), text('Password')]],
    [0x03, 'Update Site ID', [issuerEventId(), f('Site ID Time', 'utc'), providerId(), text('Site ID')]],
    [0x04, 'Set Event Configuration', [
      issuerEventId(), f('Start Date/Time', 'utc'), f('Event Configuration', 'map8', { values: EVENT_CONFIGURATION }),
      f('Configuration Control', 'enum8', { values: { 0: 'apply by list', 1: 'apply by event group', 2: 'apply by log type', 3: 'apply by configuration match' } }),
      // Decision: configuration control 0 (apply by list, the only one in RTDS) is laid out;
      // the ZSE alternatives keep their rest as bytes.
      choose('configuration_control', 'configuration_payload', {
        0: [f('Number of Events', 'u8'), repeat('Event IDs', countOf('number_of_events'), [eventId()])],
      }),
    ]],
    [0x05, 'Get Event Configuration', [eventId()]],
    [0x06, 'Update CIN', [issuerEventId(), f('CIN Implementation Time', 'utc'), providerId(), text('Customer ID Number')]],
  ]],
  [0x0709, 'events', [
    [0x00, 'Get Event Log', [
      f('Event Control / Log ID', 'map8'), eventId(), startTime(), f('End Time', 'utc'), f('Number of Events', 'u8'), f('Event Offset', 'u16'),
    ]],
    [0x01, 'Clear Event Log Request', [f('Log ID', 'map8')]],
  ], [
    [0x00, 'Publish Event', [f('Log ID', 'enum8', { values: LOG_ID }), eventId(), f('Event Time', 'utc'), f('Event Control', 'map8'), f('Event Data', 'str')], 'UNCONFIRMED', 'ZSE layout (WS); not in RTDS'],
    [0x01, 'Publish Event Log', [
      f('Total Number of Matching Events', 'u16'), commandIndex(), totalCommands('Total Commands'), f('Number of Events / Log Payload Control', 'map8'),
      repeat('Events', toEnd, [f('Log ID', 'enum8', { values: LOG_ID }), eventId(), f('Event Time', 'utc'), f('Event Data', 'str')]),
    ]],
    [0x02, 'Clear Event Log Response', [f('Cleared Event Logs', 'map8')]],
  ]],
];

/** Every laid-out command, keyed by `clusterId << 16 | direction << 8 | commandId`. */
export const ZCL_COMMAND_SPECS: ReadonlyMap<number, ZclCommandSpec> = (() => {
  const m = new Map<number, ZclCommandSpec>();
  for (const [clusterId, clusterKey, c2s, s2c] of CLUSTERS) {
    for (const [direction, defs] of [[0, c2s], [1, s2c]] as const) {
      for (const [commandId, name, layout, status, decision] of defs) {
        const [prefix, prefixWidth] = fixedPrefix(layout);
        m.set((clusterId << 16) | (direction << 8) | commandId, {
          clusterId, clusterKey, direction, commandId, name, key: snakeName(name), layout, fixed: fixedWidth(layout),
          prefix, prefixWidth, lookups: hasLookups(layout),
          status: status ?? 'VERIFIED', decision,
        });
      }
    }
  }
  return m;
})();

/** The layout of a cluster-specific command (undefined when GBCS does not use it). */
export function zclCommandSpec(clusterId: number, frameControl: number, commandId: number): ZclCommandSpec | undefined {
  const c = clusterId - 0x0700;
  // The smart-energy clusters 0x0700-0x070F (nearly every GBZ component) from a flat table.
  if (c >= 0 && c < 16) return SE_SPECS[(c << 9) | ((frameControl & 0x08) << 5) | commandId];
  return ZCL_COMMAND_SPECS.get((clusterId << 16) | ((frameControl & 0x08) << 5) | commandId);
}
/** ZCL_COMMAND_SPECS of clusters 0x0700-0x070F by `(cluster - 0x0700) << 9 | direction << 8 | commandId`. */
const SE_SPECS: (ZclCommandSpec | undefined)[] = (() => {
  const t = new Array<ZclCommandSpec | undefined>(16 << 9).fill(undefined);
  for (const [k, spec] of ZCL_COMMAND_SPECS) {
    const c = (k >>> 16) - 0x0700;
    if (c >= 0 && c < 16) t[(c << 9) | (k & 0x1ff)] = spec;
  }
  return t;
})();
