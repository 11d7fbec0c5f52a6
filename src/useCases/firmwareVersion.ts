// SR 11.2 Read Firmware Version (GBCS.md 5.4) and the CS09 alert: one FirmwareVersion
// view whatever the device type (field names NAMES.md 4.2).
//   ECS52 (ESME / Comms Hub, 0x0059): DLMS get class 1 0-0:0.2.1.255 attr 2 -> 09 04 <ver>
//   GCS38 (GSME, 0x0084): ZCL Read Attributes 0x0702/0x0206 -> type 0x41, 4 bytes
//   CS08 (PPMID/HCALCS, 0x0129): ASN.1 05 00 -> 30 09 04 04 <ver> 02 01 <responseCode>
//   CS09 (0x012B alert 8F8B): 30 {alertCode, executionDateTime, 04 04 <ver>,
//        02 01 <activateImageResult>}: the device activated an image (or failed to) and
//        reports the version it runs; the INTEGER is the activate-image outcome
//        (success 0, failure 1), not a read status.
// Decoded with the payload module and read with the field readers (fields.ts); written
// with its encoders.
import { toHex } from '../bytes.js';
import { GbcsEncodeError } from '../errors.js';
import type { FrameInit, GbcsFrame } from '../frame.js';
import { formatGeneralizedTime, type GeneralizedTime } from '../gbcsTime.js';
import { encodeAccessRequest, encodeAccessResponse, encodeGbzSingle, getSpec, invokeIdFor } from '../payload/build.js';
import { asn1StructureFor, type Asn1Field } from '../payload/asn1Schemas.js';
import { derGeneralizedTime, derOctetString, derSequence, derUnsignedInteger, encodeDer } from '../payload/derBuild.js';
import { DerFields, DlmsFields, GbzFields, decodeAs, fail, type ViewContext } from './fields.js';
import { isoText, jsonView, useCase, type SpanRecorder } from './module.js';

/** Use cases that read a firmware version. */
export type FirmwareVersionUseCase = 'ECS52' | 'GCS38' | 'CS08' | 'CS09';

/** Message code of each firmware version read use case. */
export const FIRMWARE_VERSION_MESSAGE_CODES: Record<FirmwareVersionUseCase, number> = { ECS52: 0x0059, GCS38: 0x0084, CS08: 0x0129, CS09: 0x012b };
const DEVICE: Record<FirmwareVersionUseCase, FirmwareVersion['deviceType']> = { ECS52: 'ESME/CH', GCS38: 'GSME', CS08: 'PPMID/HCALCS', CS09: 'PPMID/HCALCS' };

const ECS52_OBIS = Uint8Array.of(0x00, 0x00, 0x00, 0x02, 0x01, 0xff);
const METERING_CLUSTER = 0x0702;
const FIRMWARE_VERSION_ATTRIBUTE = 0x0206;

/** A decoded firmware version read response. */
export interface FirmwareVersion {
  readonly useCase: FirmwareVersionUseCase;
  readonly deviceType: 'ESME/CH' | 'GSME' | 'PPMID/HCALCS';
  /** True when the device returned a version. */
  readonly ok: boolean;
  /** The 4-byte version (absent when the read failed; CS08 errors carry 00000000). */
  readonly version?: Uint8Array;
  /**
   * The use case's own status: DLMS data-access-result (ECS52), ZCL status (GCS38),
   * the trailing INTEGER (CS08/CS09; 0 = success). 0 means success in every case.
   */
  readonly status: number;
  /** CS09 only: the activate-image outcome (NAMES.md `activateImageResult`: 0 success, 1 failure); `status` repeats it. */
  readonly activateImageResult?: number;
  readonly activateImageResultName?: 'success' | 'failure' | 'unknown';
  /** CS09 only: alert code (0x8F8B) and the alert's execution date-time. */
  readonly alertCode?: number;
  readonly executionDateTime?: GeneralizedTime;
}

/** CS09 activateImageResult names (NAMES.md 4.2; the CS09 schema's value table). */
export const ACTIVATE_IMAGE_RESULTS = ['success', 'failure'] as const;

// ASN.1 structures (and field names) from the one schema table, payload/asn1Schemas.ts.
const CS08_RESPONSE_SCHEMA = asn1StructureFor(0x0129, 2, 0x30)!.schema;
const CS09_SCHEMA = asn1StructureFor(0x012b, 3, 0x30)!.schema;
const names = (s: Asn1Field) => (s.fields ?? []).map((f) => f.name);
const [CS08_VERSION, CS08_CODE] = names(CS08_RESPONSE_SCHEMA) as [string, string];
const [CS09_ALERT, CS09_TIME, CS09_VERSION, CS09_RESULT] = names(CS09_SCHEMA) as [string, string, string, string];

