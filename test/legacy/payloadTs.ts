// The TypeScript payload encoders replaced by the core's payload programs (issue 17),
// kept verbatim as the comparison reference (test/payload-encode-core.test.ts compares
// them with the core over the whole RTDS set) and as the bench baseline (bench/encode.mjs).
// Not shipped.
import { encodeDateTime } from '../../src/dateTime.js';
import { GbcsEncodeError } from '../../src/errors.js';
import * as L from '../../src/wasm/layout.js';
import { DLMS_TYPE_TAGS, type DlmsData, type DlmsInteger, type DlmsString, type DlmsTypeDescription } from '../../src/payload/dlmsData.js';
import type { DlmsApdu, DlmsRequestSpec } from '../../src/payload/dlms.js';
import { encodeObis } from '../../src/payload/obis.js';
import { SPEC_KINDS } from '../../src/payload/names.js';
import type { GbzPayload } from '../../src/payload/gbz.js';
import type { ZclCommand, ZclFieldValue, ZclValue } from '../../src/payload/zcl.js';
import { ZCL_FIELD_WIDTH } from '../../src/payload/zclCommands.js';
import type { DecodedPayload } from '../../src/payload/index.js';
import { encodeDer } from '../../src/payload/asn1.js';

export class ByteWriter {
  private buf = new Uint8Array(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }

