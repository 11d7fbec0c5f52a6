// A bounds-checked byte cursor for the fixed-layout typed views (firmware, boost log).
// It reads exactly the A-XDR, DER and ZCL shapes those messages use and names the
// expected value on failure; general payload trees are the payload module's job.
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';

export class Cursor {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    /** Absolute end (exclusive) of the region being read. */
    readonly end = bytes.length,
    /** Added to every error offset, so errors point into the enclosing frame. */
    readonly base = 0,
    /** Error code prefix, e.g. 'firmware' -> 'firmware-payload'. */
    readonly what = 'payload',
  ) {
    this.pos = start;
  }

  fail(expected: string, at = this.pos, detail?: string): never {
    throw new GbcsDecodeError(this.what, this.base + at, expected, detail);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, expected: string): void {
    if (this.end - this.pos < n) this.fail(expected, this.end, `${this.end - this.pos} byte(s) left, ${n} needed`);
  }

  u8(expected = 'a byte'): number {
    this.need(1, expected);
    return this.bytes[this.pos++]!;
  }

  /** Reads one byte and checks it. */
  expect(value: number, expected: string): void {
    const at = this.pos;
    const v = this.u8(expected);
    if (v !== value) this.fail(expected, at, `found 0x${v.toString(16).padStart(2, '0').toUpperCase()}`);
  }

  u16be(expected = 'a 16-bit value'): number {
    this.need(2, expected);
    const v = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u16le(expected = 'a 16-bit value'): number {
    this.need(2, expected);
    const v = this.bytes[this.pos]! | (this.bytes[this.pos + 1]! << 8);
    this.pos += 2;
    return v;
  }

  u32be(expected = 'a 32-bit value'): number {
    this.need(4, expected);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  take(n: number, expected: string): Uint8Array {
    this.need(n, expected);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** BER definite length (also the A-XDR length form): 00-7F, 81 nn, 82 nn nn, 83 nn nn nn. */
  length(expected = 'a BER length'): number {
    const at = this.pos;
    const first = this.u8(expected);
    if (first < 0x80) return first;
    const w = first & 0x7f;
    if (w < 1 || w > 3) this.fail('a BER definite length (00-7F, 81-83)', at, `found 0x${first.toString(16).toUpperCase()}`);
    let n = 0;
    for (let i = 0; i < w; i++) n = n * 256 + this.u8(expected);
    return n;
  }

  /** DER TLV header with the given tag; returns the content length (bounded by this region). */
  tlv(tag: number, expected: string): number {
    this.expect(tag, expected);
    const at = this.pos;
    const n = this.length(`the length of ${expected}`);
    if (n > this.remaining) this.fail(`${expected} within the payload`, at, `length ${n}, ${this.remaining} byte(s) left`);
    return n;
  }

  /** A sub-cursor over the next `n` bytes (advances this one past them). */
  sub(n: number, expected: string): Cursor {
    this.need(n, expected);
    const c = new Cursor(this.bytes, this.pos, this.pos + n, this.base, this.what);
    this.pos += n;
    return c;
  }

  /** DER INTEGER as an unsigned bigint (negative values are rejected). */
  derUnsigned(expected: string): bigint {
    const at = this.pos;
    const n = this.tlv(0x02, `INTEGER ${expected}`);
    if (n === 0 || n > 9) this.fail(`INTEGER ${expected} of 1-9 bytes`, at);
    const v = this.take(n, expected);
    if (v[0]! & 0x80) this.fail(`non-negative INTEGER ${expected}`, at + 2);
    let out = 0n;
    for (const b of v) out = (out << 8n) | BigInt(b);
    return out;
  }

  /** DER OCTET STRING of exactly `size` bytes (any size when undefined). */
  derOctets(expected: string, size?: number): Uint8Array {
    const at = this.pos;
    const n = this.tlv(0x04, `OCTET STRING ${expected}`);
    if (size !== undefined && n !== size) this.fail(`OCTET STRING ${expected} of ${size} bytes`, at + 1, `length ${n}`);
    return this.take(n, expected);
  }

  /** DER GeneralizedTime "YYYYMMDDhhmmssZ" (GBCS.md 3.4). */
  derTime(expected: string): GeneralizedTime {
    const at = this.pos;
    const n = this.tlv(0x18, `GeneralizedTime ${expected}`);
    const raw = this.take(n, expected);
    const text = String.fromCharCode(...raw);
    const t = parseGeneralizedTime(text);
    if (!t) this.fail(`GeneralizedTime ${expected} as YYYYMMDDhhmmssZ`, at + 2, JSON.stringify(text));
    return t;
  }

  /** Fails unless the region is fully consumed. */
  done(expected = 'the end of the payload'): void {
    if (this.pos !== this.end) this.fail(expected, this.pos, `${this.end - this.pos} byte(s) left over`);
  }
}

/** GeneralizedTime as GBCS uses it; `99991231235959Z` means "cancel" (GBCS.md 3.4). */
export interface GeneralizedTime {
  readonly text: string;
  /** undefined for the cancel sentinel. */
  readonly date: Date | undefined;
  readonly cancel: boolean;
}

export const CANCEL_TIME = '99991231235959Z';

export function parseGeneralizedTime(text: string): GeneralizedTime | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  if (text === CANCEL_TIME) return { text, date: undefined, cancel: true };
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const date = new Date(ms);
  // Reject out-of-range fields (month 13, 31 February...) rather than normalising them.
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return { text, date, cancel: false };
}

export function formatGeneralizedTime(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new GbcsEncodeError('dateTime', 'invalid Date');
  const y = date.getUTCFullYear();
  if (y < 0 || y > 9999) throw new GbcsEncodeError('dateTime', `year ${y} does not fit GeneralizedTime`);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(y, 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z`;
}

/** Seconds since 2000-01-01T00:00Z: the u32 time of DLMS log reads and GBZ alerts. */
export const GBCS_EPOCH_MS = Date.UTC(2000, 0, 1);

export function gbcsSecondsToDate(s: number): Date {
  return new Date(GBCS_EPOCH_MS + s * 1000);
}

/** Date (or u32 seconds since 2000) -> u32 seconds since 2000; throws outside u32. */
export function toGbcsSeconds(t: Date | number, field: string): number {
  const s = t instanceof Date ? Math.floor((t.getTime() - GBCS_EPOCH_MS) / 1000) : t;
  if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) {
    throw new RangeError(`${field} must be a Date from 2000-01-01Z to 2136 or u32 seconds since 2000-01-01Z, got ${t instanceof Date ? t.toISOString() : t}`);
  }
  return s;
}

/** '0-0:99.98.20.255', '0000636214FF' or 6 bytes -> 6 bytes. */
export function obisBytes(obis: string | Uint8Array): Uint8Array {
  if (obis instanceof Uint8Array) {
    if (obis.length !== 6) throw new GbcsEncodeError('obis', `must be 6 bytes, got ${obis.length}`);
    return obis;
  }
  const m = /^(\d+)-(\d+):(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(obis.trim());
  if (m) {
    const v = m.slice(1).map(Number);
    if (v.some((x) => x > 255)) throw new GbcsEncodeError('obis', `${obis}: each group is 0..255`);
    return Uint8Array.from(v);
  }
  if (/^[0-9a-fA-F]{12}$/.test(obis)) return Uint8Array.from(obis.match(/../g)!.map((h) => parseInt(h, 16)));
  throw new GbcsEncodeError('obis', `${JSON.stringify(obis)} is not A-B:C.D.E.F nor 12 hex digits`);
}

export function formatObis(b: Uint8Array): string {
  return `${b[0]}-${b[1]}:${b[2]}.${b[3]}.${b[4]}.${b[5]}`;
}

/** Minimal unsigned DER INTEGER content (two's complement, leading 00 when b7 is set). */
export function derUnsignedBytes(v: bigint | number, field: string): Uint8Array {
  const n = BigInt(v);
  if (n < 0n || n > 0xffffffffffffffffn) throw new GbcsEncodeError(field, 'must be an unsigned 64-bit value');
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  return Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
}

/** Concatenates parts (numbers are single bytes). */
export function concat(...parts: (Uint8Array | number | number[])[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += typeof p === 'number' ? 1 : p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    if (typeof p === 'number') out[o++] = p;
    else {
      out.set(p, o);
      o += p.length;
    }
  }
  return out;
}

/** BER/A-XDR length bytes (minimal form). */
export function berLengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  if (n < 0x10000) return [0x82, n >> 8, n & 0xff];
  if (n < 0x1000000) return [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  throw new GbcsEncodeError('length', `${n} does not fit a 3-byte BER length`);
}

/** DER TLV with a minimal length. */
export function tlv(tag: number, content: Uint8Array): Uint8Array {
  return concat(tag, berLengthBytes(content.length), content);
}

export function u32beBytes(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}
