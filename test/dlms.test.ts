// DLMS payload layer: long-form lengths and the OPTIONAL echoed specification (issue 19),
// count consistency of access-requests/responses and the lazy/full differential (issue 10
// item 2). Expected bytes are written out by hand from the cited sources (issue 19 quotes
// Gurux's `84 00 01 00 00` for 65,536; GBCS.md 3.2 for the APDU layouts), except where a
// test is named a round trip.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeDlmsData, decodeFrame, decodePayload, encodeDlmsData, encodePayload, fromHex, GbcsDecodeError, LazyPayload,
  type DecodedPayload, type DlmsAccessResponse, type DlmsOctetString, type PayloadContext,
} from '../src/index.js';
import { decodeImageBlockTransfer, encodeImageBlockTransfer } from '../src/ota/dlmsImageTransfer.js';
import { toJsonSafe } from '../src/payload/json.js';
import { HAVE_RTDS, rtdsFiles } from './rtds.js';
import { prng } from './prng.js';

const cat = (...parts: (Uint8Array | string)[]): Uint8Array => {
  const bs = parts.map((p) => (typeof p === 'string' ? fromHex(p) : p));
  const out = new Uint8Array(bs.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of bs) { out.set(b, o); o += b.length; }
  return out;
};
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const block = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
const RESPONSE: PayloadContext = { format: 'DLMS', cra: 'response', messageCode: 0x00b9 };
const COMMAND: PayloadContext = { format: 'DLMS', cra: 'command', messageCode: 0x00b9 };

describe('issue 19: A-XDR long-form lengths', () => {
  const data = block(65536);
  // Gurux writes 65,536 as 84 00 01 00 00 (issue 19).
  const gurux = cat('09 84 00010000', data);
  const minimal = cat('09 83 010000', data);

  it('decodes a 65,536-byte octet string sent with the 4-byte long form (84)', () => {
    const d = decodeDlmsData(gurux) as DlmsOctetString;
    expect(d.type).toBe('octet-string');
    expect(d.bytes.length).toBe(65536);
    expect(hex(d.bytes.subarray(0, 4))).toBe(hex(data.subarray(0, 4)));
    expect(d.lengthWidth).toBe(5);
  });

  it('round-trip: re-encoding keeps the recorded 5-byte length field byte-exactly', () => {
    expect(hex(encodeDlmsData(decodeDlmsData(gurux)))).toBe(hex(gurux));
  });

  it('encodes minimally: 65,536 bytes take 83 01 00 00 when no width was recorded', () => {
    const enc = encodeDlmsData({ type: 'octet-string', bytes: data });
    expect(hex(enc.subarray(0, 5))).toBe('0983010000');
    expect(enc.length).toBe(minimal.length);
    expect((decodeDlmsData(minimal) as DlmsOctetString).lengthWidth).toBeUndefined();
  });

  it('accepts 84 on counts too (structure, array) and keeps its width', () => {
    const s = fromHex('02 84 00000002 11 05 12 0102');
    const d = decodeDlmsData(s);
    expect(toJsonSafe(d)).toMatchObject({ type: 'structure', items: [{ type: 'unsigned', value: 5 }, { type: 'long-unsigned', value: 0x102 }] });
    expect(hex(encodeDlmsData(d))).toBe(hex(s));
  });

  it('refuses 85 and lengths of 2^31 or more with dlms-length at the length byte', () => {
    expect(() => decodeDlmsData(fromHex('09 85 0000000001 00'))).toThrowError(expect.objectContaining({ code: 'dlms-length', offset: 1 }));
    expect(() => decodeDlmsData(fromHex('09 84 80000000'))).toThrowError(expect.objectContaining({ code: 'dlms-length', offset: 1 }));
    expect(() => decodeDlmsData(fromHex('09 84 000100'))).toThrowError(expect.objectContaining({ code: 'truncated' }));
  });

  it('IC 18 image_block_transfer with a 65,536-byte block: Gurux form decodes, our form is minimal', () => {
    const guruxBlock = cat('02 02 06 00000007 09 84 00010000', data);
    const b = decodeImageBlockTransfer(guruxBlock);
    expect(b.blockNumber).toBe(7);
    expect(b.data.length).toBe(65536);
    expect(hex(b.data.subarray(65530))).toBe(hex(data.subarray(65530)));
    const ours = encodeImageBlockTransfer({ blockNumber: 7, data });
    expect(hex(ours.subarray(0, 11))).toBe('0202060000000709830100');
    expect(ours.length).toBe(guruxBlock.length - 1);
    // The generic Data codec keeps the peer's width.
    expect(hex(encodeDlmsData(decodeDlmsData(guruxBlock)))).toBe(hex(guruxBlock));
  });

  it('accepts the 4-byte form in the APDU lists (access-response data count)', () => {
    const apdu = fromHex('DA 20000001 00 00 84 00000001 11 2A 01 01 00');
    const p = decodePayload(apdu, RESPONSE) as DlmsAccessResponse;
    expect(p.data).toHaveLength(1);
    expect(p.lengthWidths).toEqual({ data: 5 });
    expect(hex(encodePayload(p))).toBe(hex(apdu));
  });

  it('the envelope keeps GBCS.md 1.2 (at most 3 length octets): 84 is refused there', () => {
    // General-ciphering frame with its ciphered-service length written as 84 ...
    expect(() => decodeFrame(fromHex('DD 00 00 00 00 00 00 84 00000010' + '00'.repeat(16)))).toThrowError(expect.objectContaining({ code: 'ber-length', offset: 7 }));
  });
});

