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

describe('issue 10 item 2: count consistency', () => {
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

describe('issue 10 item 2: lazy path and full tree agree on every fuzzed DLMS input', () => {
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
