import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlockServer, GbcsDecodeError, ImageAssembler, OtaDevice, OtaRangeError, TransferredBlocks, blockCount, buildUnsignedUpgradeImage, buildUpgradeImage, buildZigbeeOtaFile, checkActivation, createSha256, cutBlocks, decodeCs06Command, decodeFrame, decodeImageBlockTransfer, decodeImageToActivateInfo, decodeImageTransferInitiate, decodeImageVerifyOrActivate, decodeZclOta, encodeImageActivate, encodeImageBlockTransfer, encodeImageToActivateInfo, encodeImageTransferInitiate, encodeOtaHeader, encodeZclOta, imageBlock, inspectUpgradeImage, parseOtaHeader, parseUpgradeImage, sha256Hex, toHex, type OtaHeaderInit, type ZclOtaCommand } from '../src/index.js';
import { checkUpgradeImageFile } from '../src/node.js';
import {
  ESME_SAMPLE,
  HAVE_KEYSTORE,
  OTHER_SUPPLIER,
  PPMID_SAMPLE,
  SAMPLE_HASH,
  SUPPLIER,
  cs06,
  duisFirmwareImage,
  generatedKeys,
  prng,
  rtdsKeys,
} from './ota-helpers.js';
import { HAVE_RTDS, rtdsFiles } from './rtds.js';

const tmp = mkdtempSync(join(tmpdir(), 'gbcs-ota-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEADER: OtaHeaderInit = {
  manufacturerCode: 0x121d,
  imageType: 0x0000,
  fileVersion: 0x01020304,
  headerString: 'gbcs-codec test image',
  minimumHardwareVersion: 0x0100,
  maximumHardwareVersion: 0x0200,
};

const KEYS = generatedKeys(SUPPLIER, OTHER_SUPPLIER);
const build = (mi: Uint8Array, header: OtaHeaderInit = HEADER) => buildUpgradeImage({ header, manufacturerImage: mi, keys: KEYS, signer: SUPPLIER });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function decodeError(fn: () => unknown): GbcsDecodeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GbcsDecodeError);
    return e as GbcsDecodeError;
  }
  throw new Error('expected a GbcsDecodeError');
}

describe('DUIS SR 11.1 / 11.4 sample images', () => {
  const esme = duisFirmwareImage(ESME_SAMPLE);
  const ppmid = duisFirmwareImage(PPMID_SAMPLE);

  it('parses the SR 11.1 ESME sample: every header field, GBCS form, trailer, hash', async () => {
    const img = parseUpgradeImage(esme);
    expect(img.form).toBe('gbcs');
    expect(img.header).toMatchObject({
      fileIdentifier: 0x0beef11e,
      headerVersion: 0x0100,
      headerLength: 60,
      fieldControl: 0x0004,
      manufacturerCode: 0x121d,
      imageType: 0,
      fileVersion: 0xacdcacdc,
      zigbeeStackVersion: 2,
      headerString: 'I am a GFI ESME[] firmware image',
      totalImageSize: 361,
      minimumHardwareVersion: 0x1111,
      maximumHardwareVersion: 0x1211,
    });
    expect(img.header.securityCredentialVersion).toBeUndefined();
    expect(img.header.upgradeFileDestination).toBeUndefined();
    expect(img.manufacturerImageOffset).toBe(60);
    expect(img.manufacturerImage.length).toBe(361 - 60 - 66);
    expect(img.manufacturerImage.buffer).toBe(esme.buffer); // a view, not a copy
    expect(img.trailer!.flag).toBe(0);
    expect(img.trailer!.signature.length).toBe(64);
    expect(await sha256Hex(img.manufacturerImage)).toBe(SAMPLE_HASH);
  });

  it('rebuilds the sample header byte for byte', () => {
    const img = parseUpgradeImage(esme);
    expect(toHex(encodeOtaHeader(img.header, img.header.totalImageSize))).toBe(toHex(esme.subarray(0, 60)));
  });

  it.skipIf(!HAVE_KEYSTORE)('verifies the sample signature with the 90B3D51F30010000 DS certificate, and only with it', async () => {
    const keys = rtdsKeys(SUPPLIER, OTHER_SUPPLIER);
    const ok = await inspectUpgradeImage(esme, { keys, signers: [OTHER_SUPPLIER, SUPPLIER] });
    expect(ok.signature).toEqual({ state: 'valid', signer: SUPPLIER });
    expect(ok.manufacturerImageHash).toBe(SAMPLE_HASH);
    expect((await inspectUpgradeImage(esme, { keys, signers: [OTHER_SUPPLIER] })).signature.state).toBe('invalid');
    expect((await inspectUpgradeImage(esme, { keys, signers: ['0011223344556677'] })).signature.state).toBe('key-unknown');
    const bad = esme.slice();
    bad[100] ^= 1;
    expect((await inspectUpgradeImage(bad, { keys, signers: [SUPPLIER] })).signature.state).toBe('invalid');
  });

  it('parses the SR 11.4 PPMID sample as an unsigned GBCS image', async () => {
    const img = parseUpgradeImage(ppmid);
    expect(img.form).toBe('gbcs-unsigned');
    expect(img.header.imageType).toBe(0x0084);
    expect(img.header.headerString).toBe('I am a GFI PPMID firmware image ');
    expect(img.manufacturerImage.length).toBe(295 - 60);
    expect(img.trailer).toBeUndefined();
    const ins = await inspectUpgradeImage(ppmid, { keys: KEYS, signers: [SUPPLIER] });
    expect(ins.signature.state).toBe('absent');
    expect(ins.manufacturerImageHash).toBe(sha(ppmid.subarray(60)));
  });
});

