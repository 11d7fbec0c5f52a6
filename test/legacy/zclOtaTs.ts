// The TypeScript ZigBee OTA encoder replaced by a core encoder program (issue 17), kept
// verbatim as the comparison reference (test/ota-decode-core.test.ts). Not shipped. (The
// TypeScript reader stays in src/ota/zclOta.ts: faster for one frame.)
import { euiBytes } from '../../src/bytes.js';
import { GbcsEncodeError } from '../../src/errors.js';
import { ZCL_DEFAULT_RESPONSE_ID, ZCL_OTA_COMMANDS, type ImageId, type ZclOtaCommand, type ZclOtaEncodeOptions } from '../../src/ota/zclOta.js';

const KNOWN_FC: Partial<Record<string, number>> = { 'query-next-image-request': 0x01, 'image-block-request': 0x03, 'image-page-request': 0x01 };

class Writer {
  private b = new Uint8Array(64);
  n = 0;
  private room(k: number): void {
    if (this.n + k <= this.b.length) return;
    const nb = new Uint8Array(Math.max(this.b.length * 2, this.n + k));
    nb.set(this.b.subarray(0, this.n));
    this.b = nb;
  }
  u8(v: number, f: string): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new GbcsEncodeError(f, `${v} is not a byte`);
    this.room(1);
    this.b[this.n++] = v;
    return this;
  }
  u16(v: number, f: string): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new GbcsEncodeError(f, `${v} is not a 16-bit unsigned integer`);
    this.room(2);
    this.b[this.n++] = v & 0xff;
    this.b[this.n++] = v >>> 8;
    return this;
  }
  u32(v: number, f: string): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new GbcsEncodeError(f, `${v} is not a 32-bit unsigned integer`);
    this.room(4);
    for (let i = 0; i < 4; i++) this.b[this.n++] = (v >>> (8 * i)) & 0xff;
    return this;
  }
  bytes(v: Uint8Array): this {
    this.room(v.length);
    this.b.set(v, this.n);
    this.n += v.length;
    return this;
  }
  ieee(eui: string, f: string): this {
    // new Uint8Array copies (a Buffer's slice would be a view of the caller's EUI).
    return this.bytes(new Uint8Array(euiBytes(eui, f)).reverse());
  }
  id(c: ImageId): this {
    return this.u16(c.manufacturerCode, 'manufacturerCode').u16(c.imageType, 'imageType').u32(c.fileVersion, 'fileVersion');
  }
  done(): Uint8Array {
    return this.b.slice(0, this.n);
  }
}


/** Field control to write: presence bits from the fields, reserved bits from `fieldControl`. */
function fieldControlOf(cmd: ZclOtaCommand, presence: number): number {
  const given = (cmd as { fieldControl?: number }).fieldControl;
  if (given === undefined) return presence;
  if (!Number.isInteger(given) || given < 0 || given > 0xff) throw new GbcsEncodeError('fieldControl', `${given} is not a byte`);
  return (given & ~KNOWN_FC[cmd.command]! & 0xff) | presence;
}

/**
 * Encodes one OTA cluster command with its ZCL header (frame control 0x01 C→S, 0x19 S→C), or
 * a Default Response (global: 0x18 S→C, 0x10 C→S).
 */
