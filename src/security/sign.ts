// Pre-command signing (GBCS.md 1.5): a DUIS pre-command is a general-signing APDU with
// no signature field (or a zero-length one); the supplier signs the bytes from the byte
// after DF to the last payload byte with its DS private key (ECDSA P-256, raw r||s).
import { normalizeEui, toBytes, type BinaryInput } from '../bytes.js';
import { decodeFrame } from '../decode.js';
import { encodeFrame, frameInitOf } from '../encode.js';
import { GbcsEncodeError } from '../errors.js';
import { GbcsFrame } from '../frame.js';
import type { KeyStore } from './keyStore.js';
import { defaultPrimitives, type CryptoPrimitives } from './primitives.js';

/** Options for signing (crypto primitives to use). */
export interface SignOptions {
  readonly primitives?: CryptoPrimitives;
}

/**
 * Signs a PRECOMMAND and returns the signed command: the same general-signing APDU with
 * `40 ‖ r ‖ s` as signature field (`DF 09 … 40 <64 bytes>`), ready for the access control
 * broker to MAC. The signer must be the originator (the signature is verified against
 * the originator's DS key). Throws GbcsEncodeError when the input is not an unsigned
 * general-signing command, the signer is not its originator, or the DS private key is
 * not in the key store. The input is not modified.
 */
export async function signPreCommand(
  preCommand: GbcsFrame | BinaryInput,
  signerEui: string | Uint8Array,
  keyStore: KeyStore,
  options: SignOptions = {},
): Promise<Uint8Array> {
  const f = preCommand instanceof GbcsFrame ? preCommand : decodeFrame(toBytes(preCommand));
  if (f.kind !== 'general-signing') throw new GbcsEncodeError('preCommand', `a pre-command is a general-signing (DF) APDU, got ${f.kind}`);
  if (f.cra !== 'command') throw new GbcsEncodeError('preCommand', `only commands are signed this way, got a ${f.cra}`);
  if (f.signatureState === 'present') throw new GbcsEncodeError('preCommand', 'the frame is already signed');
  const signer = normalizeEui(signerEui);
  if (signer !== f.originator) throw new GbcsEncodeError('signer', `the signer ${signer} is not the originator ${f.originator} whose DS key verifies the signature`);
  const key = await keyStore(signer, 'DS', { privateKey: true });
  if (!key) throw new GbcsEncodeError('signer', `key store has no DS private key of ${signer}`);
  const signature = await (options.primitives ?? defaultPrimitives).ecdsaSign(key, f.signedBytes!);
  return encodeFrame({ ...frameInitOf(f), kind: 'general-signing', signatureState: 'present', signature });
}

/** Order n of the P-256 group. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_HALF_N = P256_N >> 1n;

function bigOf(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

function rawSignature(signature: Uint8Array): Uint8Array {
  if (signature.length !== 64) throw new TypeError(`an ECDSA P-256 signature is 64 bytes r||s, got ${signature.length}`);
  return signature;
}

/** True when the raw r||s signature has s <= n/2 (the low-S form). */
export function isLowS(signature: Uint8Array): boolean {
  return bigOf(rawSignature(signature).subarray(32)) <= P256_HALF_N;
}

/**
 * The low-S form of a raw P-256 signature r||s: (r, n−s) when s > n/2, else a copy.
 * ECDSA signatures are malleable: (r, s) and (r, n−s) both verify, and GBCS devices do
 * not produce low-S only, so verification accepts both and the signature bytes are no
 * message identity. De-duplicate (replay lists, stores) on this form or on the signed
 * bytes, never on the raw signature. The input is not modified.
 */
export function normalizeSignature(signature: Uint8Array): Uint8Array {
  const out = new Uint8Array(rawSignature(signature));
  const s = bigOf(out.subarray(32));
  if (s > P256_HALF_N) {
    let v = P256_N - s;
    for (let i = 63; i >= 32; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  }
  return out;
}