describe('upgrade image builder', () => {
  it('builds a signed image that passes the same checks as the sample', async () => {
    const mi = prng(1000, 7);
    const bytes = await build(mi);
    const ins = await inspectUpgradeImage(bytes, { keys: KEYS, signers: [SUPPLIER] });
    expect(ins.form).toBe('gbcs');
    expect(ins.size).toBe(bytes.length);
    expect(ins.header.totalImageSize).toBe(bytes.length);
    expect(ins.header.headerLength).toBe(60);
    expect(ins.manufacturerImageHash).toBe(sha(mi));
    expect(ins.signature.state).toBe('valid');
    expect((await inspectUpgradeImage(bytes, { keys: KEYS, signers: [OTHER_SUPPLIER] })).signature.state).toBe('invalid');
  });

  it.skipIf(!HAVE_KEYSTORE)('signs with the RTDS supplier key and verifies with its certificate', async () => {
    const keys = rtdsKeys(SUPPLIER);
    const bytes = await buildUpgradeImage({ header: HEADER, manufacturerImage: prng(300), keys, signer: SUPPLIER.toUpperCase() });
    expect((await inspectUpgradeImage(bytes, { keys, signers: [SUPPLIER] })).signature.state).toBe('valid');
  });

  it('round-trips every optional header field and honours extra header bytes', async () => {
    const header: OtaHeaderInit = {
      ...HEADER,
      headerVersion: 0x0100,
      securityCredentialVersion: 2,
      upgradeFileDestination: '00db1234567890a0',
      headerExtra: Uint8Array.of(0xaa, 0xbb, 0xcc),
      zigbeeStackVersion: 3,
    };
    const mi = prng(77);
    const bytes = await build(mi, header);
    const img = parseUpgradeImage(bytes);
    expect(img.header).toMatchObject({
      headerLength: 56 + 1 + 8 + 4 + 3,
      fieldControl: 0x0007,
      securityCredentialVersion: 2,
      upgradeFileDestination: '00db1234567890a0',
      minimumHardwareVersion: 0x0100,
      maximumHardwareVersion: 0x0200,
      zigbeeStackVersion: 3,
      headerString: 'gbcs-codec test image',
    });
    // The destination is little-endian on the wire.
    expect(toHex(bytes.subarray(57, 65))).toBe('a09078563412db00');
    expect(toHex(img.header.headerExtra)).toBe('aabbcc');
    expect(toHex(img.manufacturerImage)).toBe(toHex(mi));
    expect(toHex(encodeOtaHeader(img.header, img.header.totalImageSize))).toBe(toHex(bytes.subarray(0, img.header.headerLength)));
  });

  it('builds images of 0 and 1 byte and parses them back', async () => {
    for (const n of [0, 1]) {
      const bytes = await build(prng(n));
      const img = parseUpgradeImage(bytes);
      expect(img.form).toBe('gbcs');
      expect(img.manufacturerImage.length).toBe(n);
      expect((await inspectUpgradeImage(img, { keys: KEYS, signers: [SUPPLIER] })).signature.state).toBe('valid');
      const unsigned = buildUnsignedUpgradeImage(HEADER, prng(n));
      expect(parseUpgradeImage(unsigned).form).toBe('gbcs-unsigned');
      expect(parseUpgradeImage(unsigned).manufacturerImage.length).toBe(n);
    }
  });

  it('refuses values that do not fit', async () => {
    expect(() => encodeOtaHeader({ ...HEADER, headerString: 'x'.repeat(33) }, 100)).toThrow(/32/);
    expect(() => encodeOtaHeader({ ...HEADER, manufacturerCode: 0x10000 }, 100)).toThrow(/manufacturerCode/);
    await expect(buildUpgradeImage({ header: HEADER, manufacturerImage: prng(1), keys: KEYS, signer: '0011223344556677' })).rejects.toThrow(/no DS private key/);
  });
});

describe('plain ZigBee OTA files (sub-element form)', () => {
  it('reports the zigbee form and its sub-elements', async () => {
    const mi = prng(500, 3);
    const bytes = buildZigbeeOtaFile(HEADER, [
      { tag: 0x0000, data: mi },
      { tag: 0x0003, data: prng(16, 4) },
      { tag: 0xf001, data: new Uint8Array(0) },
    ]);
    const img = parseUpgradeImage(bytes);
    expect(img.form).toBe('zigbee');
    expect(img.subElements!.map((s) => [s.tag, s.name, s.length])).toEqual([
      [0, 'upgrade image', 500],
      [3, 'image integrity code', 16],
      [0xf001, 'manufacturer specific', 0],
    ]);
    expect(toHex(img.manufacturerImage)).toBe(toHex(mi));
    const ins = await inspectUpgradeImage(bytes);
    expect(ins.form).toBe('zigbee');
    expect(ins.manufacturerImageHash).toBe(sha(mi));
    expect(ins.signature.state).toBe('absent');
  });

  it('a GBCS image is not taken for sub-elements, and forcing the wrong form is an error', async () => {
    const bytes = await build(prng(40));
    expect(parseUpgradeImage(bytes).form).toBe('gbcs');
    expect(decodeError(() => parseUpgradeImage(bytes, { form: 'zigbee' })).code).toBe('ota-sub-elements');
    const unsigned = buildUnsignedUpgradeImage(HEADER, prng(10));
    expect(decodeError(() => parseUpgradeImage(unsigned, { form: 'gbcs' })).code).toBe('ota-trailer');
    expect(parseUpgradeImage(bytes, { form: 'gbcs-unsigned' }).manufacturerImage.length).toBe(40 + 66);
  });
});

