// GBCS Upgrade Image (GBCS.md 5.2): a ZigBee OTA header (little-endian) followed either by the
// GBCS body (Manufacturer Image, `00`, `40`, Supplier ECDSA r||s over the Manufacturer Image) or,
// for plain ZigBee OTA files used outside GB, by tagged sub-elements.
//
// Form detection (decision, GBCS.md leaves it open):
//  1. 'zigbee': the bytes after the header are a chain of sub-elements (tag u16 LE, length u32 LE)
//     that ends exactly at the total size and contains an Upgrade Image element (tag 0x0000). The
//     exact fit is a strong structural test, so it is tried first.
//  2. 'gbcs': the last 66 bytes are `00 40` + 64 signature bytes.
//  3. 'gbcs-unsigned': everything after the header is the Manufacturer Image (the SR 11.4 PPMID
//     sample has no trailer).
// `parseUpgradeImage(bytes, { form })` forces a form when a caller knows better.
import { euiBytes, toBytes, toHex, type BinaryInput } from '../bytes.js';
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';
import { Budget } from '../payload/limits.js';
import type { KeyStore } from '../security/keyStore.js';
import { resolveKey } from '../security/keyCheck.js';
import { chunksOf, loadNodeCrypto, sha256, type ByteSource } from './hash.js';

/** The ZigBee OTA file identifier (0x0BEEF11E). */
export const OTA_FILE_IDENTIFIER = 0x0beef11e;
/** Fixed part of the OTA header, up to and including the total image size. */
export const OTA_HEADER_FIXED_LENGTH = 56;
/** `00` flag + `40` length + 64-byte r||s. */
export const GBCS_TRAILER_LENGTH = 66;

/** OTA header field control bit: security credential version present. */
export const FC_SECURITY_CREDENTIAL = 0x0001;
/** OTA header field control bit: destination present. */
export const FC_DESTINATION = 0x0002;
/** OTA header field control bit: minimum/maximum hardware versions present. */
export const FC_HARDWARE_VERSIONS = 0x0004;

/** Form of an upgrade image: GBCS signed, GBCS unsigned, or plain ZigBee. */
export type UpgradeImageForm = 'gbcs' | 'gbcs-unsigned' | 'zigbee';

/** A decoded ZigBee OTA header. */
export interface OtaHeader {
  readonly fileIdentifier: number;
  readonly headerVersion: number;
  readonly headerLength: number;
  readonly fieldControl: number;
  readonly manufacturerCode: number;
  readonly imageType: number;
  /** The 4-byte version; GBCS.md presumes (UNCONFIRMED) it is what devices report in SR 11.2. */
  readonly fileVersion: number;
  readonly zigbeeStackVersion: number;
  /** The 32-byte header string as Latin-1 text, trailing NULs removed. */
  readonly headerString: string;
  /** The 32 raw header string bytes (view), kept for byte-exact rebuilding. */
  readonly headerStringBytes: Uint8Array;
  /** Whole file, header included. */
  readonly totalImageSize: number;
  readonly securityCredentialVersion?: number;
  /** Upgrade file destination, 16 lower-case hex digits. */
  readonly upgradeFileDestination?: string;
  readonly minimumHardwareVersion?: number;
  readonly maximumHardwareVersion?: number;
  /** Header bytes past the fields this version knows (honoured via header length). */
  readonly headerExtra: Uint8Array;
}

/** Inputs for writing a ZigBee OTA header. */
export interface OtaHeaderInit {
  readonly headerVersion?: number;
  /** Extra field-control bits beyond b0..b2, which follow from the optional fields given. */
  readonly fieldControl?: number;
  readonly manufacturerCode: number;
  readonly imageType: number;
  readonly fileVersion: number;
  readonly zigbeeStackVersion?: number;
  /** Up to 32 bytes; padded with NULs. Bytes are used as given, text as Latin-1. */
  readonly headerString?: string | Uint8Array;
  readonly headerStringBytes?: Uint8Array;
  readonly securityCredentialVersion?: number;
  readonly upgradeFileDestination?: string | Uint8Array;
  readonly minimumHardwareVersion?: number;
  readonly maximumHardwareVersion?: number;
  readonly headerExtra?: Uint8Array;
}

