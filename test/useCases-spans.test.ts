// Issue 13 item 1 for typed views, on RTDS (independent source: the RTDS frames): every field
// of every typed view (useCases/*, through the registry) has a span whose bytes decode, with
// the codec's standalone decoders (decodeDer, decodeDlmsData, decodeDateTime) or as raw
// big/little-endian numbers and length-prefixed strings, to the view's own value; derived
// fields (names, booleans, Dates) share the span of a field that does; every span is the
// span of a node in the frame's field list (the payload tree); `gbcs decode --json` carries
// the same spans under the view's family key.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeDateTime, decodeDer, decodeDlmsData, decodeFrame, encodeFrame, fromHex, readTypedView, SpanRecorder, type GbcsFrame, type ViewSpans } from '../src/index.js';
import { HAVE_RTDS, RTDS_SKIP_REASON, rtdsFiles } from './rtds.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const be = (b: Uint8Array) => b.reduce((v, x) => v * 256n + BigInt(x), 0n);
const le = (b: Uint8Array) => b.reduceRight((v, x) => v * 256n + BigInt(x), 0n);

/** Fields fixed by the message code and CRA (module.ts ViewSpans Decision): no span. */
const FROM_MESSAGE_CODE = new Set(['type', 'useCase', 'deviceType', 'variant']);

const isLeafObject = (v: object) => v instanceof Uint8Array || v instanceof Date || ('text' in v && 'date' in v) || ('hex' in v && 'year' in v);

/** Every leaf field of a view by path (the view's keys joined with '.', array elements by index). */
function leaves(v: unknown, path = ''): [string, unknown][] {
  if (v === null || typeof v !== 'object' || isLeafObject(v)) return [[path, v]];
  const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
  return entries.flatMap(([k, x]) => (x === undefined ? [] : leaves(x, path ? `${path}.${k}` : k)));
}

function at(v: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], v);
}

/** What the slice decodes to, read without the view code: DER, DLMS Data, raw numbers and strings. */
function decodings(s: Uint8Array): Set<string> {
  const out = new Set<string>([hex(s), be(s).toString(), le(s).toString()]);
  if (s.length > 1 && s[0] === s.length - 1) out.add(hex(s.subarray(1))); // length-prefixed (ZCL octstr)
  if (s.length === 12) out.add(`dt:${decodeDateTime(s, 0).hex}`);
  if (s.length === 4) out.add(`t:${Date.UTC(2000, 0, 1) + Number(be(s)) * 1000}`); // GBZ/ZCL UTC seconds since 2000
  try {
    const n = decodeDer(s);
    if (n.tag === 0x02) out.add(n.integer!.toString());
    if (n.tag === 0x04) out.add(hex(n.value!));
    if (n.tag === 0x18) {
      const t = Buffer.from(n.value!).toString('latin1');
      out.add(`gt:${t}`);
      const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(t);
      if (m) out.add(`t:${Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)}`);
    }
  } catch {
    /* not DER */
  }
  try {
    const d = decodeDlmsData(s) as { type: string; value?: unknown; bytes?: Uint8Array };
    if (typeof d.value === 'number' || typeof d.value === 'bigint') out.add(String(d.value));
    if (d.bytes) {
      out.add(hex(d.bytes));
      if (d.bytes.length === 12) out.add(`dt:${decodeDateTime(d.bytes, 0).hex}`);
      if (d.bytes.length === 6) out.add(`${d.bytes[0]}-${d.bytes[1]}:${d.bytes[2]}.${d.bytes[3]}.${d.bytes[4]}.${d.bytes[5]}`);
    }
  } catch {
    /* not a DLMS Data item */
  }
  return out;
}

/** The view value as the decodings name it; undefined for derived values (names, booleans, Dates). */
function key(v: unknown): string | undefined {
  if (v instanceof Uint8Array) return hex(v);
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return `t:${v.getTime()}`;
  if (v && typeof v === 'object' && 'text' in v && 'date' in v) return `gt:${(v as { text: string }).text}`;
  if (v && typeof v === 'object' && 'hex' in v && 'year' in v) return `dt:${(v as { hex: string }).hex}`;
  if (typeof v === 'string' && /^([0-9a-f]{2})+$/.test(v)) return v; // an EUI-64 as hex
  if (typeof v === 'string' && /^\d+-\d+:\d+\.\d+\.\d+\.\d+$/.test(v)) return v; // OBIS
  return undefined;
}

interface Checked {
  readonly frames: number;
  readonly modules: Set<string>;
  readonly valueChecked: number;
  readonly problems: string[];
}

