// The decode pool's default task, also usable on one thread (the bench compares the two on
// the same work): decode, and with a key store verify and open, as one JSON text.
import { decodeFrame } from '../decode.js';
import { JsonWriter } from '../payload/json.js';
import type { KeyStore } from '../security/keyStore.js';
import { openFrame } from '../security/decrypt.js';
import { verifyFrame } from '../security/verify.js';
import type { GbcsFrame } from '../frame.js';

/** This thread's record writer (one buffer reused; each record is written without an await). */
const writer = new JsonWriter(16 * 1024);

/** `{ ...frame.toJSON(), payload, verification? }` appended to `w` at `w.pos`, in one pass. */
function writeRecord(w: JsonWriter, frame: GbcsFrame, payload: unknown, verification?: unknown): void {
  const start = w.pos;
  frame.writeJsonMembers(w);
  w.buf[start] = 123; // the first member's comma opens the object
  w.key('payload');
  w.value(payload);
  if (verification !== undefined) (w.key('verification'), w.value(verification));
  w.byte(125);
}

/**
 * One frame as JSON text: `{ ...frame.toJSON(), payload, verification? }` with the payload
 * tree (opened, i.e. with decrypted parts, when a key store is given) and the
 * FrameVerification. Text, not objects: a string crosses threads far cheaper than a tree.
 * Written in one pass by the JsonWriter (payload/json.ts): no JSON-safe copy of the tree.
 * Throws GbcsDecodeError for a malformed frame or payload.
 */
export async function frameRecord(bytes: Uint8Array, keyStore?: KeyStore, acb?: string): Promise<string> {
  const frame = decodeFrame(bytes);
  const hasTree = frame.kind !== 'gbt' && frame.payloadFormat !== 'unknown';
  if (!keyStore) {
    writer.pos = 0;
    writeRecord(writer, frame, hasTree ? frame.payload!.decoded : null);
    return writer.text();
  }
  const verification = await verifyFrame(frame, keyStore, acb === undefined ? {} : { acb });
  const opened = hasTree ? await openFrame(frame, keyStore) : undefined;
  writer.pos = 0;
  writeRecord(writer, frame, opened ? opened.payload : null, verification);
  return writer.text();
}

/**
 * frameRecord's JSON appended to `w` as UTF-8 bytes (the pool's workers write a whole batch
 * into one buffer and hand it over, instead of a string per frame). On a throw, bytes after
 * the start may have been written: the caller resets `w.pos`.
 */
export async function appendFrameRecord(w: JsonWriter, bytes: Uint8Array, keyStore?: KeyStore, acb?: string): Promise<void> {
  const frame = decodeFrame(bytes);
  const hasTree = frame.kind !== 'gbt' && frame.payloadFormat !== 'unknown';
  if (!keyStore) return writeRecord(w, frame, hasTree ? frame.payload!.decoded : null);
  const verification = await verifyFrame(frame, keyStore, acb === undefined ? {} : { acb });
  const opened = hasTree ? await openFrame(frame, keyStore) : undefined;
  writeRecord(w, frame, opened ? opened.payload : null, verification);
}