/** ECS52 response (DLMS access-response with one octet-string(4)). */
export function decodeEcs52Response(ctx: ViewContext): FirmwareVersion {
  const { items, results, resultNodes } = DlmsFields.response(ctx);
  if (items.remaining !== 1) fail(ctx, 'one Data item (the firmware version)', items.at, `found ${items.remaining}`);
  const status = results[0]!;
  ctx.spans?.set('status', DlmsFields.resultSpan(ctx, items.ix, resultNodes[0]!));
  ctx.spans?.alias('status', 'ok');
  if (status !== 0) return { useCase: 'ECS52', deviceType: 'ESME/CH', ok: false, status };
  const version = items.octets('firmwareVersion', 4);
  ctx.spans?.set('version', items.lastSpan());
  return { useCase: 'ECS52', deviceType: 'ESME/CH', ok: true, version, status };
}

/**
 * GCS38 response: GBZ, one clear Metering component, ZCL Read Attributes Response with
 * the firmware version attribute 0x0206 (other attributes in the response are skipped).
 */
export function decodeGcs38Response(ctx: ViewContext): FirmwareVersion {
  const { component: comp, zclAt } = GbzFields.of(ctx).single(METERING_CLUSTER, 'Metering');
  const cmd = comp.command;
  if (cmd.command !== 'read-attributes-response') fail(ctx, 'ZCL command 0x01 Read Attributes Response', zclAt + 2, `found 0x${comp.zcl.commandId.toString(16).padStart(2, '0')}`);
  const rec = cmd.records.find((r) => r.id === FIRMWARE_VERSION_ATTRIBUTE);
  if (!rec) fail(ctx, 'attribute 0x0206 (firmware version)', zclAt + 3);
  // The status byte follows the attribute id (as zcl.attribute.status in the field list).
  ctx.spans?.at('status', (rec.offset ?? 0) + 2, 1);
  ctx.spans?.alias('status', 'ok');
  if (rec.status !== 0) return { useCase: 'GCS38', deviceType: 'GSME', ok: false, status: rec.status };
  const v = rec.value!;
  if (v.dataType !== 0x41) fail(ctx, 'ZCL octet-string type 0x41', zclAt + 3, `found 0x${v.dataType.toString(16)}`);
  if (!(v.value instanceof Uint8Array) || v.value.length !== 4) fail(ctx, 'a 4-byte firmware version', zclAt + 3, `length ${v.value instanceof Uint8Array ? v.value.length : 'invalid'}`);
  ctx.spans?.at('version', v.offset ?? 0, v.length ?? 0);
  return { useCase: 'GCS38', deviceType: 'GSME', ok: true, version: v.value, status: 0 };
}

/** CS08 response: 30 09 04 04 <ver> 02 01 <status>. */
export function decodeCs08Response(ctx: ViewContext): FirmwareVersion {
  const seq = DerFields.of(ctx, decodeAs(ctx, 'ASN.1').root, 0, 'SEQUENCE {firmwareVersion, status}', 'the CS08 SEQUENCE');
  const version = seq.octets(CS08_VERSION, 4);
  ctx.spans?.set('version', seq.lastSpan());
  const status = Number(seq.unsigned(CS08_CODE));
  ctx.spans?.set('status', seq.lastSpan());
  ctx.spans?.alias('status', 'ok');
  seq.done('the end of the CS08 SEQUENCE');
  return { useCase: 'CS08', deviceType: 'PPMID/HCALCS', ok: status === 0, version, status };
}

/** CS09 alert (0x012B): 30 {alertCode 8F8B, executionDateTime, 04 04 <ver>, 02 01 <activateImageResult>}. */
export function decodeCs09Alert(ctx: ViewContext): FirmwareVersion {
  const seq = DerFields.of(ctx, decodeAs(ctx, 'ASN.1').root, 0, 'SEQUENCE (CS09 alert)', 'the CS09 SEQUENCE');
  const r = ctx.spans;
  const alertCode = Number(seq.unsigned(CS09_ALERT));
  r?.set('alertCode', seq.lastSpan());
  const executionDateTime = seq.time(CS09_TIME);
  r?.set('executionDateTime', seq.lastSpan());
  const version = seq.octets(CS09_VERSION, 4);
  r?.set('version', seq.lastSpan());
  const result = Number(seq.unsigned(CS09_RESULT));
  r?.set('activateImageResult', seq.lastSpan());
  r?.alias('activateImageResult', 'status', 'ok', 'activateImageResultName');
  seq.done('the end of the CS09 SEQUENCE');
  return {
    useCase: 'CS09',
    deviceType: 'PPMID/HCALCS',
    ok: result === 0,
    version,
    status: result,
    activateImageResult: result,
    activateImageResultName: ACTIVATE_IMAGE_RESULTS[result] ?? 'unknown',
    alertCode,
    executionDateTime,
  };
}

