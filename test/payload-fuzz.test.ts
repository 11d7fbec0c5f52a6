// Payload fuzzing: mutated and truncated payloads (RTDS when present, else the project's
// fixtures) must give a clean decode or a GbcsDecodeError with an offset inside the
// payload; never another exception, a hang, or unbounded recursion. Seeded, bounded.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeDer, decodeDlmsData, decodeFrame, decodePayload, encodePayload, fromHex, GbcsDecodeError, type PayloadContext } from '../src/index.js';
import { HAVE_RTDS, rtdsFiles } from './rtds.js';
import { prng } from './prng.js';

interface Sample { ctx: PayloadContext; bytes: Uint8Array }
function samples(): Sample[] {
  const out: Sample[] = [];
  if (HAVE_RTDS) {
    for (const f of rtdsFiles()) {
      const fr = decodeFrame(f.bytes);
      if (fr.payloadFormat === 'unknown' || fr.kind === 'gbt') continue;
      out.push({ ctx: { format: fr.payloadFormat, cra: fr.cra, messageCode: fr.messageCode }, bytes: fr.content.slice() });
    }
  } else {
    for (const line of readFileSync(new URL('./fixtures/payloads.txt', import.meta.url), 'utf8').split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const [format, cra, code, hex] = line.split(' ');
      out.push({ ctx: { format: format as PayloadContext['format'], cra: cra as PayloadContext['cra'], messageCode: parseInt(code!, 16) }, bytes: fromHex(hex!) });
    }
  }
  return out;
}

/** Decodes; a success must re-encode to the same bytes, a failure must be a located GbcsDecodeError. */
function check(bytes: Uint8Array, ctx: PayloadContext): 'ok' | 'error' {
  try {
    const p = decodePayload(bytes, ctx);
    expect(Buffer.from(encodePayload(p)).equals(Buffer.from(bytes))).toBe(true);
    return 'ok';
  } catch (e) {
    if (!(e instanceof GbcsDecodeError)) throw e;
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThanOrEqual(bytes.length);
    expect(e.expected.length).toBeGreaterThan(0);
    return 'error';
  }
}

describe('issue 10.12 fuzz: payload (mutations, truncations, DLMS/DER garbage, depth)', () => {
  const all = samples();
  const rand = prng(0x9bc5);

  it('byte mutations give a clean decode or a located GbcsDecodeError', () => {
    const seen = { ok: 0, error: 0 };
    for (let round = 0; round < 3000; round++) {
      const s = all[Math.floor(rand() * all.length)]!;
      const b = s.bytes.slice();
      const flips = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < flips; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      seen[check(b, s.ctx)]++;
    }
    // Both outcomes must occur, or the mutator is not exercising the decoders.
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.error).toBeGreaterThan(0);
  });

  it('every truncation of a sample fails cleanly or decodes a shorter valid payload', () => {
    let errors = 0;
    for (const s of all.filter((_, i) => i % 7 === 0)) {
      for (let n = 0; n < s.bytes.length; n += 1 + Math.floor(s.bytes.length / 40)) {
        if (check(s.bytes.subarray(0, n), s.ctx) === 'error') errors++;
      }
    }
    expect(errors).toBeGreaterThan(0);
  });

  it('random bytes as DLMS Data and DER never escape as other exceptions', () => {
    for (let round = 0; round < 2000; round++) {
      const b = Uint8Array.from({ length: 1 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256));
      for (const f of [decodeDlmsData, decodeDer]) {
        try {
          f(b);
        } catch (e) {
          expect(e).toBeInstanceOf(GbcsDecodeError);
        }
      }
    }
  });

  it('deep nesting is refused at the limit, not recursed into', () => {
    // 10 000 nested structures: far past the limit; must fail fast with the code.
    const dlms = new Uint8Array(20001);
    for (let i = 0; i < 10000; i++) dlms.set([0x02, 0x01], 2 * i);
    expect(() => decodeDlmsData(dlms)).toThrowError(expect.objectContaining({ code: 'nesting-too-deep' }));
    const der = new Uint8Array(20000);
    for (let i = 0; i < 10000; i++) der.set([0x30, 0x80 - 1], 2 * i); // lengths are wrong, but depth fails first
    expect(() => decodeDer(der)).toThrowError(GbcsDecodeError);
    // Exactly at the limit (32 levels) decodes.
    expect(() => decodeDlmsData(fromHex('0201'.repeat(31) + '00'))).not.toThrow();
  });
});
