// ASN.1 DER payloads (GBCS.md 3.4): a generic DER tree over the node index the WASM
// walker wrote, plus a schema applier. Use-case knowledge (field names, enumerations,
// named bits, DEFAULT values) is data in asn1Schemas.ts; this file knows only DER.
//
//   identifier  length            contents
//   [tag ...]   [len | 8n len..]  [length bytes]
//   ^ offset    (headerLength = identifier + length octets)
//
// Node shape (HOUSE.md "Payload trees"): every Asn1Node is created by one constructor
// with the same fields in the same order: tag, tagNumber, offset, length, headerLength,
// field (the schema component matched), private caches and the walk it came from;
// `children` are built from the walk's node index on first read (issue 12 item 2). `offset` is
// the frame offset of the identifier when the payload was decoded with an offsetBase
// (decodePayload, frame.payload), else the offset in the decoded bytes (decodeDer).
// Everything else (contents view, INTEGER value, names, enumeration names, OID text,
// hex, times, certificate summary) is a getter computed on first read.
//
// Bounds (issue 10, payload/limits.ts): the builder reserves the walked node count from
// the Budget and checks the nesting of the walked index before it allocates anything; the WASM walker
// already refused anything over its own limits (L.MAX_NODES, L.MAX_DEPTH). A DER node is
// at least 2 input bytes and the builder allocates one node object plus one children
// array per constructed node: DER_OBJECTS_PER_BYTE bounds objects per input byte.
//
// Decision (UNCONFIRMED in GBCS): OCTET STRINGs in the GBCS ASN.1 messages carry EUI-64s,
// key identifiers, hashes and firmware versions, never text (NAMES.md 4.2 lists no text
// octet string), so `text` is only given for character strings and times.
import { toHex } from '../bytes.js';
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';
import * as L from '../wasm/layout.js';
import { asn1StructureFor, valueName, type Asn1Field } from './asn1Schemas.js';
import { Budget, type DecodeLimits } from './limits.js';
import { NodeIndex, WalkSource, walkNodes } from './nodes.js';

const { NODE_WORDS, N_KIND, N_START, N_VALUE, N_END, N_NEXT, N_AUX } = L;
// Layout constants as module constants (a namespace read per use costs in hot loops).
const { E_BER_LENGTH, E_DER_LENGTH, E_DER_TAG, E_NESTING_TOO_DEEP, E_PAYLOAD_TRAILING, E_TOO_MANY_NODES, E_TRUNCATED, MAX_DEPTH, MAX_NODES } = L;
import { ByteWriter, minBerWidth } from './writer.js';
import { JSON_WRITE, jsonFragment, type JsonWriter } from './json.js';

export type Asn1Class = 'universal' | 'application' | 'context' | 'private';

/** Most objects the DER tree builder allocates per input byte (a node is >= 2 bytes; node + children array). */
export const DER_OBJECTS_PER_BYTE = 1;

/** Summary of an X.509 certificate: serial, subject, issuer, validity. */
export interface CertificateSummary {
  readonly serial: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** The whole certificate, DER. */
  readonly der: Uint8Array;
}

/** A DEFAULT component absent from the encoding (DER omits defaults), with its value. */
export interface Asn1Default {
  readonly name: string;
  readonly value: bigint;
  readonly valueName?: string;
}

