// ZigBee OTA cluster commands and IC 18 block transfers decoded by the WASM core in batches
// (issue 17 item 2): frames encoded by zigbee-herdsman (an independent implementation)
// decode to the same commands through the batch and the single path; the TypeScript
// reader (kept for one frame: faster) gives the same value or the same error (code, offset, expectation) on
// seeded random frames; the real sample image's block messages decode back to the image;
// BlockServer.handleBatch answers byte-for-byte like handle().
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Zcl } from 'zigbee-herdsman';
import { toHex } from '../src/bytes.js';
import { GbcsDecodeError } from '../src/errors.js';
import { BlockServer } from '../src/ota/blockServer.js';
import { blockMessage, encodeBlockMessages } from '../src/ota/blockStream.js';
import { decodeImageBlockTransfer, decodeImageBlockTransfers, encodeImageBlockTransfer } from '../src/ota/dlmsImageTransfer.js';
import { decodeZclOta, decodeZclOtaBatch, encodeZclOta, type ZclOtaCommand, type ZclOtaFrame } from '../src/ota/zclOta.js';
import { encodeZclOta as legacyEncode } from './legacy/zclOtaTs.js';
import { encodeZclOtaFrame } from '../src/ota/zclOta.js';
import { GbcsEncodeError } from '../src/errors.js';
import { prng } from './prng.js';
import { duisFirmwareImage, ESME_SAMPLE, PPMID_SAMPLE } from './ota-helpers.js';

const SAMPLE0 = new Uint8Array(readFileSync(new URL('./fixtures/sample-ota.bin', import.meta.url)));
const SAMPLE = SAMPLE0;
const ID = { manufacturerCode: 0x121d, imageType: 0x0084, fileVersion: 0xacdcacdc };
const HEUI = '0x00db1234567890a4';

function herdsman(name: string, payload: Record<string, unknown>, toClient: boolean, sequence: number): Uint8Array {
  const dir = toClient ? Zcl.Direction.SERVER_TO_CLIENT : Zcl.Direction.CLIENT_TO_SERVER;
  return new Uint8Array(Zcl.Frame.create(Zcl.FrameType.SPECIFIC, dir, toClient, undefined, sequence, name, 'genOta', payload, {}).toBuffer());
}

/** Result as comparable data: frame with data/trailing as hex, or the error's code/offset/expected. */
function plain(r: ZclOtaFrame | GbcsDecodeError): unknown {
  if (r instanceof GbcsDecodeError) return { error: r.code, offset: r.offset, expected: r.expected, message: r.message };
  const c = r.command as ZclOtaCommand & { data?: Uint8Array };
  return { ...r, command: c.data ? { ...c, data: toHex(c.data) } : c, ...(r.trailing && { trailing: toHex(r.trailing) }) };
}

/** The TypeScript reader (kept for single frames): the reference of the core's batch decoder. */
function legacy(b: Uint8Array): ZclOtaFrame | GbcsDecodeError {
  try {
    return decodeZclOta(b);
  } catch (e) {
    if (e instanceof GbcsDecodeError) return e;
    throw e;
  }
}

