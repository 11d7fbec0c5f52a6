// The decode pool (gbcs-codec/node): worker threads over the built dist (a worker loads
// compiled JS). Order, errors in place, verification with keys, dying workers, backpressure.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFrame, verifyFrame } from '../src/index.js';
import { folderKeyStore } from '../src/node.js';
import { readFixtures } from './fixtures.js';
import { HAVE_RTDS, RTDS_KEYSTORE, rtdsFiles } from './rtds.js';

const DIST = new URL('../dist/node.js', import.meta.url);
const KEYS = new URL('./fixtures/keys', import.meta.url).pathname;
const ACB = '90b3d51f30000002';
const load = async () => (await import(DIST.href)) as typeof import('../src/node.js');

describe.skipIf(!existsSync(DIST))('decode pool (built dist)', () => {
  const frames = readFixtures().map((f) => f.hex);

  it('gives one result per input, in input order, errors in their slots', async () => {
    const { createDecodePool } = await load();
    const pool = createDecodePool({ workers: 2, batchSize: 3 });
    try {
      const inputs: string[] = [];
      for (let i = 0; i < 200; i++) inputs.push(i % 17 === 5 ? 'not hex!' : i % 23 === 7 ? 'DF09' : frames[i % frames.length]!);
      const out = await pool.decode<string>(inputs);
      expect(out.map((r) => r.index)).toEqual(inputs.map((_, i) => i));
      for (let i = 0; i < inputs.length; i++) {
        const r = out[i]!;
        if (inputs[i] === 'not hex!') expect(r.error?.code).toBe('text-input');
        else if (inputs[i] === 'DF09') expect(r.error?.code).toBe('truncated');
        else expect(JSON.parse(r.value!)).toMatchObject(JSON.parse(JSON.stringify(decodeFrame(inputs[i]!).toJSON())));
      }
    } finally {
      await pool.close();
    }
  });

  it('verifies with each worker opening its own key store from the folder path', async () => {
    const { createDecodePool } = await load();
    const sec = readFixtures('security.hex').map((f) => f.bytes);
    const pool = createDecodePool({ workers: 2, keys: KEYS, acb: ACB });
    try {
      type V = { verification: { ok: boolean; signature: { status: string }; mac: { status: string } } };
      const out = (await pool.decode<string>(sec)).map((r) => ({ value: JSON.parse(r.value!) as V }));
      const ks = folderKeyStore(KEYS);
      for (let i = 0; i < sec.length; i++) {
        const want = await verifyFrame(sec[i]!, ks, { acb: ACB });
        expect(out[i]!.value!.verification).toEqual(want);
      }
      expect(out.some((r) => r.value!.verification.signature.status === 'valid')).toBe(true);
      expect(out.some((r) => r.value!.verification.mac.status === 'valid')).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('replaces a dying worker and retries its frames: nothing lost, nothing doubled', async () => {
    const { createDecodePool } = await load();
    const module = new URL('./pool/crashy.mjs', import.meta.url);
    const pool = createDecodePool({ workers: 2, batchSize: 4, module, handlerOptions: { killIndex: 13, always: false } });
    try {
      const inputs = Array.from({ length: 60 }, (_, i) => frames[i % frames.length]!);
      const out = await pool.decode<{ code: number; attempt: number }>(inputs);
      expect(out).toHaveLength(60);
      expect(out.map((r) => r.index)).toEqual(inputs.map((_, i) => i));
      for (let i = 0; i < 60; i++) expect(out[i]!.value?.code).toBe(decodeFrame(inputs[i]!).messageCode);
      expect(out[13]!.value!.attempt).toBe(2);
      expect(pool.restarts).toBeGreaterThanOrEqual(1);
    } finally {
      await pool.close();
    }
  });

  it('fails the frames of a batch whose worker dies on every retry, and goes on with the rest', async () => {
    const { createDecodePool } = await load();
    const module = new URL('./pool/crashy.mjs', import.meta.url);
    const pool = createDecodePool({ workers: 2, batchSize: 1, retries: 2, module, handlerOptions: { killIndex: 3, always: true } });
    try {
      const out = await pool.decode<{ code: number }>(Array.from({ length: 10 }, (_, i) => frames[i % frames.length]!));
      expect(out[3]!.error?.code).toBe('worker-died');
      expect(out.filter((r) => r.error).length).toBe(1);
      expect(pool.restarts).toBe(3);
    } finally {
      await pool.close();
    }
  });

  it('a poison frame in a batch fails only itself: its batch-mates are retried alone and succeed', async () => {
    const { createDecodePool } = await load();
    const module = new URL('./pool/crashy.mjs', import.meta.url);
    const pool = createDecodePool({ workers: 2, batchSize: 8, retries: 1, module, handlerOptions: { killIndex: 21, always: true } });
    try {
      // Text that is not a frame takes an index without reaching a worker: the handler must still see true input indices.
      const inputs = Array.from({ length: 64 }, (_, i) => (i === 10 ? 'not hex!' : frames[i % frames.length]!));
      const out = await pool.decode<{ code: number; index: number }>(inputs);
      expect(out.map((r) => r.index)).toEqual(inputs.map((_, i) => i));
      expect(out.filter((r) => r.error).map((r) => [r.index, r.error!.code])).toEqual([
        [10, 'text-input'],
        [21, 'worker-died'],
      ]);
      for (const r of out) if (r.value) expect(r.value.index).toBe(r.index);
    } finally {
      await pool.close();
    }
  });

  it('a task module that cannot load fails every frame with pool-failed (no respawn loop)', async () => {
    const { createDecodePool } = await load();
    const pool = createDecodePool({ workers: 2, module: new URL('./pool/broken.mjs', import.meta.url) });
    try {
      const out = await pool.decode(frames);
      expect(out.every((r) => r.error?.code === 'pool-failed')).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('pulls from its source no faster than results are taken (bounded queue)', async () => {
    const { createDecodePool } = await load();
    const pool = createDecodePool({ workers: 2, batchSize: 8, maxQueued: 32 });
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 400; i++) {
        pulled++;
        yield frames[i % frames.length]!;
      }
    }
    try {
      let taken = 0;
      let maxAhead = 0;
      for await (const r of pool.map(source())) {
        expect(r.index).toBe(taken);
        taken++;
        maxAhead = Math.max(maxAhead, pulled - taken);
        if (taken % 50 === 0) await new Promise((res) => setTimeout(res, 20)); // a slow consumer
      }
      expect(taken).toBe(400);
      expect(maxAhead).toBeLessThanOrEqual(32);
    } finally {
      await pool.close();
    }
  });

  it.skipIf(!HAVE_RTDS)('gives frameRecord() text exactly, non-ASCII records included (RTDS with its keystore)', async () => {
    const { createDecodePool, frameRecord } = await load();
    const frames = rtdsFiles().map((f) => f.bytes);
    const ks = folderKeyStore(RTDS_KEYSTORE);
    const want: string[] = [];
    for (const f of frames) want.push(await frameRecord(f, ks, ACB));
    expect(want.some((t) => /[^\x00-\x7f]/.test(t))).toBe(true); // the byte path's UTF-8 branch is exercised
    const pool = createDecodePool({ workers: 2, keys: RTDS_KEYSTORE, acb: ACB });
    try {
      const out = await pool.decode<string>(frames);
      expect(out.map((r) => r.error)).toEqual(frames.map(() => undefined));
      expect(out.map((r) => r.value)).toEqual(want);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
