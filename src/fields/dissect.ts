// Field dissection (issue 13): a decoded frame as a flat list of named fields in tree
// order, tshark style. Every occurrence has its stable dotted name (catalogue.ts lists
// them all, generated from the same tables), its value, and the byte range it came from:
// `offset` and `length` in the frame, or in the decrypted plaintext (`plaintext` set)
// for the parts openPayload decrypted. `depth` gives the nesting (the hex dump and
// `frame.fieldTree()` read it).
//
//   gbcs                          the whole frame (depth 0)
//     gbcs.envelope.*             envelope fields (frame.layout positions)
//     gbcs.payload                the payload (content)
//       dlms.* | gbz.* zcl.* | asn1.<use case>.*   the payload tree's nodes
//
// Nothing here runs unless a caller asks for fields: the payload trees carry `offset`
// and `length` as plain numbers, and the walk reads them (and the values) on demand.
//
// Decision: containers (APDUs, components, commands, structures, SEQUENCEs) are fields
// too, with value null (DLMS arrays/structures, ASN.1 constructed) or their kind/name
// text: `has(field)` tests them, and the hex dump nests under them.
// Decision: a value is a number when it fits a double exactly, a bigint when it does
// not (64-bit counters), text for names/OBIS/times, bytes (Uint8Array) for octets.
import { toHex } from '../bytes.js';
import type { GbcsDateTime } from '../dateTime.js';
import { messageCodeInfo } from '../messageCodes.js';
import type { Asn1Node } from '../payload/asn1.js';
import { asn1StructureFor } from '../payload/asn1Schemas.js';
import type { DlmsApdu, DlmsRequestSpec, DlmsResult } from '../payload/dlms.js';
import type { DlmsData, DlmsNode } from '../payload/dlmsData.js';
import type { GbzComponent, GbzPayload } from '../payload/gbz.js';
import type { DecodedPayload, LazyPayload } from '../payload/index.js';
import { DATA_ACCESS_RESULTS } from '../payload/names.js';
import type { ZclCommand, ZclField, ZclValue } from '../payload/zcl.js';
import { snakeName } from '../payload/zclCommands.js';
import { ZCL_ATTRIBUTES, ZCL_CLUSTERS, ZCL_STATUS } from '../payload/zclNames.js';

/** What a field holds (see the header's Decision). */
export type FieldValue = number | bigint | string | boolean | Uint8Array | null;

/** One occurrence of a named field in a frame. */
export interface FieldOccurrence {
  /** Stable dotted name (`gbcs fields` lists them). */
  readonly name: string;
  readonly value: FieldValue;
  /** Name of the value (enumeration, cluster, status, ISO time), when there is one. */
  readonly display?: string;
  /** Offset of the first byte: in the frame, or in `plaintext` when set. */
  readonly offset: number;
  /** Bytes the field spans. */
  readonly length: number;
  /** Nesting depth (0 = the frame). */
  readonly depth: number;
  /** The decrypted bytes the offset is relative to (decrypted parts only). */
  readonly plaintext?: Uint8Array;
  /** The payload tree node the field was read from (containers and values), when there is one. */
  readonly node?: unknown;
}

/** The frame members the dissector reads (a decoded GbcsFrame has them all). */
export interface DissectableFrame {
  readonly bytes: Uint8Array;
  readonly kind: string;
  readonly cra: string;
  readonly craFlag: number;
  readonly messageCode: number;
  readonly payloadFormat: string;
  readonly signatureState: string;
  readonly layout: {
    readonly counter: number; readonly originator: number; readonly recipient: number; readonly dateTime: number;
    readonly otherInformation: number; readonly otherInformationLength: number; readonly content: number; readonly contentLength: number;
    readonly cipheredLength: number; readonly mac: number; readonly signature: number; readonly gbtApdu: number;
    readonly blockData: number; readonly blockDataLength: number;
  };
  readonly lengthWidths: { readonly ciphered?: number };
  readonly securityHeader?: { readonly securityControl: number; readonly invocationCounter: number };
  readonly originatorCounter: bigint;
  readonly originator: string;
  readonly recipient: string;
  readonly dateTime?: GbcsDateTime;
  readonly payload?: LazyPayload;
  readonly gbt?: { readonly blockControl: number; readonly blockNumber: number; readonly blockNumberAck: number; readonly blockData: Uint8Array };
}

