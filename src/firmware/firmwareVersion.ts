// SR 11.2 Read Firmware Version (GBCS.md 5.4): one FirmwareVersion result whatever the
// device type.
//   ECS52 (ESME / Comms Hub, 0x0059): DLMS get class 1 0-0:0.2.1.255 attr 2 -> 09 04 <ver>
//   GCS38 (GSME, 0x0084): ZCL Read Attributes 0x0702/0x0206 -> type 0x41, 4 bytes
//   CS08 (PPMID/HCALCS, 0x0129): ASN.1 05 00 -> 30 09 04 04 <ver> 02 01 <status>
//   CS09 (0x012B alert 8F8B): 30 {alert code, GeneralizedTime, 04 04 <ver>, 02 01 <status>}
import { GbcsEncodeError } from '../errors.js';
import type { FrameInit } from '../frame.js';
import { Cursor, concat, derUnsignedBytes, formatGeneralizedTime, tlv, type GeneralizedTime } from '../typed/cursor.js';
import { encodeAccessRequest, encodeAccessResponse, invokeIdFor, parseAccessResponse } from '../typed/dlms.js';

export type FirmwareVersionUseCase = 'ECS52' | 'GCS38' | 'CS08' | 'CS09';

export const FIRMWARE_VERSION_MESSAGE_CODES: Record<FirmwareVersionUseCase, number> = { ECS52: 0x0059, GCS38: 0x0084, CS08: 0x0129, CS09: 0x012b };
const DEVICE: Record<FirmwareVersionUseCase, FirmwareVersion['deviceType']> = { ECS52: 'ESME/CH', GCS38: 'GSME', CS08: 'PPMID/HCALCS', CS09: 'PPMID/HCALCS' };

const ECS52_OBIS = Uint8Array.of(0x00, 0x00, 0x00, 0x02, 0x01, 0xff);
const METERING_CLUSTER = 0x0702;
const FIRMWARE_VERSION_ATTRIBUTE = 0x0206;

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
  /** CS09 only: alert code (0x8F8B) and time. */
  readonly alertCode?: number;
  readonly time?: GeneralizedTime;
}

/** ECS52 response (DLMS access-response with one octet-string(4)). */
export function decodeEcs52Response(c: Cursor): FirmwareVersion {
  const rsp = parseAccessResponse(c);
  if (rsp.data.length !== 1) c.fail('one Data item (the firmware version)', 7);
  const item = rsp.data[0]!;
  const status = rsp.results[0]!.result;
  if (status !== 0) return { useCase: 'ECS52', deviceType: 'ESME/CH', ok: false, status };
  const ic = new Cursor(item.bytes, 0, item.bytes.length, item.offset, c.what);
  ic.expect(0x09, 'octet-string 0x09 (firmware version)');
  ic.expect(0x04, 'a 4-byte firmware version');
  return { useCase: 'ECS52', deviceType: 'ESME/CH', ok: true, version: ic.take(4, 'firmware version'), status };
}

/** GCS38 response: GBZ, one Metering component, ZCL Read Attributes Response for 0x0206. */
export function decodeGcs38Response(c: Cursor): FirmwareVersion {
  c.expect(0x01, 'GBZ profile 0x0109');
  c.expect(0x09, 'GBZ profile 0x0109');
  c.expect(0x01, 'one GBZ component');
  const ctlAt = c.pos;
  const control = c.u8('component control');
  if (control & 0x02) c.fail('a clear (not encrypted) component', ctlAt);
  if (c.u16be('cluster id') !== METERING_CLUSTER) c.fail('cluster 0x0702 (Metering)', c.pos - 2);
  const comp = c.sub(c.u16be('component length'), 'the GBZ component');
  if (control & 0x10) comp.take(4, 'from-date-time');
  comp.u8('ZCL frame control');
  comp.u8('ZCL sequence number');
  comp.expect(0x01, 'ZCL command 0x01 Read Attributes Response');
  if (comp.u16le('attribute id') !== FIRMWARE_VERSION_ATTRIBUTE) comp.fail('attribute 0x0206 (firmware version)', comp.pos - 2);
  const status = comp.u8('attribute status');
  if (status !== 0) {
    comp.done('the end of the Read Attributes Response');
    c.done();
    return { useCase: 'GCS38', deviceType: 'GSME', ok: false, status };
  }
  comp.expect(0x41, 'ZCL octet-string type 0x41');
  comp.expect(0x04, 'a 4-byte firmware version');
  const version = comp.take(4, 'firmware version');
  comp.done('the end of the Read Attributes Response');
  c.done();
  return { useCase: 'GCS38', deviceType: 'GSME', ok: true, version, status };
}

