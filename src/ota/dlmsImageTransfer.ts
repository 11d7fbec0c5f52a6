// DLMS Image Transfer, interface class 18 (GBCS.md 5.7, reference only: no RTDS use case uses it).
// Method payloads (A-XDR, big-endian) and the transferred_blocks_status bit-string, where bit n
// (most significant bit first within each byte, as DLMS bit-strings are) is block n.
import { toBytes, type BinaryInput } from '../bytes.js';
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';
import { wasmCore } from '../wasm/core.js';
import * as L from '../wasm/layout.js';
import { decodeOtaRecords } from './otaRecords.js';
import { decodeDlmsData, encodeDlmsData, type DlmsBitString, type DlmsData, type DlmsInteger, type DlmsList, type DlmsOctetString } from '../payload/dlmsData.js';

/** DLMS interface class id of Image Transfer (IC 18). */
export const IMAGE_TRANSFER_CLASS_ID = 18;
/** Default logical name 0-0:44.0.0.255. */
export const IMAGE_TRANSFER_LN = Uint8Array.of(0, 0, 44, 0, 0, 255);

/** IC 18 image_transfer_status values, by enum index. */
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
/** One IC 18 image_transfer_status value. */
export type ImageTransferStatus = (typeof IMAGE_TRANSFER_STATUS)[number];

// The payloads are ordinary A-XDR Data: encoded and walked by the payload module's DLMS
// Data codec (WASM walker); this module only checks and names the IC 18 shapes.

function u32(v: number, field: string): DlmsData {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new GbcsEncodeError(field, `${v} is not a 32-bit unsigned integer`);
  return { type: 'double-long-unsigned', value: v };
}
const octets = (bytes: Uint8Array): DlmsData => ({ type: 'octet-string', bytes });
const structure = (...items: DlmsData[]): DlmsData => ({ type: 'structure', items });

/** Byte offset of `items[k]` inside a structure/array whose header is `head` bytes. */
function itemOffset(items: readonly DlmsData[], k: number, head: number): number {
  let o = head;
  for (let j = 0; j < k; j++) o += encodeDlmsData(items[j]!).length;
  return o;
}

function shapeError(at: number, what: string, found: DlmsData): GbcsDecodeError {
  return new GbcsDecodeError('dlms-shape', at, what, `found ${found.type}`);
}

/** A structure (or array) of exactly `n` items, else an error naming `what`. */
function list(d: DlmsData, type: 'structure' | 'array', n: number | undefined, at: number, what: string): DlmsData[] {
  if (d.type !== type || (n !== undefined && (d as DlmsList).items.length !== n)) {
    throw new GbcsDecodeError('dlms-shape', at, what, d.type === type ? `${(d as DlmsList).items.length} elements` : `found ${d.type}`);
  }
  return (d as DlmsList).items;
}

function u32Of(items: readonly DlmsData[], k: number, head: number, what: string): number {
  const d = items[k]!;
  if (d.type !== 'double-long-unsigned') throw shapeError(itemOffset(items, k, head), what, d);
  return (d as DlmsInteger).value;
}

function octetsOf(items: readonly DlmsData[], k: number, head: number, what: string): Uint8Array {
  const d = items[k]!;
  if (d.type !== 'octet-string') throw shapeError(itemOffset(items, k, head), what, d);
  return (d as DlmsOctetString).bytes;
}

/** Parameters of an IC 18 image_transfer_initiate call. */
export interface ImageTransferInitiate {
  readonly identifier: Uint8Array;
  readonly size: number;
}

/** Method 1 image_transfer_initiate: `02 02 09 <id> 06 <size>`. */
export function encodeImageTransferInitiate(v: ImageTransferInitiate): Uint8Array {
  return encodeDlmsData(structure(octets(v.identifier), u32(v.size, 'size')));
}

/** Decodes IC 18 image_transfer_initiate parameters. */
export function decodeImageTransferInitiate(input: BinaryInput): ImageTransferInitiate {
  const items = list(decodeDlmsData(toBytes(input)), 'structure', 2, 0, 'structure {octet-string identifier, double-long-unsigned size}');
  return { identifier: octetsOf(items, 0, 2, 'octet-string (image identifier)'), size: u32Of(items, 1, 2, 'double-long-unsigned (image size)') };
}

/** Parameters of an IC 18 image_block_transfer call. */
export interface ImageBlockTransfer {
  /** From 0. */
  readonly blockNumber: number;
  readonly data: Uint8Array;
}

/** Method 2 image_block_transfer: `02 02 06 <blockNo> 09 <data>`. */
export function encodeImageBlockTransfer(v: ImageBlockTransfer): Uint8Array {
  return encodeDlmsData(structure(u32(v.blockNumber, 'blockNumber'), octets(v.data)));
}

/** Decodes method 2; `data` is a view of the input. */
export function decodeImageBlockTransfer(input: BinaryInput): ImageBlockTransfer {
  const items = list(decodeDlmsData(toBytes(input)), 'structure', 2, 0, 'structure {double-long-unsigned block number, octet-string data}');
  return { blockNumber: u32Of(items, 0, 2, 'double-long-unsigned (block number)'), data: octetsOf(items, 1, 2, 'octet-string (block data)') };
}

