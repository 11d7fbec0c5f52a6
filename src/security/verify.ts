// Frame verification: the signature (originator's DS key, GBCS.md 1.5) and the MAC
// (GBCS.md 1.6) are checked and reported separately, each with the reason, so a caller
// can tell "tampered" from "we do not have the key".
import { normalizeEui, toBytes, type BinaryInput } from '../bytes.js';
import { decodeFrame } from '../decode.js';
import { GbcsFrame } from '../frame.js';
import type { Agreement } from './agreement.js';
import { computeMac, MAC_LENGTH, macInputs, macKeyNow, macParty, type MacOptions } from './mac.js';
import type { KeyStore } from './keyStore.js';
import { defaultPrimitives } from './primitives.js';
import { resolveKeyNow, type ResolvedKey } from './keyCheck.js';

/**
 * 'invalid' means the bytes do not verify (tampered, or signed by someone else);
 * 'key-unusable' means the key store answered with something that cannot check it
 * (unparsable file, RSA/Ed25519/other-curve/secret key, a thrown error, no answer in
 * `keyTimeoutMs`): a configuration problem, never reported as 'invalid'.
 */
export type SignatureStatus = 'valid' | 'invalid' | 'absent' | 'key-unknown' | 'key-unusable';
/** State of a MAC check (the same states as {@link SignatureStatus}). */
export type MacStatus = 'valid' | 'invalid' | 'absent' | 'key-unknown' | 'key-unusable';

/** Result of a signature check. */
export interface SignatureCheck {
  readonly status: SignatureStatus;
  readonly reason: string;
  /** EUI whose DS key the signature is checked against (the originator). */
  readonly signer?: string;
}

/** Result of a MAC check. */
export interface MacCheck {
  readonly status: MacStatus;
  readonly reason: string;
  /** EUI of the party that made the MAC (ACB for commands, else the originator). */
  readonly macParty?: string;
  /** The other party of the key agreement (the recipient). */
  readonly peer?: string;
}

/** Result of verifying a frame: signature and MAC checks. */
export interface FrameVerification {
  readonly signature: SignatureCheck;
  readonly mac: MacCheck;
  /** True when nothing is invalid and at least one check is valid. */
  readonly ok: boolean;
}

/** Options of frame verification. */
export type VerifyOptions = MacOptions;

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** Checks the signature of a decoded frame against the originator's DS public key. */
export async function verifySignature(frame: GbcsFrame, keyStore: KeyStore, options: VerifyOptions = {}): Promise<SignatureCheck> {
  return signatureNow(frame, keyStore, options);
}

/** Checks the MAC of a decoded frame. */
export async function verifyMac(frame: GbcsFrame, keyStore: KeyStore, options: VerifyOptions = {}): Promise<MacCheck> {
  return macNow(frame, keyStore, options);
}

// The checks below answer without a promise when everything is at hand (keys seen before,
// node:crypto's synchronous forms): a promise per step cost more than the MAC's crypto.

function signatureNow(frame: GbcsFrame, keyStore: KeyStore, options: VerifyOptions): SignatureCheck | Promise<SignatureCheck> {
  if (frame.kind === 'gbt') return { status: 'absent', reason: 'GBT segment: verify the reassembled message' };
  if (frame.signatureState === 'absent') return { status: 'absent', reason: 'no signature field (pre-command)' };
  if (frame.signatureState === 'empty') return { status: 'absent', reason: 'zero-length signature field' };
  const signer = frame.originator;
  const r = resolveKeyNow(keyStore, signer, 'DS', undefined, options);
  return r instanceof Promise ? r.then((r) => checkSignature(frame, r, signer, options)) : checkSignature(frame, r, signer, options);
}

function checkSignature(frame: GbcsFrame, r: ResolvedKey, signer: string, options: VerifyOptions): SignatureCheck | Promise<SignatureCheck> {
  if (r.unusable !== undefined) return { status: 'key-unusable', reason: r.unusable, signer };
  if (r.key === undefined) return { status: 'key-unknown', reason: `key store has no DS public key of ${signer}`, signer };
  const primitives = options.primitives ?? defaultPrimitives;
  const unusable = (e: unknown): SignatureCheck => ({ status: 'key-unusable', reason: `DS public key of ${signer}: ${(e as Error).message.split('\n')[0]}`, signer });
  if (primitives.sync) {
    let ok: boolean;
    try {
      ok = primitives.sync.ecdsaVerify(r.key, frame.signedBytes!, frame.signature!);
    } catch (e) {
      return unusable(e);
    }
    return signatureResult(ok, signer);
  }
  return primitives.ecdsaVerify(r.key, frame.signedBytes!, frame.signature!).then((ok) => signatureResult(ok, signer), unusable);
}

