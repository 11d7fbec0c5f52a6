// The envelope members of a frame's JSON record are written straight from the frame bytes
// (envelopeJson.ts, GbcsFrame.writeJsonMembers): seeded random envelopes (date-times of
// every form, u64 counters around 2^53 and 2^64, each Other Information variant, every kind
// and CRA) must give exactly JSON.stringify(frame.toJSON()), which reads the same bytes
// through the frame's getters and dateTime.ts.
import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../src/decode.js';
import { encodeFrame, frameInitOf } from '../src/encode.js';
import { JsonWriter } from '../src/payload/json.js';
import { writeDigits, writeU64 } from '../src/envelopeJson.js';
import { readFixtures } from './fixtures.js';
import { prng } from './prng.js';

const json = (f: (w: JsonWriter) => void): string => {
  const w = new JsonWriter(64);
  f(w);
  return w.text();
};

const U64_EDGES = [0n, 1n, 9n, 10n, 99_999_999n, 100_000_000n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 10n ** 16n, 10n ** 19n, 2n ** 64n - 1n];

describe('envelope JSON written from the bytes', () => {
  it('u64 counters as decimal text, edges and random values', () => {
    const rnd = prng(0x5eed_0012);
    const values = [...U64_EDGES];
    for (let i = 0; i < 2000; i++) values.push(BigInt(Math.floor(rnd() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(rnd() * 2 ** 32)));
    const b = new Uint8Array(10);
    const view = new DataView(b.buffer);
    for (const v of values) {
      view.setBigUint64(1, v);
      expect(json((w) => writeU64(w, b, 1))).toBe(`"${v}"`);
    }
    expect(json((w) => writeDigits(w, 7, 4))).toBe('0007');
    expect(json((w) => writeDigits(w, 12345, 4))).toBe('12345');
  });

  it('equals JSON.stringify(frame.toJSON()) on seeded random envelopes (date-time forms, counters, Other Information variants)', () => {
    const rnd = prng(0x0e17_0005);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const byte = () => Math.floor(rnd() * 256);
    // Bytes that hit the date-time's special values (FF unspecified, FD/FE, 0x8000 unset deviation).
    const dtByte = () => pick([0, 0xff, 0xfd, 0xfe, 12, 13, 31, 32, 59, 99, byte(), byte()]);
    const u64 = () => pick([...U64_EDGES, BigInt(Math.floor(rnd() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(rnd() * 2 ** 32))]);
    const eui = () => Uint8Array.from({ length: 8 }, byte);
    const bases = readFixtures().map((f) => frameInitOf(decodeFrame(f.bytes)));
    const variants = new Set<string>();
    let withDateTime = 0;
    for (let i = 0; i < 3000; i++) {
      const base = pick(bases);
      let dateTime: Uint8Array | undefined;
      const form = Math.floor(rnd() * 5);
      if (form === 1) dateTime = new Uint8Array(12);
      else if (form === 2) dateTime = new Uint8Array(12).fill(0xff);
      else if (form >= 3) {
        dateTime = Uint8Array.from({ length: 12 }, dtByte);
        if (rnd() < 0.5) dateTime.set([0x07, 0xe0 + Math.floor(rnd() * 16), 1 + Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 31), 1 + Math.floor(rnd() * 7), Math.floor(rnd() * 24), Math.floor(rnd() * 60), Math.floor(rnd() * 60)]);
        if (rnd() < 0.3) dateTime.set(pick([[0x80, 0x00], [0, 0], [0xff, 0xc4], [0, 60], [0x7f, 0xff], [0x80, 0x01]]), 9);
      }
      const oiForm = Math.floor(rnd() * 4);
      const otherInformation =
        oiForm === 0
          ? {}
          : oiForm === 1
            ? { supplementaryRemotePartyId: eui() }
            : oiForm === 2
              ? { supplementaryRemotePartyId: eui(), supplementaryRemotePartyCounter: u64() }
              : { supplementaryRemotePartyId: eui(), supplementaryRemotePartyCounter: u64(), supplementaryOriginatorCounter: u64() };
      const init = {
        ...base,
        cra: pick(['command', 'response', 'alert'] as const),
        originatorCounter: u64(),
        originator: eui(),
        recipient: eui(),
        dateTime,
        messageCode: pick([base.messageCode, 0x0012, 0x00cb, byte() * 256 + byte()]),
        otherInformation: otherInformation as never,
      };
      const frame = decodeFrame(encodeFrame(init));
      variants.add(frame.otherInformation.variant);
      if (frame.dateTime) withDateTime++;
      expect(json((w) => w.value(frame))).toBe(JSON.stringify(frame.toJSON()));
    }
    expect([...variants].sort()).toEqual(['message-code', 'originator-counter', 'remote-party', 'remote-party-counter']);
    expect(withDateTime).toBeGreaterThan(1500);
  });
});
