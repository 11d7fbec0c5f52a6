// CS06 Activate Firmware (0x0012, DUIS SR 11.3) and the future-dated activation alert
// 0x00CA (GBCS.md 5.3; field names NAMES.md 4.2). The one home of CS06: the typed views,
// the builders, the OTA activation check (ota/activation.ts) and the device simulator
// (ota/otaClient.ts) all read the command here. All ASN.1 DER:
//   command   30 L 04 20 <hash> 02 n <originatorCounter> [18 0F <executionDateTime>]
//   immediate 30 09 02 01 <responseCode> 04 04 <firmwareVersion>
//   future-dated or cancellation response: 05 00 (NULL: accepted)
//   alert     30 L 02 03 00 8F 66/67 18 0F <executionDateTime> 02 n <originatorCounter>
//                  30 09 02 01 <responseCode> 04 04 <firmwareVersion>
// Decoded with the payload module (the WASM DER walker) and read with DerFields; written
// with the payload DER encoder. The field names are those of the one ASN.1 schema table
// (payload/asn1Schemas.ts: CS06_SCHEMA, CS06_RESPONSE_SCHEMA, CS06_ALERT_SCHEMA; NAMES.md
// 4.2), which also names the generic payload tree; a test keeps the views' keys equal to them.
import { toBytes, toHex, type BinaryInput } from '../bytes.js';
import { decodeFrame } from '../decode.js';
import { encodeFrame } from '../encode.js';
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';
import { GbcsFrame } from '../frame.js';
import { CANCEL_TIME, formatGeneralizedTime, type GeneralizedTime } from '../gbcsTime.js';
import { decodeDer, type Asn1Node } from '../payload/asn1.js';
import { CS06_ALERT_SCHEMA, CS06_RESPONSE_SCHEMA, CS06_SCHEMA, type Asn1Field } from '../payload/asn1Schemas.js';
import { derGeneralizedTime, derNull, derOctetString, derSequence, derUnsignedInteger, encodeDer } from '../payload/derBuild.js';
import { DerFields, decodeAs, fail, type ViewContext } from './fields.js';
import { isoText, jsonView, useCase, type SpanRecorder } from './module.js';

/** The component names of a schema SEQUENCE, in order (checked: the schema has exactly `n`). */
function fieldNames(schema: Asn1Field, n: number): string[] {
  const names = (schema.fields ?? []).map((f) => f.name);
  if (names.length !== n) throw new Error(`CS06 module: schema ${schema.name} has ${names.length} fields, expected ${n}`);
  return names;
}
const [HASH, COUNTER, EXECUTION_TIME] = fieldNames(CS06_SCHEMA, 3) as [string, string, string];
const [RESPONSE_CODE, FIRMWARE_VERSION] = fieldNames(CS06_RESPONSE_SCHEMA, 2) as [string, string];
const [ALERT_CODE, ALERT_TIME, ALERT_COUNTER] = fieldNames(CS06_ALERT_SCHEMA, 4) as [string, string, string, string];

/** Message code of CS06 Activate Firmware. */
export const CS06_MESSAGE_CODE = 0x0012;
/** Message code of the Future Dated Activation alert. */
export const FUTURE_DATED_ACTIVATION_ALERT_CODE = 0x00ca;

/** Activation response codes (GBCS.md 5.3). */
export const ACTIVATION_RESPONSE_CODES = ['success', 'noImageHeld', 'hashMismatch', 'activationFailure'] as const;
/** Name of a CS06 activation response code. */
export type ActivationResponseCodeName = (typeof ACTIVATION_RESPONSE_CODES)[number] | 'unknown';

/** Name of a CS06 activation response code ('unknown' when out of range). */
export function activationResponseCodeName(code: number): ActivationResponseCodeName {
  return ACTIVATION_RESPONSE_CODES[code] ?? 'unknown';
}

/** A decoded CS06 Activate Firmware command. */
export interface ActivateFirmwareCommand {
  /** SHA-256 of the Manufacturer Image (32 bytes). */
  readonly manufacturerImageHash: Uint8Array;
  /** Equals the header's originator counter (GBCS.md 1.3). */
  readonly originatorCounter: bigint;
  /** Absent for immediate activation; `cancel` for 99991231235959Z. */
  readonly executionDateTime?: GeneralizedTime;
}

/** Inputs for encoding a CS06 Activate Firmware command. */
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

/** Inputs for encoding a whole CS06 frame (command plus parties). */
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

