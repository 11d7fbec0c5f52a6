// Payload decoding and encoding on the project's own fixtures (no RTDS needed).
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import {
  decodeDer, decodeDlmsData, decodeFrame, decodePayload, decodeZclPayload, encodeDlmsData, encodePayload, fromHex, toHex,
  GbcsDecodeError, type DecodedPayload, type DlmsData, type DlmsList, type PayloadContext,
} from '../src/index.js';
import { wasmCore } from '../src/wasm/core.js';
import { toJsonSafe } from '../src/payload/json.js';

interface Fixture { name: string; ctx: PayloadContext; bytes: Uint8Array }
const fixtures: Fixture[] = [];
{
  let name = '';
  for (const line of readFileSync(new URL('./fixtures/payloads.txt', import.meta.url), 'utf8').split('\n')) {
    if (line.startsWith('# ')) name = line.slice(2);
    else if (line.trim() !== '') {
      const [format, cra, code, hex] = line.trim().split(' ');
      fixtures.push({ name, ctx: { format: format as PayloadContext['format'], cra: cra as PayloadContext['cra'], messageCode: parseInt(code!, 16) }, bytes: fromHex(hex!) });
    }
  }
}
const fx = (prefix: string) => fixtures.find((f) => f.name.startsWith(prefix))!;
const decode = (f: Fixture) => decodePayload(f.bytes, f.ctx);

