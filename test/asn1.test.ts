// ASN.1 (DER) tree and schema tables, without the RTDS folder: fixed-shape nodes with
// lazy names, frame offsets, DEFAULTs, enumeration and bit names, the shared Budget on
// hostile DER (generated), and byte-exact round-trips of generated trees.
import { describe, expect, it } from 'vitest';
import { decodeFrame, decodePayload, encodeFrame, fromHex, GbcsDecodeError, toHex } from '../src/index.js';
import { Asn1Node, decodeDer, DER_OBJECTS_PER_BYTE, encodeDer } from '../src/payload/asn1.js';
import { ASN1_STRUCTURES, asn1StructureFor, CS02B_COMMAND_SCHEMA, CS06_SCHEMA } from '../src/payload/asn1Schemas.js';
import { derGeneralizedTime, derNull, derOctetString, derPrimitive, derSequence, derUnsignedInteger } from '../src/payload/derBuild.js';
import { toJsonSafe } from '../src/payload/json.js';
import { prng } from './prng.js';

const asn1 = (hex: string, messageCode: number, cra: 'command' | 'response' | 'alert', offsetBase?: number) => {
  const p = decodePayload(fromHex(hex), { format: 'ASN.1', messageCode, cra, ...(offsetBase !== undefined ? { offsetBase } : {}) });
  if (p.format !== 'ASN.1') throw new Error('not ASN.1');
  return p;
};

const CS06_CMD = `30 37 04 20 ${'A5'.repeat(32)} 02 02 2000 18 0F ${toHex(new TextEncoder().encode('20300115090000Z'))}`;

describe('schema tables', () => {
  it('CS06_SCHEMA is the CS06 command structure the lookup gives', () => {
    expect(asn1StructureFor(0x0012, 1, 0x30)?.schema).toBe(CS06_SCHEMA);
    expect(CS06_SCHEMA.fields!.map((f) => f.name)).toEqual(['manufacturerImageHash', 'originatorCounter', 'executionDateTime']);
    // The CS06 reply is a CHOICE: NULL (accepted) or the outcome SEQUENCE.
    expect(asn1StructureFor(0x0012, 2, 0x05)?.schema.name).toBe('commandAccepted');
    expect(asn1StructureFor(0x0012, 2, 0x30)?.schema.name).toBe('executionOutcome');
    expect(asn1StructureFor(0x0012, 3, 0x30)).toBeUndefined();
  });

  it('no two structures claim the same code, CRA and root tag', () => {
    const seen = new Set<string>();
    for (const s of ASN1_STRUCTURES) for (const c of s.codes) {
      const k = `${c}/${s.cra}/${s.rootTag ?? '*'}`;
      expect(seen.has(k), k).toBe(false);
      seen.add(k);
    }
  });

  it('every OPTIONAL/DEFAULT component of CS02b AuthorisingRemotePartyControl carries its context tag', () => {
    const ctl = CS02B_COMMAND_SCHEMA.fields![0]!;
    expect(ctl.fields!.map((f) => [f.name, f.tag])).toEqual([
      ['credentialsReplacementMode', undefined], ['plaintextSymmetricKey', 0x80], ['applyTimeBasedCPVChecks', 0x81],
      ['authorisingRemotePartyTACellIdentifier', 0xa2], ['authorisingRemotePartySeqNumber', 0x83], ['newRemotePartyFloorSeqNumber', 0x84],
      ['newRemotePartySpecialistFloorSeqNumbers', 0xa5], ['otherRemotePartySeqNumberChanges', 0xa6],
    ]);
  });
});

