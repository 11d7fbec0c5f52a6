// ASN.1 conformance over RTDS 4.5.0 (skipped when the corpus is absent): every ASN.1
// payload matches a GBCS structure, every element is named (deliberate raw blobs are
// listed: certificates, the CS06 image hash), every enumeration and named-bit value is
// named, the CS02b/CS02g labels agree with NAMES.md §4.2 (an independent sheet), and
// every DER payload and every node re-encodes byte-exact from its frame offset.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFrame, toHex, type GbcsFrame } from '../src/index.js';
import { decodeDer, encodeDer, type Asn1Node, type Asn1Payload } from '../src/payload/asn1.js';
import { HAVE_RTDS, RTDS_DIR, RTDS_SKIP_REASON, rtdsFiles } from './rtds.js';

/** Deliberately unexpanded elements: their `raw` reason must say what they are. */
const RAW_BLOBS = [/^X\.509 certificate/, /^SHA-256 of the manufacturer image/];

interface Asn1Frame {
  readonly name: string;
  readonly frame: GbcsFrame;
  readonly p: Asn1Payload;
}

const frames: Asn1Frame[] = [];
if (HAVE_RTDS) {
  for (const f of rtdsFiles()) {
    const frame = decodeFrame(f.bytes);
    if (frame.payloadFormat !== 'ASN.1' || !frame.payload) continue;
    frames.push({ name: f.name, frame, p: frame.payload.decoded as Asn1Payload });
  }
}
const one = (part: string) => {
  const f = frames.find((x) => x.name.includes(part));
  if (!f) throw new Error(`RTDS ASN.1 file ${part} not found`);
  return f.p.root;
};
const names = (n: Asn1Node) => n.children!.map((c) => c.name);

function* nodes(n: Asn1Node, path: string): Generator<[Asn1Node, string]> {
  const here = `${path}/${n.name ?? `?${n.typeName}`}`;
  yield [n, here];
  if (n.raw) return;
  for (const c of n.children ?? []) yield* nodes(c, here);
}

/** Top-level component names of `SEQUENCE { a T, b T OPTIONAL, ... }` in a NAMES.md cell. */
function componentNames(cell: string): string[] {
  const open = cell.indexOf('{');
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of cell.slice(open + 1)) {
    if (ch === '{' || ch === '(') depth++;
    if (ch === '}' || ch === ')') {
      if (depth === 0) break;
      depth--;
    }
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((c) => c.trim().split(/\s+/)[0]!);
}

/** NAMES.md §4.2 rows: the Structure cell of the row whose first two cells match. */
function namesRow(sheet: string, useCase: RegExp, direction: string): string {
  let inTable = false;
  let last = '';
  for (const line of sheet.split('\n')) {
    if (line.startsWith('### 4.2')) inTable = true;
    else if (inTable && line.startsWith('#')) break;
    if (!inTable || !line.startsWith('|')) continue;
    const cells = line.split('|').map((c) => c.trim());
    if (cells[1]) last = cells[1];
    if (useCase.test(last) && cells[2] === direction) return cells[3]!;
  }
  throw new Error(`NAMES.md 4.2 has no row ${useCase} / ${direction}`);
}

const NAMES_MD = join(RTDS_DIR, '../spec/NAMES.md');

