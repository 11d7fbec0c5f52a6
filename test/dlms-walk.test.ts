// The TypeScript DLMS decode of a full decode (dlms.ts decodeDlmsBytes / dlmsData.ts
// DlmsWalk, issue 12 item 2) against the WASM walk it replaces on that path
// (assembly/dlms.ts, read by buildDlmsApdu): on every RTDS DLMS payload, on seeded mutations
// of them (bytes flipped, cut, appended) and on hand-made hostile payloads, both give the
// same error (code and offset) or the same tree (JSON-safe rendering: values, views, offsets,
// lengths and non-minimal length widths included).
import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../src/index.js';
import { buildDlmsApdu, decodeDlmsBytes } from '../src/payload/dlms.js';
import { stringifyJsonSafe } from '../src/payload/json.js';
import { walkNodes } from '../src/payload/nodes.js';
import * as L from '../src/wasm/layout.js';
import { fromHex } from '../src/bytes.js';
import { prng } from './prng.js';
import { HAVE_RTDS, rtdsFiles } from './rtds.js';

const failure = (e: unknown): string => `err ${(e as { code?: string }).code} ${(e as { offset?: number }).offset} ${(e as Error).message}`;
function viaWasm(b: Uint8Array, base: number): string {
  try {
    return stringifyJsonSafe(buildDlmsApdu(walkNodes(b, L.W_DLMS, false, base), base));
  } catch (e) {
    return failure(e);
  }
}
function viaJs(b: Uint8Array, base: number): string {
  try {
    return stringifyJsonSafe(decodeDlmsBytes(b, base));
  } catch (e) {
    return failure(e);
  }
}
const same = (b: Uint8Array, base = 0): string => {
  const js = viaJs(b, base);
  expect(js).toBe(viaWasm(b, base));
  return js;
};
/** An A-XDR length in the 84 form (4 length octets). */
const len84 = (n: number) => [0x84, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
/** A data-notification (no date-time) carrying `data`. */
const notification = (data: number[]) => Uint8Array.from([0x0f, 0, 0, 0, 1, 0x00, ...data]);

describe.skipIf(!HAVE_RTDS)('issue 12.2 DLMS full decode: the TypeScript walk agrees with the WASM walk', () => {
  it('on every RTDS DLMS payload and seeded mutations of each', () => {
    const rnd = prng(0xd1a5);
    const seen = { trees: 0, errors: new Set<string>() };
    let payloads = 0;
    for (const f of rtdsFiles()) {
      let frame;
      try { frame = decodeFrame(f.bytes); } catch { continue; }
      if (frame.payloadFormat !== 'DLMS') continue;
      payloads++;
      const content = frame.content;
      const base = frame.contentOffset;
      const variants: Uint8Array[] = [content];
      for (let k = 0; k < 12; k++) {
        const b = Uint8Array.from(content);
        const m = rnd();
        if (m < 0.5) {
          for (let j = 0, n = 1 + Math.floor(rnd() * 3); j < n; j++) b[Math.floor(rnd() * b.length)] = rnd() < 0.5 ? Math.floor(rnd() * 256) : Math.floor(rnd() * 0x1c);
          variants.push(b);
        } else if (m < 0.8) variants.push(b.subarray(0, Math.floor(rnd() * b.length)));
        else variants.push(Uint8Array.from([...b, ...Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => Math.floor(rnd() * 256))]));
      }
      for (const v of variants) {
        const js = same(v, base);
        if (js.startsWith('err ')) seen.errors.add(js.split(' ')[1]!);
        else seen.trees++;
      }
    }
    expect(payloads).toBeGreaterThan(600);
    expect(seen.trees).toBeGreaterThan(700);
    // The mutations reach the walk's errors.
    for (const code of ['truncated', 'payload-trailing-bytes', 'dlms-data-tag', 'dlms-apdu-tag', 'dlms-count-mismatch']) expect(seen.errors).toContain(code);
  });
});

