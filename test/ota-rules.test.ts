// Issue 18 (OTA that real stacks accept) and issue 10 items 5/11: one test per rule.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../src/bytes.js';
import { GbcsEncodeError } from '../src/errors.js';
import { ImageAssembler } from '../src/ota/assembler.js';
import { BlockServer, DEFAULT_OTA_BLOCK_SIZE, memorySource } from '../src/ota/blockServer.js';
import { OtaRangeError, cutBlocks, imageBlock } from '../src/ota/blocks.js';
import { sha256 } from '../src/ota/hash.js';
import { buildUnsignedUpgradeImage, buildUpgradeImage, buildZigbeeOtaFile, encodeOtaHeader, inspectUpgradeImage, parseOtaHeader, parseUpgradeImage, type OtaHeaderInit } from '../src/ota/image.js';
import { OtaDevice } from '../src/ota/otaClient.js';
import { ZIGBEE_EPOCH_UNIX_SECONDS, decodeZclOta, encodeZclOta, encodeZclOtaFrame, zigbeeUtcTime, type ZclOtaCommand } from '../src/ota/zclOta.js';
import { SUPPLIER, cs06, generatedKeys, prng } from './ota-helpers.js';

const KEYS = generatedKeys(SUPPLIER);
const HEADER: OtaHeaderInit = {
  manufacturerCode: 0x121d,
  imageType: 0x0000,
  fileVersion: 0x01020304,
  upgradeFileDestination: '00db1234567890a4',
  minimumHardwareVersion: 0x0100,
  maximumHardwareVersion: 0x0200,
};
const ID = { manufacturerCode: 0x121d, imageType: 0x0000, fileVersion: 0x01020304 };
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const req = (over: Partial<Extract<ZclOtaCommand, { command: 'image-block-request' }>> = {}) => ({ command: 'image-block-request', ...ID, fileOffset: 0, maxDataSize: 64, ...over }) as const;

describe('no mutation of caller data (issue 18.1)', () => {
  it('the same Buffer handed to every parser, encoder and server method twice is unchanged and gives equal results', async () => {
    const image = Buffer.from(await buildUpgradeImage({ header: HEADER, manufacturerImage: prng(300, 2), keys: KEYS, signer: SUPPLIER }));
    const zigbee = Buffer.from(buildZigbeeOtaFile(HEADER, [{ tag: 0, data: prng(100, 3) }]));
    const eui = Buffer.from('00db1234567890a4', 'hex');
    const data = Buffer.from(prng(64, 4));
    const ieeeRequest = Buffer.from(encodeZclOta(req({ requestNodeAddress: '00db1234567890a4', minimumBlockPeriod: 5 })));
    const qdsf = Buffer.from(encodeZclOta({ command: 'query-device-specific-file-request', requestNodeAddress: '00db1234567890a4', manufacturerCode: 1, imageType: 0xffc0, fileVersion: 1, zigbeeStackVersion: 2 }));
    const inputs = [image, zigbee, eui, data, ieeeRequest, qdsf];
    const before = inputs.map((b) => toHex(b));
    const server = await BlockServer.fromImage(image, { now: () => 5 });
    const device = new OtaDevice({ manufacturerCode: 0x121d, imageType: 0, firmwareVersion: 1, eui: '00db1234567890a4', hardwareVersion: 0x0150 });
    const calls: [string, () => unknown][] = [
      ['parseUpgradeImage', () => parseUpgradeImage(image).header],
      ['parseUpgradeImage zigbee', () => parseUpgradeImage(zigbee).subElements!.map((s) => s.tag)],
      ['parseOtaHeader', () => parseOtaHeader(image)],
      ['inspectUpgradeImage', () => inspectUpgradeImage(image, { keys: KEYS, signers: [SUPPLIER] })],
      ['sha256', () => sha256(image)],
      ['cutBlocks', () => [...cutBlocks(image, 50)].length],
      ['imageBlock', () => toHex(imageBlock(image, 2, 50).data)],
      ['encodeOtaHeader (EUI-64 as a Buffer)', () => encodeOtaHeader({ ...HEADER, upgradeFileDestination: eui }, 100)],
      ['buildUnsignedUpgradeImage', () => buildUnsignedUpgradeImage({ ...HEADER, upgradeFileDestination: eui }, data)],
      ['buildUpgradeImage', async () => parseUpgradeImage(await buildUpgradeImage({ header: { ...HEADER, upgradeFileDestination: eui }, manufacturerImage: data, keys: KEYS, signer: SUPPLIER })).header.upgradeFileDestination],
      ['buildZigbeeOtaFile', () => buildZigbeeOtaFile(HEADER, [{ tag: 0, data }])],
      ['decodeZclOta (IEEE)', () => decodeZclOta(ieeeRequest).command],
      ['decodeZclOta (query device specific file)', () => decodeZclOta(qdsf).command],
      ['encodeZclOta (block data)', () => encodeZclOta({ command: 'image-block-response', status: 0, ...ID, fileOffset: 0, data })],
      ['encodeZclOtaFrame', () => encodeZclOtaFrame(decodeZclOta(ieeeRequest))],
      ['BlockServer.handle', async () => toHex((await server.handle(ieeeRequest))!)],
      ['BlockServer.handle (device specific)', async () => toHex((await server.handle(qdsf))!)],
      ['OtaDevice.distribute', async () => (await device.distribute(image)).hash],
      [
        'ImageAssembler.accept',
        () => {
          const asm = new ImageAssembler({ size: 200, blockSize: 64 });
          return [asm.accept(0, data).status, asm.accept(0, data).status];
        },
      ],
    ];
    for (const [name, call] of calls) {
      const first = await call();
      const second = await call();
      expect(inputs.map((b) => toHex(b)), `${name} changed its input`).toEqual(before);
      expect(second, name).toEqual(first);
    }
    // OtaDevice.distribute copies: changing the caller's buffer afterwards does not change the held image.
    const held = device.held()!;
    image.fill(0, 60, 100);
    expect(device.activate(cs06(held.hash))).toMatchObject({ kind: 'immediate', name: 'success' });
  });
});

