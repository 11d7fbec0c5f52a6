// xDLMS APDUs used by GBCS (GBCS.md 3.2), built from the WASM node index; byte-exact encoder.
//
//   access-request     D9 ‖ invoke(4) ‖ date-time (00 | 0C+12) ‖ n ‖ n×spec ‖ n ‖ n×Data
//   access-response    DA ‖ invoke(4) ‖ date-time ‖ presence (00 | 01 ‖ n ‖ n×spec) ‖ n ‖ n×Data ‖ n ‖ n×(choice ‖ result)
//   data-notification  0F ‖ invoke(4) ‖ date-time ‖ Data (GBCS alert: structure{u16 code, os12 time, ...})
//   spec               choice(1) ‖ class(2) ‖ OBIS(6) ‖ attribute/method(1) [‖ selector(1) ‖ Data]
//
// VERIFIED (RTDS): every DLMS payload decodes and re-encodes byte-exactly. Decisions:
// - The echoed specs of an access-response are OPTIONAL (issue 19; Gurux/Green Book):
//   presence byte 00 (GBCS, RTDS) or 01 ‖ count ‖ specs; `specsPresent` keeps the byte.
// - Counts must agree (GBCS.md 3.2): the WASM walk refuses a mismatch
//   (dlms-count-mismatch), the encoder refuses to write one.
// - Specs 05 (set-with-selection) share the 04 layout (UNCONFIRMED: not in RTDS).
//
// Nodes (issue 12/13): fixed-shape classes with `offset` (frame offset) and `length`;
// class/attribute/method/OBIS/alert names are getters over the tables in dlmsNames.ts and
// obisNames.ts, resolved on first read.
import { decodeDateTime, encodeDateTime, type GbcsDateTime } from '../dateTime.js';
import { GbcsEncodeError } from '../errors.js';
import { messageCodeInfo } from '../messageCodes.js';
import { JSON_WRITE, type JsonWriter } from './json.js';
import type { Budget } from './limits.js';
import { buildNode, buildRoot, DlmsBuild, DlmsWalk, encodeInto, type DlmsData } from './dlmsData.js';
import * as L from '../wasm/layout.js';
// Layout constants as module constants (a namespace read per use costs in hot loops).
const { E_DLMS_APDU_TAG, E_DLMS_COUNT_MISMATCH, E_DLMS_DATETIME_LENGTH, E_DLMS_RESULT_CHOICE, E_DLMS_SPEC_CHOICE, E_DLMS_SPEC_PRESENCE, E_PAYLOAD_TRAILING, E_TRUNCATED } = L;
import { alertCodeName, cosemAttributeName, cosemClassName, cosemMethodName } from './dlmsNames.js';
import type { NodeIndex } from './nodes.js';
import { ObisCode, encodeObis, type Obis } from './obis.js';
import { DATA_ACCESS_RESULTS, SPEC_KINDS, type DlmsSpecKind } from './names.js';
import { minBerWidth } from './writer.js';
import { encodeProgram, F_APDU_TAG, F_ATTRIBUTE, F_CLASS_ID, F_DATA_COUNT, F_DATETIME, F_INVOKE_ID, F_METHOD, F_PRESENCE, F_RESULT, F_RESULT_COUNT, F_SELECTOR, F_SPEC_CHOICE, F_SPEC_COUNT, type PayloadWriter } from './opWriter.js';

/**
 * Long-Invoke-Id-And-Priority (Green Book bit usage; GBCS.md 3.2): b31 priority,
 * b30 service class, b29 processing option, b28 self-descriptive, b0-23 invoke id.
 * In RTDS the id is the low 24 bits of the originator counter and b29 is set.
 */
export interface LongInvokeId {
  readonly value: number;
  readonly invokeId: number;
  readonly highPriority: boolean;
  readonly confirmed: boolean;
  readonly breakOnError: boolean;
  readonly selfDescriptive: boolean;
}

class InvokeId implements LongInvokeId {
  constructor(readonly value: number) {}
  get invokeId(): number { return this.value & 0xffffff; }
  get highPriority(): boolean { return (this.value & 0x80000000) !== 0; }
  get confirmed(): boolean { return (this.value & 0x40000000) !== 0; }
  get breakOnError(): boolean { return (this.value & 0x20000000) !== 0; }
  get selfDescriptive(): boolean { return (this.value & 0x10000000) !== 0; }
  /** Writes JSON.stringify(toJSON()) into a JsonWriter (json.ts JSON_WRITE protocol). */
  [JSON_WRITE](w: JsonWriter): void {
    const v = this.value;
    w.raw('{"value":');
    w.num(v);
    w.raw(',"invokeId":');
    w.num(v & 0xffffff);
    w.raw((v & 0x80000000) !== 0 ? ',"highPriority":true' : ',"highPriority":false');
    w.raw((v & 0x40000000) !== 0 ? ',"confirmed":true' : ',"confirmed":false');
    w.raw((v & 0x20000000) !== 0 ? ',"breakOnError":true' : ',"breakOnError":false');
    w.raw((v & 0x10000000) !== 0 ? ',"selfDescriptive":true}' : ',"selfDescriptive":false}');
  }
  toJSON(): LongInvokeId {
    return { value: this.value, invokeId: this.invokeId, highPriority: this.highPriority, confirmed: this.confirmed, breakOnError: this.breakOnError, selfDescriptive: this.selfDescriptive };
  }
}