describe('named tree', () => {
  it('names fields lazily from the schema and keeps the node shape fixed', () => {
    const p = asn1(CS06_CMD, 0x0012, 'command');
    expect(p.structure).toBe('CS06 activate firmware command');
    const [hash, ctr, time] = p.root.children!;
    expect(p.root).toBeInstanceOf(Asn1Node);
    expect(Object.keys(hash!)).toEqual(Object.keys(ctr!));
    expect(Object.keys(p.root)).toEqual(Object.keys(time!));
    expect([hash!.name, ctr!.name, time!.name]).toEqual(['manufacturerImageHash', 'originatorCounter', 'executionDateTime']);
    expect(hash!.raw).toMatch(/SHA-256/);
    expect(ctr!.integer).toBe(0x2000n);
    expect(time).toMatchObject({ text: '20300115090000Z', time: '2030-01-15T09:00:00Z' });
  });

  it('context-tagged IMPLICIT INTEGERs, enumeration names, named bits and absent DEFAULTs (CS02b control)', () => {
    // SEQUENCE { control SEQUENCE { 02 01 02, 81 01 01, A2 { 02 01 02, 03 02 07 80 }, 83 02 03E8, 84 01 00 }, SEQUENCE {}, SEQUENCE {} }
    const hex = '30 1C 30 16 020102 810101 A207 020102 03020780 830203E8 840100 3000 3000';
    const ctl = asn1(hex, 0x0102, 'command').root.children![0]!;
    const [mode, cpv, cell, seq, floor] = ctl.children!;
    expect(mode).toMatchObject({ name: 'credentialsReplacementMode', integer: 2n, valueName: 'supplierBySupplier' });
    expect(cpv).toMatchObject({ name: 'applyTimeBasedCPVChecks', typeName: '[1]', integer: 1n, valueName: 'disapply' });
    expect(seq).toMatchObject({ name: 'authorisingRemotePartySeqNumber', integer: 1000n });
    expect(floor).toMatchObject({ name: 'newRemotePartyFloorSeqNumber', integer: 0n });
    expect(cell!.children![0]).toMatchObject({ name: 'remotePartyRole', valueName: 'supplier' });
    expect(cell!.children![1]).toMatchObject({ name: 'keyUsage', bits: ['digitalSignature'] });
    expect(cell!.defaults).toEqual([{ name: 'cellUsage', value: 0n, valueName: 'management' }]);
    // A present DEFAULT component is named and not listed as a default.
    const withCell = asn1('30 15 30 0F 020102 A20A 020102 03020308 020101 3000 3000', 0x0102, 'command').root.children![0]!.children![1]!;
    expect(withCell.children![2]).toMatchObject({ name: 'cellUsage', valueName: 'prePaymentTopUp' });
    expect(withCell.children![1]!.bits).toEqual(['keyAgreement']);
    expect(withCell.defaults).toBeUndefined();
  });

  it('JSON carries names, enumeration names, bits and defaults; bytes as hex', () => {
    const j = toJsonSafe(asn1('30 0E 30 0C 020102 A207 020102 03020780', 0x0102, 'command').root) as { children: { children: { children: unknown[]; defaults: unknown }[] }[] };
    const cell = j.children[0]!.children[1]!;
    expect(cell.children[0]).toMatchObject({ name: 'remotePartyRole', integer: '2', valueName: 'supplier', value: '02' });
    expect(cell.children[1]).toMatchObject({ name: 'keyUsage', bits: ['digitalSignature'], bitString: { unusedBits: 7, bytes: '80' } });
    expect(cell.defaults).toEqual([{ name: 'cellUsage', value: '0', valueName: 'management' }]);
  });

  it('unknown message codes give an unnamed generic tree', () => {
    const p = asn1('30 03 02 01 05', 0x0001, 'command');
    expect(p.structure).toBeUndefined();
    expect(p.root.name).toBeUndefined();
    expect(p.root.children![0]!.integer).toBe(5n);
  });
});

describe('offsets', () => {
  it('are frame offsets on frame.payload, and each node slices out its own DER', () => {
    const bytes = encodeFrame({
      kind: 'general-signing', cra: 'command', originatorCounter: 0x2000n, originator: '90b3d51f30010000', recipient: '00db1234567890a0',
      messageCode: 0x0012, content: fromHex(CS06_CMD), signatureState: 'absent',
    });
    const f = decodeFrame(bytes);
    const p = f.payload!.decoded;
    if (p.format !== 'ASN.1') throw new Error('not ASN.1');
    expect(p.root.offset).toBe(f.contentOffset);
    const walk = (n: Asn1Node): void => {
      const slice = f.bytes.subarray(n.offset, n.end);
      expect(toHex(slice)).toBe(toHex(n.der));
      expect(toHex(encodeDer(decodeDer(slice)))).toBe(toHex(slice));
      n.children?.forEach(walk);
    };
    walk(p.root);
    // The lazy item path gives the same offsets.
    expect(f.payload!.get(1)).toMatchObject({ kind: 'asn1', node: { offset: p.root.children![1]!.offset } });
  });

  it('decodeDer offsets are relative to its input plus offsetBase', () => {
    const n = decodeDer(fromHex('30 03 02 01 05'), { offsetBase: 100 });
    expect([n.offset, n.children![0]!.offset, n.children![0]!.end]).toEqual([100, 102, 105]);
  });

  it('decode errors name the frame offset', () => {
    const e = (() => { try { asn1('30 05 02 01 05', 0x0012, 'command', 40); } catch (x) { return x; } })();
    expect(e).toBeInstanceOf(GbcsDecodeError);
    expect((e as GbcsDecodeError).offset).toBeGreaterThanOrEqual(40);
  });
});

