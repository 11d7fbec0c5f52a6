// Firmware Distribution Receipt Alerts (GBCS.md 5.5): the device reports the hash it
// calculated over the distributed image, or (CCS08) the CHF reports the transfer to a
// PPMID/HCALCS.
//   0x00CE DLMS: 0F <invoke> 00 02 03 12 <alert> 09 0C <date-time> 09 20 <hash>
//   0x00CF GBZ:  01 09 01 <alert(2)> <u32 time> 09 20 <hash>
//     VERIFIED (RTDS NA_FDRA-ZigBee, GBCS.md 5.5 as corrected): the third byte, the GBZ
//     component count, is 01 (an earlier GBCS.md edition said 00). Decision: the decoder
//     accepts 01 and, for alerts written to the earlier table, 00 (the view keeps the byte
//     as `componentCount` so re-encoding is byte-exact); the encoder writes 01.
//   0x0128 CCS08: 30 {02 03 00 8F 89/8A, GeneralizedTime, 04 08 <target>, 04 04 <ver>, 02 01 <code>}
// Decoded with the payload module and read with the field readers (fields.ts); written
// with its encoders.
import { euiBytes, toHex } from '../bytes.js';
import { encodeDateTime, type GbcsDateTime } from '../dateTime.js';
import { GbcsEncodeError } from '../errors.js';
import { formatGeneralizedTime, gbcsSecondsToDate, toGbcsSeconds, type GeneralizedTime } from '../gbcsTime.js';
import { invokeIdFor } from '../payload/build.js';
import { asn1StructureFor, type Asn1Field } from '../payload/asn1Schemas.js';
import { derGeneralizedTime, derOctetString, derSequence, derUnsignedInteger, encodeDer } from '../payload/derBuild.js';
import { longInvokeId } from '../payload/dlms.js';
import { encodePayload } from '../payload/index.js';
import { secondsSince2000 } from '../payload/names.js';
import type { GbcsFrame } from '../frame.js';
import { DerFields, DlmsFields, GbzFields, decodeAs, type ViewContext } from './fields.js';
import { isoText, jsonView, useCase, type SpanRecorder } from './module.js';

/** Message code of the DLMS Firmware Distribution Receipt Alert. */
export const FDRA_DLMS_MESSAGE_CODE = 0x00ce;
/** Message code of the GBZ Firmware Distribution Receipt Alert. */
export const FDRA_GBZ_MESSAGE_CODE = 0x00cf;
/** Message code of CCS08 firmware receipt. */
export const CCS08_MESSAGE_CODE = 0x0128;

/** FDRA alert codes: 8F72 verification OK, 8F1C verification failed. */
export const FW_VERIFICATION_OK = 0x8f72;
export const FW_VERIFICATION_FAILED = 0x8f1c;
/** CCS08 alert codes: 8F8A transfer success, 8F89 transfer failure. */
export const FW_TRANSFER_SUCCESS = 0x8f8a;
export const FW_TRANSFER_FAIL = 0x8f89;

/** CCS08 status codes (GBCS.md 5.5). */
export const CCS08_STATUS_NAMES = ['ok', 'discarded', 'hardwareMismatch', 'transferFailure'] as const;

/** A decoded firmware distribution receipt (FDRA or CCS08). */
export interface FirmwareReceipt {
  readonly variant: 'FDRA-DLMS' | 'FDRA-GBZ' | 'CCS08';
  readonly alertCode: number;
  readonly status: 'verified' | 'verification-failed' | 'transferred' | 'transfer-failed' | 'unknown';
  /** UTC time of the alert, when fully specified. */
  readonly time: Date | undefined;
  /** The DLMS date-time (FDRA-DLMS) or GeneralizedTime (CCS08) as sent. */
  readonly dateTime?: GbcsDateTime;
  readonly generalizedTime?: GeneralizedTime;
  /** SHA-256 the device calculated over the image (FDRA). */
  readonly calculatedHash?: Uint8Array;
  /** Device the image went to: the payload's EUI-64 (CCS08); for FDRA, the alert's originator (set by decodeFirmwareMessage). */
  readonly targetDevice?: string;
  /** CCS08 only. */
  readonly firmwareVersion?: Uint8Array;
  readonly transferStatus?: number;
  readonly transferStatusName?: (typeof CCS08_STATUS_NAMES)[number] | 'unknown';
  /** FDRA-GBZ only: the GBZ component count byte as sent (01 in real alerts; 00 in alerts written to an earlier spec table). */
  readonly componentCount?: number;
}