const CLASSES: readonly Asn1Class[] = ['universal', 'application', 'context', 'private'];
const UNIVERSAL: Readonly<Record<number, string>> = {
  1: 'BOOLEAN', 2: 'INTEGER', 3: 'BIT STRING', 4: 'OCTET STRING', 5: 'NULL', 6: 'OBJECT IDENTIFIER', 10: 'ENUMERATED',
  12: 'UTF8String', 16: 'SEQUENCE', 17: 'SET', 19: 'PrintableString', 20: 'T61String', 22: 'IA5String', 23: 'UTCTime',
  24: 'GeneralizedTime', 26: 'VisibleString', 30: 'BMPString',
};
/** `,"tagClass":"..."` per class (JSON_WRITE). */
const TAG_CLASS_JSON: readonly string[] = CLASSES.map((c) => `,"tagClass":"${c}"`);
const J_NAME = jsonFragment(',"name":');
const J_RAW = jsonFragment(',"raw":');
const J_CHILDREN = jsonFragment(',"children":[');
const J_DEFAULTS = jsonFragment(',"defaults":');
const J_CERTIFICATE = jsonFragment(',"certificate":');
const J_VALUE = jsonFragment(',"value":');
const J_INTEGER = jsonFragment(',"integer":"');
const J_VALUE_NAME = jsonFragment(',"valueName":');
const J_BOOLEAN_TRUE = jsonFragment(',"boolean":true');
const J_BOOLEAN_FALSE = jsonFragment(',"boolean":false');
const J_OID = jsonFragment(',"oid":');
const J_OID_NAME = jsonFragment(',"oidName":');
const J_TEXT = jsonFragment(',"text":');
const J_TIME = jsonFragment(',"time":');
const J_SPECIAL_CANCEL = jsonFragment(',"special":"cancel"');
const J_BIT_STRING = jsonFragment(',"bitString":{"unusedBits":');
const J_BYTES = jsonFragment(',"bytes":');
const J_BITS = jsonFragment(',"bits":');
const J_LENGTH_WIDTH = jsonFragment(',"lengthWidth":');
/** JSON head per one-byte identifier (JSON_WRITE template): tag, tagClass, constructed, tagNumber, typeName. */
const DER_HEAD: (Uint8Array | undefined)[] = new Array(256).fill(undefined);
function derHead(tag: number): Uint8Array {
  const tn = tag & 0x1f;
  const c = tag >> 6;
  const typeName = c === 0 ? (UNIVERSAL[tn] ?? `UNIVERSAL ${tn}`) : c === 2 ? `[${tn}]` : `${CLASSES[c]!.toUpperCase()} ${tn}`;
  return (DER_HEAD[tag] = jsonFragment(`{"tag":${tag},"tagClass":"${CLASSES[c]}","constructed":${(tag & 0x20) !== 0},"tagNumber":${tn},"typeName":${JSON.stringify(typeName)}`));
}
/** OID names for X.509 content (RFC 5280, RFC 5480, X.520). */
export const OID_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.45': 'x500UniqueIdentifier',
  '1.2.840.10045.2.1': 'ecPublicKey', '1.2.840.10045.3.1.7': 'prime256v1', '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '2.5.29.14': 'subjectKeyIdentifier', '2.5.29.35': 'authorityKeyIdentifier', '2.5.29.15': 'keyUsage',
  '2.5.29.32': 'certificatePolicies', '2.5.29.17': 'subjectAltName', '2.5.29.19': 'basicConstraints',
  '1.2.840.113549.1.9.14': 'extensionRequest',
};

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');
const EMPTY = new Uint8Array(0);
const UNSET: unique symbol = Symbol('unset');

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
  if (v.length <= 6) {
    let n = 0;
    for (let i = 0; i < v.length; i++) n = n * 256 + v[i]!;
    if (v.length > 0 && (v[0]! & 0x80) !== 0) n -= 2 ** (8 * v.length);
    return BigInt(n);
  }
  let n = 0n;
  for (const b of v) n = (n << 8n) | BigInt(b);
  if ((v[0]! & 0x80) !== 0) n -= 1n << BigInt(8 * v.length);
  return n;
}

interface TimeValue {
  readonly text: string;
  readonly time: string | undefined;
}

/**
 * One DER element. Structural fields are plain properties; interpretations are getters
 * computed once on first read. Build trees with decodeDer / decodePayload, or by hand
 * with the derBuild.ts constructors; encodeDer writes them back.
 */
export class Asn1Node {
  /** Identifier octet (first byte). */
  declare readonly tag: number;
  /** Tag number (from the high-tag-number form when the identifier has more than one byte). */
  declare readonly tagNumber: number;
  /** Offset of the identifier: in the frame when decoded with an offsetBase, else in the decoded bytes. */
  declare readonly offset: number;
  /** Contents length. */
  declare readonly length: number;
  /** Identifier plus length octets. */
  declare readonly headerLength: number;
  /** The GBCS schema component this element matched (asn1Schemas.ts), when the structure is known. */
  declare readonly field: Asn1Field | undefined;
  // TS-private rather than #private, so inspecting or diffing a copy of a node (test
  // matchers, console) reads undefined instead of throwing on the getters. Fields are
  // `declare`d and assigned in the constructor, in this order: no class-field define step
  // per node (issue 12).
  /** Bytes the node was decoded from (`_start` >= 0), or the contents of a hand-built primitive (`_start` = -1). */
  declare private readonly _src: Uint8Array;
  declare private readonly _start: number;
  declare private _value: Uint8Array | undefined;
  declare private _cache: unknown;
  /** Children once built (given for hand-built nodes). */
  declare private _kids: Asn1Node[] | undefined;
  /** The walk a decoded node builds its children from, and its node index there. */
  declare private readonly _walk: WalkSource | undefined;
  declare private readonly _i: number;

  /** @internal Use decodeDer / decodePayload / derBuild.ts. */
  constructor(
    tag: number, tagNumber: number, offset: number, length: number, headerLength: number,
    children: Asn1Node[] | undefined, field: Asn1Field | undefined, src: Uint8Array, start: number,
    walk?: WalkSource, i = -1,
  ) {
    this.tag = tag;
    this.tagNumber = tagNumber;
    this.offset = offset;
    this.length = length;
    this.headerLength = headerLength;
    this.field = field;
    this._src = src;
    this._start = start;
    this._value = undefined;
    this._cache = UNSET;
    this._kids = children;
    this._walk = walk;
    this._i = i;
  }

