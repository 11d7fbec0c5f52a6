// Encrypted (sensitive) content, GBCS.md 1.7 (VERIFIED on RTDS ECS17b, GCS13a, GCS16b):
// GBZ components with control bit 0x02 and DLMS get_protected_attributes results carry
// `31 ‖ IC(4) ‖ ciphertext ‖ tag(12)`, AES-128-GCM under the KDF key with CRA byte 04,
// agreed between the originator (device) and the remote party the content is for (see
// encryptionParties).
import { euiBytes, normalizeEui, toBytes, type BinaryInput } from '../bytes.js';
import { decodeFrame } from '../decode.js';
import { GbcsEncodeError } from '../errors.js';
import { GbcsFrame, type FrameInit } from '../frame.js';
import { agreeKey, type AgreementOptions } from './agreement.js';
import { CRA_ENCRYPTION, kdfOtherInfo } from './kdf.js';
import type { KeyStore } from './keyStore.js';
import { defaultPrimitives } from './primitives.js';

export type EncryptedPartKind = 'gbz-component' | 'dlms-protected';

/** Where an encrypted blob sits in a frame. */
export interface EncryptedLocation {
  readonly kind: EncryptedPartKind;
  /** Offset of the blob (its `31` byte) in `frame.bytes`. */
  readonly offset: number;
  readonly length: number;
  /** GBZ: index of the component in the payload; DLMS: index among protected blobs. */
  readonly index: number;
  /** GBZ only: ZCL cluster id of the component. */
  readonly cluster?: number;
}

export interface DecryptedPart extends EncryptedLocation {
  /** The whole blob `31 ‖ IC ‖ ciphertext ‖ tag` (a view of the frame bytes). */
  readonly ciphertext: Uint8Array;
  /** The clear bytes (ZCL command payload for GBZ, A-XDR Data for DLMS); undefined unless decrypted. */
  readonly plaintext?: Uint8Array;
  readonly status: 'decrypted' | 'invalid' | 'key-unknown';
  readonly reason: string;
}

export interface FrameDecryption {
  /** True when the payload carries at least one encrypted blob. */
  readonly encrypted: boolean;
  readonly parts: DecryptedPart[];
}

const TAG = 12;
const HEADER = 5; // 31 ‖ IC(4)
const MIN_BLOB = HEADER + TAG;

/** Finds the encrypted blobs of a frame's payload without decrypting them. */
export function findEncryptedParts(frame: GbcsFrame): EncryptedLocation[] {
  if (frame.kind === 'gbt' || frame.contentOffset < 0) return [];
  const c = frame.content;
  const base = frame.contentOffset;
  try {
    if (frame.payloadFormat === 'GBZ') return gbzParts(c, frame.cra === 'alert', base);
    if (frame.payloadFormat === 'DLMS') return dlmsParts(c, base);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    // A payload this walker cannot follow is the payload decoder's to report.
  }
  return [];
}

function u16(b: Uint8Array, p: number): number {
  if (p + 2 > b.length) throw new RangeError('truncated');
  return (b[p]! << 8) | b[p + 1]!;
}

/** GBZ (GBCS.md 3.3): components after `01 09 count [alert code, time]`. */
function gbzParts(c: Uint8Array, alert: boolean, base: number): EncryptedLocation[] {
  if (c.length < 3 || c[0] !== 0x01 || c[1] !== 0x09) return [];
  const count = c[2]!;
  let p = alert ? 9 : 3;
  const out: EncryptedLocation[] = [];
  for (let i = 0; i < count; i++) {
    const control = c[p];
    if (control === undefined) throw new RangeError('truncated');
    const cluster = u16(c, p + 1);
    const end = p + 5 + u16(c, p + 3);
    if (end > c.length) throw new RangeError('component overruns the payload');
    if (control & 0x02) {
      let q = p + 5;
      if (control & 0x10) q += 4; // from-date-time
      q += 2; // additional header control, frame counter
      const fc = c[q];
      if (fc === undefined) throw new RangeError('truncated');
      q += fc & 0x04 ? 5 : 3; // ZCL header, with manufacturer code when flagged
      const len = u16(c, q);
      q += 2;
      if (q + len > end || len < MIN_BLOB || c[q] !== 0x31) throw new RangeError('not an encrypted component');
      out.push({ kind: 'gbz-component', offset: base + q, length: len, index: i, cluster });
    }
    p = end;
    if (control & 0x01) break; // last component
  }
  return out;
}