const num = (v: bigint): number | bigint => (v >= -0x1fffffffffffffn && v <= 0x1fffffffffffffn ? Number(v) : v);
const hex4 = (c: number) => `0x${c.toString(16).toUpperCase().padStart(4, '0')}`;

const KEYS = new Map<string, string>();
/** Snake-case of a camelCase / spaced name: 'updateSecurityCredentials' -> 'update_security_credentials'. */
export function fieldKey(name: string): string {
  let k = KEYS.get(name);
  if (k === undefined) {
    k = snakeName(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2'));
    if (KEYS.size < 4096) KEYS.set(name, k);
  }
  return k;
}

/** The `asn1.<id>` prefix of an ASN.1 structure: its first use case, e.g. 'CS02b/CS02g ...' -> 'cs02b'. */
export function asn1Prefix(title: string): string {
  return `asn1.${title.split(/[\s/]/)[0]!.toLowerCase()}`;
}

/** One occurrence (one shape for all: the walk and the readers stay monomorphic). */
class Occ implements FieldOccurrence {
  constructor(
    readonly name: string,
    readonly value: FieldValue,
    readonly offset: number,
    readonly length: number,
    readonly depth: number,
    readonly display: string | undefined,
    readonly plaintext: Uint8Array | undefined,
    readonly node: unknown,
  ) {}
}

/** Collects occurrences; `pt` is the current plaintext (undefined = frame bytes). */
class Out {
  readonly list: FieldOccurrence[] = [];
  pt: Uint8Array | undefined = undefined;
  constructor(readonly frameBytes: Uint8Array, readonly want: ReadonlySet<string> | undefined) {}
  add(name: string, value: FieldValue, offset: number, length: number, depth: number, display?: string, node?: unknown): void {
    if (this.want !== undefined && !this.want.has(name)) return;
    this.list.push(new Occ(name, value, offset, length, depth, display, this.pt, node));
  }
  /** True when some wanted name starts with `prefix` (all do without a want set). */
  wants(prefix: string): boolean {
    if (this.want === undefined) return true;
    for (const n of this.want) if (n.startsWith(prefix)) return true;
    return false;
  }
  /** Offset of a view of the frame (or plaintext) bytes. */
  at(view: Uint8Array): number {
    const b = this.pt ?? this.frameBytes;
    return view.byteOffset - b.byteOffset;
  }
}

/**
 * The fields of a frame in tree order. `opened` is a payload tree with decrypted parts
 * (the security module's openPayload); without it the frame's own payload is used.
 * A payload that does not decode throws its GbcsDecodeError. With `want`, only those
 * names are collected (and a payload no wanted name belongs to is not decoded).
 */
export function dissectFrame(frame: DissectableFrame, opened?: DecodedPayload, want?: ReadonlySet<string>): FieldOccurrence[] {
  const out = new Out(frame.bytes, want);
  const b = frame.bytes;
  const L = frame.layout;
  out.add('gbcs', frame.kind, 0, b.length, 0);
  const d = 1;
  out.add('gbcs.envelope.kind', frame.kind, 0, 1, d, hex2(b[0]!));
  if (frame.kind === 'general-ciphering' && frame.securityHeader) {
    // DD ‖ six empty fields (00 each) ‖ ciphered-content length ‖ SC(1) ‖ IC(4) (GBCS.md 1)
    const sc = 7 + (frame.lengthWidths.ciphered ?? 1);
    out.add('gbcs.envelope.security_control', frame.securityHeader.securityControl, sc, 1, d);
    out.add('gbcs.envelope.invocation_counter', frame.securityHeader.invocationCounter, sc + 1, 4, d);
  }
  out.add('gbcs.envelope.cra', frame.cra, L.counter - 1, 1, d, String(frame.craFlag));
  out.add('gbcs.envelope.originator_counter', num(frame.originatorCounter), L.counter, 8, d);
  out.add('gbcs.envelope.originator', frame.originator, L.originator, 8, d);
  out.add('gbcs.envelope.recipient', frame.recipient, L.recipient, 8, d);
  if (L.dateTime >= 0 && frame.dateTime) {
    const dt = frame.dateTime;
    out.add('gbcs.envelope.date_time', dt.special ?? dt.iso ?? dt.hex, L.dateTime, 12, d);
  }
  if (L.otherInformation >= 0) {
    out.add('gbcs.envelope.other_information', b.subarray(L.otherInformation, L.otherInformation + L.otherInformationLength), L.otherInformation, L.otherInformationLength, d);
    const info = messageCodeInfo(frame.messageCode);
    out.add('gbcs.envelope.message_code', frame.messageCode, L.otherInformation, 2, d + 1, hex4(frame.messageCode));
    if (info) out.add('gbcs.envelope.use_case', info.useCase, L.otherInformation, 2, d + 1, info.name);
  }
  const g = frame.gbt;
  if (g && L.gbtApdu >= 0) {
    out.add('gbcs.gbt.block_control', g.blockControl, L.gbtApdu + 1, 1, d);
    out.add('gbcs.gbt.block_number', g.blockNumber, L.gbtApdu + 2, 2, d);
    out.add('gbcs.gbt.block_number_ack', g.blockNumberAck, L.gbtApdu + 4, 2, d);
    out.add('gbcs.gbt.block_data', g.blockData, L.blockData, L.blockDataLength, d);
  }
  if (L.content >= 0 && frame.kind !== 'gbt' && frame.payload) {
    out.add('gbcs.payload', frame.payloadFormat, L.content, L.contentLength, d);
    const fam = frame.payloadFormat === 'DLMS' ? ['dlms'] : frame.payloadFormat === 'GBZ' ? ['gbz', 'zcl.'] : ['asn1.'];
    if (frame.payloadFormat !== 'unknown' && fam.some((p) => out.wants(p))) {
      const p = opened ?? frame.payload.decoded;
      payloadFields(out, p, frame.messageCode, frame.craFlag, d + 1);
    }
  }
  if (L.mac >= 0) out.add('gbcs.envelope.mac', b.subarray(L.mac, L.mac + 12), L.mac, 12, d);
  if (frame.signatureState === 'present') out.add('gbcs.envelope.signature', b.subarray(L.signature + 1, L.signature + 65), L.signature + 1, 64, d);
  return out.list;
}

const hex2 = (v: number) => v.toString(16).toUpperCase().padStart(2, '0');

function payloadFields(out: Out, p: DecodedPayload, messageCode: number, craFlag: number, d: number): void {
  switch (p.format) {
    case 'DLMS': return dlmsApdu(out, p, d);
    case 'GBZ': return gbzFields(out, p, d);
    case 'ASN.1': {
      const s = asn1StructureFor(messageCode, craFlag, p.root.tag);
      return asn1Fields(out, p.root, s ? asn1Prefix(s.title) : 'asn1.der', d, !s);
    }
  }
}

// ---- DLMS ----

function dlmsApdu(out: Out, a: DlmsApdu, d: number): void {
  const o = a.offset ?? 0;
  out.add('dlms.apdu', a.type, o, a.length ?? 0, d, undefined, a);
  out.add('dlms.invoke_id', a.invokeId.value >>> 0, o + 1, 4, d + 1, String(a.invokeId.invokeId));
  if (a.dateTime) out.add('dlms.date_time', a.dateTime.special ?? a.dateTime.iso ?? a.dateTime.hex, o + 6, 12, d + 1);
  if ('specs' in a && a.specs) for (const s of a.specs) dlmsSpec(out, s, d + 1);
  if (a.type === 'data-notification') {
    if (a.alertCode !== undefined) {
      const first = (a.body as { items?: DlmsData[] }).items?.[0];
      if (first?.offset !== undefined) out.add('dlms.alert.code', a.alertCode, first.offset + 1, 2, d + 1, a.alertName);
    }
    dlmsData(out, a.body, d + 1);
    return;
  }
  for (const x of a.data) dlmsData(out, x, d + 1);
  if (a.type === 'access-response') for (const r of a.results) dlmsResult(out, r, d + 1);
}

function dlmsSpec(out: Out, s: DlmsRequestSpec, d: number): void {
  const o = s.offset ?? 0;
  out.add('dlms.spec', s.kind, o, s.length ?? 0, d, undefined, s);
  out.add('dlms.spec.class_id', s.classId, o + 1, 2, d + 1, s.className);
  out.add('dlms.spec.obis', s.obis.text, o + 3, 6, d + 1, s.obis.name);
  if (s.attribute !== undefined) out.add('dlms.spec.attribute', s.attribute, o + 9, 1, d + 1, s.attributeName);
  if (s.method !== undefined) out.add('dlms.spec.method', s.method, o + 9, 1, d + 1, s.methodName);
  if (s.selectorParameters) dlmsData(out, s.selectorParameters, d + 1);
}

function dlmsResult(out: Out, r: DlmsResult, d: number): void {
  // The result code is the node's last byte (after the CHOICE / kind byte where there is one).
  const len = r.length ?? 1;
  out.add('dlms.result', r.result, (r.offset ?? 0) + len - 1, 1, d, DATA_ACCESS_RESULTS[r.result] ?? r.resultName, r);
}

function dlmsValue(x: DlmsData): FieldValue {
  switch (x.type) {
    case 'null': case 'array': case 'structure': case 'compact-array': return null;
    case 'octet-string': case 'date-time': case 'date': case 'time': case 'bit-string': return x.bytes;
    case 'long64': case 'long64-unsigned': return num(x.value);
    default: return (x as { value: number | boolean | string }).value;
  }
}

function dlmsDisplay(x: DlmsData): string | undefined {
  if (x.type === 'octet-string') return x.dateTime ? (x.dateTime.special ?? x.dateTime.iso ?? undefined) : x.obis ? x.obis.text : x.date?.text ?? x.time?.text;
  if (x.type === 'date-time') return x.dateTime.special ?? x.dateTime.iso ?? undefined;
  if (x.type === 'bit-string') return x.bits;
  return undefined;
}

function dlmsData(out: Out, x: DlmsData, d: number): void {
  const o = x.offset ?? 0;
  const len = x.length ?? 0;
  out.add('dlms.data', dlmsValue(x), o, len, d, x.type === 'array' || x.type === 'structure' || x.type === 'compact-array' || x.type === 'null' ? x.type : dlmsDisplay(x), x);
  if (x.type === 'array' || x.type === 'structure') for (const it of x.items) dlmsData(out, it, d + 1);
  else if (x.type === 'compact-array') for (const r of x.rows) dlmsData(out, r, d + 1);
  else if (x.type === 'octet-string') {
    const node = x as unknown as DlmsNode;
    const v = o + len - x.bytes.length;
    if (x.obis) out.add('dlms.obis', x.obis.text, v, 6, d + 1, x.obis.name);
    else if (x.dateTime) out.add('dlms.date_time', x.dateTime.special ?? x.dateTime.iso ?? x.dateTime.hex, v, 12, d + 1);
    const dec = node.decrypted;
    if (dec?.decoded && dec.plaintext) inPlaintext(out, dec.plaintext, () => dlmsData(out, dec.decoded!, d + 1));
  }
}

function inPlaintext(out: Out, pt: Uint8Array, f: () => void): void {
  const saved = out.pt;
  out.pt = pt;
  try {
    f();
  } finally {
    out.pt = saved;
  }
}

// ---- GBZ / ZCL ----

function gbzFields(out: Out, g: GbzPayload, d: number): void {
  const o = g.offset ?? 0;
  out.add('gbz', g.type, o, g.length ?? 0, d, undefined, g);
  out.add('gbz.profile_id', g.profileId, o, 2, d + 1, hex4(g.profileId));
  out.add('gbz.component_count', g.componentCount, o + 2, 1, d + 1);
  const a = g.alert;
  if (a) {
    const ao = a.offset ?? 0;
    out.add('gbz.alert', a.alertCode, ao, a.length ?? 0, d + 1, a.alertName, a);
    out.add('gbz.alert.code', a.alertCode, ao, 2, d + 2, a.alertName);
    out.add('gbz.alert.time', a.time.seconds, a.time.offset ?? ao + 2, 4, d + 2, a.time.iso);
    const c = a.content;
    if (c.kind === 'future-dated') {
      const co = c.offset ?? 0;
      out.add('gbz.alert.message_code', c.messageCode, co + 1, 2, d + 2, c.useCase);
      out.add('gbz.alert.originator_counter', num(c.originatorCounter), co + 3, 8, d + 2);
      out.add('gbz.alert.cluster_id', c.clusterId, co + 11, 2, d + 2, ZCL_CLUSTERS[c.clusterId]);
      out.add('gbz.alert.frame_control', c.frameControl, co + 13, 1, d + 2);
      out.add('gbz.alert.command_id', c.commandId, co + 14, 1, d + 2);
    } else if (c.kind === 'firmware-hash') out.add('gbz.alert.hash', c.hash, (c.offset ?? 0) + 2, 32, d + 2);
    else if (c.kind === 'code') out.add('gbz.alert.integrity_code', c.code, c.offset ?? 0, 2, d + 2);
  }
  for (const c of g.components) gbzComponent(out, c, d + 1);
}

function gbzComponent(out: Out, c: GbzComponent, d: number): void {
  const o = c.offset ?? 0;
  const cl = ZCL_CLUSTERS[c.clusterId];
  out.add('gbz.component', c.clusterId, o, c.length ?? 0, d, cl, c);
  out.add('gbz.component.control', c.control, o, 1, d + 1);
  out.add('gbz.component.cluster_id', c.clusterId, o + 1, 2, d + 1, cl);
  out.add('gbz.component.length', (c.length ?? 5) - 5, o + 3, 2, d + 1);
  if (c.fromDateTime) out.add('gbz.component.from_date_time', c.fromDateTime.seconds, c.fromDateTime.offset ?? o + 5, 4, d + 1, c.fromDateTime.iso);
  if (c.encrypted) {
    const ah = c.zcl.offset === undefined ? o + 5 : c.zcl.offset - 2;
    out.add('gbz.component.additional_header_control', c.additionalHeader.control, ah, 1, d + 1);
    out.add('gbz.component.frame_counter', c.additionalHeader.frameCounter, ah + 1, 1, d + 1);
  }
  zclHeader(out, c, d + 1);
  if (c.encrypted) {
    const co = out.at(c.ciphertext);
    out.add('gbz.component.ciphertext_length', c.ciphertext.length, co - 2, 2, d + 1);
    out.add('gbz.component.ciphertext', c.ciphertext, co, c.ciphertext.length, d + 1);
    const dec = c.decrypted;
    if (dec?.decoded && dec.plaintext) inPlaintext(out, dec.plaintext, () => zclCommand(out, dec.decoded!, c.clusterId, d + 2));
  } else zclCommand(out, c.command, c.clusterId, d + 1);
}

function zclHeader(out: Out, c: GbzComponent, d: number): void {
  const h = c.zcl;
  const o = h.offset ?? 0;
  out.add('zcl.header', h.commandId, o, 3, d, h.commandName, h);
  out.add('zcl.header.frame_control', h.frameControl, o, 1, d + 1, `${h.frameType}, ${h.direction}`);
  out.add('zcl.header.sequence_number', h.sequenceNumber, o + 1, 1, d + 1);
  out.add('zcl.header.command_id', h.commandId, o + 2, 1, d + 1, h.commandName);
}

function zclValue(v: ZclValue): FieldValue {
  const x = v.value;
  return Array.isArray(x) ? null : typeof x === 'bigint' ? num(x) : (x as FieldValue);
}

/** `zcl.<cluster>.attribute.<attribute>` for a named attribute, from ZCL_ATTRIBUTES. */
export function zclAttributeField(clusterId: number, id: number): string | undefined {
  const cl = ZCL_CLUSTERS[clusterId];
  const an = ZCL_ATTRIBUTES[clusterId]?.[id];
  return cl && an ? `zcl.${fieldKey(cl)}.attribute.${fieldKey(an)}` : undefined;
}

function zclCommand(out: Out, cmd: ZclCommand, clusterId: number, d: number): void {
  const o = cmd.offset ?? 0;
  const len = cmd.length ?? 0;
  switch (cmd.command) {
    case 'cluster-specific': {
      const base = `zcl.${cmd.clusterKey}.${cmd.key}`;
      out.add(base, cmd.name, o, len, d, undefined, cmd);
      for (const f of cmd.fields) zclField(out, base, f as ZclField, d + 1);
      return;
    }
    case 'read-attributes':
      out.add('zcl.read_attributes', cmd.command, o, len, d, undefined, cmd);
      for (const a of cmd.attributes) out.add('zcl.attribute.id', a.id, a.offset ?? 0, 2, d + 1, a.name);
      return;
    case 'read-attributes-response': case 'write-attributes': case 'write-attributes-undivided': case 'write-attributes-no-response': {
      out.add(`zcl.${cmd.command.replace(/-/g, '_')}`, cmd.command, o, len, d, undefined, cmd);
      for (const r of cmd.records) {
        const ro = r.offset ?? 0;
        out.add('zcl.attribute', r.id, ro, r.length ?? 0, d + 1, r.name, r);
        out.add('zcl.attribute.id', r.id, ro, 2, d + 2, r.name);
        if ('status' in r) out.add('zcl.attribute.status', r.status, ro + 2, 1, d + 2, r.statusName);
        const v = r.value;
        if (v) {
          out.add('zcl.attribute.data_type', v.dataType, (v.offset ?? 0) - 1, 1, d + 2, v.dataTypeName);
          const named = zclAttributeField(clusterId, r.id);
          out.add(named ?? 'zcl.attribute.value', zclValue(v), v.offset ?? 0, v.length ?? 0, d + 2, v.iso, v);
        }
      }
      return;
    }
    case 'write-attributes-response':
      out.add('zcl.write_attributes_response', cmd.command, o, len, d, undefined, cmd);
      for (const r of cmd.records) {
        const ro = r.offset ?? 0;
        out.add('zcl.attribute.status', r.status, ro, 1, d + 1, r.statusName);
        if (r.id !== undefined) out.add('zcl.attribute.id', r.id, ro + 1, 2, d + 1, r.name);
      }
      return;
    case 'default-response':
      out.add('zcl.default_response', cmd.command, o, len, d, cmd.answersCommand, cmd);
      out.add('zcl.default_response.command_id', cmd.commandId, o, 1, d + 1, cmd.answersCommand);
      out.add('zcl.default_response.status', cmd.status, o + 1, 1, d + 1, ZCL_STATUS[cmd.status] ?? cmd.statusName);
      return;
    case 'other':
      out.add('zcl.command', cmd.name ?? 'other', o, len, d, cmd.layoutError?.expected, cmd);
      out.add('zcl.command.payload', cmd.payload, o, cmd.payload.length, d + 1);
      return;
  }
}

function zclField(out: Out, base: string, f: ZclField, d: number): void {
  const name = `${base}.${f.name}`;
  if (f.type === 'repeat') {
    out.add(name, f.entries?.length ?? 0, f.offset, f.length, d, undefined, f);
    for (const e of f.entries ?? []) for (const x of e.fields) zclField(out, base, x as ZclField, d + 1);
    return;
  }
  const v = f.value;
  out.add(name, v, f.offset, f.length, d, f.valueName ?? f.iso ?? f.date ?? f.text, f);
}

// ---- ASN.1 ----

function asn1Value(n: Asn1Node): FieldValue {
  if (n.children) return null;
  const i = n.integer;
  if (i !== undefined) return num(i);
  const t = n.text ?? n.oid;
  if (t !== undefined) return t;
  const bo = n.boolean;
  if (bo !== undefined) return bo;
  if (n.tag === 0x05) return null;
  return n.bitString?.bytes ?? n.value ?? null;
}

function asn1Fields(out: Out, n: Asn1Node, prefix: string, d: number, generic: boolean): void {
  const name = generic ? `${prefix}.element` : `${prefix}.${fieldKey(n.field?.name ?? 'element')}`;
  if (!generic && !n.field) return; // outside the schema: not named
  out.add(name, asn1Value(n), n.offset, n.headerLength + n.length, d, n.valueName ?? n.time ?? n.oidName, n);
  if (n.children && !n.field?.raw) for (const c of n.children) asn1Fields(out, c, generic ? prefix : name, d + 1, generic);
}
