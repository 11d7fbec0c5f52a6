// The envelope encoder in the WASM core (issue 17): conformance on every RTDS frame
// (independent source), the old TypeScript encoder's output compared on the same set,
// batch vs one call per frame, typed range errors, and seeded round-trip properties.
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, encodeFrames, frameInitOf, GbcsEncodeError, toHex, type FrameInit } from '../src/index.js';
import { encodeGeneralSigning } from '../src/encode.js';
import { encodeFrame as legacyEncodeFrame, encodeGeneralSigning as legacyGeneralSigning } from './legacy/encodeTs.js';
import { readFixtures } from './fixtures.js';
import { prng } from './prng.js';
import { HAVE_RTDS, RTDS_SKIP_REASON, rtdsFiles } from './rtds.js';

const rtds = rtdsFiles();

describe.skipIf(!HAVE_RTDS)('core envelope encoder: RTDS 4.5.0 conformance', () => {
  it(`re-encodes every RTDS frame byte-exact (${rtds.length} files)`, () => {
    expect(rtds.length).toBeGreaterThan(100);
    const bad: string[] = [];
    for (const f of rtds) {
      const frame = decodeFrame(f.bytes);
      if (toHex(encodeFrame(frame)) !== f.hex.toLowerCase()) bad.push(f.name);
    }
    expect(bad).toEqual([]);
  });

  it('the batch entry point gives the same bytes as one call per frame', () => {
    const frames = rtds.map((f) => decodeFrame(f.bytes));
    const out = encodeFrames(frames);
    expect(out.map((b) => toHex(b))).toEqual(rtds.map((f) => f.hex.toLowerCase()));
  });

  it('matches the replaced TypeScript encoder on every RTDS frame and general-signing APDU', () => {
    const diffs: string[] = [];
    for (const f of rtds) {
      const frame = decodeFrame(f.bytes);
      if (toHex(encodeFrame(frame)) !== toHex(legacyEncodeFrame(frame))) diffs.push(f.name);
      if (frame.kind !== 'gbt' && toHex(encodeGeneralSigning(frame)) !== toHex(legacyGeneralSigning(frame))) diffs.push(`${f.name} (DF)`);
    }
    expect(diffs).toEqual([]);
  });
});
if (!HAVE_RTDS) it.skip(RTDS_SKIP_REASON, () => {});

describe('core envelope encoder: project fixtures and batches', () => {
  const fixtures = readFixtures();
  it('re-encodes the fixtures (every frame kind) in one batch', () => {
    expect(encodeFrames(fixtures.map((f) => decodeFrame(f.bytes))).map((b) => toHex(b))).toEqual(fixtures.map((f) => f.hex.toLowerCase()));
  });

  it('streams batches larger than one core call and than the output region', () => {
    const frame = frameInitOf(decodeFrame(fixtures[0]!.bytes));
    // 9000 frames > 8192 descriptors; 40 x 200 KiB > the 4 MiB output region.
    const many = encodeFrames(Array.from({ length: 9000 }, (_, i) => ({ ...frame, originatorCounter: BigInt(i) })));
    expect(many.map((b) => decodeFrame(b).originatorCounter)).toEqual(Array.from({ length: 9000 }, (_, i) => BigInt(i)));
    const big = { ...frame, kind: 'general-signing' as const, mac: undefined, content: new Uint8Array(200 << 10).fill(7) };
    const bigs = encodeFrames(Array.from({ length: 40 }, () => big));
    expect(bigs.every((b) => decodeFrame(b).content.length === 200 << 10)).toBe(true);
    // One frame larger than both regions grows them once.
    const huge = encodeFrame({ ...big, content: new Uint8Array(9 << 20).fill(1) });
    expect(decodeFrame(huge).content.length).toBe(9 << 20);
  });

  it('a batch of exactly 127 frames is a count, not the trap status 127 (regression)', () => {
    const frame = frameInitOf(decodeFrame(fixtures[0]!.bytes));
    for (const n of [126, 127, 128]) expect(encodeFrames(Array.from({ length: n }, () => frame))).toHaveLength(n);
  });

  it('names the field and the frame of an out-of-range value', () => {
    const base = frameInitOf(decodeFrame(fixtures[0]!.bytes));
    const catchIt = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as GbcsEncodeError;
      }
      throw new Error('no error');
    };
    const gbt: FrameInit = { ...base, kind: 'gbt', mac: undefined, gbt: { blockNumber: 1, blockNumberAck: 0, blockData: new Uint8Array(3) } };
    expect(catchIt(() => encodeFrame({ ...gbt, gbt: { ...gbt.gbt!, blockNumber: 0x10000 } })).field).toBe('gbt.blockNumber');
    expect(catchIt(() => encodeFrame({ ...gbt, gbt: { ...gbt.gbt!, blockNumberAck: -1 } })).field).toBe('gbt.blockNumberAck');
    expect(catchIt(() => encodeFrame({ ...base, messageCode: 0x10000 })).field).toBe('messageCode');
    const long = catchIt(() => encodeFrames([base, { ...base, kind: 'general-signing', mac: undefined, content: new Uint8Array(1 << 24) }]));
    expect(long).toBeInstanceOf(GbcsEncodeError);
    expect(long.field).toBe('content');
    expect(long.message).toMatch(/3-byte BER length \(frame 1\)/);
  });
});

