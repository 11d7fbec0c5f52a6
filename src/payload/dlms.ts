// xDLMS APDUs used by GBCS (GBCS.md 3.2): access-request (D9), access-response (DA)
// and data-notification (0F), built from the WASM node index; byte-exact encoder.
import { decodeDateTime, encodeDateTime, type GbcsDateTime } from '../dateTime.js';
import { GbcsEncodeError } from '../errors.js';
import { buildDlmsData, encodeInto, type DlmsData } from './dlmsData.js';
import type { NodeIndex } from './nodes.js';
import { decodeObis, encodeObis, type Obis } from './obis.js';
import { COSEM_CLASSES, DATA_ACCESS_RESULTS, SPEC_KINDS, type DlmsSpecKind } from './names.js';
import { ByteWriter, minBerWidth } from './writer.js';

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

export function longInvokeId(value: number): LongInvokeId {
  const v = value >>> 0;
  return {
    value: v,
    invokeId: v & 0xffffff,
    highPriority: (v & 0x80000000) !== 0,
    confirmed: (v & 0x40000000) !== 0,
    breakOnError: (v & 0x20000000) !== 0,
    selfDescriptive: (v & 0x10000000) !== 0,
  };
}

/** Cosem-Attribute/Method-Descriptor of a request specification. */
export interface DlmsRequestSpec {
  readonly kind: DlmsSpecKind;
  readonly classId: number;
  readonly className?: string;
  readonly obis: Obis;
  /** Attribute id (get/set) or method id (action). */
  readonly attribute?: number;
  readonly method?: number;
  /** Access selector and its parameters (get/set-with-selection). */
  readonly selector?: number;
  readonly selectorParameters?: DlmsData;
}

export interface DlmsResult {
  readonly kind: 'get' | 'set' | 'action';
  readonly result: number;
  readonly resultName: string;
}

interface DlmsApduBase {
  readonly format: 'DLMS';
  readonly invokeId: LongInvokeId;
  /** The APDU's own date-time field (`0C` + 12 bytes), absent when `00`. */
  readonly dateTime?: GbcsDateTime;
}
export interface DlmsAccessRequest extends DlmsApduBase {
  readonly type: 'access-request';
  readonly specs: DlmsRequestSpec[];
  /** One entry per spec (null for get). */
  readonly data: DlmsData[];
  readonly lengthWidths?: { specs?: number; data?: number };
}
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
export interface DlmsDataNotification extends DlmsApduBase {
  readonly type: 'data-notification';
  readonly body: DlmsData;
  /** First field of the alert structure (the GBCS alert code) when it is a long-unsigned. */
  readonly alertCode?: number;
}
export type DlmsApdu = DlmsAccessRequest | DlmsAccessResponse | DlmsDataNotification;

function listWidth(ix: NodeIndex, i: number): number | undefined {
  // A response's spec list starts at its presence byte (tag 2 = present; 1 = absent, no count).
  const w = ix.value(i) - ix.start(i) - (ix.tag(i) === 2 ? 1 : 0);
  if (ix.tag(i) === 1) return undefined;
  return w === minBerWidth(ix.aux(i)) ? undefined : w;
}

export function buildSpec(ix: NodeIndex, s: number): DlmsRequestSpec {
  const b = ix.bytes;
  const v = ix.value(s);
  const choice = ix.tag(s);
  const classId = (b[v]! << 8) | b[v + 1]!;
  const cn = COSEM_CLASSES[classId];
  const spec: { -readonly [K in keyof DlmsRequestSpec]: DlmsRequestSpec[K] } = {
    kind: SPEC_KINDS[choice - 1]!,
    classId,
    ...(cn ? { className: cn } : {}),
    obis: decodeObis(b, v + 2),
  };
  if (choice === 3) spec.method = b[v + 8]!;
  else spec.attribute = b[v + 8]!;
  if (choice >= 4) {
    spec.selector = ix.aux(s);
    spec.selectorParameters = buildDlmsData(ix, s + 1);
  }
  return spec;
}

function listItems<T>(ix: NodeIndex, list: number, build: (ix: NodeIndex, i: number) => T): T[] {
  const out: T[] = [];
  const stop = ix.next(list);
  for (let c = list + 1; c < stop; c = ix.next(c)) out.push(build(ix, c));
  return out;
}