/** Wraps a number as a DLMS Long-Invoke-Id-And-Priority. */
export function longInvokeId(value: number): LongInvokeId {
  return new InvokeId(value >>> 0);
}

/** Cosem-Attribute/Method-Descriptor of a request specification. */
export interface DlmsRequestSpec {
  readonly kind: DlmsSpecKind;
  readonly classId: number;
  /** Interface class name (NAMES.md 2.1, 9000 = GBCS Extended Data). */
  readonly className?: string | undefined;
  readonly obis: Obis;
  /** Attribute id (get/set) or method id (action). */
  readonly attribute?: number | undefined;
  readonly method?: number | undefined;
  /** Name of the attribute or method for the class (NAMES.md 2.1). */
  readonly attributeName?: string | undefined;
  readonly methodName?: string | undefined;
  /** Access selector and its parameters (get/set-with-selection). */
  readonly selector?: number | undefined;
  readonly selectorParameters?: DlmsData | undefined;
  readonly offset?: number | undefined;
  readonly length?: number | undefined;
}

/** A decoded spec: names and OBIS text on first read. */
export class DlmsSpecNode implements DlmsRequestSpec {
  readonly kind: DlmsSpecKind;
  readonly classId: number;
  readonly offset: number;
  readonly length: number;
  readonly attribute: number | undefined;
  readonly method: number | undefined;
  readonly selector: number | undefined;
  readonly selectorParameters: DlmsData | undefined;
  readonly #b: Uint8Array;
  readonly #v: number;
  #obis: Obis | undefined = undefined;

  constructor(kind: DlmsSpecKind, classId: number, offset: number, length: number, b: Uint8Array, v: number, attribute: number | undefined,
    method: number | undefined, selector: number | undefined, selectorParameters: DlmsData | undefined) {
    this.kind = kind;
    this.classId = classId;
    this.offset = offset;
    this.length = length;
    this.attribute = attribute;
    this.method = method;
    this.selector = selector;
    this.selectorParameters = selectorParameters;
    this.#b = b;
    this.#v = v;
  }
  get obis(): Obis {
    return (this.#obis ??= new ObisCode(this.#b, this.#v + 2));
  }
  get className(): string | undefined {
    return cosemClassName(this.classId);
  }
  get attributeName(): string | undefined {
    return this.attribute === undefined ? undefined : cosemAttributeName(this.classId, this.attribute);
  }
  get methodName(): string | undefined {
    return this.method === undefined ? undefined : cosemMethodName(this.classId, this.method);
  }
  /** Writes JSON.stringify(toJSON()) into a JsonWriter (json.ts JSON_WRITE protocol). */
  [JSON_WRITE](w: JsonWriter): void {
    w.raw('{"kind":');
    w.str(this.kind);
    w.key('classId');
    w.num(this.classId);
    const cn = this.className;
    if (cn) (w.key('className'), w.name(cn));
    w.key('obis');
    w.value(this.obis);
    if (this.attribute !== undefined) {
      w.key('attribute');
      w.num(this.attribute);
      const an = this.attributeName;
      if (an) (w.key('attributeName'), w.name(an));
    }
    if (this.method !== undefined) {
      w.key('method');
      w.num(this.method);
      const mn = this.methodName;
      if (mn) (w.key('methodName'), w.name(mn));
    }
    if (this.selector !== undefined) {
      w.key('selector');
      w.num(this.selector);
      if (this.selectorParameters !== undefined) (w.key('selectorParameters'), w.value(this.selectorParameters));
    }
    w.key('offset');
    w.num(this.offset);
    w.key('length');
    w.num(this.length);
    w.byte(125);
  }
  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = { kind: this.kind, classId: this.classId };
    const cn = this.className;
    if (cn) o.className = cn;
    o.obis = this.obis;
    if (this.attribute !== undefined) {
      o.attribute = this.attribute;
      const an = this.attributeName;
      if (an) o.attributeName = an;
    }
    if (this.method !== undefined) {
      o.method = this.method;
      const mn = this.methodName;
      if (mn) o.methodName = mn;
    }
    if (this.selector !== undefined) {
      o.selector = this.selector;
      o.selectorParameters = this.selectorParameters;
    }
    o.offset = this.offset;
    o.length = this.length;
    return o;
  }
}

