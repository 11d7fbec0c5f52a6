// ECS61c Read Boost Button Data (0x005E, DUIS SR 7.11), GBCS.md section 6: a DLMS
// access-request of seven specs whose second one reads the boost button log
// 0-0:99.98.20.255 over a range, and the response whose second Data item is that log as
// (start, end) pairs. VERIFIED on RTDS 7.11_ECS61c. Both are walked once by the payload
// module's WASM DLMS walker and read from its node index (payload/dlmsRequests.ts); the
// command is written with its encoder. The log itself (layout, selection, the
// UNCONFIRMED parts) is boost/boostLog.ts.
import { GbcsDecodeError } from '../errors.js';
import type { GbcsFrame } from '../frame.js';
import { gbcsSecondsToDate } from '../gbcsTime.js';
import { encodeAccessRequest, getSpec, invokeIdFor } from '../payload/build.js';
import { apduLists, obisBytes, obisText, rangeFromNode, scalarOf, specOf, walkApdu, type DecodedRange, type DlmsScalar } from '../payload/dlmsRequests.js';
import { DlmsFields } from './fields.js';
import { Budget } from '../payload/limits.js';
import { boostLogSpec, boostPeriodTimes, logFromApdu, resolveLayout as logLayout, DEFAULT_BOOST_LOG_LAYOUT, type BoostLogLayout, type BoostPeriod } from '../boost/boostLog.js';
import { isoText, jsonView, useCase, type SpanRecorder } from './module.js';
import type { NodeIndex } from '../payload/nodes.js';

export type { DlmsScalar };

/** Message code of ECS61c Read Boost Button Data. */
export const ECS61C_MESSAGE_CODE = 0x005e;

/** The class-1 objects read alongside the log, in request order (RTDS 7.11_ECS61c). */
export const ECS61C_BEFORE = ['0-0:94.44.7.255'] as const;
export const ECS61C_AFTER = ['0-0:94.44.6.1', '0-0:94.44.6.2', '0-0:94.44.6.3', '0-0:94.44.6.4', '0-0:94.44.6.5'] as const;

/** The default layout without the 23-entry bound: a response is decoded as sent (validated once). */
const ECS61C_LAYOUT = logLayout({ maxEntries: 0xffff });

const classOneGet = (obis: string) => getSpec(1, obisBytes(obis), 2);

/** Inputs for encoding an ECS61c command. */
export interface ReadBoostButtonDataRequest {
  readonly originatorCounter: bigint | number;
  readonly from: Date | number;
  readonly to: Date | number;
  /** Log layout (OBIS, restricting object); defaults to the RTDS ECS61c one. */
  readonly layout?: Partial<BoostLogLayout>;
}

/** The ECS61c command payload: 7 specs (GBCS.md 6), Data list 7 x `00`. */
export function buildReadBoostButtonDataRequest(req: ReadBoostButtonDataRequest): Uint8Array {
  const specs = [...ECS61C_BEFORE.map(classOneGet), boostLogSpec(req.from, req.to, req.layout), ...ECS61C_AFTER.map(classOneGet)];
  return encodeAccessRequest(invokeIdFor(req.originatorCounter), specs, specs.map(() => ({ type: 'null' as const })));
}

/** A decoded ECS61c command: the objects read. */
export interface ReadBoostButtonDataCommand extends DecodedRange {
  readonly invokeId: number;
  /** Every object read, in request order: "class/obis/attribute". */
  readonly objects: readonly string[];
}

/** Decodes an ECS61c command payload (any number of plain gets around one range read of the log). */
export function decodeReadBoostButtonDataRequest(content: Uint8Array, contentOffset = 0, layoutIn?: Partial<BoostLogLayout>, spans?: SpanRecorder): ReadBoostButtonDataCommand {
  const logObis = obisText(layoutIn?.obis ?? DEFAULT_BOOST_LOG_LAYOUT.obis);
  const ix = walkApdu(content, contentOffset, 'ecs61c', 0xd9);
  const specs = apduLists(ix).specs;
  const views = specs.map((s) => specOf(ix, s));
  const k = views.findIndex((s) => s.kind === 4 && s.obis === logObis);
  if (k < 0 || views[k]!.selector !== 1) throw new GbcsDecodeError('ecs61c', contentOffset, `a get-with-selection (range selector 1) of the boost log ${logObis}`);
  const range = rangeFromNode(ix, specs[k]! + 1, (expected, at, detail) => {
    throw new GbcsDecodeError('ecs61c', contentOffset + at, expected, detail);
  });
  if (spans) recordCommandSpans(spans, ix, specs, specs[k]! + 1, contentOffset);
  return { invokeId: ix.aux(0), ...range, objects: views.map((sp) => `${sp.classId}/${sp.obis}/${sp.attribute}`) };
}

