// Encrypted (sensitive) content, GBCS.md 1.7 (VERIFIED on RTDS ECS17b, GCS13a, GCS16b):
// GBZ components with control bit 0x02, DLMS get_protected_attributes results and the
// ECS68 alert's ciphered block (data-notification, see alertCipheredBlock) carry
// `31 ‖ IC(4) ‖ ciphertext ‖ tag(12)`, AES-128-GCM under the KDF key with CRA byte 04,
// agreed between the originator (device) and the remote party the content is for (see
// encryptionParties).
import { euiBytes, normalizeEui, toBytes, type BinaryInput } from '../bytes.js';
import { decodeFrame } from '../decode.js';
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';
import { GbcsFrame, type FrameInit } from '../frame.js';
import type { DecryptedContent, DecryptionStatus, PlaintextDecodeError } from '../payload/decrypted.js';
import { decodeDlmsData, type DlmsData, type DlmsOctetString } from '../payload/dlmsData.js';
import type { GbzEncryptedComponent } from '../payload/gbz.js';
import { decodePayload, type DecodedPayload } from '../payload/index.js';
import { decodeZclPayload, type ZclCommand } from '../payload/zcl.js';
import { agreeKeyNow, type Agreement, type AgreementOptions } from './agreement.js';
import { CRA_ENCRYPTION, kdfOtherInfo } from './kdf.js';
import type { KeyStore } from './keyStore.js';
import { defaultPrimitives, type CryptoPrimitives } from './primitives.js';

/** Kind of an encrypted part: a GBZ component or a DLMS protected APDU. */
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
  /** The typed plaintext: a ZCL command (GBZ) or DLMS Data; undefined unless decrypted and decodable. */
  readonly decoded?: ZclCommand | DlmsData;
  /** Why a verified plaintext did not decode (offset within the plaintext). */
  readonly decodeError?: PlaintextDecodeError;
  readonly status: DecryptionStatus;
  readonly reason: string;
}

/** Result of decrypting a frame's encrypted parts. */
export interface FrameDecryption {
  /** True when the payload carries at least one encrypted blob. */
  readonly encrypted: boolean;
  readonly parts: DecryptedPart[];
}

const TAG = 12;
const HEADER = 5; // 31 ‖ IC(4)
const MIN_BLOB = HEADER + TAG;

/** An encrypted node of a decoded payload tree. */
interface EncryptedNode {
  readonly loc: EncryptedLocation;
  readonly blob: Uint8Array;
  /** The tree node openPayload gives a `decrypted` field. */
  readonly node: GbzEncryptedComponent | DlmsOctetString;
  /** GBZ: the ZCL header the plaintext command belongs to. */
  readonly zcl?: { clusterId: number; frameControl: number; commandId: number };
}

/**
 * Offset of a tree view in the frame. Payload trees hold views of the bytes they were
 * decoded from (the builders never copy) and a frame's content is a view of
 * `frame.bytes`, so the position of a blob is its view's position in the frame buffer.
 */
function offsetIn(frame: GbcsFrame, view: Uint8Array): number {
  const off = view.byteOffset - frame.bytes.byteOffset;
  if (view.buffer !== frame.bytes.buffer || off < 0 || off + view.length > frame.bytes.length) {
    throw new Error('internal: payload tree does not view the frame bytes');
  }
  return off;
}

/** IC 30 results (structure{protection-parameters, octet-string}) below `d`, innermost first. */
function protectedStrings(d: DlmsData, found: DlmsOctetString[]): void {
  if (d.type !== 'array' && d.type !== 'structure') return;
  for (const it of d.items) protectedStrings(it, found);
  if (d.protectedAttributes) found.push(d.items[1] as DlmsOctetString);
}