/** Result of one DLMS get/set/action in an ACCESS response. */
export interface DlmsResult {
  readonly kind: 'get' | 'set' | 'action';
  readonly result: number;
  readonly resultName: string;
  readonly offset?: number;
  readonly length?: number;
}

class DlmsResultNode implements DlmsResult {
  constructor(readonly kind: 'get' | 'set' | 'action', readonly result: number, readonly offset: number, readonly length: number) {}
  get resultName(): string {
    return DATA_ACCESS_RESULTS[this.result] ?? `reserved-${this.result}`;
  }
  /** Writes JSON.stringify(toJSON()) into a JsonWriter (json.ts JSON_WRITE protocol). */
  [JSON_WRITE](w: JsonWriter): void {
    w.raw('{"kind":');
    w.str(this.kind);
    w.key('result');
    w.num(this.result);
    w.key('resultName');
    w.str(this.resultName);
    w.key('offset');
    w.num(this.offset);
    w.key('length');
    w.num(this.length);
    w.byte(125);
  }
  toJSON(): DlmsResult {
    return { kind: this.kind, result: this.result, resultName: this.resultName, offset: this.offset, length: this.length };
  }
}

/**
 * Content of a DLMS alert (data-notification) after its code and time stamp, decoded
 * like the GBZ twin (GbzAlertContent, NAMES.md 2.5):
 * - 8F66/8F67 (FDEA-DLMS 0x00CC): os19 = message code(2) ‖ originator counter(8) ‖ class(2) ‖ OBIS(6) ‖ attribute or method(1);
 * - 8F72/8F1C (FDRA-DLMS 0x00CE): os32 calculated image hash;
 * - 81A0 (0x00F0): os2 integrity issue code.
 */
export type DlmsAlertContent =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'future-dated';
      readonly messageCode: number;
      readonly useCase?: string;
      readonly originatorCounter: bigint;
      readonly classId: number;
      readonly className?: string;
      readonly obis: Obis;
      /** Attribute or method id of the future-dated item (NAMES.md 2.5: the field is either). */
      readonly attribute: number;
      readonly attributeName?: string;
      readonly methodName?: string;
    }
  | { readonly kind: 'firmware-hash'; readonly hash: Uint8Array }
  | { readonly kind: 'code'; readonly code: number };

interface DlmsApduBase {
  readonly format: 'DLMS';
  readonly invokeId: LongInvokeId;
  /** The APDU's own date-time field (`0C` + 12 bytes), absent when `00`. */
  readonly dateTime?: GbcsDateTime;
  /** Frame offset of the APDU tag and the APDU's byte length (decoded payloads). */
  readonly offset?: number;
  readonly length?: number;
}
/** A decoded DLMS ACCESS request. */
export interface DlmsAccessRequest extends DlmsApduBase {
  readonly type: 'access-request';
  readonly specs: DlmsRequestSpec[];
  /** One entry per spec (null for get). */
  readonly data: DlmsData[];
  readonly lengthWidths?: { specs?: number; data?: number };
}
/** A decoded DLMS ACCESS response. */
export interface DlmsAccessResponse extends DlmsApduBase {
  readonly type: 'access-response';
  /**
   * Echoed specifications: OPTIONAL on the wire (issue 19), a presence byte `00` (absent,
   * what GBCS and RTDS send) or `01` ‖ count ‖ specs.
   */
  readonly specs: DlmsRequestSpec[];
  /** Presence byte of the echoed specs (decode sets it; when omitted, present iff specs is non-empty). */
  readonly specsPresent?: boolean;
  readonly data: DlmsData[];
  readonly results: DlmsResult[];
  readonly lengthWidths?: { specs?: number; data?: number; results?: number };
}
/** A decoded DLMS DATA-NOTIFICATION. */
export interface DlmsDataNotification extends DlmsApduBase {
  readonly type: 'data-notification';
  readonly body: DlmsData;
  /** First field of the alert structure (the GBCS alert code) when it is a long-unsigned. */
  readonly alertCode?: number;
  /** Name of the alert code (NAMES.md 2.6). */
  readonly alertName?: string;
  /** The alert-specific content after code and time stamp, where GBCS defines it. */
  readonly alert?: DlmsAlertContent;
}
/** A decoded DLMS APDU. */
export type DlmsApdu = DlmsAccessRequest | DlmsAccessResponse | DlmsDataNotification;