function buildResult(ix: NodeIndex, r: number): DlmsResult {
  const result = ix.aux(r);
  return { kind: SPEC_KINDS[ix.tag(r) - 1] as DlmsResult['kind'], result, resultName: DATA_ACCESS_RESULTS[result] ?? `reserved-${result}` };
}

/** Builds the APDU from node 0 (NC_DLMS_APDU). */
export function buildDlmsApdu(ix: NodeIndex): DlmsApdu {
  const tag = ix.tag(0);
  const dt = 1; // NC_DLMS_DATETIME
  const base = {
    format: 'DLMS' as const,
    invokeId: longInvokeId(ix.aux(0)),
    ...(ix.aux(dt) === 12 ? { dateTime: decodeDateTime(ix.bytes, ix.value(dt)) } : {}),
  };
  if (tag === 0x0f) {
    const body = buildDlmsData(ix, 2);
    const first = body.type === 'structure' ? body.items[0] : undefined;
    return { ...base, type: 'data-notification', body, ...(first?.type === 'long-unsigned' ? { alertCode: first.value } : {}) };
  }
  const specList = 2;
  const dataList = ix.next(specList);
  const specs = listItems(ix, specList, buildSpec);
  const data = listItems(ix, dataList, buildDlmsData);
  const widths: Record<string, number> = {};
  const sw = listWidth(ix, specList);
  const dw = listWidth(ix, dataList);
  if (sw) widths.specs = sw;
  if (dw) widths.data = dw;
  if (tag === 0xd9) {
    return { ...base, type: 'access-request', specs, data, ...(sw || dw ? { lengthWidths: widths } : {}) };
  }
  const resultList = ix.next(dataList);
  const rw = listWidth(ix, resultList);
  if (rw) widths.results = rw;
  const results = listItems(ix, resultList, buildResult);
  return { ...base, type: 'access-response', specs, specsPresent: ix.tag(specList) === 2, data, results, ...(sw || dw || rw ? { lengthWidths: widths } : {}) };
}

const APDU_TAGS = { 'access-request': 0xd9, 'access-response': 0xda, 'data-notification': 0x0f } as const;

function writeSpec(w: ByteWriter, s: DlmsRequestSpec): void {
  const choice = SPEC_KINDS.indexOf(s.kind) + 1;
  if (choice === 0) throw new GbcsEncodeError('DLMS spec', `unknown kind ${JSON.stringify(s.kind)}`);
  w.u8(choice).u16be(s.classId);
  w.bytes(typeof s.obis === 'string' ? encodeObis(s.obis) : encodeObis(s.obis.text));
  const id = choice === 3 ? s.method : s.attribute;
  if (id === undefined) throw new GbcsEncodeError('DLMS spec', `${s.kind} needs ${choice === 3 ? 'method' : 'attribute'}`);
  w.u8(id);
  if (choice >= 4) {
    if (s.selector === undefined || !s.selectorParameters) throw new GbcsEncodeError('DLMS spec', `${s.kind} needs selector and selectorParameters`);
    w.u8(s.selector);
    encodeInto(w, s.selectorParameters);
  }
}

export function encodeDlmsApdu(a: DlmsApdu): Uint8Array {
  const w = new ByteWriter();
  const tag = APDU_TAGS[a.type];
  if (tag === undefined) throw new GbcsEncodeError('DLMS APDU', `unknown type ${JSON.stringify((a as { type: unknown }).type)}`);
  const iv = typeof a.invokeId === 'number' ? a.invokeId : a.invokeId.value;
  w.u8(tag).u32be(iv >>> 0);
  if (a.dateTime) w.u8(12).bytes(encodeDateTime(a.dateTime));
  else w.u8(0);
  if (a.type === 'data-notification') {
    encodeInto(w, a.body);
    return w.finish();
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
    w.u8(present ? 1 : 0);
    if (present) w.ber(a.specs.length, lw.specs);
  } else {
    w.ber(a.specs.length, lw.specs);
  }
  for (const s of a.specs) writeSpec(w, s);
  w.ber(a.data.length, lw.data);
  for (const d of a.data) encodeInto(w, d);
  if (a.type === 'access-response') {
    w.ber(a.results.length, lw.results);
    for (const r of a.results) {
      const choice = SPEC_KINDS.indexOf(r.kind) + 1;
      if (choice < 1 || choice > 3) throw new GbcsEncodeError('DLMS result', `unknown kind ${JSON.stringify(r.kind)}`);
      w.u8(choice).u8(r.result);
    }
  }
  return w.finish();
}
