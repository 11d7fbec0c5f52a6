// The catalogue of field names (issue 13 item 3): every dotted name the dissector
// (dissect.ts) can produce, with its value kind and a one-line description. Generated,
// not hand-listed, from the tables the decoders use:
//   gbcs.* / dlms.* / gbz.* / zcl.header|attribute|...   the fixed envelope and payload
//                          structure rows below (one row per field of the structure)
//   zcl.<cluster>.<command>[.<field>]   ZCL_COMMAND_SPECS (zclCommands.ts): every laid-out
//                          cluster-specific command and every field of its layout
//                          (entries, switch cases and optional tails included)
//   zcl.<cluster>.attribute.<attribute> ZCL_ATTRIBUTES (zclNames.ts)
//   asn1.<use case>.<component>...      ASN1_STRUCTURES (asn1Schemas.ts), the ASN.1
//                          component names, with the use-case module that owns the
//                          code (useCases/registry.ts) in the description
// `gbcs fields [--json]` prints it; test/fields-names.txt pins it (regenerate with
// `node scripts/fields-list.mjs` after a deliberate change).
import { ASN1_STRUCTURES, type Asn1Field } from '../payload/asn1Schemas.js';
import { ZCL_COMMAND_SPECS, type ZclLayoutItem } from '../payload/zclCommands.js';
import { ZCL_ATTRIBUTES, ZCL_CLUSTERS } from '../payload/zclNames.js';
import { modulesForCode } from '../useCases/registry.js';
import { asn1Prefix, fieldKey, zclAttributeField } from './dissect.js';

/** What a field's value is (filters compare by it). */
export type FieldKind = 'container' | 'number' | 'text' | 'bytes' | 'boolean' | 'value';

/** Catalogue entry for one named field: its name, kind and description. */
export interface FieldInfo {
  readonly name: string;
  readonly kind: FieldKind;
  readonly description: string;
}

type Row = readonly [name: string, kind: FieldKind, description: string];

