// ZCL payloads inside GBZ components (GBCS.md 3.3; little-endian). Global commands
// (read attributes and its response, write attributes, default response) are decoded
// field by field with attribute, status and type names; cluster-specific Smart Energy
// commands are named and kept as their payload bytes. Also used by the security
// module on decrypted plaintext.
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';
import { MAX_DEPTH } from '../wasm/layout.js';
import { ZCL_ATTRIBUTES, ZCL_STATUS, secondsSince2000, zclCommandName } from './names.js';
import { ByteWriter } from './writer.js';

export interface ZclHeader {
  readonly frameControl: number;
  readonly frameType: 'global' | 'cluster-specific';
  readonly manufacturerSpecific: boolean;
  readonly direction: 'client-to-server' | 'server-to-client';
  readonly disableDefaultResponse: boolean;
  readonly sequenceNumber: number;
  readonly commandId: number;
  readonly commandName?: string;
}

export function zclHeader(clusterId: number, frameControl: number, sequenceNumber: number, commandId: number): ZclHeader {
  const name = zclCommandName(clusterId, frameControl, commandId);
  const h: { -readonly [K in keyof ZclHeader]: ZclHeader[K] } = {
    frameControl,
    frameType: (frameControl & 0x03) === 0 ? 'global' : 'cluster-specific',
    manufacturerSpecific: (frameControl & 0x04) !== 0,
    direction: (frameControl & 0x08) !== 0 ? 'server-to-client' : 'client-to-server',
    disableDefaultResponse: (frameControl & 0x10) !== 0,
    sequenceNumber,
    commandId,
  };
  if (name) h.commandName = name;
  return h;
}

/** A typed ZCL attribute value. `raw` holds its exact encoding (value bytes after the type). */
export interface ZclValue {
  readonly dataType: number;
  readonly dataTypeName: string;
  readonly value: number | bigint | boolean | string | Uint8Array | null | ZclValue[];
  /** ISO text of UTCTime values (seconds since 2000-01-01T00:00Z). */
  readonly iso?: string;
  readonly raw: Uint8Array;
}

export interface ZclAttributeId { readonly id: number; readonly name?: string }
export interface ZclReadRecord extends ZclAttributeId {
  readonly status: number;
  readonly statusName: string;
  readonly value?: ZclValue;
}
export interface ZclWriteRecord extends ZclAttributeId { readonly value: ZclValue }
export interface ZclStatusRecord { readonly status: number; readonly statusName: string; readonly id?: number; readonly name?: string }

export type ZclCommand =
  | { readonly command: 'read-attributes'; readonly attributes: ZclAttributeId[] }
  | { readonly command: 'read-attributes-response'; readonly records: ZclReadRecord[] }
  | { readonly command: 'write-attributes' | 'write-attributes-undivided' | 'write-attributes-no-response'; readonly records: ZclWriteRecord[] }
  | { readonly command: 'write-attributes-response'; readonly records: ZclStatusRecord[] }
  | { readonly command: 'default-response'; readonly commandId: number; readonly status: number; readonly statusName: string }
  /** Cluster-specific (and other global) commands: named, payload kept as bytes. */
  | { readonly command: 'other'; readonly name?: string; readonly payload: Uint8Array };

const TYPE_NAMES: Record<number, string> = {
  0x00: 'nodata', 0x10: 'bool', 0x30: 'enum8', 0x31: 'enum16', 0x38: 'semi', 0x39: 'single', 0x3a: 'double',
  0x41: 'octstr', 0x42: 'string', 0x43: 'octstr16', 0x44: 'string16', 0x48: 'array', 0x4c: 'struct', 0x50: 'set',
  0x51: 'bag', 0xe0: 'ToD', 0xe1: 'date', 0xe2: 'UTC', 0xe8: 'clusterId', 0xe9: 'attribId', 0xea: 'bacOID',
  0xf0: 'EUI64', 0xf1: 'key128', 0xff: 'unk',
};
for (let i = 1; i <= 8; i++) {
  TYPE_NAMES[0x07 + i] = `data${8 * i}`;
  TYPE_NAMES[0x17 + i] = `map${8 * i}`;
  TYPE_NAMES[0x1f + i] = `uint${8 * i}`;
  TYPE_NAMES[0x27 + i] = `int${8 * i}`;
}

