// The payload encoders in the WASM core (issue 17): conformance on every RTDS payload
// (independent source), the replaced TypeScript encoders' output compared on the same set,
// batches vs one call per payload, typed range errors naming the field, and seeded
// round-trip properties (random valid values -> core encoder -> decoder -> same values).
import { describe, expect, it } from 'vitest';
import {
  buildBoostLogReadRequest, buildBoostLogReadRequests, decodeBoostLogReadRequest, decodeBoostLogResponse, decodeDlmsData, decodeFrame, decodePayload,
  encodeBoostLogResponse, encodeBoostLogResponses, encodeDlmsData, encodeDlmsDataBatch, encodePayload, encodePayloads, encodeZclPayload, GbcsEncodeError,
  toHex, type DecodedPayload, type DlmsData,
} from '../src/index.js';
import { encodeDlmsData as legacyDlmsData, encodePayload as legacyEncodePayload, encodeZclPayload as legacyZcl } from './legacy/payloadTs.js';
import { prng } from './prng.js';
import { HAVE_RTDS, RTDS_SKIP_REASON, rtdsFiles } from './rtds.js';

const rtds = rtdsFiles();

function rtdsPayloads(): { name: string; content: Uint8Array; payload: DecodedPayload }[] {
  const out: { name: string; content: Uint8Array; payload: DecodedPayload }[] = [];
  for (const f of rtds) {
    const frame = decodeFrame(f.bytes);
    if (!frame.payload) continue;
    out.push({ name: f.name, content: frame.content, payload: frame.payload.decoded });
  }
  return out;
}

function dataItems(p: DecodedPayload): DlmsData[] {
  if (p.format !== 'DLMS') return [];
  return p.type === 'data-notification' ? [p.body] : [...p.data, ...p.specs.flatMap((s) => (s.selectorParameters ? [s.selectorParameters] : []))];
}

describe.skipIf(!HAVE_RTDS)('core payload encoder: RTDS 4.5.0 conformance', () => {
  const all = HAVE_RTDS ? rtdsPayloads() : [];

  it(`re-encodes every RTDS DLMS and GBZ payload byte-exact (${all.length} payloads)`, () => {
    expect(all.filter((p) => p.payload.format === 'DLMS').length).toBeGreaterThan(300);
    expect(all.filter((p) => p.payload.format === 'GBZ').length).toBeGreaterThan(250);
    const bad = all.filter((p) => toHex(encodePayload(p.payload)) !== toHex(p.content)).map((p) => p.name);
    expect(bad).toEqual([]);
  });

  it('trees built on first read re-encode right even when reading them walks payloads in the core', () => {
    // Decode every tree first (no element read yet), then encode in reverse order: reading a
    // tree's elements re-walks its payload into the core's input region mid-encode.
    const fresh = rtds.map((f) => decodeFrame(f.bytes)).filter((f) => f.payload).map((f) => ({ content: f.content, tree: f.payload!.decoded }));
    const bad = fresh.reverse().filter((p) => toHex(encodePayload(p.tree)) !== toHex(p.content));
    expect(bad.length).toBe(0);
    expect(encodePayloads(fresh.map((p) => p.tree)).map((b) => toHex(b))).toEqual(fresh.map((p) => toHex(p.content)));
  });

  it('the batch entry point gives the same bytes as the RTDS contents, in one call per 8192', () => {
    const out = encodePayloads(all.map((p) => p.payload));
    expect(out.map((b) => toHex(b))).toEqual(all.map((p) => toHex(p.content)));
  });

  it('matches the replaced TypeScript encoders on every RTDS payload, Data item and ZCL command', () => {
    const diffs: string[] = [];
    let items = 0;
    let commands = 0;
    for (const p of all) {
      if (toHex(encodePayload(p.payload)) !== toHex(legacyEncodePayload(p.payload))) diffs.push(p.name);
      for (const d of dataItems(p.payload)) {
        items++;
        if (toHex(encodeDlmsData(d)) !== toHex(legacyDlmsData(d))) diffs.push(`${p.name} (Data)`);
      }
      if (p.payload.format === 'GBZ') {
        for (const c of p.payload.components) {
          if (c.encrypted) continue;
          commands++;
          if (toHex(encodeZclPayload(c.command)) !== toHex(legacyZcl(c.command))) diffs.push(`${p.name} (ZCL)`);
        }
      }
    }
    expect(items).toBeGreaterThan(500);
    expect(commands).toBeGreaterThan(500);
    expect(diffs).toEqual([]);
  });
});
if (!HAVE_RTDS) it.skip(RTDS_SKIP_REASON, () => {});