describe('core OTA decoder: frames from zigbee-herdsman', () => {
  const H = { manufacturerCode: ID.manufacturerCode, imageType: ID.imageType, fileVersion: ID.fileVersion };
  const frames = [
    herdsman('queryNextImageRequest', { fieldControl: 1, ...H, hardwareVersion: 0x0102 }, false, 1),
    herdsman('imageBlockRequest', { fieldControl: 3, ...H, fileOffset: 4096, maximumDataSize: 64, requestNodeIeeeAddress: HEUI, minimumBlockPeriod: 250 }, false, 2),
    herdsman('imageBlockRequest', { fieldControl: 0, ...H, fileOffset: 0, maximumDataSize: 255 }, false, 3),
    herdsman('imagePageRequest', { fieldControl: 1, ...H, fileOffset: 64, maximumDataSize: 64, pageSize: 1024, responseSpacing: 20, requestNodeIeeeAddress: HEUI }, false, 4),
    herdsman('upgradeEndRequest', { status: 0, ...H }, false, 5),
    herdsman('imageNotify', { payloadType: 3, queryJitter: 100, ...H }, true, 6),
    herdsman('queryNextImageResponse', { status: 0, ...H, imageSize: 361 }, true, 7),
    herdsman('imageBlockResponse', { status: 0, ...H, fileOffset: 64, dataSize: 3, data: Buffer.from([1, 2, 3]) }, true, 8),
    herdsman('imageBlockResponse', { status: 0x97, currentTime: 1000, requestTime: 1060, minimumBlockPeriod: 500 }, true, 9),
    herdsman('upgradeEndResponse', { ...H, currentTime: 1000, upgradeTime: 30 }, true, 10),
  ];

  it('batch and single decode give the same commands, with herdsman\'s field values', () => {
    const batch = decodeZclOtaBatch(frames);
    expect(batch.map(plain)).toEqual(frames.map((f) => plain(decodeZclOta(f))));
    const b = batch as ZclOtaFrame[];
    expect(b[0]!.command).toEqual({ command: 'query-next-image-request', ...ID, hardwareVersion: 0x0102 });
    expect(b[1]!.command).toEqual({ command: 'image-block-request', ...ID, fileOffset: 4096, maxDataSize: 64, requestNodeAddress: HEUI.slice(2), minimumBlockPeriod: 250 });
    expect(b[3]!.command).toMatchObject({ command: 'image-page-request', pageSize: 1024, responseSpacing: 20, requestNodeAddress: HEUI.slice(2) });
    expect(b[7]!.command).toMatchObject({ command: 'image-block-response', status: 0, fileOffset: 64 });
    expect(toHex((b[7]!.command as { data: Uint8Array }).data)).toBe('010203');
    expect(b[8]!.command).toEqual({ command: 'image-block-response', status: 0x97, currentTime: 1000, requestTime: 1060, minimumBlockPeriod: 500 });
    expect(b.map((f) => f.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('the core batch matches the TypeScript reader on the herdsman frames', () => {
    expect(decodeZclOtaBatch(frames).map(plain)).toEqual(frames.map((f) => plain(legacy(f))));
  });
});

describe('core OTA decoder: seeded comparison with the TypeScript reader', () => {
  it('same value or same error on 20000 random and mutated frames (seed 21); every decoded frame re-encodes', () => {
    const r = prng(21);
    const base = [
      encodeZclOta({ command: 'image-block-request', ...ID, fileOffset: 77, maxDataSize: 50, requestNodeAddress: '00db1234567890a4', minimumBlockPeriod: 9 }),
      encodeZclOta({ command: 'query-next-image-request', ...ID, hardwareVersion: 3 }),
      encodeZclOta({ command: 'image-block-response', status: 0, ...ID, fileOffset: 5, data: Uint8Array.of(9, 8, 7) }),
      encodeZclOta({ command: 'image-notify', payloadType: 2, queryJitter: 1, manufacturerCode: 1, imageType: 2 }),
      encodeZclOta({ command: 'default-response', commandId: 3, status: 0x80 }),
      encodeZclOta({ command: 'query-device-specific-file-request', requestNodeAddress: '00db1234567890a4', ...ID, zigbeeStackVersion: 2 }, { manufacturerSpecificCode: 0x1234 }),
    ];
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 20000; i++) {
      let f: Uint8Array;
      if (i % 4 === 0) f = Uint8Array.from({ length: Math.floor(r() * 30) }, () => Math.floor(r() * 256));
      else {
        const b = base[i % base.length]!;
        f = b.slice(0, Math.floor(r() * (b.length + 4)));
        if (f.length < b.length + 1 && r() < 0.3) f = Uint8Array.from([...b, ...Array.from({ length: 1 + Math.floor(r() * 3) }, () => 0xaa)]);
        for (let k = 0; k < 2; k++) if (f.length && r() < 0.5) f[Math.floor(r() * f.length)] = Math.floor(r() * 256);
      }
      frames.push(f);
    }
    const decoded = decodeZclOtaBatch(frames);
    const batch = decoded.map(plain);
    const old = frames.map((f) => plain(legacy(f)));
    expect(batch).toEqual(old);
    // The encoder (now a core program) against the replaced TypeScript encoder: every
    // decoded frame re-encodes to its input, both ways.
    let reencoded = 0;
    for (let i = 0; i < frames.length; i++) {
      const f = decoded[i]!;
      if (f instanceof GbcsDecodeError || f.notes?.some((n) => n.includes('quirk'))) continue;
      const opts = { sequence: f.sequence, manufacturerSpecificCode: f.manufacturerSpecificCode, frameControl: f.frameControl, toClient: (f.frameControl & 0x08) !== 0, trailing: f.trailing };
      expect(toHex(encodeZclOtaFrame(f))).toBe(toHex(frames[i]!));
      expect(toHex(legacyEncode(f.command, opts))).toBe(toHex(frames[i]!));
      reencoded++;
    }
    expect(reencoded).toBeGreaterThan(2000);
    expect(batch.filter((x) => !(x as { error?: string }).error).length).toBeGreaterThan(2000);
  });

  it('decodes what encodeZclOta writes from random valid block requests (seed 22)', () => {
    const r = prng(22);
    const int = (n: number) => Math.floor(r() * n);
    const cmds: ZclOtaCommand[] = Array.from({ length: 3000 }, () => ({
      command: 'image-block-request',
      manufacturerCode: int(0x10000), imageType: int(0x10000), fileVersion: int(2 ** 32), fileOffset: int(2 ** 32), maxDataSize: int(256),
      ...(r() < 0.5 && { requestNodeAddress: Array.from({ length: 8 }, () => int(256).toString(16).padStart(2, '0')).join('') }),
      ...(r() < 0.5 && { minimumBlockPeriod: int(0x10000) }),
    }));
    const frames = cmds.map((c, i) => encodeZclOta(c, { sequence: i & 0xff }));
    const back = decodeZclOtaBatch(frames) as ZclOtaFrame[];
    expect(back.map((f) => f.command)).toEqual(cmds);
    expect(back.map((f) => f.sequence)).toEqual(cmds.map((_, i) => i & 0xff));
  });
});

describe('core ZCL OTA encoder: typed range errors', () => {
  it('names the field of an out-of-range value (the core checks, never wraps)', () => {
    const field = (fn: () => unknown) => { try { fn(); } catch (e) { expect(e).toBeInstanceOf(GbcsEncodeError); return (e as GbcsEncodeError).field; } return undefined; };
    expect(field(() => encodeZclOta({ command: 'image-block-request', ...ID, fileOffset: 2 ** 32, maxDataSize: 1 }))).toBe('fileOffset');
    expect(field(() => encodeZclOta({ command: 'image-block-request', ...ID, fileOffset: 0, maxDataSize: 256 }))).toBe('maxDataSize');
    expect(field(() => encodeZclOta({ command: 'upgrade-end-request', status: 0, ...ID, imageType: -1 }))).toBe('imageType');
    expect(field(() => encodeZclOta({ command: 'upgrade-end-response', ...ID, currentTime: 1.5, upgradeTime: 0 }))).toBe('currentTime');
    expect(field(() => encodeZclOta({ command: 'default-response', commandId: 3, status: 0 }, { sequence: 256 }))).toBe('sequence');
  });
});

describe('core IC 18 block decoder', () => {
  it('the real sample images (fixture, DUIS ESME and PPMID firmware): every IC 18 and ZCL block message decodes back to the image', async () => {
    for (const [format, SAMPLE] of [['ic18', SAMPLE0], ['zcl', SAMPLE0], ['ic18', duisFirmwareImage(ESME_SAMPLE)], ['zcl', duisFirmwareImage(ESME_SAMPLE)], ['zcl', duisFirmwareImage(PPMID_SAMPLE)]] as const) {
      expect(SAMPLE.length).toBeGreaterThan(200);
      const messages: Uint8Array[] = [];
      for await (const b of encodeBlockMessages(SAMPLE, { format, blockSize: format === 'zcl' ? 200 : 1000, imageId: ID })) {
        for (let i = 0; i < b.count; i++) messages.push(blockMessage(b, i).slice());
      }
      const parts = format === 'ic18'
        ? (decodeImageBlockTransfers(messages) as { blockNumber: number; data: Uint8Array }[]).map((x, i) => {
          expect(x.blockNumber).toBe(i);
          expect(toHex(x.data)).toBe(toHex(decodeImageBlockTransfer(messages[i]!).data));
          return x.data;
        })
        : (decodeZclOtaBatch(messages) as ZclOtaFrame[]).map((f) => (f.command as { data: Uint8Array }).data);
      const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) { joined.set(p, o); o += p.length; }
      expect(toHex(joined)).toBe(toHex(SAMPLE));
    }
  });

  it('unusual but valid encodings and errors are those of the single decoder', () => {
    const ok = encodeImageBlockTransfer({ blockNumber: 7, data: Uint8Array.of(1, 2) });
    const nonMinimal = Uint8Array.of(0x02, 0x02, 0x06, 0, 0, 0, 7, 0x09, 0x82, 0, 2, 1, 2);
    const wrong = Uint8Array.of(0x02, 0x02, 0x09, 0x01, 0x00, 0x06, 0, 0, 0, 1);
    const out = decodeImageBlockTransfers([ok, nonMinimal, wrong, new Uint8Array(0)]);
    expect(out.slice(0, 2).map((x) => (x as { blockNumber: number }).blockNumber)).toEqual([7, 7]);
    for (const i of [2, 3]) {
      expect(out[i]).toBeInstanceOf(GbcsDecodeError);
      const single = (() => { try { decodeImageBlockTransfer([ok, nonMinimal, wrong, new Uint8Array(0)][i]!); } catch (e) { return e as GbcsDecodeError; } })();
      expect((out[i] as GbcsDecodeError).message).toBe(single!.message);
    }
  });
});

describe('BlockServer.handleBatch', () => {
  it('answers every frame like handle(): blocks, WAIT_FOR_DATA, malformed, unsupported, Upgrade End, past the end', async () => {
    let n = 0;
    const server = await BlockServer.fromImage(SAMPLE, { imageId: ID, maxDataSize: 64, throttle: () => (++n % 7 === 0 ? { currentTime: 10, requestTime: 20 } : undefined), now: () => 1000 });
    const twin = await BlockServer.fromImage(SAMPLE, { imageId: ID, maxDataSize: 64, throttle: () => (++m % 7 === 0 ? { currentTime: 10, requestTime: 20 } : undefined), now: () => 1000 });
    let m = 0;
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 600; i++) {
      const k = i % 10;
      if (k < 6) frames.push(encodeZclOta({ command: 'image-block-request', ...ID, fileOffset: (i * 61) % (SAMPLE.length + 40), maxDataSize: i % 5 === 0 ? 0 : 64 }, { sequence: i & 0xff }));
      else if (k === 6) frames.push(encodeZclOta({ command: 'query-next-image-request', ...ID, fileVersion: 1 }, { sequence: i & 0xff }));
      else if (k === 7) frames.push(encodeZclOta({ command: 'upgrade-end-request', status: 0, ...ID }, { sequence: i & 0xff }));
      else if (k === 8) frames.push(encodeZclOta({ command: 'image-page-request', ...ID, fileOffset: 0, maxDataSize: 64, pageSize: 256, responseSpacing: 1 }, { sequence: i & 0xff, manufacturerSpecificCode: 0x1234 }));
      else frames.push(Uint8Array.of(0x01, i & 0xff, 0x03, 0x00));
    }
    const batch = await server.handleBatch(frames);
    const single: (Uint8Array | undefined)[] = [];
    for (const f of frames) single.push(await twin.handle(f));
    expect(batch.map((b) => (b ? toHex(b) : b))).toEqual(single.map((b) => (b ? toHex(b) : b)));
    expect(batch.filter((b) => b && b[2] === 0x05 && b[3] === 0x00).length).toBeGreaterThan(150);
    expect(server.served).toBe(twin.served);
  });
});
