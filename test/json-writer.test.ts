// Differential test of the one-pass JSON writer (payload/json.ts JsonWriter, issue 12 item 5):
// the text `gbcs decode --json`, the pipeline and the pool's frameRecord print must equal
// JSON.stringify of the JSON-safe form (toJsonSafe), byte for byte, on every RTDS frame
// (whole records: envelope, payload tree, typed view; and opened trees with the RTDS
// keystore), on the project's fixtures, and on hand-made values that hit every branch.
import { describe, expect, it, vi } from 'vitest';
import { decodeFrame, openFrame } from '../src/index.js';
import { folderKeyStore } from '../src/node.js';
import type { GbcsFrame } from '../src/frame.js';
import { JSON_WRITE, JsonWriter, stringifyJsonSafe, toJsonSafe } from '../src/payload/json.js';
import { JSON_SCHEMA_VERSION, writeFrameJson } from '../src/cli/render.js';
import { typedViewJson } from '../src/useCases/registry.js';
import { GbcsDecodeError } from '../src/errors.js';
import { readFixtures } from './fixtures.js';
import { HAVE_RTDS, RTDS_KEYSTORE, rtdsFiles } from './rtds.js';
import { DlmsNode, decodeDlmsData } from '../src/payload/dlmsData.js';
import { Asn1Node, decodeDer } from '../src/payload/asn1.js';
import { derGeneralizedTime, derNull, derOctetString, derPrimitive, derSequence } from '../src/payload/derBuild.js';
import { ObisCode } from '../src/payload/obis.js';
import { fromHex } from '../src/bytes.js';

const written = (f: (w: JsonWriter) => void): string => {
  const w = new JsonWriter(64); // small on purpose: every record makes the buffer grow
  f(w);
  return w.text();
};

/** The record as the CLI printed it before the writer: one JSON-safe copy, then JSON.stringify. */
function expectedRecord(frame: GbcsFrame, payload?: unknown, security?: unknown): string {
  const p = frame.payload;
  const obj: Record<string, unknown> = { schemaVersion: JSON_SCHEMA_VERSION, ...frame.toJSON(), payload: payload ?? (p && frame.payloadFormat !== 'unknown' ? p.decoded : null), ...typedViewJson(frame) };
  if (security !== undefined) obj.security = security;
  return JSON.stringify(toJsonSafe(obj));
}

function checkFrames(hexes: string[]): number {
  let records = 0;
  for (const h of hexes) {
    const frame = decodeFrame(h);
    expect(written((w) => w.value(frame))).toBe(JSON.stringify(frame.toJSON()));
    let want: string;
    try {
      want = expectedRecord(frame);
    } catch (e) {
      if (!(e instanceof GbcsDecodeError)) throw e;
      // A payload the tree builder refuses fails the frame on both paths, leaving nothing written.
      const w = new JsonWriter();
      w.raw('x');
      expect(() => writeFrameJson(w, frame)).toThrow(GbcsDecodeError);
      expect(w.text()).toBe('x');
      continue;
    }
    expect(written((w) => writeFrameJson(w, frame))).toBe(want);
    records++;
  }
  return records;
}