type ApduType = DlmsApdu['type'];
const NO_WIDTHS = undefined;

/** A decoded APDU: one fixed shape for the three APDU types. */
class DlmsApduNode {
  readonly format = 'DLMS' as const;
  readonly type: ApduType;
  readonly offset: number;
  readonly length: number;
  readonly invokeId: LongInvokeId;
  readonly specs: DlmsRequestSpec[] | undefined;
  readonly specsPresent: boolean | undefined;
  readonly data: DlmsData[] | undefined;
  readonly results: DlmsResult[] | undefined;
  readonly body: DlmsData | undefined;
  readonly alertCode: number | undefined;
  readonly lengthWidths: { specs?: number; data?: number; results?: number } | undefined;
  readonly #b: Uint8Array;
  /** Position of the 12 date-time bytes, or -1. */
  readonly #dt: number;
  #dateTime: GbcsDateTime | undefined = undefined;
  #alert: DlmsAlertContent | undefined = undefined;

  constructor(type: ApduType, offset: number, length: number, invokeId: number, b: Uint8Array, dt: number,
    specs: DlmsRequestSpec[] | undefined, specsPresent: boolean | undefined, data: DlmsData[] | undefined, results: DlmsResult[] | undefined,
    body: DlmsData | undefined, alertCode: number | undefined, lengthWidths: DlmsApduNode['lengthWidths']) {
    this.type = type;
    this.offset = offset;
    this.length = length;
    this.invokeId = new InvokeId(invokeId);
    this.specs = specs;
    this.specsPresent = specsPresent;
    this.data = data;
    this.results = results;
    this.body = body;
    this.alertCode = alertCode;
    this.lengthWidths = lengthWidths;
    this.#b = b;
    this.#dt = dt;
  }