describe('upgrade image errors', () => {
  it('names the offset and expectation', async () => {
    const bytes = await build(prng(20));
    const badId = bytes.slice();
    badId[0] = 0;
    expect(decodeError(() => parseUpgradeImage(badId))).toMatchObject({ code: 'ota-file-identifier', offset: 0 });
    const shortHeader = bytes.slice();
    shortHeader[6] = 58; // field control announces HW versions: 60 needed
    expect(decodeError(() => parseUpgradeImage(shortHeader))).toMatchObject({ code: 'ota-header-length', offset: 6 });
    expect(decodeError(() => parseUpgradeImage(bytes.subarray(0, 30)))).toMatchObject({ code: 'truncated' });
    expect(decodeError(() => parseUpgradeImage(bytes.subarray(0, bytes.length - 1)))).toMatchObject({ code: 'truncated', offset: bytes.length - 1 });
    const longer = new Uint8Array(bytes.length + 2);
    longer.set(bytes);
    expect(decodeError(() => parseUpgradeImage(longer))).toMatchObject({ code: 'ota-total-size', offset: bytes.length });
    const tinyTotal = bytes.slice();
    tinyTotal.set([10, 0, 0, 0], 52);
    expect(decodeError(() => parseOtaHeader(tinyTotal))).toMatchObject({ code: 'ota-total-size', offset: 52 });
  });

  it('fuzz: mutated and truncated images parse or raise GbcsDecodeError, never anything else, never mutating input', async () => {
    const seeds = [duisFirmwareImage(ESME_SAMPLE), duisFirmwareImage(PPMID_SAMPLE), buildZigbeeOtaFile(HEADER, [{ tag: 0, data: prng(50) }])];
    const rnd = prng(30000, 99);
    let r = 0;
    const next = () => rnd[r++ % rnd.length]!;
    for (let i = 0; i < 3000; i++) {
      const seed = seeds[i % seeds.length]!;
      const b = seed.slice(0, next() < 40 ? (next() * 3) % seed.length : seed.length);
      for (let k = next() % 4; k >= 0; k--) if (b.length) b[(next() * 256 + next()) % b.length] = next();
      const before = toHex(b);
      try {
        const img = parseUpgradeImage(b);
        expect(img.manufacturerImageOffset + img.manufacturerImage.length).toBeLessThanOrEqual(b.length);
      } catch (e) {
        expect(e).toBeInstanceOf(GbcsDecodeError);
      }
      expect(toHex(b)).toBe(before);
    }
  });
});

describe('streaming SHA-256', () => {
  it('matches node:crypto one-shot whatever the chunking', async () => {
    const data = prng(100_003, 5);
    for (const step of [1, 63, 64, 65, 4096, 100_003]) {
      const h = await createSha256();
      for (let o = 0; o < data.length; o += step) h.update(data.subarray(o, o + step));
      expect(toHex(await h.digest())).toBe(sha(data));
      expect(h.length).toBe(data.length);
    }
    expect(await sha256Hex(new Uint8Array(0))).toBe(sha(new Uint8Array(0)));
  });

  it('hashes and verifies an image file streaming, in agreement with the in-memory path', async () => {
    const bytes = await build(prng(3 << 20, 11)); // 3 MiB: several 1 MiB chunks
    const path = join(tmp, 'img.bin');
    writeFileSync(path, bytes);
    let calls = 0;
    const r = await checkUpgradeImageFile(path, { keys: KEYS, signers: [OTHER_SUPPLIER, SUPPLIER], onProgress: () => calls++ });
    expect(r.manufacturerImageHash).toBe(sha(parseUpgradeImage(bytes).manufacturerImage));
    expect(r.signature).toEqual({ state: 'valid', signer: SUPPLIER });
    expect(r.layout.form).toBe('gbcs');
    expect(calls).toBeGreaterThanOrEqual(3);
  });
});

describe('blocks', () => {
  it('cuts zero-copy views for 0, 1, exact-multiple and ragged sizes', () => {
    for (const [size, bs] of [
      [0, 64],
      [1, 64],
      [128, 64],
      [129, 64],
      [255 * 4, 255],
    ] as const) {
      const img = prng(size);
      const blocks = [...cutBlocks(img, bs)];
      expect(blocks.length).toBe(blockCount(size, bs));
      expect(blocks.length).toBe(Math.ceil(size / bs));
      let o = 0;
      for (const b of blocks) {
        expect(b.offset).toBe(o);
        expect(b.data.buffer).toBe(img.buffer);
        expect(b.data.byteOffset).toBe(img.byteOffset + o);
        o += b.data.length;
      }
      expect(o).toBe(size);
      if (size % bs === 0 && size > 0) expect(blocks.at(-1)!.data.length).toBe(bs);
    }
    expect(() => imageBlock(prng(10), 1, 10)).toThrow(RangeError);
    expect(() => blockCount(10, 0)).toThrow(RangeError);
  });
});