function checkFrame(f: GbcsFrame, name: string, acc: { modules: Set<string>; valueChecked: number; problems: string[] }): boolean {
  let tv;
  try {
    tv = readTypedView(f);
  } catch {
    return false; // a payload that does not fit its code: no view (covered elsewhere)
  }
  if (!tv) return false;
  acc.modules.add(tv.module.id);
  const spans: ViewSpans = tv.spans;
  const fieldSpans = new Set(f.fieldList().map((o) => `${o.offset}/${o.length}`));
  const bad = (m: string) => acc.problems.push(`${name} ${tv.module.id}: ${m}`);
  // Every leaf field has a span (or is fixed by the message code).
  for (const [p] of leaves(tv.view)) {
    if (!FROM_MESSAGE_CODE.has(p) && !spans[p]) bad(`${p} has no span`);
  }
  const decodes = new Map<string, boolean>();
  for (const [p, s] of Object.entries(spans)) {
    if (s.offset < 0 || s.length <= 0 || s.offset + s.length > f.bytes.length) bad(`${p} span ${s.offset}+${s.length} outside the frame`);
    if (!fieldSpans.has(`${s.offset}/${s.length}`)) bad(`${p} span ${s.offset}+${s.length} is no node of the field list`);
    const v = at(tv.view, p);
    if (v === undefined) bad(`${p} has a span but no value`);
    if (p.endsWith('.index')) continue; // a position in the list, derived (checked below)
    const slice = f.bytes.subarray(s.offset, s.offset + s.length);
    if (/^objects\.\d+\.value$/.test(p)) {
      // ECS61c response items: a scalar's value (null, boolean, number) or the hex of the item.
      const d = decodeDlmsData(slice) as { value?: unknown };
      const ok = v === (d.value ?? null) || v === hex(slice);
      decodes.set(`${s.offset}/${s.length}`, ok);
      if (!ok) bad(`${p} = ${String(v)}: the slice ${hex(slice)} does not decode to it`);
      else acc.valueChecked++;
      continue;
    }
    const k = key(v);
    if (k === undefined) continue;
    const ok = decodings(slice).has(k);
    decodes.set(`${s.offset}/${s.length}`, ok || (decodes.get(`${s.offset}/${s.length}`) ?? false));
    if (!ok && v instanceof Date) continue; // a Date computed from a DLMS date-time: checked as derived below
    if (!ok) bad(`${p} = ${k}: the slice ${hex(f.bytes.subarray(s.offset, s.offset + s.length))} does not decode to it`);
    else acc.valueChecked++;
  }
  // Derived fields (names, booleans, Dates, containers) share the span of a decoded field or are a node of the tree.
  for (const [p, s] of Object.entries(spans)) {
    const v = at(tv.view, p);
    const k = key(v);
    if (k !== undefined && !p.endsWith('.index') && !(v instanceof Date && !decodings(f.bytes.subarray(s.offset, s.offset + s.length)).has(k))) continue;
    const container = v !== null && typeof v === 'object' && !isLeafObject(v);
    if (!container && !decodes.get(`${s.offset}/${s.length}`) && p !== 'response.kind' && !/^objects\.\d+$/.test(p)) bad(`${p} (derived) shares no span with a decoded field`);
  }
  return true;
}

// GBCS.md 6: the ECS61c request (7 specs) and response, written out from the spec text (as test/boost.test.ts).
const RANGE = '02 04 02 04 12 0001 09 06 00005E2C64FF 0F 02 12 0000 06 1C2F5370 06 1C374A80 01 00';
const ECS61C_REQUEST =
  'D9 200003E8 00 07' +
  ' 01 0001 00005E2C07FF 02' +
  ` 04 0007 0000636214FF 02 01 ${RANGE}` +
  ' 01 0001 00005E2C0601 02 01 0001 00005E2C0602 02 01 0001 00005E2C0603 02 01 0001 00005E2C0604 02 01 0001 00005E2C0605 02' +
  ' 07 00 00 00 00 00 00 00';
const u32 = (n: number) => n.toString(16).padStart(8, '0');
const PAIRS = [[0x1c2f6180, 0x1c2f747c], [0x1c30b300, 0x1c30b684], [0x1c320480, 0x1c3213f0], [0x1c335600, 0x1c337220], [0x1c34a780, 0x1c34b520], [0x1c35f900, 0x1c360f60]];
const ECS61C_RESPONSE = `DA 200003E8 00 00 07 03 FF 13 02 02 06 06 30 ${PAIRS.map(([a, b]) => u32(a!) + u32(b!)).join('')} 03 FF 03 FF 03 FF 03 FF 03 FF 07 ${'01 00 '.repeat(7)}`;