describe('Upgrade End Response time (issue 18.2)', () => {
  it('Upgrade End Response carries ZigBee UTC time (seconds since 2000-01-01), current time now, upgrade time now + delay', async () => {
    expect(ZIGBEE_EPOCH_UNIX_SECONDS).toBe(Date.UTC(2000, 0, 1) / 1000);
    expect(zigbeeUtcTime(Date.UTC(2000, 0, 1, 0, 1, 0))).toBe(60);
    const s = await BlockServer.fromImage(await buildUpgradeImage({ header: HEADER, manufacturerImage: prng(10), keys: KEYS, signer: SUPPLIER }), { upgradeDelay: 30 });
    const before = zigbeeUtcTime();
    const r = s.upgradeEnd({ command: 'upgrade-end-request', status: 0, ...ID }) as { currentTime: number; upgradeTime: number };
    expect(r.currentTime).toBeGreaterThanOrEqual(before);
    expect(r.currentTime).toBeLessThan(before + 5);
    // A Unix-seconds reply would be dated about 2056.
    expect(r.currentTime).toBeLessThan(Math.floor(Date.now() / 1000) - 900_000_000);
    expect(r.upgradeTime).toBe(r.currentTime + 30);
  });
});

describe('WAIT_FOR_DATA (issue 18.3, 18.6)', () => {
  it('WAIT_FOR_DATA replies always carry the minimum block period (milliseconds, default 0)', async () => {
    const image = await buildUpgradeImage({ header: HEADER, manufacturerImage: prng(10), keys: KEYS, signer: SUPPLIER });
    const s = await BlockServer.fromImage(image, { throttle: () => ({ currentTime: 10, requestTime: 20 }) });
    const wire = (await s.handle(encodeZclOta(req())))!;
    expect(toHex(wire)).toBe('1900059' + '70a000000140000000000');
    const s2 = await BlockServer.fromImage(image, { throttle: () => ({ currentTime: 10, requestTime: 20 }), minimumBlockPeriod: 250 });
    expect(decodeZclOta((await s2.handle(encodeZclOta(req())))!).command).toMatchObject({ status: 0x97, minimumBlockPeriod: 250 });
    expect(encodeZclOta({ command: 'image-block-response', status: 0x97, currentTime: 1, requestTime: 2 }).length).toBe(4 + 10);
  });
});

