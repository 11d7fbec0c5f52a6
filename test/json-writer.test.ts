// Differential test of the one-pass JSON writer (payload/json.ts JsonWriter, issue 12 item 5):
// the text `gbcs decode --json`, the pipeline and the pool's frameRecord print must equal
// JSON.stringify of the JSON-safe form (toJsonSafe), byte for byte, on every RTDS frame
// (whole records: envelope, payload tree, typed view; and opened trees with the RTDS
// keystore), on the project's fixtures, and on hand-made values that hit every branch.
import { describe, expect, it } from 'vitest';
import { decodeFrame, openFrame } from '../src/index.js';
import { folderKeyStore } from '../src/node.js';
import type { GbcsFrame } from '../src/frame.js';
import { JSON_WRITE, JsonWriter, stringifyJsonSafe, toJsonSafe } from '../src/payload/json.js';
import { JSON_SCHEMA_VERSION, writeFrameJson } from '../src/cli/render.js';
import { typedViewJson } from '../src/useCases/registry.js';
import { GbcsDecodeError } from '../src/errors.js';
import { readFixtures } from './fixtures.js';
import { HAVE_RTDS, RTDS_KEYSTORE, rtdsFiles } from './rtds.js';

const written = (f: (w: JsonWriter) => void): string => {
  const w = new JsonWriter(64); // small on purpose: every record makes the buffer grow
  f(w);
  return w.text();
};

/** The record as the CLI printed it before the writer: one JSON-safe copy, then JSON.stringify. */
function expectedRecord(frame: GbcsFrame, payload?: unknown, security?: unknown): string {
  const p = frame.payload;
  const obj: Record<string, unknown> = { schemaVersion: JSON_SCHEMA_VERSION, ...frame.toJSON(), payload: payload ?? (p && frame.payloadFormat !== 'unknown' ? p.decoded : null), ...typedViewJson(frame) };
  if (security !== undefined) obj.security = security;
  return JSON.stringify(toJsonSafe(obj));
}

function checkFrames(hexes: string[]): number {
  let records = 0;
  for (const h of hexes) {
    const frame = decodeFrame(h);
    expect(written((w) => w.value(frame))).toBe(JSON.stringify(frame.toJSON()));
    let want: string;
    try {
      want = expectedRecord(frame);
    } catch (e) {
      if (!(e instanceof GbcsDecodeError)) throw e;
      // A payload the tree builder refuses fails the frame on both paths, leaving nothing written.
      const w = new JsonWriter();
      w.raw('x');
      expect(() => writeFrameJson(w, frame)).toThrow(GbcsDecodeError);
      expect(w.text()).toBe('x');
      continue;
    }
    expect(written((w) => writeFrameJson(w, frame))).toBe(want);
    records++;
  }
  return records;
}

