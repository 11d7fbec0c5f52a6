// DUIS XML out for the firmware service requests (issue 14 item 9), element for element as
// the @smartdcc/duis-templates samples (DUIS schema 5.4) lay them out:
//
//   SR 11.1 Update Firmware (CV 8)    UpdateFirmware { FirmwareImage (base64 OTA file),
//                                                      FirmwareVersion (8 hex), DeviceIDList }
//   SR 11.2 Read Firmware Version (CV 1)  ReadFirmwareVersion (empty)
//   SR 11.3 Activate Firmware (CV 4)  ActivateFirmware { ExecutionDateTime?, FirmwareHash (64 hex) }
//   SR 11.3 cancel                    ExecutionDateTime 3000-12-31T00:00:00.00Z (as the
//                                     CS06_11.3_CANCELLATION template: a date that never comes
//                                     replaces the pending future-dated activation)
//
// The output is UNSIGNED: DUIS requests carry an XMLDSig ds:Signature that the service user's
// signing step adds (canonicalisation and the user's key are outside this codec).
// Decision (UNCONFIRMED: the templates hold one device only): several DeviceIDList entries
// are written space-separated (an xs:list). Browser-safe: no node: imports.
import { parseUpgradeImage } from '../ota/image.js';
import { GbcsEncodeError } from '../errors.js';

/** The DUIS schema version written (that of the templates). */
export const DUIS_SCHEMA_VERSION = '5.4';

/** `originator:target:counter`; EUI-64s in any common form, counter a non-negative integer. */
export interface DuisRequestIdInit {
  readonly originatorId: string;
  readonly targetId: string;
  readonly counter: bigint | number;
}

const euiText = (eui: string, field: string): string => {
  const h = String(eui).replace(/[-:\s]/g, '');
  if (!/^[0-9a-fA-F]{16}$/.test(h)) throw new GbcsEncodeError(field, `an EUI-64 (16 hex digits), got ${JSON.stringify(String(eui).slice(0, 40))}`);
  return h.toUpperCase().match(/../g)!.join('-');
};

function requestIdText(id: DuisRequestIdInit): string {
  const c = typeof id.counter === 'bigint' ? id.counter : Number.isSafeInteger(id.counter) ? BigInt(id.counter) : -1n;
  if (c < 0n || c > 0xffffffffffffffffn) throw new GbcsEncodeError('requestId.counter', 'a non-negative 64-bit integer');
  return `${euiText(id.originatorId, 'requestId.originatorId')}:${euiText(id.targetId, 'requestId.targetId')}:${c}`;
}

function base64(bytes: Uint8Array): string {
  if (typeof Buffer !== 'undefined') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** `YYYY-MM-DDThh:mm:ss.ssZ`, as the templates write ExecutionDateTime. */
export function duisDateTime(when: Date | string): string {
  const d = when instanceof Date ? when : new Date(when);
  if (Number.isNaN(d.getTime())) throw new GbcsEncodeError('executionDateTime', `a valid date, got ${JSON.stringify(String(when).slice(0, 40))}`);
  const iso = d.toISOString(); // YYYY-MM-DDThh:mm:ss.mmmZ (years 0-9999)
  return `${iso.slice(0, 19)}.${iso.slice(20, 22)}Z`;
}

function request(id: DuisRequestIdInit, commandVariant: number, sr: string, body: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<sr:Request xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" schemaVersion="${DUIS_SCHEMA_VERSION}">\n` +
    `  <sr:Header>\n` +
    `    <sr:RequestID>${requestIdText(id)}</sr:RequestID>\n` +
    `    <sr:CommandVariant>${commandVariant}</sr:CommandVariant>\n` +
    `    <sr:ServiceReference>${sr}</sr:ServiceReference>\n` +
    `    <sr:ServiceReferenceVariant>${sr}</sr:ServiceReferenceVariant>\n` +
    `  </sr:Header>\n` +
    `  <sr:Body>\n${body}  </sr:Body>\n` +
    `</sr:Request>\n`
  );
}