function fdraStatus(code: number): FirmwareReceipt['status'] {
  return code === FW_VERIFICATION_OK ? 'verified' : code === FW_VERIFICATION_FAILED ? 'verification-failed' : 'unknown';
}

/** DLMS date-time as UTC (GBCS device clocks run UTC; an unset deviation means UTC). */
function dlmsUtc(dt: GbcsDateTime): Date | undefined {
  if (dt.year === null || dt.month === null || dt.dayOfMonth === null || dt.hour === null || dt.minute === null || dt.second === null) return undefined;
  if (dt.month > 12 || dt.dayOfMonth > 31) return undefined;
  const ms = Date.UTC(dt.year, dt.month - 1, dt.dayOfMonth, dt.hour, dt.minute, dt.second, (dt.hundredths ?? 0) * 10) + (dt.deviation ?? 0) * 60000;
  return new Date(ms);
}

/** 0x00CE: data-notification structure {long-unsigned alert code, date-time(12), hash(32)}. */
export function decodeFdraDlms(ctx: ViewContext): FirmwareReceipt {
  const { body } = DlmsFields.notification(ctx);
  const s = body.structure('(alert code, date-time, hash)', 3);
  const sp = ctx.spans;
  const alertCode = s.longUnsigned('alert code');
  sp?.set('alertCode', s.lastSpan());
  sp?.alias('alertCode', 'status');
  const dateTime = s.dateTime('date-time');
  sp?.set('dateTime', s.lastSpan());
  sp?.alias('dateTime', 'time');
  const calculatedHash = s.octets('calculated hash', 32);
  sp?.set('calculatedHash', s.lastSpan());
  s.done('the end of the receipt structure');
  return { variant: 'FDRA-DLMS', alertCode, status: fdraStatus(alertCode), time: dlmsUtc(dateTime), dateTime, calculatedHash };
}

/** 0x00CF: GBZ alert header (component count 01, or 00: see the module comment), the 8F72/8F1C alert carrying the hash. */
export function decodeFdraGbz(ctx: ViewContext): FirmwareReceipt {
  const g = GbzFields.of(ctx);
  const componentCount = g.count([1, 0], 'GBZ component count 01 (the alert content follows the header)');
  g.components(0, 'no GBZ components after the alert content');
  const a = g.alert('firmware-hash', 'alert code 0x8F72 or 0x8F1C (with the calculated hash)');
  const sp = ctx.spans;
  if (sp) {
    // As the field list has them: gbz.component_count, gbz.alert.code, .time, .hash.
    sp.at('componentCount', ctx.base + 2, 1);
    sp.at('alertCode', a.offset ?? 0, 2);
    sp.alias('alertCode', 'status');
    sp.at('time', a.time.offset ?? 0, 4);
    sp.at('calculatedHash', (a.content.offset ?? 0) + 2, 32);
  }
  return { variant: 'FDRA-GBZ', alertCode: a.alertCode, status: fdraStatus(a.alertCode), time: gbcsSecondsToDate(a.time.seconds), calculatedHash: a.content.hash, componentCount };
}

/** The CCS08 structure from the one ASN.1 schema table (payload/asn1Schemas.ts); its field names name the reads. */
const CCS08_SCHEMA = asn1StructureFor(0x0128, 3, 0x30)!.schema;
const [CCS08_ALERT, CCS08_TIME, CCS08_ENTITY, CCS08_VERSION, CCS08_CODE] = (CCS08_SCHEMA.fields ?? []).map((f) => f.name) as [string, string, string, string, string];