describe('payload fixtures (round-trip tests: expected bytes from our own encoder, scripts/make-payload-fixtures.mjs; conformance is test/payload-rtds.test.ts)', () => {
  it('has the generated fixtures', () => {
    expect(fixtures.length).toBe(7);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s re-encodes byte-exact', (_n, f) => {
    const copy = f.bytes.slice();
    const p = decode(f);
    expect(toHex(encodePayload(p))).toBe(toHex(f.bytes));
    expect(f.bytes).toEqual(copy); // input not mutated
  });

  it('decodes an access-request with get, get-with-selection and action', () => {
    const p = decode(fx('DLMS access-request')) as Extract<DecodedPayload, { type: 'access-request' }>;
    expect(p.type).toBe('access-request');
    expect(p.invokeId).toMatchObject({ value: 0x20001234, invokeId: 0x1234, breakOnError: true, highPriority: false });
    expect(p.specs.map((s) => s.kind)).toEqual(['get', 'get-with-selection', 'action']);
    expect(p.specs[0]).toMatchObject({ classId: 1, attribute: 2, obis: { text: '0-0:0.2.1.255', name: 'Active firmware version (ESME/CH firmware version)' } });
    expect(p.specs[1]).toMatchObject({ classId: 7, className: 'Profile generic', selector: 1, obis: { text: '0-0:99.98.4.255' } });
    const sel = p.specs[1]!.selectorParameters as DlmsList;
    const restricting = sel.items[0] as DlmsList;
    expect(restricting.items[1]).toMatchObject({ type: 'octet-string', obis: { text: '0-0:94.44.100.255' } });
    expect(sel.items[1]).toMatchObject({ type: 'double-long-unsigned', value: 0x2eb4f700 });
    expect(p.specs[2]).toMatchObject({ kind: 'action', classId: 9, method: 1 });
    expect(p.data).toMatchObject([{ type: 'null' }, { type: 'null' }, { type: 'long-unsigned', value: 7 }]);
  });

  it('decodes an access-response with a compact-array, a failure and every scalar type', () => {
    const p = decode(fx('DLMS access-response')) as Extract<DecodedPayload, { type: 'access-response' }>;
    expect(p.results.map((r) => r.resultName)).toEqual(['success', 'hardware-fault', 'success']);
    const ca = p.data[0] as Extract<DlmsData, { type: 'compact-array' }>;
    expect(ca.typeDescription).toEqual({ type: 'structure', items: [{ type: 'double-long-unsigned' }, { type: 'long-unsigned' }, { type: 'octet-string' }] });
    expect(ca.rows).toHaveLength(2);
    expect(ca.rows[1]).toMatchObject({ type: 'structure', items: [{ value: 0x2eb4f73c }, { value: 0x8003 }, { type: 'octet-string' }] });
    const all = (p.data[2] as DlmsList).items;
    expect(all.map((d) => d.type)).toEqual([
      'boolean', 'bit-string', 'double-long', 'visible-string', 'utf8-string', 'bcd', 'integer', 'long', 'unsigned', 'long64',
      'long64-unsigned', 'enum', 'float32', 'float64', 'date-time', 'date', 'time', 'octet-string', 'array',
    ]);
    expect(all[1]).toMatchObject({ bitCount: 10, bits: '1010010111' });
    expect(all[2]).toMatchObject({ value: -5 });
    expect(all[4]).toMatchObject({ value: 'smärt' });
    expect(all[7]).toMatchObject({ value: -300 });
    expect(all[9]).toMatchObject({ value: -2n });
    expect(all[10]).toMatchObject({ value: 2n ** 63n });
    expect(all[12]).toMatchObject({ value: 1.5 });
    expect(all[13]).toMatchObject({ value: -0.25 });
    expect(all[14]).toMatchObject({ type: 'date-time', dateTime: { year: 2025, month: 11, dayOfMonth: 21, hour: 12, minute: 30 } });
    expect(all[15]).toMatchObject({ date: { year: 2025, month: 11, dayOfMonth: 21, dayOfWeek: 5 } });
    // A 12-byte octet string that is a date-time carries the view and keeps its bytes.
    expect(all[17]).toMatchObject({ type: 'octet-string', dateTime: { iso: '2025-11-21T12:30:00.00Z' } });
    expect((all[17] as { bytes: Uint8Array }).bytes).toHaveLength(12);
  });

  it('decodes a data-notification and names its alert code', () => {
    const p = decode(fx('DLMS data-notification'));
    expect(p).toMatchObject({ type: 'data-notification', alertCode: 0x8f72 });
  });

  it('decodes GBZ components: read attributes response, default response, from-date-time', () => {
    const p = decode(fx('GBZ: read attributes')) as Extract<DecodedPayload, { format: 'GBZ' }>;
    expect(p.components).toHaveLength(2);
    const [a, b] = p.components;
    expect(a).toMatchObject({ clusterId: 0x0702, clusterName: 'Metering', encrypted: false, zcl: { commandName: 'Read Attributes Response', direction: 'server-to-client' } });
    expect(a!.encrypted === false && a!.command).toMatchObject({
      command: 'read-attributes-response',
      records: [
        { id: 0x0206, status: 0, value: { dataTypeName: 'octstr' } },
        { id: 0x0000, name: 'CurrentSummationDelivered', value: { dataTypeName: 'uint48', value: 12345 } },
        { id: 0x0300, statusName: 'UNSUPPORTED_ATTRIBUTE' },
      ],
    });
    expect(b).toMatchObject({ lastComponent: true, fromDateTime: { seconds: 0x1c374a80, iso: '2015-01-01T00:00:00Z' }, command: { command: 'default-response', commandId: 4, statusName: 'SUCCESS' } });
  });

  it('keeps encrypted GBZ components as the 31 ‖ IC ‖ ciphertext ‖ tag blob', () => {
    const p = decode(fx('GBZ: encrypted')) as Extract<DecodedPayload, { format: 'GBZ' }>;
    const c = p.components[0]!;
    expect(c.encrypted).toBe(true);
    if (!c.encrypted) return;
    expect(c.ciphertext[0]).toBe(0x31);
    expect(c.ciphertext).toHaveLength(1 + 4 + 20 + 12);
    expect(c.zcl.commandName).toBe('Read Attributes Response');
  });

  it('decodes the GBZ 8F66 alert header', () => {
    const p = decode(fx('GBZ alert 8F66')) as Extract<DecodedPayload, { format: 'GBZ' }>;
    expect(p.alert).toMatchObject({ alertCode: 0x8f66, time: { iso: '2030-01-15T09:00:00Z' }, content: { kind: 'future-dated', messageCode: 0x6b, useCase: 'GCS01a', originatorCounter: 0x1234n, clusterId: 0x0707 } });
  });

  it('names the CS06 ASN.1 fields', () => {
    const p = decode(fx('ASN.1 CS06')) as Extract<DecodedPayload, { format: 'ASN.1' }>;
    expect(p.structure).toBe('CS06 activate firmware command');
    expect(p.root.children!.map((c) => c.name)).toEqual(['manufacturerImageHash', 'originatorCounter', 'executionDateTime']);
    expect(p.root.children![1]!.integer).toBe(0x2000n);
    expect(p.root.children![2]!.time).toBe('2030-01-15T09:00:00Z');
  });
});