/** Random valid DER: SEQUENCE / context-constructed nodes around INTEGER, OCTET STRING, NULL, BOOLEAN leaves. */
function genDer(rnd: () => number, depth: number): Uint8Array {
  const len = (n: number) => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);
  const tlv = (tag: number, body: number[]) => [tag, ...len(body.length), ...body];
  const node = (d: number): number[] => {
    const r = rnd();
    if (d > 0 && r < 0.35) {
      const kids: number[] = [];
      const n = Math.floor(rnd() * 5);
      for (let i = 0; i < n; i++) kids.push(...node(d - 1));
      return tlv(rnd() < 0.7 ? 0x30 : 0xa0 | Math.floor(rnd() * 8), kids);
    }
    if (r < 0.55) return tlv(0x02, [Math.floor(rnd() * 256), ...Array.from({ length: Math.floor(rnd() * 9) }, () => Math.floor(rnd() * 256))]);
    if (r < 0.75) return tlv(0x04, Array.from({ length: Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256)));
    if (r < 0.9) return [0x05, 0x00];
    return [0x01, 0x01, rnd() < 0.5 ? 0 : 0xff];
  };
  return Uint8Array.from(tlv(0x30, node(depth)));
}

/** Objects the builder allocated: nodes and children arrays (lazy values are not built). */
function objectsOf(n: Asn1Node): number {
  let k = 1;
  if (n.children) {
    k++;
    for (const c of n.children) k += objectsOf(c);
  }
  return k;
}

describe('issue 10.1 bounded work: ASN.1 trees on hostile DER (generated)', () => {
  it(`objects built per input byte stay under DER_OBJECTS_PER_BYTE (${DER_OBJECTS_PER_BYTE}) for random, wide and deep inputs; round-trip byte-exact`, () => {
    const rnd = prng(0xa5a1);
    const inputs: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) inputs.push(genDer(rnd, 1 + Math.floor(rnd() * 8)));
    // Widest: NULLs (2 bytes per node), nested empty SEQUENCEs.
    inputs.push(fromHex(`30 82 4E20 ${'0500'.repeat(10000)}`));
    inputs.push(fromHex(`30 82 4E20 ${'3000'.repeat(10000)}`));
    let nest = fromHex('3000');
    for (let d = 0; d < 30; d++) nest = fromHex(`30 ${nest.length.toString(16).padStart(2, '0')} ${toHex(nest)}`);
    inputs.push(nest);
    let worst = 0;
    for (const b of inputs) {
      const root = decodeDer(b);
      worst = Math.max(worst, objectsOf(root) / b.length);
      expect(toHex(encodeDer(root))).toBe(toHex(b));
    }
    expect(worst).toBeLessThanOrEqual(DER_OBJECTS_PER_BYTE);
  });

  it("too many nodes: 'too-many-nodes' with an offset, before building", () => {
    const wide = fromHex(`30 82 07D0 ${'0500'.repeat(1000)}`);
    const e = (() => { try { decodeDer(wide, { limits: { maxNodes: 500 }, offsetBase: 7 }); } catch (x) { return x; } })();
    expect(e).toBeInstanceOf(GbcsDecodeError);
    expect(e).toMatchObject({ code: 'too-many-nodes', offset: 7 });
    // Past the walker's own capacity (65,536 nodes) the walk refuses it first, same code.
    const n = 2 * 70000;
    const big = Uint8Array.from([0x30, 0x83, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff, ...new Array(n).fill(0).map((_, i) => (i % 2 === 0 ? 0x05 : 0x00))]);
    expect(() => decodeDer(big)).toThrowError(expect.objectContaining({ code: 'too-many-nodes' }));
  });

  it("too deep: 'too-deep' with the offset of the level past the limit", () => {
    let nest = fromHex('0500');
    for (let d = 0; d < 12; d++) nest = fromHex(`30 ${nest.length.toString(16).padStart(2, '0')} ${toHex(nest)}`);
    const e = (() => { try { decodeDer(nest, { limits: { maxDepth: 8 } }); } catch (x) { return x; } })();
    expect(e).toMatchObject({ code: 'too-deep' });
    // Level 9 starts at byte 8 * 2 (each level adds a 2-byte header).
    expect((e as GbcsDecodeError).offset).toBe(16);
    // Past the walker's nesting limit the walk refuses it first.
    let deep = fromHex('0500');
    for (let d = 0; d < 40; d++) deep = fromHex(`30 ${deep.length.toString(16).padStart(2, '0')} ${toHex(deep)}`);
    expect(() => decodeDer(deep)).toThrowError(GbcsDecodeError);
  });
});