export interface BoostButtonObject {
  /** Position of the item in the response (request order). */
  readonly index: number;
  /** DLMS data-access-result (0 success). */
  readonly result: number;
  readonly value: DlmsScalar;
}

/** A decoded ECS61c response: the boost periods and the objects read. */
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
export function decodeReadBoostButtonDataResponse(content: Uint8Array, contentOffset = 0, layoutIn?: Partial<BoostLogLayout>, spans?: SpanRecorder): ReadBoostButtonData {
  // The same DLMS field reader as every other view (fields.ts): one walk, counts checked.
  const { items, results, resultNodes } = DlmsFields.response({ content, base: contentOffset, what: 'ecs61c' });
  const ix = items.ix;
  const data = items.nodes;
  const result = (i: number) => results[i]!;
  const logIndex = data.findIndex((d) => ix.tag(d) === 0x13 || ix.tag(d) === 0x01);
  // With no log item, a failed log read (Data 00 with a non-zero result) is still reportable.
  const failed = data.findIndex((d, i) => result(i) !== 0 && ix.tag(d) === 0x00);
  const idx = logIndex >= 0 ? logIndex : failed;
  if (idx < 0) throw new GbcsDecodeError('ecs61c', contentOffset, 'a boost log Data item (compact-array 0x13) or a failed read of it');
  const logResult = result(idx);
  const periods = logIndex >= 0 ? logFromApdu(ix, data[idx]!, layoutIn ? logLayout({ ...layoutIn, maxEntries: layoutIn.maxEntries ?? 0xffff }) : ECS61C_LAYOUT, contentOffset, 'ecs61c', new Budget()).entries : undefined;
  const objects: BoostButtonObject[] = [];
  data.forEach((d, i) => {
    if (i !== idx) objects.push({ index: i, result: result(i), value: scalarOf(ix, d) });
  });
  if (spans) {
    const base = { base: contentOffset };
    spans.set('invokeId', DlmsFields.invokeIdSpan(base));
    spans.set('logResult', DlmsFields.resultSpan(base, ix, resultNodes[idx]!));
    let j = 0;
    data.forEach((d, i) => {
      if (i === idx) return;
      spans.set(`objects.${j}.value`, items.span(d));
      spans.alias(`objects.${j}.value`, `objects.${j}.index`);
      spans.set(`objects.${j}.result`, DlmsFields.resultSpan(base, ix, resultNodes[i]!));
      j++;
    });
    if (periods) recordPeriodSpans(spans, ix, data[idx]!, layoutIn ? logLayout({ ...layoutIn, maxEntries: 0xffff }) : ECS61C_LAYOUT, contentOffset);
  }
  return { invokeId: ix.aux(0), ...(periods ? { periods } : {}), logResult, objects };
}

const nodeSpan = (ix: NodeIndex, n: number, base: number) => ({ offset: base + ix.start(n), length: ix.end(n) - ix.start(n) });

/** Command spans: invoke-id, each spec read (`objects.i`), the range's from, to and restricting object fields. */
function recordCommandSpans(spans: SpanRecorder, ix: NodeIndex, specs: readonly number[], range: number, base: number): void {
  spans.set('invokeId', DlmsFields.invokeIdSpan({ base }));
  specs.forEach((s, i) => spans.set(`objects.${i}`, nodeSpan(ix, s, base)));
  const [ro, from, to] = ix.children(range) as [number, number, number];
  const [cls, ln, attr, di] = ix.children(ro) as [number, number, number, number];
  spans.set('restrictingObject', nodeSpan(ix, ro, base));
  spans.set('restrictingObject.classId', nodeSpan(ix, cls, base));
  spans.set('restrictingObject.obis', nodeSpan(ix, ln, base));
  spans.set('restrictingObject.attribute', nodeSpan(ix, attr, base));
  spans.set('restrictingObject.dataIndex', nodeSpan(ix, di, base));
  spans.set('from', nodeSpan(ix, from, base));
  spans.set('to', nodeSpan(ix, to, base));
}

