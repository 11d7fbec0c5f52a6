// Batch decoding: the scanFrames cursor agrees with decodeFrame on every frame, and
// oversized input is `input-too-large` from decodeFrame and in its own batch slot
// (issue 10 item 6).
import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeFrameBatch, decodeFrames, GbcsDecodeError, GbcsFrame, MAX_FRAME_BYTES, scanFrames, toHex, encodeFrame, frameInitOf } from '../src/index.js';
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

describe('decodeFrameBatch columns (issue 12 item 3)', () => {
  const want = (input: Uint8Array | string): GbcsFrame | GbcsDecodeError => {
    try {
      return decodeFrame(input);
    } catch (e) {
      return e as GbcsDecodeError;
    }
  };

  it('gives the fields of decodeFrame per slot and per column, errors in their slots', () => {
    const inputs: Array<Uint8Array | string> = fixtures.map((f, i) => (i % 3 === 1 ? f.hex : f.bytes));
    inputs.splice(2, 0, new Uint8Array([0xdf, 0x09]), 'not hex!');
    const batch = decodeFrameBatch(inputs);
    expect(batch.length).toBe(inputs.length);
    const codes = batch.messageCodes;
    const cras = batch.craFlags;
    let failed = 0;
    for (let i = 0; i < inputs.length; i++) {
      const w = want(inputs[i]!);
      if (w instanceof GbcsDecodeError) {
        failed++;
        expect(batch.ok(i)).toBe(false);
        expect(batch.statuses[i]).not.toBe(0);
        expect(batch.error(i)).toMatchObject({ code: w.code, offset: w.offset, frameIndex: i });
        expect(() => batch.frame(i)).toThrow(GbcsDecodeError);
        expect(batch.originator(i)).toBeUndefined();
        continue;
      }
      expect(batch.ok(i)).toBe(true);
      expect(batch.error(i)).toBeUndefined();
      expect(codes[i]).toBe(w.messageCode);
      expect(batch.messageCode(i)).toBe(w.messageCode);
      expect(batch.kind(i)).toBe(w.kind);
      if (w.kind !== 'gbt') {
        expect(cras[i]).toBe(w.craFlag);
        expect(batch.cra(i)).toBe(w.cra);
        expect(batch.originator(i)).toBe(w.originator);
        expect(batch.recipient(i)).toBe(w.recipient);
        expect(batch.originatorCounter(i)).toBe(w.originatorCounter);
        expect(toHex(batch.content(i)!)).toBe(toHex(w.content));
        expect(batch.contentOffsets[i]).toBe(w.contentOffset);
      }
      // A frame made later, after other decodes overwrote WASM memory, is still this frame.
      decodeFrame(fixtures[0]!.bytes);
      expect(toHex(encodeFrame(batch.frame(i)))).toBe(toHex(encodeFrame(w)));
    }
    expect(failed).toBe(2);
    expect(batch.failed).toBe(2);
    expect(batch.error(2)?.code).toBe('truncated');
    expect(batch.error(3)?.code).toBe('text-input');
    // Iterating gives what decodeFrames gives.
    expect([...batch].map((r) => (r instanceof GbcsFrame ? r.messageCode : r.code))).toEqual(decodeFrames(inputs).map((r) => (r instanceof GbcsFrame ? r.messageCode : r.code)));
    expect(() => batch.messageCode(inputs.length)).toThrow(RangeError);
  });

  it('spans several WASM chunks (more than 8192 frames) in order', () => {
    const inputs = Array.from({ length: 9000 }, (_, i) => fixtures[i % fixtures.length]!.bytes);
    const codes = decodeFrameBatch(inputs).messageCodes;
    expect(codes.length).toBe(9000);
    for (let i = 0; i < 9000; i += 997) expect(codes[i]).toBe(decodeFrame(inputs[i]!).messageCode);
    expect(codes[8999]).toBe(decodeFrame(inputs[8999]!).messageCode);
  });

  it('strict: a non-minimal length is its slot\'s error', () => {
    const f = decodeFrame(fixtures.find((x) => decodeFrame(x.bytes).kind === 'general-signing')!.bytes);
    const long = encodeFrame({ ...frameInitOf(f), lengthWidths: { ...f.lengthWidths, otherInformation: 3 } });
    const batch = decodeFrameBatch([long, f.bytes], { strict: true });
    expect(batch.error(0)).toMatchObject({ code: 'non-minimal-length', frameIndex: 0 });
    expect(batch.ok(1)).toBe(true);
    expect(decodeFrameBatch([long]).ok(0)).toBe(true);
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
