// CS06 Activate Firmware (0x0012, SR 11.3) and the future-dated activation alert 0x00CA
// (GBCS.md 5.3). All ASN.1 DER:
//   command   30 L 04 20 <hash> 02 n <originatorCounter> [18 0F <executionDateTime>]
//   immediate 30 09 02 01 <code> 04 04 <fwVersion>
//   future-dated or cancellation response: 05 00 (NULL: accepted)
//   alert     30 L 02 03 00 8F 66/67 18 0F <time> 02 n <counter> 30 09 02 01 <code> 04 04 <ver>
import { encodeFrame } from '../encode.js';
import { GbcsEncodeError } from '../errors.js';
import { CANCEL_TIME, Cursor, concat, derUnsignedBytes, formatGeneralizedTime, tlv, type GeneralizedTime } from '../typed/cursor.js';

export const CS06_MESSAGE_CODE = 0x0012;
export const FUTURE_DATED_ACTIVATION_ALERT_CODE = 0x00ca;

/** Activation response codes (GBCS.md 5.3). */
export const ACTIVATION_RESPONSE_CODES = ['success', 'noImageHeld', 'hashMismatch', 'activationFailure'] as const;
export type ActivationResponseCodeName = (typeof ACTIVATION_RESPONSE_CODES)[number] | 'unknown';

export function activationResponseCodeName(code: number): ActivationResponseCodeName {
  return ACTIVATION_RESPONSE_CODES[code] ?? 'unknown';
}

export interface ActivateFirmwareCommand {
  /** SHA-256 of the Manufacturer Image (32 bytes). */
  readonly manufacturerImageHash: Uint8Array;
  /** Equals the header's originator counter (GBCS.md 1.3). */
  readonly originatorCounter: bigint;
  /** Absent for immediate activation; `cancel` for 99991231235959Z. */
  readonly executionDateTime?: GeneralizedTime;
}

export interface ActivateFirmwareCommandInit {
  readonly manufacturerImageHash: Uint8Array;
  readonly originatorCounter: bigint | number;
  /** A Date for future-dated activation, 'cancel' to cancel one, omitted for immediate. */
  readonly executionDateTime?: Date | 'cancel';
}

function generalizedTimeTlv(t: Date | 'cancel'): Uint8Array {
  const text = t === 'cancel' ? CANCEL_TIME : formatGeneralizedTime(t);
  return tlv(0x18, Uint8Array.from(text, (ch) => ch.charCodeAt(0)));
}

/** The CS06 command payload. */
export function buildActivateFirmwareCommand(init: ActivateFirmwareCommandInit): Uint8Array {
  const h = init.manufacturerImageHash;
  if (!(h instanceof Uint8Array) || h.length !== 32) throw new GbcsEncodeError('manufacturerImageHash', `must be 32 bytes (SHA-256), got ${h?.length}`);
  const parts = [tlv(0x04, h), tlv(0x02, derUnsignedBytes(init.originatorCounter, 'originatorCounter'))];
  if (init.executionDateTime !== undefined) parts.push(generalizedTimeTlv(init.executionDateTime));
  return tlv(0x30, concat(...parts));
}

export interface ActivateFirmwareFrameInit extends ActivateFirmwareCommandInit {
  readonly originator: string | Uint8Array;
  readonly recipient: string | Uint8Array;
}

/**
 * The CS06 DUIS pre-command (`DF ...` without signature field): what the Remote Party
 * signs; signing and the ACB MAC belong to the security layer.
 */
export function buildActivateFirmwarePreCommand(init: ActivateFirmwareFrameInit): Uint8Array {
  return encodeFrame({
    kind: 'general-signing',
    cra: 'command',
    originatorCounter: init.originatorCounter,
    originator: init.originator,
    recipient: init.recipient,
    messageCode: CS06_MESSAGE_CODE,
    content: buildActivateFirmwareCommand(init),
    signatureState: 'absent',
  });
}

export function decodeActivateFirmwareCommand(c: Cursor): ActivateFirmwareCommand {
  const seq = c.sub(c.tlv(0x30, 'SEQUENCE (CS06 command)'), 'the CS06 SEQUENCE');
  const manufacturerImageHash = seq.derOctets('manufacturerImageHash', 32);
  const originatorCounter = seq.derUnsigned('originatorCounter');
  const executionDateTime = seq.remaining > 0 ? seq.derTime('executionDateTime') : undefined;
  seq.done('the end of the CS06 SEQUENCE');
  c.done();
  return { manufacturerImageHash, originatorCounter, ...(executionDateTime ? { executionDateTime } : {}) };
}