/** One sub-element of an OTA image: tag, name and position. */
export interface SubElement {
  readonly tag: number;
  readonly name: string;
  /** Offset of the tag in the file. */
  readonly offset: number;
  readonly length: number;
  /** View of the element's data. */
  readonly data: Uint8Array;
}

/** The GBCS trailer of an upgrade image (signature and its position). */
export interface GbcsTrailer {
  readonly offset: number;
  /** The byte before the signature length; `00` in every sample ("force replace, CH only" per [HG], UNCONFIRMED). */
  readonly flag: number;
  /** 64-byte r||s view. */
  readonly signature: Uint8Array;
}

/** A parsed upgrade image: bytes, form, header, sub-elements and trailer. */
export interface UpgradeImage {
  readonly bytes: Uint8Array;
  readonly form: UpgradeImageForm;
  readonly header: OtaHeader;
  readonly manufacturerImageOffset: number;
  /** View of the Manufacturer Image (zigbee form: the Upgrade Image sub-element's data). */
  readonly manufacturerImage: Uint8Array;
  readonly trailer?: GbcsTrailer;
  readonly subElements?: readonly SubElement[];
}

const SUB_ELEMENT_NAMES: Record<number, string> = {
  0x0000: 'upgrade image',
  0x0001: 'ECDSA signature (crypto suite 1)',
  0x0002: 'ECDSA signing certificate (crypto suite 1)',
  0x0003: 'image integrity code',
  0x0004: 'picture data',
  0x0005: 'ECDSA signature (crypto suite 2)',
  0x0006: 'ECDSA signing certificate (crypto suite 2)',
};

/** Name of an OTA sub-element tag. */
export function subElementName(tag: number): string {
  return SUB_ELEMENT_NAMES[tag] ?? (tag >= 0xf000 ? 'manufacturer specific' : 'reserved');
}

/** Random access to an image that may not be in memory (header-sized reads only). */
export interface ImageReader {
  readonly size: number;
  /** Reads `length` bytes from `offset`. */
  read(offset: number, length: number): Uint8Array;
}

function bytesReader(b: Uint8Array): ImageReader {
  return { size: b.length, read: (o, n) => b.subarray(o, o + n) };
}

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

function need(b: Uint8Array, end: number, at: number, what: string): void {
  if (b.length < end) throw new GbcsDecodeError('truncated', Math.max(at, b.length), what, `the image ends at byte ${b.length}`);
}