describe('issue 19: OPTIONAL echoed access-request-specification', () => {
  const spec1 = '01 0001 00005E2C0004 02'; // get, class 1, 0-0:94.44.0.4, attribute 2
  const spec2 = '03 0046 00000060030A 01'; // action, class 70, 0-0:96.3.10.255, method 1

  it('absent: presence byte 00 (what GBCS sends)', () => {
    const apdu = fromHex('DA 20000001 00 00 01 0300 01 01 00');
    const p = decodePayload(apdu, RESPONSE) as DlmsAccessResponse;
    expect(p.specs).toEqual([]);
    expect(p.specsPresent).toBe(false);
    expect(p.data).toHaveLength(1);
    expect(hex(encodePayload(p))).toBe(hex(apdu));
  });

  it('one echoed spec: 01 ‖ count 01 ‖ spec', () => {
    const apdu = fromHex(`DA 20000001 00 01 01 ${spec1} 01 03FF 01 01 00`);
    const p = decodePayload(apdu, RESPONSE) as DlmsAccessResponse;
    expect(p.specsPresent).toBe(true);
    expect(p.specs).toHaveLength(1);
    expect(p.specs[0]).toMatchObject({ kind: 'get', classId: 1, attribute: 2 });
    expect(p.specs[0]!.obis.text).toBe('0-0:94.44.0.4');
    expect(toJsonSafe(p.data[0])).toMatchObject({ type: 'boolean', value: true });
    expect(hex(encodePayload(p))).toBe(hex(apdu));
  });

  it('several echoed specs', () => {
    const apdu = fromHex(`DA 20000001 00 01 02 ${spec1} ${spec2} 02 0300 00 02 01 00 03 00`);
    const p = decodePayload(apdu, RESPONSE) as DlmsAccessResponse;
    expect(p.specs.map((s) => s.kind)).toEqual(['get', 'action']);
    expect(p.specs[1]).toMatchObject({ classId: 70, method: 1 });
    expect(p.results.map((r) => r.kind)).toEqual(['get', 'action']);
    expect(hex(encodePayload(p))).toBe(hex(apdu));
  });

  it('builds the presence byte from a hand-made response', () => {
    const built: DlmsAccessResponse = {
      format: 'DLMS', type: 'access-response', invokeId: 0x20000001 as never,
      specs: [{ kind: 'get', classId: 1, obis: '0-0:94.44.0.4' as never, attribute: 2 }],
      data: [{ type: 'null' }], results: [{ kind: 'get', result: 0, resultName: 'success' }],
    };
    expect(hex(encodePayload(built))).toBe(hex(fromHex(`DA 20000001 00 01 01 ${spec1} 01 00 01 01 00`)));
    expect(hex(encodePayload({ ...built, specs: [] }))).toBe(hex(fromHex('DA 20000001 00 00 01 00 01 01 00')));
  });

  it('a presence byte other than 00/01 is refused with dlms-spec-presence', () => {
    expect(() => decodePayload(fromHex('DA 20000001 00 02 00 00'), RESPONSE)).toThrowError(expect.objectContaining({ code: 'dlms-spec-presence', offset: 6 }));
  });
});

