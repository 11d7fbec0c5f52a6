// ASN.1 DER payloads (GBCS.md 3.4): the tree the WASM walker indexed, with universal
// types interpreted (INTEGER, OCTET STRING, OID, times, strings...), X.509 certificates
// summarised (subject, issuer, serial, validity, with their DER bytes), and field
// names from the GBCS structures of the use case when it is one we know.
import { toHex } from '../bytes.js';
import { GbcsEncodeError } from '../errors.js';
import * as L from '../wasm/layout.js';
import { NodeIndex, walkNodes } from './nodes.js';
import { ByteWriter, minBerWidth } from './writer.js';

export type Asn1Class = 'universal' | 'application' | 'context' | 'private';

export interface CertificateSummary {
  readonly serial: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** The whole certificate, DER. */
  readonly der: Uint8Array;
}

export interface Asn1Node {
  /** Identifier octet (first byte). */
  readonly tag: number;
  readonly tagClass: Asn1Class;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** 'SEQUENCE', 'INTEGER', '[0]', 'APPLICATION 3'... */
  readonly typeName: string;
  /** GBCS field name where the structure is known. */
  readonly name?: string;
  /** Offset of the identifier in the decoded bytes. */
  readonly offset: number;
  /** Contents length. */
  readonly length: number;
  readonly children?: Asn1Node[];
  /** Contents of a primitive encoding. */
  readonly value?: Uint8Array;
  /** INTEGER / ENUMERATED value. */
  readonly integer?: bigint;
  readonly boolean?: boolean;
  readonly oid?: string;
  /** Character strings, and times as written ("20300115090000Z"). */
  readonly text?: string;
  /** GeneralizedTime / UTCTime as ISO-8601; `special: 'cancel'` for 99991231235959Z. */
  readonly time?: string;
  readonly special?: 'cancel';
  readonly bitString?: { readonly unusedBits: number; readonly bytes: Uint8Array };
  readonly certificate?: CertificateSummary;
  /** Identifier octets of a high-tag-number form (more than one byte). */
  readonly identifier?: Uint8Array;
  /** Non-minimal length width (bytes) seen on decode, kept for byte-exact encoding. */
  readonly lengthWidth?: number;
}

export interface Asn1Payload {
  readonly format: 'ASN.1';
  readonly type: 'asn1';
  /** Name of the GBCS structure matched (e.g. "CS06 ActivateFirmware command"), when known. */
  readonly structure?: string;
  readonly root: Asn1Node;
}

const CLASSES: Asn1Class[] = ['universal', 'application', 'context', 'private'];
const UNIVERSAL: Record<number, string> = {
  1: 'BOOLEAN', 2: 'INTEGER', 3: 'BIT STRING', 4: 'OCTET STRING', 5: 'NULL', 6: 'OBJECT IDENTIFIER', 10: 'ENUMERATED',
  12: 'UTF8String', 16: 'SEQUENCE', 17: 'SET', 19: 'PrintableString', 20: 'T61String', 22: 'IA5String', 23: 'UTCTime',
  24: 'GeneralizedTime', 26: 'VisibleString', 30: 'BMPString',
};
const OID_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.45': 'x500UniqueIdentifier',
  '1.2.840.10045.2.1': 'ecPublicKey', '1.2.840.10045.3.1.7': 'prime256v1', '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '2.5.29.14': 'subjectKeyIdentifier', '2.5.29.35': 'authorityKeyIdentifier', '2.5.29.15': 'keyUsage',
  '2.5.29.32': 'certificatePolicies', '2.5.29.17': 'subjectAltName', '2.5.29.19': 'basicConstraints',
};

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

function oidText(v: Uint8Array): string {
  const parts: number[] = [];
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    n = n * 128 + (v[i]! & 0x7f);
    if ((v[i]! & 0x80) === 0) {
      if (parts.length === 0) parts.push(n < 80 ? Math.floor(n / 40) : 2, n < 80 ? n % 40 : n - 80);
      else parts.push(n);
      n = 0;
    }
  }
  return parts.join('.');
}