describe('core payload encoder: typed errors name the field', () => {
  const err = (fn: () => unknown): GbcsEncodeError => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(GbcsEncodeError);
      return e as GbcsEncodeError;
    }
    throw new Error('did not throw');
  };

  it('refuses out-of-range, fractional and non-number DLMS integers (never wraps)', () => {
    expect(err(() => encodeDlmsData({ type: 'long-unsigned', value: 0x10000 })).field).toBe('DLMS long-unsigned');
    expect(err(() => encodeDlmsData({ type: 'unsigned', value: 1.5 })).field).toBe('DLMS unsigned');
    expect(err(() => encodeDlmsData({ type: 'integer', value: -129 })).message).toMatch(/-129 outside -128\.\.127/);
    expect(err(() => encodeDlmsData({ type: 'double-long-unsigned', value: 2 ** 32 })).field).toBe('DLMS double-long-unsigned');
    expect(err(() => encodeDlmsData({ type: 'double-long', value: -1 - 2 ** 31 })).field).toBe('DLMS double-long');
    expect(err(() => encodeDlmsData({ type: 'long64-unsigned', value: -1n })).field).toBe('DLMS long64-unsigned');
    expect(err(() => encodeDlmsData({ type: 'enum', value: undefined as unknown as number })).field).toBe('DLMS enum');
    // In range at both ends.
    expect(toHex(encodeDlmsData({ type: 'double-long', value: -(2 ** 31) }))).toBe('0580000000');
    expect(toHex(encodeDlmsData({ type: 'long64', value: -2n }))).toBe('14fffffffffffffffe');
  });

  it('names the APDU field: class id, attribute, result, invoke id', () => {
    const spec = { kind: 'get' as const, classId: 0x10000, obis: '0-0:1.0.0.255', attribute: 2 };
    const req = (s: object, invokeId = 0x20000001): DecodedPayload => ({ format: 'DLMS', type: 'access-request', invokeId: { value: invokeId } as never, specs: [s as never], data: [{ type: 'null' }] });
    expect(err(() => encodePayload(req(spec))).field).toBe('DLMS spec classId');
    expect(err(() => encodePayload(req({ ...spec, classId: 8, attribute: 256 }))).field).toBe('DLMS spec attribute');
    expect(err(() => encodePayload(req({ ...spec, classId: 8 }, 2 ** 32))).field).toBe('DLMS invokeId');
    const resp: DecodedPayload = { format: 'DLMS', type: 'access-response', invokeId: { value: 1 } as never, specs: [], data: [{ type: 'null' }], results: [{ kind: 'get', result: 300, resultName: 'x' }] };
    expect(err(() => encodePayload(resp)).field).toBe('DLMS result');
  });

  it('GBZ: a component longer than 65535 bytes and an out-of-range cluster id are refused by name', () => {
    const component = (payload: Uint8Array, clusterId = 0x0702) => ({
      control: 1, lastComponent: true, clusterId, encrypted: false, payload: new Uint8Array(0),
      zcl: { frameControl: 0x01, sequenceNumber: 1, commandId: 0x00 }, command: { command: 'other', payload } as never,
    });
    const gbz = (c: object): DecodedPayload => ({ format: 'GBZ', type: 'gbz', profileId: 0x0109, componentCount: 1, components: [c as never] });
    expect(err(() => encodePayload(gbz(component(new Uint8Array(0x10000))))).field).toBe('GBZ component');
    expect(err(() => encodePayload(gbz(component(new Uint8Array(2), 0x10000)))).field).toBe('GBZ clusterId');
    // 65532 payload bytes + 3 header bytes = 65535: the longest component fits.
    const ok = encodePayload(gbz(component(new Uint8Array(65532))));
    expect(toHex(ok.subarray(0, 8))).toBe('0109010107 02ffff'.replace(/ /g, ''));
  });

  it('ZCL cluster-specific fields are range-checked by the core under their layout name', () => {
    const cmd = { command: 'cluster-specific', name: 'x', key: 'k', clusterKey: 'c', fields: [{ name: 'f', type: 'u16', value: 70000, entries: null }] } as never;
    const e = err(() => encodeZclPayload(cmd));
    expect(e.field).toBe('zcl.c.k.f');
    const ok = { command: 'cluster-specific', name: 'x', key: 'k', clusterKey: 'c', fields: [{ name: 'f', type: 'i32', value: -2, entries: null }, { name: 'g', type: 'u48', value: 2 ** 40 + 1, entries: null }] } as never;
    expect(toHex(encodeZclPayload(ok))).toBe('feffffff' + '010000000001');
  });

  it('a recorded length width never truncates: a compact-array body grown past it takes the minimal width', () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ type: 'unsigned' as const, value: i & 0xff }));
    const bytes = encodeDlmsData({ type: 'compact-array', typeDescription: { type: 'unsigned' }, rows, lengthWidth: 1 } as DlmsData);
    expect(toHex(bytes.subarray(0, 4))).toBe('131181c8');
    expect((decodeDlmsData(bytes) as { rows: unknown[] }).rows.length).toBe(200);
    // A recorded wider form is kept when the value fits it (byte-exact re-encoding).
    expect(toHex(encodeDlmsData({ type: 'octet-string', bytes: Uint8Array.of(1), lengthWidth: 3 } as DlmsData))).toBe('09820001' + '01');
  });
});