describe('hand-built trees (derBuild)', () => {
  it('round-trip: built nodes have lengths from their children and encode as DER', () => {
    const n = derSequence(derOctetString(Uint8Array.of(1, 2, 3)), derUnsignedInteger(0x80, 'x'), derNull());
    expect(n.length).toBe(5 + 4 + 2);
    expect(toHex(encodeDer(n))).toBe('300b0403010203020200800500');
    expect(decodeDer(encodeDer(n)).children![1]!.integer).toBe(0x80n);
  });
});

/** Reads every getter of every node (what the CLI and JSON do). */
function readEverything(n: Asn1Node): number {
  let k = 0;
  const j = JSON.stringify(toJsonSafe(n));
  k += j.length + (n.typeName.length + (n.name?.length ?? 0) + (n.valueName?.length ?? 0) + (n.bits?.length ?? 0) + (n.defaults?.length ?? 0));
  return k;
}

describe('seeded mutation fuzz (named trees)', () => {
  it('mutated CS02b/CS06/GCS62-shaped payloads decode to a tree that re-encodes to the input, or a GbcsDecodeError', () => {
    const i = (v: number) => derUnsignedInteger(v, 'i');
    const os = (n: number) => derOctetString(new Uint8Array(n).fill(0x90));
    const cell = derSequence(i(2), derPrimitive(0x03, Uint8Array.of(7, 0x80)));
    const cs02bResponse = derSequence(
      derNull(),
      derSequence(i(1003), i(2), derSequence(derSequence(i(2), i(0), derSequence(derSequence(i(0), i(0))))),
        derSequence(derSequence(cell, derPrimitive(0x0a, Uint8Array.of(0)), os(8), os(8), os(8), os(8)))),
    );
    const gcs62 = derSequence(i(0x8071), derGeneralizedTime('20150101000000Z'), derSequence(derSequence(os(8), i(6)), derSequence(os(8), i(5))));
    const seeds: [string, number, 'command' | 'response' | 'alert'][] = [
      [CS06_CMD, 0x0012, 'command'],
      ['30 1C 30 16 020102 810101 A207 020102 03020780 830203E8 840100 3000 3000', 0x0102, 'command'],
      [toHex(encodeDer(cs02bResponse)), 0x0102, 'response'],
      [toHex(encodeDer(gcs62)), 0x00b2, 'alert'],
    ];
    const rnd = prng(0x5eed);
    let ok = 0;
    let refused = 0;
    for (const [hex, code, cra] of seeds) {
      const base = fromHex(hex);
      // The seed itself is a valid, fully named message.
      const clean = decodePayload(base, { format: 'ASN.1', messageCode: code, cra });
      if (clean.format !== 'ASN.1') throw new Error('not ASN.1');
      expect(clean.structure).toBeDefined();
      for (let n = 0; n < 1500; n++) {
        const b = base.slice();
        const flips = 1 + Math.floor(rnd() * 3);
        for (let k = 0; k < flips; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        const input = rnd() < 0.1 ? b.subarray(0, Math.floor(rnd() * b.length)) : b;
        let p;
        try {
          p = decodePayload(input, { format: 'ASN.1', messageCode: code, cra });
        } catch (e) {
          if (!(e instanceof GbcsDecodeError)) throw e;
          refused++;
          continue;
        }
        if (p.format !== 'ASN.1') throw new Error('not ASN.1');
        readEverything(p.root);
        expect(toHex(encodeDer(p.root))).toBe(toHex(input));
        ok++;
      }
    }
    expect(ok).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(300);
  });
});