function timeIso(text: string, utc: boolean): string | undefined {
  const m = (utc ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/ : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/).exec(text);
  if (!m) return undefined;
  const year = utc ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  return `${String(year).padStart(4, '0')}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
}

function bigintOf(v: Uint8Array): bigint {
  let n = 0n;
  for (const b of v) n = (n << 8n) | BigInt(b);
  if (v.length > 0 && (v[0]! & 0x80) !== 0) n -= 1n << BigInt(8 * v.length);
  return n;
}

function buildNode(ix: NodeIndex, i: number): Asn1Node {
  const b = ix.bytes;
  const id = ix.tag(i);
  const tagClass = CLASSES[id >> 6]!;
  const constructed = (id & 0x20) !== 0;
  const tagNumber = ix.aux(i);
  const start = ix.start(i);
  const v = ix.value(i);
  const length = ix.end(i) - v;
  const typeName = tagClass === 'universal' ? (UNIVERSAL[tagNumber] ?? `UNIVERSAL ${tagNumber}`) : tagClass === 'context' ? `[${tagNumber}]` : `${tagClass.toUpperCase()} ${tagNumber}`;
  // Identifier octets run until the first length byte; the length field fills the rest of the header.
  let idEnd = start + 1;
  if ((id & 0x1f) === 0x1f) while (b[idEnd++]! & 0x80);
  const lw = v - idEnd;
  const node: { -readonly [K in keyof Asn1Node]: Asn1Node[K] } = { tag: id, tagClass, constructed, tagNumber, typeName, offset: start, length };
  if (idEnd - start > 1) node.identifier = b.subarray(start, idEnd);
  if (lw !== minBerWidth(length)) node.lengthWidth = lw;
  if (constructed) {
    const children: Asn1Node[] = [];
    const stop = ix.next(i);
    for (let c = i + 1; c < stop; c = ix.next(c)) children.push(buildNode(ix, c));
    node.children = children;
    if (tagClass === 'universal' && tagNumber === 16) {
      const cert = certificateOf(node, b);
      if (cert) node.certificate = cert;
    }
    return node;
  }
  const value = b.subarray(v, v + length);
  node.value = value;
  if (tagClass !== 'universal') return node;
  switch (tagNumber) {
    case 1: node.boolean = value[0] !== 0; break;
    case 2: case 10: node.integer = bigintOf(value); break;
    case 3: node.bitString = { unusedBits: value[0] ?? 0, bytes: value.subarray(1) }; break;
    case 6: node.oid = oidText(value); break;
    case 12: node.text = utf8.decode(value); break;
    case 19: case 20: case 22: case 26: node.text = latin1.decode(value); break;
    case 23: case 24: {
      const t = latin1.decode(value);
      node.text = t;
      const iso = timeIso(t, tagNumber === 23);
      if (iso) node.time = iso;
      if (t === '99991231235959Z') node.special = 'cancel';
      break;
    }
  }
  return node;
}

function nameText(n: Asn1Node | undefined): string {
  if (!n?.children) return '';
  const parts: string[] = [];
  for (const rdn of n.children) {
    for (const atv of rdn.children ?? []) {
      const [t, val] = atv.children ?? [];
      if (!t?.oid || !val) continue;
      const key = OID_NAMES[t.oid] ?? t.oid;
      const text = val.text ?? (val.bitString ? toHex(val.bitString.bytes) : val.value ? toHex(val.value) : '');
      parts.push(`${key}=${text}`);
    }
  }
  return parts.join(', ');
}

/** X.509: SEQUENCE { tbs SEQUENCE { [0] version, serial, sigAlg, issuer, validity, subject, spki, ... }, sigAlg, BIT STRING }. */
function certificateOf(n: Asn1Node, b: Uint8Array): CertificateSummary | undefined {
  const [tbs, alg, sig] = n.children!;
  if (n.children!.length !== 3 || tbs?.typeName !== 'SEQUENCE' || alg?.typeName !== 'SEQUENCE' || sig?.typeName !== 'BIT STRING') return undefined;
  const f = tbs.children ?? [];
  const k = f[0]?.tag === 0xa0 ? 1 : 0;
  const serial = f[k];
  const validity = f[k + 3];
  if (serial?.integer === undefined || validity?.typeName !== 'SEQUENCE' || validity.children?.length !== 2) return undefined;
  const end = n.offset + headerLength(n) + n.length;
  return {
    serial: toHex(serial.value!),
    issuer: nameText(f[k + 2]),
    subject: nameText(f[k + 4]),
    notBefore: validity.children[0]!.time ?? validity.children[0]!.text ?? '',
    notAfter: validity.children[1]!.time ?? validity.children[1]!.text ?? '',
    der: b.subarray(n.offset, end),
  };
}

function headerLength(n: Asn1Node): number {
  return (n.identifier?.length ?? 1) + (n.lengthWidth ?? minBerWidth(n.length));
}

// ---- GBCS structure names ----

/** Positional field names; a child schema applies to a constructed field. */
interface Schema { readonly name: string; readonly fields?: readonly Schema[]; readonly tag?: number; readonly of?: Schema }

const f = (name: string, fields?: Schema[], tag?: number): Schema => ({ name, ...(fields ? { fields } : {}), ...(tag !== undefined ? { tag } : {}) });

const of = (name: string, item: Schema): Schema => ({ name, of: item });

const cellId = (name: string, tag?: number) => f(name, [f('remotePartyRole'), f('keyUsage'), f('cellUsage')], tag);
const credentialsDetails = f('credentialsDetails', [
  f('originatorCounter'),
  f('remotePartyRole'),
  of('seqNumberResults', f('seqNumberResult', [f('remotePartyRole'), f('result')])),
  of('certificateResults', f('certificateResult', [
    cellId('trustAnchorCellIdentifier'), f('replacementResult'), f('priorEntityIdentifier'), f('priorSubjectKeyIdentifier'),
    f('newEntityIdentifier'), f('newSubjectKeyIdentifier'),
  ])),
]);
const CS02B = [0x0100, 0x0101, 0x0102, 0x0103, 0x0104, 0x0105, 0x0106, 0x0107, 0x0108, 0x0109, 0x0124, 0x0125, 0x0126];
const CS03 = [0x000d, 0x000e, 0x00ab, 0x00af];
const CS04 = [0x000f, 0x0010];
const activateFirmwareResponse = f('activateFirmwareResponse', [f('responseCode'), f('firmwareVersion')]);

/**
 * GBCS structures by message code and CRA (GBCS.md 3.4, 5.3-5.5, and the RTDS layouts).
 * Fields are matched in order; a field with `tag` is skipped when the element has
 * another identifier (OPTIONAL); `rootTag` picks between a use case's alternative
 * replies. Names follow the GBCS ASN.1 module where GBCS.md gives them; the CS02b
 * reply/alert detail names are descriptive, inferred from the RTDS content.
 */
const STRUCTURES: { codes: number[]; cra: 1 | 2 | 3; rootTag?: number; name: string; schema: Schema }[] = [
  { codes: [0x0012], cra: 1, name: 'CS06 activate firmware command', schema: f('activateFirmware', [f('manufacturerImageHash'), f('originatorCounter'), f('executionDateTime', undefined, 0x18)]) },
  { codes: [0x0012], cra: 2, rootTag: 0x30, name: 'CS06 activate firmware response', schema: activateFirmwareResponse },
  { codes: [0x0012], cra: 2, rootTag: 0x05, name: 'CS06 future-dated/cancel accepted', schema: f('accepted') },
  { codes: [0x00ca], cra: 3, name: 'CS06 future-dated firmware activation alert', schema: f('futureDatedAlert', [f('alertCode'), f('executionDateTime'), f('originatorCounter'), activateFirmwareResponse]) },
  { codes: [0x0129], cra: 1, name: 'CS08 read firmware version command', schema: f('readFirmwareVersion') },
  { codes: [0x0129], cra: 2, name: 'CS08 read firmware version response', schema: f('firmwareVersionResponse', [f('firmwareVersion'), f('responseCode')]) },
  { codes: [0x012b], cra: 3, name: 'CS09 firmware version alert', schema: f('firmwareVersionAlert', [f('alertCode'), f('dateTime'), f('firmwareVersion'), f('responseCode')]) },
  { codes: [0x0128], cra: 3, name: 'CCS08 firmware transfer alert', schema: f('firmwareTransferAlert', [f('alertCode'), f('dateTime'), f('targetDevice'), f('firmwareVersion'), f('responseCode')]) },
  {
    codes: CS02B, cra: 1, name: 'CS02b update security credentials command',
    schema: f('updateSecurityCredentials', [
      f('authorisingRemotePartyControl', [
        f('remotePartyRole'), cellId('authorisingRemotePartyTAcellIdentifier', 0xa2), f('authorisingRemotePartySeqNumber', undefined, 0x83),
        f('newRemotePartyFloorSeqNumber', undefined, 0x84), f('newRemotePartyPrepaymentTopUpFloorSeqNumber', undefined, 0xa5),
      ]),
      of('replacements', f('certificateReplacement', [f('replacementCertificate'), cellId('targetTrustAnchorCellIdentifier')])),
      of('certificationPathCertificates', f('certificate')),
      f('executionDateTime', undefined, 0x18),
    ]),
  },
  { codes: CS02B, cra: 2, name: 'CS02b update security credentials response', schema: f('updateSecurityCredentialsResponse', [f('executionOutcome'), credentialsDetails]) },
  { codes: [0x00cb], cra: 3, name: 'CS02b future-dated security credentials alert', schema: f('futureDatedAlert', [f('alertCode'), f('executionDateTime'), credentialsDetails]) },
  { codes: [0x000b], cra: 1, name: 'CS02d update device certificate command', schema: f('deviceCertificate') },
  { codes: [0x000b, 0x000c], cra: 2, rootTag: 0x02, name: 'CS02d/e response code', schema: f('responseCode') },
  { codes: [0x000c], cra: 1, name: 'CS02e provide device certificate command', schema: f('provideDeviceCertificate', [f('keyUsage')]) },
  { codes: [0x000c], cra: 2, rootTag: 0x30, name: 'CS02e device certificate', schema: f('deviceCertificate') },
  { codes: CS03, cra: 1, name: 'CS03 join command', schema: f('join', [f('joinMethodAndRole'), f('otherDeviceEntityIdentifier'), f('otherDeviceType')]) },
  { codes: CS03, cra: 2, name: 'CS03 join response', schema: f('joinResponseCode') },
  { codes: CS04, cra: 1, name: 'CS04 unjoin command', schema: f('otherDeviceEntityIdentifier') },
  { codes: CS04, cra: 2, name: 'CS04 unjoin response', schema: f('unjoinResponseCode') },
  { codes: [0x007f], cra: 1, name: 'GCS28 set clock command', schema: f('setClock', [f('validityIntervalStart'), f('validityIntervalEnd')]) },
  { codes: [0x007f], cra: 2, name: 'GCS28 set clock response', schema: f('setClockResponse', [f('deviceDateTime'), f('responseCode')]) },
  { codes: [0x008c], cra: 1, name: 'GCS59 restore GPF device log command', schema: f('restoreDeviceLog', [of('deviceLogEntries', f('deviceLogEntry', [f('deviceIdentifier'), f('deviceType')]))]) },
  { codes: [0x008c], cra: 2, name: 'GCS59 restore GPF device log response', schema: f('restoreDeviceLogResponse', [of('deviceLogResults', f('deviceLogResult', [f('deviceLogEntry', [f('deviceIdentifier'), f('deviceType')]), f('result')]))]) },
];

function nameTree(n: Asn1Node, s: Schema): Asn1Node {
  const named: { -readonly [K in keyof Asn1Node]: Asn1Node[K] } = { ...n, name: s.name };
  if (n.children && s.of) {
    named.children = n.children.map((c) => nameTree(c, s.of!));
  } else if (n.children && s.fields) {
    const kids: Asn1Node[] = [];
    let k = 0;
    for (const c of n.children) {
      while (k < s.fields.length && s.fields[k]!.tag !== undefined && s.fields[k]!.tag !== c.tag) k++;
      const fs = s.fields[k++];
      kids.push(fs ? nameTree(c, fs) : c);
    }
    named.children = kids;
  }
  return named;
}

export function buildAsn1(ix: NodeIndex, messageCode: number, craFlag: number): Asn1Payload {
  let root = buildNode(ix, 0);
  const st = STRUCTURES.find((s) => s.cra === craFlag && s.codes.includes(messageCode) && (s.rootTag === undefined || s.rootTag === root.tag));
  if (st) root = nameTree(root, st.schema);
  return { format: 'ASN.1', type: 'asn1', ...(st ? { structure: st.name } : {}), root };
}

/** Decodes one DER value filling `bytes` exactly. */
export function decodeDer(bytes: Uint8Array): Asn1Node {
  return buildNode(walkNodes(bytes, L.W_DER, false), 0);
}

function writeNode(w: ByteWriter, n: Asn1Node, depth: number): void {
  if (depth > L.MAX_DEPTH) throw new GbcsEncodeError('ASN.1', `nesting deeper than ${L.MAX_DEPTH}`);
  let contents: Uint8Array;
  if (n.constructed) {
    const inner = new ByteWriter();
    for (const c of n.children ?? []) writeNode(inner, c, depth + 1);
    contents = inner.finish();
  } else {
    if (!n.value) throw new GbcsEncodeError(`ASN.1 ${n.typeName}`, 'a primitive node needs `value` bytes');
    contents = n.value;
  }
  if (n.identifier) w.bytes(n.identifier);
  else w.u8(n.tag);
  w.ber(contents.length, n.lengthWidth).bytes(contents);
}

export function encodeDer(n: Asn1Node): Uint8Array {
  const w = new ByteWriter();
  writeNode(w, n, 1);
  return w.finish();
}
