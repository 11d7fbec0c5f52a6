// One streamed pass over an image encoding every block's message in the WASM core
// (issue 17 item 4): ZCL Image Block Responses checked against zigbee-herdsman's decoder
// (independent) and this project's decoder, IC 18 image_block_transfer parameters against
// the DLMS decoder, chunking independence, SHA-256 alongside, typed range errors.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Zcl } from 'zigbee-herdsman';
import { toHex } from '../src/bytes.js';
import { GbcsEncodeError } from '../src/errors.js';
import { blockMessage, encodeBlockMessages, encodeImageBlockResponses, type BlockMessageBatch, type BlockMessageOptions, type BlockResponseItem } from '../src/ota/blockStream.js';
import { decodeImageBlockTransfer, encodeImageBlockTransfer } from '../src/ota/dlmsImageTransfer.js';
import { decodeZclOta, encodeZclOta } from '../src/ota/zclOta.js';
import { prng } from './prng.js';

const SAMPLE = new Uint8Array(readFileSync(new URL('./fixtures/sample-ota.bin', import.meta.url)));
const ID = { manufacturerCode: 0x121d, imageType: 0x0084, fileVersion: 0xacdcacdc };

async function collect(source: Parameters<typeof encodeBlockMessages>[0], o: BlockMessageOptions): Promise<{ messages: Uint8Array[]; batches: BlockMessageBatch[] }> {
  const batches: BlockMessageBatch[] = [];
  const messages: Uint8Array[] = [];
  for await (const b of encodeBlockMessages(source, o)) {
    batches.push(b);
    for (let i = 0; i < b.count; i++) messages.push(blockMessage(b, i));
  }
  return { messages, batches };
}