function latin1(b: Uint8Array): string {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  let s = '';
  for (let i = 0; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/**
 * Parses the OTA header from the first bytes of an image (only the header is needed). Checks the
 * file identifier and that the header length covers the fields the field control announces.
 */
export function parseOtaHeader(input: BinaryInput): OtaHeader {
  const b = toBytes(input);
  need(b, OTA_HEADER_FIXED_LENGTH, 0, 'a 56-byte ZigBee OTA header');
  const fileIdentifier = u32(b, 0);
  if (fileIdentifier !== OTA_FILE_IDENTIFIER) {
    throw new GbcsDecodeError('ota-file-identifier', 0, 'OTA file identifier 1E F1 EE 0B (0x0BEEF11E)', `found 0x${fileIdentifier.toString(16).padStart(8, '0')}`);
  }
  const headerLength = u16(b, 6);
  const fieldControl = u16(b, 8);
  let o = OTA_HEADER_FIXED_LENGTH;
  const optional =
    (fieldControl & FC_SECURITY_CREDENTIAL ? 1 : 0) + (fieldControl & FC_DESTINATION ? 8 : 0) + (fieldControl & FC_HARDWARE_VERSIONS ? 4 : 0);
  if (headerLength < OTA_HEADER_FIXED_LENGTH + optional) {
    throw new GbcsDecodeError(
      'ota-header-length',
      6,
      `a header length of at least ${OTA_HEADER_FIXED_LENGTH + optional} (56 + the optional fields field control 0x${fieldControl.toString(16).padStart(4, '0')} announces)`,
      `found ${headerLength}`,
    );
  }
  need(b, headerLength, OTA_HEADER_FIXED_LENGTH, `the whole ${headerLength}-byte OTA header`);
  const totalImageSize = u32(b, 52);
  if (totalImageSize < headerLength) {
    throw new GbcsDecodeError('ota-total-size', 52, `a total image size of at least the header length (${headerLength})`, `found ${totalImageSize}`);
  }
  let securityCredentialVersion: number | undefined;
  let upgradeFileDestination: string | undefined;
  let minimumHardwareVersion: number | undefined;
  let maximumHardwareVersion: number | undefined;
  if (fieldControl & FC_SECURITY_CREDENTIAL) securityCredentialVersion = b[o++]!;
  if (fieldControl & FC_DESTINATION) {
    // EUI-64 on air is little-endian; shown most significant byte first like every EUI here.
    // A copy: on a Node Buffer `slice` is a view, and reversing it would alter the caller's image.
    upgradeFileDestination = toHex(new Uint8Array(b.subarray(o, o + 8)).reverse());
    o += 8;
  }
  if (fieldControl & FC_HARDWARE_VERSIONS) {
    minimumHardwareVersion = u16(b, o);
    maximumHardwareVersion = u16(b, o + 2);
    o += 4;
  }
  const headerStringBytes = b.subarray(20, 52);
  return {
    fileIdentifier,
    headerVersion: u16(b, 4),
    headerLength,
    fieldControl,
    manufacturerCode: u16(b, 10),
    imageType: u16(b, 12),
    fileVersion: u32(b, 14),
    zigbeeStackVersion: u16(b, 18),
    headerString: latin1(headerStringBytes),
    headerStringBytes,
    totalImageSize,
    ...(securityCredentialVersion !== undefined && { securityCredentialVersion }),
    ...(upgradeFileDestination !== undefined && { upgradeFileDestination }),
    ...(minimumHardwareVersion !== undefined && { minimumHardwareVersion, maximumHardwareVersion }),
    headerExtra: b.subarray(o, headerLength),
  };
}

/** Where the parts of an image lie, found with header-sized reads only. */
export interface UpgradeImageLayout {
  readonly form: UpgradeImageForm;
  readonly header: OtaHeader;
  readonly manufacturerImageOffset: number;
  readonly manufacturerImageLength: number;
  readonly trailerOffset?: number;
  readonly subElements?: readonly { tag: number; offset: number; length: number }[];
}

/**
 * Most sub-elements a ZigBee OTA file may have (Decision, issue 10 item 5): the ZigBee OTA
 * specification defines 7 tags and real files carry a handful; an image body of zeros
 * would otherwise walk as millions of empty 6-byte elements (178 M for 1 GiB). The walk
 * counts against a payload Budget (src/payload/limits.ts) before it reads: auto-detection
 * takes a longer chain as "not the ZigBee form", a forced `zigbee` form gets
 * GbcsDecodeError 'too-many-nodes' at the element's offset. Work and objects are linear in
 * the number of elements, so at most this many header reads and objects per image.
 */
export const OTA_MAX_SUB_ELEMENTS = 256;

function walkSubElements(r: ImageReader, start: number, end: number): { tag: number; offset: number; length: number }[] | undefined {
  const out: { tag: number; offset: number; length: number }[] = [];
  const budget = new Budget({ maxNodes: OTA_MAX_SUB_ELEMENTS });
  let o = start;
  while (o < end) {
    if (end - o < 6) return undefined;
    budget.take(1, o);
    const h = r.read(o, 6);
    const length = u32(h, 2);
    if (length > end - o - 6) return undefined;
    out.push({ tag: u16(h, 0), offset: o, length });
    o += 6 + length;
  }
  return out;
}

/** Reads the layout of an upgrade image (header, sub-elements, trailer) from a reader. */
export function upgradeImageLayout(r: ImageReader, options: { form?: UpgradeImageForm } = {}): UpgradeImageLayout {
  const head = r.read(0, OTA_HEADER_FIXED_LENGTH);
  need(head, OTA_HEADER_FIXED_LENGTH, 0, 'a 56-byte ZigBee OTA header');
  const hl = u16(head, 6);
  const header = parseOtaHeader(r.read(0, Math.max(hl, OTA_HEADER_FIXED_LENGTH)));
  const total = header.totalImageSize;
  if (r.size < total) {
    throw new GbcsDecodeError('truncated', r.size, `${total} bytes (the total image size in the OTA header)`, `the image has ${r.size}`);
  }
  if (r.size > total) {
    throw new GbcsDecodeError('ota-total-size', total, `end of image at the total image size ${total}`, `${r.size - total} bytes follow`);
  }
  const start = header.headerLength;
  const body = total - start;
  const want = options.form;
  if (want === undefined || want === 'zigbee') {
    let subs: ReturnType<typeof walkSubElements>;
    try {
      subs = walkSubElements(r, start, total);
    } catch (e) {
      // Too many elements: not a ZigBee sub-element chain (unless that form is forced).
      if (want === 'zigbee' || !(e instanceof GbcsDecodeError && e.code === 'too-many-nodes')) throw e;
      subs = undefined;
    }
    const img = subs?.find((s) => s.tag === 0x0000);
    if (subs && img) {
      return { form: 'zigbee', header, manufacturerImageOffset: img.offset + 6, manufacturerImageLength: img.length, subElements: subs };
    }
    if (want === 'zigbee') {
      throw new GbcsDecodeError('ota-sub-elements', start, 'ZigBee OTA sub-elements (tag u16, length u32) ending exactly at the total size, one with tag 0x0000');
    }
  }
  if (want === 'gbcs-unsigned') {
    return { form: 'gbcs-unsigned', header, manufacturerImageOffset: start, manufacturerImageLength: body };
  }
  if (body >= GBCS_TRAILER_LENGTH) {
    const t = r.read(total - GBCS_TRAILER_LENGTH, 2);
    if ((want === 'gbcs' || t[0] === 0x00) && t[1] === 0x40) {
      return { form: 'gbcs', header, manufacturerImageOffset: start, manufacturerImageLength: body - GBCS_TRAILER_LENGTH, trailerOffset: total - GBCS_TRAILER_LENGTH };
    }
  }
  if (want === 'gbcs') {
    const at = Math.max(start, total - GBCS_TRAILER_LENGTH);
    throw new GbcsDecodeError('ota-trailer', at + 1, 'the GBCS trailer `00 40` + 64-byte signature at the end of the image');
  }
  return { form: 'gbcs-unsigned', header, manufacturerImageOffset: start, manufacturerImageLength: body };
}

/** Parses a whole upgrade image held in memory. Every part is a view: nothing is copied. */
export function parseUpgradeImage(input: BinaryInput, options: { form?: UpgradeImageForm } = {}): UpgradeImage {
  const bytes = toBytes(input);
  const l = upgradeImageLayout(bytesReader(bytes), options);
  const mi = bytes.subarray(l.manufacturerImageOffset, l.manufacturerImageOffset + l.manufacturerImageLength);
  return {
    bytes,
    form: l.form,
    header: l.header,
    manufacturerImageOffset: l.manufacturerImageOffset,
    manufacturerImage: mi,
    ...(l.trailerOffset !== undefined && {
      trailer: { offset: l.trailerOffset, flag: bytes[l.trailerOffset]!, signature: bytes.subarray(l.trailerOffset + 2, l.trailerOffset + 66) },
    }),
    ...(l.subElements && {
      subElements: l.subElements.map((s) => ({ ...s, name: subElementName(s.tag), data: bytes.subarray(s.offset + 6, s.offset + 6 + s.length) })),
    }),
  };
}

function u16le(out: Uint8Array, o: number, v: number, field: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new GbcsEncodeError(field, `${v} is not a 16-bit unsigned integer`);
  out[o] = v & 0xff;
  out[o + 1] = v >>> 8;
}
function u32le(out: Uint8Array, o: number, v: number, field: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new GbcsEncodeError(field, `${v} is not a 32-bit unsigned integer`);
  new DataView(out.buffer, out.byteOffset, out.length).setUint32(o, v, true);
}

/** Header length `init` encodes to. */
export function otaHeaderLength(init: OtaHeaderInit): number {
  return (
    OTA_HEADER_FIXED_LENGTH +
    (init.securityCredentialVersion !== undefined ? 1 : 0) +
    (init.upgradeFileDestination !== undefined ? 8 : 0) +
    (init.minimumHardwareVersion !== undefined || init.maximumHardwareVersion !== undefined ? 4 : 0) +
    (init.headerExtra?.length ?? 0)
  );
}

/** Encodes an OTA header for an image of `totalImageSize` bytes (header included). */
export function encodeOtaHeader(init: OtaHeaderInit, totalImageSize: number): Uint8Array {
  const len = otaHeaderLength(init);
  const out = new Uint8Array(len);
  u32le(out, 0, OTA_FILE_IDENTIFIER, 'fileIdentifier');
  u16le(out, 4, init.headerVersion ?? 0x0100, 'headerVersion');
  u16le(out, 6, len, 'headerLength');
  const hasHw = init.minimumHardwareVersion !== undefined || init.maximumHardwareVersion !== undefined;
  const fc =
    ((init.fieldControl ?? 0) & ~0x7) |
    (init.securityCredentialVersion !== undefined ? FC_SECURITY_CREDENTIAL : 0) |
    (init.upgradeFileDestination !== undefined ? FC_DESTINATION : 0) |
    (hasHw ? FC_HARDWARE_VERSIONS : 0);
  u16le(out, 8, fc, 'fieldControl');
  u16le(out, 10, init.manufacturerCode, 'manufacturerCode');
  u16le(out, 12, init.imageType, 'imageType');
  u32le(out, 14, init.fileVersion, 'fileVersion');
  u16le(out, 18, init.zigbeeStackVersion ?? 0x0002, 'zigbeeStackVersion');
  const hs = init.headerStringBytes ?? init.headerString ?? '';
  const hsb = typeof hs === 'string' ? Uint8Array.from(hs, (c) => c.charCodeAt(0)) : hs;
  if (typeof hs === 'string' && [...hs].some((c) => c.charCodeAt(0) > 0xff)) throw new GbcsEncodeError('headerString', 'only Latin-1 characters fit');
  if (hsb.length > 32) throw new GbcsEncodeError('headerString', `${hsb.length} bytes do not fit in 32`);
  out.set(hsb, 20);
  u32le(out, 52, totalImageSize, 'totalImageSize');
  let o = OTA_HEADER_FIXED_LENGTH;
  if (init.securityCredentialVersion !== undefined) {
    const v = init.securityCredentialVersion;
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new GbcsEncodeError('securityCredentialVersion', `${v} is not a byte`);
    out[o++] = v;
  }
  if (init.upgradeFileDestination !== undefined) {
    out.set(new Uint8Array(euiBytes(init.upgradeFileDestination, 'upgradeFileDestination')).reverse(), o);
    o += 8;
  }
  if (hasHw) {
    u16le(out, o, init.minimumHardwareVersion ?? 0, 'minimumHardwareVersion');
    u16le(out, o + 2, init.maximumHardwareVersion ?? 0xffff, 'maximumHardwareVersion');
    o += 4;
  }
  if (init.headerExtra) out.set(init.headerExtra, o);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The GBCS trailer: flag byte, `40`, r||s. */
export function encodeGbcsTrailer(signature: Uint8Array, flag = 0x00): Uint8Array {
  if (signature.length !== 64) throw new GbcsEncodeError('signature', `expected 64 bytes r||s, got ${signature.length}`);
  const out = new Uint8Array(GBCS_TRAILER_LENGTH);
  out[0] = flag;
  out[1] = 0x40;
  out.set(signature, 2);
  return out;
}

/** A GBCS image without signature trailer (the SR 11.4 PPMID sample shape). */
export function buildUnsignedUpgradeImage(header: OtaHeaderInit, manufacturerImage: Uint8Array): Uint8Array {
  const total = otaHeaderLength(header) + manufacturerImage.length;
  return concat([encodeOtaHeader(header, total), manufacturerImage]);
}

/** A plain ZigBee OTA file: header + sub-elements (an Upgrade Image element has tag 0x0000). */
export function buildZigbeeOtaFile(header: OtaHeaderInit, subElements: readonly { tag: number; data: Uint8Array }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const s of subElements) {
    const h = new Uint8Array(6);
    u16le(h, 0, s.tag, 'subElement.tag');
    u32le(h, 2, s.data.length, 'subElement.length');
    parts.push(h, s.data);
  }
  const body = concat(parts);
  return concat([encodeOtaHeader(header, otaHeaderLength(header) + body.length), body]);
}

/** Inputs for building an upgrade image: the header and the Manufacturer Image. */
export interface BuildUpgradeImageOptions {
  readonly header: OtaHeaderInit;
  readonly manufacturerImage: Uint8Array;
  readonly keys: KeyStore;
  /** EUI-64 of the signing Supplier (its DS private key is looked up in `keys`). */
  readonly signer: string;
  readonly flag?: number;
}

/** Builds a signed GBCS Upgrade Image: header ‖ Manufacturer Image ‖ 00 40 ‖ Supplier r||s. */
export async function buildUpgradeImage(o: BuildUpgradeImageOptions): Promise<Uint8Array> {
  const sig = await signManufacturerImage(o.manufacturerImage, o.keys, o.signer);
  const total = otaHeaderLength(o.header) + o.manufacturerImage.length + GBCS_TRAILER_LENGTH;
  return concat([encodeOtaHeader(o.header, total), o.manufacturerImage, encodeGbcsTrailer(sig, o.flag)]);
}

function isKeyObject(k: unknown): k is import('node:crypto').KeyObject {
  return typeof k === 'object' && k !== null && 'asymmetricKeyType' in k && typeof (k as { export?: unknown }).export === 'function';
}

function subtle(): SubtleCrypto {
  const s = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!s) throw new Error('WebCrypto (crypto.subtle) is not available');
  return s;
}

async function collect(source: ByteSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  const parts: Uint8Array[] = [];
  for await (const c of chunksOf(source)) parts.push(new Uint8Array(c)); // a copy even for a Buffer chunk
  return concat(parts);
}

/**
 * ECDSA P-256/SHA-256 over the Manufacturer Image, r||s. Streams with a node:crypto KeyObject;
 * a WebCrypto CryptoKey needs the whole image in memory (WebCrypto signs one buffer).
 */
export async function signManufacturerImage(source: ByteSource, keys: KeyStore, signer: string): Promise<Uint8Array> {
  const key = await keys(signer.toLowerCase(), 'DS', { privateKey: true });
  if (!key) throw new GbcsEncodeError('signer', `no DS private key for ${signer} in the key store`);
  if (isKeyObject(key)) {
    const c = (await loadNodeCrypto())!;
    const s = c.createSign('sha256');
    for await (const chunk of chunksOf(source)) s.update(chunk);
    const sig = s.sign({ key, dsaEncoding: 'ieee-p1363' });
    return new Uint8Array(sig.buffer, sig.byteOffset, sig.length);
  }
  const data = await collect(source);
  return new Uint8Array(await subtle().sign({ name: 'ECDSA', hash: 'SHA-256' }, key, data as BufferSource));
}

/**
 * What the supplier's image signature does NOT cover (GBCS.md 5.2, VERIFIED: the signature
 * is over the Manufacturer Image only). Every OTA header field can be changed without
 * breaking it: vouch for the header another way (the firmware repository entry for the
 * manufacturer image hash, `ota verify --repo`).
 */
export const IMAGE_SIGNATURE_UNCOVERED: readonly string[] = [
  'file identifier',
  'header version',
  'header length',
  'field control',
  'manufacturer code',
  'image type',
  'file version',
  'ZigBee stack version',
  'header string',
  'total image size',
  'security credential version',
  'destination',
  'minimum/maximum hardware version',
  'trailer bytes before r||s (00 40)',
];

/** State of an upgrade image signature check; 'key-unusable': a signer's key is in the store but cannot be used (unparsable, not EC P-256, …), never 'invalid'. */
export type ImageSignatureState = 'valid' | 'invalid' | 'absent' | 'key-unknown' | 'key-unusable' | 'not-checked';

/** Result of verifying an upgrade image's signature. */
export interface ImageSignatureCheck {
  readonly state: ImageSignatureState;
  /** The signer whose key verified (valid) or the signers tried. */
  readonly signer?: string;
  readonly tried?: readonly string[];
}

/** Verifies r||s over `source` with `signer`'s DS public key: 'valid', 'invalid', 'key-unknown' or 'key-unusable'. */
export async function verifyManufacturerImage(
  source: ByteSource,
  signature: Uint8Array,
  keys: KeyStore,
  signer: string,
): Promise<'valid' | 'invalid' | 'key-unknown' | 'key-unusable'> {
  const r = await resolveKey(keys, signer.toLowerCase(), 'DS', undefined);
  if (r.unusable !== undefined) return 'key-unusable';
  const key = r.key;
  if (!key) return 'key-unknown';
  if (isKeyObject(key)) {
    const c = (await loadNodeCrypto())!;
    const v = c.createVerify('sha256');
    for await (const chunk of chunksOf(source)) v.update(chunk);
    return v.verify({ key, dsaEncoding: 'ieee-p1363' }, signature) ? 'valid' : 'invalid';
  }
  const data = await collect(source);
  return (await subtle().verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature as BufferSource, data as BufferSource)) ? 'valid' : 'invalid';
}

