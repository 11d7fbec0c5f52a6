// Text input (issue 12 item 1): hex and base64 through the native decoder and through the
// browser path (no global Buffer), errors at the bad character, mostly-hex never base64.
import { describe, expect, it, vi } from 'vitest';
import { fromBase64, fromHex, GbcsDecodeError, toBytes, toHex } from '../src/index.js';
import { readFixtures } from './fixtures.js';
import { prng } from './prng.js';

const fixtures = readFixtures();

function codeAt(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof GbcsDecodeError || (e as Error).name === 'GbcsDecodeError') return `${(e as GbcsDecodeError).code}@${(e as GbcsDecodeError).offset}`;
    throw e;
  }
  return 'no error';
}

/** The module loaded with no global Buffer: the table-driven browser path. */
async function browserBytes(): Promise<typeof import('../src/bytes.js')> {
  vi.resetModules();
  vi.stubGlobal('Buffer', undefined);
  try {
    return await import('../src/bytes.js');
  } finally {
    vi.unstubAllGlobals();
  }
}

describe('text input', async () => {
  const browser = await browserBytes();
  const paths = [
    ['native (Buffer)', { toBytes, fromHex, fromBase64 }],
    ['browser (tables)', browser],
  ] as const;

  for (const [name, lib] of paths) {
    it(`${name}: hex, upper-case hex, separators, 0x, base64 and URL-safe base64 give the frame bytes`, () => {
      for (const f of fixtures) {
        const want = toHex(f.bytes);
        const b64 = Buffer.from(f.bytes).toString('base64');
        expect(toHex(lib.toBytes(f.hex.toLowerCase()))).toBe(want);
        expect(toHex(lib.toBytes(f.hex.toUpperCase()))).toBe(want);
        expect(toHex(lib.toBytes(f.hex.match(/../g)!.map((b) => `0x${b}`).join(', ')))).toBe(want);
        expect(toHex(lib.toBytes(b64))).toBe(want);
        expect(toHex(lib.toBytes(b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')))).toBe(want);
        expect(toHex(lib.toBytes(b64.replace(/(.{20})/g, '$1\n')))).toBe(want);
        expect(toHex(lib.fromBase64(b64))).toBe(want);
      }
    });

    it(`${name}: a bad hex character is hex-input at its position in the text`, () => {
      const hex = fixtures[0]!.hex;
      for (const at of [0, 1, 7, 40, hex.length - 1]) {
        const bad = `${hex.slice(0, at)}g${hex.slice(at + 1)}`;
        expect(codeAt(() => lib.toBytes(bad))).toBe(`hex-input@${at}`);
        expect(codeAt(() => lib.fromHex(bad))).toBe(`hex-input@${at}`);
      }
      expect(codeAt(() => lib.toBytes('dd 00 0q 11 22 33 44 55 66 77 88 99 aa bb cc'))).toBe('hex-input@7');
      expect(codeAt(() => lib.fromHex('DD0'))).toBe('hex-input@3');
    });

    it(`${name}: text that is mostly hex is never read as base64, even when it is valid base64`, () => {
      // 'ddzz…' is valid base64 (length multiple of 4, base64 alphabet) but 95% hex digits.
      const hex = toHex(fixtures[0]!.bytes);
      const typo = `${hex.slice(0, 10)}zz${hex.slice(12, hex.length - (hex.length % 4))}`;
      expect(typo.length % 4).toBe(0);
      expect(codeAt(() => lib.toBytes(typo))).toBe('hex-input@10');
      expect(codeAt(() => lib.toBytes(`0x${typo}`))).toBe('hex-input@12');
    });

    it(`${name}: text that is neither is text-input at the first character of neither alphabet`, () => {
      expect(codeAt(() => lib.toBytes('not hex!'))).toBe('text-input@7');
      expect(codeAt(() => lib.toBytes('3QAA3Q*A'))).toBe('text-input@6');
    });

    it(`${name}: random bytes round-trip through hex and base64 (seeded)`, () => {
      const rnd = prng(12);
      for (let n = 0; n < 300; n++) {
        const b = new Uint8Array(Math.floor(rnd() * 64));
        for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
        expect(toHex(lib.fromHex(Buffer.from(b).toString('hex')))).toBe(toHex(b));
        expect(toHex(lib.fromBase64(Buffer.from(b).toString('base64')))).toBe(toHex(b));
      }
    });

    it(`${name}: hex vs base64 near the 10% line follows the character rule (seeded)`, () => {
      // The rule as documented: of the first 64 characters, fewer than 1 in 10 outside
      // 0-9a-fA-F is hex with a typo (hex-input at the first bad one), else base64. The
      // native path decides from the decoded bytes: this pins it to the character rule.
      const HEXC = '0123456789abcdefABCDEF';
      const OTHER = 'ghijklmnopqrstuvwyzGHIJKLMNOPQRSTUVWYZ+/-_'; // no x: `0x` is a prefix
      const rnd = prng(1217);
      const pick = (a: string) => a[Math.floor(rnd() * a.length)]!;
      let asHex = 0;
      let asB64 = 0;
      for (let t = 0; t < 3000; t++) {
        let len = 60 + Math.floor(rnd() * 40);
        if ((len & 3) === 1) len++;
        const nonHex = 4 + Math.floor(rnd() * 6); // 4..9 among the first 64
        const chars = Array.from({ length: len }, () => (rnd() < 0.5 ? pick(HEXC) : pick(OTHER)));
        for (let i = 0; i < Math.min(64, len); i++) chars[i] = pick(HEXC);
        for (let k = 0; k < nonHex; k++) chars[Math.floor(rnd() * Math.min(64, len))] = pick(OTHER);
        if (rnd() < 0.5) chars[Math.floor(rnd() * 2)] = pick(OTHER); // first pair not hex: the native base64 branch
        if ((len & 3) !== 0 && rnd() < 0.5) for (let p = len & 3; p < 4; p++) chars.push('=');
        const text = chars.join('');
        const sample = text.slice(0, 64);
        const bad = [...sample].filter((c) => !HEXC.includes(c)).length;
        if (bad * 10 < sample.length) {
          asHex++;
          const at = [...text].findIndex((c) => !HEXC.includes(c));
          expect(codeAt(() => lib.toBytes(text))).toBe(`hex-input@${at}`);
        } else {
          asB64++;
          expect(toHex(lib.toBytes(text))).toBe(toHex(Buffer.from(text, 'base64')));
        }
      }
      expect(asHex).toBeGreaterThan(300);
      expect(asB64).toBeGreaterThan(300);
    });

    it(`${name}: a long line with separators decodes in one pass`, () => {
      // 8 MB of hex with separators takes the scan path (speed is measured by npm run bench).
      const unit = 'dd 00 11 22 33 44 55 66 77 88 99 aa bb cc ee ff ';
      const text = unit.repeat((8 << 20) / unit.length);
      expect(lib.fromHex(text).length).toBe((text.length / unit.length) * 16);
    });
  }

  it('never returns a Buffer (JSON and instanceof see a plain Uint8Array)', () => {
    expect(toBytes(fixtures[0]!.hex).constructor).toBe(Uint8Array);
    expect(toBytes(Buffer.from(fixtures[0]!.bytes).toString('base64')).constructor).toBe(Uint8Array);
  });

  it('slab views stay intact: later decodes, failed native writes and slab turnover never touch earlier results', () => {
    const kept: [Uint8Array, string][] = [];
    for (let i = 0; i < 400; i++) {
      const f = fixtures[i % fixtures.length]!;
      const hex = toHex(f.bytes);
      kept.push([toBytes(i % 2 ? hex : Buffer.from(f.bytes).toString('base64')), hex]);
      // A bad character late in the text: the native decoder writes a prefix before stopping.
      expect(() => toBytes(`${hex.slice(0, -2)}zz`)).toThrow(/hex/);
      expect(() => fromBase64(`${Buffer.from(f.bytes).toString('base64').slice(0, -4)}AA!A`)).toThrow();
    }
    for (const [b, hex] of kept) expect(toHex(b)).toBe(hex);
  });

  it('mostly-hex text with a typo in its first pair is hex-input at the typo, not base64', () => {
    const hex = toHex(fixtures[0]!.bytes);
    const text = `g${hex.slice(1, 4 * Math.floor(hex.length / 4))}`; // base64-shaped length, base64 alphabet
    expect(() => toBytes(text)).toThrow(expect.objectContaining({ code: 'hex-input', offset: 0 }));
  });
});