/**
 * The CS06 command fields of a decoded DER root (errors at `ctx.base` + offset, code
 * `ctx.what`). The counter is read as DER defines an INTEGER (signed); with
 * `negativeCounter: 'refuse'` (the typed view) a negative one is an error, since the
 * originator counter is an unsigned sequence number.
 */
export function cs06CommandFields(ctx: Pick<ViewContext, 'base' | 'what' | 'spans'>, root: Asn1Node, opts: { negativeCounter?: 'refuse' | 'keep' } = {}): ActivateFirmwareCommand {
  const seq = DerFields.of(ctx, root, 0, 'SEQUENCE (CS06 command)', 'the CS06 SEQUENCE');
  const manufacturerImageHash = seq.octets(HASH, 32);
  ctx.spans?.set('manufacturerImageHash', seq.lastSpan());
  const originatorCounter = opts.negativeCounter === 'keep' ? seq.integer(COUNTER) : seq.unsigned(COUNTER);
  ctx.spans?.set('originatorCounter', seq.lastSpan());
  const executionDateTime = seq.remaining > 0 ? seq.time(EXECUTION_TIME) : undefined;
  if (executionDateTime) ctx.spans?.set('executionDateTime', seq.lastSpan());
  seq.done('the end of the CS06 SEQUENCE');
  return { manufacturerImageHash, originatorCounter, ...(executionDateTime ? { executionDateTime } : {}) };
}

/** A decoded CS06 response: immediate (with response code) or future-dated. */
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

/** The activation result SEQUENCE; spans (when recorded) go under `prefix` ('' or 'response.'). */
function activationResult(seq: DerFields, spans: SpanRecorder | undefined, prefix: string): { responseCode: number; responseCodeName: ActivationResponseCodeName; firmwareVersion: Uint8Array } {
  const at = (seq.children[0] ?? seq.node).offset - seq.ctx.base;
  const code = seq.unsigned(RESPONSE_CODE);
  spans?.set(`${prefix}responseCode`, seq.lastSpan());
  spans?.alias(`${prefix}responseCode`, `${prefix}responseCodeName`);
  if (code > 255n) fail(seq.ctx, 'responseCode 0-3', at);
  const firmwareVersion = seq.octets(FIRMWARE_VERSION, 4);
  spans?.set(`${prefix}firmwareVersion`, seq.lastSpan());
  seq.done('the end of the activation result');
  const responseCode = Number(code);
  return { responseCode, responseCodeName: activationResponseCodeName(responseCode), firmwareVersion };
}

export function decodeActivateFirmwareCommand(ctx: ViewContext): ActivateFirmwareCommand {
  return cs06CommandFields(ctx, decodeAs(ctx, 'ASN.1').root);
}

export function decodeActivateFirmwareResponse(ctx: ViewContext): ActivateFirmwareResponse {
  const root = decodeAs(ctx, 'ASN.1').root;
  // The kind is the root element's: NULL (accepted) or the result SEQUENCE.
  ctx.spans?.at('response.kind', root.offset, root.end - root.offset);
  if (root.tag === 0x05 && root.length === 0) return { kind: 'accepted' };
  return { kind: 'immediate', ...activationResult(DerFields.of(ctx, root, 0, 'SEQUENCE {responseCode, firmwareVersion}', 'the activation result'), ctx.spans, 'response.') };
}

function resultNode(code: number, version: Uint8Array): Asn1Node {
  if (version.length !== 4) throw new GbcsEncodeError('firmwareVersion', `must be 4 bytes, got ${version.length}`);
  return derSequence(derUnsignedInteger(code, 'responseCode'), derOctetString(version));
}

/** Device side: the CS06 response payload. */
export function encodeActivateFirmwareResponse(r: ActivateFirmwareResponse): Uint8Array {
  return encodeDer(r.kind === 'accepted' ? derNull() : resultNode(r.responseCode, r.firmwareVersion));
}

/** A decoded Future Dated Firmware Activation alert (8F66/8F67). */
export interface FutureDatedActivationAlert {
  /** 0x8F66 actioned, 0x8F67 not actioned. */
  readonly alertCode: number;
  readonly actioned: boolean;
  /** When the activation was executed (or due): the alert's GeneralizedTime (NAMES.md 4.2 `executionDateTime`). */
  readonly executionDateTime: GeneralizedTime;
  /** Counter of the CS06 command that scheduled the activation. */
  readonly originatorCounter: bigint;
  readonly responseCode: number;
  readonly responseCodeName: ActivationResponseCodeName;
  readonly firmwareVersion: Uint8Array;
}

