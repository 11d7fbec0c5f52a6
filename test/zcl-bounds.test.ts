// Bounded work in the GBZ/ZCL tree builders (issue 10 item 1), with hostile inputs made by
// seeded generators (test/prng.ts): objects built per payload byte stay under the
// documented ZCL_OBJECTS_PER_BYTE, and nested collections of zero-width or tiny elements
// are refused with 'too-many-nodes' / 'too-deep' at their offset before anything big is built.
import { describe, expect, it } from 'vitest';
import { decodeFrame, GbcsDecodeError } from '../src/index.js';
import { encodeFrame, frameInitOf } from '../src/encode.js';
import { Budget, MAX_DEPTH, MAX_NODES } from '../src/payload/limits.js';
import { decodeZclPayload, ZCL_OBJECTS_PER_BYTE, ZclValueNode } from '../src/payload/zcl.js';
import { ZCL_COMMAND_SPECS } from '../src/payload/zclCommands.js';
import { fixture } from './fixtures.js';
import { prng } from './prng.js';

/** Distinct objects a decoded tree holds (own properties, arrays, and collection items). */
function countObjects(root: unknown): number {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    for (const x of Object.values(v)) stack.push(x);
    // Collection items sit behind the value getter (strings/numbers are made on read; arrays are built).
    if (v instanceof ZclValueNode && Array.isArray(v.value)) stack.push(v.value);
  }
  return seen.size;
}

const u16le = (n: number) => [n & 0xff, n >> 8];
const RAR = { clusterId: 0x0702, frameControl: 0x08, commandId: 0x01 }; // Read Attributes Response

/** A random ZCL value of at most `budget` bytes (nested collections, tiny and zero-width elements). */
function genValue(rnd: () => number, depth: number, out: number[], withType: boolean): void {
  const pick = rnd();
  const type = (t: number) => withType && out.push(t);
  if (depth > 4 || pick < 0.3) {
    const t = [0x00, 0x10, 0x20, 0x21, 0x25, 0x2b, 0x30, 0xe2, 0xf0, 0xff][Math.floor(rnd() * 10)]!;
    type(t);
    const w = ({ 0x00: 0, 0x10: 1, 0x20: 1, 0x21: 2, 0x25: 6, 0x2b: 4, 0x30: 1, 0xe2: 4, 0xf0: 8, 0xff: 0 } as Record<number, number>)[t]!;
    for (let i = 0; i < w; i++) out.push(Math.floor(rnd() * 256));
  } else if (pick < 0.45) {
    type(0x42);
    const n = rnd() < 0.3 ? 0xff : Math.floor(rnd() * 4);
    out.push(n);
    if (n !== 0xff) for (let i = 0; i < n; i++) out.push(0x41 + i);
  } else if (pick < 0.7) {
    type(0x4c);
    const n = Math.floor(rnd() * 4);
    out.push(...u16le(n));
    for (let i = 0; i < n; i++) genValue(rnd, depth + 1, out, true);
  } else {
    type(0x48);
    // Element type: zero-width, tiny or a collection.
    const et = [0x00, 0xff, 0x20, 0x42, 0x48, 0x4c][Math.floor(rnd() * 6)]!;
    out.push(et);
    const n = et === 0x00 || et === 0xff ? Math.floor(rnd() * 2000) : Math.floor(rnd() * 5);
    out.push(...u16le(n));
    for (let i = 0; i < n; i++) {
      if (et === 0x20) out.push(Math.floor(rnd() * 256));
      else if (et === 0x42) out.push(0);
      else if (et === 0x48) out.push(0x00, ...u16le(Math.floor(rnd() * 3)));
      else if (et === 0x4c) out.push(0, 0);
    }
  }
}

