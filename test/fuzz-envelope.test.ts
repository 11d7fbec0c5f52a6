// Bounded fuzzing of the envelope decoder: truncation at every offset, random byte
// flips and random garbage must give a clean frame or a GbcsDecodeError with a sane
// offset; never a trap, another exception, a hang, or a modified input buffer.
import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeFrames, encodeFrame, GbcsDecodeError, GbcsFrame } from '../src/index.js';
import { readFixtures } from './fixtures.js';
import { HAVE_RTDS, rtdsFiles } from './rtds.js';
import { prng } from './prng.js';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}

/** Plain checks (no expect() per call: this runs ~300k times). Throws on any violation. */
function checkOne(bytes: Uint8Array, label: string): 'ok' | 'error' {
  const before = bytes.slice();
  let outcome: 'ok' | 'error';
  try {
    const f = decodeFrame(bytes);
    // A clean decode must also re-encode exactly.
    if (!sameBytes(encodeFrame(f), bytes)) throw new Error(`${label}: decoded but re-encodes differently`);
    outcome = 'ok';
  } catch (e) {
    if (!(e instanceof GbcsDecodeError)) throw new Error(`${label}: ${String(e)}`);
    if (e.code === 'internal') throw new Error(`${label}: internal error ${e.message}`);
    if (e.offset < 0 || e.offset > bytes.length) throw new Error(`${label}: offset ${e.offset} outside 0..${bytes.length}`);
    outcome = 'error';
  }
  if (!sameBytes(before, bytes)) throw new Error(`${label}: input modified`);
  return outcome;
}

const corpus = (): Uint8Array[] => [...readFixtures().map((f) => f.bytes), ...rtdsFiles().map((f) => f.bytes)];

describe('issue 10.12 fuzz: envelope (truncations, flips, garbage, batch isolation)', () => {
  it(`truncation at every offset of every frame (${HAVE_RTDS ? 'fixtures + RTDS' : 'fixtures only'})`, () => {
    let n = 0;
    for (const full of corpus()) {
      const whole = decodeFrame(full);
      // The one prefix that is itself a frame: a signed DF frame cut right before its
      // signature field is a valid pre-command.
      const precommandCut = whole.kind === 'general-signing' ? whole.layout.signature : -1;
      for (let cut = 0; cut < full.length; cut++) {
        const want = cut === precommandCut ? 'ok' : 'error';
        if (checkOne(full.subarray(0, cut), `cut ${cut}`) !== want) throw new Error(`prefix of ${cut} bytes: expected ${want}`);
        n++;
      }
    }
    expect(n).toBeGreaterThan(500);
  });

  it('random byte flips (bounded: 24 per frame)', () => {
    const rnd = prng(0x6bc5);
    let errors = 0;
    let oks = 0;
    for (const full of corpus()) {
      for (let k = 0; k < 24; k++) {
        const m = full.slice();
        const flips = 1 + Math.floor(rnd() * 3);
        for (let j = 0; j < flips; j++) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
        if (checkOne(m, `flip seed ${k}`) === 'ok') oks++;
        else errors++;
      }
    }
    // Both outcomes occur: mutations in payload bytes still decode, header damage does not.
    expect(oks).toBeGreaterThan(0);
    expect(errors).toBeGreaterThan(0);
  });

  it('random garbage and hostile lengths', () => {
    const rnd = prng(42);
    for (let k = 0; k < 2000; k++) {
      const len = Math.floor(rnd() * 64);
      const g = Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
      if (len > 0 && rnd() < 0.5) g[0] = rnd() < 0.5 ? 0xdd : 0xdf;
      checkOne(g, `garbage ${k}`);
    }
    // Lengths pointing far past the end must not read out of bounds.
    for (const hostile of ['DD000000000000 83FFFFFF 11', 'DF 09 01 0000000000000001 08 0000000000000001 08 0000000000000002 00 83FFFFFF', 'DD 09 01 00000000000000010800000000000000010800000000000000020002001200 83 7FFFFF']) {
      expect(checkOne(Uint8Array.from(Buffer.from(hostile.replace(/ /g, ''), 'hex')), hostile)).toBe('error');
    }
  });

  it('batch decoding isolates bad frames from good ones', () => {
    const rnd = prng(7);
    const frames = corpus().slice(0, 200);
    const mixed = frames.map((f, i) => (i % 3 === 0 ? f.subarray(0, Math.floor(rnd() * f.length)) : f));
    const out = decodeFrames(mixed);
    out.forEach((r, i) => {
      if (i % 3 === 0) expect(r).toBeInstanceOf(GbcsDecodeError);
      else expect(r).toBeInstanceOf(GbcsFrame);
    });
  });
});