/** The SR 11.2 read request payload for a use case. */
export function buildReadFirmwareVersionRequest(useCase: Exclude<FirmwareVersionUseCase, 'CS09'>, opts: { originatorCounter: bigint | number; zclSequence?: number }): Uint8Array {
  switch (useCase) {
    case 'ECS52':
      return encodeAccessRequest(invokeIdFor(opts.originatorCounter), [getSpec(1, ECS52_OBIS, 2)], [{ type: 'null' }]);
    case 'GCS38':
      // One clear Metering component: ZCL C->S global, Read Attributes of 0x0206.
      return encodeGbzSingle(METERING_CLUSTER, 0x00, (opts.zclSequence ?? 0) & 0xff, 0x00, { command: 'read-attributes', attributes: [{ id: FIRMWARE_VERSION_ATTRIBUTE }] });
    case 'CS08':
      return Uint8Array.of(0x05, 0x00); // NULL
    default:
      throw new GbcsEncodeError('useCase', `no SR 11.2 read for ${JSON.stringify(useCase)}`);
  }
}

/** Inputs for encoding a firmware version read frame. */
export interface ReadFirmwareVersionFrameInit {
  readonly useCase: Exclude<FirmwareVersionUseCase, 'CS09'>;
  readonly originator: string | Uint8Array;
  readonly recipient: string | Uint8Array;
  readonly originatorCounter: bigint | number;
  /** CS08: sent by the ACB on behalf of this Remote Party (the Supplier). */
  readonly supplementaryRemotePartyId?: string | Uint8Array;
  readonly supplementaryRemotePartyCounter?: bigint | number;
}

/**
 * The general-signing part of an SR 11.2 read command (non-critical: signature field
 * `00`). The MAC header and ACB MAC are added by the security layer.
 */
export function readFirmwareVersionFrame(init: ReadFirmwareVersionFrameInit): FrameInit {
  if (init.useCase === 'CS08' && (init.supplementaryRemotePartyId === undefined || init.supplementaryRemotePartyCounter === undefined)) {
    throw new GbcsEncodeError('supplementaryRemotePartyId', 'CS08 is sent by the ACB: give the Supplier id and its counter (other-information of 18 bytes)');
  }
  const rp = init.supplementaryRemotePartyId;
  return {
    kind: 'general-signing',
    cra: 'command',
    originator: init.originator,
    recipient: init.recipient,
    originatorCounter: init.originatorCounter,
    messageCode: FIRMWARE_VERSION_MESSAGE_CODES[init.useCase],
    ...(rp !== undefined
      ? { otherInformation: { supplementaryRemotePartyId: typeof rp === 'string' ? rp : Array.from(rp, (b) => b.toString(16).padStart(2, '0')).join(''), supplementaryRemotePartyCounter: init.supplementaryRemotePartyCounter === undefined ? undefined : BigInt(init.supplementaryRemotePartyCounter) } }
      : {}),
    content: buildReadFirmwareVersionRequest(init.useCase, { originatorCounter: init.originatorCounter }),
    signatureState: 'empty',
  };
}

/** Device side: the response (or CS09 alert) payload for a FirmwareVersion. */
export function encodeFirmwareVersion(v: FirmwareVersion, opts: { originatorCounter?: bigint | number } = {}): Uint8Array {
  const ver = v.version ?? new Uint8Array(4);
  if (ver.length !== 4) throw new GbcsEncodeError('version', `must be 4 bytes, got ${ver.length}`);
  switch (v.useCase) {
    case 'ECS52':
      if (opts.originatorCounter === undefined) throw new GbcsEncodeError('originatorCounter', 'ECS52 responses carry the invoke-id of the command counter');
      return v.ok
        ? encodeAccessResponse(invokeIdFor(opts.originatorCounter), [{ type: 'octet-string', bytes: ver }], [{ kind: 'get', result: 0 }])
        : encodeAccessResponse(invokeIdFor(opts.originatorCounter), [{ type: 'null' }], [{ kind: 'get', result: v.status }]);
    case 'GCS38': {
      // S->C global, disable default response; Read Attributes Response for 0x0206.
      const rec = v.ok
        ? { id: FIRMWARE_VERSION_ATTRIBUTE, status: 0, statusName: 'SUCCESS', value: { dataType: 0x41, dataTypeName: 'octstr', value: ver, raw: Uint8Array.of(4, ...ver) } }
        : { id: FIRMWARE_VERSION_ATTRIBUTE, status: v.status & 0xff, statusName: '' };
      return encodeGbzSingle(METERING_CLUSTER, 0x08, 0x00, 0x01, { command: 'read-attributes-response', records: [rec] });
    }
    case 'CS08':
      return encodeDer(derSequence(derOctetString(ver), derUnsignedInteger(v.status, 'status')));
    case 'CS09':
      if (!v.executionDateTime?.date) throw new GbcsEncodeError('executionDateTime', 'a CS09 alert needs its execution date-time');
      return encodeDer(
        derSequence(
          derUnsignedInteger(v.alertCode ?? 0x8f8b, 'alertCode'),
          derGeneralizedTime(formatGeneralizedTime(v.executionDateTime.date)),
          derOctetString(ver),
          derUnsignedInteger(v.activateImageResult ?? v.status, 'activateImageResult'),
        ),
      );
    default:
      throw new GbcsEncodeError('useCase', 'must be ECS52, GCS38, CS08 or CS09');
  }
}

