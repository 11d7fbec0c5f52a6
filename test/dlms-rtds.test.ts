// DLMS conformance on RTDS 4.5.0 (independent source: real frames; skipped when the corpus
// is absent): every request spec is named (class, attribute or method, OBIS object), every
// alert code is named, every DLMS payload re-encodes byte-exactly, and every node's
// offset/length slices out bytes that re-encode to the same value (issue 11 item 4,
// issue 13 item 1, issue 19).
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeDlmsData, encodePayload, type DecodedPayload, type DlmsData, type GbcsFrame } from '../src/index.js';
import type { DlmsDataNotification } from '../src/payload/dlms.js';
import { HAVE_RTDS, RTDS_SKIP_REASON, rtdsFiles } from './rtds.js';

interface DlmsFrame { name: string; useCase: string; frame: GbcsFrame; p: DecodedPayload & { format: 'DLMS' } }
function dlmsFrames(): DlmsFrame[] {
  const out: DlmsFrame[] = [];
  for (const f of rtdsFiles()) {
    const frame = decodeFrame(f.bytes);
    if (frame.payloadFormat !== 'DLMS' || frame.kind === 'gbt') continue;
    out.push({ name: f.name, useCase: f.useCase, frame, p: frame.payload!.decoded as DecodedPayload & { format: 'DLMS' } });
  }
  return out;
}

function* nodes(d: DlmsData | undefined): Generator<DlmsData> {
  if (!d) return;
  yield d;
  if (d.type === 'array' || d.type === 'structure') for (const x of d.items) yield* nodes(x);
  if (d.type === 'compact-array') for (const x of d.rows) yield* nodes(x);
}