export function decodeFutureDatedActivationAlert(ctx: ViewContext): FutureDatedActivationAlert {
  const seq = DerFields.of(ctx, decodeAs(ctx, 'ASN.1').root, 0, 'SEQUENCE (alert 0x00CA)', 'the alert SEQUENCE');
  const at = seq.children[0] ? seq.children[0].offset - ctx.base : 0;
  const alert = seq.unsigned(ALERT_CODE);
  const sp = ctx.spans;
  sp?.set('alertCode', seq.lastSpan());
  sp?.alias('alertCode', 'actioned');
  if (alert !== 0x8f66n && alert !== 0x8f67n) fail(ctx, 'alert code 0x8F66 (actioned) or 0x8F67 (not actioned)', at, `found 0x${alert.toString(16).toUpperCase()}`);
  const executionDateTime = seq.time(ALERT_TIME);
  sp?.set('executionDateTime', seq.lastSpan());
  const originatorCounter = seq.unsigned(ALERT_COUNTER);
  sp?.set('originatorCounter', seq.lastSpan());
  const r = activationResult(seq.sequence('SEQUENCE {responseCode, firmwareVersion}', 'the activation result'), sp, '');
  seq.done('the end of the alert SEQUENCE');
  const alertCode = Number(alert);
  return { alertCode, actioned: alertCode === 0x8f66, executionDateTime, originatorCounter, ...r };
}

/** Inputs for encoding a Future Dated Firmware Activation alert. */
export interface FutureDatedActivationAlertInit {
  readonly actioned: boolean;
  /** The execution date-time the alert reports. */
  readonly executionDateTime?: Date;
  /** @deprecated the same as `executionDateTime` (its name before NAMES.md). */
  readonly time?: Date;
  readonly originatorCounter: bigint | number;
  readonly responseCode: number;
  readonly firmwareVersion: Uint8Array;
}

/** Device side: the 0x00CA alert payload. */
export function encodeFutureDatedActivationAlert(a: FutureDatedActivationAlertInit): Uint8Array {
  const t = a.executionDateTime ?? a.time;
  if (!(t instanceof Date)) throw new GbcsEncodeError('executionDateTime', 'the 0x00CA alert needs its execution date-time (a Date)');
  return encodeDer(
    derSequence(
      derUnsignedInteger(a.actioned ? 0x8f66 : 0x8f67, 'alertCode'),
      generalizedTimeNode(t),
      derUnsignedInteger(a.originatorCounter, 'originatorCounter'),
      resultNode(a.responseCode, a.firmwareVersion),
    ),
  );
}

// ---- The OTA form: what a device does with a CS06 command (ota/activation.ts, ota/otaClient.ts).

/** GeneralizedTime meaning "cancel the pending future-dated activation" (GBCS.md 3.4). */
export const CS06_CANCEL_TIME = CANCEL_TIME;

/** The CS06 command fields as a view over the frame. */
export interface Cs06Command {
  /** 32-byte Manufacturer Image hash (view). */
  readonly hash: Uint8Array;
  readonly hashHex: string;
  /** The INTEGER after the hash (the command's originator counter), read as DER defines it (signed). */
  readonly counter: bigint;
  /** GeneralizedTime text when future-dated (or the cancel value). */
  readonly executionDateTime?: string;
  readonly cancel: boolean;
}

/**
 * Decodes the CS06 command payload (ASN.1) as a device reads it, strictly: nothing may
 * follow the SEQUENCE. The same field reader as the typed view (cs06CommandFields);
 * errors are GbcsDecodeErrors with code 'cs06' (walker errors keep theirs: 'truncated',
 * 'trailing-bytes', ...) at offsets into the payload.
 */
export function decodeCs06Command(input: BinaryInput): Cs06Command {
  const b = toBytes(input);
  let root: Asn1Node;
  try {
    root = decodeDer(b);
  } catch (e) {
    if (e instanceof GbcsDecodeError && e.code === 'payload-trailing-bytes') throw new GbcsDecodeError('trailing-bytes', e.offset, 'end of the CS06 payload');
    throw e;
  }
  const cmd = cs06CommandFields({ base: 0, what: 'cs06' }, root, { negativeCounter: 'keep' });
  const t = cmd.executionDateTime;
  const hash = cmd.manufacturerImageHash;
  return { hash, hashHex: toHex(hash), counter: cmd.originatorCounter, ...(t !== undefined && { executionDateTime: t.text }), cancel: t?.cancel ?? false };
}