  get dateTime(): GbcsDateTime | undefined {
    if (this.#dt < 0) return undefined;
    return (this.#dateTime ??= decodeDateTime(this.#b, this.#dt));
  }
  get alertName(): string | undefined {
    return this.alertCode === undefined ? undefined : alertCodeName(this.alertCode);
  }
  get alert(): DlmsAlertContent | undefined {
    if (this.type !== 'data-notification' || this.alertCode === undefined) return undefined;
    return (this.#alert ??= alertContent(this.alertCode, this.body!));
  }

  /** Writes JSON.stringify(toJSON()) into a JsonWriter (json.ts JSON_WRITE protocol): no copy of the tree. */
  [JSON_WRITE](w: JsonWriter): void {
    w.raw('{"format":"DLMS","invokeId":');
    w.value(this.invokeId);
    if (this.#dt >= 0) (w.key('dateTime'), w.value(this.dateTime));
    w.key('type');
    w.str(this.type);
    if (this.type === 'data-notification') {
      if (this.body !== undefined) (w.key('body'), w.value(this.body));
      if (this.alertCode !== undefined) {
        w.key('alertCode');
        w.num(this.alertCode);
        const n = this.alertName;
        if (n) (w.key('alertName'), w.name(n));
        const a = this.alert;
        if (a && a.kind !== 'none') (w.key('alert'), writeAlert(w, a));
      }
    } else {
      if (this.specs !== undefined) (w.key('specs'), w.value(this.specs));
      if (this.type === 'access-response' && this.specsPresent !== undefined) (w.key('specsPresent'), w.raw(this.specsPresent ? 'true' : 'false'));
      if (this.data !== undefined) (w.key('data'), w.value(this.data));
      if (this.type === 'access-response' && this.results !== undefined) (w.key('results'), w.value(this.results));
      if (this.lengthWidths) (w.key('lengthWidths'), w.value(this.lengthWidths));
    }
    w.key('offset');
    w.num(this.offset);
    w.key('length');
    w.num(this.length);
    w.byte(125);
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = { format: 'DLMS', invokeId: this.invokeId };
    if (this.#dt >= 0) o.dateTime = this.dateTime;
    o.type = this.type;
    if (this.type === 'data-notification') {
      o.body = this.body;
      if (this.alertCode !== undefined) {
        o.alertCode = this.alertCode;
        const n = this.alertName;
        if (n) o.alertName = n;
        const a = this.alert;
        if (a && a.kind !== 'none') o.alert = alertJson(a);
      }
    } else {
      o.specs = this.specs;
      if (this.type === 'access-response') o.specsPresent = this.specsPresent;
      o.data = this.data;
      if (this.type === 'access-response') o.results = this.results;
      if (this.lengthWidths) o.lengthWidths = this.lengthWidths;
    }
    o.offset = this.offset;
    o.length = this.length;
    return o;
  }
}

/** Writes JSON.stringify(toJsonSafe(alertJson(a))) (keep in step with alertJson). */
function writeAlert(w: JsonWriter, a: DlmsAlertContent): void {
  if (a.kind !== 'future-dated') return w.value(a);
  w.raw('{"kind":"future-dated","messageCode":');
  w.num(a.messageCode);
  if (a.useCase) (w.key('useCase'), w.name(a.useCase));
  w.raw(',"originatorCounter":"');
  w.raw(a.originatorCounter.toString());
  w.raw('","classId":');
  w.num(a.classId);
  if (a.className) (w.key('className'), w.name(a.className));
  w.key('obis');
  w.value(a.obis);
  w.key('attribute');
  w.num(a.attribute);
  if (a.attributeName) (w.key('attributeName'), w.name(a.attributeName));
  if (a.methodName) (w.key('methodName'), w.name(a.methodName));
  w.byte(125);
}

function alertJson(a: DlmsAlertContent): Record<string, unknown> {
  if (a.kind !== 'future-dated') return a as unknown as Record<string, unknown>;
  const o: Record<string, unknown> = { kind: a.kind, messageCode: a.messageCode };
  if (a.useCase) o.useCase = a.useCase;
  o.originatorCounter = a.originatorCounter.toString();
  o.classId = a.classId;
  if (a.className) o.className = a.className;
  o.obis = a.obis;
  o.attribute = a.attribute;
  if (a.attributeName) o.attributeName = a.attributeName;
  if (a.methodName) o.methodName = a.methodName;
  return o;
}

function u64(b: Uint8Array, o: number): bigint {
  const hi = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  const lo = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Decodes the alert-specific element (third of the structure) where GBCS defines it. */
function alertContent(code: number, body: DlmsData): DlmsAlertContent {
  const third = body.type === 'structure' ? body.items[2] : undefined;
  if (!third || third.type !== 'octet-string' || body.type !== 'structure' || body.items.length !== 3) return { kind: 'none' };
  const b = third.bytes;
  if ((code === 0x8f66 || code === 0x8f67) && b.length === 19) {
    const messageCode = (b[0]! << 8) | b[1]!;
    const classId = (b[10]! << 8) | b[11]!;
    const attribute = b[18]!;
    const uc = messageCodeInfo(messageCode)?.useCase;
    const cn = cosemClassName(classId);
    const an = cosemAttributeName(classId, attribute);
    const mn = cosemMethodName(classId, attribute);
    return {
      kind: 'future-dated', messageCode, ...(uc ? { useCase: uc } : {}), originatorCounter: u64(b, 2), classId, ...(cn ? { className: cn } : {}),
      obis: new ObisCode(b, 12), attribute, ...(an ? { attributeName: an } : {}), ...(mn ? { methodName: mn } : {}),
    };
  }
  if ((code === 0x8f72 || code === 0x8f1c) && b.length === 32) return { kind: 'firmware-hash', hash: b };
  if (code === 0x81a0 && b.length === 2) return { kind: 'code', code: (b[0]! << 8) | b[1]! };
  return { kind: 'none' };
}

function listWidth(ix: NodeIndex, i: number): number | undefined {
  // A response's spec list starts at its presence byte (tag 2 = present; 1 = absent, no count).
  if (ix.tag(i) === 1) return undefined;
  const w = ix.value(i) - ix.start(i) - (ix.tag(i) === 2 ? 1 : 0);
  return w === minBerWidth(ix.aux(i)) ? undefined : w;
}

function buildSpecNode(c: DlmsBuild, s: number): DlmsSpecNode {
  const ix = c.ix;
  const b = c.b;
  const v = ix.value(s);
  const choice = ix.tag(s);
  const classId = (b[v]! << 8) | b[v + 1]!;
  const id = b[v + 8]!;
  let sel: number | undefined;
  let params: DlmsData | undefined;
  if (choice >= 4) {
    sel = ix.aux(s);
    params = buildRoot(c, s + 1, 2);
  }
  const start = ix.start(s);
  return new DlmsSpecNode(SPEC_KINDS[choice - 1]!, classId, c.base + start, ix.end(s) - start, b, v,
    choice === 3 ? undefined : id, choice === 3 ? id : undefined, sel, params);
}

/** Builds spec node s (NC_DLMS_SPEC). */
export function buildSpec(ix: NodeIndex, s: number, base = 0, budget?: Budget): DlmsRequestSpec {
  budget?.take(1, base + ix.start(s));
  return buildSpecNode(new DlmsBuild(ix, base, budget), s);
}

function buildResultNode(c: DlmsBuild, r: number): DlmsResult {
  const start = c.ix.start(r);
  return new DlmsResultNode(SPEC_KINDS[c.ix.tag(r) - 1] as DlmsResult['kind'], c.ix.aux(r), c.base + start, 2);
}

type ListWidths = { specs?: number; data?: number; results?: number };
/** Non-minimal list-length widths of an ACCESS APDU (kept for byte-exact re-encoding), or undefined. */
function listWidths(specs: number | undefined, data: number | undefined): ListWidths | undefined {
  if (!specs && !data) return undefined;
  const w: ListWidths = {};
  if (specs) w.specs = specs;
  if (data) w.data = data;
  return w;
}

/** Builds result node r (NC_DLMS_RESULT). */
export function buildResult(ix: NodeIndex, r: number, base = 0): DlmsResult {
  return buildResultNode(new DlmsBuild(ix, base, undefined), r);
}

function listItems<T>(c: DlmsBuild, list: number, depth: number, build: (c: DlmsBuild, i: number, depth: number) => T): T[] {
  const ix = c.ix;
  const n = ix.aux(list);
  c.budget?.take(n, c.base + ix.start(list));
  const out: T[] = new Array(n);
  const stop = ix.next(list);
  let k = 0;
  for (let i = list + 1; i < stop; i = ix.next(i)) out[k++] = build(c, i, depth);
  return out;
}

const buildDataItem = (c: DlmsBuild, i: number, depth: number): DlmsData => buildNode(c, i, depth, false);

/**
 * Builds the APDU from node 0 (NC_DLMS_APDU). `base` is the frame offset of the payload
 * (node offsets are frame offsets). With a `budget` the whole tree is built and counted
 * now; without, Data elements are built on first read (the walk bounded the tree by the
 * shared limits already).
 */
export function buildDlmsApdu(ix: NodeIndex, base = 0, budget?: Budget): DlmsApdu {
  const c = new DlmsBuild(ix, base, budget);
  const tag = ix.tag(0);
  const dt = 1; // NC_DLMS_DATETIME
  const dtAt = ix.aux(dt) === 12 ? ix.value(dt) : -1;
  const length = ix.end(0) - ix.start(0);
  const inv = ix.aux(0);
  budget?.take(1, base);
  if (tag === 0x0f) {
    const body = buildRoot(c, 2, 1);
    const first = body.type === 'structure' ? body.items[0] : undefined;
    const code = first?.type === 'long-unsigned' ? first.value : undefined;
    return new DlmsApduNode('data-notification', base, length, inv, ix.bytes, dtAt, undefined, undefined, undefined, undefined, body, code, NO_WIDTHS) as unknown as DlmsApdu;
  }
  const specList = 2;
  const dataList = ix.next(specList);
  const specs = listItems(c, specList, 1, (cc, i) => buildSpecNode(cc, i) as DlmsRequestSpec);
  const data = listItems(c, dataList, 1, buildDataItem);
  const sw = listWidth(ix, specList);
  const dw = listWidth(ix, dataList);
  let widths = listWidths(sw, dw);
  if (tag === 0xd9) {
    return new DlmsApduNode('access-request', base, length, inv, ix.bytes, dtAt, specs, undefined, data, undefined, undefined, undefined, widths) as unknown as DlmsApdu;
  }
  const resultList = ix.next(dataList);
  const rw = listWidth(ix, resultList);
  if (rw) (widths ??= {}).results = rw;
  const results = listItems(c, resultList, 1, buildResultNode);
  return new DlmsApduNode('access-response', base, length, inv, ix.bytes, dtAt, specs, ix.tag(specList) === 2, data, results, undefined, undefined, widths) as unknown as DlmsApdu;
}

/**
 * Decodes a whole DLMS APDU from its bytes in one TypeScript pass (no WASM walk; see the
 * decision on DlmsWalk in dlmsData.ts): the checks, errors and offsets of the WASM walker
 * (assembly/dlms.ts walkDlms and the payload dispatcher's trailing-bytes check), the tree of
 * buildDlmsApdu with every element built. `base` is the frame offset of `b[0]`.
 */
export function decodeDlmsBytes(b: Uint8Array, base = 0): DlmsApdu {
  const wk = new DlmsWalk(b, base);
  const end = b.length;
  if (end === 0) wk.fail(E_TRUNCATED, 0);
  const tag = b[0]!;
  if (tag !== 0xd9 && tag !== 0xda && tag !== 0x0f) wk.fail(E_DLMS_APDU_TAG, 0);
  wk.node(0);
  if (end - 1 < 4) wk.fail(E_TRUNCATED, end);
  const inv = ((b[1]! << 24) | (b[2]! << 16) | (b[3]! << 8) | b[4]!) >>> 0;
  let q = 5;
  if (q >= end) wk.fail(E_TRUNCATED, q);
  wk.node(q);
  const dl = b[q]!;
  if (dl !== 0 && dl !== 12) wk.fail(E_DLMS_DATETIME_LENGTH, q);
  if (!(q + 1 <= end && dl <= end - q - 1)) wk.fail(E_TRUNCATED, end);
  const dtAt = dl === 12 ? q + 1 : -1;
  q += 1 + dl;
  if (tag === 0x0f) {
    const body = wk.data(q, end, 1) as unknown as DlmsData;
    q = wk.pos;
    if (q !== end) wk.fail(E_PAYLOAD_TRAILING, q);
    const first = body.type === 'structure' ? body.items[0] : undefined;
    const code = first?.type === 'long-unsigned' ? first.value : undefined;
    return new DlmsApduNode('data-notification', base, q, inv, b, dtAt, undefined, undefined, undefined, undefined, body, code, NO_WIDTHS) as unknown as DlmsApdu;
  }
  // Specification list: a response's is OPTIONAL (presence 00 | 01 ‖ count ‖ specs).
  let presence = 0;
  let lp = q;
  if (tag === 0xda) {
    if (q >= end) wk.fail(E_TRUNCATED, q);
    const pr = b[q]!;
    if (pr > 1) wk.fail(E_DLMS_SPEC_PRESENCE, q);
    presence = pr + 1;
    lp = q + 1;
  }
  wk.node(q);
  const specs: DlmsRequestSpec[] = [];
  let specCount = 0;
  let sw: number | undefined;
  if (presence === 1) q = lp;
  else {
    const c = wk.axdrLength(lp, end);
    const lwid = wk.lenWidth;
    q = lp + lwid;
    specCount = c;
    if (lwid !== minBerWidth(c)) sw = lwid;
    for (let k = 0; k < c; k++) {
      if (q >= end) wk.fail(E_TRUNCATED, q);
      const choice = b[q]!;
      wk.node(q);
      if (choice < 1 || choice > 5) wk.fail(E_DLMS_SPEC_CHOICE, q);
      // class-id(2) ‖ OBIS(6) ‖ attribute or method id(1)
      if (!(q + 1 <= end && 9 <= end - q - 1)) wk.fail(E_TRUNCATED, end);
      const start = q;
      const v = q + 1;
      q += 10;
      let sel: number | undefined;
      let params: DlmsData | undefined;
      if (choice >= 4) {
        // access-selector(1) ‖ access-parameters Data
        if (q >= end) wk.fail(E_TRUNCATED, q);
        sel = b[q]!;
        params = wk.data(q + 1, end, 2) as unknown as DlmsData;
        q = wk.pos;
      }
      const id = b[v + 8]!;
      specs.push(new DlmsSpecNode(SPEC_KINDS[choice - 1]!, (b[v]! << 8) | b[v + 1]!, base + start, q - start, b, v,
        choice === 3 ? undefined : id, choice === 3 ? id : undefined, sel, params));
    }
  }
  // Data list.
  const dp = q;
  wk.node(q);
  const dc = wk.axdrLength(q, end);
  const dlw = wk.lenWidth;
  q += dlw;
  const data: DlmsData[] = dc <= end - q ? new Array(dc) : [];
  for (let k = 0; k < dc; k++) {
    data[k] = wk.data(q, end, 2) as unknown as DlmsData;
    q = wk.pos;
  }
  const dw = dlw === minBerWidth(dc) ? undefined : dlw;
  let widths = listWidths(sw, dw);
  if (tag === 0xd9) {
    // Issue 10 item 2 (GBCS.md 3.2): one Data per spec in a request.
    if (specCount !== dc) wk.fail(E_DLMS_COUNT_MISMATCH, dp);
    if (q !== end) wk.fail(E_PAYLOAD_TRAILING, q);
    return new DlmsApduNode('access-request', base, q, inv, b, dtAt, specs, undefined, data, undefined, undefined, undefined, widths) as unknown as DlmsApdu;
  }
  // Result list: one result per Data in a response.
  const rp = q;
  wk.node(q);
  const rc = wk.axdrLength(q, end);
  const rlw = wk.lenWidth;
  q += rlw;
  const results: DlmsResult[] = [];
  for (let k = 0; k < rc; k++) {
    if (!(q <= end && 2 <= end - q)) wk.fail(E_TRUNCATED, end);
    const choice = b[q]!;
    wk.node(q);
    if (choice < 1 || choice > 3) wk.fail(E_DLMS_RESULT_CHOICE, q);
    results.push(new DlmsResultNode(SPEC_KINDS[choice - 1] as DlmsResult['kind'], b[q + 1]!, base + q, 2));
    q += 2;
  }
  if (dc !== rc) wk.fail(E_DLMS_COUNT_MISMATCH, rp);
  if (q !== end) wk.fail(E_PAYLOAD_TRAILING, q);
  if (rlw !== minBerWidth(rc)) (widths ??= {}).results = rlw;
  return new DlmsApduNode('access-response', base, q, inv, b, dtAt, specs, presence === 2, data, results, undefined, undefined, widths) as unknown as DlmsApdu;
}

const APDU_TAGS = { 'access-request': 0xd9, 'access-response': 0xda, 'data-notification': 0x0f } as const;

function writeSpec(w: PayloadWriter, s: DlmsRequestSpec): void {
  const choice = SPEC_KINDS.indexOf(s.kind) + 1;
  if (choice === 0) throw new GbcsEncodeError('DLMS spec', `unknown kind ${JSON.stringify(s.kind)}`);
  w.u(choice, 1, F_SPEC_CHOICE).u(s.classId, 2, F_CLASS_ID);
  w.bytes(typeof s.obis === 'string' ? encodeObis(s.obis) : encodeObis(s.obis.text));
  const id = choice === 3 ? s.method : s.attribute;
  if (id === undefined) throw new GbcsEncodeError('DLMS spec', `${s.kind} needs ${choice === 3 ? 'method' : 'attribute'}`);
  w.u(id, 1, choice === 3 ? F_METHOD : F_ATTRIBUTE);
  if (choice >= 4) {
    if (s.selector === undefined || !s.selectorParameters) throw new GbcsEncodeError('DLMS spec', `${s.kind} needs selector and selectorParameters`);
    w.u(s.selector, 1, F_SELECTOR);
    encodeInto(w, s.selectorParameters);
  }
}

/**
 * Stages an APDU as a core encoder program (opWriter.ts): the core range-checks the
 * invoke id, class ids, attributes and results and writes the counts.
 */
export function stageDlmsApdu(w: PayloadWriter, a: DlmsApdu): void {
  const tag = APDU_TAGS[a.type];
  if (tag === undefined) throw new GbcsEncodeError('DLMS APDU', `unknown type ${JSON.stringify((a as { type: unknown }).type)}`);
  const iv = typeof a.invokeId === 'number' ? a.invokeId : a.invokeId.value;
  w.u(tag, 1, F_APDU_TAG).u(iv, 4, F_INVOKE_ID);
  if (a.dateTime) w.u(12, 1, F_DATETIME).bytes(encodeDateTime(a.dateTime));
  else w.u(0, 1, F_DATETIME);
  if (a.type === 'data-notification') {
    encodeInto(w, a.body);
    return;
  }
  const lw = (a.lengthWidths ?? {}) as { specs?: number; data?: number; results?: number };
  // Issue 10 item 2: the decoder refuses inconsistent counts, so the encoder never writes them.
  if (a.data.length !== (a.type === 'access-response' ? a.results.length : a.specs.length)) {
    throw new GbcsEncodeError(`DLMS ${a.type}`, a.type === 'access-response'
      ? `${a.data.length} data items but ${a.results.length} results (GBCS.md 3.2: one result per data item)`
      : `${a.specs.length} specifications but ${a.data.length} data items (GBCS.md 3.2: one data item per specification)`);
  }
  if (a.type === 'access-response') {
    const present = a.specsPresent ?? a.specs.length > 0;
    if (!present && a.specs.length > 0) throw new GbcsEncodeError('DLMS access-response', 'specsPresent is false but echoed specs are given');
    w.u(present ? 1 : 0, 1, F_PRESENCE);
    if (present) w.ber(a.specs.length, F_SPEC_COUNT, lw.specs);
  } else {
    w.ber(a.specs.length, F_SPEC_COUNT, lw.specs);
  }
  for (const s of a.specs) writeSpec(w, s);
  w.ber(a.data.length, F_DATA_COUNT, lw.data);
  for (const d of a.data) encodeInto(w, d);
  if (a.type === 'access-response') {
    w.ber(a.results.length, F_RESULT_COUNT, lw.results);
    for (const r of a.results) {
      const choice = SPEC_KINDS.indexOf(r.kind) + 1;
      if (choice < 1 || choice > 3) throw new GbcsEncodeError('DLMS result', `unknown kind ${JSON.stringify(r.kind)}`);
      w.u(choice, 1, F_RESULT).u(r.result, 1, F_RESULT);
    }
  }
}

/** Encodes an APDU through the WASM core (decode then encode gives the same bytes). */
export function encodeDlmsApdu(a: DlmsApdu): Uint8Array {
  return encodeProgram((w) => stageDlmsApdu(w, a));
}
