// The decode pool's default task, also usable on one thread (the bench compares the two on
// the same work): decode, and with a key store verify and open, as one JSON text.
import { decodeFrame } from '../decode.js';
import { stringifyJsonSafe } from '../payload/json.js';
import type { KeyStore } from '../security/keyStore.js';
import { openFrame } from '../security/decrypt.js';
import { verifyFrame } from '../security/verify.js';

/**
 * One frame as JSON text: `{ ...frame.toJSON(), payload, verification? }` with the payload
 * tree (opened, i.e. with decrypted parts, when a key store is given) and the
 * FrameVerification. Text, not objects: a string crosses threads far cheaper than a tree.
 * Throws GbcsDecodeError for a malformed frame or payload.
 */
export async function frameRecord(bytes: Uint8Array, keyStore?: KeyStore, acb?: string): Promise<string> {
  const frame = decodeFrame(bytes);
  const p = frame.payload;
  const hasTree = frame.kind !== 'gbt' && frame.payloadFormat !== 'unknown';
  if (!keyStore) return stringifyJsonSafe({ ...frame.toJSON(), payload: hasTree ? p!.decoded : null });
  const verification = await verifyFrame(frame, keyStore, acb === undefined ? {} : { acb });
  const opened = hasTree ? await openFrame(frame, keyStore) : undefined;
  return stringifyJsonSafe({ ...frame.toJSON(), payload: opened ? opened.payload : null, verification });
}