  /**
   * Elements of a constructed encoding. Decision (issue 12 item 2): a decoded node builds
   * them from the walk's node index on first read (then cached), named from its schema
   * component as an eager build would; see DlmsNode for the stale-index rule.
   */
  get children(): Asn1Node[] | undefined {
    const k = this._kids;
    if (k !== undefined || this._walk === undefined || (this.tag & 0x20) === 0) return k;
    return (this._kids = childrenOf(this, this._walk, this._i));
  }
  /** A constructed encoding (decoded: by its identifier; hand-built: has children), without building them. */
  private _isList(): boolean {
    return this._walk !== undefined ? (this.tag & 0x20) !== 0 : this._kids !== undefined;
  }

  get tagClass(): Asn1Class {
    return CLASSES[this.tag >> 6]!;
  }
  get constructed(): boolean {
    return (this.tag & 0x20) !== 0;
  }
  /** 'SEQUENCE', 'INTEGER', '[0]', 'APPLICATION 3'... */
  get typeName(): string {
    const c = this.tag >> 6;
    if (c === 0) return UNIVERSAL[this.tagNumber] ?? `UNIVERSAL ${this.tagNumber}`;
    return c === 2 ? `[${this.tagNumber}]` : `${CLASSES[c]!.toUpperCase()} ${this.tagNumber}`;
  }
  /** GBCS field name where the structure is known. */
  get name(): string | undefined {
    return this.field?.name;
  }
  /** Why the element is deliberately kept as a blob (certificate, hash, signature), from the schema. */
  get raw(): string | undefined {
    return this.field?.raw;
  }
  /** Offset just past the element (same base as `offset`). */
  get end(): number {
    return this.offset + this.headerLength + this.length;
  }
  /** Identifier octets of a high-tag-number form (more than one byte). */
  get identifier(): Uint8Array | undefined {
    if ((this.tag & 0x1f) !== 0x1f || this._start < 0) return undefined;
    let e = this._start + 1;
    while (this._src[e++]! & 0x80);
    return this._src.subarray(this._start, e);
  }
  /** Non-minimal length width (bytes) seen on decode, kept for byte-exact encoding. */
  get lengthWidth(): number | undefined {
    const lw = this.headerLength - (this.identifier?.length ?? 1);
    return lw !== minBerWidth(this.length) ? lw : undefined;
  }
  /** Contents of a primitive encoding (a view of the decoded bytes). */
  get value(): Uint8Array | undefined {
    if (this._isList()) return undefined;
    if (this._value) return this._value;
    if (this._start < 0) return (this._value = this._src);
    const v = this._start + this.headerLength;
    return (this._value = this._src.subarray(v, v + this.length));
  }
  /** Contents as hex (primitive encodings). */
  get hex(): string | undefined {
    const v = this.value;
    return v ? toHex(v) : undefined;
  }

  private _universalOrImplicit(): number {
    if (this.tag >> 6 === 0) return this.tagNumber;
    const imp = this.field?.implicit;
    return imp === 'integer' ? 2 : imp === 'octets' ? 4 : -1;
  }
  /**
   * The interpretation cached on first read: one slot per node (a node has one kind), one
   * switch on the tag, no closure per read.
   */
  private _interpreted(): unknown {
    const c = this._cache;
    if (c !== UNSET) return c;
    let out: unknown;
    if (this._isList()) out = this.tag === 0x30 && this.children!.length === 3 ? certificateOf(this) : undefined;
    else {
      const v = this.value!;
      switch (this.tag) {
        case 0x06: out = oidText(v); break;
        case 0x0c: out = utf8.decode(v); break;
        case 0x13: case 0x14: case 0x16: case 0x1a: out = latin1.decode(v); break;
        case 0x17: case 0x18: {
          const text = latin1.decode(v);
          out = { text, time: timeIso(text, this.tag === 0x17) } satisfies TimeValue;
          break;
        }
        case 0x03: out = { unusedBits: v[0] ?? 0, bytes: v.subarray(1) }; break;
        default: {
          const t = this._universalOrImplicit();
          out = t === 2 || t === 10 ? bigintOf(v) : undefined;
        }
      }
    }
    this._cache = out;
    return out;
  }