export function decodeCcs08(ctx: ViewContext): FirmwareReceipt {
  const seq = DerFields.of(ctx, decodeAs(ctx, 'ASN.1').root, 0, 'SEQUENCE (CCS08 alert)', 'the CCS08 SEQUENCE');
  const sp = ctx.spans;
  const alertCode = Number(seq.unsigned(CCS08_ALERT));
  sp?.set('alertCode', seq.lastSpan());
  sp?.alias('alertCode', 'status');
  const generalizedTime = seq.time(CCS08_TIME);
  sp?.set('generalizedTime', seq.lastSpan());
  sp?.alias('generalizedTime', 'time');
  const targetDevice = toHex(seq.octets(`${CCS08_ENTITY} (target device EUI-64)`, 8));
  sp?.set('targetDevice', seq.lastSpan());
  const firmwareVersion = seq.octets(CCS08_VERSION, 4);
  sp?.set('firmwareVersion', seq.lastSpan());
  const transferStatus = Number(seq.unsigned(CCS08_CODE));
  sp?.set('transferStatus', seq.lastSpan());
  sp?.alias('transferStatus', 'transferStatusName');
  seq.done('the end of the CCS08 SEQUENCE');
  return {
    variant: 'CCS08',
    alertCode,
    status: alertCode === FW_TRANSFER_SUCCESS ? 'transferred' : alertCode === FW_TRANSFER_FAIL ? 'transfer-failed' : 'unknown',
    time: generalizedTime.date,
    generalizedTime,
    targetDevice,
    firmwareVersion,
    transferStatus,
    transferStatusName: CCS08_STATUS_NAMES[transferStatus] ?? 'unknown',
  };
}

/** Inputs for encoding a firmware distribution receipt. */
export interface FirmwareReceiptInit {
  readonly variant: FirmwareReceipt['variant'];
  readonly alertCode: number;
  readonly time: Date;
  readonly calculatedHash?: Uint8Array;
  /** FDRA-DLMS: counter of the alert (for the invoke-id). */
  readonly originatorCounter?: bigint | number;
  readonly targetDevice?: string;
  readonly firmwareVersion?: Uint8Array;
  readonly transferStatus?: number;
  /** FDRA-DLMS: the date-time as sent (takes precedence over `time`: re-encoding a decoded alert is byte-exact). */
  readonly dateTime?: GbcsDateTime;
  /** FDRA-GBZ: the GBZ component count byte (default 01, as real alerts carry). */
  readonly componentCount?: 0 | 1;
}

/** Device side: the receipt alert payload; the decoders reverse it exactly. */
export function encodeFirmwareReceipt(r: FirmwareReceiptInit): Uint8Array {
  const hash = () => {
    if (r.calculatedHash?.length !== 32) throw new GbcsEncodeError('calculatedHash', 'must be 32 bytes');
    return r.calculatedHash;
  };
  switch (r.variant) {
    case 'FDRA-DLMS': {
      const t = r.time;
      const dt = r.dateTime ? encodeDateTime(r.dateTime) : encodeDateTime(Uint8Array.of(t.getUTCFullYear() >> 8, t.getUTCFullYear() & 0xff, t.getUTCMonth() + 1, t.getUTCDate(), ((t.getUTCDay() + 6) % 7) + 1, t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds(), Math.floor(t.getUTCMilliseconds() / 10), 0x80, 0x00, 0xff));
      return encodePayload({
        format: 'DLMS',
        type: 'data-notification',
        invokeId: longInvokeId(invokeIdFor(r.originatorCounter ?? 0)),
        body: { type: 'structure', items: [{ type: 'long-unsigned', value: r.alertCode }, { type: 'octet-string', bytes: dt }, { type: 'octet-string', bytes: hash() }] },
      });
    }
    case 'FDRA-GBZ': {
      const seconds = toGbcsSeconds(r.time, 'time');
      return encodePayload({
        format: 'GBZ',
        type: 'gbz',
        profileId: 0x0109,
        componentCount: r.componentCount ?? 1,
        alert: { alertCode: r.alertCode, time: { seconds, iso: secondsSince2000(seconds) }, content: { kind: 'firmware-hash', hash: hash() } },
        components: [],
      });
    }
    case 'CCS08':
      return encodeDer(
        derSequence(
          derUnsignedInteger(r.alertCode, 'alertCode'),
          derGeneralizedTime(formatGeneralizedTime(r.time)),
          derOctetString(euiBytes(r.targetDevice ?? '', 'targetDevice')),
          derOctetString(r.firmwareVersion ?? new Uint8Array(4)),
          derUnsignedInteger(r.transferStatus ?? 0, 'transferStatus'),
        ),
      );
    default:
      throw new GbcsEncodeError('variant', 'must be FDRA-DLMS, FDRA-GBZ or CCS08');
  }
}