describe.skipIf(!HAVE_RTDS)(`RTDS DLMS conformance${HAVE_RTDS ? '' : ` (${RTDS_SKIP_REASON})`}`, () => {
  const all = HAVE_RTDS ? dlmsFrames() : [];

  it('finds the DLMS payloads of the corpus', () => {
    expect(all.length).toBeGreaterThan(600);
  });

  it('every DLMS request spec names its class, attribute or method, and OBIS object', () => {
    const missing: string[] = [];
    let specs = 0;
    for (const { name, p } of all) {
      if (p.type === 'data-notification') continue;
      for (const s of p.specs) {
        specs++;
        if (!s.className) missing.push(`${name}: class ${s.classId}`);
        if (s.attribute !== undefined && !s.attributeName) missing.push(`${name}: class ${s.classId} attribute ${s.attribute}`);
        if (s.method !== undefined && !s.methodName) missing.push(`${name}: class ${s.classId} method ${s.method}`);
        if (!s.obis.name) missing.push(`${name}: OBIS ${s.obis.text}`);
      }
    }
    expect(specs).toBeGreaterThan(1000);
    expect(missing).toEqual([]);
  });

  it('every DLMS alert code is named', () => {
    const missing = all.filter(({ p }) => p.type === 'data-notification' && p.alertCode !== undefined && !p.alertName).map(({ name }) => name);
    expect(all.filter(({ p }) => p.type === 'data-notification').length).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });

  it('every DLMS payload re-encodes byte-exactly', () => {
    for (const { name, frame, p } of all) expect(Buffer.from(encodePayload(p)).equals(Buffer.from(frame.content)), name).toBe(true);
  });

  it('every Data node offset/length slices frame bytes that re-encode to the node (tagged nodes)', () => {
    let checked = 0;
    for (const { name, frame, p } of all) {
      expect(p.offset, name).toBe(frame.contentOffset);
      expect(p.length, name).toBe(frame.content.length);
      const roots: DlmsData[] = p.type === 'data-notification' ? [p.body] : [...p.data, ...p.specs.flatMap((s) => (s.selectorParameters ? [s.selectorParameters] : []))];
      for (const root of roots) {
        const stack: { d: DlmsData; tagged: boolean }[] = [{ d: root, tagged: true }];
        while (stack.length) {
          const { d, tagged } = stack.pop()!;
          const slice = frame.bytes.subarray(d.offset!, d.offset! + d.length!);
          if (tagged) {
            expect(Buffer.from(encodeDlmsData(d)).equals(Buffer.from(slice)), `${name} @${d.offset}`).toBe(true);
            checked++;
          } else {
            expect(slice.length, `${name} @${d.offset}`).toBe(d.length);
          }
          if (d.type === 'array' || d.type === 'structure') for (const x of d.items) stack.push({ d: x, tagged });
          if (d.type === 'compact-array') for (const x of d.rows) stack.push({ d: x, tagged: false });
        }
      }
      if (p.type !== 'data-notification') {
        for (const s of p.specs) expect(frame.bytes[s.offset!], name).toBe(['get', 'set', 'action', 'get-with-selection', 'set-with-selection'].indexOf(s.kind) + 1);
      }
    }
    expect(checked).toBeGreaterThan(10000);
  });

  it('FDEA-DLMS 0x00CC alerts decode like the GBZ twin (message code, counter, class, OBIS, attribute)', () => {
    const fdea = all.filter(({ frame }) => frame.messageCode === 0x00cc);
    expect(fdea.length).toBeGreaterThan(30);
    for (const { name, p } of fdea) {
      const n = p as DlmsDataNotification;
      expect([0x8f66, 0x8f67], name).toContain(n.alertCode);
      const a = n.alert!;
      expect(a.kind, name).toBe('future-dated');
      if (a.kind !== 'future-dated') continue;
      expect(a.useCase, name).toBeTruthy();
      expect(a.className, name).toBeTruthy();
      expect(a.obis.name, `${name} ${a.obis.text}`).toBeTruthy();
      expect(a.attributeName ?? a.methodName, `${name} ${a.classId}/${a.attribute}`).toBeTruthy();
    }
    // NAMES.md 2.5 example: 0019 00000000000003F0 2328 00005E2C0200 06 = ECS01a, counter 1008, class 9000, 0-0:94.44.2.0, attribute 6.
    const ex = fdea.map(({ p }) => (p as DlmsDataNotification).alert!).find((a) => a.kind === 'future-dated' && a.originatorCounter === 1008n && a.messageCode === 0x0019);
    expect(ex).toMatchObject({ useCase: 'ECS01a', classId: 9000, className: 'GBCS Extended Data', attribute: 6, attributeName: 'activate_passive_value_time' });
    expect((ex as { obis: { text: string } }).obis.text).toBe('0-0:94.44.2.0');
  });

  it('renders 5-byte dates and 4-byte times in octet strings by position, keeping the bytes (NAMES.md 3 examples)', () => {
    const dates = new Map<string, string>();
    const times = new Map<string, string>();
    for (const { p } of all) {
      const roots: DlmsData[] = p.type === 'data-notification' ? [p.body] : p.data;
      for (const r of roots) for (const d of nodes(r)) {
        if (d.type !== 'octet-string') continue;
        const hex = Buffer.from(d.bytes).toString('hex');
        if (d.date) dates.set(hex, d.date.text);
        if (d.time) times.set(hex, d.time.text);
      }
    }
    // NAMES.md 3: 07DF0501FF = 2015-05-01; FFFF0C19FF = 25 December every year; FFFFFF01FF = the 1st of every month.
    expect(dates.get('07df0501ff')).toBe('2015-05-01');
    expect(dates.get('ffff0c19ff')).toBe('*-12-25');
    expect(dates.get('ffffff01ff')).toBe('*-*-01');
    // 07000000 = 07:00:00.00; 091E0000 = 09:30.
    expect(times.get('07000000')).toBe('07:00:00.00');
    expect(times.get('091e0000')).toBe('09:30:00.00');
    // Firmware versions (4-byte octet strings of ECS52 etc.) are not times.
    expect(times.has('0123abcd')).toBe(false);
  });
});