/** Fixed size of a ZCL type, -1 for variable (strings, collections), -2 for unknown types. */
function zclSize(t: number): number {
  if (t === 0x00 || t === 0xff) return 0;
  if (t >= 0x08 && t <= 0x0f) return t - 0x07;
  if (t === 0x10 || t === 0x30) return 1;
  if (t >= 0x18 && t <= 0x1f) return t - 0x17;
  if (t >= 0x20 && t <= 0x27) return t - 0x1f;
  if (t >= 0x28 && t <= 0x2f) return t - 0x27;
  if (t === 0x31 || t === 0x38 || t === 0xe8 || t === 0xe9) return 2;
  if (t === 0x39 || t === 0xe0 || t === 0xe1 || t === 0xe2 || t === 0xea) return 4;
  if (t === 0x3a || t === 0xf0) return 8;
  if (t === 0xf1) return 16;
  if (t === 0x41 || t === 0x42 || t === 0x43 || t === 0x44 || t === 0x48 || t === 0x4c || t === 0x50 || t === 0x51) return -1;
  return -2;
}

class ZclReader {
  p = 0;
  constructor(readonly b: Uint8Array, readonly base: number) {}
  need(n: number, what: string): void {
    if (this.p + n > this.b.length) throw new GbcsDecodeError('truncated', this.base + this.b.length, `${what} (${n} bytes at ZCL payload offset ${this.p})`);
  }
  u8(what: string): number { this.need(1, what); return this.b[this.p++]!; }
  u16(what: string): number { this.need(2, what); const v = this.b[this.p]! | (this.b[this.p + 1]! << 8); this.p += 2; return v; }
  take(n: number, what: string): Uint8Array { this.need(n, what); const v = this.b.subarray(this.p, this.p + n); this.p += n; return v; }
}

// Character strings are read byte-for-byte (latin1): devices put raw identifiers in them.
const latin1 = new TextDecoder('latin1');

function readValue(r: ZclReader, type: number, depth: number): ZclValue {
  if (depth > MAX_DEPTH) throw new GbcsDecodeError('nesting-too-deep', r.base + r.p, `ZCL values nested at most ${MAX_DEPTH} levels deep`);
  const start = r.p;
  const size = zclSize(type);
  const dataTypeName = TYPE_NAMES[type] ?? `0x${type.toString(16)}`;
  if (size === -2) throw new GbcsDecodeError('zcl-data-type', r.base + r.p - 1, 'a ZCL data type (Cluster Library table 2-10)', `0x${type.toString(16)}`);
  let value: ZclValue['value'];
  let iso: string | undefined;
  if (size >= 0) {
    const v = r.take(size, `ZCL ${dataTypeName} value`);
    const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
    if (size === 0) value = null;
    else if (type === 0x10) value = v[0] === 0xff ? null : v[0] !== 0;
    else if (type === 0x39) value = dv.getFloat32(0, true);
    else if (type === 0x3a) value = dv.getFloat64(0, true);
    else if (type === 0xf0 || type === 0xf1 || type === 0x38 || (type >= 0x08 && type <= 0x0f)) value = v;
    else {
      let n = 0n;
      for (let i = size - 1; i >= 0; i--) n = (n << 8n) | BigInt(v[i]!);
      if (type >= 0x28 && type <= 0x2f && (v[size - 1]! & 0x80) !== 0) n -= 1n << BigInt(8 * size);
      value = size <= 6 ? Number(n) : n;
      if (type === 0xe2) iso = secondsSince2000(Number(n));
    }
  } else if (type >= 0x41 && type <= 0x44) {
    const long = type >= 0x43;
    const len = long ? r.u16('ZCL string length') : r.u8('ZCL string length');
    // 0xFF / 0xFFFF marks an invalid (absent) string: no bytes follow.
    const invalid = len === (long ? 0xffff : 0xff);
    const bytes = invalid ? new Uint8Array(0) : r.take(len, 'ZCL string');
    value = invalid ? null : type === 0x42 || type === 0x44 ? latin1.decode(bytes) : bytes;
  } else {
    const items: ZclValue[] = [];
    if (type === 0x4c) {
      const n = r.u16('ZCL structure count');
      for (let i = 0; i < n && n !== 0xffff; i++) items.push(readValue(r, r.u8('ZCL element type'), depth + 1));
    } else {
      const et = r.u8('ZCL array element type');
      const n = r.u16('ZCL array count');
      for (let i = 0; i < n && n !== 0xffff; i++) items.push(readValue(r, et, depth + 1));
    }
    value = items;
  }
  const out: { -readonly [K in keyof ZclValue]: ZclValue[K] } = { dataType: type, dataTypeName, value, raw: r.b.subarray(start, r.p) };
  if (iso) out.iso = iso;
  return out;
}