/** Tries each candidate signer until one verifies. */
export async function verifyUpgradeImage(image: UpgradeImage, keys: KeyStore | undefined, signers: readonly string[]): Promise<ImageSignatureCheck> {
  if (!image.trailer) return { state: 'absent' };
  if (!keys || signers.length === 0) return { state: 'not-checked' };
  let sawKey = false;
  let unusable = false;
  for (const s of signers) {
    const r = await verifyManufacturerImage(image.manufacturerImage, image.trailer.signature, keys, s);
    if (r === 'valid') return { state: 'valid', signer: s.toLowerCase() };
    if (r === 'invalid') sawKey = true;
    else if (r === 'key-unusable') unusable = true;
  }
  return { state: sawKey ? 'invalid' : unusable ? 'key-unusable' : 'key-unknown', tried: signers.map((s) => s.toLowerCase()) };
}

/** Summary of an upgrade image as inspected. */
export interface UpgradeImageInspection {
  readonly form: UpgradeImageForm;
  readonly size: number;
  readonly header: Omit<OtaHeader, 'headerStringBytes' | 'headerExtra'> & { readonly headerExtra: string };
  readonly manufacturerImage: { readonly offset: number; readonly length: number };
  /** SHA-256 of the Manufacturer Image, hex: the value CS06 must carry. */
  readonly manufacturerImageHash: string;
  readonly trailer?: { readonly offset: number; readonly flag: number; readonly signature: string };
  readonly subElements?: readonly { tag: number; name: string; offset: number; length: number }[];
  readonly signature: ImageSignatureCheck;
}

/** Every field, the Manufacturer Image hash and (with keys and candidate signers) the signature's validity. */
export async function inspectUpgradeImage(
  input: BinaryInput | UpgradeImage,
  options: { keys?: KeyStore; signers?: readonly string[]; form?: UpgradeImageForm } = {},
): Promise<UpgradeImageInspection> {
  const img = typeof input === 'object' && 'manufacturerImage' in input ? input : parseUpgradeImage(input, options);
  const { headerStringBytes: _hs, headerExtra, ...header } = img.header;
  return {
    form: img.form,
    size: img.bytes.length,
    header: { ...header, headerExtra: toHex(headerExtra) },
    manufacturerImage: { offset: img.manufacturerImageOffset, length: img.manufacturerImage.length },
    manufacturerImageHash: toHex(await sha256(img.manufacturerImage)),
    ...(img.trailer && { trailer: { offset: img.trailer.offset, flag: img.trailer.flag, signature: toHex(img.trailer.signature) } }),
    ...(img.subElements && { subElements: img.subElements.map(({ tag, name, offset, length }) => ({ tag, name, offset, length })) }),
    signature: await verifyUpgradeImage(img, options.keys, options.signers ?? []),
  };
}
