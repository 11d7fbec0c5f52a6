// Issue 13 item 7 on RTDS (independent source: the RTDS frames): every named field's
// offset and length slice out bytes that re-encode to the field's value; every name
// the dissector produces is catalogued; catalogue names are unique.
import { describe, expect, it } from 'vitest';
import {
  decodeDateTime, decodeFrame, encodeDer, encodeDlmsData, encodePayload, encodeZclPayload,
  type Asn1Node, type DlmsData, type GbcsFrame,
} from '../src/index.js';
import { dissectFrame, fieldCatalogue, type FieldOccurrence } from '../src/fields/index.js';
import { openFrame } from '../src/index.js';
import { folderKeyStore } from '../src/node.js';
import { messageCodeInfo } from '../src/messageCodes.js';
import { CRA_NAMES } from '../src/types.js';
import { decodeObis } from '../src/payload/obis.js';
import { Asn1Node as Asn1NodeClass } from '../src/payload/asn1.js';
import { DlmsNode } from '../src/payload/dlmsData.js';
import { HAVE_RTDS, RTDS_KEYSTORE, RTDS_SKIP_REASON, rtdsFiles } from './rtds.js';

const CONTAINERS = new Set(['dlms.spec', 'gbz.alert', 'gbz.component', 'zcl.header', 'zcl.attribute', 'zcl.read_attributes', 'zcl.read_attributes_response', 'zcl.write_attributes', 'zcl.write_attributes_response', 'zcl.default_response', 'zcl.command']);
const KIND = new Map(fieldCatalogue().map((f) => [f.name, f.kind]));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const be = (b: Uint8Array) => b.reduce((v, x) => v * 256n + BigInt(x), 0n);
const le = (b: Uint8Array) => b.reduceRight((v, x) => v * 256n + BigInt(x), 0n);
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

/** Re-derives the field's value from its slice (independently of the dissector); returns what it found. */
function fromSlice(f: FieldOccurrence, s: Uint8Array, frame: GbcsFrame): unknown {
  const n = f.node as { type?: string } | undefined;
  // Tree nodes: the slice is the node's own encoding.
  if (n instanceof DlmsNode) {
    const enc = encodeDlmsData(n as unknown as DlmsData);
    if (hex(s) === hex(enc) || hex(s) === hex(enc.subarray(1))) return f.value; // tagged, or an untagged compact-array element
    // An untagged compact-array row that is a structure/array: its elements are checked one by one.
    return (n.type === 'structure' || n.type === 'array') && s.length < enc.length ? f.value : `dlms ${hex(enc)}`;
  }
  if (n instanceof Asn1NodeClass) return hex(encodeDer(n as Asn1Node)) === hex(s) ? f.value : 'der mismatch';
  if (f.name === 'dlms.apdu' || f.name === 'gbz') return hex(encodePayload(n as never)) === hex(s) ? f.value : 'payload mismatch';
  if (/^zcl\.[a-z_]+\.[a-z_]+$/.test(f.name) && n && 'command' in n) {
    return hex(encodeZclPayload(n as never)) === hex(s) ? f.value : 'zcl mismatch';
  }
  const v = f.value;
  // Containers whose value is a kind or name (their children are checked one by one).
  if (KIND.get(f.name) === 'container') return v;
  if ((n as { type?: string } | undefined)?.type === 'str' && v instanceof Uint8Array) return hex(s.subarray(1)) === hex(v) ? v : hex(s);
  if (CONTAINERS.has(f.name) || (typeof v === 'string' && n !== undefined && !(typeof (n as { command?: unknown }).command === 'string' && f.plaintext))) {
    if (KIND.get(f.name) === 'container') return v;
  if ((n as { type?: string } | undefined)?.type === 'str' && v instanceof Uint8Array) return hex(s.subarray(1)) === hex(v) ? v : hex(s);
  if (CONTAINERS.has(f.name) || /^zcl\.[a-z_]+\.[a-z_]+$/.test(f.name)) return v;
  }
  switch (f.name) {
    case 'gbcs': return hex(s) === hex(frame.bytes) ? v : 'frame';
    case 'gbcs.envelope.kind': return { 0xdd: 'general-ciphering', 0xdf: 'general-signing', 0xe0: 'gbt' }[s[0]!];
    case 'gbcs.envelope.cra': return CRA_NAMES[s[0]! - 1];
    case 'gbcs.envelope.originator': case 'gbcs.envelope.recipient': return hex(s);
    case 'gbcs.envelope.use_case': return messageCodeInfo(Number(be(s)))?.useCase;
    case 'gbcs.envelope.date_time': case 'dlms.date_time': { const d = decodeDateTime(s, 0); return d.special ?? d.iso ?? d.hex; }
    case 'dlms.spec.obis': case 'dlms.obis': return decodeObis(s).text;
    case 'gbcs.payload': return hex(s) === hex(frame.content) ? v : 'content';
    case 'zcl.command.payload': break;
  }
  if (typeof v === 'number' || typeof v === 'bigint') {
    const little = f.name.startsWith('zcl.') && !f.name.startsWith('zcl.header') ? true : false;
    let x = little ? le(s) : be(s);
    if (typeof v === 'number' && v < 0) x = BigInt.asIntN(s.length * 8, x);
    if (f.name === 'gbz.component.length') x = BigInt(f.length === 2 ? Number(x) : -1);
    return typeof v === 'number' ? Number(x) : x;
  }
  // ZCL strings: the slice has the 1- or 2-byte length prefix before the value.
  if (v instanceof Uint8Array) return hex(s) === hex(v) || (f.name.startsWith('zcl.') && s.length - v.length <= 2 && hex(s).endsWith(hex(v))) ? v : hex(s);
  if (typeof v === 'string' && n === undefined) return v; // text of a number field (handled above) or a derived name
  if (typeof v === 'string') return latin1(s).endsWith(v) ? v : latin1(s);
  return v;
}

