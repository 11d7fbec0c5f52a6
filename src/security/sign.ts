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