/** A-XDR length (GBCS.md 1.1 BER form). Returns [value, next position]. */
function axdrLength(b: Uint8Array, p: number): [number, number] {
  const first = b[p];
  if (first === undefined) throw new RangeError('truncated');
  if (first < 0x80) return [first, p + 1];
  const n = first & 0x7f;
  if (n < 1 || n > 3 || p + 1 + n > b.length) throw new RangeError('bad length');
  let v = 0;
  for (let i = 1; i <= n; i++) v = v * 256 + b[p + i]!;
  return [v, p + 1 + n];
}

const FIXED: Record<number, number> = {
  0x00: 0, 0x03: 1, 0x05: 4, 0x06: 4, 0x0d: 1, 0x0f: 1, 0x10: 2, 0x11: 1, 0x12: 2, 0x14: 8,
  0x15: 8, 0x16: 1, 0x17: 4, 0x18: 8, 0x19: 12, 0x1a: 5, 0x1b: 4,
};

function skipTypeDescription(b: Uint8Array, p: number, depth: number): number {
  if (depth > 32) throw new RangeError('too deep');
  const t = b[p];
  if (t === undefined) throw new RangeError('truncated');
  if (t === 0x01) return skipTypeDescription(b, p + 3, depth + 1);
  if (t === 0x02) {
    let [n, q] = axdrLength(b, p + 1);
    while (n-- > 0) q = skipTypeDescription(b, q, depth + 1);
    return q;
  }
  return p + 1;
}

/**
 * Walks one A-XDR Data item at `p` and returns its end. A structure of two elements,
 * an array (the protection-parameters list) then an octet-string of at least 17 bytes
 * starting `31`, is a get_protected_attributes result (IC 30): its blob is recorded.
 */
function walkData(b: Uint8Array, p: number, found: number[][], depth: number): number {
  if (depth > 32) throw new RangeError('too deep');
  const t = b[p];
  if (t === undefined) throw new RangeError('truncated');
  const fixed = FIXED[t];
  if (fixed !== undefined) {
    if (p + 1 + fixed > b.length) throw new RangeError('truncated');
    return p + 1 + fixed;
  }
  switch (t) {
    case 0x01:
    case 0x02: {
      let [n, q] = axdrLength(b, p + 1);
      const starts: number[] = [];
      for (let i = 0; i < n; i++) {
        starts.push(q);
        q = walkData(b, q, found, depth + 1);
      }
      if (t === 0x02 && n === 2 && b[starts[0]!] === 0x01 && b[starts[1]!] === 0x09) {
        const [len, v] = axdrLength(b, starts[1]! + 1);
        if (len >= MIN_BLOB && b[v] === 0x31) found.push([v, len]);
      }
      return q;
    }
    case 0x04: {
      const [bits, q] = axdrLength(b, p + 1);
      const end = q + Math.ceil(bits / 8);
      if (end > b.length) throw new RangeError('truncated');
      return end;
    }
    case 0x09:
    case 0x0a:
    case 0x0c: {
      const [len, q] = axdrLength(b, p + 1);
      if (q + len > b.length) throw new RangeError('truncated');
      return q + len;
    }
    case 0x13: {
      const q = skipTypeDescription(b, p + 1, depth + 1);
      const [len, r] = axdrLength(b, q);
      if (r + len > b.length) throw new RangeError('truncated');
      return r + len;
    }
    default:
      throw new RangeError(`unknown data tag ${t}`);
  }
}

/** DLMS access-response (DA) results and data-notification (0F) bodies. */
function dlmsParts(c: Uint8Array, base: number): EncryptedLocation[] {
  const tag = c[0];
  if (tag !== 0xda && tag !== 0x0f) return [];
  let p = 5; // tag, long-invoke-id-and-priority(4)
  if (c[p] === 0x0c) p += 13;
  else if (c[p] === 0x00) p += 1;
  else return [];
  const found: number[][] = [];
  if (tag === 0x0f) walkData(c, p, found, 0);
  else {
    if (c[p] !== 0x00) return []; // echoed specs: not a GBCS response shape
    let [n, q] = axdrLength(c, p + 1);
    while (n-- > 0) q = walkData(c, q, found, 0);
  }
  return found.map(([off, len], index) => ({ kind: 'dlms-protected' as const, offset: base + off!, length: len!, index }));
}

/**
 * The KDF inputs for a frame's encrypted content. The content is for the remote party
 * that asked, so when Other Information names a supplementary remote party (the command
 * went through the ACB) it is the recipient of the key agreement. The counter is the
 * supplementary originator counter when present (URP, GBCS.md 1.7), else the header
 * counter: derived from RTDS (GCS61 and GCS15d responses, 18-byte Other Information,
 * decrypt only with supplementary RP + header counter; ECS21b URP with the
 * supplementary originator counter).
 */