const signatureResult = (ok: boolean, signer: string): SignatureCheck =>
  ok
    ? { status: 'valid', reason: `ECDSA P-256 signature by ${signer}`, signer }
    : { status: 'invalid', reason: `signature does not verify with the DS key of ${signer}`, signer };

function macNow(frame: GbcsFrame, keyStore: KeyStore, options: VerifyOptions): MacCheck | Promise<MacCheck> {
  if (frame.kind === 'gbt') return { status: 'absent', reason: 'GBT segment: verify the reassembled message' };
  if (frame.kind !== 'general-ciphering') return { status: 'absent', reason: 'general-signing frame: no MAC layer' };
  const party = options.macParty !== undefined ? normalizeEui(options.macParty) : macParty(frame, options.acb);
  const peer = frame.recipient;
  if (!party) return { status: 'key-unknown', reason: 'commands are MACed by the access control broker: no ACB EUI given', peer };
  const agreed = macKeyNow(frame, keyStore, party, options);
  return agreed instanceof Promise ? agreed.then((a) => checkMac(frame, a, party, peer, options)) : checkMac(frame, agreed, party, peer, options);
}

function checkMac(frame: GbcsFrame, agreed: Agreement, party: string, peer: string, options: VerifyOptions): MacCheck | Promise<MacCheck> {
  if (!agreed.key) return { status: agreed.unusable ? 'key-unusable' : 'key-unknown', reason: agreed.reason, macParty: party, peer };
  const { iv, aad } = macInputs(frame);
  const primitives = options.primitives ?? defaultPrimitives;
  if (primitives.sync) return macResult(constantTimeEqual(primitives.sync.aesGcmEncrypt(agreed.key, iv, aad, EMPTY, MAC_LENGTH), frame.mac!), party, peer);
  return computeMac(agreed.key, iv, aad, options).then((expected) => macResult(constantTimeEqual(expected, frame.mac!), party, peer));
}

const EMPTY = new Uint8Array(0);

const macResult = (ok: boolean, party: string, peer: string): MacCheck =>
  ok
    ? { status: 'valid', reason: `AES-GCM MAC, key agreed between ${party} and ${peer}`, macParty: party, peer }
    : { status: 'invalid', reason: `MAC does not match the key agreed between ${party} and ${peer}`, macParty: party, peer };

/**
 * Verifies a frame (decoded, or bytes/hex/base64 to decode). Never throws for a bad,
 * unknown or unusable key: the results say 'invalid' / 'key-unknown' / 'key-unusable'
 * with the reason. Malformed input throws GbcsDecodeError like `decodeFrame`.
 *
 * What is authenticated (issue 10.10): the signature covers the general-signing APDU
 * from the byte after DF to the end of the payload; the MAC covers the security control
 * byte, the MAC-header bytes 1-5 and the general-signing APDU. The outer ciphered-service
 * length is outside both: a frame whose length is re-encoded in long form still verifies
 * (decode with `{ strict: true }` to refuse non-minimal lengths). ECDSA signatures are
 * malleable: (r, s) and (r, n−s) both verify (GBCS devices do not produce low-S only, so
 * both are accepted), so signature bytes are no message identity: de-duplicate on
 * `normalizeSignature(signature)` or on the signed bytes.
 */
export async function verifyFrame(frame: GbcsFrame | BinaryInput, keyStore: KeyStore, options: VerifyOptions = {}): Promise<FrameVerification> {
  const f = frame instanceof GbcsFrame ? frame : decodeFrame(toBytes(frame));
  const s = signatureNow(f, keyStore, options);
  const m = macNow(f, keyStore, options);
  const [signature, mac] = s instanceof Promise || m instanceof Promise ? await Promise.all([s, m]) : [s, m];
  const ok = signature.status !== 'invalid' && mac.status !== 'invalid' && (signature.status === 'valid' || mac.status === 'valid');
  return { signature, mac, ok };
}