describe('requests real devices send (issue 18.4)', () => {
  it('trailing bytes after a known command are tolerated with a note', async () => {
    const image = await buildUpgradeImage({ header: HEADER, manufacturerImage: prng(100), keys: KEYS, signer: SUPPLIER });
    const s = await BlockServer.fromImage(image);
    const frame = Uint8Array.from([...encodeZclOta(req({ maxDataSize: 10 })), 0xaa, 0xbb]);
    const f = decodeZclOta(frame);
    expect(f.notes).toEqual([expect.stringMatching(/2 byte\(s\) after the last field/)]);
    expect(toHex(encodeZclOtaFrame(f))).toBe(toHex(frame));
    expect(decodeZclOta((await s.handle(frame))!).command).toMatchObject({ status: 0, fileOffset: 0 });
  });

  it('a client Default Response and an Image Page Request never make BlockServer.handle throw', async () => {
    const s = await BlockServer.fromImage(await buildUpgradeImage({ header: HEADER, manufacturerImage: prng(100), keys: KEYS, signer: SUPPLIER }));
    const dr = encodeZclOta({ command: 'default-response', commandId: 0x05, status: 0x00 }, { toClient: false, sequence: 3 });
    expect(toHex(dr)).toBe('10030b0500'); // global, client to server, default response disabled
    expect(await s.handle(dr)).toBeUndefined();
    const page = encodeZclOta({ command: 'image-page-request', ...ID, fileOffset: 0, maxDataSize: 64, pageSize: 256, responseSpacing: 10 }, { sequence: 9 });
    const reply = decodeZclOta((await s.handle(page))!);
    expect(reply).toMatchObject({ sequence: 9, frameControl: 0x18, command: { command: 'default-response', commandId: 0x04, status: 0x81 } });
    // Nor does anything else a client may send: undecodable cluster commands get MALFORMED_COMMAND, junk gets nothing.
    const truncated = encodeZclOta(req()).subarray(0, 10);
    expect(decodeZclOta((await s.handle(truncated))!).command).toEqual({ command: 'default-response', commandId: 0x03, status: 0x80 });
    for (const junk of [new Uint8Array(0), Uint8Array.of(1), Uint8Array.of(0x19, 0, 5, 0), Uint8Array.of(0x00, 0, 0x01), prng(40, 5)]) {
      const r = await s.handle(junk); // a throw fails the test
      if (r) expect(decodeZclOta(r).command.command).toBe('default-response');
    }
  });
});

describe('server policy (issue 18.5)', () => {
  it('default block size fits one unfragmented APS frame (50 bytes)', async () => {
    const s = await BlockServer.fromImage(await buildUpgradeImage({ header: HEADER, manufacturerImage: prng(300), keys: KEYS, signer: SUPPLIER }));
    expect(s.maxDataSize).toBe(DEFAULT_OTA_BLOCK_SIZE);
    const r = (await s.imageBlock(req({ maxDataSize: 255 }))) as { data: Uint8Array };
    expect(r.data.length).toBe(50);
    expect(encodeZclOta(r as ZclOtaCommand).length).toBe(67);
  });

  it('offset past the end or a maximum data size of 0 is answered with a Default Response MALFORMED_COMMAND', async () => {
    const image = await buildUpgradeImage({ header: HEADER, manufacturerImage: prng(100), keys: KEYS, signer: SUPPLIER });
    const s = await BlockServer.fromImage(image);
    for (const r of [req({ fileOffset: image.length }), req({ fileOffset: image.length + 1000 }), req({ maxDataSize: 0 })]) {
      const wire = (await s.handle(encodeZclOta(r, { sequence: 4 })))!;
      expect(toHex(wire)).toBe('18040b0380');
    }
  });

  it('Query Next Image offers only a newer file version unless downgrade is allowed, and honours the hardware version range', async () => {
    const image = await buildUpgradeImage({ header: HEADER, manufacturerImage: prng(10), keys: KEYS, signer: SUPPLIER });
    const s = await BlockServer.fromImage(image);
    const q = (fileVersion: number, hardwareVersion?: number) => ({ command: 'query-next-image-request', ...ID, fileVersion, ...(hardwareVersion !== undefined && { hardwareVersion }) }) as const;
    expect(s.hardwareVersions).toEqual({ minimum: 0x0100, maximum: 0x0200 });
    expect(s.queryNextImage(q(1)).status).toBe(0);
    expect(s.queryNextImage(q(ID.fileVersion)).status).toBe(0x98);
    expect(s.queryNextImage(q(ID.fileVersion + 1)).status).toBe(0x98);
    expect(s.queryNextImage(q(0xffffffff)).status).toBe(0x98);
    expect(s.queryNextImage(q(1, 0x0100)).status).toBe(0);
    expect(s.queryNextImage(q(1, 0x0200)).status).toBe(0);
    expect(s.queryNextImage(q(1, 0x00ff)).status).toBe(0x98);
    expect(s.queryNextImage(q(1, 0x0201)).status).toBe(0x98);
    expect(s.queryNextImage({ ...q(1), imageType: 1 }).status).toBe(0x98);
    const down = await BlockServer.fromImage(image, { allowDowngrade: true });
    expect(down.queryNextImage(q(ID.fileVersion + 1)).status).toBe(0);
    expect(down.queryNextImage(q(ID.fileVersion)).status).toBe(0x98);
  });
});