describe('JsonWriter', () => {
  it('writes JSON.stringify(toJsonSafe(v)) for hand-made values covering every branch', () => {
    class WithToJson {
      toJSON() {
        return { big: 2n ** 70n, bytes: new Uint8Array([0, 0xab]) };
      }
    }
    class Writes {
      [JSON_WRITE](w: JsonWriter) {
        w.raw('{"self":true}');
      }
      toJSON() {
        return { self: true };
      }
    }
    const values: unknown[] = [
      null, true, false, 0, -0, 7, 10, 99, 100, 2147483647, 2147483648, -1, -2147483648, 1.5, 1e21, 1e-7, NaN, Infinity, -Infinity,
      '', 'plain', 'quote " and \\ backslash', 'ctl \u0000\u0001\u001f\b\f\n\r\t\u007f', 'non-ASCII é ½ – 😀', 'lone \ud800 surrogate \udc00',
      12345678901234567890n, -5n, new Uint8Array(0), new Uint8Array([1, 2, 255]), Buffer.from('ff00', 'hex'),
      [], [1, undefined, () => 1, Symbol('s'), null, 2n], {}, { a: undefined, b: () => 1, c: Symbol('x'), d: 1 }, { 'key "q"': 1, 'é': 2, 3: 'num key', 1: 'first' },
      Object.assign(Object.create(null), { z: 1, a: [2n] }), new WithToJson(), [new WithToJson(), { n: new WithToJson() }], new Writes(), new Date(0), new Map([[1, 2]]),
      { deep: { deeper: { deepest: [[[{ x: new Uint8Array([9]) }]]] } } },
    ];
    for (const v of values) {
      const want = JSON.stringify(toJsonSafe(v));
      expect(written((w) => w.value(v)), String(want)).toBe(want);
      expect(stringifyJsonSafe(v)).toBe(want);
    }
    expect(stringifyJsonSafe(undefined)).toBe(JSON.stringify(undefined));
  });

  it('members() appends to an open object; take() hands over the bytes and starts afresh', () => {
    const w = new JsonWriter();
    w.raw('{"a":1');
    expect(w.members({ b: 2n, c: undefined, d: 'x' })).toBe(2);
    w.key('e');
    w.hex(new Uint8Array([1, 2, 3]), 1, 3);
    w.byte(125);
    const b = w.take();
    expect(Buffer.from(b).toString()).toBe('{"a":1,"b":"2","d":"x","e":"0203"}');
    expect(w.pos).toBe(0);
  });

  it('equals JSON.stringify of the JSON-safe record on the project fixtures', () => {
    expect(checkFrames(readFixtures().map((f) => f.hex))).toBeGreaterThan(5);
  });

  it.skipIf(!HAVE_RTDS)('equals JSON.stringify of the JSON-safe record on every RTDS frame', () => {
    expect(checkFrames(rtdsFiles().map((f) => f.hex))).toBeGreaterThan(1000);
  });

  it.skipIf(!HAVE_RTDS)('equals JSON.stringify of the JSON-safe record on every opened RTDS tree (decrypted parts, RTDS keystore)', async () => {
    const ks = folderKeyStore(RTDS_KEYSTORE);
    let opened = 0;
    for (const f of rtdsFiles()) {
      const frame = decodeFrame(f.bytes);
      if (frame.kind === 'gbt' || frame.payloadFormat === 'unknown') continue;
      let o;
      try {
        o = await openFrame(frame, ks);
      } catch (e) {
        if (e instanceof GbcsDecodeError) continue;
        throw e;
      }
      const security = { signature: 'valid', encrypted: o.decryption.encrypted, parts: o.decryption.parts.length };
      expect(written((w) => writeFrameJson(w, frame, o.payload, security))).toBe(expectedRecord(frame, o.payload, security));
      if (o.decryption.encrypted) opened++;
    }
    expect(opened).toBeGreaterThan(10);
  });
});

describe('the pipeline and the pool task print the same records', () => {
  it.skipIf(!HAVE_RTDS)('decodeForPipeline and frameRecord equal JSON.stringify of the JSON-safe record on every RTDS frame', async () => {
    const { decodeForPipeline } = await import('../src/pipeline/decoder.js');
    const { frameRecord } = await import('../src/node/poolTask.js');
    let n = 0;
    for (const f of rtdsFiles()) {
      const frame = decodeFrame(f.bytes);
      if (frame.kind === 'gbt') continue;
      const p = frame.payload;
      let payload: unknown;
      try {
        payload = toJsonSafe(p && frame.payloadFormat !== 'unknown' ? p.decoded : null);
      } catch (e) {
        if (e instanceof GbcsDecodeError) continue;
        throw e;
      }
      const out = await decodeForPipeline(f.bytes);
      expect(out.kind).toBe('result');
      expect(out.kind === 'result' && out.json).toBe(JSON.stringify({ ...frame.toJSON(), payload, ...typedViewJson(frame) }));
      expect(await frameRecord(f.bytes)).toBe(JSON.stringify({ ...frame.toJSON(), payload }));
      n++;
    }
    expect(n).toBeGreaterThan(1000);
  });
});