describe('ZigBee OTA cluster commands', () => {
  const id = { manufacturerCode: 0x121d, imageType: 0x0084, fileVersion: 0xacdcacdc };
  const commands: ZclOtaCommand[] = [
    { command: 'image-notify', payloadType: 0, queryJitter: 100 },
    { command: 'image-notify', payloadType: 3, queryJitter: 50, manufacturerCode: 0x121d, imageType: 1, fileVersion: 7 },
    { command: 'query-next-image-request', ...id },
    { command: 'query-next-image-request', ...id, hardwareVersion: 0x1111 },
    { command: 'query-next-image-response', status: 0, ...id, imageSize: 361 },
    { command: 'query-next-image-response', status: 0x98 },
    { command: 'image-block-request', ...id, fileOffset: 1000, maxDataSize: 64 },
    { command: 'image-block-request', ...id, fileOffset: 0, maxDataSize: 255, requestNodeAddress: '00db1234567890a4', minimumBlockPeriod: 250 },
    { command: 'image-page-request', ...id, fileOffset: 64, maxDataSize: 64, pageSize: 1024, responseSpacing: 20, requestNodeAddress: '00db1234567890a4' },
    { command: 'image-block-response', status: 0, ...id, fileOffset: 64, data: prng(64) },
    { command: 'image-block-response', status: 0, ...id, fileOffset: 64, data: new Uint8Array(0) },
    { command: 'image-block-response', status: 0x97, currentTime: 1000, requestTime: 1060, minimumBlockPeriod: 0 },
    { command: 'image-block-response', status: 0x97, currentTime: 1000, requestTime: 1060, minimumBlockPeriod: 500 },
    { command: 'image-block-response', status: 0x95 },
    { command: 'upgrade-end-request', status: 0, ...id },
    { command: 'upgrade-end-request', status: 0x96, ...id },
    { command: 'upgrade-end-response', ...id, currentTime: 1000, upgradeTime: 0xffffffff },
    { command: 'query-device-specific-file-request', requestNodeAddress: '00db1234567890a4', ...id, zigbeeStackVersion: 2 },
    { command: 'query-device-specific-file-response', status: 0, ...id, imageSize: 5 },
    { command: 'default-response', commandId: 0x03, status: 0x80 },
  ];

  it('round-trips every command', () => {
    for (const [i, c] of commands.entries()) {
      const bytes = encodeZclOta(c, { sequence: i });
      const f = decodeZclOta(bytes);
      expect(f.sequence).toBe(i);
      expect(f.command).toEqual(c);
      expect(toHex(encodeZclOta(f.command, { sequence: i }))).toBe(toHex(bytes));
    }
  });

  it('encodes the documented layouts (frame control 01 C→S, 19 S→C, little-endian)', () => {
    expect(toHex(encodeZclOta({ command: 'image-block-request', ...id, fileOffset: 0x100, maxDataSize: 0x40 }, { sequence: 5 }))).toBe(
      '010503' + '00' + '1d12' + '8400' + 'dcacdcac' + '00010000' + '40',
    );
    expect(toHex(encodeZclOta({ command: 'image-block-response', status: 0x95 }, { sequence: 5 }))).toBe('19050595');
    const m = encodeZclOta({ command: 'query-next-image-request', ...id }, { manufacturerSpecificCode: 0x1234 });
    expect(toHex(m.subarray(0, 5))).toBe('0534120001');
    expect(decodeZclOta(m).manufacturerSpecificCode).toBe(0x1234);
  });

  it('decodes strictly', () => {
    const ok = encodeZclOta(commands[6]!);
    expect(decodeError(() => decodeZclOta(ok.subarray(0, ok.length - 1))).code).toBe('truncated');
    // Trailing bytes are tolerated with a note (real devices send them), and kept.
    const trailing = decodeZclOta(Uint8Array.from([...ok, 0, 7]));
    expect(trailing.command).toEqual(decodeZclOta(ok).command);
    expect(toHex(trailing.trailing!)).toBe('0007');
    expect(trailing.notes![0]).toMatch(/2 byte\(s\) after the last field of image-block-request/);
    expect(decodeError(() => decodeZclOta(Uint8Array.from([0x19, ...ok.subarray(1)]))).code).toBe('zcl-direction');
    expect(decodeError(() => decodeZclOta(Uint8Array.of(0x01, 0, 0x0a))).code).toBe('zcl-ota-command');
    expect(decodeError(() => decodeZclOta(Uint8Array.of(0x00, 0, 0x01))).code).toBe('zcl-frame-type');
    expect(decodeError(() => decodeZclOta(Uint8Array.of(0x02, 0, 0x01))).code).toBe('zcl-frame-type');
    expect(() => encodeZclOta({ command: 'image-block-response', status: 0, ...id, fileOffset: 0, data: new Uint8Array(256) })).toThrow(/255/);
  });

  it('fuzz: random and mutated frames decode or raise GbcsDecodeError', () => {
    const rnd = prng(20000, 42);
    let r = 0;
    for (let i = 0; i < 4000; i++) {
      const base = encodeZclOta(commands[i % commands.length]!);
      const b = base.slice(0, rnd[r++ % rnd.length]! % (base.length + 1));
      if (b.length) b[rnd[r++ % rnd.length]! % b.length] = rnd[r++ % rnd.length]!;
      try {
        decodeZclOta(b);
      } catch (e) {
        expect(e).toBeInstanceOf(GbcsDecodeError);
      }
    }
  });
});