/** The CS06 payload from a frame, frame bytes/hex/base64, or the ASN.1 payload itself. */
export function cs06Payload(cs06: GbcsFrame | BinaryInput): Uint8Array {
  let frame: GbcsFrame | undefined;
  if (cs06 instanceof GbcsFrame) frame = cs06;
  else {
    const b = toBytes(cs06);
    if (b[0] === 0x30) return b;
    frame = decodeFrame(b);
  }
  if (frame.messageCode !== CS06_MESSAGE_CODE) {
    throw new GbcsDecodeError('message-code', frame.layout.otherInformation, 'message code 0x0012 (CS06 Activate Firmware)', `found 0x${frame.messageCode.toString(16).padStart(4, '0')}`);
  }
  if (frame.cra !== 'command') throw new GbcsDecodeError('cra-flag', 0, 'a CS06 command (CRA flag 01)', `found a ${frame.cra}`);
  return frame.content;
}

// ---- Use-case modules.

const viewContext = (f: GbcsFrame, spans?: SpanRecorder): ViewContext => ({ content: f.content, base: f.contentOffset, what: 'firmware', frame: f, spans });

/** The CS06 typed view (JSON key `firmware`). */
export type Cs06View =
  | ({ readonly type: 'activate-firmware-command' } & ActivateFirmwareCommand)
  | { readonly type: 'activate-firmware-response'; readonly response: ActivateFirmwareResponse };

/** CS06 Activate Firmware (0x0012, SR 11.3): command and response. */
export const cs06Module = useCase<Cs06View>({
  id: 'CS06',
  title: 'Activate Firmware (SR 11.3): immediate, future-dated or cancel; the response code and running version',
  codes: [CS06_MESSAGE_CODE],
  cras: ['command', 'response'],
  family: 'firmware',
  schemas: { command: CS06_SCHEMA, response: CS06_RESPONSE_SCHEMA },
  read(f, spans) {
    const c = viewContext(f, spans);
    return f.cra === 'command' ? { type: 'activate-firmware-command', ...decodeActivateFirmwareCommand(c) } : { type: 'activate-firmware-response', response: decodeActivateFirmwareResponse(c) };
  },
  build(v) {
    if (v.type === 'activate-firmware-response') return encodeActivateFirmwareResponse(v.response);
    const t = v.executionDateTime;
    return encodeDer(
      derSequence(derOctetString(v.manufacturerImageHash), derUnsignedInteger(v.originatorCounter, 'originatorCounter'), ...(t ? [derGeneralizedTime(t.text)] : [])),
    );
  },
  render(m, out) {
    if (m.type === 'activate-firmware-command') {
      out.row('activate firmware', m.executionDateTime ? (m.executionDateTime.cancel ? 'cancel the future-dated activation' : `future-dated ${isoText(m.executionDateTime.date)}`) : 'immediate');
      out.row('  image hash', toHex(m.manufacturerImageHash));
      out.row('  counter', m.originatorCounter.toString());
      return;
    }
    const r = m.response;
    out.row('activation', r.kind === 'accepted' ? 'accepted (future-dated or cancellation)' : `${r.responseCodeName} (${r.responseCode}), firmware ${toHex(r.firmwareVersion)}`);
  },
  json: jsonView,
});

/** The 0x00CA typed view (JSON key `firmware`). */
export type ActivationAlertView = { readonly type: 'future-dated-activation-alert' } & FutureDatedActivationAlert;

/** 0x00CA future-dated firmware activation alert (8F66 actioned / 8F67 not actioned). */
export const activationAlertModule = useCase<ActivationAlertView>({
  id: 'CS06 alert 0x00CA',
  title: 'Future-dated firmware activation alert: actioned or not, execution date-time, the CS06 counter and outcome',
  codes: [FUTURE_DATED_ACTIVATION_ALERT_CODE],
  cras: ['alert'],
  family: 'firmware',
  schemas: { alert: CS06_ALERT_SCHEMA },
  read: (f, spans) => ({ type: 'future-dated-activation-alert', ...decodeFutureDatedActivationAlert(viewContext(f, spans)) }),
  build: (v) =>
    encodeDer(
      derSequence(
        derUnsignedInteger(v.alertCode, 'alertCode'),
        derGeneralizedTime(v.executionDateTime.text),
        derUnsignedInteger(v.originatorCounter, 'originatorCounter'),
        resultNode(v.responseCode, v.firmwareVersion),
      ),
    ),
  render(m, out) {
    out.row('activation alert', `0x${m.alertCode.toString(16).toUpperCase()} ${m.actioned ? 'actioned' : 'not actioned'} at ${isoText(m.executionDateTime.date)}`);
    out.row('  result', `${m.responseCodeName} (${m.responseCode}), firmware ${toHex(m.firmwareVersion)}, command counter ${m.originatorCounter}`);
  },
  json: jsonView,
});