/**
 * Period spans (`periods.i`: the row; `.start`, `.end`, `.extras.k`: its columns), walking
 * the log node's rows as boostLog.ts reads them (compact-array rows after the type
 * description, or array structures; a row's columns are the nodes after it).
 */
function recordPeriodSpans(spans: SpanRecorder, ix: NodeIndex, log: number, layout: BoostLogLayout, base: number): void {
  const rows: number[] = [];
  if (ix.tag(log) === 0x13) for (let r = ix.next(log + 1), stop = ix.next(log); r < stop; r = ix.next(r)) rows.push(r);
  else rows.push(...ix.children(log));
  rows.forEach((r, p) => {
    spans.set(`periods.${p}`, nodeSpan(ix, r, base));
    let extra = 0;
    for (let k = 0, n = r + 1; k < layout.columns.length; k++, n = ix.next(n)) {
      const role = layout.columns[k]!.role;
      spans.set(`periods.${p}.${role === 'extra' ? `extras.${extra++}` : role}`, nodeSpan(ix, n, base));
    }
  });
}

/** The ECS61c typed view: the command's range or the response's periods. */
export type Ecs61cView =
  | ({ readonly type: 'read-boost-button-data-command' } & ReadBoostButtonDataCommand)
  | ({ readonly type: 'read-boost-button-data-response' } & ReadBoostButtonData);

/** ECS61c (0x005E, SR 7.11): the boost log read, both ways. JSON key `boost`. */
export const ecs61cModule = useCase<Ecs61cView>({
  id: 'ECS61c',
  title: 'Read Boost Button Data (SR 7.11): boost state, the Boost Function Event Log over a range, button associations',
  codes: [ECS61C_MESSAGE_CODE],
  cras: ['command', 'response'],
  family: 'boost',
  read(f: GbcsFrame, spans?: SpanRecorder): Ecs61cView {
    if (f.payloadFormat !== 'DLMS') throw new GbcsDecodeError('ecs61c', f.contentOffset, 'a DLMS payload (ECS61c)', `found ${f.payloadFormat}`);
    return f.cra === 'command'
      ? { type: 'read-boost-button-data-command', ...decodeReadBoostButtonDataRequest(f.content, f.contentOffset, undefined, spans) }
      : { type: 'read-boost-button-data-response', ...decodeReadBoostButtonDataResponse(f.content, f.contentOffset, undefined, spans) };
  },
  build(v, ctx) {
    if (v.type !== 'read-boost-button-data-command') throw new GbcsDecodeError('ecs61c', 0, 'an ECS61c command view (responses are device side)');
    return buildReadBoostButtonDataRequest({ originatorCounter: ctx?.originatorCounter ?? v.invokeId & 0xffffff, from: v.from, to: v.to, layout: { restrictingObject: v.restrictingObject } });
  },
  render(v, out) {
    if (v.type === 'read-boost-button-data-command') {
      out.row('boost log read', `periods ending ${isoText(gbcsSecondsToDate(v.from))} .. ${isoText(gbcsSecondsToDate(v.to))}`);
      return;
    }
    if (!v.periods) return out.row('boost periods', `read failed (result ${v.logResult})`);
    out.row('boost periods', `${v.periods.length}`);
    for (const p of v.periods) {
      const t = boostPeriodTimes(p);
      out.row('', `${isoText(t.start)} .. ${t.end ? isoText(t.end) : 'running'}${t.durationSeconds !== null ? ` (${Math.round(t.durationSeconds / 60)} min)` : ''}`);
    }
  },
  json(v) {
    if (v.type === 'read-boost-button-data-command') return jsonView({ ...v, fromTime: gbcsSecondsToDate(v.from), toTime: gbcsSecondsToDate(v.to) });
    const periods = v.periods?.map((p) => {
      const t = boostPeriodTimes(p);
      return { ...p, startTime: t.start, endTime: t.end, durationSeconds: t.durationSeconds };
    });
    return jsonView({ ...v, ...(periods ? { periods } : {}) });
  },
});
