// GBCS MAC (GBCS.md 1.6, VERIFIED on RTDS): AES-128-GCM with an empty plaintext over the
// general-signing APDU, keyed by ECDH + KDF between the MACing party and the recipient.
// Also builds MACed general-ciphering frames (device simulators, adapters, tests).
import { euiBytes, normalizeEui } from '../bytes.js';
import { decodeFrame } from '../decode.js';
import { encodeFrame, frameInitOf } from '../encode.js';
import { GbcsEncodeError } from '../errors.js';
import type { FrameInit, GbcsFrame } from '../frame.js';
import { agreeKeyNow, type Agreement, type AgreementOptions } from './agreement.js';
import { kdfOtherInfo } from './kdf.js';
import type { KeyStore } from './keyStore.js';
import { defaultPrimitives } from './primitives.js';

/** Length in bytes of a GBCS MAC (truncated GMAC tag). */
export const MAC_LENGTH = 12;

/**
 * Commands sent by a HAN device (PPMID/HCALCS) to a meter: the sending device MACs them,
 * not the access control broker. PCS01/PCS02 are stated by the RTDS README; the ESME
 * variants PECS01-03 and HECS01 follow by analogy (UNCONFIRMED: no RTDS sample).
 */
export const DEVICE_MACED_COMMANDS: ReadonlySet<number> = new Set([0x009b, 0x0090, 0x0116, 0x0117, 0x0118, 0x0119]);

/**
 * The party whose KA key made the MAC: the access control broker for commands (except
 * DEVICE_MACED_COMMANDS), the originator for responses and alerts. Undefined when a
 * command needs the ACB and none was given.
 */
export function macParty(frame: Pick<FrameInit, 'cra' | 'messageCode' | 'originator'>, acb?: string | Uint8Array): string | undefined {
  if (frame.cra !== 'command' || DEVICE_MACED_COMMANDS.has(frame.messageCode)) return normalizeEui(frame.originator);
  return acb === undefined ? undefined : normalizeEui(acb);
}

/** IV and AAD of a MACed frame, from its encoded bytes and layout. */
export function macInputs(frame: GbcsFrame): { iv: Uint8Array; aad: Uint8Array; counterBytes: Uint8Array } {
  const b = frame.bytes;
  const L = frame.layout;
  if (frame.kind !== 'general-ciphering' || L.mac < 0) throw new TypeError('only general-ciphering frames carry a MAC');
  // IV = originator ST ‖ invocation counter. Every RTDS frame has IC 0, which gives the
  // VERIFIED `ST ‖ 00000000`; taking the frame's IC (the DLMS reading) also makes a
  // tampered IC fail the MAC.
  const iv = new Uint8Array(12);
  iv.set(b.subarray(L.originator, L.originator + 8), 0);
  const shAt = L.generalSigning - 5;
  iv.set(b.subarray(shAt + 1, shAt + 5), 8);
  // AAD = security control ‖ the five empty MAC-header field lengths (bytes 1-5: the
  // VERIFIED prefix `11 00 00 00 00 00`; reading it this way is UNCONFIRMED, but every
  // byte taken from the frame is then authenticated) ‖ DF … end of the signature field.
  const apdu = b.subarray(L.generalSigning, L.mac);
  const aad = new Uint8Array(6 + apdu.length);
  aad[0] = b[shAt]!;
  aad.set(b.subarray(1, 6), 1);
  aad.set(apdu, 6);
  return { iv, aad, counterBytes: b.subarray(L.counter, L.counter + 8) };
}

export interface MacOptions extends AgreementOptions {
  /** Access control broker EUI: the MACing party of commands. */
  readonly acb?: string | Uint8Array;
  /** Override the MACing party (e.g. a test of a non-standard route). */
  readonly macParty?: string | Uint8Array;
}

/** The 16-byte key for MACing `frame` (KDF with the header's CRA and counter). */
export async function macKey(frame: GbcsFrame, keyStore: KeyStore, party: string, options: AgreementOptions = {}): Promise<Agreement> {
  return macKeyNow(frame, keyStore, party, options);
}

/** macKey without a promise when every answer is at hand (see agreeKeyNow). */
export function macKeyNow(frame: GbcsFrame, keyStore: KeyStore, party: string, options: AgreementOptions = {}): Agreement | Promise<Agreement> {
  const b = frame.bytes;
  const L = frame.layout;
  const otherInfo = kdfOtherInfo(
    b.subarray(L.originator, L.originator + 8),
    frame.craFlag,
    b.subarray(L.counter, L.counter + 8),
    b.subarray(L.recipient, L.recipient + 8),
  );
  return agreeKeyNow(keyStore, party, frame.recipient, otherInfo, options);
}

/** GCM tag over empty plaintext, cut to 12 bytes. */
export async function computeMac(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, options: AgreementOptions = {}): Promise<Uint8Array> {
  return (options.primitives ?? defaultPrimitives).aesGcmEncrypt(key, iv, aad, new Uint8Array(0), MAC_LENGTH);
}

/**
 * Encodes `frame` as a MACed general-ciphering frame (`DD 00…` ‖ SC ‖ IC ‖ general-signing
 * APDU ‖ MAC) with a real MAC. The MACing party (ACB for commands, originator otherwise,
 * or `options.macParty`) or the recipient must have a KA private key in `keyStore`.
 * `frame` is not modified; the result decodes and verifies with `verifyFrame`.
 */
export async function buildMacedFrame(frame: FrameInit, keyStore: KeyStore, options: MacOptions = {}): Promise<Uint8Array> {
  const party = options.macParty !== undefined ? normalizeEui(options.macParty) : macParty(frame, options.acb);
  if (!party) throw new GbcsEncodeError('acb', 'a command is MACed by the access control broker: give options.acb');
  euiBytes(frame.originator, 'originator');
  const signatureState = frame.signature ? 'present' : frame.signatureState === 'absent' || frame.signatureState === undefined ? 'empty' : frame.signatureState;
  const draft = encodeFrame({ ...frameInitOf(frame), kind: 'general-ciphering', signatureState, mac: new Uint8Array(MAC_LENGTH) });
  const decoded = decodeFrame(draft);
  const agreed = await macKey(decoded, keyStore, party, options);
  if (!agreed.key) throw new GbcsEncodeError('mac', agreed.reason);
  const { iv, aad } = macInputs(decoded);
  draft.set(await computeMac(agreed.key, iv, aad, options), decoded.layout.mac);
  return draft;
}