/** The spec payload in a general-signing envelope (offsets then run past the envelope). */
function ecs61cFrame(cra: 'command' | 'response', content: string): GbcsFrame {
  const [originator, recipient] = cra === 'command' ? ['90b3d51f30010000', '00db1234567890a0'] : ['00db1234567890a0', '90b3d51f30010000'];
  return decodeFrame(encodeFrame({ kind: 'general-signing', cra, originator, recipient, originatorCounter: 1000n, messageCode: 0x005e, content: fromHex(content.replace(/\s+/g, '')), signatureState: 'empty' }));
}

describe.skipIf(!HAVE_RTDS)('typed-view field spans on RTDS (issue 13 item 1)', () => {
  if (!HAVE_RTDS) console.warn(RTDS_SKIP_REASON);

  it('every field of every typed view slices bytes that decode to its value', () => {
    const acc = { modules: new Set<string>(), valueChecked: 0, problems: [] as string[] };
    let frames = 0;
    for (const file of rtdsFiles()) if (checkFrame(decodeFrame(file.bytes), file.name, acc)) frames++;
    const r: Checked = { frames, ...acc };
    expect(r.problems.slice(0, 10)).toEqual([]);
    expect(r.frames).toBeGreaterThan(10);
    expect(r.valueChecked).toBeGreaterThan(r.frames);
    // The modules RTDS has frames for: DLMS, GBZ/ZCL and ASN.1 views all covered.
    // The modules RTDS has frames for (7.11_ECS61c, FDRA-ZigBee and CCS08 are not in this copy: below).
    expect([...r.modules].sort()).toEqual(['CS06', 'CS06 alert 0x00CA', 'CS09', 'FDRA-DLMS', 'SR 11.2']);
  });

  it('the modules RTDS lacks: the GBCS.md 6 ECS61c vectors (spec text) and the fw-day fixture alerts (FDRA-GBZ, CCS08)', () => {
    const acc = { modules: new Set<string>(), valueChecked: 0, problems: [] as string[] };
    for (const [cra, content] of [['command', ECS61C_REQUEST], ['response', ECS61C_RESPONSE]] as const) {
      checkFrame(ecs61cFrame(cra, content), `GBCS.md 6 ECS61c ${cra}`, acc);
    }
    const day = readFileSync(new URL('./fixtures/fw-day.hex', import.meta.url), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    day.forEach((l, i) => checkFrame(decodeFrame(l.trim()), `fw-day.hex line ${i}`, acc));
    expect(acc.problems.slice(0, 10)).toEqual([]);
    expect([...acc.modules]).toEqual(expect.arrayContaining(['ECS61c', 'FDRA-GBZ', 'CCS08']));
    expect(acc.valueChecked).toBeGreaterThan(30);
  });

  it('the spans are computed only when read, and equal a read with a recorder', () => {
    const frame = ecs61cFrame('response', ECS61C_RESPONSE);
    const tv = readTypedView(frame)!;
    const rec = new SpanRecorder();
    expect(tv.module.read(frame, rec)).toEqual(tv.view); // recording does not change the view
    expect(tv.spans).toEqual(rec.spans);
    expect(Object.keys(tv.spans).filter((k) => /^periods\.\d+\.start$/.test(k)).length).toBe((tv.view as { periods: unknown[] }).periods.length);
  });

  it('a wrong span is caught (the check can fail)', () => {
    const file = rtdsFiles().find((f) => f.name.includes('ECS52_11.2_SUCCESS_RESPONSE'))!;
    const frame = decodeFrame(file.bytes);
    const tv = readTypedView(frame)!;
    const s = tv.spans['version']!;
    expect(decodings(frame.bytes.subarray(s.offset, s.offset + s.length)).has(key(at(tv.view, 'version'))!)).toBe(true);
    const v = key(at(tv.view, 'version'))!;
    expect(decodings(frame.bytes.subarray(s.offset + 2, s.offset + s.length + 2)).has(v)).toBe(false);
    expect(decodings(frame.bytes.subarray(s.offset - 1, s.offset + s.length - 1)).has(v)).toBe(false);
    expect(decodings(frame.bytes.subarray(s.offset, s.offset + s.length - 1)).has(v)).toBe(false);
  });

  it('gbcs decode --json carries the spans under the view family key', () => {
    const files = rtdsFiles().filter((f) => /ECS52|CS06|ECS61c|GCS38/.test(f.name)).slice(0, 30);
    const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
    const r = spawnSync(process.execPath, [cli, 'decode', '--json', '-'], { input: files.map((f) => f.hex).join('\n'), encoding: 'utf8' });
    const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, { spans?: ViewSpans; error?: string } | undefined>);
    let n = 0;
    recs.forEach((rec, i) => {
      const view = rec.firmware ?? rec.boost;
      if (!view || view.error) return;
      const tv = readTypedView(decodeFrame(files[i]!.bytes))!;
      expect(view.spans).toEqual(tv.spans);
      n++;
    });
    expect(n).toBeGreaterThan(10);
  });
});
