// The TypeScript ZigBee OTA reader replaced by the core's decoder (issue 17 item 2), kept
// verbatim as the comparison reference (test/ota-decode-core.test.ts) and the bench
// baseline (bench/ota.mjs). Not shipped.
import { toBytes, toHex, type BinaryInput } from '../../src/bytes.js';
import { GbcsDecodeError } from '../../src/errors.js';
import { ZCL_DEFAULT_RESPONSE_ID, ZCL_OTA_COMMANDS, type ImageId, type ZclOtaClusterCommandName, type ZclOtaCommand, type ZclOtaFrame } from '../../src/ota/zclOta.js';

const BY_ID = new Map(Object.entries(ZCL_OTA_COMMANDS).map(([name, v]) => [v.id, name as ZclOtaClusterCommandName]));

class Reader {
  o: number;
  constructor(
    readonly b: Uint8Array,
    start: number,
  ) {
    this.o = start;
  }
  private need(k: number, what: string): void {
    if (this.o + k > this.b.length) throw new GbcsDecodeError('truncated', this.b.length, what, 'the ZCL OTA command ends inside a field');
  }
  u8(what: string): number {
    this.need(1, what);
    return this.b[this.o++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.b[this.o]! | (this.b[this.o + 1]! << 8);
    this.o += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const b = this.b;
    const o = this.o;
    this.o += 4;
    return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
  }
  view(n: number, what: string): Uint8Array {
    this.need(n, what);
    this.o += n;
    return this.b.subarray(this.o - n, this.o);
  }
  ieee(what: string): string {
    // A copy: reversing a view (Buffer.slice is one) would alter the caller's frame.
    return toHex(new Uint8Array(this.view(8, what)).reverse());
  }
  id(): ImageId {
    return { manufacturerCode: this.u16('manufacturer code (2)'), imageType: this.u16('image type (2)'), fileVersion: this.u32('file version (4)') };
  }
  get left(): number {
    return this.b.length - this.o;
  }
}


/**
 * Decodes one OTA cluster command or Default Response (ZCL header included). Block data and
 * `trailing` are views of the input; the input is never modified.
 */
export function decodeZclOta(input: BinaryInput): ZclOtaFrame {
  const b = toBytes(input);
  const r = new Reader(b, 0);
  const frameControl = r.u8('ZCL frame control');
  const frameType = frameControl & 0x03;
  if (frameType !== 0x01 && frameType !== 0x00) {
    throw new GbcsDecodeError('zcl-frame-type', 0, 'a cluster-specific ZCL frame (frame control bits 0-1 = 01) or a Default Response', `frame control 0x${frameControl.toString(16).padStart(2, '0')}`);
  }
  const manufacturerSpecificCode = frameControl & 0x04 ? r.u16('manufacturer code of a manufacturer-specific frame') : undefined;
  const sequence = r.u8('ZCL sequence number');
  const idAt = r.o;
  const id = r.u8('OTA command id');
  const notes: string[] = [];
  const finish = (command: ZclOtaCommand): ZclOtaFrame => {
    let trailing: Uint8Array | undefined;
    if (r.left > 0) {
      trailing = b.subarray(r.o);
      notes.push(`${trailing.length} byte(s) after the last field of ${command.command} at byte ${r.o} (kept in trailing)`);
    }
    return {
      frameControl,
      ...(manufacturerSpecificCode !== undefined && { manufacturerSpecificCode }),
      sequence,
      command,
      ...(trailing && { trailing }),
      ...(notes.length > 0 && { notes }),
    };
  };
  if (frameType === 0x00) {
    if (id !== ZCL_DEFAULT_RESPONSE_ID) {
      throw new GbcsDecodeError('zcl-frame-type', 0, 'a cluster-specific ZCL frame (frame control bits 0-1 = 01) or a Default Response (global command 0x0B)', `global command 0x${id.toString(16).padStart(2, '0')}`);
    }
    return finish({ command: 'default-response', commandId: r.u8('command id the Default Response answers'), status: r.u8('Default Response status') });
  }
  const name = BY_ID.get(id);
  if (!name) throw new GbcsDecodeError('zcl-ota-command', idAt, 'an OTA cluster command id 0x00-0x09', `found 0x${id.toString(16).padStart(2, '0')}`);
  const toClient = (frameControl & 0x08) !== 0;
  if (toClient !== ZCL_OTA_COMMANDS[name].toClient) {
    throw new GbcsDecodeError('zcl-direction', 0, `direction bit ${ZCL_OTA_COMMANDS[name].toClient ? 'server to client (0x08 set)' : 'client to server (0x08 clear)'} for ${name}`);
  }
  let command: ZclOtaCommand;
  switch (name) {
    case 'image-notify': {
      const ptAt = r.o;
      const payloadType = r.u8('payload type');
      if (payloadType > 3) throw new GbcsDecodeError('zcl-ota-field', ptAt, 'payload type 0-3', `found ${payloadType}`);
      const queryJitter = r.u8('query jitter');
      command = {
        command: name,
        payloadType: payloadType as 0 | 1 | 2 | 3,
        queryJitter,
        ...(payloadType >= 1 && { manufacturerCode: r.u16('manufacturer code') }),
        ...(payloadType >= 2 && { imageType: r.u16('image type') }),
        ...(payloadType >= 3 && { fileVersion: r.u32('file version') }),
      };
      break;
    }
    case 'query-next-image-request': {
      const fc = r.u8('field control');
      const id = r.id();
      command = { command: name, ...id, ...(fc & 1 && { hardwareVersion: r.u16('hardware version') }), ...(fc & ~0x01 && { fieldControl: fc }) };
      break;
    }
    case 'query-next-image-response':
    case 'query-device-specific-file-response': {
      const status = r.u8('status');
      command =
        status === 0
          ? { command: name, status, ...r.id(), imageSize: r.u32('image size') }
          : { command: name, status };
      break;
    }
    case 'image-block-request': {
      const fc = r.u8('field control');
      const id = r.id();
      const fileOffset = r.u32('file offset');
      const maxDataSize = r.u8('maximum data size');
      const requestNodeAddress = fc & 1 ? r.ieee('request node address (IEEE)') : undefined;
      let minimumBlockPeriod: number | undefined;
      if (fc & 2) {
        if (r.left >= 2) minimumBlockPeriod = r.u16('minimum block period');
        else notes.push('field control bit 1 (minimum block period) set but the field is absent: decoded without it (a known device quirk)');
      }
      command = {
        command: name,
        ...id,
        fileOffset,
        maxDataSize,
        ...(requestNodeAddress !== undefined && { requestNodeAddress }),
        ...(minimumBlockPeriod !== undefined && { minimumBlockPeriod }),
        // Kept when it says more than the fields present (reserved bits, the quirk above).
        ...(fc !== ((fc & 1) | (minimumBlockPeriod !== undefined ? 2 : 0)) && { fieldControl: fc }),
      };
      break;
    }
    case 'image-page-request': {
      const fc = r.u8('field control');
      command = {
        command: name,
        ...r.id(),
        fileOffset: r.u32('file offset'),
        maxDataSize: r.u8('maximum data size'),
        pageSize: r.u16('page size'),
        responseSpacing: r.u16('response spacing'),
        ...(fc & 1 && { requestNodeAddress: r.ieee('request node address (IEEE)') }),
        ...(fc & ~0x01 && { fieldControl: fc }),
      };
      break;
    }
    case 'image-block-response': {
      const status = r.u8('status');
      if (status === 0x00) {
        const id = r.id();
        const fileOffset = r.u32('file offset');
        const size = r.u8('data size');
        command = { command: name, status: 0x00, ...id, fileOffset, data: r.view(size, `${size} bytes of block data`) };
      } else if (status === 0x97) {
        const currentTime = r.u32('current time');
        const requestTime = r.u32('request time');
        command = { command: name, status: 0x97, currentTime, requestTime, ...(r.left >= 2 && { minimumBlockPeriod: r.u16('minimum block period') }) };
      } else command = { command: name, status };
      break;
    }
    case 'upgrade-end-request': {
      const status = r.u8('status');
      command = { command: name, status, ...r.id() };
      break;
    }
    case 'upgrade-end-response':
      command = { command: name, ...r.id(), currentTime: r.u32('current time'), upgradeTime: r.u32('upgrade time') };
      break;
    case 'query-device-specific-file-request':
      command = {
        command: name,
        requestNodeAddress: r.ieee('request node address (IEEE)'),
        ...r.id(),
        zigbeeStackVersion: r.u16('ZigBee stack version'),
      };
      break;
  }
  return finish(command);
}