describe('issue 10.2 structural consistency: count consistency', () => {
  // Two Data items but one result (GBCS.md 3.2: one result per data item).
  const mismatch = fromHex('DA 20000001 00 00 02 1101 1102 01 0100');
  const reqMismatch = fromHex('D9 20000001 00 01 01 0001 00005E2C0004 02 02 00 00');

  it('an access-response whose data count differs from its result count is a GbcsDecodeError', () => {
    const e = (() => { try { decodePayload(mismatch, RESPONSE); } catch (err) { return err; } })();
    expect(e).toBeInstanceOf(GbcsDecodeError);
    expect(e).toMatchObject({ code: 'dlms-count-mismatch', offset: 12 });
  });

  it('the lazy view refuses it too (length, get, decoded), with frame offsets', () => {
    const lazy = new LazyPayload(mismatch, RESPONSE, 100);
    expect(lazy.kind).toBe('access-response');
    expect(() => lazy.length).toThrowError(expect.objectContaining({ code: 'dlms-count-mismatch', offset: 112 }));
    expect(() => new LazyPayload(mismatch, RESPONSE, 100).get(0)).toThrowError(expect.objectContaining({ code: 'dlms-count-mismatch' }));
    expect(() => new LazyPayload(mismatch, RESPONSE, 100).decoded).toThrowError(expect.objectContaining({ code: 'dlms-count-mismatch', offset: 112 }));
  });

  it('an access-request whose spec count differs from its data count is refused', () => {
    expect(() => decodePayload(reqMismatch, COMMAND)).toThrowError(expect.objectContaining({ code: 'dlms-count-mismatch', offset: 17 }));
  });

  it('the encoder refuses to write inconsistent counts', () => {
    const ok = decodePayload(fromHex('DA 20000001 00 00 01 1101 01 0100'), RESPONSE) as DlmsAccessResponse;
    expect(() => encodePayload({ ...ok, results: [] })).toThrowError(/one result per data item/);
  });
});

// ---- differential: lazy path vs full tree over a seeded fuzz corpus ----

