// Growable byte writer for the payload encoders (payloads are small; exactness matters
// more than the last nanosecond here).
import { GbcsEncodeError } from '../errors.js';

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