describe('DLMS image transfer (IC 18)', () => {
  it('round-trips initiate, block transfer, verify/activate and image_to_activate_info', () => {
    const init = encodeImageTransferInitiate({ identifier: Uint8Array.of(1, 2, 3), size: 361 });
    expect(toHex(init)).toBe('0202' + '0903010203' + '0600000169');
    expect(decodeImageTransferInitiate(init)).toEqual({ identifier: Uint8Array.of(1, 2, 3), size: 361 });
    for (const n of [0, 1, 127, 128, 300]) {
      const data = prng(n);
      const blk = encodeImageBlockTransfer({ blockNumber: 7, data });
      const d = decodeImageBlockTransfer(blk);
      expect(d.blockNumber).toBe(7);
      expect(toHex(d.data)).toBe(toHex(data));
      expect(d.data.buffer).toBe(blk.buffer);
    }
    expect(toHex(encodeImageBlockTransfer({ blockNumber: 1, data: prng(200) }).subarray(0, 10))).toBe('020206000000010981c8');
    expect(toHex(encodeImageActivate())).toBe('0f00');
    expect(() => decodeImageVerifyOrActivate(Uint8Array.of(0x0f, 0))).not.toThrow();
    expect(decodeError(() => decodeImageVerifyOrActivate(Uint8Array.of(0x0f, 1))).offset).toBe(1);
    const info = [{ size: 361, identifier: Uint8Array.of(9), signature: prng(64) }];
    expect(decodeImageToActivateInfo(encodeImageToActivateInfo(info))).toEqual(info);
    expect(decodeError(() => decodeImageBlockTransfer(encodeImageBlockTransfer({ blockNumber: 1, data: prng(10) }).subarray(0, 12))).code).toBe('truncated');
    // A well-formed Data value of the wrong shape names the element and its offset.
    const wrong = decodeError(() => decodeImageTransferInitiate(Uint8Array.from(Buffer.from('0202090101' + '1200ff', 'hex'))));
    expect(wrong).toMatchObject({ code: 'dlms-shape', offset: 5 });
    expect(wrong.message).toMatch(/double-long-unsigned \(image size\).*found long-unsigned/);
    expect(decodeError(() => decodeImageToActivateInfo(Uint8Array.from(Buffer.from('0101' + '020106000000ff', 'hex')))).offset).toBe(2);
  });

  it('transferred_blocks_status: bit n = block n, MSB first; first missing; gaps', () => {
    const t = new TransferredBlocks(10);
    for (const n of [0, 1, 2, 5, 9]) expect(t.set(n)).toBe(true);
    expect(t.set(5)).toBe(false);
    expect(t.count).toBe(5);
    expect(toHex(t.encode())).toBe('040a' + 'e4' + '40');
    expect(t.firstNotTransferred()).toBe(3);
    expect(t.missing()).toEqual([
      [3, 4],
      [6, 8],
    ]);
    const d = TransferredBlocks.decode(t.encode());
    expect(d.count).toBe(5);
    expect(toHex(d.bits)).toBe(toHex(t.bits));
    expect(() => t.set(10)).toThrow(RangeError);
    for (let n = 0; n < 10; n++) t.set(n);
    expect(t.complete).toBe(true);
    expect(t.firstNotTransferred()).toBe(10);
  });
});

describe('block server', () => {
  it('answers any offset and max data size, from memory and from a file, identically', async () => {
    const bytes = await build(prng(1000, 21));
    const path = join(tmp, 'served.bin');
    writeFileSync(path, bytes);
    const mem = await BlockServer.fromImage(bytes, { maxDataSize: 255 });
    const file = await BlockServer.fromFile(path, { maxDataSize: 255 });
    const id = mem.imageId;
    expect(id).toEqual({ manufacturerCode: 0x121d, imageType: 0, fileVersion: 0x01020304 });
    for (const [offset, max] of [
      [0, 64],
      [1, 255],
      [bytes.length - 1, 64],
      [500, 1],
      [bytes.length - 10, 200],
    ] as const) {
      for (const s of [mem, file]) {
        const r = await s.imageBlock({ command: 'image-block-request', ...id, fileOffset: offset, maxDataSize: max });
        expect(r).toMatchObject({ status: 0, fileOffset: offset });
        const data = (r as { data: Uint8Array }).data;
        expect(data.length).toBe(Math.min(max, bytes.length - offset));
        expect(toHex(data)).toBe(toHex(bytes.subarray(offset, offset + data.length)));
      }
    }
    expect(await mem.imageBlock({ command: 'image-block-request', ...id, fileOffset: bytes.length, maxDataSize: 64 })).toEqual({ command: 'default-response', commandId: 3, status: 0x80 });
    expect((await mem.imageBlock({ command: 'image-block-request', ...id, fileVersion: 1, fileOffset: 0, maxDataSize: 64 })).status).toBe(0x98);
    expect(mem.queryNextImage({ command: 'query-next-image-request', ...id, fileVersion: 1 })).toEqual({ command: 'query-next-image-response', status: 0, ...id, imageSize: bytes.length });
    expect(mem.queryNextImage({ command: 'query-next-image-request', ...id }).status).toBe(0x98);
    mem.abort();
    expect((await mem.imageBlock({ command: 'image-block-request', ...id, fileOffset: 0, maxDataSize: 64 })).status).toBe(0x95);
    await file.close();
  });

  it('WAIT_FOR_DATA when throttled, and Upgrade End response times', async () => {
    const bytes = await build(prng(10));
    let calls = 0;
    const s = await BlockServer.fromImage(bytes, { throttle: () => (calls++ === 0 ? { currentTime: 100, requestTime: 160 } : undefined), now: () => 100, upgradeDelay: 30 });
    const req = { command: 'image-block-request', ...s.imageId, fileOffset: 0, maxDataSize: 64 } as const;
    expect(await s.imageBlock(req)).toEqual({ command: 'image-block-response', status: 0x97, currentTime: 100, requestTime: 160, minimumBlockPeriod: 0 });
    expect((await s.imageBlock(req)).status).toBe(0);
    expect(s.upgradeEnd({ command: 'upgrade-end-request', status: 0, ...s.imageId })).toEqual({ command: 'upgrade-end-response', ...s.imageId, currentTime: 100, upgradeTime: 130 });
    expect(s.upgradeEnd({ command: 'upgrade-end-request', status: 0x96, ...s.imageId })).toBeUndefined();
  });

  it('a ZigBee client loop over encoded frames downloads, assembles and verifies the image', async () => {
    const bytes = await build(prng(5000, 8));
    const server = await BlockServer.fromImage(bytes, { maxDataSize: 100 });
    const q = decodeZclOta((await server.handle(encodeZclOta({ command: 'query-next-image-request', ...server.imageId, fileVersion: 0 })))!).command;
    expect(q).toMatchObject({ status: 0, imageSize: bytes.length });
    const size = (q as { imageSize: number }).imageSize;
    const asm = new ImageAssembler({ size, blockSize: 64, keys: KEYS, signers: [SUPPLIER] });
    let seq = 0;
    for (let off = asm.nextOffset(); off !== undefined; off = asm.nextOffset()) {
      const reply = decodeZclOta((await server.handle(encodeZclOta({ command: 'image-block-request', ...server.imageId, fileOffset: off, maxDataSize: 255 }, { sequence: ++seq & 0xff })))!);
      expect(reply.sequence).toBe(seq & 0xff);
      const c = reply.command as { data: Uint8Array; fileOffset: number };
      expect(c.data.length).toBe(Math.min(100, size - off));
      expect(asm.accept(c.fileOffset, c.data).status).toBe('new');
    }
    const res = await asm.finish();
    expect(res.problems).toEqual([]);
    expect(res.ok).toBe(true);
    expect(toHex(res.image!)).toBe(toHex(bytes));
    expect(server.served).toBe(Math.ceil(bytes.length / 100));
    const end = await server.handle(encodeZclOta({ command: 'upgrade-end-request', status: 0, ...server.imageId }));
    expect(decodeZclOta(end!).command.command).toBe('upgrade-end-response');
  });
});