describe('core payload encoder: batches and region growth', () => {
  it('batches larger than one core call and payloads larger than the regions', () => {
    const many = encodeDlmsDataBatch(Array.from({ length: 9000 }, (_, i) => ({ type: 'double-long-unsigned', value: i }) as DlmsData));
    expect(many.map((b) => (decodeDlmsData(b) as { value: number }).value)).toEqual(Array.from({ length: 9000 }, (_, i) => i));
    const big = new Uint8Array(9 << 20).fill(3);
    const one = encodeDlmsData({ type: 'octet-string', bytes: big } as DlmsData);
    expect(one.length).toBe(big.length + 5);
    expect(toHex(one.subarray(0, 5))).toBe('0983900000');
    // Many medium payloads spill over the 4 MiB input region: several batches.
    const mid = encodeDlmsDataBatch(Array.from({ length: 30 }, (_, i) => ({ type: 'octet-string', bytes: new Uint8Array(300_000).fill(i) }) as DlmsData));
    expect(mid.every((b, i) => b.length === 300_005 && b[5] === i && b[300_004] === i)).toBe(true);
  });

  it('boost read requests and responses: batch = one call per item = decodable', () => {
    const reqs = Array.from({ length: 50 }, (_, i) => ({ originatorCounter: 1000n + BigInt(i), from: i * 3600, to: i * 3600 + 86400 }));
    const batch = buildBoostLogReadRequests(reqs);
    expect(batch.map((b) => toHex(b))).toEqual(reqs.map((r) => toHex(buildBoostLogReadRequest(r))));
    expect(decodeBoostLogReadRequest(batch[7]!)).toMatchObject({ invokeId: 0x20000000 | 1007, from: 7 * 3600, to: 7 * 3600 + 86400 });
    const log = Array.from({ length: 5 }, (_, i) => ({ start: 100 * i, end: 100 * i + 30, durationMinutes: 30 }));
    const items = Array.from({ length: 20 }, (_, i) => ({ originatorCounter: i, log }));
    const resp = encodeBoostLogResponses(items);
    expect(resp.map((b) => toHex(b))).toEqual(items.map((it) => toHex(encodeBoostLogResponse(it.originatorCounter, it.log))));
    expect(decodeBoostLogResponse(resp[3]!).invokeId).toBe(0x20000003);
  });
});

