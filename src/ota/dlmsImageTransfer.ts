// DLMS Image Transfer, interface class 18 (GBCS.md 5.7, reference only: no RTDS use case uses it).
// Method payloads (A-XDR, big-endian) and the transferred_blocks_status bit-string, where bit n
// (most significant bit first within each byte, as DLMS bit-strings are) is block n.
import { toBytes, type BinaryInput } from '../bytes.js';
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';

export const IMAGE_TRANSFER_CLASS_ID = 18;
/** Default logical name 0-0:44.0.0.255. */
export const IMAGE_TRANSFER_LN = Uint8Array.of(0, 0, 44, 0, 0, 255);

export const IMAGE_TRANSFER_STATUS = [
  'not-initiated',
  'initiated',
  'verification-initiated',
  'verification-successful',
  'verification-failed',
  'activation-initiated',
  'activation-successful',
  'activation-failed',
] as const;
export type ImageTransferStatus = (typeof IMAGE_TRANSFER_STATUS)[number];

const T_STRUCTURE = 0x02;
const T_ARRAY = 0x01;
const T_BIT_STRING = 0x04;
const T_OCTET_STRING = 0x09;
const T_UINT32 = 0x06;
const T_INTEGER = 0x0f;

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

function u32be(v: number, field: string): number[] {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new GbcsEncodeError(field, `${v} is not a 32-bit unsigned integer`);
  return [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

function octetString(v: Uint8Array): Uint8Array {
  const h = [T_OCTET_STRING, ...lengthBytes(v.length)];
  const out = new Uint8Array(h.length + v.length);
  out.set(h);
  out.set(v, h.length);
  return out;
}

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

class Reader {
  o = 0;
  constructor(readonly b: Uint8Array) {}
  u8(what: string): number {
    if (this.o >= this.b.length) throw new GbcsDecodeError('truncated', this.b.length, what, 'the IC 18 payload ends inside a field');
    return this.b[this.o++]!;
  }
  tag(t: number, what: string): void {
    const at = this.o;
    const v = this.u8(what);
    if (v !== t) throw new GbcsDecodeError('dlms-tag', at, what, `found 0x${v.toString(16).padStart(2, '0')}`);
  }
  length(what: string): number {
    const at = this.o;
    const f = this.u8(what);
    if (f < 0x80) return f;
    const k = f & 0x7f;
    if (k === 0 || k > 4) throw new GbcsDecodeError('ber-length', at, 'A-XDR length (00-7F or 81-84 followed by 1-4 bytes)', `found 0x${f.toString(16)}`);
    let n = 0;
    for (let i = 0; i < k; i++) n = n * 256 + this.u8(what);
    return n;
  }
  u32(what: string): number {
    let v = 0;
    for (let i = 0; i < 4; i++) v = v * 256 + this.u8(what);
    return v;
  }
  view(n: number, what: string): Uint8Array {
    if (this.o + n > this.b.length) throw new GbcsDecodeError('truncated', this.b.length, what, `${n} bytes announced, ${this.b.length - this.o} present`);
    this.o += n;
    return this.b.subarray(this.o - n, this.o);
  }
  end(): void {
    if (this.o !== this.b.length) throw new GbcsDecodeError('trailing-bytes', this.o, 'end of the IC 18 payload', `${this.b.length - this.o} bytes follow`);
  }
}

export interface ImageTransferInitiate {
  readonly identifier: Uint8Array;
  readonly size: number;
}

/** Method 1 image_transfer_initiate: `02 02 09 <id> 06 <size>`. */
export function encodeImageTransferInitiate(v: ImageTransferInitiate): Uint8Array {
  return concat([T_STRUCTURE, 2], octetString(v.identifier), [T_UINT32, ...u32be(v.size, 'size')]);
}

export function decodeImageTransferInitiate(input: BinaryInput): ImageTransferInitiate {
  const r = new Reader(toBytes(input));
  r.tag(T_STRUCTURE, 'structure tag 02');
  r.tag(2, 'structure of 2 elements');
  r.tag(T_OCTET_STRING, 'octet-string tag 09 (image identifier)');
  const identifier = r.view(r.length('identifier length'), 'image identifier');
  r.tag(T_UINT32, 'double-long-unsigned tag 06 (image size)');
  const size = r.u32('image size (4)');
  r.end();
  return { identifier, size };
}

export interface ImageBlockTransfer {
  /** From 0. */
  readonly blockNumber: number;
  readonly data: Uint8Array;
}

/** Method 2 image_block_transfer: `02 02 06 <blockNo> 09 <data>`. */
export function encodeImageBlockTransfer(v: ImageBlockTransfer): Uint8Array {
  return concat([T_STRUCTURE, 2, T_UINT32, ...u32be(v.blockNumber, 'blockNumber')], octetString(v.data));
}

/** Decodes method 2; `data` is a view of the input. */
export function decodeImageBlockTransfer(input: BinaryInput): ImageBlockTransfer {
  const r = new Reader(toBytes(input));
  r.tag(T_STRUCTURE, 'structure tag 02');
  r.tag(2, 'structure of 2 elements');
  r.tag(T_UINT32, 'double-long-unsigned tag 06 (block number)');
  const blockNumber = r.u32('block number (4)');
  r.tag(T_OCTET_STRING, 'octet-string tag 09 (block data)');
  const data = r.view(r.length('block data length'), 'block data');
  r.end();
  return { blockNumber, data };
}

/** Methods 3 image_verify and 4 image_activate: `0F 00` (integer 0). */
export function encodeImageVerify(): Uint8Array {
  return Uint8Array.of(T_INTEGER, 0);
}
export const encodeImageActivate = encodeImageVerify;

/** Accepts exactly `0F 00`. */
export function decodeImageVerifyOrActivate(input: BinaryInput): void {
  const r = new Reader(toBytes(input));
  r.tag(T_INTEGER, 'integer tag 0F');
  r.tag(0, 'integer value 00');
  r.end();
}

export interface ImageToActivateInfo {
  readonly size: number;
  readonly identifier: Uint8Array;
  readonly signature: Uint8Array;
}

/** Attribute 7: array of structure {double-long-unsigned size, octet-string id, octet-string signature}. */
export function encodeImageToActivateInfo(list: readonly ImageToActivateInfo[]): Uint8Array {
  const parts: (Uint8Array | number[])[] = [[T_ARRAY, ...lengthBytes(list.length)]];
  for (const v of list) parts.push([T_STRUCTURE, 3, T_UINT32, ...u32be(v.size, 'size')], octetString(v.identifier), octetString(v.signature));
  return concat(...parts);
}

export function decodeImageToActivateInfo(input: BinaryInput): ImageToActivateInfo[] {
  const r = new Reader(toBytes(input));
  r.tag(T_ARRAY, 'array tag 01');
  const n = r.length('array length');
  const out: ImageToActivateInfo[] = [];
  for (let i = 0; i < n; i++) {
    r.tag(T_STRUCTURE, 'structure tag 02');
    r.tag(3, 'structure of 3 elements');
    r.tag(T_UINT32, 'double-long-unsigned tag 06 (size)');
    const size = r.u32('size (4)');
    r.tag(T_OCTET_STRING, 'octet-string tag 09 (identifier)');
    const identifier = r.view(r.length('identifier length'), 'identifier');
    r.tag(T_OCTET_STRING, 'octet-string tag 09 (signature)');
    const signature = r.view(r.length('signature length'), 'signature');
    out.push({ size, identifier, signature });
  }
  r.end();
  return out;
}

/** transferred_blocks_status (attribute 3): which blocks are present. */
export class TransferredBlocks {
  readonly bits: Uint8Array;
  private present = 0;

  constructor(readonly blockCount: number) {
    if (!Number.isInteger(blockCount) || blockCount < 0) throw new RangeError(`block count must be a non-negative integer, got ${blockCount}`);
    this.bits = new Uint8Array(Math.ceil(blockCount / 8));
  }

  has(n: number): boolean {
    return n >= 0 && n < this.blockCount && (this.bits[n >> 3]! & (0x80 >> (n & 7))) !== 0;
  }

  /** Marks block n; returns false when it was already set. */
  set(n: number): boolean {
    if (!Number.isInteger(n) || n < 0 || n >= this.blockCount) throw new RangeError(`block ${n} is outside 0..${this.blockCount - 1}`);
    if (this.has(n)) return false;
    this.bits[n >> 3]! |= 0x80 >> (n & 7);
    this.present++;
    return true;
  }

  get count(): number {
    return this.present;
  }

  get complete(): boolean {
    return this.present === this.blockCount;
  }

  /** Attribute 4 first_not_transferred_block_number (= blockCount when complete). */
  firstNotTransferred(): number {
    for (let i = 0; i < this.bits.length; i++) {
      if (this.bits[i] !== 0xff) {
        for (let n = i * 8; n < Math.min(this.blockCount, i * 8 + 8); n++) if (!this.has(n)) return n;
      }
    }
    return this.blockCount;
  }

  /** Runs of missing blocks as [first, last] inclusive. */
  missing(limit = Infinity): [number, number][] {
    const out: [number, number][] = [];
    let n = this.firstNotTransferred();
    while (n < this.blockCount && out.length < limit) {
      let m = n;
      while (m + 1 < this.blockCount && !this.has(m + 1)) m++;
      out.push([n, m]);
      n = m + 1;
      while (n < this.blockCount && this.has(n)) n++;
    }
    return out;
  }

  /** A-XDR bit-string: `04 <length in bits> <bytes>`. */
  encode(): Uint8Array {
    return concat([T_BIT_STRING, ...lengthBytes(this.blockCount)], this.bits);
  }

  static decode(input: BinaryInput): TransferredBlocks {
    const r = new Reader(toBytes(input));
    r.tag(T_BIT_STRING, 'bit-string tag 04');
    const n = r.length('bit-string length in bits');
    const bytes = r.view(Math.ceil(n / 8), `${Math.ceil(n / 8)} bytes of bit-string`);
    r.end();
    const t = new TransferredBlocks(n);
    for (let i = 0; i < n; i++) if (bytes[i >> 3]! & (0x80 >> (i & 7))) t.set(i);
    return t;
  }
}