describe('single values', () => {
  it('round-trips DLMS Data with non-minimal lengths kept', () => {
    const bytes = fromHex('09 81 03 010203');
    const d = decodeDlmsData(bytes);
    expect(d).toMatchObject({ type: 'octet-string', lengthWidth: 2 });
    expect(toHex(encodeDlmsData(d))).toBe(toHex(bytes));
  });

  it('refuses an unknown Data tag with its offset', () => {
    const e = (() => { try { decodeDlmsData(fromHex('02 02 11 01 07')); } catch (x) { return x; } })();
    expect(e).toBeInstanceOf(GbcsDecodeError);
    expect(e).toMatchObject({ code: 'dlms-data-tag', offset: 4 });
  });

  it('decodes a clear ZCL read attributes response (GBCS.md 3.3 example values)', () => {
    const plain = fromHex('0203 00 22 E80300 0103 00 24 0100000000 0003 00 30 01 0000 00 25 393000000000');
    const c = decodeZclPayload(plain, { clusterId: 0x0702, frameControl: 0x18, commandId: 0x01 });
    expect(c).toMatchObject({ command: 'read-attributes-response', records: [
      { id: 0x0302, name: 'Divisor', value: { value: 1000 } }, { id: 0x0301, name: 'Multiplier', value: { value: 1 } },
      { id: 0x0300, name: 'UnitOfMeasure', value: { value: 1 } }, { id: 0x0000, value: { value: 12345 } },
    ] });
  });

  it('summarises an X.509 certificate', () => {
    // Minimal certificate shape: tbs{[0]{2}, serial, alg, issuer, validity, subject, spki}, alg, sig
    const name = '3011310F300D06035504030C0654455354434E';
    const tbs = `A003020102 02020102 300A06082A8648CE3D040302 ${name} 301E170D3135303130313030303030305A170D3939313233313233353935395A ${name} 3000`;
    const tbsHex = tbs.replace(/ /g, '');
    const body = `30${(tbsHex.length / 2).toString(16)}${tbsHex}300A06082A8648CE3D040302030100`;
    const der = fromHex(`30${(body.length / 2).toString(16)}${body}`);
    const n = decodeDer(der);
    expect(n.certificate).toMatchObject({ serial: '0102', subject: 'CN=TESTCN', issuer: 'CN=TESTCN', notBefore: '2015-01-01T00:00:00Z', notAfter: '1999-12-31T23:59:59Z' }); // UTCTime YY >= 50 is 19YY (RFC 5280)
    expect(n.certificate!.der).toHaveLength(der.length);
  });
});