  /** INTEGER / ENUMERATED value (also a context-tagged IMPLICIT INTEGER the schema names). */
  get integer(): bigint | undefined {
    if (this._isList()) return undefined;
    const t = this._universalOrImplicit();
    if (t !== 2 && t !== 10) return undefined;
    return this._interpreted() as bigint;
  }
  /** Name of the INTEGER / ENUMERATED value in the schema's table. */
  get valueName(): string | undefined {
    const f = this.field;
    if (!f?.values) return undefined;
    const n = this.integer;
    return n === undefined || n < -0x80000000n || n > 0xffffffffn ? undefined : valueName(f, Number(n));
  }
  get boolean(): boolean | undefined {
    return this.tag === 0x01 ? this.value![0] !== 0 : undefined;
  }
  get oid(): string | undefined {
    return this.tag === 0x06 ? (this._interpreted() as string) : undefined;
  }
  /** Short name of the OID (e.g. 'CN', 'ecdsa-with-SHA256'). */
  get oidName(): string | undefined {
    const o = this.oid;
    return o === undefined ? undefined : OID_NAMES[o];
  }
  private _timeValue(): TimeValue | undefined {
    if (this.tag !== 0x17 && this.tag !== 0x18) return undefined;
    return this._interpreted() as TimeValue;
  }
  /** Character strings, and times as written ("20300115090000Z"). */
  get text(): string | undefined {
    switch (this.tag) {
      case 0x0c: case 0x13: case 0x14: case 0x16: case 0x1a: return this._interpreted() as string;
      case 0x17: case 0x18: return this._timeValue()!.text;
      default: return undefined;
    }
  }
  /** GeneralizedTime / UTCTime as ISO-8601. */
  get time(): string | undefined {
    return this._timeValue()?.time;
  }
  /** 'cancel' for the GeneralizedTime 99991231235959Z (GBCS.md 3.4). */
  get special(): 'cancel' | undefined {
    return this.tag === 0x18 && this.text === '99991231235959Z' ? 'cancel' : undefined;
  }
  get bitString(): { readonly unusedBits: number; readonly bytes: Uint8Array } | undefined {
    if (this.tag !== 0x03) return undefined;
    return this._interpreted() as { readonly unusedBits: number; readonly bytes: Uint8Array };
  }
  /** Names of the set bits of a BIT STRING the schema names (X.509 numbering; `bitN` when unnamed). */
  get bits(): string[] | undefined {
    const names = this.field?.bits;
    const bs = this.bitString;
    if (!names || !bs) return undefined;
    const out: string[] = [];
    const total = bs.bytes.length * 8 - bs.unusedBits;
    for (let i = 0; i < total; i++) if (bs.bytes[i >> 3]! & (0x80 >> (i & 7))) out.push(names[i] ?? `bit${i}`);
    return out;
  }
  /** DEFAULT components of this SEQUENCE that the encoding omits, with their values. */
  get defaults(): Asn1Default[] | undefined {
    const fs = this.field?.fields;
    if (!fs || !this._isList()) return undefined;
    const kids = this.children!;
    let out: Asn1Default[] | undefined;
    for (const f of fs) {
      if (f.default === undefined || kids.some((c) => c.field === f)) continue;
      const vn = valueName(f, Number(f.default));
      (out ??= []).push(vn ? { name: f.name, value: f.default, valueName: vn } : { name: f.name, value: f.default });
    }
    return out;
  }
  /** X.509 certificate summary when this SEQUENCE is one. */
  get certificate(): CertificateSummary | undefined {
    if (this.tag !== 0x30 || this.children?.length !== 3) return undefined;
    return this._interpreted() as CertificateSummary | undefined;
  }
  /** The whole element as DER (a view of the decoded bytes; encoded for hand-built nodes). */
  get der(): Uint8Array {
    if (this._start >= 0) return this._src.subarray(this._start, this._start + this.headerLength + this.length);
    return encodeDer(this);
  }

  /** Node's util.inspect / console.log shows the JSON view (not the source bytes and schema). */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, unknown> {
    return this.toJSON();
  }