describe.skipIf(!HAVE_RTDS)('fields on RTDS (issue 13 item 7)', () => {
  if (!HAVE_RTDS) console.warn(RTDS_SKIP_REASON);
  const files = rtdsFiles();
  const names = new Set(fieldCatalogue().map((f) => f.name));

  it('catalogue names are unique and dotted lower-case', () => {
    const list = fieldCatalogue().map((f) => f.name);
    expect(new Set(list).size).toBe(list.length);
    for (const n of list) expect(n).toMatch(/^[a-z][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$/);
  });

  it('every field of every RTDS frame is catalogued, and its bytes give back its value', () => {
    let checked = 0;
    const problems: string[] = [];
    for (const file of files) {
      const frame = decodeFrame(file.bytes);
      let list: readonly FieldOccurrence[];
      try {
        list = frame.fieldList();
      } catch {
        continue; // payloads that do not decode are covered by the payload tests
      }
      for (const f of list) {
        if (!names.has(f.name)) problems.push(`${file.name}: ${f.name} not catalogued`);
        const src = f.plaintext ?? frame.bytes;
        if (f.offset < 0 || f.offset + f.length > src.length) { problems.push(`${file.name}: ${f.name} out of range`); continue; }
        const s = src.subarray(f.offset, f.offset + f.length);
        const got = fromSlice(f, s, frame);
        const want = f.value;
        const same = want instanceof Uint8Array ? got instanceof Uint8Array && hex(got) === hex(want) : got === want || (f.name === 'gbz.component.length');
        if (!same) problems.push(`${file.name}: ${f.name} @${f.offset}+${f.length} value ${String(want)} but bytes give ${String(got)}`);
        checked++;
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(checked).toBeGreaterThan(5000);
  });

  it('decrypted parts (RTDS keystore): their fields have plaintext offsets that give back their values', async () => {
    const ks = folderKeyStore(RTDS_KEYSTORE);
    let parts = 0;
    let checked = 0;
    const problems: string[] = [];
    for (const file of files) {
      const frame = decodeFrame(file.bytes);
      if (frame.payloadFormat !== 'GBZ' && frame.payloadFormat !== 'DLMS') continue;
      const { payload, decryption } = await openFrame(frame, ks);
      if (!decryption.encrypted) continue;
      parts += decryption.parts.length;
      const inside = dissectFrame(frame, payload).filter((f) => f.plaintext);
      if (inside.length === 0) problems.push(`${file.name}: no plaintext fields`);
      for (const f of inside) {
        if (!names.has(f.name)) problems.push(`${file.name}: ${f.name} not catalogued`);
        const pt = f.plaintext!;
        if (f.offset < 0 || f.offset + f.length > pt.length) { problems.push(`${file.name}: ${f.name} outside its plaintext`); continue; }
        const got = fromSlice(f, pt.subarray(f.offset, f.offset + f.length), frame);
        const want = f.value;
        const same = want instanceof Uint8Array ? got instanceof Uint8Array && hex(got) === hex(want) : got === want;
        if (!same) problems.push(`${file.name}: ${f.name} @p+${f.offset}+${f.length} value ${String(want)} but bytes give ${String(got)}`);
        checked++;
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(parts).toBe(51);
    expect(checked).toBeGreaterThan(200);
  });
});