describe('limits', () => {
  it('refuses DLMS Data nested deeper than 32', () => {
    const deep = fromHex('0201'.repeat(40) + '00');
    expect(() => decodeDlmsData(deep)).toThrowError(expect.objectContaining({ code: 'nesting-too-deep' }));
  });

  it('refuses DER nested deeper than 32', () => {
    let der = fromHex('0500');
    for (let i = 0; i < 40; i++) der = Uint8Array.from([0x30, der.length, ...der].slice(0, der.length + 2).length > 129 ? [0x30, 0x81, der.length, ...der] : [0x30, der.length, ...der]);
    expect(() => decodeDer(der)).toThrowError(expect.objectContaining({ code: 'nesting-too-deep' }));
  });

  it('refuses payloads with more nodes than the fixed capacity', () => {
    const n = 70000;
    const bytes = new Uint8Array(4 + n);
    bytes.set([0x01, 0x83, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff].slice(0, 5));
    const arr = new Uint8Array(5 + n);
    arr.set([0x01, 0x83, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
    expect(() => decodeDlmsData(arr)).toThrowError(expect.objectContaining({ code: 'too-many-nodes' }));
  });

  it('refuses a compact-array whose rows would take no bytes (would never end): its type description is refused', () => {
    // null element type, empty structure, array of count 0 (decision in assembly/dlms.ts).
    expect(() => decodeDlmsData(fromHex('13 00 02 0000'))).toThrowError(expect.objectContaining({ code: 'dlms-type-description', offset: 1 }));
    expect(() => decodeDlmsData(fromHex('13 02 00 02 0000'))).toThrowError(expect.objectContaining({ code: 'dlms-type-description', offset: 1 }));
    expect(() => decodeDlmsData(fromHex('13 01 0000 11 01 05'))).toThrowError(expect.objectContaining({ code: 'dlms-type-description', offset: 1 }));
  });

  it('reports bytes after a complete payload', () => {
    expect(() => decodePayload(fromHex('0500 00'), { format: 'ASN.1', cra: 'command', messageCode: 0x0129 })).toThrowError(
      expect.objectContaining({ code: 'payload-trailing-bytes', offset: 2 }),
    );
  });
});

describe('lazy frame.payload', () => {
  const lines = readFileSync(new URL('./fixtures/frames.hex', import.meta.url), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));

  it('decoding a frame does not walk its payload; reading it walks once', () => {
    const core = wasmCore();
    const spy = vi.spyOn(core, 'walkPayload');
    try {
      const f = decodeFrame(lines[0]!); // ECS52 response
      expect(spy).not.toHaveBeenCalled();
      expect(f.payload!.kind).toBe('access-response');
      expect(spy).not.toHaveBeenCalled();
      expect(f.payload!.length).toBe(1);
      expect(spy).toHaveBeenCalledTimes(1);
      const item = f.payload!.get(0)!;
      expect(item).toMatchObject({ kind: 'response', data: { type: 'octet-string' }, result: { resultName: 'success' } });
      expect(f.payload!.decoded).toBe(f.payload!.decoded);
      expect(spy).toHaveBeenCalledTimes(1); // the full tree reuses the kept index
    } finally {
      spy.mockRestore();
    }
  });

  it('lazy items equal the items of the full tree on every fixture frame', () => {
    for (const line of lines) {
      const lazy = decodeFrame(line).payload;
      if (!lazy) continue;
      const full = decodeFrame(line).payload!;
      full.decoded;
      expect(lazy.length).toBe(full.length);
      // Compared as JSON: decoded nodes keep their values behind getters (toJSON gives them).
      for (let i = 0; i < lazy.length; i++) expect(toJsonSafe(lazy.get(i))).toEqual(toJsonSafe(full.get(i)));
    }
  });

  it('a lazy payload whose index a later walk overwrote walks again (no copy) and gives the same items', () => {
    // Issue 12 item 2: the index is a view of WASM memory; interleaving two frames' lazy
    // reads must re-walk, never read the other frame's nodes.
    const frames = lines.map((l) => decodeFrame(l)).filter((f) => f.payload && f.payload.kind !== 'unknown');
    expect(frames.length).toBeGreaterThan(2);
    const lengths = frames.map((f) => f.payload!.length); // each walk overwrites the previous index
    const core = wasmCore();
    const spy = vi.spyOn(core, 'walkPayload');
    try {
      for (let k = 0; k < frames.length; k++) {
        const lazy = frames[k]!.payload!;
        const other = frames[(k + 1) % frames.length]!;
        for (let i = 0; i < lengths[k]!; i++) {
          decodeFrame(other.bytes).payload!.length; // a walk of another payload in between
          const fresh = decodeFrame(frames[k]!.bytes).payload!;
          expect(toJsonSafe(lazy.get(i))).toEqual(toJsonSafe(fresh.decoded && fresh.get(i)));
        }
      }
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    const f = frames[0]!.payload!;
    expect(f.get(0)).toBe(f.get(0)); // built once
  });

  it('reports payload errors with frame offsets', () => {
    const f = decodeFrame(lines[0]!);
    const bad = f.bytes.slice();
    bad[f.contentOffset + 8] = 0x07; // first Data tag: tag 0x07 is not a DLMS type
    const g = decodeFrame(bad);
    expect(() => g.payload!.decoded).toThrowError(expect.objectContaining({ code: 'dlms-data-tag', offset: f.contentOffset + 8 }));
  });
});