  /**
   * Writes JSON.stringify(toJSON()) straight into a JsonWriter (json.ts JSON_WRITE protocol,
   * issue 12 item 5): children written in place, contents hex from the decoded bytes, no
   * JSON-safe copy. Keep in step with toJSON() (test/json-writer.test.ts compares the two
   * on every RTDS frame).
   */
  [JSON_WRITE](w: JsonWriter): void {
    if (this._walk === undefined || (this.tag & 0x1f) === 0x1f) return this._writeGeneric(w);
    // A decoded node, one identifier byte: the head is one template per identifier, then
    // only the members its tag can have (the same members, in the same order, as toJSON).
    const tag = this.tag;
    w.frag(DER_HEAD[tag] ?? derHead(tag));
    const f = this.field;
    if (f !== undefined && f.name !== undefined) (w.frag(J_NAME), w.name(f.name));
    w.offsetLengthOpen(this.offset, this.length);
    if (f !== undefined && f.raw !== undefined) (w.frag(J_RAW), w.name(f.raw));
    if ((tag & 0x20) !== 0) {
      const kids = this.children!;
      w.frag(J_CHILDREN);
      for (let k = 0; k < kids.length; k++) {
        if (k > 0) w.byte(44);
        kids[k]![JSON_WRITE](w);
      }
      w.byte(93);
      if (f !== undefined && f.fields !== undefined) {
        const defs = this.defaults;
        if (defs !== undefined) (w.frag(J_DEFAULTS), w.value(defs));
      }
      if (tag === 0x30 && kids.length === 3) {
        const cert = this.certificate;
        if (cert !== undefined) (w.frag(J_CERTIFICATE), w.value(cert));
      }
    } else {
      const v = this._start + this.headerLength;
      w.frag(J_VALUE);
      w.hex(this._src, v, v + this.length);
      const ut = this._universalOrImplicit();
      if (ut === 2 || ut === 10) {
        w.frag(J_INTEGER);
        w.raw((this._interpreted() as bigint).toString());
        w.byte(34);
        if (f !== undefined && f.values !== undefined) {
          const vn = this.valueName;
          if (vn !== undefined) (w.frag(J_VALUE_NAME), w.name(vn));
        }
      }
      switch (tag) {
        case 0x01:
          w.frag(this._src[v] !== 0 ? J_BOOLEAN_TRUE : J_BOOLEAN_FALSE);
          break;
        case 0x06: {
          const oid = this._interpreted() as string;
          w.frag(J_OID);
          w.name(oid);
          const on = OID_NAMES[oid];
          if (on !== undefined) (w.frag(J_OID_NAME), w.name(on));
          break;
        }
        case 0x0c: case 0x13: case 0x14: case 0x16: case 0x1a:
          w.frag(J_TEXT);
          w.str(this._interpreted() as string);
          break;
        case 0x17: case 0x18: {
          const tv = this._interpreted() as TimeValue;
          w.frag(J_TEXT);
          w.str(tv.text);
          if (tv.time !== undefined) (w.frag(J_TIME), w.str(tv.time));
          if (tag === 0x18 && tv.text === '99991231235959Z') w.frag(J_SPECIAL_CANCEL);
          break;
        }
        case 0x03: {
          const bs = this.bitString!;
          w.frag(J_BIT_STRING);
          w.num(bs.unusedBits);
          w.frag(J_BYTES);
          w.hex(bs.bytes);
          w.byte(125);
          if (f !== undefined && f.bits !== undefined) {
            const bits = this.bits;
            if (bits !== undefined) (w.frag(J_BITS), w.value(bits));
          }
          break;
        }
      }
    }
    // One identifier byte: the length octets are headerLength - 1.
    const lw = this.headerLength - 1;
    if (lw !== minBerWidth(this.length)) w.fragNum(J_LENGTH_WIDTH, lw);
    w.byte(125);
  }

  /** JSON_WRITE of hand-built nodes and high-tag-number identifiers: every getter, in toJSON's order. */
  private _writeGeneric(w: JsonWriter): void {
    const tag = this.tag;
    w.raw('{"tag":');
    w.num(tag);
    w.raw(TAG_CLASS_JSON[tag >> 6]!);
    w.raw((tag & 0x20) !== 0 ? ',"constructed":true,"tagNumber":' : ',"constructed":false,"tagNumber":');
    w.num(this.tagNumber);
    w.key('typeName');
    w.str(this.typeName);
    const f = this.field;
    if (f !== undefined) {
      if (f.name !== undefined) (w.key('name'), w.str(f.name));
    }
    w.key('offset');
    w.num(this.offset);
    w.key('length');
    w.num(this.length);
    if (f !== undefined && f.raw !== undefined) (w.key('raw'), w.str(f.raw));
    const kids = this.children;
    if (kids !== undefined) {
      w.raw(',"children":[');
      for (let k = 0; k < kids.length; k++) {
        if (k > 0) w.byte(44);
        const c = kids[k] as unknown;
        if (c instanceof Asn1Node) c[JSON_WRITE](w);
        else if (c === undefined) w.raw('null');
        else w.value(c);
      }
      w.byte(93);
    }
    const defs = this.defaults;
    if (defs !== undefined) (w.key('defaults'), w.value(defs));
    const v = this.value;
    if (v !== undefined) (w.key('value'), w.hex(v));
    const int = this.integer;
    if (int !== undefined) {
      w.raw(',"integer":"');
      w.raw(int.toString());
      w.byte(34);
    }
    const vn = this.valueName;
    if (vn !== undefined) (w.key('valueName'), w.str(vn));
    if (tag === 0x01) w.raw(v![0] !== 0 ? ',"boolean":true' : ',"boolean":false');
    if (tag === 0x06) {
      const oid = this._interpreted() as string;
      w.key('oid');
      w.str(oid);
      const on = OID_NAMES[oid];
      if (on !== undefined) (w.key('oidName'), w.str(on));
    }
    const text = this.text;
    if (text !== undefined) (w.key('text'), w.str(text));
    const time = this.time;
    if (time !== undefined) (w.key('time'), w.str(time));
    if (tag === 0x18 && text === '99991231235959Z') w.raw(',"special":"cancel"');
    const bs = this.bitString;
    if (bs !== undefined) {
      w.raw(',"bitString":{"unusedBits":');
      w.num(bs.unusedBits);
      w.key('bytes');
      w.hex(bs.bytes);
      w.byte(125);
    }
    const bits = this.bits;
    if (bits !== undefined) (w.key('bits'), w.value(bits));
    const cert = this.certificate;
    if (cert !== undefined) (w.key('certificate'), w.value(cert));
    const id = this.identifier;
    if (id !== undefined) (w.key('identifier'), w.hex(id));
    const lw = this.lengthWidth;
    if (lw !== undefined) (w.key('lengthWidth'), w.num(lw));
    w.byte(125);
  }