// ---- seeded properties: random valid Data trees -> core encoder -> decoder ----
function randomData(r: () => number, depth: number): DlmsData {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(0, 255));
  const pick = int(0, depth > 3 ? 14 : 17);
  switch (pick) {
    case 0: return { type: 'null' };
    case 1: return { type: 'boolean', value: r() < 0.5 };
    case 2: return { type: 'integer', value: int(-128, 127) };
    case 3: return { type: 'unsigned', value: int(0, 255) };
    case 4: return { type: 'long', value: int(-32768, 32767) };
    case 5: return { type: 'long-unsigned', value: int(0, 0xffff) };
    case 6: return { type: 'double-long', value: int(-(2 ** 31), 2 ** 31 - 1) };
    case 7: return { type: 'double-long-unsigned', value: int(0, 2 ** 32 - 1) };
    case 8: return { type: 'long64', value: BigInt.asIntN(64, (BigInt(int(0, 2 ** 32 - 1)) << 32n) | BigInt(int(0, 2 ** 32 - 1))) };
    case 9: return { type: 'long64-unsigned', value: (BigInt(int(0, 2 ** 32 - 1)) << 32n) | BigInt(int(0, 2 ** 32 - 1)) };
    case 10: return { type: 'enum', value: int(0, 255) };
    case 11: return { type: 'octet-string', bytes: bytes(r() < 0.9 ? int(0, 40) : int(128, 600)) };
    case 12: return { type: 'visible-string', value: String.fromCharCode(...Array.from({ length: int(0, 20) }, () => int(0x20, 0x7e))) };
    case 13: { const n = int(0, 30); return { type: 'bit-string', bitCount: n, bytes: bytes((n + 7) >> 3) } as DlmsData; }
    case 14: return { type: 'date-time', bytes: Uint8Array.of(0x07, 0xea, 12, 1, 2, 1, 2, 3, 0, 0x80, 0, 0) } as DlmsData;
    case 15: case 16: return { type: r() < 0.5 ? 'array' : 'structure', items: Array.from({ length: int(0, r() < 0.95 ? 5 : 140) }, () => randomData(r, depth + 1)) } as DlmsData;
    default: {
      const rows = Array.from({ length: int(0, r() < 0.9 ? 6 : 60) }, () => ({ type: 'structure', items: [{ type: 'double-long-unsigned', value: int(0, 2 ** 32 - 1) }, { type: 'long', value: int(-32768, 32767) }] }));
      return { type: 'compact-array', typeDescription: { type: 'structure', items: [{ type: 'double-long-unsigned' }, { type: 'long' }] }, rows } as DlmsData;
    }
  }
}

/** Values only (no offsets/lengths), for comparing a decoded tree with its source. */
function plain(d: DlmsData): unknown {
  switch (d.type) {
    case 'array': case 'structure': return [d.type, d.items.map(plain)];
    case 'compact-array': return [d.type, d.rows.map(plain)];
    case 'octet-string': case 'date-time': return [d.type, toHex(d.bytes)];
    case 'bit-string': return [d.type, d.bitCount, toHex(d.bytes)];
    case 'null': return ['null'];
    default: return [d.type, (d as { value: unknown }).value];
  }
}

describe('core payload encoder: seeded round-trip properties', () => {
  it('decodes what the core encodes from 3000 random valid Data trees (seed 17), same values, legacy bytes equal', () => {
    const r = prng(17);
    const trees = Array.from({ length: 3000 }, () => randomData(r, 0));
    const encoded = encodeDlmsDataBatch(trees);
    for (let i = 0; i < trees.length; i++) {
      const t = trees[i]!;
      expect(plain(decodeDlmsData(encoded[i]!))).toEqual(plain(t));
      expect(toHex(encoded[i]!)).toBe(toHex(legacyDlmsData(t)));
    }
  });

  it('round-trips random access-requests/responses through encodePayloads and decodePayload (seed 18)', () => {
    const r = prng(18);
    const payloads: DecodedPayload[] = Array.from({ length: 500 }, (_, i) => {
      const n = 1 + Math.floor(r() * 3);
      const data = Array.from({ length: n }, () => randomData(r, 1));
      const invokeId = { value: (0x20000000 | i) >>> 0 } as never;
      if (i % 2 === 0) {
        const specs = data.map((_, k) => ({ kind: 'get' as const, classId: 1 + k, obis: `0-0:${k}.8.0.255`, attribute: 2 }));
        return { format: 'DLMS', type: 'access-request', invokeId, specs, data } as unknown as DecodedPayload;
      }
      return { format: 'DLMS', type: 'access-response', invokeId, specs: [], data, results: data.map(() => ({ kind: 'get' as const, result: 0, resultName: 'success' })) } as unknown as DecodedPayload;
    });
    const out = encodePayloads(payloads);
    for (let i = 0; i < payloads.length; i++) {
      const back = decodePayload(out[i]!, { format: 'DLMS', cra: i % 2 === 0 ? 'command' : 'response', messageCode: 0x0001 }) as Extract<DecodedPayload, { format: 'DLMS' }>;
      const src = payloads[i] as Extract<DecodedPayload, { type: 'access-request' | 'access-response' }>;
      expect(back.type).toBe(src.type);
      expect((back as typeof src).data.map(plain)).toEqual(src.data.map(plain));
      expect(toHex(encodePayload(back))).toBe(toHex(out[i]!));
    }
  });
});