describe('JsonWriter', () => {
  it('writes JSON.stringify(toJsonSafe(v)) for hand-made values covering every branch', () => {
    class WithToJson {
      toJSON() {
        return { big: 2n ** 70n, bytes: new Uint8Array([0, 0xab]) };
      }
    }
    class Writes {
      [JSON_WRITE](w: JsonWriter) {
        w.raw('{"self":true}');
      }
      toJSON() {
        return { self: true };
      }
    }
    const values: unknown[] = [
      null, true, false, 0, -0, 7, 10, 99, 100, 2147483647, 2147483648, -1, -2147483648, 1.5, 1e21, 1e-7, NaN, Infinity, -Infinity,
      '', 'plain', 'quote " and \\ backslash', 'ctl \u0000\u0001\u001f\b\f\n\r\t\u007f', 'non-ASCII é ½ – 😀', 'lone \ud800 surrogate \udc00',
      12345678901234567890n, -5n, new Uint8Array(0), new Uint8Array([1, 2, 255]), Buffer.from('ff00', 'hex'),
      [], [1, undefined, () => 1, Symbol('s'), null, 2n], {}, { a: undefined, b: () => 1, c: Symbol('x'), d: 1 }, { 'key "q"': 1, 'é': 2, 3: 'num key', 1: 'first' },
      Object.assign(Object.create(null), { z: 1, a: [2n] }), new WithToJson(), [new WithToJson(), { n: new WithToJson() }], new Writes(), new Date(0), new Map([[1, 2]]),
      { deep: { deeper: { deepest: [[[{ x: new Uint8Array([9]) }]]] } } },
    ];
    for (const v of values) {
      const want = JSON.stringify(toJsonSafe(v));
      expect(written((w) => w.value(v)), String(want)).toBe(want);
      expect(stringifyJsonSafe(v)).toBe(want);
    }
    expect(stringifyJsonSafe(undefined)).toBe(JSON.stringify(undefined));
  });

  it('members() appends to an open object; take() hands over the bytes and starts afresh', () => {
    const w = new JsonWriter();
    w.raw('{"a":1');
    expect(w.members({ b: 2n, c: undefined, d: 'x' })).toBe(2);
    w.key('e');
    w.hex(new Uint8Array([1, 2, 3]), 1, 3);
    w.byte(125);
    const b = w.take();
    expect(Buffer.from(b).toString()).toBe('{"a":1,"b":"2","d":"x","e":"0203"}');
    expect(w.pos).toBe(0);
  });

  it('equals JSON.stringify of the JSON-safe record on the project fixtures', () => {
    expect(checkFrames(readFixtures().map((f) => f.hex))).toBeGreaterThan(5);
  });

  it.skipIf(!HAVE_RTDS)('equals JSON.stringify of the JSON-safe record on every RTDS frame', () => {
    expect(checkFrames(rtdsFiles().map((f) => f.hex))).toBeGreaterThan(1000);
  });

  it.skipIf(!HAVE_RTDS)('equals JSON.stringify of the JSON-safe record on every opened RTDS tree (decrypted parts, RTDS keystore)', async () => {
    const ks = folderKeyStore(RTDS_KEYSTORE);
    let opened = 0;
    for (const f of rtdsFiles()) {
      const frame = decodeFrame(f.bytes);
      if (frame.kind === 'gbt' || frame.payloadFormat === 'unknown') continue;
      let o;
      try {
        o = await openFrame(frame, ks);
      } catch (e) {
        if (e instanceof GbcsDecodeError) continue;
        throw e;
      }
      const security = { signature: 'valid', encrypted: o.decryption.encrypted, parts: o.decryption.parts.length };
      expect(written((w) => writeFrameJson(w, frame, o.payload, security))).toBe(expectedRecord(frame, o.payload, security));
      if (o.decryption.encrypted) opened++;
    }
    expect(opened).toBeGreaterThan(10);
  });
});

/** Every object reachable from `v` through own properties and the node getters the JSON shows. */
function* nodesOf(v: unknown, seen = new Set<unknown>()): Generator<object> {
  if (v === null || typeof v !== 'object' || seen.has(v) || v instanceof Uint8Array) return;
  seen.add(v);
  yield v;
  if (Array.isArray(v)) {
    for (const x of v) yield* nodesOf(x, seen);
    return;
  }
  const o = v as Record<string, unknown>;
  // Named members only (a node's private walk state holds views of WASM memory).
  for (const k of ['items', 'rows', 'children', 'obis', 'body', 'specs', 'data', 'results', 'invokeId', 'root', 'components', 'alert', 'selectorParameters', 'decrypted']) yield* nodesOf(o[k], seen);
}

/** Each node class with a [JSON_WRITE] method, checked node by node against JSON.stringify(toJsonSafe(node)). */
function checkNodes(tree: unknown, counts: Map<string, number>): void {
  for (const n of nodesOf(tree)) {
    const wr = (n as { [JSON_WRITE]?: (w: JsonWriter) => void })[JSON_WRITE];
    if (typeof wr !== 'function') continue;
    const name = n.constructor.name;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    expect(written((w) => wr.call(n, w)), name).toBe(JSON.stringify(toJsonSafe(n)));
  }
}

// Hand-made A-XDR structure holding every DLMS data type (and the values the RTDS corpus
// lacks: floats incl. NaN, long64, utf8, bcd, non-minimal lengths, compact-array, a
// 120-byte octet string and a 50-character visible string past the native-copy thresholds).
const ALL_DLMS_TYPES =
  '021a0003ff0301040ac04005fffffffe06ffffffff0978' + Array.from({ length: 120 }, (_, i) => ((i * 7) & 255).toString(16).padStart(2, '0')).join('') +
  '0a036162630a32' + '78'.repeat(50) + '0c02c3a90d120f8010800011ff12123414800000000000000115ffffffffffffffff1605173fc00000187ff8000000000000' +
  '1907ee010fff090000008000ff1a07ee010fff1b090000ff01810211011102130202111206010002030004020312000109060000010000ff1102';