describe('encodeBlockMessages: ZCL Image Block Responses', () => {
  it('every response of the sample image decodes in zigbee-herdsman to the block, offset and identity', async () => {
    const { messages, batches } = await collect(SAMPLE, { format: 'zcl', blockSize: 63, imageId: ID, firstSequence: 250, sha256: true });
    expect(messages).toHaveLength(Math.ceil(SAMPLE.length / 63));
    expect(batches.at(-1)!.last).toBe(true);
    expect(toHex(batches.at(-1)!.sha256!)).toBe(createHash('sha256').update(SAMPLE).digest('hex'));
    messages.forEach((m, i) => {
      const b = Buffer.from(m);
      const f = Zcl.Frame.fromBuffer(0x0019, Zcl.Header.fromBuffer(b), b, {});
      expect(f.command.name).toBe('imageBlockResponse');
      expect(f.header.transactionSequenceNumber).toBe((250 + i) & 0xff);
      const p = f.payload as { status: number; manufacturerCode: number; imageType: number; fileVersion: number; fileOffset: number; dataSize: number; data: Buffer };
      expect([p.status, p.manufacturerCode, p.imageType, p.fileVersion, p.fileOffset]).toEqual([0, ID.manufacturerCode, ID.imageType, ID.fileVersion, i * 63]);
      expect(toHex(p.data)).toBe(toHex(SAMPLE.subarray(i * 63, i * 63 + 63)));
    });
  });

  it('matches encodeZclOta byte for byte and decodes with decodeZclOta (round trip, seeded sizes)', async () => {
    const rnd = prng(1717);
    for (const blockSize of [1, 50, 64, 127, 128, 255, 1 + Math.floor(rnd() * 255)]) {
      const firstOffset = Math.floor(rnd() * 1e6);
      const { messages } = await collect(SAMPLE, { format: 'zcl', blockSize, imageId: ID, firstOffset });
      messages.forEach((m, i) => {
        const data = SAMPLE.subarray(i * blockSize, (i + 1) * blockSize);
        const cmd = { command: 'image-block-response', status: 0, ...ID, fileOffset: firstOffset + i * blockSize, data } as const;
        expect(toHex(m)).toBe(toHex(encodeZclOta(cmd, { sequence: i & 0xff })));
        expect(decodeZclOta(m).command).toMatchObject({ command: 'image-block-response', fileOffset: firstOffset + i * blockSize });
      });
    }
  });

  it('gives the same messages whatever the source chunking (sync and async chunks)', async () => {
    const whole = (await collect(SAMPLE, { format: 'zcl', blockSize: 64, imageId: ID })).messages.map((m) => toHex(m));
    const rnd = prng(7);
    const chunks: Uint8Array[] = [];
    for (let o = 0; o < SAMPLE.length; ) {
      const n = 1 + Math.floor(rnd() * 300);
      chunks.push(SAMPLE.subarray(o, o + n));
      o += n;
    }
    async function* slow() { for (const c of chunks) yield c; }
    expect((await collect(chunks, { format: 'zcl', blockSize: 64, imageId: ID })).messages.map((m) => toHex(m))).toEqual(whole);
    expect((await collect(slow(), { format: 'zcl', blockSize: 64, imageId: ID })).messages.map((m) => toHex(m))).toEqual(whole);
  });

  it('streams an image larger than one core run in several batches, never mutating the source', async () => {
    const image = new Uint8Array(2 << 20);
    for (let i = 0; i < image.length; i++) image[i] = (i * 31) & 0xff;
    const copy = image.slice();
    const { messages, batches } = await collect(image, { format: 'zcl', blockSize: 64, imageId: ID });
    expect(batches.length).toBeGreaterThan(2);
    expect(messages).toHaveLength(image.length / 64);
    const last = decodeZclOta(messages.at(-1)!).command as { fileOffset: number; data: Uint8Array };
    expect(last.fileOffset).toBe(image.length - 64);
    expect(toHex(last.data)).toBe(toHex(image.subarray(-64)));
    expect(Buffer.compare(image, copy)).toBe(0);
    // Copied batches (native uninitialised memory under Node) are plain, their own memory,
    // and every message of the first batch still holds its block after the pass.
    expect(batches[0]!.bytes.constructor).toBe(Uint8Array);
    expect(new Set(batches.map((b) => b.bytes.buffer)).size).toBe(batches.length);
    for (let i = 0; i < batches[0]!.count; i++) {
      const c = decodeZclOta(blockMessage(batches[0]!, i)).command as { fileOffset: number; data: Uint8Array };
      expect(c.fileOffset).toBe(i * 64);
      expect(toHex(c.data)).toBe(toHex(image.subarray(i * 64, i * 64 + 64)));
    }
  });

  it('the SHA-256 of an uneven chunked source equals node:crypto one-shot, copied or zero-copy (seeded)', async () => {
    const rnd = prng(1704);
    const image = new Uint8Array(3 << 20).map(() => Math.floor(rnd() * 256));
    const want = createHash('sha256').update(image).digest('hex');
    async function* uneven() {
      for (let o = 0; o < image.length; ) {
        const n = Math.min(image.length - o, 1 + Math.floor(rnd() * 300_000));
        yield image.slice(o, o + n);
        o += n;
      }
    }
    for (const reuse of [false, true]) {
      const { batches, messages } = await collect(uneven(), { format: 'ic18', blockSize: 1024, sha256: true, reuse });
      expect(toHex(batches.at(-1)!.sha256!)).toBe(want);
      expect(batches.filter((b) => b.sha256).length).toBe(1);
      if (!reuse) expect(messages).toHaveLength(image.length / 1024);
    }
  });

  it('zero-copy batches (reuse) hold the same bytes while the batch is current', async () => {
    const image = SAMPLE.length > 0 ? new Uint8Array(1 << 20).map((_, i) => SAMPLE[i % SAMPLE.length]!) : SAMPLE;
    const copied = (await collect(image, { format: 'zcl', blockSize: 64, imageId: ID })).batches.map((b) => toHex(b.bytes));
    const reused: string[] = [];
    for await (const b of encodeBlockMessages(image, { format: 'zcl', blockSize: 64, imageId: ID, reuse: true })) reused.push(toHex(b.bytes));
    expect(reused).toEqual(copied);
  });

  it('a run of exactly 127 blocks is a count, not the trap status 127 (regression)', async () => {
    for (const n of [126, 127, 128]) expect((await collect(SAMPLE.subarray(0, n * 2), { format: 'ic18', blockSize: 2 })).messages).toHaveLength(n);
  });

  it('refuses out-of-range values naming the field', async () => {
    const fieldOf = async (o: BlockMessageOptions, src: Uint8Array = SAMPLE) => {
      try {
        await collect(src, o);
      } catch (e) {
        return (e as { field?: string }).field;
      }
      return 'no error';
    };
    expect(await fieldOf({ format: 'zcl', blockSize: 256, imageId: ID })).toBe('blockSize');
    expect(await fieldOf({ format: 'zcl', blockSize: 64 })).toBe('imageId');
    expect(await fieldOf({ format: 'zcl', blockSize: 64, imageId: { ...ID, imageType: 0x10000 } })).toBe('imageId.imageType');
    expect(await fieldOf({ format: 'zcl', blockSize: 64, imageId: ID, firstOffset: 0xffffffff - 100 })).toBe('firstOffset');
    expect(await fieldOf({ format: 'ic18', blockSize: 64, firstBlockNumber: 0xffffffff - 2 })).toBe('firstBlockNumber');
    await expect(collect(SAMPLE, { format: 'ic18', blockSize: 64, firstBlockNumber: 0xffffffff - 2 })).rejects.toBeInstanceOf(GbcsEncodeError);
  });
});