/** Inputs for writing a DUIS Update Firmware (SR 11.1) request. */
export interface UpdateFirmwareInit {
  /** Originator = the Supplier; target = the DCC (SR 11.1 is sent to the DCC, CV 8). */
  readonly requestId: DuisRequestIdInit;
  /** The whole OTA upgrade image file (GBCS.md 5.2); its header is checked. */
  readonly image: Uint8Array;
  /** FirmwareVersion element (8 hex digits); default: the image header's file version. */
  readonly firmwareVersion?: string;
  /** Devices to distribute to (DeviceIDList). */
  readonly deviceIds: readonly string[];
}

/** SR 11.1 Update Firmware request (unsigned) from an upgrade image. */
export function duisUpdateFirmwareRequest(o: UpdateFirmwareInit): string {
  if (!(o.image instanceof Uint8Array) || o.image.length === 0) throw new GbcsEncodeError('image', 'the upgrade image bytes');
  const header = parseUpgradeImage(o.image).header; // throws GbcsDecodeError on a malformed image
  const version = o.firmwareVersion ?? (header.fileVersion >>> 0).toString(16).padStart(8, '0');
  if (!/^[0-9a-fA-F]{8}$/.test(version)) throw new GbcsEncodeError('firmwareVersion', `8 hex digits, got ${JSON.stringify(String(version).slice(0, 40))}`);
  if (!Array.isArray(o.deviceIds) || o.deviceIds.length === 0) throw new GbcsEncodeError('deviceIds', 'at least one device EUI-64');
  const devices = o.deviceIds.map((d, i) => euiText(d, `deviceIds[${i}]`)).join(' ');
  return request(
    o.requestId,
    8,
    '11.1',
    `    <sr:UpdateFirmware>\n` +
      `      <sr:FirmwareImage>${base64(o.image)}</sr:FirmwareImage>\n` +
      `      <sr:FirmwareVersion>${version.toUpperCase()}</sr:FirmwareVersion>\n` +
      `      <sr:DeviceIDList>${devices}</sr:DeviceIDList>\n` +
      `    </sr:UpdateFirmware>\n`,
  );
}

/** SR 11.2 Read Firmware Version request (unsigned); target = the device. */
export function duisReadFirmwareVersionRequest(o: { readonly requestId: DuisRequestIdInit }): string {
  return request(o.requestId, 1, '11.2', `    <sr:ReadFirmwareVersion/>\n`);
}

/** The ExecutionDateTime that cancels a pending future-dated activation (CS06_11.3_CANCELLATION template). */
export const CANCEL_EXECUTION_DATE_TIME = '3000-12-31T00:00:00.00Z';

/** Inputs for writing a DUIS Activate Firmware (SR 11.3) request. */
export interface ActivateFirmwareInit {
  /** Target = the device. */
  readonly requestId: DuisRequestIdInit;
  /** Manufacturer Image hash (SHA-256, 64 hex digits or 32 bytes). */
  readonly firmwareHash: string | Uint8Array;
  /** Future-dated activation; absent: activate now. */
  readonly executionDateTime?: Date | string;
  /** Cancel a pending future-dated activation (ExecutionDateTime 3000-12-31). */
  readonly cancel?: boolean;
}

/** SR 11.3 Activate Firmware request (unsigned): immediate, future-dated, or cancel. */
export function duisActivateFirmwareRequest(o: ActivateFirmwareInit): string {
  const hash = typeof o.firmwareHash === 'string' ? o.firmwareHash : Array.from(o.firmwareHash, (b) => b.toString(16).padStart(2, '0')).join('');
  if (!/^[0-9a-fA-F]{64}$/.test(hash)) throw new GbcsEncodeError('firmwareHash', 'a SHA-256 Manufacturer Image hash (64 hex digits)');
  if (o.cancel && o.executionDateTime !== undefined) throw new GbcsEncodeError('executionDateTime', 'no execution date-time with cancel (cancel writes 3000-12-31)');
  const when = o.cancel ? CANCEL_EXECUTION_DATE_TIME : o.executionDateTime !== undefined ? duisDateTime(o.executionDateTime) : undefined;
  return request(
    o.requestId,
    4,
    '11.3',
    `    <sr:ActivateFirmware>\n` +
      (when ? `      <sr:ExecutionDateTime>${when}</sr:ExecutionDateTime>\n` : '') +
      `      <sr:FirmwareHash>${hash.toUpperCase()}</sr:FirmwareHash>\n` +
      `    </sr:ActivateFirmware>\n`,
  );
}