  /** Plain JSON view: the structural fields and every interpretation that applies. */
  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = { tag: this.tag, tagClass: this.tagClass, constructed: this.constructed, tagNumber: this.tagNumber, typeName: this.typeName };
    const put = (k: string, v: unknown) => {
      if (v !== undefined) o[k] = v;
    };
    put('name', this.name);
    o.offset = this.offset;
    o.length = this.length;
    put('raw', this.raw);
    put('children', this.children);
    put('defaults', this.defaults);
    put('value', this.value);
    put('integer', this.integer);
    put('valueName', this.valueName);
    put('boolean', this.boolean);
    put('oid', this.oid);
    put('oidName', this.oidName);
    put('text', this.text);
    put('time', this.time);
    put('special', this.special);
    put('bitString', this.bitString);
    put('bits', this.bits);
    put('certificate', this.certificate);
    put('identifier', this.identifier);
    put('lengthWidth', this.lengthWidth);
    return o;
  }
}

/** A decoded ASN.1 payload (certificates and other DER content). */
export interface Asn1Payload {
  readonly format: 'ASN.1';
  readonly type: 'asn1';
  /** Title of the GBCS structure matched (e.g. "CS06 activate firmware command"), when known. */
  readonly structure?: string;
  readonly root: Asn1Node;
}

/** Node i without its children (built on first read); `field` is the schema component it matched. */
function makeNode(w: WalkSource, ix: NodeIndex, i: number, field: Asn1Field | undefined): Asn1Node {
  return makeAt(w, ix.w, ix.base + i * NODE_WORDS, i, field);
}

/** Node i, whose words start at `words[p]` (read straight from the index, no accessor per word). */
function makeAt(w: WalkSource, words: Int32Array, p: number, i: number, field: Asn1Field | undefined): Asn1Node {
  const start = words[p + N_START]!;
  const v = words[p + N_VALUE]!;
  return new Asn1Node(words[p + N_KIND]! & 0xff, words[p + N_AUX]! >>> 0, w.base + start, words[p + N_END]! - v, v - start, undefined, field, w.b, start, w, i);
}

/** The children of decoded node `n` (node i of its walk), each named from n's schema component. */
function childrenOf(n: Asn1Node, w: WalkSource, i: number): Asn1Node[] {
  const ix = w.index();
  const words = ix.w, base = ix.base;
  const field = n.field;
  const children: Asn1Node[] = [];
  const stop = words[base + i * NODE_WORDS + N_NEXT]!;
  const item = field?.of;
  const fs = item ? undefined : field?.raw === undefined ? field?.fields : undefined;
  let k = 0;
  for (let c = i + 1; c < stop; c = words[base + c * NODE_WORDS + N_NEXT]!) {
    const p = base + c * NODE_WORDS;
    let cf = item;
    if (fs) {
      const t = words[p + N_KIND]! & 0xff;
      // OPTIONAL / DEFAULT components carry their tag: skip those the element is not.
      while (k < fs.length && fs[k]!.tag !== undefined && fs[k]!.tag !== t) k++;
      cf = fs[k++];
    }
    children.push(makeAt(w, words, p, c, cf));
  }
  return children;
}

/**
 * Checks the nesting of a walked tree against the budget before anything is built: a
 * constructed node at depth d (the root is 1) holds children at d + 1, refused past
 * `maxDepth` ('too-deep' at the node's contents), in the order an eager build met them.
 */
function checkDepth(ix: NodeIndex, base: number, budget: Budget): void {
  const n = ix.count;
  // n nodes nest at most n deep: nothing to check when even that fits, or when the deepest
  // constructed node does; else find the first one past the limit, in build order.
  if (n + 1 <= budget.maxDepth || ix.deepest(0x20) + 1 <= budget.maxDepth) return;
  const ends: number[] = [];
  let sp = 0;
  for (let i = 0; i < n; i++) {
    while (sp > 0 && ends[sp - 1]! <= i) sp--;
    if ((ix.tag(i) & 0x20) === 0) continue;
    budget.depth(sp + 2, base + ix.value(i));
    ends[sp++] = ix.next(i);
  }
}

function buildTree(ix: NodeIndex, base: number, field: Asn1Field | undefined, limits?: DecodeLimits | Budget): Asn1Node {
  const budget = limits instanceof Budget ? limits : new Budget(limits);
  // Count before allocating: the walk already knows how many nodes the tree has and how deep it nests.
  budget.take(ix.count, base);
  checkDepth(ix, base, budget);
  return makeNode(new WalkSource(ix, base), ix, 0, field);
}

/**
 * The ASN.1 payload tree of a walked DER payload, named from the GBCS structure of the
 * message code and CRA flag (1 command, 2 response, 3 alert) when known. Offsets are
 * `offsetBase` + the position in the walked bytes.
 */