describe('assembler', () => {
  const BS = 64;

  it('accepts blocks in any order and reports duplicates, overlaps, conflicts and data past the end', async () => {
    const bytes = await build(prng(600, 12)); // 60 + 600 + 66 = 726 bytes: 12 blocks, last short
    const asm = new ImageAssembler({ size: bytes.length, blockSize: BS, keys: KEYS, signers: [SUPPLIER] });
    const order = [...cutBlocks(bytes, BS)].reverse();
    for (const b of order.slice(0, 5)) expect(asm.acceptBlock(b.index, b.data).status).toBe('new');
    expect(asm.blocks.count).toBe(5);
    expect(asm.gaps()).toEqual([[0, 7 * BS]]);
    expect(asm.blocks.firstNotTransferred()).toBe(0);
    const b8 = order[4]!;
    expect(asm.acceptBlock(b8.index, b8.data)).toEqual({ status: 'duplicate', added: 0 });
    const bad = b8.data.slice();
    bad[3] ^= 0xff;
    expect(asm.acceptBlock(b8.index, bad)).toEqual({ status: 'conflict', added: 0, conflictAt: b8.offset + 3 });
    // An overlapping range: last 10 bytes of block 6 plus the first 20 of block 7 (held).
    const o = asm.accept(7 * BS - 10, bytes.subarray(7 * BS - 10, 7 * BS + 20));
    expect(o).toEqual({ status: 'overlap', added: 10 });
    expect(asm.blocks.has(6)).toBe(false);
    expect(asm.accept(bytes.length - 5, new Uint8Array(6)).status).toBe('past-end');
    expect(() => asm.accept(-1, new Uint8Array(1))).toThrow(OtaRangeError);
    for (const b of order.slice(5)) asm.acceptBlock(b.index, b.data);
    expect(asm.complete).toBe(true);
    expect(asm.blocks.complete).toBe(true);
    const res = await asm.finish();
    expect(res.ok).toBe(true);
    // Re-sending block 6 after the overlap above overlaps again (its last 10 bytes are held).
    expect(res.stats).toMatchObject({ duplicates: 1, overlaps: 2, conflicts: 1, refused: 1 });
    expect(res.manufacturerImageHash).toBe(sha(parseUpgradeImage(bytes).manufacturerImage));
    expect(res.signature!.state).toBe('valid');
  });

  it('does not mutate or keep the caller’s blocks', async () => {
    const bytes = await build(prng(100));
    const copy = bytes.slice();
    const asm = new ImageAssembler({ size: bytes.length, blockSize: BS, keys: KEYS, signers: [SUPPLIER] });
    for (const b of cutBlocks(copy, BS)) asm.acceptBlock(b.index, b.data);
    copy.fill(0);
    expect((await asm.finish()).ok).toBe(true);
  });

  it('detects every single-block corruption, every dropped block, and blocks placed at the wrong offset', async () => {
    const bytes = await build(prng(900, 13));
    const blocks = [...cutBlocks(bytes, BS)];
    const run = async (feed: (a: ImageAssembler) => void, expectedHash?: string) => {
      const a = new ImageAssembler({ size: bytes.length, blockSize: BS, keys: KEYS, signers: [SUPPLIER], ...(expectedHash && { expectedHash }) });
      feed(a);
      return a.finish();
    };
    const good = await run((a) => blocks.forEach((b) => a.acceptBlock(b.index, b.data)));
    expect(good.ok).toBe(true);
    for (const victim of blocks) {
      // Corruption: one bit flipped in one block (header, image or trailer).
      const c = await run((a) =>
        blocks.forEach((b) => {
          const d = b.index === victim.index ? b.data.slice() : b.data;
          if (b.index === victim.index) d[(b.index * 7) % d.length] ^= 0x01;
          a.acceptBlock(b.index, d);
        }),
      );
      expect(c.ok, `corrupt block ${victim.index}`).toBe(false);
      // Dropped block.
      const d = await run((a) => blocks.filter((b) => b !== victim).forEach((b) => a.acceptBlock(b.index, b.data)));
      expect(d.ok).toBe(false);
      expect(d.gaps).toEqual([[victim.offset, victim.offset + victim.data.length]]);
    }
    // Reordered arrival is fine when blocks carry their numbers...
    const shuffled = [...blocks].sort((x, y) => ((x.index * 7919) % 13) - ((y.index * 7919) % 13));
    expect((await run((a) => shuffled.forEach((b) => a.acceptBlock(b.index, b.data)))).ok).toBe(true);
    // ...and a reordered stream numbered by arrival (two full blocks swapped) is detected.
    for (let i = 0; i + 1 < blocks.length - 1; i++) {
      const swapped = blocks.slice(0, -1).map((b) => b.data);
      [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
      const r = await run((a) => {
        swapped.forEach((d, n) => a.acceptBlock(n, d));
        a.acceptBlock(blocks.length - 1, blocks.at(-1)!.data);
      });
      expect(r.ok, `blocks ${i} and ${i + 1} swapped`).toBe(false);
    }
  });

  it('checks the expected hash and reports unsigned images unless the signature is optional', async () => {
    const mi = prng(300);
    const bytes = await build(mi);
    const a = new ImageAssembler({ size: bytes.length, blockSize: BS, keys: KEYS, signers: [SUPPLIER], expectedHash: '00'.repeat(32) });
    a.accept(0, bytes);
    const r = await a.finish();
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/differs from the expected/);
    const ppmid = duisFirmwareImage(PPMID_SAMPLE);
    const strict = new ImageAssembler({ size: ppmid.length, blockSize: BS });
    strict.accept(0, ppmid);
    expect((await strict.finish()).problems).toEqual(['Supplier signature absent']);
    const lax = new ImageAssembler({ size: ppmid.length, blockSize: BS, requireSignature: false });
    lax.accept(0, ppmid);
    expect((await lax.finish()).ok).toBe(true);
    // Declared size disagreeing with the header total size.
    const wrong = new ImageAssembler({ size: bytes.length + 1, blockSize: BS, keys: KEYS, signers: [SUPPLIER] });
    wrong.accept(0, bytes);
    wrong.accept(bytes.length, Uint8Array.of(0));
    const w = await wrong.finish();
    expect(w.ok).toBe(false);
    expect(w.problems[0]).toMatch(/not a valid upgrade image/);
  });

  it('assembles images of 0 and 1 byte, and exact multiples of the block size, through a file sink', async () => {
    for (const n of [0, 1, BS * 4 - 126, BS * 8 - 126]) {
      const bytes = await build(prng(n, n + 1));
      if (n > 1) expect(bytes.length % BS).toBe(0);
      const a = new ImageAssembler({ size: bytes.length, blockSize: BS, keys: KEYS, signers: [SUPPLIER], file: join(tmp, `asm-${n}.bin`) });
      for (const b of [...cutBlocks(bytes, BS)].reverse()) a.acceptBlock(b.index, b.data);
      const r = await a.finish();
      expect(r.ok, `size ${n}`).toBe(true);
      expect(r.manufacturerImageHash).toBe(sha(prng(n, n + 1)));
      expect(toHex((await import('node:fs')).readFileSync(join(tmp, `asm-${n}.bin`)))).toBe(toHex(bytes));
    }
  });
});

