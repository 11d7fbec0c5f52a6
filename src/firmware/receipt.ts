// Firmware Distribution Receipt Alerts (GBCS.md 5.5): the device reports the hash it
// calculated over the distributed image, or (CCS08) the CHF reports the transfer to a
// PPMID/HCALCS.
//   0x00CE DLMS: 0F <invoke> 00 02 03 12 <alert> 09 0C <date-time> 09 20 <hash>
//   0x00CF GBZ:  01 09 00 <alert(2)> <u32 time> 09 20 <hash>
//   0x0128 CCS08: 30 {02 03 00 8F 89/8A, GeneralizedTime, 04 08 <target>, 04 04 <ver>, 02 01 <code>}
import { euiBytes, toHex } from '../bytes.js';
import { decodeDateTime, encodeDateTime, type GbcsDateTime } from '../dateTime.js';
import { GbcsEncodeError } from '../errors.js';
import { Cursor, concat, derUnsignedBytes, formatGeneralizedTime, gbcsSecondsToDate, tlv, toGbcsSeconds, u32beBytes, type GeneralizedTime } from '../typed/cursor.js';
import { invokeIdFor } from '../typed/dlms.js';

export const FDRA_DLMS_MESSAGE_CODE = 0x00ce;
export const FDRA_GBZ_MESSAGE_CODE = 0x00cf;
export const CCS08_MESSAGE_CODE = 0x0128;

/** FDRA alert codes: 8F72 verification OK, 8F1C verification failed. */
export const FW_VERIFICATION_OK = 0x8f72;
export const FW_VERIFICATION_FAILED = 0x8f1c;
/** CCS08 alert codes: 8F8A transfer success, 8F89 transfer failure. */
export const FW_TRANSFER_SUCCESS = 0x8f8a;
export const FW_TRANSFER_FAIL = 0x8f89;

/** CCS08 status codes (GBCS.md 5.5). */
export const CCS08_STATUS_NAMES = ['ok', 'discarded', 'hardwareMismatch', 'transferFailure'] as const;

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

export function decodeFdraDlms(c: Cursor): FirmwareReceipt {
  c.expect(0x0f, 'DLMS data-notification tag 0x0F');
  c.u32be('the long-invoke-id');
  c.expect(0x00, 'date-time 0x00 (absent)');
  c.expect(0x02, 'structure 0x02');
  c.expect(0x03, 'a structure of 3 elements (alert code, date-time, hash)');
  c.expect(0x12, 'alert code (long-unsigned 0x12)');
  const alertCode = c.u16be('alert code');
  c.expect(0x09, 'date-time (octet-string 0x09)');
  c.expect(0x0c, 'a 12-byte date-time');
  const dt = decodeDateTime(c.take(12, 'date-time'));
  c.expect(0x09, 'calculated hash (octet-string 0x09)');
  c.expect(0x20, 'a 32-byte hash');
  const calculatedHash = c.take(32, 'calculated hash');
  c.done();
  return { variant: 'FDRA-DLMS', alertCode, status: fdraStatus(alertCode), time: dlmsUtc(dt), dateTime: dt, calculatedHash };
}

export function decodeFdraGbz(c: Cursor): FirmwareReceipt {
  c.expect(0x01, 'GBZ profile 0x0109');
  c.expect(0x09, 'GBZ profile 0x0109');
  c.expect(0x00, 'no GBZ components (alert content follows the header)');
  const alertCode = c.u16be('alert code');
  const t = c.u32be('alert time (u32 seconds since 2000)');
  c.expect(0x09, 'calculated hash (octet-string 0x09)');
  c.expect(0x20, 'a 32-byte hash');
  const calculatedHash = c.take(32, 'calculated hash');
  c.done();
  return { variant: 'FDRA-GBZ', alertCode, status: fdraStatus(alertCode), time: gbcsSecondsToDate(t), calculatedHash };
}

export function decodeCcs08(c: Cursor): FirmwareReceipt {
  const seq = c.sub(c.tlv(0x30, 'SEQUENCE (CCS08 alert)'), 'the CCS08 SEQUENCE');
  const alertCode = Number(seq.derUnsigned('alertCode'));
  const generalizedTime = seq.derTime('alert time');
  const targetDevice = toHex(seq.derOctets('target device EUI-64', 8));
  const firmwareVersion = seq.derOctets('firmwareVersion', 4);
  const transferStatus = Number(seq.derUnsigned('status'));
  seq.done('the end of the CCS08 SEQUENCE');
  c.done();
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
}

/** Device side: the receipt alert payload; the decoders reverse it exactly. */
export function encodeFirmwareReceipt(r: FirmwareReceiptInit): Uint8Array {
  const hash = () => {
    if (r.calculatedHash?.length !== 32) throw new GbcsEncodeError('calculatedHash', 'must be 32 bytes');
    return concat(0x09, 0x20, r.calculatedHash);
  };
  switch (r.variant) {
    case 'FDRA-DLMS': {
      const t = r.time;
      const dt = encodeDateTime(Uint8Array.of(t.getUTCFullYear() >> 8, t.getUTCFullYear() & 0xff, t.getUTCMonth() + 1, t.getUTCDate(), ((t.getUTCDay() + 6) % 7) + 1, t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds(), Math.floor(t.getUTCMilliseconds() / 10), 0x80, 0x00, 0xff));
      return concat(0x0f, u32beBytes(invokeIdFor(r.originatorCounter ?? 0)), 0x00, 0x02, 0x03, 0x12, r.alertCode >> 8, r.alertCode & 0xff, 0x09, 0x0c, dt, hash());
    }
    case 'FDRA-GBZ':
      return concat(0x01, 0x09, 0x00, r.alertCode >> 8, r.alertCode & 0xff, u32beBytes(toGbcsSeconds(r.time, 'time')), hash());
    case 'CCS08':
      return tlv(
        0x30,
        concat(
          tlv(0x02, derUnsignedBytes(r.alertCode, 'alertCode')),
          tlv(0x18, Uint8Array.from(formatGeneralizedTime(r.time), (ch) => ch.charCodeAt(0))),
          tlv(0x04, euiBytes(r.targetDevice ?? '', 'targetDevice')),
          tlv(0x04, r.firmwareVersion ?? new Uint8Array(4)),
          tlv(0x02, derUnsignedBytes(r.transferStatus ?? 0, 'transferStatus')),
        ),
      );
    default:
      throw new GbcsEncodeError('variant', 'must be FDRA-DLMS, FDRA-GBZ or CCS08');
  }
}