/** Fixed structure of the envelope and the payload formats (GBCS.md 1, 3.2, 3.3). */
const STRUCTURE: readonly Row[] = [
  ['gbcs', 'text', 'the frame (value: general-ciphering, general-signing or gbt)'],
  ['gbcs.envelope.kind', 'text', 'frame kind from the first byte (DD, DF, ...)'],
  ['gbcs.envelope.security_control', 'number', 'security control byte of the security header'],
  ['gbcs.envelope.invocation_counter', 'number', 'invocation counter of the security header'],
  ['gbcs.envelope.cra', 'text', 'CRA flag: command, response or alert'],
  ['gbcs.envelope.originator_counter', 'number', 'originator counter (transaction id)'],
  ['gbcs.envelope.originator', 'text', 'originator system title (16 hex digits)'],
  ['gbcs.envelope.recipient', 'text', 'recipient system title (16 hex digits)'],
  ['gbcs.envelope.date_time', 'text', 'envelope date-time (ISO, or now/never)'],
  ['gbcs.envelope.other_information', 'bytes', 'other information (message code and supplementary fields)'],
  ['gbcs.envelope.message_code', 'number', 'message code (GBCS.md 4)'],
  ['gbcs.envelope.use_case', 'text', 'use case id of the message code (e.g. ECS52)'],
  ['gbcs.envelope.mac', 'bytes', 'MAC of a general-ciphering frame (12 bytes)'],
  ['gbcs.envelope.signature', 'bytes', 'signature r||s (64 bytes)'],
  ['gbcs.gbt.block_control', 'number', 'GBT block control'],
  ['gbcs.gbt.block_number', 'number', 'GBT block number'],
  ['gbcs.gbt.block_number_ack', 'number', 'GBT block number acknowledged'],
  ['gbcs.gbt.block_data', 'bytes', 'GBT block data'],
  ['gbcs.payload', 'text', 'the payload (value: DLMS, GBZ, ASN.1 or unknown)'],
  ['dlms.apdu', 'text', 'DLMS APDU (value: access-request, access-response, data-notification)'],
  ['dlms.invoke_id', 'number', 'Long-Invoke-Id-And-Priority (32 bits)'],
  ['dlms.date_time', 'text', 'DLMS date-time (APDU field or a 12-byte date-time octet string), ISO'],
  ['dlms.spec', 'text', 'request specification (value: get, set, action, ...)'],
  ['dlms.spec.class_id', 'number', 'COSEM interface class id'],
  ['dlms.spec.obis', 'text', 'OBIS code of the specification (A-B:C.D.E.F)'],
  ['dlms.spec.attribute', 'number', 'attribute id'],
  ['dlms.spec.method', 'number', 'method id'],
  ['dlms.data', 'value', 'A-XDR Data value at any depth (null for arrays, structures, compact arrays)'],
  ['dlms.obis', 'text', 'OBIS code inside Data (a 6-byte octet string read as OBIS)'],
  ['dlms.result', 'number', 'Data-Access-Result / Action-Result'],
  ['dlms.alert.code', 'number', 'alert code of a DLMS alert (data-notification)'],
  ['gbz', 'text', 'GBZ payload'],
  ['gbz.profile_id', 'number', 'GBZ profile id'],
  ['gbz.component_count', 'number', 'GBZ component count'],
  ['gbz.alert', 'number', 'GBZ alert header (value: alert code)'],
  ['gbz.alert.code', 'number', 'GBZ alert code'],
  ['gbz.alert.time', 'number', 'GBZ alert time (seconds since 2000)'],
  ['gbz.alert.message_code', 'number', 'future-dated alert: message code'],
  ['gbz.alert.originator_counter', 'number', 'future-dated alert: originator counter'],
  ['gbz.alert.cluster_id', 'number', 'future-dated alert: cluster id'],
  ['gbz.alert.frame_control', 'number', 'future-dated alert: ZCL frame control'],
  ['gbz.alert.command_id', 'number', 'future-dated alert: ZCL command id'],
  ['gbz.alert.hash', 'bytes', 'firmware alert: calculated image hash'],
  ['gbz.alert.integrity_code', 'number', 'integrity alert: issue code'],
  ['gbz.component', 'number', 'GBZ component (value: cluster id)'],
  ['gbz.component.control', 'number', 'component control byte'],
  ['gbz.component.cluster_id', 'number', 'component cluster id'],
  ['gbz.component.length', 'number', 'component length field'],
  ['gbz.component.from_date_time', 'number', 'from-date-time (seconds since 2000)'],
  ['gbz.component.additional_header_control', 'number', 'encrypted component: additional header control'],
  ['gbz.component.frame_counter', 'number', 'encrypted component: additional header frame counter'],
  ['gbz.component.ciphertext_length', 'number', 'encrypted component: ciphertext length'],
  ['gbz.component.ciphertext', 'bytes', 'encrypted component: 31 ‖ IC ‖ ciphertext ‖ tag'],
  ['zcl.header', 'number', 'ZCL header (value: command id)'],
  ['zcl.header.frame_control', 'number', 'ZCL frame control'],
  ['zcl.header.sequence_number', 'number', 'ZCL transaction sequence number'],
  ['zcl.header.command_id', 'number', 'ZCL command id'],
  ['zcl.read_attributes', 'text', 'Read Attributes command'],
  ['zcl.read_attributes_response', 'text', 'Read Attributes Response command'],
  ['zcl.write_attributes', 'text', 'Write Attributes command'],
  ['zcl.write_attributes_undivided', 'text', 'Write Attributes Undivided command'],
  ['zcl.write_attributes_no_response', 'text', 'Write Attributes No Response command'],
  ['zcl.write_attributes_response', 'text', 'Write Attributes Response command'],
  ['zcl.attribute', 'number', 'attribute record (value: attribute id)'],
  ['zcl.attribute.id', 'number', 'attribute id'],
  ['zcl.attribute.status', 'number', 'attribute status'],
  ['zcl.attribute.data_type', 'number', 'attribute data type'],
  ['zcl.attribute.value', 'value', 'value of an attribute the name tables do not name'],
  ['zcl.default_response', 'text', 'Default Response'],
  ['zcl.default_response.command_id', 'number', 'command the Default Response answers'],
  ['zcl.default_response.status', 'number', 'Default Response status'],
  ['zcl.command', 'text', 'ZCL command without a layout (value: its name)'],
  ['zcl.command.payload', 'bytes', 'payload of a ZCL command without a layout'],
  ['asn1.der.element', 'value', 'DER element of a payload with no known structure'],
];