/**
 * The ciphered block of an ECS68 billing-data-log alert (GBCS.md 1.7; NAMES.md 2.5,
 * message code 0x0061, alert 0x8F0A): the data-notification body is
 * structure{alert code, time stamp, array{protection parameters}, octet-string}, so the
 * protection parameters and the blob are the last two elements of the alert structure
 * rather than an IC 30 structure{array, octet-string} of their own.
 *
 *   0F <invoke(4)> 00 02 04  12 8F0A  09 0C <date-time>  01 01 02 02 ..  09 81 nn 31 <IC(4)> <ciphertext> <tag(12)>
 *
 * Decision (the RTDS subset carries no ECS68 frame): matched by shape on any
 * data-notification body, not by message code: a structure of at least 4 elements
 * ending in an array and an octet-string `31 ‖ IC ‖ ... ‖ tag(12)` (>= 17 bytes).
 */
function alertCipheredBlock(body: DlmsData): DlmsOctetString | undefined {
  if (body.type !== 'structure' || body.protectedAttributes || body.items.length < 4) return undefined;
  const pp = body.items[body.items.length - 2]!;
  const ct = body.items[body.items.length - 1]!;
  return pp.type === 'array' && ct.type === 'octet-string' && ct.bytes.length >= MIN_BLOB && ct.bytes[0] === 0x31 ? ct : undefined;
}

/**
 * The encrypted nodes of a payload tree decoded from `frame`'s content. GBZ: every
 * component whose control byte has bit 0x02. DLMS: get_protected_attributes results in
 * access-response data and data-notification bodies, and the ECS68 alert's ciphered
 * block (alertCipheredBlock) (GBCS.md 1.7: responses and the ECS68 alert; requests never
 * carry them, so their data is not searched). ASN.1 content
 * is never encrypted (GBCS.md 1.7 UNCONFIRMED; decision: not searched).
 */
function encryptedNodes(frame: GbcsFrame, p: DecodedPayload): EncryptedNode[] {
  const out: EncryptedNode[] = [];
  if (p.format === 'GBZ') {
    p.components.forEach((c, index) => {
      if (!c.encrypted) return;
      const loc = { kind: 'gbz-component' as const, offset: offsetIn(frame, c.ciphertext), length: c.ciphertext.length, index, cluster: c.clusterId };
      out.push({ loc, blob: c.ciphertext, node: c, zcl: { clusterId: c.clusterId, frameControl: c.zcl.frameControl, commandId: c.zcl.commandId } });
    });
  } else if (p.format === 'DLMS' && p.type !== 'access-request') {
    const found: DlmsOctetString[] = [];
    if (p.type === 'access-response') for (const d of p.data) protectedStrings(d, found);
    else {
      protectedStrings(p.body, found);
      const block = alertCipheredBlock(p.body);
      if (block) found.push(block);
    }
    found.forEach((s, index) => {
      out.push({ loc: { kind: 'dlms-protected', offset: offsetIn(frame, s.bytes), length: s.bytes.length, index }, blob: s.bytes, node: s });
    });
  }
  return out;
}

/** The frame's cached payload tree, or undefined when it has none or it does not decode. */
function cachedTree(frame: GbcsFrame): DecodedPayload | undefined {
  if (frame.kind === 'gbt' || frame.contentOffset < 0) return undefined;
  if (frame.payloadFormat !== 'GBZ' && frame.payloadFormat !== 'DLMS') return undefined;
  try {
    return frame.payload!.decoded;
  } catch (e) {
    if (!(e instanceof GbcsDecodeError)) throw e;
    // A payload that does not decode has no encrypted parts to offer; decoding it reports the error.
    return undefined;
  }
}

/**
 * Finds the encrypted blobs of a frame's payload without decrypting them, from the
 * payload decoder's tree (`frame.payload.decoded`). A payload that does not decode
 * gives none (decoding it reports the error).
 */
export function findEncryptedParts(frame: GbcsFrame): EncryptedLocation[] {
  const tree = cachedTree(frame);
  return tree ? encryptedNodes(frame, tree).map((n) => n.loc) : [];
}

