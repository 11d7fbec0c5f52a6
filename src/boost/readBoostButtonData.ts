// ECS61c Read Boost Button Data (0x005E), GBCS.md section 6: a DLMS access-request of
// seven specs whose second one reads the boost button log 0-0:99.98.20.255 over a
// range, and the response whose second Data item is that log as (start, end) pairs.
import { GbcsDecodeError } from '../errors.js';
import { Cursor, concat, formatObis, obisBytes } from '../typed/cursor.js';
import { contentCursor, encodeAccessRequest, invokeIdFor, parseAccessRequest, parseAccessResponse, scalarValue, type DlmsScalar } from '../typed/dlms.js';
import { boostLogReadSpec, decodeBoostLog, decodeRangeDescriptor, DEFAULT_BOOST_LOG_LAYOUT, type BoostLogLayout, type BoostPeriod, type DecodedRange } from './boostLog.js';

export const ECS61C_MESSAGE_CODE = 0x005e;

/** The class-1 objects read alongside the log, in request order (RTDS 7.11_ECS61c). */
export const ECS61C_BEFORE = ['0-0:94.44.7.255'] as const;
export const ECS61C_AFTER = ['0-0:94.44.6.1', '0-0:94.44.6.2', '0-0:94.44.6.3', '0-0:94.44.6.4', '0-0:94.44.6.5'] as const;

const getSpec = (obis: string) => concat(0x01, 0x00, 0x01, obisBytes(obis), 0x02);

export interface ReadBoostButtonDataRequest {
  readonly originatorCounter: bigint | number;
  readonly from: Date | number;
  readonly to: Date | number;
  /** Log layout (OBIS, restricting object); defaults to the RTDS ECS61c one. */
  readonly layout?: Partial<BoostLogLayout>;
}

/** The ECS61c command payload: 7 specs (GBCS.md 6), Data list 7 x `00`. */
export function buildReadBoostButtonDataRequest(req: ReadBoostButtonDataRequest): Uint8Array {
  const specs = [
    ...ECS61C_BEFORE.map((o) => getSpec(o)),
    boostLogReadSpec(req.from, req.to, req.layout),
    ...ECS61C_AFTER.map((o) => getSpec(o)),
  ];
  return encodeAccessRequest(invokeIdFor(req.originatorCounter), specs, specs.map(() => Uint8Array.of(0)));
}

export interface ReadBoostButtonDataCommand extends DecodedRange {
  readonly invokeId: number;
  /** Every object read, in request order: "class/obis/attribute". */
  readonly objects: readonly string[];
}

/** Decodes an ECS61c command payload (any number of plain gets around one range read of the log). */
export function decodeReadBoostButtonDataRequest(content: Uint8Array, contentOffset = 0, layoutIn?: Partial<BoostLogLayout>): ReadBoostButtonDataCommand {
  const logObis = formatObis(obisBytes(layoutIn?.obis ?? DEFAULT_BOOST_LOG_LAYOUT.obis));
  const req = parseAccessRequest(contentCursor(content, contentOffset, 'ecs61c'));
  const logSpec = req.specs.find((s) => s.kind === 4 && formatObis(s.obis) === logObis);
  if (!logSpec || logSpec.selector !== 1) throw new GbcsDecodeError('ecs61c', contentOffset, `a get-with-selection (range selector 1) of the boost log ${logObis}`);
  const s = logSpec.selection!;
  const c = new Cursor(s.bytes, 0, s.bytes.length, s.offset, 'ecs61c');
  const range = decodeRangeDescriptor(c);
  c.done();
  return { invokeId: req.invokeId, ...range, objects: req.specs.map((sp) => `${sp.classId}/${formatObis(sp.obis)}/${sp.attribute}`) };
}

export interface BoostButtonObject {
  /** Position of the item in the response (request order). */
  readonly index: number;
  /** DLMS data-access-result (0 success). */
  readonly result: number;
  readonly value: DlmsScalar;
}

export interface ReadBoostButtonData {
  readonly invokeId: number;
  /** Boost periods (start, end) from the log item; absent when that read failed. */
  readonly periods?: readonly BoostPeriod[];
  /** Result of the log read. */
  readonly logResult: number;
  /** The other items (class-1 objects) with their results. */
  readonly objects: readonly BoostButtonObject[];
}

/**
 * Decodes an ECS61c response. The log item is the first compact-array (or array) Data
 * item: the response does not echo the request's specs, so position is all there is;
 * in RTDS it is item 2 of 7.
 */
export function decodeReadBoostButtonDataResponse(content: Uint8Array, contentOffset = 0, layoutIn?: Partial<BoostLogLayout>): ReadBoostButtonData {
  const rsp = parseAccessResponse(contentCursor(content, contentOffset, 'ecs61c'));
  const logIndex = rsp.data.findIndex((d) => d.bytes[0] === 0x13 || d.bytes[0] === 0x01);
  // With no log item, a failed log read (Data 00 with a non-zero result) is still reportable.
  const failed = rsp.results.findIndex((r, i) => r.result !== 0 && rsp.data[i]!.bytes[0] === 0x00);
  const idx = logIndex >= 0 ? logIndex : failed;
  if (idx < 0) throw new GbcsDecodeError('ecs61c', contentOffset, 'a boost log Data item (compact-array 0x13) or a failed read of it');
  const item = rsp.data[idx]!;
  const logResult = rsp.results[idx]!.result;
  const periods = logIndex >= 0 ? decodeBoostLog(item.bytes, { ...layoutIn, maxEntries: layoutIn?.maxEntries ?? 0xffff }, item.offset).entries : undefined;
  const objects = rsp.data.flatMap((d, i) => (i === idx ? [] : [{ index: i, result: rsp.results[i]!.result, value: scalarValue(d.bytes) }]));
  return { invokeId: rsp.invokeId, ...(periods ? { periods } : {}), logResult, objects };
}