describe('issue 10.1 bounded work: ZCL tree bounds (Budget, limits.ts)', () => {
  it(`builds at most ${ZCL_OBJECTS_PER_BYTE} objects per payload byte (+8) for generated attribute values (seeded)`, () => {
    const rnd = prng(0x2c11);
    let decoded = 0;
    let worst = 0;
    for (let k = 0; k < 3000; k++) {
      const bytes: number[] = [];
      const records = 1 + Math.floor(rnd() * 3);
      for (let r = 0; r < records; r++) {
        bytes.push(...u16le(Math.floor(rnd() * 0x400)), 0x00);
        genValue(rnd, 0, bytes, true);
      }
      const payload = Uint8Array.from(bytes);
      const c = decodeZclPayload(payload, RAR);
      decoded++;
      const n = countObjects(c);
      worst = Math.max(worst, (n - 8) / payload.length);
      expect(n).toBeLessThanOrEqual(ZCL_OBJECTS_PER_BYTE * payload.length + 8);
    }
    expect(decoded).toBe(3000);
    expect(worst).toBeGreaterThan(0); // the count did see the trees
  });

  it(`builds at most ${ZCL_OBJECTS_PER_BYTE} objects per payload byte (+8) for every cluster-specific layout on random bytes (seeded)`, () => {
    const rnd = prng(0x5eed);
    const specs = [...ZCL_COMMAND_SPECS.values()];
    let decoded = 0;
    for (let k = 0; k < 20000; k++) {
      const s = specs[Math.floor(rnd() * specs.length)]!;
      const len = Math.floor(rnd() * 120);
      // Small bytes favour short strings, zero counts and one-byte entries.
      const payload = Uint8Array.from({ length: len }, () => (rnd() < 0.7 ? Math.floor(rnd() * 4) : Math.floor(rnd() * 256)));
      const c = decodeZclPayload(payload, { clusterId: s.clusterId, frameControl: s.direction ? 0x09 : 0x01, commandId: s.commandId });
      if (c.command === 'cluster-specific') decoded++;
      expect(countObjects(c)).toBeLessThanOrEqual(ZCL_OBJECTS_PER_BYTE * len + 8);
    }
    expect(decoded).toBeGreaterThan(1000);
  });

  it('an array of N arrays of 65,534 zero-width elements is too-many-nodes at the second inner count', () => {
    // Read Attributes Response: id, status 0, array of arrays, N inner arrays of 65534 nodata.
    const n = 600;
    const bytes = [0x00, 0x00, 0x00, 0x48, 0x48, ...u16le(n)];
    for (let i = 0; i < n; i++) bytes.push(0x00, ...u16le(65534));
    const payload = Uint8Array.from(bytes);
    expect(payload.length).toBeGreaterThan(1800);
    const e = (() => { try { decodeZclPayload(payload, RAR, 100); } catch (x) { return x; } })();
    expect(e).toBeInstanceOf(GbcsDecodeError);
    // The first inner array fits (65534 + 600 <= 65536 would not): its count is taken, the second is refused.
    expect(e).toMatchObject({ code: 'too-many-nodes' });
    expect((e as GbcsDecodeError).offset).toBeGreaterThanOrEqual(100 + 7);
    expect((e as GbcsDecodeError).offset).toBeLessThanOrEqual(100 + 7 + 2 * 3);
  });

  it('a ~2 KB hostile GBZ frame fails with too-many-nodes at its frame offset (decodeFrame + payload.decoded)', () => {
    const base = decodeFrame(fixture('GCS38 read firmware version response').bytes);
    const n = 660;
    const zcl = [0x06, 0x02, 0x00, 0x48, 0x48, ...u16le(n)];
    for (let i = 0; i < n; i++) zcl.push(0xff, ...u16le(65534));
    const comp = [0x08, 0x00, 0x01, ...zcl];
    const content = Uint8Array.from([0x01, 0x09, 0x01, 0x01, 0x07, 0x02, comp.length >> 8, comp.length & 0xff, ...comp]);
    const bytes = encodeFrame({ ...frameInitOf(base), content, mac: base.mac });
    expect(bytes.length).toBeGreaterThan(2000);
    const frame = decodeFrame(bytes);
    const e = (() => { try { return frame.payload!.decoded; } catch (x) { return x; } })();
    expect(e).toMatchObject({ code: 'too-many-nodes' });
    // Offset in the frame: inside the ZCL payload of the component.
    expect((e as GbcsDecodeError).offset).toBeGreaterThan(frame.contentOffset + 11);
    expect((e as GbcsDecodeError).offset).toBeLessThan(frame.contentOffset + content.length);
    // The lazy path (one component) is bounded the same way.
    expect(() => decodeFrame(bytes).payload!.get(0)).toThrowError(expect.objectContaining({ code: 'too-many-nodes' }));
  });

  it('structures nested deeper than MAX_DEPTH are too-deep with the offset', () => {
    const depth = MAX_DEPTH + 5;
    const bytes = [0x00, 0x00, 0x00, 0x4c];
    for (let i = 0; i < depth; i++) bytes.push(0x01, 0x00, 0x4c);
    bytes.push(0x00, 0x00);
    expect(() => decodeZclPayload(Uint8Array.from(bytes), RAR, 50)).toThrowError(expect.objectContaining({ code: 'too-deep' }));
  });

  it('a collection count larger than the bytes left is truncated before allocating', () => {
    // Array of 60000 uint32 in 10 bytes.
    const payload = Uint8Array.from([0x00, 0x00, 0x00, 0x48, 0x23, ...u16le(60000), 1, 2, 3, 4]);
    expect(() => decodeZclPayload(payload, RAR)).toThrowError(expect.objectContaining({ code: 'truncated' }));
  });

  it('one Budget spans a whole decode: two values that fit alone do not fit together', () => {
    const half = Math.floor(MAX_NODES / 2) + 10;
    const one = [0x00, 0x00, 0x00, 0x48, 0x00, ...u16le(half)];
    const payload = Uint8Array.from([...one, ...one]);
    expect(() => decodeZclPayload(Uint8Array.from(one), RAR)).not.toThrow();
    expect(() => decodeZclPayload(payload, RAR, 0, new Budget())).toThrowError(expect.objectContaining({ code: 'too-many-nodes' }));
  });
});