describe.skipIf(!HAVE_RTDS)('RTDS ASN.1 conformance', () => {
  if (!HAVE_RTDS) console.warn(RTDS_SKIP_REASON);

  it('covers the ASN.1 payloads of the corpus', () => {
    expect(frames.length).toBeGreaterThanOrEqual(120);
  });

  it('every ASN.1 payload matches a GBCS structure and every element is named (raw blobs listed)', () => {
    const unnamed: string[] = [];
    const unmatched: string[] = [];
    const raws = new Set<string>();
    let named = 0;
    for (const { name, p } of frames) {
      if (!p.structure) unmatched.push(name);
      for (const [n, path] of nodes(p.root, '')) {
        if (!n.name) unnamed.push(`${name}: ${path}`);
        else named++;
        if (n.raw) {
          raws.add(n.raw);
          if (!RAW_BLOBS.some((r) => r.test(n.raw!))) unnamed.push(`${name}: ${path} raw for an unlisted reason: ${n.raw}`);
          if (/certificate/.test(n.raw)) expect(n.certificate, `${name}: ${path}`).toBeDefined();
        }
      }
    }
    expect(unmatched).toEqual([]);
    expect(unnamed.slice(0, 20)).toEqual([]);
    expect(named).toBeGreaterThan(1500);
    expect([...raws].length).toBeGreaterThan(0);
  });

  it('every enumeration value and every set named bit has a name', () => {
    const missing: string[] = [];
    for (const { name, p } of frames) {
      for (const [n, path] of nodes(p.root, '')) {
        if (n.field?.values && n.valueName === undefined) missing.push(`${name}: ${path} = ${n.integer}`);
        if (n.field?.bits && (n.bits ?? []).some((b) => b.startsWith('bit'))) missing.push(`${name}: ${path} bits ${n.bits}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('CS02b/CS02g labels agree with NAMES.md 4.2 (the five labels issue 11 found wrong)', () => {
    const cmd = one('CS02bSupplierBySupplier_6.15.1_IMMEDIATE_SUCCESS_COMMAND');
    const ctl = cmd.children![0]!;
    // Was `remotePartyRole`: the credentials replacement mode (message code - 0x0100 for CS02b).
    expect(ctl.children![0]).toMatchObject({ name: 'credentialsReplacementMode', integer: 2n, valueName: 'supplierBySupplier' });
    const lc = one('CS02gLoadControllerByLoadController_NA_IMMEDIATE_SUCCESS_COMMAND').children![0]!.children![0]!;
    expect(lc).toMatchObject({ name: 'credentialsReplacementMode', integer: 10n, valueName: 'loadControllerByLoadController' });
    const rsp = one('CS02bSupplierBySupplier_6.15.1_IMMEDIATE_ERROR_RESPONSE');
    // Was `executionOutcome` on the NULL and `credentialsDetails` on the outcome.
    expect(names(rsp)).toEqual(['commandAccepted', 'executionOutcome']);
    const outcome = rsp.children![1]!;
    // Was `originatorCounter`: the authorising remote party's sequence number.
    expect(outcome.children![0]).toMatchObject({ name: 'authorisingRemotePartySeqNumber', integer: 1003n });
    // Was `result`: the floor sequence number of the remote party.
    const change = outcome.children![2]!.children![0]!;
    expect(names(change)).toEqual(['remotePartyRole', 'floorSeqNumber', 'specialistFloorSeqNumbers']);
    const alert = one('CS02gLoadControllerByLoadController_NA_8F66_FUTURE_DATED_SUCCESS_ALERT').children![2]!;
    expect(alert.children![1]).toMatchObject({ name: 'credentialsReplacementMode', integer: 10n, valueName: 'loadControllerByLoadController' });
  });

  it.skipIf(!existsSync(NAMES_MD))('CS02b/CS02g component names are NAMES.md 4.2 names, in order', () => {
    const sheet = readFileSync(NAMES_MD, 'utf8');
    const row = (uc: RegExp, dir: string) => componentNames(namesRow(sheet, uc, dir));
    const cmd = one('CS02bSupplierBySupplier_6.15.1_FUTURE_DATED_SUCCESS_COMMAND');
    expect(names(cmd)).toEqual(row(/^CS02b/, 'command'));
    // The control SEQUENCE: every present component in NAMES.md order.
    const ctlNames = row(/^CS02b/, 'AuthorisingRemotePartyControl');
    for (const f of frames.filter((x) => x.frame.craFlag === 1 && /CS02[bg]/.test(x.name))) {
      const got = names(f.p.root.children![0]!) as string[];
      expect(got.every((n) => ctlNames.includes(n)), f.name).toBe(true);
      expect([...got].sort((a, b) => ctlNames.indexOf(a) - ctlNames.indexOf(b)), f.name).toEqual(got);
      const replacement = f.p.root.children![1]!.children![0]!;
      expect(names(replacement)).toEqual(row(/^CS02b/, 'TrustAnchorReplacement'));
    }
    const rsp = one('CS02bSupplierBySupplier_6.15.1_IMMEDIATE_ERROR_RESPONSE');
    expect(names(rsp)).toEqual(row(/^CS02b/, 'response'));
    expect(names(rsp.children![1]!)).toEqual(row(/^CS02b/, 'ExecutionOutcome'));
    expect(names(rsp.children![1]!.children![3]!.children![0]!)).toEqual(row(/^CS02b/, 'ReplacementOutcome'));
    for (const part of ['CS02bSupplierBySupplier_6.15.1_8F66', 'CS02gLoadControllerByLoadController_NA_8F66']) {
      const alert = one(part);
      expect(names(alert)).toEqual(row(/^0x00CB/, 'alert'));
      expect(names(alert.children![2]!)).toEqual(row(/^CS02b/, 'ExecutionOutcome'));
    }
    expect(names(one('GCS62_NA_8071_ALERT'))).toEqual(row(/^GCS62/, 'alert'));
  });

  it('every DER payload re-encodes byte-exact, and every node slices out of the frame at its offset', () => {
    let checked = 0;
    for (const { name, frame, p } of frames) {
      expect(toHex(encodeDer(p.root)), name).toBe(toHex(frame.content));
      expect(p.root.offset, name).toBe(frame.contentOffset);
      for (const [n] of nodes(p.root, '')) {
        const slice = frame.bytes.subarray(n.offset, n.end);
        if (toHex(slice) !== toHex(encodeDer(decodeDer(slice)))) throw new Error(`${name}: node at ${n.offset} does not re-encode`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1500);
  });
});
