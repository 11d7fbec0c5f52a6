// The TypeScript GBZ walk of a full decode (gbz.ts decodeGbzBytes, issue 12 item 2) against
// the WASM walk it replaces on that path (assembly/gbz.ts, read by buildGbz): on every RTDS
// GBZ payload and on seeded mutations of them (bytes flipped, cut, appended), both give the
// same error (code and offset) or the same tree (JSON-safe rendering, offsets included).
import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../src/index.js';
import { buildGbz, decodeGbzBytes } from '../src/payload/gbz.js';
import { stringifyJsonSafe } from '../src/payload/json.js';
import { walkNodes } from '../src/payload/nodes.js';
import * as L from '../src/wasm/layout.js';
import { prng } from './prng.js';
import { HAVE_RTDS, rtdsFiles } from './rtds.js';

function viaWasm(b: Uint8Array, alert: boolean, base: number): string {
  try {
    return stringifyJsonSafe(buildGbz(walkNodes(b, alert ? L.W_GBZ_ALERT : L.W_GBZ, false, base), base));
  } catch (e) {
    return `err ${(e as { code?: string }).code} ${(e as { offset?: number }).offset}`;
  }
}
function viaJs(b: Uint8Array, alert: boolean, base: number): string {
  try {
    return stringifyJsonSafe(decodeGbzBytes(b, alert, base));
  } catch (e) {
    return `err ${(e as { code?: string }).code} ${(e as { offset?: number }).offset}`;
  }
}

describe.skipIf(!HAVE_RTDS)('issue 12.2 GBZ full decode: the TypeScript walk agrees with the WASM walk', () => {
  it('on every RTDS GBZ payload and seeded mutations of each', () => {
    const rnd = prng(0x9b2);
    const seen = { trees: 0, errors: new Set<string>() };
    let payloads = 0;
    for (const f of rtdsFiles()) {
      let frame;
      try { frame = decodeFrame(f.bytes); } catch { continue; }
      if (frame.payloadFormat !== 'GBZ') continue;
      payloads++;
      const content = frame.content;
      const alert = frame.cra === 'alert';
      const base = frame.contentOffset;
      const variants: Uint8Array[] = [content];
      for (let k = 0; k < 12; k++) {
        const b = Uint8Array.from(content);
        const m = rnd();
        if (m < 0.5) {
          for (let j = 0, n = 1 + Math.floor(rnd() * 3); j < n; j++) b[Math.floor(rnd() * b.length)] = rnd() < 0.5 ? Math.floor(rnd() * 256) : Math.floor(rnd() * 4);
          variants.push(b);
        } else if (m < 0.8) variants.push(b.subarray(0, Math.floor(rnd() * b.length)));
        else variants.push(Uint8Array.from([...b, ...Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => Math.floor(rnd() * 256))]));
      }
      for (const v of variants) {
        const js = viaJs(v, alert, base);
        expect(js).toBe(viaWasm(v, alert, base));
        if (js.startsWith('err ')) seen.errors.add(js.split(' ')[1]!);
        else seen.trees++;
      }
    }
    expect(payloads).toBeGreaterThan(250);
    expect(seen.trees).toBeGreaterThan(300);
    // The mutations reach the walk's errors and the ZCL checks.
    for (const code of ['truncated', 'gbz-profile', 'payload-trailing-bytes', 'gbz-component-length']) expect(seen.errors).toContain(code);
  });
});