describe('CS06 activation', () => {
  it('activates the image whose hash the command carries', async () => {
    const bytes = await build(prng(400, 31));
    const hash = sha(parseUpgradeImage(bytes).manufacturerImage);
    const yes = await checkActivation(bytes, cs06(hash, 1000));
    expect(yes).toMatchObject({ activates: true, hashMatches: true, responseCode: 0, counter: 1000n, futureDated: false, cancel: false });
    const no = await checkActivation(parseUpgradeImage(bytes), cs06('11'.repeat(32)));
    expect(no).toMatchObject({ activates: false, hashMatches: false, responseCode: 2 });
    const later = await checkActivation(bytes, cs06(hash, 1001, '20300115090000Z'));
    expect(later).toMatchObject({ activates: true, futureDated: true, executionDateTime: '20300115090000Z' });
    const cancel = await checkActivation(bytes, cs06(hash, 1002, '99991231235959Z'));
    expect(cancel).toMatchObject({ activates: false, cancel: true });
    expect(cancel.responseCode).toBeUndefined();
    // The sample image by its hash.
    expect((await checkActivation(duisFirmwareImage(ESME_SAMPLE), cs06(SAMPLE_HASH))).activates).toBe(true);
  });

  it('decodes the CS06 payload strictly', () => {
    const ok = cs06('ab'.repeat(32), 0x8f66);
    expect(decodeCs06Command(ok).counter).toBe(0x8f66n - 0x10000n); // 02 02 8F 66 is negative in DER
    expect(decodeError(() => decodeCs06Command(ok.subarray(0, ok.length - 1))).code).toBe('truncated');
    expect(decodeError(() => decodeCs06Command(Uint8Array.from([...ok, 0]))).code).toBe('trailing-bytes');
    const short = Uint8Array.from([0x30, 0x06, 0x04, 0x01, 0xaa, 0x02, 0x01, 0x01]);
    // Shape errors come from the one CS06 reader (useCases/cs06.ts): code 'cs06', the field named.
    expect(decodeError(() => decodeCs06Command(short))).toMatchObject({ code: 'cs06', offset: 3, expected: 'OCTET STRING manufacturerImageHash of 32 bytes' });
    const badTime = cs06('ab'.repeat(32), 1, '2030011509000XZ');
    expect(decodeError(() => decodeCs06Command(badTime))).toMatchObject({ code: 'cs06', expected: expect.stringContaining('YYYYMMDDhhmmssZ') });
    expect(decodeError(() => decodeCs06Command(Uint8Array.of(0x31, 0)))).toMatchObject({ code: 'cs06', offset: 0, expected: 'SEQUENCE (CS06 command)' });
  });

  describe.skipIf(!HAVE_RTDS)('RTDS CS06 commands', () => {
    it('reads the hash from the real frames (whole frame, decoded frame) and refuses other message codes', async () => {
      const files = rtdsFiles().filter((f) => f.useCase === 'CS06' && f.kind === 'COMMAND');
      expect(files.length).toBeGreaterThanOrEqual(4);
      for (const f of files) {
        const frame = decodeFrame(f.bytes);
        const hash = toHex(frame.content.subarray(4, 36));
        const r = await checkActivation(Uint8Array.from(Buffer.from(hash, 'hex')), f.bytes);
        expect(r.hashMatches, f.name).toBe(true);
        expect((await checkActivation(duisFirmwareImage(ESME_SAMPLE), frame)).activates).toBe(false);
        expect(r.cancel).toBe(f.name.includes('CANCELLATION'));
        expect(r.futureDated).toBe(f.name.includes('FUTURE_DATED'));
      }
      const ecs52 = rtdsFiles().find((f) => f.useCase === 'ECS52' && f.kind === 'COMMAND')!;
      await expect(checkActivation(duisFirmwareImage(ESME_SAMPLE), ecs52.bytes)).rejects.toMatchObject({ code: 'message-code' });
    });
  });
});