export type ActivateFirmwareResponse =
  | {
      readonly kind: 'immediate';
      readonly responseCode: number;
      readonly responseCodeName: ActivationResponseCodeName;
      /** 4-byte firmware version now executing. */
      readonly firmwareVersion: Uint8Array;
    }
  /** `05 00`: a future-dated activation or a cancellation accepted (the command says which). */
  | { readonly kind: 'accepted' };

function activationResult(c: Cursor): { responseCode: number; responseCodeName: ActivationResponseCodeName; firmwareVersion: Uint8Array } {
  const seq = c.sub(c.tlv(0x30, 'SEQUENCE {responseCode, firmwareVersion}'), 'the activation result');
  const code = seq.derUnsigned('responseCode');
  if (code > 255n) seq.fail('responseCode 0-3', seq.pos - 1);
  const firmwareVersion = seq.derOctets('firmwareVersion', 4);
  seq.done('the end of the activation result');
  const responseCode = Number(code);
  return { responseCode, responseCodeName: activationResponseCodeName(responseCode), firmwareVersion };
}

export function decodeActivateFirmwareResponse(c: Cursor): ActivateFirmwareResponse {
  if (c.remaining === 2 && c.bytes[c.pos] === 0x05) {
    c.expect(0x05, 'NULL');
    c.expect(0x00, 'NULL length 0');
    return { kind: 'accepted' };
  }
  const r = activationResult(c);
  c.done();
  return { kind: 'immediate', ...r };
}

function resultTlv(code: number, version: Uint8Array): Uint8Array {
  if (version.length !== 4) throw new GbcsEncodeError('firmwareVersion', `must be 4 bytes, got ${version.length}`);
  return tlv(0x30, concat(tlv(0x02, derUnsignedBytes(code, 'responseCode')), tlv(0x04, version)));
}

/** Device side: the CS06 response payload. */
export function encodeActivateFirmwareResponse(r: ActivateFirmwareResponse): Uint8Array {
  return r.kind === 'accepted' ? Uint8Array.of(0x05, 0x00) : resultTlv(r.responseCode, r.firmwareVersion);
}

export interface FutureDatedActivationAlert {
  /** 0x8F66 actioned, 0x8F67 not actioned. */
  readonly alertCode: number;
  readonly actioned: boolean;
  readonly time: GeneralizedTime;
  /** Counter of the CS06 command that scheduled the activation. */
  readonly originatorCounter: bigint;
  readonly responseCode: number;
  readonly responseCodeName: ActivationResponseCodeName;
  readonly firmwareVersion: Uint8Array;
}

export function decodeFutureDatedActivationAlert(c: Cursor): FutureDatedActivationAlert {
  const seq = c.sub(c.tlv(0x30, 'SEQUENCE (alert 0x00CA)'), 'the alert SEQUENCE');
  const at = seq.pos;
  const alert = seq.derUnsigned('alertCode');
  if (alert !== 0x8f66n && alert !== 0x8f67n) seq.fail('alert code 0x8F66 (actioned) or 0x8F67 (not actioned)', at, `found 0x${alert.toString(16).toUpperCase()}`);
  const time = seq.derTime('alert time');
  const originatorCounter = seq.derUnsigned('originatorCounter');
  const r = activationResult(seq);
  seq.done('the end of the alert SEQUENCE');
  c.done();
  const alertCode = Number(alert);
  return { alertCode, actioned: alertCode === 0x8f66, time, originatorCounter, ...r };
}

export interface FutureDatedActivationAlertInit {
  readonly actioned: boolean;
  readonly time: Date;
  readonly originatorCounter: bigint | number;
  readonly responseCode: number;
  readonly firmwareVersion: Uint8Array;
}

/** Device side: the 0x00CA alert payload. */
export function encodeFutureDatedActivationAlert(a: FutureDatedActivationAlertInit): Uint8Array {
  return tlv(
    0x30,
    concat(
      tlv(0x02, derUnsignedBytes(a.actioned ? 0x8f66 : 0x8f67, 'alertCode')),
      generalizedTimeTlv(a.time),
      tlv(0x02, derUnsignedBytes(a.originatorCounter, 'originatorCounter')),
      resultTlv(a.responseCode, a.firmwareVersion),
    ),
  );
}