const statusName = (s: number) => ZCL_STATUS[s] ?? `0x${s.toString(16).padStart(2, '0')}`;
function attr(clusterId: number, id: number): ZclAttributeId {
  const name = ZCL_ATTRIBUTES[clusterId]?.[id];
  return name ? { id, name } : { id };
}

const WRITE_KINDS: Record<number, 'write-attributes' | 'write-attributes-undivided' | 'write-attributes-no-response'> = {
  0x02: 'write-attributes', 0x03: 'write-attributes-undivided', 0x05: 'write-attributes-no-response',
};

/**
 * Decodes a clear ZCL payload (after the 3-byte ZCL header) for the given cluster and
 * header. Error offsets are `offsetBase` + the position in `payload`.
 */
export function decodeZclPayload(
  payload: Uint8Array,
  header: { clusterId: number; frameControl: number; commandId: number },
  offsetBase = 0,
): ZclCommand {
  const { clusterId, frameControl, commandId } = header;
  const r = new ZclReader(payload, offsetBase);
  let out: ZclCommand;
  if ((frameControl & 0x03) !== 0 || (frameControl & 0x04) !== 0) {
    const name = zclCommandName(clusterId, frameControl, commandId);
    return { command: 'other', ...(name ? { name } : {}), payload };
  }
  switch (commandId) {
    case 0x00: {
      const attributes: ZclAttributeId[] = [];
      while (r.p < payload.length) attributes.push(attr(clusterId, r.u16('attribute id')));
      out = { command: 'read-attributes', attributes };
      break;
    }
    case 0x01: {
      const records: ZclReadRecord[] = [];
      while (r.p < payload.length) {
        const a = attr(clusterId, r.u16('attribute id')) as { -readonly [K in keyof ZclReadRecord]: ZclReadRecord[K] };
        const status = r.u8('attribute status');
        a.status = status;
        a.statusName = statusName(status);
        if (status === 0) a.value = readValue(r, r.u8('attribute data type'), 1);
        records.push(a);
      }
      out = { command: 'read-attributes-response', records };
      break;
    }
    case 0x02: case 0x03: case 0x05: {
      const records: ZclWriteRecord[] = [];
      while (r.p < payload.length) {
        const a = attr(clusterId, r.u16('attribute id'));
        records.push({ ...a, value: readValue(r, r.u8('attribute data type'), 1) });
      }
      out = { command: WRITE_KINDS[commandId]!, records };
      break;
    }
    case 0x04: {
      const records: ZclStatusRecord[] = [];
      // A single SUCCESS status byte means every write succeeded.
      if (payload.length === 1) records.push({ status: r.u8('status'), statusName: statusName(payload[0]!) });
      else while (r.p < payload.length) {
        const status = r.u8('status');
        const a = attr(clusterId, r.u16('attribute id'));
        records.push({ status, statusName: statusName(status), ...a });
      }
      out = { command: 'write-attributes-response', records };
      break;
    }
    case 0x0b: {
      const cmd = r.u8('command id');
      const status = r.u8('status');
      out = { command: 'default-response', commandId: cmd, status, statusName: statusName(status) };
      break;
    }
    default: {
      const name = zclCommandName(clusterId, frameControl, commandId);
      return { command: 'other', ...(name ? { name } : {}), payload };
    }
  }
  if (r.p !== payload.length) throw new GbcsDecodeError('payload-trailing-bytes', offsetBase + r.p, `end of the ZCL ${out.command} payload`);
  return out;
}

function writeValue(w: ByteWriter, v: ZclValue, what: string): void {
  if (!(v.raw instanceof Uint8Array)) throw new GbcsEncodeError(what, 'ZCL values are encoded from `raw` (their exact bytes)');
  w.bytes(v.raw);
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
          writeValue(w, a.value, `ZCL attribute 0x${a.id.toString(16)}`);
        }
      }
      break;
    case 'write-attributes': case 'write-attributes-undivided': case 'write-attributes-no-response':
      for (const a of c.records) {
        w.u16le(a.id).u8(a.value.dataType);
        writeValue(w, a.value, `ZCL attribute 0x${a.id.toString(16)}`);
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
    case 'other':
      w.bytes(c.payload);
      break;
  }
  return w.finish();
}