function decodePlaintext(n: EncryptedNode, plaintext: Uint8Array): { decoded?: ZclCommand | DlmsData; decodeError?: PlaintextDecodeError } {
  try {
    return { decoded: n.zcl ? decodeZclPayload(plaintext, n.zcl) : decodeDlmsData(plaintext) };
  } catch (e) {
    if (!(e instanceof GbcsDecodeError)) throw e;
    return { decodeError: { code: e.code, offset: e.offset, expected: e.expected } };
  }
}

/**
 * Decrypts the given nodes. One key serves the whole message (GBCS.md 1.7);
 * IV = originator ST ‖ the blob's IC and AAD = the blob's `31` byte. Never throws for an
 * unknown key, a failed tag or a blob that is not `31 ‖ IC ‖ ciphertext ‖ tag`: each
 * part says so. Without a promise when the key agreement and the cipher answer at once.
 */
function decryptNodes(f: GbcsFrame, nodes: EncryptedNode[], keyStore: KeyStore, options: AgreementOptions): DecryptedPart[] | Promise<DecryptedPart[]> {
  const agreed = encryptionKeyNow(f, keyStore, options);
  return agreed instanceof Promise ? agreed.then((a) => openNodes(f, nodes, a, options)) : openNodes(f, nodes, agreed, options);
}

/** A part that is not opened: the blob is not `31 ‖ IC ‖ ciphertext ‖ tag`, or there is no key. */
function unopened(n: EncryptedNode, agreed: Agreement): DecryptedPart | undefined {
  const blob = n.blob;
  // The GBZ walker checks the length only; a blob without the 31 security byte cannot be opened.
  if (blob.length < MIN_BLOB || blob[0] !== 0x31) return { ...n.loc, ciphertext: blob, status: 'invalid', reason: 'not a 31 ‖ IC(4) ‖ ciphertext ‖ tag(12) blob' };
  if (!agreed.key) return { ...n.loc, ciphertext: blob, status: agreed.unusable ? 'key-unusable' : 'key-unknown', reason: agreed.reason };
  return undefined;
}

function opened(n: EncryptedNode, plaintext: Uint8Array | undefined): DecryptedPart {
  return plaintext
    ? { ...n.loc, ciphertext: n.blob, plaintext, ...decodePlaintext(n, plaintext), status: 'decrypted', reason: 'AES-128-GCM tag verified' }
    : { ...n.loc, ciphertext: n.blob, status: 'invalid', reason: 'AES-128-GCM tag does not verify with the agreed key' };
}

function openNodes(f: GbcsFrame, nodes: EncryptedNode[], agreed: Agreement, options: AgreementOptions): DecryptedPart[] | Promise<DecryptedPart[]> {
  const primitives = options.primitives ?? defaultPrimitives;
  const iv = new Uint8Array(12);
  iv.set(f.bytes.subarray(f.layout.originator, f.layout.originator + 8), 0);
  const sync = primitives.sync;
  if (!sync) return openNodesAsync(nodes, agreed, primitives, iv);
  const parts: DecryptedPart[] = [];
  for (const n of nodes) {
    const no = unopened(n, agreed);
    if (no) {
      parts.push(no);
      continue;
    }
    iv.set(n.blob.subarray(1, 5), 8);
    parts.push(opened(n, sync.aesGcmDecrypt(agreed.key!, iv, n.blob.subarray(0, 1), n.blob.subarray(HEADER), TAG)));
  }
  return parts;
}

async function openNodesAsync(nodes: EncryptedNode[], agreed: Agreement, primitives: CryptoPrimitives, iv: Uint8Array): Promise<DecryptedPart[]> {
  const parts: DecryptedPart[] = [];
  for (const n of nodes) {
    const no = unopened(n, agreed);
    if (no) {
      parts.push(no);
      continue;
    }
    iv.set(n.blob.subarray(1, 5), 8);
    parts.push(opened(n, await primitives.aesGcmDecrypt(agreed.key!, iv, n.blob.subarray(0, 1), n.blob.subarray(HEADER), TAG)));
  }
  return parts;
}