export function encodeZclOta(cmd: ZclOtaCommand, options: ZclOtaEncodeOptions = {}): Uint8Array {
  const isDefault = cmd.command === 'default-response';
  const spec = isDefault ? { id: ZCL_DEFAULT_RESPONSE_ID, toClient: options.toClient ?? true } : ZCL_OTA_COMMANDS[cmd.command];
  if (!spec) throw new GbcsEncodeError('command', `unknown OTA command ${JSON.stringify((cmd as { command: unknown }).command)}`);
  const w = new Writer();
  const ms = options.manufacturerSpecificCode !== undefined;
  const fc = options.frameControl;
  if (fc !== undefined && (!Number.isInteger(fc) || fc < 0 || fc > 0xff)) throw new GbcsEncodeError('frameControl', `${fc} is not a byte`);
  const ddr = fc !== undefined ? (fc & 0x10) !== 0 : (options.disableDefaultResponse ?? (spec.toClient || isDefault));
  w.u8((isDefault ? 0x00 : 0x01) | (ms ? 0x04 : 0) | (spec.toClient ? 0x08 : 0) | (ddr ? 0x10 : 0) | ((fc ?? 0) & 0xe0), 'frameControl');
  if (ms) w.u16(options.manufacturerSpecificCode!, 'manufacturerSpecificCode');
  w.u8(options.sequence ?? 0, 'sequence').u8(spec.id, 'command');
  switch (cmd.command) {
    case 'default-response':
      w.u8(cmd.commandId, 'commandId').u8(cmd.status, 'status');
      break;
    case 'image-notify': {
      w.u8(cmd.payloadType, 'payloadType').u8(cmd.queryJitter, 'queryJitter');
      if (cmd.payloadType >= 1) w.u16(cmd.manufacturerCode ?? 0xffff, 'manufacturerCode');
      if (cmd.payloadType >= 2) w.u16(cmd.imageType ?? 0xffff, 'imageType');
      if (cmd.payloadType >= 3) w.u32(cmd.fileVersion ?? 0xffffffff, 'fileVersion');
      break;
    }
    case 'query-next-image-request':
      w.u8(fieldControlOf(cmd, cmd.hardwareVersion !== undefined ? 1 : 0), 'fieldControl').id(cmd);
      if (cmd.hardwareVersion !== undefined) w.u16(cmd.hardwareVersion, 'hardwareVersion');
      break;
    case 'query-next-image-response':
    case 'query-device-specific-file-response':
      w.u8(cmd.status, 'status');
      if (cmd.status === 0) {
        w.u16(cmd.manufacturerCode ?? -1, 'manufacturerCode').u16(cmd.imageType ?? -1, 'imageType');
        w.u32(cmd.fileVersion ?? -1, 'fileVersion').u32(cmd.imageSize ?? -1, 'imageSize');
      }
      break;
    case 'image-block-request':
      w.u8(fieldControlOf(cmd, (cmd.requestNodeAddress !== undefined ? 1 : 0) | (cmd.minimumBlockPeriod !== undefined ? 2 : 0)), 'fieldControl');
      w.id(cmd).u32(cmd.fileOffset, 'fileOffset').u8(cmd.maxDataSize, 'maxDataSize');
      if (cmd.requestNodeAddress !== undefined) w.ieee(cmd.requestNodeAddress, 'requestNodeAddress');
      if (cmd.minimumBlockPeriod !== undefined) w.u16(cmd.minimumBlockPeriod, 'minimumBlockPeriod');
      break;
    case 'image-page-request':
      w.u8(fieldControlOf(cmd, cmd.requestNodeAddress !== undefined ? 1 : 0), 'fieldControl');
      w.id(cmd).u32(cmd.fileOffset, 'fileOffset').u8(cmd.maxDataSize, 'maxDataSize');
      w.u16(cmd.pageSize, 'pageSize').u16(cmd.responseSpacing, 'responseSpacing');
      if (cmd.requestNodeAddress !== undefined) w.ieee(cmd.requestNodeAddress, 'requestNodeAddress');
      break;
    case 'image-block-response': {
      w.u8(cmd.status, 'status');
      if (cmd.status === 0x00 && 'data' in cmd) {
        if (cmd.data.length > 0xff) throw new GbcsEncodeError('data', `${cmd.data.length} bytes exceed the one-byte data size (255)`);
        w.id(cmd).u32(cmd.fileOffset, 'fileOffset').u8(cmd.data.length, 'dataSize').bytes(cmd.data);
      } else if (cmd.status === 0x97 && 'currentTime' in cmd) {
        // Always with the period (0 when not given): clients refuse the short form.
        w.u32(cmd.currentTime, 'currentTime').u32(cmd.requestTime, 'requestTime').u16(cmd.minimumBlockPeriod ?? 0, 'minimumBlockPeriod');
      } else if (cmd.status === 0x00 || cmd.status === 0x97) {
        throw new GbcsEncodeError('image-block-response', `status 0x${cmd.status.toString(16)} needs its fields`);
      }
      break;
    }
    case 'upgrade-end-request':
      w.u8(cmd.status, 'status').id(cmd);
      break;
    case 'upgrade-end-response':
      w.id(cmd).u32(cmd.currentTime, 'currentTime').u32(cmd.upgradeTime, 'upgradeTime');
      break;
    case 'query-device-specific-file-request':
      w.ieee(cmd.requestNodeAddress, 'requestNodeAddress');
      w.u16(cmd.manufacturerCode, 'manufacturerCode').u16(cmd.imageType, 'imageType').u32(cmd.fileVersion, 'fileVersion');
      w.u16(cmd.zigbeeStackVersion, 'zigbeeStackVersion');
      break;
  }
  if (options.trailing) w.bytes(options.trailing);
  return w.done();
}