export function buildAsn1(ix: NodeIndex, messageCode: number, craFlag: number, offsetBase = 0, limits?: DecodeLimits | Budget): Asn1Payload {
  const st = asn1StructureFor(messageCode, craFlag, ix.tag(0));
  const root = buildTree(ix, offsetBase, st?.schema, limits);
  return st ? { format: 'ASN.1', type: 'asn1', structure: st.title, root } : { format: 'ASN.1', type: 'asn1', root };
}

// ---- one-pass decode in TypeScript (issue 12 item 2) ----
//
// Decision (issue 12 item 2, as for DLMS: dlmsData.ts DlmsWalk): a full payload decode
// (frame.payload.decoded, decodePayload) checks and builds the whole DER tree in one pass
// here instead of the WASM walk (assembly/der.ts) and children built from its index on first
// read: reading the tree to every node costs about half, the decode alone a little more.
// The checks are the WASM walker's, in its order, with its errors and offsets, nodes counted
// as it counts them (MAX_NODES, MAX_DEPTH), then the Budget's nesting rule of buildTree (a
// constructed element needs a level for its contents: 'too-deep' at the first such element
// past it, reported once the walk found nothing else, as before). test/der-walk.test.ts
// compares the two on every RTDS DER payload, seeded mutations and hostile payloads.

const NO_INDEX = /* @__PURE__ */ new Int32Array(0);

class DerWalk {
  readonly b: Uint8Array;
  readonly base: number;
  readonly s: WalkSource;
  nodes = 0;
  pos = 0;
  /** Contents position of the first constructed element whose contents would nest past MAX_DEPTH, or -1. */
  deepAt = -1;
  constructor(b: Uint8Array, base: number) {
    this.b = b;
    this.base = base;
    this.s = new WalkSource(new NodeIndex(b, NO_INDEX, 0, 0), base);
  }
  fail(code: number, pos: number): never {
    throw GbcsDecodeError.fromStatus(code, this.base + pos);
  }

  /** One DER element at p whose parent ends at `end` (assembly/der.ts derNode); `pos` is set past it. */
  node(p: number, end: number, depth: number, field: Asn1Field | undefined): Asn1Node {
    if (depth > MAX_DEPTH) this.fail(E_NESTING_TOO_DEEP, p);
    if (p >= end) this.fail(E_TRUNCATED, p);
    const b = this.b;
    const id = b[p]!;
    if (this.nodes >= MAX_NODES) this.fail(E_TOO_MANY_NODES, p);
    this.nodes++;
    let q = p + 1;
    let tagNumber = id & 0x1f;
    if (tagNumber === 0x1f) {
      tagNumber = 0;
      for (let i = 0; ; ) {
        if (q >= end) this.fail(E_TRUNCATED, q);
        const x = b[q++]!;
        tagNumber = (tagNumber << 7) | (x & 0x7f);
        if ((x & 0x80) === 0) break;
        if (++i === 4) this.fail(E_DER_TAG, p);
      }
    }
    if (q >= end) this.fail(E_TRUNCATED, q);
    // Definite length: short form or 81-83 (assembly/reader.ts berLength); 80 (indefinite) is not DER.
    const first = b[q]!;
    if (first === 0x80) this.fail(E_DER_LENGTH, q);
    let len = first;
    let lw = 1;
    if (first >= 0x80) {
      const n = first & 0x7f;
      if (n > 3) this.fail(E_BER_LENGTH, q);
      if (!(q + 1 <= end && n <= end - q - 1)) this.fail(E_TRUNCATED, end);
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[q + 1 + i]!;
      lw = n + 1;
    }
    q += lw;
    if (!(q <= end && len <= end - q)) this.fail(E_TRUNCATED, end);
    const v = q;
    const vEnd = q + len;
    let kids: Asn1Node[] | undefined;
    if ((id & 0x20) !== 0) {
      if (depth + 1 > MAX_DEPTH && this.deepAt < 0) this.deepAt = v;
      kids = [];
      // Each child named from this element's schema component (childrenOf).
      const item = field?.of;
      const fs = item ? undefined : field?.raw === undefined ? field?.fields : undefined;
      let k = 0;
      while (q < vEnd) {
        let cf = item;
        if (fs) {
          const t = b[q]!;
          // OPTIONAL / DEFAULT components carry their tag: skip those the element is not.
          while (k < fs.length && fs[k]!.tag !== undefined && fs[k]!.tag !== t) k++;
          cf = fs[k++];
        }
        kids.push(this.node(q, vEnd, depth + 1, cf));
        q = this.pos;
      }
    }
    this.pos = vEnd;
    return new Asn1Node(id, tagNumber >>> 0, this.base + p, len, v - p, kids, field, b, p, this.s, -1);
  }
}