const ZCL_KIND: Record<string, FieldKind> = { str: 'bytes', zdate: 'bytes', bytes: 'bytes' };

function zclItems(items: readonly ZclLayoutItem[], base: string, cmd: string, out: FieldInfo[]): void {
  for (const it of items) {
    if (it.kind === 'field') out.push({ name: `${base}.${it.name}`, kind: ZCL_KIND[it.type] ?? 'number', description: `${cmd}: ${it.label} (${it.type})` });
    else if (it.kind === 'repeat') {
      out.push({ name: `${base}.${it.name}`, kind: 'container', description: `${cmd}: ${it.label} (repeated entries; value: entry count)` });
      zclItems(it.fields, base, cmd, out);
    } else if (it.kind === 'optional') zclItems(it.fields, base, cmd, out);
    else {
      for (const c of Object.values(it.cases)) zclItems(c, base, cmd, out);
      out.push({ name: `${base}.${it.otherwise}`, kind: 'bytes', description: `${cmd}: the rest when ${it.on} has no layout` });
    }
  }
}

function asn1Walk(f: Asn1Field, name: string, title: string, out: FieldInfo[]): void {
  const kind: FieldKind = f.fields || f.of ? 'container' : f.raw ? 'bytes' : f.values ? 'number' : 'value';
  out.push({ name, kind, description: `${title}: ${f.name}${f.raw ? ` (${f.raw})` : ''}` });
  if (f.raw) return;
  for (const c of f.fields ?? []) asn1Walk(c, `${name}.${fieldKey(c.name)}`, title, out);
  if (f.of) asn1Walk(f.of, `${name}.${fieldKey(f.of.name)}`, title, out);
}

let cached: readonly FieldInfo[] | undefined;

/** Every field name, sorted, each once (the first description wins for names shared by several tables). */
export function fieldCatalogue(): readonly FieldInfo[] {
  if (cached) return cached;
  const out: FieldInfo[] = STRUCTURE.map(([name, kind, description]) => ({ name, kind, description }));
  for (const s of ZCL_COMMAND_SPECS.values()) {
    const base = `zcl.${s.clusterKey}.${s.key}`;
    const cmd = `${ZCL_CLUSTERS[s.clusterId] ?? s.clusterKey} ${s.name}`;
    out.push({ name: base, kind: 'container', description: `${cmd} (${s.direction ? 'server to client' : 'client to server'}, ${s.status})` });
    zclItems(s.layout, base, cmd, out);
  }
  for (const [cl, attrs] of Object.entries(ZCL_ATTRIBUTES)) {
    for (const [id, an] of Object.entries(attrs)) {
      const name = zclAttributeField(Number(cl), Number(id));
      if (name) out.push({ name, kind: 'value', description: `${ZCL_CLUSTERS[Number(cl)]} attribute 0x${Number(id).toString(16).padStart(4, '0')} ${an}` });
    }
  }
  for (const s of ASN1_STRUCTURES) {
    const owners = [...new Set(s.codes.flatMap((c) => modulesForCode(c).map((m) => m.id)))];
    const title = `${s.title}${owners.length ? ` [typed view: ${owners.join(', ')}]` : ''}`;
    asn1Walk(s.schema, `${asn1Prefix(s.title)}.${fieldKey(s.schema.name)}`, title, out);
  }
  const seen = new Map<string, FieldInfo>();
  for (const f of out) if (!seen.has(f.name)) seen.set(f.name, f);
  return (cached = [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
}

let names: ReadonlySet<string> | undefined;
/** True when `name` is a catalogued field name. */
export function isFieldName(name: string): boolean {
  return (names ??= new Set(fieldCatalogue().map((f) => f.name))).has(name);
}