describe('issue 10.5 OTA images: validated sizes and offsets', () => {
  it('block size, offsets and max data sizes are validated: negative, NaN, oversize give OtaRangeError', async () => {
    const image = await buildUpgradeImage({ header: HEADER, manufacturerImage: prng(100), keys: KEYS, signer: SUPPLIER });
    const s = await BlockServer.fromImage(image);
    for (const bad of [-1, NaN, 1.5, 0x1_0000_0000, Infinity]) {
      await expect(s.imageBlock(req({ fileOffset: bad }))).rejects.toBeInstanceOf(OtaRangeError);
    }
    for (const bad of [-1, NaN, 256, 2.5]) {
      await expect(s.imageBlock(req({ maxDataSize: bad }))).rejects.toMatchObject({ code: 'ota-range', field: 'maxDataSize' });
    }
    for (const bad of [0, -1, NaN, 256]) {
      await expect(BlockServer.fromImage(image, { maxDataSize: bad })).rejects.toBeInstanceOf(OtaRangeError);
    }
    for (const bad of [0, -3, NaN, 0.5]) {
      expect(() => [...cutBlocks(image, bad)]).toThrow(OtaRangeError);
      expect(() => imageBlock(image, 0, bad)).toThrow(OtaRangeError);
    }
    expect(() => imageBlock(image, -1, 10)).toThrow(OtaRangeError);
    expect(() => imageBlock(image, NaN, 10)).toThrow(OtaRangeError);
  });

  it('BlockServer never returns more than the allowed maximum, whatever the source returns', async () => {
    const image = await buildUpgradeImage({ header: HEADER, manufacturerImage: prng(1000), keys: KEYS, signer: SUPPLIER });
    const greedy = { size: image.length, read: (o: number) => image.subarray(o, o + 1000) };
    const s = await BlockServer.create(greedy, { maxDataSize: 100 });
    for (const max of [1, 7, 50, 100, 255]) {
      const r = (await s.imageBlock(req({ fileOffset: 10, maxDataSize: max }))) as { data: Uint8Array };
      expect(r.data.length).toBe(Math.min(max, 100));
      expect(toHex(r.data)).toBe(toHex(image.subarray(10, 10 + r.data.length)));
    }
    const tail = (await s.imageBlock(req({ fileOffset: image.length - 3, maxDataSize: 255 }))) as { data: Uint8Array };
    expect(tail.data.length).toBe(3);
    void memorySource;
  });
});

describe('issue 10.11 ZCL OTA reserved bits', () => {
  it('ZCL OTA decode then encode keeps reserved frame-control and field-control bits', () => {
    const frames = [
      encodeZclOta(req({ requestNodeAddress: '00db1234567890a4' })),
      encodeZclOta({ command: 'query-next-image-request', ...ID, hardwareVersion: 3 }),
      encodeZclOta({ command: 'image-page-request', ...ID, fileOffset: 0, maxDataSize: 64, pageSize: 256, responseSpacing: 10 }),
      encodeZclOta({ command: 'upgrade-end-response', ...ID, currentTime: 1, upgradeTime: 2 }, { manufacturerSpecificCode: 0xbeef }),
    ];
    for (const base of frames) {
      for (const reservedFc of [0x20, 0x40, 0x80, 0xe0]) {
        const b = base.slice();
        b[0] |= reservedFc;
        const fieldAt = (b[0]! & 0x04 ? 5 : 3) + 0;
        const hasFc = ['image-block-request', 'query-next-image-request', 'image-page-request'].includes(decodeZclOta(base).command.command);
        if (hasFc) b[fieldAt + 0] |= 0xf0; // reserved field-control bits
        const f = decodeZclOta(b);
        expect(f.frameControl & 0xe0).toBe(reservedFc);
        expect(toHex(encodeZclOtaFrame(f))).toBe(toHex(b));
      }
    }
    expect(() => encodeZclOta({ ...req(), fieldControl: 300 })).toThrow(GbcsEncodeError);
    void sha;
  });
});