/**
 * Decodes a whole DER payload from its bytes in one TypeScript pass (no WASM walk; see the
 * decision above): buildAsn1's tree, every element built, named from the GBCS structure of
 * the message code and CRA flag (1 command, 2 response, 3 alert) when known. `base` is the
 * frame offset of `b[0]`.
 */
export function decodeAsn1Bytes(b: Uint8Array, messageCode: number, craFlag: number, base = 0): Asn1Payload {
  const st = b.length > 0 ? asn1StructureFor(messageCode, craFlag, b[0]!) : undefined;
  const wk = new DerWalk(b, base);
  const root = wk.node(0, b.length, 1, st?.schema);
  if (wk.pos !== b.length) wk.fail(E_PAYLOAD_TRAILING, wk.pos);
  // buildTree's Budget: the node count fits (the walk's own limit); the nesting rule may not.
  if (wk.deepAt >= 0) new Budget().depth(MAX_DEPTH + 1, base + wk.deepAt);
  return st ? { format: 'ASN.1', type: 'asn1', structure: st.title, root } : { format: 'ASN.1', type: 'asn1', root };
}

/**
 * Decodes one DER value filling `bytes` exactly, named by `schema` when given (e.g.
 * CS06_SCHEMA from asn1Schemas.ts). Offsets are relative to `bytes` plus `offsetBase`.
 * Hostile input: past `limits` (default the shared MAX_NODES / MAX_DEPTH) a
 * GbcsDecodeError 'too-many-nodes' / 'too-deep' (or the walker's 'nesting-too-deep').
 */
export function decodeDer(bytes: Uint8Array, options: { schema?: Asn1Field; offsetBase?: number; limits?: DecodeLimits } = {}): Asn1Node {
  const base = options.offsetBase ?? 0;
  return buildTree(walkNodes(bytes, L.W_DER, false, base), base, options.schema, options.limits);
}

// ---- X.509 summary ----

function nameText(n: Asn1Node | undefined): string {
  if (!n?.children) return '';
  const parts: string[] = [];
  for (const rdn of n.children) {
    for (const atv of rdn.children ?? []) {
      const [t, val] = atv.children ?? [];
      const oid = t?.oid;
      if (!oid || !val) continue;
      const key = OID_NAMES[oid] ?? oid;
      const bs = val.bitString;
      const text = val.text ?? (bs ? toHex(bs.bytes) : (val.hex ?? ''));
      parts.push(`${key}=${text}`);
    }
  }
  return parts.join(', ');
}

/** X.509: SEQUENCE { tbs SEQUENCE { [0] version, serial, sigAlg, issuer, validity, subject, spki, ... }, sigAlg, BIT STRING }. */
function certificateOf(n: Asn1Node): CertificateSummary | undefined {
  const [tbs, alg, sig] = n.children!;
  if (tbs?.tag !== 0x30 || alg?.tag !== 0x30 || sig?.tag !== 0x03) return undefined;
  const f = tbs.children ?? [];
  const k = f[0]?.tag === 0xa0 ? 1 : 0;
  const serial = f[k];
  const validity = f[k + 3];
  if (serial?.tag !== 0x02 || validity?.tag !== 0x30 || validity.children?.length !== 2) return undefined;
  const [nb, na] = validity.children;
  return {
    serial: serial.hex!,
    issuer: nameText(f[k + 2]),
    subject: nameText(f[k + 4]),
    notBefore: nb!.time ?? nb!.text ?? '',
    notAfter: na!.time ?? na!.text ?? '',
    der: n.der,
  };
}

// ---- Encoding ----

function writeNode(w: ByteWriter, n: Asn1Node, depth: number): void {
  if (depth > L.MAX_DEPTH) throw new GbcsEncodeError('ASN.1', `nesting deeper than ${L.MAX_DEPTH}`);
  let contents: Uint8Array;
  if (n.children) {
    const inner = new ByteWriter();
    for (const c of n.children) writeNode(inner, c, depth + 1);
    contents = inner.finish();
  } else {
    const v = n.value;
    if (!v) throw new GbcsEncodeError(`ASN.1 ${n.typeName}`, 'a primitive node needs `value` bytes');
    contents = v;
  }
  const id = n.identifier;
  if (id) w.bytes(id);
  else w.u8(n.tag);
  w.ber(contents.length, n.lengthWidth).bytes(contents);
}

/** DER of a decoded or hand-built tree (decode then encode gives the same bytes). */
export function encodeDer(n: Asn1Node): Uint8Array {
  const w = new ByteWriter();
  writeNode(w, n, 1);
  return w.finish();
}

/** @internal derBuild.ts: a hand-built node (single-byte identifier, minimal length). */
export function builtNode(tag: number, value: Uint8Array | undefined, children: Asn1Node[] | undefined): Asn1Node {
  let length = value?.length ?? 0;
  if (children) for (const c of children) length += c.headerLength + c.length;
  return new Asn1Node(tag, tag & 0x1f, 0, length, 1 + minBerWidth(length), children, undefined, value ?? EMPTY, -1);
}
