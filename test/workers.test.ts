// Many cores: each worker thread instantiates its own WASM core (module state is per
// thread), so shards of a stream can be decoded in parallel without sharing memory.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../src/index.js';
import { readFixtures } from './fixtures.js';

const DIST = new URL('../dist/index.js', import.meta.url);

describe.skipIf(!existsSync(DIST))('worker threads (built dist)', () => {
  it('decodes the same frames in parallel workers as on the main thread', async () => {
    const hexes = readFixtures().map((f) => f.hex);
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.dist).then(({ decodeFrames }) => {
        const out = decodeFrames(workerData.hexes).map((f) => [f.useCase, f.originatorCounter.toString(), f.bytes.length]);
        parentPort.postMessage(out);
      });`;
    const run = () =>
      new Promise<unknown>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { dist: DIST.href, hexes } });
        w.once('message', resolve);
        w.once('error', reject);
      });
    const [a, b] = await Promise.all([run(), run()]);
    const want = hexes.map((h) => {
      const f = decodeFrame(h);
      return [f.useCase, f.originatorCounter.toString(), f.bytes.length];
    });
    expect(a).toEqual(want);
    expect(b).toEqual(want);
  });
});