  u8(v: number): this {
    this.room(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }
  u16be(v: number): this {
    return this.u8(v >>> 8).u8(v);
  }
  u16le(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }
  u32be(v: number): this {
    return this.u16be(v >>> 16).u16be(v & 0xffff);
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  /**
   * A BER / A-XDR length. `width` (total bytes, 1-5) reproduces a non-minimal form seen
   * on decode; by default the minimal form is written (issue 19: 5 bytes, `84 xx xx xx
   * xx`, only for lengths of 2^24 or more unless a recorded width asks for it). Callers
   * that must stay within GBCS.md 1.2 (envelope: at most 3 length octets) check that
   * themselves.
   */
  ber(len: number, width?: number): this {
    if (len < 0 || !Number.isInteger(len) || len > 0xffffffff) throw new GbcsEncodeError('length', `${len} does not fit a BER length of up to 4 octets`);
    const min = minBerWidth(len);
    const w = width === undefined ? min : width;
    if (w < min || w > 5) throw new GbcsEncodeError('length', `${len} cannot be written in ${w} length bytes`);
    if (w === 1) return this.u8(len);
    this.u8(0x80 | (w - 1));
    for (let i = w - 2; i >= 0; i--) this.u8(Math.floor(len / 2 ** (8 * i)) & 0xff);
    return this;
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Minimal width of a BER length (to record only non-minimal widths on decode). */
export function minBerWidth(len: number): number {
  return len < 0x80 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : len < 0x1000000 ? 4 : 5;
}

function fail(d: DlmsData | DlmsTypeDescription, why: string): never {
  throw new GbcsEncodeError(`DLMS ${d.type}`, why);
}

function intRange(d: DlmsInteger, lo: number, hi: number): number {
  if (!Number.isInteger(d.value) || d.value < lo || d.value > hi) fail(d, `value ${d.value} outside ${lo}..${hi}`);
  return d.value;
}

function sized(d: DlmsData, bytes: Uint8Array | undefined, n: number): Uint8Array {
  if (!bytes || bytes.length !== n) fail(d, `needs exactly ${n} bytes`);
  return bytes;
}

/** Writes the value of `d` without its tag (compact-array rows and after the tag). */
function writeValue(w: ByteWriter, d: DlmsData, desc?: DlmsTypeDescription): void {
  if (desc && desc.type !== d.type) fail(d, `compact-array value does not match the type description (${desc.type})`);
  switch (d.type) {
    case 'null': return;
    case 'array': case 'structure': {
      if (desc) {
        if (desc.type === 'array' && desc.count !== d.items.length) fail(d, `compact-array row needs ${desc.count} elements`);
        if (desc.type === 'structure' && desc.items.length !== d.items.length) fail(d, `compact-array row needs ${desc.items.length} fields`);
        d.items.forEach((it, k) => writeValue(w, it, desc.type === 'array' ? desc.element : (desc as { items: DlmsTypeDescription[] }).items[k]));
        return;
      }
      w.ber(d.items.length, d.lengthWidth);
      for (const it of d.items) encodeInto(w, it);
      return;
    }
    case 'boolean': w.u8(d.raw ?? (d.value ? 1 : 0)); return;
    case 'bit-string': {
      const need = (d.bitCount + 7) >> 3;
      if (d.bytes.length !== need) fail(d, `${d.bitCount} bits need ${need} bytes`);
      w.ber(d.bitCount, d.lengthWidth).bytes(d.bytes);
      return;
    }
    case 'integer': w.u8(intRange(d, -128, 127)); return;
    case 'unsigned': case 'enum': case 'bcd': w.u8(intRange(d, 0, 255)); return;
    case 'long': w.u16be(intRange(d, -32768, 32767) & 0xffff); return;
    case 'long-unsigned': w.u16be(intRange(d, 0, 0xffff)); return;
    case 'double-long': w.u32be(intRange(d, -0x80000000, 0x7fffffff) >>> 0); return;
    case 'double-long-unsigned': w.u32be(intRange(d, 0, 0xffffffff)); return;
    case 'long64': case 'long64-unsigned': {
      const b = new Uint8Array(8);
      const dv = new DataView(b.buffer);
      const v = BigInt(d.value);
      if (d.type === 'long64') {
        if (v < -(2n ** 63n) || v >= 2n ** 63n) fail(d, 'outside the signed 64-bit range');
        dv.setBigInt64(0, v);
      } else {
        if (v < 0n || v >= 2n ** 64n) fail(d, 'outside the unsigned 64-bit range');
        dv.setBigUint64(0, v);
      }
      w.bytes(b);
      return;
    }
    case 'float32': case 'float64': {
      const n = d.type === 'float32' ? 4 : 8;
      if (d.bytes) { w.bytes(sized(d, d.bytes, n)); return; }
      const b = new Uint8Array(n);
      const dv = new DataView(b.buffer);
      if (n === 4) dv.setFloat32(0, d.value); else dv.setFloat64(0, d.value);
      w.bytes(b);
      return;
    }
    case 'octet-string': w.ber(d.bytes.length, d.lengthWidth).bytes(d.bytes); return;
    case 'visible-string': case 'utf8-string': {
      const bytes = d.bytes ?? (d.type === 'utf8-string' ? new TextEncoder().encode(d.value) : latin1Bytes(d));
      w.ber(bytes.length, d.lengthWidth).bytes(bytes);
      return;
    }
    case 'date-time': w.bytes(sized(d, d.bytes, 12)); return;
    case 'date': w.bytes(sized(d, d.bytes, 5)); return;
    case 'time': w.bytes(sized(d, d.bytes, 4)); return;
    case 'compact-array': {
      if (desc) fail(d, 'a compact-array cannot nest in a compact-array');
      writeTypeDescription(w, d.typeDescription, 0);
      const rows = new ByteWriter();
      for (const r of d.rows) writeValue(rows, r, d.typeDescription);
      const body = rows.finish();
      w.ber(body.length, d.lengthWidth).bytes(body);
      return;
    }
  }
}

function latin1Bytes(d: DlmsString): Uint8Array {
  const out = new Uint8Array(d.value.length);
  for (let i = 0; i < d.value.length; i++) {
    const c = d.value.charCodeAt(i);
    if (c > 0xff) fail(d, 'visible-string characters must be single bytes');
    out[i] = c;
  }
  return out;
}

function writeTypeDescription(w: ByteWriter, t: DlmsTypeDescription, depth: number): void {
  if (depth > L.MAX_DEPTH) fail(t, `type description nests deeper than ${L.MAX_DEPTH}`);
  const tag = DLMS_TYPE_TAGS[t.type];
  if (tag === undefined || (t.type as string) === 'compact-array') fail(t, 'not a compact-array element type');
  w.u8(tag);
  if (t.type === 'structure') {
    w.ber(t.items.length, t.lengthWidth);
    for (const it of t.items) writeTypeDescription(w, it, depth + 1);
  } else if (t.type === 'array') {
    w.u16be(t.count);
    writeTypeDescription(w, t.element, depth + 1);
  }
}

/** Appends the tagged encoding of `d`. */
export function encodeInto(w: ByteWriter, d: DlmsData): void {
  const tag = DLMS_TYPE_TAGS[d.type];
  if (tag === undefined) throw new GbcsEncodeError('DLMS Data', `unknown type ${JSON.stringify((d as { type: unknown }).type)}`);
  w.u8(tag);
  writeValue(w, d);
}

/** Encodes one A-XDR Data value (tag included). */
export function encodeDlmsData(d: DlmsData): Uint8Array {
  const w = new ByteWriter();
  encodeInto(w, d);
  return w.finish();
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

export function encodeGbz(g: GbzPayload): Uint8Array {
  const w = new ByteWriter();
  w.u16be(g.profileId ?? 0x0109).u8(g.componentCount ?? g.components.length);
  if (g.alert) {
    const a = g.alert;
    w.u16be(a.alertCode).u32be(a.time.seconds);
    const c = a.content;
    if (c.kind === 'future-dated') {
      w.u8(0x0e).u16be(c.messageCode);
      const cb = new Uint8Array(8);
      new DataView(cb.buffer).setBigUint64(0, BigInt(c.originatorCounter));
      w.bytes(cb).u16be(c.clusterId).u8(c.frameControl).u8(c.commandId);
    } else if (c.kind === 'firmware-hash') {
      if (c.hash.length !== 32) throw new GbcsEncodeError('GBZ alert hash', 'must be 32 bytes');
      w.u8(0x09).u8(0x20).bytes(c.hash);
    } else if (c.kind === 'code') {
      w.u16be(c.code);
    }
  }
  for (const comp of g.components) {
    const body = new ByteWriter();
    if (comp.fromDateTime) body.u32be(comp.fromDateTime.seconds);
    if (comp.encrypted) body.u8(comp.additionalHeader.control).u8(comp.additionalHeader.frameCounter);
    body.u8(comp.zcl.frameControl).u8(comp.zcl.sequenceNumber).u8(comp.zcl.commandId);
    if (comp.encrypted) body.u16be(comp.ciphertext.length).bytes(comp.ciphertext);
    else body.bytes(encodeZclPayload(comp.command));
    const bytes = body.finish();
    if (bytes.length > 0xffff) throw new GbcsEncodeError('GBZ component', 'longer than 65535 bytes');
    // The flags are derived from the content so the two cannot disagree.
    const control = (comp.control & ~0x12) | (comp.fromDateTime ? 0x10 : 0) | (comp.encrypted ? 0x02 : 0);
    w.u8(control).u16be(comp.clusterId).u16be(bytes.length).bytes(bytes);
  }
  return w.finish();
}


function writeZclValue(w: ByteWriter, v: ZclValue, what: string): void {
  if (!(v.raw instanceof Uint8Array)) throw new GbcsEncodeError(what, 'ZCL values are encoded from `raw` (their exact bytes)');
  w.bytes(v.raw);
}

const zclLatin1Bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

function writeFields(w: ByteWriter, fields: readonly ZclFieldValue[], what: string): void {
  for (const f of fields) {
    const at = `${what}.${f.name}`;
    if (f.type === 'repeat') {
      for (const e of f.entries ?? []) writeFields(w, e.fields, at);
      continue;
    }
    const v = f.value as unknown;
    switch (f.type) {
      case 'str': {
        if (v === null) { w.u8(0xff); break; }
        const bytes = typeof v === 'string' ? zclLatin1Bytes(v) : v;
        if (!(bytes instanceof Uint8Array) || bytes.length > 0xfe) throw new GbcsEncodeError(at, 'a ZCL string of at most 254 bytes (Uint8Array or text)');
        w.u8(bytes.length).bytes(bytes);
        break;
      }
      case 'zdate': case 'bytes':
        if (!(v instanceof Uint8Array) || (f.type === 'zdate' && v.length !== 4)) throw new GbcsEncodeError(at, f.type === 'zdate' ? '4 bytes' : 'bytes');
        w.bytes(v);
        break;
      default: {
        const width = ZCL_FIELD_WIDTH[f.type];
        if (typeof v !== 'number' || !Number.isInteger(v)) throw new GbcsEncodeError(at, `an integer (${f.type})`);
        const signed = f.type === 'i32';
        const lo = signed ? -(2 ** 31) : 0;
        const hi = signed ? 2 ** 31 - 1 : 2 ** (8 * width) - 1;
        if (v < lo || v > hi) throw new GbcsEncodeError(at, `${f.type} in ${lo}..${hi}, got ${v}`);
        let x = v < 0 ? v + 2 ** 32 : v;
        for (let i = 0; i < width; i++) {
          w.u8(x % 256);
          x = Math.floor(x / 256);
        }
      }
    }
  }
}

/** Encodes a ZCL payload (after the ZCL header). */
export function encodeZclPayload(c: ZclCommand): Uint8Array {
  const w = new ByteWriter();
  switch (c.command) {
    case 'read-attributes':
      for (const a of c.attributes) w.u16le(a.id);
      break;
    case 'read-attributes-response':
      for (const a of c.records) {
        w.u16le(a.id).u8(a.status);
        if (a.status === 0) {
          if (!a.value) throw new GbcsEncodeError('ZCL read record', `attribute 0x${a.id.toString(16)} with SUCCESS needs a value`);
          w.u8(a.value.dataType);
          writeZclValue(w, a.value, `ZCL attribute 0x${a.id.toString(16)}`);
        }
      }
      break;
    case 'write-attributes': case 'write-attributes-undivided': case 'write-attributes-no-response':
      for (const a of c.records) {
        w.u16le(a.id).u8(a.value.dataType);
        writeZclValue(w, a.value, `ZCL attribute 0x${a.id.toString(16)}`);
      }
      break;
    case 'write-attributes-response':
      for (const s of c.records) {
        w.u8(s.status);
        if (s.id !== undefined) w.u16le(s.id);
      }
      break;
    case 'default-response':
      w.u8(c.commandId).u8(c.status);
      break;
    case 'cluster-specific':
      writeFields(w, c.fields, `zcl.${c.clusterKey}.${c.key}`);
      break;
    case 'other':
      w.bytes(c.payload);
      break;
  }
  return w.finish();
}


/** encodePayload as it was before issue 17 (TypeScript ByteWriter). */
export function encodePayload(p: DecodedPayload): Uint8Array {
  switch (p.format) {
    case 'DLMS': return encodeDlmsApdu(p);
    case 'GBZ': return encodeGbz(p);
    default: return encodeDer(p.root);
  }
}