describe('DLMS full decode: TypeScript walk = WASM walk on hand-made payloads', () => {
  it('decodes the same trees: lists, strings, views, compact-arrays, non-minimal lengths, specs and results', () => {
    const ok = [
      // notification: structure{long-unsigned alert code, os12 date-time, os6 OBIS, os4 time, os6, os5 date}
      notification([0x02, 0x06, 0x12, 0x8f, 0x66, 0x09, 0x0c, 0x07, 0xe0, 0x01, 0x01, 0x05, 0x00, 0x00, 0x00, 0xff, 0x80, 0x00, 0x00,
        0x09, 0x06, 0x00, 0x00, 0x01, 0x00, 0x00, 0xff, 0x09, 0x04, 0x07, 0x00, 0x00, 0x00, 0x09, 0x06, 0, 0, 0, 0, 0, 1, 0x09, 0x05, 0x07, 0xe0, 0x05, 0x01, 0x05]),
      // non-minimal lengths: structure count 81 02, octet string length 82 00 03, bit-string, visible-string, utf8, long64, floats
      notification([0x02, 0x81, 0x07, 0x09, 0x82, 0x00, 0x03, 1, 2, 3, 0x04, 0x0a, 0xff, 0xc0, 0x0a, 0x02, 0x41, 0x42, 0x0c, 0x02, 0xc3, 0xa9,
        0x14, 0x80, 0, 0, 0, 0, 0, 0, 1, 0x17, 0x3f, 0x80, 0, 0, 0x18, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18]),
      // compact-array of structure{u32, array[2] of u16} rows, 84-form contents length
      notification([0x13, 0x02, 0x02, 0x06, 0x01, 0x00, 0x02, 0x12, ...len84(16), 0, 0, 0, 1, 0, 2, 0, 3, 0, 0, 0, 4, 0, 5, 0, 6]),
      // compact-array of octet strings and booleans; date, time, date-time values; integers of every width; null; enum; bcd
      notification([0x02, 0x0c, 0x13, 0x02, 0x02, 0x09, 0x03, 0x06, 0x01, 0xaa, 0xff, 0x01, 0xbb, 0x00, 0x1a, 0x07, 0xe0, 0x01, 0x01, 0xff,
        0x1b, 0x0a, 0x00, 0x00, 0xff, 0x19, 0x07, 0xe0, 0x01, 0x01, 0x05, 0, 0, 0, 0, 0x80, 0, 0, 0x0f, 0xff, 0x10, 0x80, 0x00, 0x05, 0xff, 0xff, 0xff, 0xff,
        0x06, 0xff, 0xff, 0xff, 0xff, 0x00, 0x16, 0x07, 0x0d, 0x12, 0x03, 0x05]),
      // IC 30 protected attributes: structure{array, os(17+) starting 31}
      notification([0x02, 0x02, 0x01, 0x00, 0x09, 0x11, 0x31, ...Array.from({ length: 16 }, (_, i) => i)]),
      // access-request: get (choice 1), set (2), action (3), get-with-selection (4) with parameters; date-time present
      Uint8Array.from([0xd9, 0x40, 0, 0, 7, 0x0c, 0x07, 0xe0, 0x01, 0x01, 0x05, 0, 0, 0, 0, 0x80, 0, 0, 0x04,
        0x01, 0x00, 0x08, 0, 0, 1, 0, 0, 0xff, 0x02, 0x02, 0x00, 0x03, 0, 0, 1, 0, 0, 0xff, 0x02, 0x03, 0x00, 0x46, 0, 0, 1, 0, 0, 0xff, 0x01,
        0x04, 0x00, 0x07, 0, 0, 99, 1, 0, 0xff, 0x02, 0x01, 0x02, 0x02, 0x11, 0x01, 0x11, 0x02, 0x04, 0x00, 0x11, 0x05, 0x0f, 0x01, 0x00]),
      // access-response: specs absent (00), 84-form data count, two results
      Uint8Array.from([0xda, 0x20, 0, 0, 1, 0x00, 0x00, 0x82, 0x00, 0x02, 0x11, 0x01, 0x00, 0x82, 0x00, 0x02, 0x01, 0x00, 0x03, 0x0b]),
      // access-response: specs present (01) and echoed
      Uint8Array.from([0xda, 0x20, 0, 0, 1, 0x00, 0x01, 0x01, 0x01, 0x00, 0x08, 0, 0, 1, 0, 0, 0xff, 0x02, 0x01, 0x12, 0x00, 0x05, 0x01, 0x01, 0x00]),
    ];
    ok.forEach((b, i) => expect(same(b, 100), `payload ${i}`).not.toMatch(/^err /));
  });

  it('gives the same error and offset on hostile and malformed payloads', () => {
    const deep = (n: number) => notification([...Array.from({ length: n }, () => [0x02, 0x01]).flat(), 0x00]);
    const bad: [string, Uint8Array][] = [
      ['nesting-too-deep', deep(L.MAX_DEPTH + 1)],
      ['too-many-nodes', notification([0x01, ...len84(L.MAX_NODES + 5), ...new Array(L.MAX_NODES + 5).fill(0)])],
      ['truncated', notification([0x01, ...len84(0x7fffffff)])],
      ['dlms-length', notification([0x01, 0x85, 0, 0, 0, 0, 1])],
      ['dlms-length', notification([0x01, 0x84, 0x80, 0, 0, 0])],
      ['dlms-type-description', notification([0x13, 0x00, 0x01, 0x00])],
      ['dlms-type-description', notification([0x13, 0x02, 0x00, 0x00])],
      ['dlms-type-description', notification([0x13, 0x01, 0x00, 0x00, 0x11, 0x00])],
      ['dlms-type-description', notification([0x13, 0x13, 0x00])],
      ['nesting-too-deep', notification([0x13, ...Array.from({ length: L.MAX_DEPTH }, () => [0x02, 0x01]).flat(), 0x11, 0x01, 0x00])],
      ['truncated', notification([0x13, 0x11, 0x05, 1, 2])],
      ['truncated', notification([0x13, 0x12, 0x03, 1, 2, 3])],
      ['dlms-data-tag', notification([0x02, 0x02, 0x11, 0x01, 0x07])],
      ['payload-trailing-bytes', Uint8Array.from([...notification([0x11, 0x01]), 0x00])],
      ['dlms-apdu-tag', Uint8Array.from([0xc0, 0, 0, 0, 0, 0])],
      ['dlms-date-time', Uint8Array.from([0x0f, 0, 0, 0, 0, 0x05, 0, 0, 0, 0, 0])],
      ['dlms-request-spec', Uint8Array.from([0xd9, 0, 0, 0, 0, 0x00, 0x01, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00])],
      ['dlms-spec-presence', Uint8Array.from([0xda, 0, 0, 0, 0, 0x00, 0x02])],
      ['dlms-count-mismatch', Uint8Array.from([0xd9, 0, 0, 0, 0, 0x00, 0x01, 0x01, 0, 1, 0, 0, 1, 0, 0, 0xff, 2, 0x00])],
      ['dlms-count-mismatch', Uint8Array.from([0xda, 0, 0, 0, 0, 0x00, 0x00, 0x01, 0x00, 0x00])],
      ['dlms-response-spec', Uint8Array.from([0xda, 0, 0, 0, 0, 0x00, 0x00, 0x01, 0x00, 0x01, 0x04, 0x00])],
      ['truncated', new Uint8Array(0)],
      ['truncated', Uint8Array.from([0x0f, 0, 0])],
    ];
    for (const [code, b] of bad) {
      const js = same(b, 40);
      expect(js.split(' ')[1], `${code}: ${js}`).toBe(code);
    }
    // A compact-array row of zero bytes cannot be described (refused above), so dlms-compact-array
    // is reached only by a row that ends past the contents: the same error either way.
    same(fromHex('0f000000000013021102110103000102'));
  });
});