describe('core envelope encoder: seeded round-trip properties', () => {
  it('decodes what it encodes from random valid fields (seed 17)', () => {
    const rnd = prng(17);
    const int = (n: number) => Math.floor(rnd() * n);
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
    const hex = (n: number) => toHex(bytes(n));
    const kinds = ['general-ciphering', 'general-signing', 'gbt'] as const;
    const cras = ['command', 'response', 'alert'] as const;
    const frames: FrameInit[] = [];
    for (let i = 0; i < 250; i++) {
      const kind = kinds[int(3)]!;
      const contentLen = [0, 1, 127, 128, 255, 256, 70000][int(7)]!;
      const widths = { ciphered: int(5), otherInformation: int(5), content: int(5), blockData: int(5) };
      const oi = int(3) === 0 ? { supplementaryRemotePartyId: hex(8), supplementaryRemotePartyCounter: BigInt(int(1e9)) } : undefined;
      const common = {
        cra: cras[int(3)]!, originatorCounter: BigInt(int(2 ** 31)) * BigInt(int(2 ** 31)), originator: hex(8), recipient: bytes(8),
        dateTime: int(2) ? bytes(12) : undefined, messageCode: int(0x10000), otherInformation: oi, lengthWidths: widths,
        securityHeader: { securityControl: int(256), invocationCounter: int(2 ** 32) },
      };
      if (kind === 'gbt') {
        frames.push({ ...common, kind, gbt: { blockNumber: int(0x10000), blockNumberAck: int(0x10000), blockControl: int(256), blockData: bytes(contentLen) } });
      } else {
        const sig = int(3);
        frames.push({
          ...common, kind, content: bytes(contentLen),
          signatureState: sig === 0 ? (kind === 'general-signing' ? 'absent' : 'empty') : sig === 1 ? 'empty' : undefined,
          signature: sig === 2 ? bytes(64) : undefined, mac: kind === 'general-ciphering' ? bytes(12) : undefined,
        });
      }
    }
    const encoded = encodeFrames(frames);
    frames.forEach((init, i) => {
      const f = decodeFrame(encoded[i]!);
      expect(f.kind).toBe(init.kind);
      expect(f.originatorCounter).toBe(BigInt(init.originatorCounter));
      expect(f.messageCode).toBe(init.messageCode);
      if (init.kind === 'gbt') {
        expect(f.gbt!.blockNumber).toBe(init.gbt!.blockNumber);
        expect(f.gbt!.blockControl).toBe(init.gbt!.blockControl);
        expect(toHex(f.gbt!.blockData)).toBe(toHex(init.gbt!.blockData));
      } else expect(toHex(f.content)).toBe(toHex(init.content!));
      // Re-encoding the decoded frame is byte-exact (widths kept) and equals the legacy path.
      expect(toHex(encodeFrame(f))).toBe(toHex(encoded[i]!));
      expect(toHex(legacyEncodeFrame(init))).toBe(toHex(encoded[i]!));
    });
  });
});