describe('device OTA client (IRP658)', () => {
  const device = () =>
    new OtaDevice({ eui: '00db1234567890a0', manufacturerCode: 0x121d, imageType: 0, firmwareVersion: 1, hardwareVersion: 0x0150, keys: KEYS, supplier: SUPPLIER });

  it('holds at most one image; a new image replaces an un-activated one; CS06 codes', async () => {
    const d = device();
    const v2 = await build(prng(100, 2), { ...HEADER, fileVersion: 2 });
    const v3 = await build(prng(100, 3), { ...HEADER, fileVersion: 3 });
    const h2 = sha(parseUpgradeImage(v2).manufacturerImage);
    const h3 = sha(parseUpgradeImage(v3).manufacturerImage);
    expect(d.activate(cs06(h2))).toEqual({ kind: 'immediate', code: 1, name: 'noImageHeld', firmwareVersion: 1 });
    expect(await d.distribute(v2)).toEqual({ accepted: true, hash: h2 });
    const r = await d.distribute(v3);
    expect(r).toMatchObject({ accepted: true, hash: h3, replaced: { fileVersion: 2, hash: h2 } });
    expect(d.held()).toMatchObject({ fileVersion: 3, hash: h3, signedBy: SUPPLIER });
    expect(d.activate(cs06(h2))).toMatchObject({ code: 2, name: 'hashMismatch', firmwareVersion: 1 });
    expect(d.activate(cs06(h3))).toMatchObject({ code: 0, name: 'success', firmwareVersion: 3 });
    expect(d.firmwareVersion).toBe(3);
    expect(d.held()).toBeUndefined();
  });

  it('the incoming supplier sees the held image after a change of supplier and can replace it', async () => {
    const d = device();
    const old = await build(prng(50, 4), { ...HEADER, fileVersion: 4 });
    await d.distribute(old);
    d.changeSupplier(OTHER_SUPPLIER);
    expect(d.held()).toMatchObject({ fileVersion: 4, signedBy: SUPPLIER });
    // The old supplier's images no longer verify; the new supplier's replace the held one.
    expect((await d.distribute(await build(prng(50, 5), { ...HEADER, fileVersion: 5 }))).accepted).toBe(false);
    const mine = await buildUpgradeImage({ header: { ...HEADER, fileVersion: 6 }, manufacturerImage: prng(50, 6), keys: KEYS, signer: OTHER_SUPPLIER });
    expect(await d.distribute(mine)).toMatchObject({ accepted: true, replaced: { fileVersion: 4 } });
    expect(d.held()).toMatchObject({ fileVersion: 6, signedBy: OTHER_SUPPLIER });
  });

  it('rejects images for other devices and reports activation failure; schedules and cancels', async () => {
    const d = device();
    expect((await d.distribute(await build(prng(10), { ...HEADER, imageType: 1 }))).reason).toMatch(/type 0x1/);
    expect((await d.distribute(await build(prng(10), { ...HEADER, minimumHardwareVersion: 0x200, maximumHardwareVersion: 0x300 }))).reason).toMatch(/hardware/);
    expect((await d.distribute(await build(prng(10), { ...HEADER, upgradeFileDestination: '00db1234567890a1' }))).reason).toMatch(/addressed/);
    expect((await d.distribute(Uint8Array.of(1, 2, 3))).reason).toMatch(/malformed/);
    const img = await build(prng(10, 9), { ...HEADER, fileVersion: 9 });
    const h = sha(parseUpgradeImage(img).manufacturerImage);
    await d.distribute(img);
    expect(d.activate(cs06(h, 1, '20300101000000Z'))).toEqual({ kind: 'scheduled', at: '20300101000000Z' });
    expect(d.runSchedule('20291231235959Z')).toBeUndefined();
    expect(d.runSchedule('20300101000000Z')).toMatchObject({ code: 0, firmwareVersion: 9 });
    const failing = new OtaDevice({ manufacturerCode: 0x121d, imageType: 0, firmwareVersion: 1, failActivation: () => true });
    await failing.distribute(img);
    expect(failing.activate(cs06(h))).toMatchObject({ code: 3, name: 'activationFailure', firmwareVersion: 1 });
    expect(failing.activate(cs06(h, 2, '99991231235959Z'))).toEqual({ kind: 'cancelled' });
  });
});
