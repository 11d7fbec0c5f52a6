// The API as a consumer uses it (issue 15 item 5): JSON-safe trees, decodeFrame copy option,
// the typed async iterable of frame lines, the error code union, and the same frame from hex
// and from bytes comparing equal.
import { createReadStream, readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  GBCS_ERROR_CODES,
  GbcsDecodeError,
  decodeFrame,
  decodeFrames,
  fromHex,
  jsonReplacer,
  toJsonSafe,
  type GbcsErrorCode,
  type GbcsFrame,
} from '../src/index.js';
import { frameLines, type FrameLineResult } from '../src/node.js';
import { prng } from './prng.js';

const FIXTURES = new URL('fixtures/', import.meta.url);
function hexLines(file: string): string[] {
  return readFileSync(new URL(file, FIXTURES), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
const ALL = [...hexLines('frames.hex'), ...hexLines('security.hex'), ...hexLines('fw-day.hex')];
const frames = ALL.map((h) => {
  try {
    return decodeFrame(h);
  } catch {
    return undefined;
  }
}).filter((f): f is GbcsFrame => f !== undefined);

describe('JSON-safe trees', () => {
  it('fixtures include trees with bigints (plain JSON.stringify throws on them)', () => {
    const trees = frames.filter((f) => f.payload && f.payloadFormat !== 'unknown').map((f) => f.payload!.decoded);
    expect(trees.some((t) => (() => { try { JSON.stringify(t); return false; } catch { return true; } })())).toBe(true);
  });

  it('JSON.stringify(tree, jsonReplacer) and toJsonSafe(tree) work for every decoded payload and agree', () => {
    let n = 0;
    for (const f of frames) {
      if (!f.payload || f.payloadFormat === 'unknown') continue;
      let tree;
      try {
        tree = f.payload.decoded;
      } catch (e) {
        if (e instanceof GbcsDecodeError) continue;
        throw e;
      }
      const a = JSON.parse(JSON.stringify(tree, jsonReplacer));
      const b = JSON.parse(JSON.stringify(toJsonSafe(tree)));
      expect(a).toEqual(b);
      n++;
    }
    expect(n).toBeGreaterThan(20);
  });

  it('the replacer writes bigints as decimal strings and bytes as hex', () => {
    expect(JSON.stringify({ a: 2n ** 70n, b: new Uint8Array([0xde, 0xad]) }, jsonReplacer)).toBe('{"a":"1180591620717411303424","b":"dead"}');
  });
});

describe('decodeFrame(x, { copy: true })', () => {
  it('keeps the frame intact when the caller zeroes its buffer; without copy the frame is a view', () => {
    const hex = ALL[0]!;
    const expected = decodeFrame(hex).toJSON();
    const buf = fromHex(hex);
    const copied = decodeFrame(buf, { copy: true });
    const viewed = decodeFrame(buf);
    buf.fill(0);
    expect(copied.toJSON()).toEqual(expected);
    expect(viewed.bytes.every((b) => b === 0)).toBe(true);
    const ab = new Uint8Array(fromHex(hex)).buffer as ArrayBuffer;
    const fromAb = decodeFrame(ab, { copy: true });
    new Uint8Array(ab).fill(0);
    expect(fromAb.toJSON()).toEqual(expected);
  });
});

describe('frameLines', () => {
  it('is a typed async iterable of { line, result } over a stream, malformed lines included', async () => {
    const it = frameLines(createReadStream(new URL('frames.hex', FIXTURES)));
    expectTypeOf(it).toMatchTypeOf<AsyncIterable<FrameLineResult>>();
    let n = 0;
    for await (const { line, result } of it) {
      expectTypeOf(result).toEqualTypeOf<GbcsFrame | GbcsDecodeError>();
      expect(line).toBeGreaterThan(0);
      expect(result).not.toBeInstanceOf(GbcsDecodeError);
      n++;
    }
    expect(n).toBe(hexLines('frames.hex').length);
  });
});

describe('error codes', () => {
  it('code is a union of string literals, and every code the decoders give is listed', () => {
    expectTypeOf<GbcsDecodeError['code']>().toEqualTypeOf<GbcsErrorCode>();
    expectTypeOf<GbcsErrorCode>().not.toEqualTypeOf<string>();
    const rnd = prng(15);
    const seen = new Set<string>();
    const inputs: Uint8Array[] = [];
    for (const f of frames) {
      for (let k = 0; k < 40; k++) {
        const b = f.bytes.slice();
        const at = Math.floor(rnd() * b.length);
        b[at] = Math.floor(rnd() * 256);
        inputs.push(rnd() < 0.3 ? b.subarray(0, at) : b);
      }
    }
    for (const r of decodeFrames(inputs)) {
      if (r instanceof GbcsDecodeError) seen.add(r.code);
      else {
        try {
          void r.payload?.decoded;
        } catch (e) {
          if (!(e instanceof GbcsDecodeError)) throw e;
          seen.add(e.code);
        }
      }
    }
    expect(seen.size).toBeGreaterThan(5);
    for (const c of seen) expect(GBCS_ERROR_CODES).toContain(c);
    expect(new Set(GBCS_ERROR_CODES).size).toBe(GBCS_ERROR_CODES.length);
  });
});

describe('the same frame from hex and from bytes', () => {
  it('compares equal under toEqual (hex, lower-case hex, bytes, Buffer, a view into a larger buffer, base64)', () => {
    for (const hex of ALL) {
      let a;
      try {
        a = decodeFrame(hex);
      } catch {
        continue;
      }
      const bytes = fromHex(hex);
      const big = new Uint8Array(bytes.length + 7);
      big.set(bytes, 3);
      expect(decodeFrame(bytes)).toEqual(a);
      expect(decodeFrame(hex.toLowerCase())).toEqual(a);
      expect(decodeFrame(big.subarray(3, 3 + bytes.length))).toEqual(a);
      expect(decodeFrame(Buffer.from(bytes).toString('base64'))).toEqual(a);
      expect(decodeFrame(new Uint8Array(Buffer.from(bytes)))).toEqual(a);
    }
  });
});