// ---- Use-case modules.

/** The receipt typed view (JSON key `firmware`); `targetDevice` is the alert's originator for FDRA. */
export type FirmwareReceiptView = { readonly type: 'firmware-receipt' } & FirmwareReceipt;

function receiptModule(id: string, title: string, code: number, decode: (c: ViewContext) => FirmwareReceipt, schema?: Asn1Field) {
  return useCase<FirmwareReceiptView>({
    id,
    title,
    codes: [code],
    cras: ['alert'],
    family: 'firmware',
    ...(schema ? { schemas: { alert: schema } } : {}),
    read(f: GbcsFrame, spans?: SpanRecorder) {
      const r = decode({ content: f.content, base: f.contentOffset, what: 'firmware', frame: f, spans });
      // FDRA: the target device is the alert's originator (the envelope's 8 bytes).
      if (r.targetDevice === undefined) spans?.at('targetDevice', f.layout.originator, 8);
      return { type: 'firmware-receipt', ...r, targetDevice: r.targetDevice ?? f.originator };
    },
    build: (v, ctx) =>
      encodeFirmwareReceipt({
        ...v,
        time: v.generalizedTime?.date ?? v.time ?? new Date(NaN),
        originatorCounter: ctx?.originatorCounter,
        componentCount: v.componentCount === 0 ? 0 : 1,
      }),
    render(m, out) {
      out.row('firmware receipt', `${m.variant} 0x${m.alertCode.toString(16).toUpperCase()} ${m.status} at ${isoText(m.time)}`);
      if (m.calculatedHash) out.row('  calculated hash', toHex(m.calculatedHash));
      if (m.targetDevice) out.row('  target device', m.targetDevice);
      if (m.firmwareVersion) out.row('  firmware', `${toHex(m.firmwareVersion)}, status ${m.transferStatusName} (${m.transferStatus})`);
    },
    json: jsonView,
  });
}

/** FDRA 0x00CE (ESME / Comms Hub, DLMS): image verified (8F72) or not (8F1C), with the calculated hash. */
export const fdraDlmsModule = receiptModule('FDRA-DLMS', 'Firmware Distribution Receipt Alert, ESME/CH (DLMS): 8F72 verified / 8F1C failed, calculated hash', FDRA_DLMS_MESSAGE_CODE, decodeFdraDlms);
/** FDRA 0x00CF (GSME, GBZ): image verified (8F72) or not (8F1C), with the calculated hash. */
export const fdraGbzModule = receiptModule('FDRA-GBZ', 'Firmware Distribution Receipt Alert, GSME (GBZ): 8F72 verified / 8F1C failed, calculated hash', FDRA_GBZ_MESSAGE_CODE, decodeFdraGbz);
/** CCS08 0x0128: the CHF reports an image transfer to a PPMID/HCALCS (8F8A success / 8F89 failure). */
export const ccs08Module = receiptModule('CCS08', 'Firmware transfer alert from the CHF (8F8A / 8F89): target device, version, status', CCS08_MESSAGE_CODE, decodeCcs08, CCS08_SCHEMA);
