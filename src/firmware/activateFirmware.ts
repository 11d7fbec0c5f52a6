// CS06 Activate Firmware (0x0012, SR 11.3) and the future-dated activation alert 0x00CA
// (GBCS.md 5.3). All ASN.1 DER:
//   command   30 L 04 20 <hash> 02 n <originatorCounter> [18 0F <executionDateTime>]
//   immediate 30 09 02 01 <code> 04 04 <fwVersion>
//   future-dated or cancellation response: 05 00 (NULL: accepted)
//   alert     30 L 02 03 00 8F 66/67 18 0F <time> 02 n <counter> 30 09 02 01 <code> 04 04 <ver>
// Decoded with the payload module (decodePayload: the WASM DER walker) and written with
// its DER encoder; this module only checks and names the fields.
import { encodeFrame } from '../encode.js';
import { GbcsEncodeError } from '../errors.js';
import { CANCEL_TIME, formatGeneralizedTime, type GeneralizedTime } from '../gbcsTime.js';
import { derGeneralizedTime, derNull, derOctetString, derSequence, derUnsignedInteger, encodeDer } from '../payload/derBuild.js';
import type { Asn1Node } from '../payload/asn1.js';
import { DerFields, decodeAs, fail, type ViewContext } from './payloadFields.js';

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

function generalizedTimeNode(t: Date | 'cancel'): Asn1Node {
  return derGeneralizedTime(t === 'cancel' ? CANCEL_TIME : formatGeneralizedTime(t));
}

/** The CS06 command payload. */
export function buildActivateFirmwareCommand(init: ActivateFirmwareCommandInit): Uint8Array {
  const h = init.manufacturerImageHash;
  if (!(h instanceof Uint8Array) || h.length !== 32) throw new GbcsEncodeError('manufacturerImageHash', `must be 32 bytes (SHA-256), got ${h?.length}`);
  const parts = [derOctetString(h), derUnsignedInteger(init.originatorCounter, 'originatorCounter')];
  if (init.executionDateTime !== undefined) parts.push(generalizedTimeNode(init.executionDateTime));
  return encodeDer(derSequence(...parts));
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

/** The CS06 command fields of a decoded DER root (errors at `ctx.base` + offset). */
export function cs06CommandFields(ctx: Pick<ViewContext, 'base' | 'what'>, root: Asn1Node): ActivateFirmwareCommand {
  const seq = DerFields.of(ctx, root, 0, 'SEQUENCE (CS06 command)', 'the CS06 SEQUENCE');
  const manufacturerImageHash = seq.octets('manufacturerImageHash', 32);
  const originatorCounter = seq.unsigned('originatorCounter');
  const executionDateTime = seq.remaining > 0 ? seq.time('executionDateTime') : undefined;
  seq.done('the end of the CS06 SEQUENCE');
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

function activationResult(seq: DerFields): { responseCode: number; responseCodeName: ActivationResponseCodeName; firmwareVersion: Uint8Array } {
  const at = (seq.children[0] ?? seq.node).offset - seq.ctx.base;
  const code = seq.unsigned('responseCode');
  if (code > 255n) fail(seq.ctx, 'responseCode 0-3', at);
  const firmwareVersion = seq.octets('firmwareVersion', 4);
  seq.done('the end of the activation result');
  const responseCode = Number(code);
  return { responseCode, responseCodeName: activationResponseCodeName(responseCode), firmwareVersion };
}

export function decodeActivateFirmwareCommand(ctx: ViewContext): ActivateFirmwareCommand {
  return cs06CommandFields(ctx, decodeAs(ctx, 'ASN.1').root);
}

export function decodeActivateFirmwareResponse(ctx: ViewContext): ActivateFirmwareResponse {
  const root = decodeAs(ctx, 'ASN.1').root;
  if (root.tag === 0x05 && root.length === 0) return { kind: 'accepted' };
  return { kind: 'immediate', ...activationResult(DerFields.of(ctx, root, 0, 'SEQUENCE {responseCode, firmwareVersion}', 'the activation result')) };
}

function resultNode(code: number, version: Uint8Array): Asn1Node {
  if (version.length !== 4) throw new GbcsEncodeError('firmwareVersion', `must be 4 bytes, got ${version.length}`);
  return derSequence(derUnsignedInteger(code, 'responseCode'), derOctetString(version));
}

/** Device side: the CS06 response payload. */
export function encodeActivateFirmwareResponse(r: ActivateFirmwareResponse): Uint8Array {
  return encodeDer(r.kind === 'accepted' ? derNull() : resultNode(r.responseCode, r.firmwareVersion));
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

export function decodeFutureDatedActivationAlert(ctx: ViewContext): FutureDatedActivationAlert {
  const seq = DerFields.of(ctx, decodeAs(ctx, 'ASN.1').root, 0, 'SEQUENCE (alert 0x00CA)', 'the alert SEQUENCE');
  const at = seq.children[0] ? seq.children[0].offset - ctx.base : 0;
  const alert = seq.unsigned('alertCode');
  if (alert !== 0x8f66n && alert !== 0x8f67n) fail(ctx, 'alert code 0x8F66 (actioned) or 0x8F67 (not actioned)', at, `found 0x${alert.toString(16).toUpperCase()}`);
  const time = seq.time('alert time');
  const originatorCounter = seq.unsigned('originatorCounter');
  const r = activationResult(seq.sequence('SEQUENCE {responseCode, firmwareVersion}', 'the activation result'));
  seq.done('the end of the alert SEQUENCE');
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
  return encodeDer(
    derSequence(
      derUnsignedInteger(a.actioned ? 0x8f66 : 0x8f67, 'alertCode'),
      generalizedTimeNode(a.time),
      derUnsignedInteger(a.originatorCounter, 'originatorCounter'),
      resultNode(a.responseCode, a.firmwareVersion),
    ),
  );
}