interface Sample { ctx: PayloadContext; bytes: Uint8Array }
function samples(): Sample[] {
  const out: Sample[] = [];
  if (HAVE_RTDS) {
    for (const f of rtdsFiles()) {
      const fr = decodeFrame(f.bytes);
      if (fr.payloadFormat === 'unknown' || fr.kind === 'gbt') continue;
      out.push({ ctx: { format: fr.payloadFormat, cra: fr.cra, messageCode: fr.messageCode }, bytes: fr.content.slice() });
    }
  }
  for (const line of readFileSync(new URL('./fixtures/payloads.txt', import.meta.url), 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [format, cra, code, h] = line.split(' ');
    out.push({ ctx: { format: format as PayloadContext['format'], cra: cra as PayloadContext['cra'], messageCode: parseInt(code!, 16) }, bytes: fromHex(h!) });
  }
  return out;
}

type Outcome = { ok: unknown } | { error: string; offset: number };
function outcome(f: () => unknown): Outcome {
  try {
    return { ok: toJsonSafe(f()) };
  } catch (e) {
    if (!(e instanceof GbcsDecodeError)) throw e;
    return { error: e.code, offset: e.offset };
  }
}
function fullItems(p: DecodedPayload): unknown[] {
  if (p.format !== 'DLMS') return [];
  if (p.type === 'access-request') return p.specs.map((spec, k) => ({ kind: 'request', spec, data: p.data[k] }));
  if (p.type === 'access-response') return p.data.map((data, k) => ({ kind: 'response', data, result: p.results[k] }));
  return p.body.type === 'structure' || p.body.type === 'array' ? p.body.items.map((data) => ({ kind: 'data', data })) : [{ kind: 'data', data: p.body }];
}

describe('issue 10.2 structural consistency: lazy path and full tree agree on every fuzzed DLMS input', () => {
  it('same values or the same error code and offset, seeded corpus', () => {
    const all = samples().filter((s) => s.ctx.format === 'DLMS');
    expect(all.length).toBeGreaterThan(0);
    const rand = prng(0x1d1a5);
    const seen = { same: 0, errors: 0, mismatches: 0 };
    for (let round = 0; round < 6000; round++) {
      const s = all[Math.floor(rand() * all.length)]!;
      const b = s.bytes.slice();
      const mode = rand();
      if (mode < 0.15) {
        // Count tampering: bump one list count byte right after the header (the most
        // likely place for a data/result mismatch).
        const at = 6 + Math.floor(rand() * Math.min(8, b.length - 6));
        if (at < b.length) b[at] = (b[at]! + (rand() < 0.5 ? 1 : 0xff)) & 0xff;
      } else {
        const flips = 1 + Math.floor(rand() * 3);
        for (let k = 0; k < flips; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      }
      const base = 1000;
      const full = outcome(() => fullItems(decodePayload(b, { ...s.ctx, offsetBase: base })));
      const lazy = outcome(() => {
        const l = new LazyPayload(b, s.ctx, base);
        const items = [];
        for (let i = 0; i < l.length; i++) items.push(l.get(i));
        return items;
      });
      expect(lazy).toEqual(full);
      if ('error' in full) {
        seen.errors++;
        if (full.error === 'dlms-count-mismatch') seen.mismatches++;
      } else seen.same++;
    }
    expect(seen.same).toBeGreaterThan(100);
    expect(seen.errors).toBeGreaterThan(100);
    expect(seen.mismatches).toBeGreaterThan(5);
  });
});

// ---- issue 10 item 1: bounded work in the DLMS Data builder ----

import { Budget } from '../src/payload/limits.js';
import { DLMS_NODES_PER_BYTE } from '../src/payload/dlmsData.js';

/** Tree nodes and JS arrays a decoded value holds. */
function objectsIn(d: ReturnType<typeof decodeDlmsData>): number {
  let n = 0;
  const stack = [d];
  while (stack.length) {
    const x = stack.pop()!;
    n++;
    if (x.type === 'array' || x.type === 'structure') { n++; stack.push(...x.items); }
    if (x.type === 'compact-array') { n++; stack.push(...x.rows); }
  }
  return n;
}

describe('issue 10.1 bounded work: DLMS Data builders are bounded (generators)', () => {
  const u8 = (n: number) => new Uint8Array(n);
  const generators: { name: string; make: (rand: () => number) => Uint8Array }[] = [
    { name: 'array of N empty arrays', make: (r) => { const n = 1 + Math.floor(r() * 70000); const b = cat('01 83', Uint8Array.of(n >> 16, n >> 8, n), u8(0)); const out = new Uint8Array(b.length + 2 * n); out.set(b); for (let i = 0; i < n; i++) out.set([0x01, 0x00], b.length + 2 * i); return out; } },
    { name: 'array of N nulls', make: (r) => { const n = 1 + Math.floor(r() * 70000); return cat('01 83', Uint8Array.of(n >> 16, n >> 8, n), u8(n)); } },
    { name: 'compact-array of zero-byte element types', make: (r) => cat('13', ['00', '0200', '01000011', '01FFFF00', '0201 00'][Math.floor(r() * 5)]!, '02 0000') },
    { name: 'compact-array of arrays nested to the limit, 1-byte rows', make: (r) => { const d = 1 + Math.floor(r() * 30); const rows = 1 + Math.floor(r() * 2000); return cat('13', '010001'.repeat(d), '11', '82', Uint8Array.of(rows >> 8, rows), u8(rows)); } },
    { name: 'compact-array of wide arrays of u8', make: (r) => { const w = 1 + Math.floor(r() * 65535); const rows = 1 + Math.floor(r() * 3); const len = w * rows; return cat('13 01', Uint8Array.of(w >> 8, w), '11 83', Uint8Array.of(len >> 16, len >> 8, len), u8(len)); } },
    { name: 'structures nested past the depth limit', make: (r) => cat('0201'.repeat(20 + Math.floor(r() * 40)), '00') },
    { name: 'huge counts with few bytes (84 form)', make: (r) => cat(['01', '02', '09', '04'][Math.floor(r() * 4)]!, '84', Uint8Array.of(0x7f, 0xff, 0xff, Math.floor(r() * 256)), u8(Math.floor(r() * 64))) },
  ];

  for (const g of generators) {
    it(`${g.name}: objects per input byte stay under DLMS_NODES_PER_BYTE × 2 (${DLMS_NODES_PER_BYTE * 2}), or a located limit error`, () => {
      const rand = prng(0xb0d + g.name.length);
      const seen = { ok: 0, refused: 0 };
      let worst = 0;
      for (let k = 0; k < 12; k++) {
        const input = g.make(rand);
        try {
          const d = decodeDlmsData(input);
          const ratio = objectsIn(d) / input.length;
          worst = Math.max(worst, ratio);
          expect(ratio).toBeLessThanOrEqual(DLMS_NODES_PER_BYTE * 2);
          seen.ok++;
        } catch (e) {
          expect(e).toBeInstanceOf(GbcsDecodeError);
          const err = e as GbcsDecodeError;
          expect(['too-many-nodes', 'nesting-too-deep', 'too-deep', 'truncated', 'dlms-type-description', 'dlms-length']).toContain(err.code);
          expect(err.offset).toBeGreaterThanOrEqual(0);
          expect(err.offset).toBeLessThanOrEqual(input.length);
          seen.refused++;
        }
      }
      expect(seen.ok + seen.refused).toBe(12);
    });
  }

  it('the builder counts against a shared Budget before allocating (too-many-nodes at the list offset)', () => {
    const twenty = cat('02 02 11 01 01 14', u8(20));
    expect(() => decodeDlmsData(twenty, { budget: new Budget({ maxNodes: 10 }) })).toThrowError(expect.objectContaining({ code: 'too-many-nodes', offset: 4 }));
    const budget = new Budget({ maxNodes: 30 });
    decodeDlmsData(twenty, { budget });
    expect(budget.nodes).toBe(23); // structure, its 2 elements, the array's 20
    // The same budget carries over to the next value of the same decode.
    expect(() => decodeDlmsData(twenty, { budget })).toThrowError(expect.objectContaining({ code: 'too-many-nodes' }));
  });

  it('the builder refuses depth past a Budget limit with too-deep and the offset', () => {
    expect(() => decodeDlmsData(fromHex('0201 0201 0201 00'), { budget: new Budget({ maxDepth: 2 }) })).toThrowError(expect.objectContaining({ code: 'too-deep', offset: 4 }));
  });
});