describe('[JSON_WRITE] of the DLMS and DER node classes (issue 12 item 5): each equals JSON.stringify(toJsonSafe(node))', () => {
  it('DlmsNode on every data type, ObisCode, hand-built and decoded Asn1Node', () => {
    const counts = new Map<string, number>();
    const tree = decodeDlmsData(fromHex(ALL_DLMS_TYPES), { offsetBase: 9 });
    checkNodes(tree, counts);
    expect(written((w) => w.value(tree))).toBe(JSON.stringify(toJsonSafe(tree)));
    expect(counts.get('DlmsNode')).toBeGreaterThan(30);
    const obis = new ObisCode(fromHex('00005e2c0200'), 0);
    for (let r = 0; r < 2; r++) expect(written((w) => w.value(obis)), 'cached on the second write').toBe(JSON.stringify(obis.toJSON()));
    const unknownObis = new ObisCode(fromHex('0102030405ff'), 0);
    expect(written((w) => w.value(unknownObis))).toBe(JSON.stringify(unknownObis.toJSON()));
    const built = derSequence(derOctetString(new Uint8Array(200).fill(0xa5)), derNull(), derGeneralizedTime('99991231235959Z'), derPrimitive(0x01, Uint8Array.of(0xff)),
      derPrimitive(0x03, Uint8Array.of(0x01, 0xaa)), derPrimitive(0x06, fromHex('2a8648ce3d040302')), derPrimitive(0x17, new TextEncoder().encode('300115090000Z')));
    checkNodes(built, counts);
    // High-tag-number identifier, non-minimal length, INTEGER, UTF8String, PrintableString, context tag.
    const der = decodeDer(fromHex('30 1c 9f1f 01 00 04 81 01 aa 02 02 ff 01 0c 02 c3a9 13 02 4142 80 01 05 a0 03 01 01 00'.replace(/ /g, '')));
    checkNodes(der, counts);
    expect(counts.get('Asn1Node')).toBeGreaterThan(15);
  });

  it.skipIf(!HAVE_RTDS)('every node of every RTDS payload tree', () => {
    const counts = new Map<string, number>();
    for (const f of rtdsFiles()) {
      const frame = decodeFrame(f.bytes);
      if (frame.kind === 'gbt' || frame.payloadFormat === 'unknown' || !frame.payload) continue;
      let tree;
      try {
        tree = frame.payload.decoded;
      } catch (e) {
        if (e instanceof GbcsDecodeError) continue;
        throw e;
      }
      checkNodes(tree, counts);
    }
    for (const c of ['DlmsNode', 'DlmsApduNode', 'InvokeId', 'DlmsSpecNode', 'DlmsResultNode', 'ObisCode', 'Asn1Node']) expect(counts.get(c) ?? 0, c).toBeGreaterThan(10);
  });

  it('writes the same bytes without a global Buffer (browsers: JS loops instead of hexSlice/latin1Write)', async () => {
    const values: unknown[] = [new Uint8Array(300).map((_, i) => i), 'x'.repeat(100), `${'y'.repeat(60)}"é\n`, 'é'.repeat(50), decodeDlmsData(fromHex(ALL_DLMS_TYPES))];
    const nodeText = values.map((v) => written((w) => w.value(v)));
    vi.resetModules();
    vi.stubGlobal('Buffer', undefined);
    let fresh: typeof import('../src/payload/json.js');
    try {
      fresh = await import('../src/payload/json.js');
    } finally {
      vi.unstubAllGlobals();
    }
    values.forEach((v, k) => {
      const w = new fresh.JsonWriter(64);
      w.value(v);
      expect(w.text()).toBe(nodeText[k]);
      expect(w.text()).toBe(JSON.stringify(toJsonSafe(v)));
    });
  });
});

describe('the pipeline and the pool task print the same records', () => {
  it.skipIf(!HAVE_RTDS)('decodeForPipeline and frameRecord equal JSON.stringify of the JSON-safe record on every RTDS frame', async () => {
    const { decodeForPipeline } = await import('../src/pipeline/decoder.js');
    const { frameRecord } = await import('../src/node/poolTask.js');
    let n = 0;
    for (const f of rtdsFiles()) {
      const frame = decodeFrame(f.bytes);
      if (frame.kind === 'gbt') continue;
      const p = frame.payload;
      let payload: unknown;
      try {
        payload = toJsonSafe(p && frame.payloadFormat !== 'unknown' ? p.decoded : null);
      } catch (e) {
        if (e instanceof GbcsDecodeError) continue;
        throw e;
      }
      const out = await decodeForPipeline(f.bytes);
      expect(out.kind).toBe('result');
      expect(out.kind === 'result' && out.json).toBe(JSON.stringify({ ...frame.toJSON(), payload, ...typedViewJson(frame) }));
      expect(await frameRecord(f.bytes)).toBe(JSON.stringify({ ...frame.toJSON(), payload }));
      n++;
    }
    expect(n).toBeGreaterThan(1000);
  });
});