export function encryptionParties(frame: EncryptionContext): { originator: string; recipient: string; counter: bigint } {
  const oi = frame.otherInformation;
  const rp = oi?.supplementaryRemotePartyId;
  return {
    originator: normalizeEui(frame.originator),
    recipient: normalizeEui(rp ?? frame.recipient),
    counter: BigInt(oi?.supplementaryOriginatorCounter ?? frame.originatorCounter),
  };
}

/** The message fields that determine the content-encryption key (a GbcsFrame or FrameInit). */
export type EncryptionContext = Pick<FrameInit, 'originator' | 'recipient' | 'otherInformation' | 'originatorCounter'>;

/** The 16-byte content-encryption key of a frame, or why it cannot be derived. */
export async function encryptionKey(frame: EncryptionContext, keyStore: KeyStore, options: AgreementOptions = {}) {
  const { originator, recipient, counter } = encryptionParties(frame);
  const otherInfo = kdfOtherInfo(euiOf(originator), CRA_ENCRYPTION, counter, euiOf(recipient));
  return agreeKey(keyStore, originator, recipient, otherInfo, options);
}

const euiOf = (eui: string): Uint8Array => euiBytes(eui, 'EUI-64');

/**
 * Decrypts every encrypted blob of a frame's payload. One key serves the whole message
 * (GBCS.md 1.7); IV = originator ST ‖ the blob's IC and AAD = the blob's `31` byte.
 * Never throws for an unknown key or a failed tag: each part says so.
 */
export async function decryptFrame(frame: GbcsFrame | BinaryInput, keyStore: KeyStore, options: AgreementOptions = {}): Promise<FrameDecryption> {
  const f = frame instanceof GbcsFrame ? frame : decodeFrame(toBytes(frame));
  const where = findEncryptedParts(f);
  if (where.length === 0) return { encrypted: false, parts: [] };
  const agreed = await encryptionKey(f, keyStore, options);
  const primitives = options.primitives ?? defaultPrimitives;
  const iv = new Uint8Array(12);
  iv.set(euiOf(f.originator), 0);
  const parts: DecryptedPart[] = [];
  for (const loc of where) {
    const blob = f.bytes.subarray(loc.offset, loc.offset + loc.length);
    if (!agreed.key) {
      parts.push({ ...loc, ciphertext: blob, status: 'key-unknown', reason: agreed.reason });
      continue;
    }
    iv.set(blob.subarray(1, 5), 8);
    const plaintext = await primitives.aesGcmDecrypt(agreed.key, iv, blob.subarray(0, 1), blob.subarray(HEADER), TAG);
    parts.push(
      plaintext
        ? { ...loc, ciphertext: blob, plaintext, status: 'decrypted', reason: 'AES-128-GCM tag verified' }
        : { ...loc, ciphertext: blob, status: 'invalid', reason: 'AES-128-GCM tag does not verify with the agreed key' },
    );
  }
  return { encrypted: true, parts };
}

/**
 * The inverse of the blob decryption, for simulators and fixtures: seals `plaintext` as
 * `31 ‖ IC ‖ ciphertext ‖ tag` for the message described by `frame` (its originator,
 * recipient / URP fields and counter). The key store must hold a KA private key of one
 * side. Encrypt every blob of one message with the same IC, as devices do.
 */
export async function encryptBlob(
  frame: EncryptionContext,
  plaintext: Uint8Array,
  keyStore: KeyStore,
  options: AgreementOptions & { readonly invocationCounter?: number } = {},
): Promise<Uint8Array> {
  const agreed = await encryptionKey(frame, keyStore, options);
  if (!agreed.key) throw new GbcsEncodeError('encryption', agreed.reason);
  const ic = options.invocationCounter ?? 0;
  const header = new Uint8Array(HEADER);
  header[0] = 0x31;
  new DataView(header.buffer).setUint32(1, ic >>> 0);
  const iv = new Uint8Array(12);
  iv.set(euiBytes(frame.originator, 'originator'), 0);
  iv.set(header.subarray(1), 8);
  const sealed = await (options.primitives ?? defaultPrimitives).aesGcmEncrypt(agreed.key, iv, header.subarray(0, 1), plaintext, TAG);
  const out = new Uint8Array(HEADER + sealed.length);
  out.set(header, 0);
  out.set(sealed, HEADER);
  return out;
}
