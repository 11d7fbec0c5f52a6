// The TypeScript DER decode of a full decode (asn1.ts decodeAsn1Bytes, issue 12 item 2)
// against the WASM walk it replaces on that path (assembly/der.ts, read by buildAsn1): on
// every RTDS ASN.1 payload, on seeded mutations of them (bytes flipped, cut, appended) and on
// hand-made hostile payloads, both give the same error (code and offset) or the same tree
// (JSON-safe rendering: schema names, values, offsets and length widths included).
import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../src/index.js';
import { buildAsn1, decodeAsn1Bytes } from '../src/payload/asn1.js';
import { stringifyJsonSafe } from '../src/payload/json.js';
import { walkNodes } from '../src/payload/nodes.js';
import * as L from '../src/wasm/layout.js';
import { prng } from './prng.js';
import { HAVE_RTDS, rtdsFiles } from './rtds.js';

const failure = (e: unknown): string => `err ${(e as { code?: string }).code} ${(e as { offset?: number }).offset} ${(e as Error).message}`;
function viaWasm(b: Uint8Array, mc: number, cra: number, base: number): string {
  try {
    return stringifyJsonSafe(buildAsn1(walkNodes(b, L.W_DER, false, base), mc, cra, base));
  } catch (e) {
    return failure(e);
  }
}
function viaJs(b: Uint8Array, mc: number, cra: number, base: number): string {
  try {
    return stringifyJsonSafe(decodeAsn1Bytes(b, mc, cra, base));
  } catch (e) {
    return failure(e);
  }
}
const same = (b: Uint8Array, mc = 0, cra = 1, base = 0): string => {
  const js = viaJs(b, mc, cra, base);
  expect(js).toBe(viaWasm(b, mc, cra, base));
  return js;
};
const CRA: Record<string, number> = { command: 1, response: 2, alert: 3 };

describe.skipIf(!HAVE_RTDS)('issue 12.2 ASN.1 full decode: the TypeScript walk agrees with the WASM walk', () => {
  it('on every RTDS DER payload and seeded mutations of each', () => {
    const rnd = prng(0xde7);
    const seen = { trees: 0, errors: new Set<string>() };
    let payloads = 0;
    for (const f of rtdsFiles()) {
      let frame;
      try { frame = decodeFrame(f.bytes); } catch { continue; }
      if (frame.payloadFormat !== 'ASN.1') continue;
      payloads++;
      const content = frame.content;
      const variants: Uint8Array[] = [content];
      for (let k = 0; k < 16; k++) {
        const b = Uint8Array.from(content);
        const m = rnd();
        if (m < 0.5) {
          for (let j = 0, n = 1 + Math.floor(rnd() * 3); j < n; j++) b[Math.floor(rnd() * b.length)] = rnd() < 0.5 ? Math.floor(rnd() * 256) : [0x30, 0x80, 0x81, 0x84, 0x1f, 0xa0][Math.floor(rnd() * 6)]!;
          variants.push(b);
        } else if (m < 0.8) variants.push(b.subarray(0, Math.floor(rnd() * b.length)));
        else variants.push(Uint8Array.from([...b, ...Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => Math.floor(rnd() * 256))]));
      }
      for (const v of variants) {
        const js = same(v, frame.messageCode, CRA[frame.cra]!, frame.contentOffset);
        if (js.startsWith('err ')) seen.errors.add(js.split(' ')[1]!);
        else seen.trees++;
      }
    }
    expect(payloads).toBeGreaterThan(120);
    expect(seen.trees).toBeGreaterThan(130);
    for (const code of ['truncated', 'payload-trailing-bytes']) expect(seen.errors).toContain(code);
  });
});

describe('ASN.1 full decode: TypeScript walk = WASM walk on hand-made payloads', () => {
  it('gives the same tree or the same error and offset', () => {
    const nest = (n: number, inner: number[]): number[] => {
      let x = inner;
      for (let i = 0; i < n; i++) x = [0x30, ...(x.length < 0x80 ? [x.length] : [0x81, x.length]), ...x];
      return x;
    };
    const nulls = (n: number) => [0x30, 0x83, ((2 * n) >> 16) & 0xff, ((2 * n) >> 8) & 0xff, (2 * n) & 0xff, ...new Array(n).fill([0x05, 0x00]).flat()];
    const cases: [string, number[]][] = [
      ['tree', [0x30, 0x06, 0x02, 0x01, 0x05, 0x01, 0x01, 0xff]],
      ['tree', [0x30, 0x81, 0x03, 0x04, 0x01, 0xaa]], // non-minimal length kept as lengthWidth
      ['tree', [0x1f, 0x81, 0x01, 0x01, 0x00]], // high tag number form
      ['tree', [0xa0, 0x00]], // empty constructed
      ['tree', nest(L.MAX_DEPTH - 1, [0x05, 0x00])],
      ['too-deep', nest(L.MAX_DEPTH, [])], // a constructed element at the deepest level: no level left for its contents
      ['nesting-too-deep', nest(L.MAX_DEPTH, [0x05, 0x00])],
      ['too-many-nodes', nulls(L.MAX_NODES)],
      ['der-length', [0x30, 0x80, 0x00, 0x00]],
      ['ber-length', [0x04, 0x84, 0, 0, 0, 1, 0]],
      ['der-tag', [0x1f, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00]],
      ['truncated', [0x1f, 0x81]],
      ['truncated', [0x30, 0x05, 0x02, 0x01]],
      ['truncated', [0x30, 0x03, 0x02, 0x05, 0x00]],
      ['truncated', []],
      ['payload-trailing-bytes', [0x05, 0x00, 0x00]],
    ];
    for (const [want, bytes] of cases) {
      const got = same(Uint8Array.from(bytes), 0, 1, 30);
      expect(got.startsWith('err ') ? got.split(' ')[1] : 'tree', `${want}: ${got.slice(0, 120)}`).toBe(want);
    }
  });
});
