// Batch decoding: the scanFrames cursor agrees with decodeFrame on every frame, and
// oversized input is `input-too-large` from decodeFrame and in its own batch slot
// (issue 10 item 6).
import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeFrames, GbcsDecodeError, GbcsFrame, MAX_FRAME_BYTES, scanFrames, toHex, encodeFrame } from '../src/index.js';
import { readFixtures } from './fixtures.js';

const fixtures = readFixtures();

describe('scanFrames cursor', () => {
  it('gives the same fields as decodeFrame, in input order, errors in place', () => {
    const inputs: Array<Uint8Array | string> = fixtures.map((f) => f.bytes);
    inputs.splice(1, 0, new Uint8Array([0xdf, 0x09]), 'not hex!', fixtures[0]!.hex);
    const seen: string[] = [];
    const failed = scanFrames(inputs, (c) => {
      let want: GbcsFrame | GbcsDecodeError;
      try {
        want = decodeFrame(inputs[c.index]!);
      } catch (e) {
        want = e as GbcsDecodeError;
      }
      if (want instanceof GbcsDecodeError) {
        expect(c.ok).toBe(false);
        expect(c.error?.code).toBe(want.code);
        expect(c.error?.offset).toBe(want.offset);
        expect(c.error?.frameIndex).toBe(c.index);
        expect(() => c.frame()).toThrow(GbcsDecodeError);
        seen.push(`${c.index}:${want.code}`);
        return;
      }
      expect(c.ok).toBe(true);
      expect(c.messageCode).toBe(want.messageCode);
      expect(c.kind).toBe(want.kind);
      if (want.kind !== 'gbt') {
        expect(c.cra).toBe(want.cra);
        expect(c.originator).toBe(want.originator);
        expect(c.recipient).toBe(want.recipient);
        expect(c.originatorCounter).toBe(want.originatorCounter);
        expect(c.contentOffset).toBe(want.contentOffset);
        expect(c.contentLength).toBe(want.content.length);
      }
      // decodeFrame inside the visitor overwrote WASM record 0; the cursor's frame is intact.
      expect(toHex(encodeFrame(c.frame()))).toBe(toHex(encodeFrame(want)));
      seen.push(`${c.index}:ok`);
    });
    expect(seen).toHaveLength(inputs.length);
    expect(seen.map((s) => Number(s.split(':')[0]))).toEqual(inputs.map((_, i) => i));
    expect(failed).toBe(2);
    expect(seen[1]).toBe('1:truncated');
    expect(seen[2]).toBe('2:text-input');
  });

  it('spans several WASM chunks (more than 8192 frames) in order', () => {
    const inputs = Array.from({ length: 9000 }, (_, i) => fixtures[i % fixtures.length]!.bytes);
    let n = 0;
    scanFrames(inputs, (c) => {
      expect(c.index).toBe(n++);
      expect(c.messageCode).toBe(decodeFrame(inputs[c.index]!).messageCode);
    });
    expect(n).toBe(9000);
  });

  it('refuses a batch call from inside a visitor (it would overwrite the records being read)', () => {
    expect(() => scanFrames([fixtures[0]!.bytes], () => decodeFrames([fixtures[0]!.bytes]))).toThrow(/inside a scanFrames visitor/);
    // and the library is usable afterwards
    expect(decodeFrames([fixtures[0]!.bytes])[0]).toBeInstanceOf(GbcsFrame);
  });
});

describe('issue 10.6 oversized input is input-too-large', () => {
  const big = new Uint8Array(MAX_FRAME_BYTES + 1);
  big[0] = 0xdd;

  it('decodeFrame: input-too-large, never a raw WebAssembly error', () => {
    let err: unknown;
    try {
      decodeFrame(big);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GbcsDecodeError);
    expect((err as GbcsDecodeError).code).toBe('input-too-large');
  });

  it('decodeFrames / scanFrames: its own slot, neighbours still decoded', () => {
    const inputs = [fixtures[0]!.bytes, big, fixtures[1]!.bytes];
    const out = decodeFrames(inputs);
    expect(out[0]).toBeInstanceOf(GbcsFrame);
    expect((out[1] as GbcsDecodeError).code).toBe('input-too-large');
    expect((out[1] as GbcsDecodeError).frameIndex).toBe(1);
    expect(out[2]).toBeInstanceOf(GbcsFrame);
    const codes: string[] = [];
    scanFrames(inputs, (c) => codes.push(c.ok ? 'ok' : c.error!.code));
    expect(codes).toEqual(['ok', 'input-too-large', 'ok']);
  });

  it('a frame just at the limit is decoded (as whatever it is), not refused for size', () => {
    const at = new Uint8Array(MAX_FRAME_BYTES);
    at[0] = 0xdd;
    const out = decodeFrames([at]);
    expect((out[0] as GbcsDecodeError).code).not.toBe('input-too-large');
  });
});