// ---- Use-case modules.

const viewContext = (f: GbcsFrame, spans?: SpanRecorder): ViewContext => ({ content: f.content, base: f.contentOffset, what: 'firmware', frame: f, spans });

/** The SR 11.2 / CS09 typed view (JSON key `firmware`). */
export type FirmwareVersionView =
  | { readonly type: 'firmware-version-request'; readonly useCase: FirmwareVersionUseCase }
  | ({ readonly type: 'firmware-version' } & FirmwareVersion);

/** Each SR 11.2 read: its use case and its response decoder (a table, not a chain). */
const READS: ReadonlyMap<number, { useCase: Exclude<FirmwareVersionUseCase, 'CS09'>; response: (c: ViewContext) => FirmwareVersion }> = new Map([
  [FIRMWARE_VERSION_MESSAGE_CODES.ECS52, { useCase: 'ECS52', response: decodeEcs52Response }],
  [FIRMWARE_VERSION_MESSAGE_CODES.GCS38, { useCase: 'GCS38', response: decodeGcs38Response }],
  [FIRMWARE_VERSION_MESSAGE_CODES.CS08, { useCase: 'CS08', response: decodeCs08Response }],
] as const);

function renderVersion(m: FirmwareVersionView, out: { row(l: string, v: string): void }): void {
  if (m.type === 'firmware-version-request') return out.row('firmware version', `read request (${m.useCase})`);
  const outcome = m.activateImageResultName ? `, activate image ${m.activateImageResultName}` : `, status ${m.status}`;
  out.row('firmware version', `${m.version && (m.ok || m.useCase === 'CS09') ? toHex(m.version) : 'read failed'} (${m.useCase}, ${m.deviceType}${outcome})${m.executionDateTime ? ` at ${isoText(m.executionDateTime.date)}` : ''}`);
}

/** SR 11.2 Read Firmware Version: ECS52 (ESME/CH), GCS38 (GSME), CS08 (PPMID/HCALCS). */
export const firmwareVersionModule = useCase<FirmwareVersionView>({
  id: 'SR 11.2',
  title: 'Read Firmware Version (SR 11.2): ECS52 ESME/Comms Hub, GCS38 GSME, CS08 PPMID/HCALCS',
  codes: [...READS.keys()],
  cras: ['command', 'response'],
  family: 'firmware',
  read(f, spans) {
    const r = READS.get(f.messageCode)!;
    return f.cra === 'command' ? { type: 'firmware-version-request', useCase: r.useCase } : { type: 'firmware-version', ...r.response(viewContext(f, spans)) };
  },
  build(v, ctx) {
    if (v.type === 'firmware-version-request') return buildReadFirmwareVersionRequest(v.useCase as Exclude<FirmwareVersionUseCase, 'CS09'>, { originatorCounter: ctx?.originatorCounter ?? 0 });
    return encodeFirmwareVersion(v, { originatorCounter: ctx?.originatorCounter });
  },
  render: renderVersion,
  json: jsonView,
});

/** CS09 (0x012B, alert 8F8B): a PPMID/HCALCS reports the activate-image outcome and the version it runs. */
export const cs09Module = useCase<FirmwareVersionView>({
  id: 'CS09',
  title: 'PPMID/HCALCS firmware activation alert (8F8B): activate-image outcome and running version',
  codes: [FIRMWARE_VERSION_MESSAGE_CODES.CS09],
  cras: ['alert'],
  family: 'firmware',
  schemas: { alert: CS09_SCHEMA },
  read: (f, spans) => ({ type: 'firmware-version', ...decodeCs09Alert(viewContext(f, spans)) }),
  build: (v) => encodeFirmwareVersion(v as FirmwareVersion),
  render: renderVersion,
  json: jsonView,
});