describe('encodeBlockMessages: DLMS IC 18 image_block_transfer', () => {
  it('encodes every block of the sample image for sizes around the A-XDR length forms (seeded round trip)', async () => {
    for (const blockSize of [1, 127, 128, 200, 255, 256, 1024, 70000]) {
      const { messages } = await collect(SAMPLE, { format: 'ic18', blockSize, firstBlockNumber: 5 });
      expect(messages).toHaveLength(Math.ceil(SAMPLE.length / blockSize));
      messages.forEach((m, i) => {
        const data = SAMPLE.subarray(i * blockSize, (i + 1) * blockSize);
        expect(toHex(m)).toBe(toHex(encodeImageBlockTransfer({ blockNumber: 5 + i, data })));
        const d = decodeImageBlockTransfer(m);
        expect(d.blockNumber).toBe(5 + i);
        expect(toHex(d.data)).toBe(toHex(data));
      });
    }
  });

  it('an empty image gives one empty last batch with the SHA-256 of nothing', async () => {
    const { messages, batches } = await collect(new Uint8Array(0), { format: 'ic18', blockSize: 64, sha256: true });
    expect(messages).toEqual([]);
    expect(batches).toHaveLength(1);
    expect(toHex(batches[0]!.sha256!)).toBe(createHash('sha256').digest('hex'));
  });
});

describe('encodeImageBlockResponses: a batch of replies', () => {
  it('gives encodeZclOta\'s bytes for seeded SUCCESS, WAIT_FOR_DATA and bare-status replies, and zigbee-herdsman reads them', () => {
    const rnd = prng(2017);
    const int = (n: number) => Math.floor(rnd() * n);
    const items: BlockResponseItem[] = [];
    for (let i = 0; i < 9000; i++) {
      const kind = int(3);
      const at = int(100);
      const response: BlockResponseItem['response'] = kind === 0
        ? { command: 'image-block-response', status: 0, manufacturerCode: int(0x10000), imageType: int(0x10000), fileVersion: int(2 ** 32), fileOffset: int(2 ** 32), data: SAMPLE.subarray(at, at + int(256)) }
        : kind === 1
          ? { command: 'image-block-response', status: 0x97, currentTime: int(2 ** 32), requestTime: int(2 ** 32), ...(int(2) ? { minimumBlockPeriod: int(0x10000) } : {}) }
          : { command: 'image-block-response', status: [0x95, 0x96, 0x98, 0x80][int(4)]! };
      items.push({ sequence: int(256), response });
    }
    const out = encodeImageBlockResponses(items);
    expect(out).toHaveLength(items.length);
    items.forEach((it, i) => expect(toHex(out[i]!)).toBe(toHex(encodeZclOta(it.response, { sequence: it.sequence }))));
    const wait = items.findIndex((it) => it.response.status === 0x97 && 'minimumBlockPeriod' in it.response);
    const b = Buffer.from(out[wait]!);
    const f = Zcl.Frame.fromBuffer(0x0019, Zcl.Header.fromBuffer(b), b, {});
    const r = items[wait]!.response as { currentTime: number; requestTime: number; minimumBlockPeriod: number };
    expect(f.payload).toMatchObject({ status: 0x97, currentTime: r.currentTime, requestTime: r.requestTime, minimumBlockPeriod: r.minimumBlockPeriod });
  });

  it('names the field and the response of an out-of-range value', () => {
    const ok = { command: 'image-block-response', status: 0, ...ID, fileOffset: 0, data: SAMPLE.subarray(0, 10) } as const;
    const fieldOf = (items: BlockResponseItem[]) => {
      try {
        encodeImageBlockResponses(items);
      } catch (e) {
        return [(e as GbcsEncodeError).field, (e as Error).message];
      }
      return ['no error'];
    };
    expect(fieldOf([{ sequence: 1, response: ok }, { sequence: 256, response: ok }])).toEqual(['sequence', expect.stringContaining('response 1')]);
    expect(fieldOf([{ sequence: 1, response: { ...ok, data: new Uint8Array(256) } }])[0]).toBe('data');
    expect(fieldOf([{ sequence: 1, response: { ...ok, fileOffset: 2 ** 32 } }])[0]).toBe('fileOffset');
    expect(fieldOf([{ sequence: 1, response: { command: 'image-block-response', status: 0x97, currentTime: 0, requestTime: 0, minimumBlockPeriod: 0x10000 } }])[0]).toBe('minimumBlockPeriod');
  });
});