/**
 * Decodes many image_block_transfer parameters in one WASM call per 8192 (issue 17: the
 * device side receiving a run of blocks). Each result is what decodeImageBlockTransfer
 * gives, or the GbcsDecodeError it throws: the core checks the exact GBCS shape
 * `02 02 06 bn(4) 09 len data`; anything else goes through decodeImageBlockTransfer for
 * its precise error (or value, for a valid but unusual encoding). `data` views the input.
 */
export function decodeImageBlockTransfers(inputs: readonly BinaryInput[]): (ImageBlockTransfer | GbcsDecodeError)[] {
  const frames = inputs.map((x) => toBytes(x));
  const core = wasmCore();
  const out: (ImageBlockTransfer | GbcsDecodeError)[] = new Array(frames.length);
  let i = 0;
  while (i < frames.length) {
    const j = decodeOtaRecords(core, frames, i, frames.length, L.OD_IC18_BLOCK);
    const u32 = core.u32;
    for (let k = i; k < j; k++) {
      const w = core.recordWord + (k - i) * L.OTA_WORDS;
      if (u32[w + L.OR_STATUS] === 0) {
        const o = u32[w + L.OR_DATA]!;
        out[k] = { blockNumber: u32[w + L.OR_FILE_OFFSET]!, data: frames[k]!.subarray(o, o + u32[w + L.OR_DATA_LEN]!) };
        continue;
      }
      try {
        out[k] = decodeImageBlockTransfer(frames[k]!);
      } catch (e) {
        if (!(e instanceof GbcsDecodeError)) throw e;
        out[k] = e;
      }
    }
    i = j;
  }
  return out;
}

/** Methods 3 image_verify and 4 image_activate: `0F 00` (integer 0). */
export function encodeImageVerify(): Uint8Array {
  return encodeDlmsData({ type: 'integer', value: 0 });
}
/** Encodes IC 18 image_activate parameters (same encoding as image_verify). */
export const encodeImageActivate = encodeImageVerify;

/** Accepts exactly `0F 00`. */
export function decodeImageVerifyOrActivate(input: BinaryInput): void {
  const d = decodeDlmsData(toBytes(input));
  if (d.type !== 'integer') throw shapeError(0, 'integer (0F 00)', d);
  if ((d as DlmsInteger).value !== 0) throw new GbcsDecodeError('dlms-shape', 1, 'integer value 00', `found ${(d as DlmsInteger).value}`);
}

/** One entry of IC 18 image_to_activate_info. */
export interface ImageToActivateInfo {
  readonly size: number;
  readonly identifier: Uint8Array;
  readonly signature: Uint8Array;
}

/** Attribute 7: array of structure {double-long-unsigned size, octet-string id, octet-string signature}. */
export function encodeImageToActivateInfo(list: readonly ImageToActivateInfo[]): Uint8Array {
  return encodeDlmsData({
    type: 'array',
    items: list.map((v) => structure(u32(v.size, 'size'), octets(v.identifier), octets(v.signature))),
  });
}

/** Decodes IC 18 image_to_activate_info (array of structures). */
export function decodeImageToActivateInfo(input: BinaryInput): ImageToActivateInfo[] {
  const bytes = toBytes(input);
  const entries = list(decodeDlmsData(bytes), 'array', undefined, 0, 'array of image_to_activate_info structures');
  const head = bytes.length - entries.reduce((n, e) => n + encodeDlmsData(e).length, 0);
  return entries.map((e, i) => {
    const items = list(e, 'structure', 3, itemOffset(entries, i, head), 'structure {size, identifier, signature}');
    return {
      size: u32Of(items, 0, 2, 'double-long-unsigned (size)'),
      identifier: octetsOf(items, 1, 2, 'octet-string (identifier)'),
      signature: octetsOf(items, 2, 2, 'octet-string (signature)'),
    };
  });
}

/** transferred_blocks_status (attribute 3): which blocks are present. */
export class TransferredBlocks {
  readonly bits: Uint8Array;
  private present = 0;

  constructor(readonly blockCount: number) {
    if (!Number.isInteger(blockCount) || blockCount < 0) throw new RangeError(`block count must be a non-negative integer, got ${blockCount}`);
    this.bits = new Uint8Array(Math.ceil(blockCount / 8));
  }

  /** True when block `n` was transferred. */
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
    return encodeDlmsData({ type: 'bit-string', bitCount: this.blockCount, bytes: this.bits } as DlmsData);
  }

  /** Decodes an A-XDR bit-string of transferred_blocks_status. */
  static decode(input: BinaryInput): TransferredBlocks {
    const d = decodeDlmsData(toBytes(input));
    if (d.type !== 'bit-string') throw shapeError(0, 'bit-string (transferred_blocks_status)', d);
    const { bitCount: n, bytes } = d as DlmsBitString;
    const t = new TransferredBlocks(n);
    for (let i = 0; i < n; i++) if (bytes[i >> 3]! & (0x80 >> (i & 7))) t.set(i);
    return t;
  }
}