/**
 * Decrypts every encrypted blob of a frame's payload and decodes each plaintext (ZCL
 * command for GBZ components, DLMS Data for protected results). Never throws for an
 * unknown key or a failed tag: each part says so.
 */
export async function decryptFrame(frame: GbcsFrame | BinaryInput, keyStore: KeyStore, options: AgreementOptions = {}): Promise<FrameDecryption> {
  const f = frame instanceof GbcsFrame ? frame : decodeFrame(toBytes(frame));
  const tree = cachedTree(f);
  const nodes = tree ? encryptedNodes(f, tree) : [];
  if (nodes.length === 0) return { encrypted: false, parts: [] };
  return { encrypted: true, parts: await decryptNodes(f, nodes, keyStore, options) };
}

/** A frame's payload tree with its encrypted parts opened, and the decryption report. */
export interface OpenedFrame {
  readonly payload: DecodedPayload;
  readonly decryption: FrameDecryption;
}

/**
 * Like openPayload, also returning the per-part report (offsets, statuses) that
 * decryptFrame gives, from one key agreement.
 */
export async function openFrame(frame: GbcsFrame | BinaryInput, keyStore: KeyStore, options: AgreementOptions = {}): Promise<OpenedFrame> {
  const f = frame instanceof GbcsFrame ? frame : decodeFrame(toBytes(frame));
  // A fresh tree: the frame's cached one (frame.payload.decoded) is the caller's and stays untouched.
  const payload = decodePayload(f.content, { format: f.payloadFormat, messageCode: f.messageCode, cra: f.cra, offsetBase: f.contentOffset });
  const nodes = encryptedNodes(f, payload);
  if (nodes.length === 0) return { payload, decryption: { encrypted: false, parts: [] } };
  const parts = await decryptNodes(f, nodes, keyStore, options);
  nodes.forEach((n, k) => {
    const p = parts[k]!;
    const opened: { -readonly [K in keyof DecryptedContent<unknown>]: DecryptedContent<unknown>[K] } = { status: p.status, reason: p.reason };
    if (p.plaintext) opened.plaintext = p.plaintext;
    if (p.decoded) opened.decoded = p.decoded;
    if (p.decodeError) opened.decodeError = p.decodeError;
    (n.node as { decrypted?: DecryptedContent<unknown> }).decrypted = opened;
  });
  return { payload, decryption: { encrypted: true, parts } };
}

/**
 * The whole payload tree of a frame with its encrypted parts opened: each encrypted
 * GBZ component and each protected DLMS octet-string keeps `encrypted: true` and its
 * ciphertext (so encodePayload still gives the wire bytes) and carries `decrypted`:
 * `{ status, reason, plaintext?, decoded?, decodeError? }`, `decoded` being the ZCL
 * command or DLMS Data. Unknown keys and failed tags are statuses, not errors; a payload
 * that does not decode is a GbcsDecodeError, as with decodePayload.
 */
export async function openPayload(frame: GbcsFrame | BinaryInput, keyStore: KeyStore, options: AgreementOptions = {}): Promise<DecodedPayload> {
  return (await openFrame(frame, keyStore, options)).payload;
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
export async function encryptionKey(frame: EncryptionContext, keyStore: KeyStore, options: AgreementOptions = {}): Promise<Agreement> {
  return encryptionKeyNow(frame, keyStore, options);
}

/** encryptionKey without a promise when every answer is at hand (see agreeKeyNow). */
function encryptionKeyNow(frame: EncryptionContext, keyStore: KeyStore, options: AgreementOptions): Agreement | Promise<Agreement> {
  const { originator, recipient, counter } = encryptionParties(frame);
  const otherInfo = kdfOtherInfo(euiOf(originator), CRA_ENCRYPTION, counter, euiOf(recipient));
  return agreeKeyNow(keyStore, originator, recipient, otherInfo, options);
}

const euiOf = (eui: string): Uint8Array => euiBytes(eui, 'EUI-64');

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