/** CS08 response: 30 09 04 04 <ver> 02 01 <status>. */
export function decodeCs08Response(c: Cursor): FirmwareVersion {
  const seq = c.sub(c.tlv(0x30, 'SEQUENCE {firmwareVersion, status}'), 'the CS08 SEQUENCE');
  const version = seq.derOctets('firmwareVersion', 4);
  const status = Number(seq.derUnsigned('status'));
  seq.done('the end of the CS08 SEQUENCE');
  c.done();
  return { useCase: 'CS08', deviceType: 'PPMID/HCALCS', ok: status === 0, version, status };
}

/** CS09 alert (0x012B): 30 {alertCode 8F8B, GeneralizedTime, 04 04 <ver>, 02 01 <status>}. */
export function decodeCs09Alert(c: Cursor): FirmwareVersion {
  const seq = c.sub(c.tlv(0x30, 'SEQUENCE (CS09 alert)'), 'the CS09 SEQUENCE');
  const alertCode = Number(seq.derUnsigned('alertCode'));
  const time = seq.derTime('alert time');
  const version = seq.derOctets('firmwareVersion', 4);
  const status = Number(seq.derUnsigned('status'));
  seq.done('the end of the CS09 SEQUENCE');
  c.done();
  return { useCase: 'CS09', deviceType: 'PPMID/HCALCS', ok: status === 0, version, status, alertCode, time };
}

/** The SR 11.2 read request payload for a use case. */
export function buildReadFirmwareVersionRequest(useCase: Exclude<FirmwareVersionUseCase, 'CS09'>, opts: { originatorCounter: bigint | number; zclSequence?: number }): Uint8Array {
  switch (useCase) {
    case 'ECS52':
      return encodeAccessRequest(invokeIdFor(opts.originatorCounter), [concat(0x01, 0x00, 0x01, ECS52_OBIS, 0x02)], [Uint8Array.of(0)]);
    case 'GCS38':
      // GBZ: profile, 1 component (last, clear), Metering, length 5: ZCL C->S global,
      // sequence, Read Attributes, attribute 0x0206 (LE).
      return Uint8Array.of(0x01, 0x09, 0x01, 0x01, 0x07, 0x02, 0x00, 0x05, 0x00, (opts.zclSequence ?? 0) & 0xff, 0x00, 0x06, 0x02);
    case 'CS08':
      return Uint8Array.of(0x05, 0x00);
    default:
      throw new GbcsEncodeError('useCase', `no SR 11.2 read for ${JSON.stringify(useCase)}`);
  }
}

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
        ? encodeAccessResponse(invokeIdFor(opts.originatorCounter), [concat(0x09, 0x04, ver)], [{ choice: 1, result: 0 }])
        : encodeAccessResponse(invokeIdFor(opts.originatorCounter), [Uint8Array.of(0)], [{ choice: 1, result: v.status }]);
    case 'GCS38': {
      const zcl = v.ok ? concat(0x08, 0x00, 0x01, 0x06, 0x02, 0x00, 0x41, 0x04, ver) : Uint8Array.of(0x08, 0x00, 0x01, 0x06, 0x02, v.status & 0xff);
      return concat(0x01, 0x09, 0x01, 0x01, 0x07, 0x02, zcl.length >> 8, zcl.length & 0xff, zcl);
    }
    case 'CS08':
      return tlv(0x30, concat(tlv(0x04, ver), tlv(0x02, derUnsignedBytes(v.status, 'status'))));
    case 'CS09':
      if (!v.time?.date) throw new GbcsEncodeError('time', 'a CS09 alert needs its time');
      return tlv(
        0x30,
        concat(
          tlv(0x02, derUnsignedBytes(v.alertCode ?? 0x8f8b, 'alertCode')),
          tlv(0x18, Uint8Array.from(formatGeneralizedTime(v.time.date), (ch) => ch.charCodeAt(0))),
          tlv(0x04, ver),
          tlv(0x02, derUnsignedBytes(v.status, 'status')),
        ),
      );
    default:
      throw new GbcsEncodeError('useCase', 'must be ECS52, GCS38, CS08 or CS09');
  }
}
