// stringifyJsonSafe (one pass, no copy) prints exactly what JSON.stringify(toJsonSafe(v))
// printed, on every decodable RTDS payload tree and the project's fixtures.
import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../src/index.js';
import { stringifyJsonSafe, toJsonSafe } from '../src/payload/json.js';
import { readFixtures } from './fixtures.js';
import { HAVE_RTDS, rtdsFiles } from './rtds.js';

function trees(hexes: string[]): unknown[] {
  const out: unknown[] = [];
  for (const h of hexes) {
    const f = decodeFrame(h);
    out.push(f.toJSON());
    const p = f.payload;
    if (!p || f.payloadFormat === 'unknown') continue;
    try {
      out.push(p.decoded);
    } catch {
      // a payload the tree builder refuses has no tree to print
    }
  }
  return out;
}

describe('stringifyJsonSafe', () => {
  it('equals JSON.stringify(toJsonSafe(v)) on the fixtures and on hand-made values', () => {
    const values = [...trees(readFixtures().map((f) => f.hex)), { a: 1n, b: new Uint8Array([1, 255]), c: [undefined, 2n], d: undefined, e: null, f: 'x"y' }];
    for (const v of values) expect(stringifyJsonSafe(v)).toBe(JSON.stringify(toJsonSafe(v)));
  });

  it.skipIf(!HAVE_RTDS)('equals JSON.stringify(toJsonSafe(v)) on every RTDS frame and payload tree', () => {
    const values = trees(rtdsFiles().map((f) => f.hex));
    expect(values.length).toBeGreaterThan(1000);
    for (const v of values) expect(stringifyJsonSafe(v)).toBe(JSON.stringify(toJsonSafe(v)));
  });
});
