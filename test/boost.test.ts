import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src/bytes.js';
import { decodeFrame } from '../src/decode.js';
import { GbcsDecodeError, GbcsEncodeError } from '../src/errors.js';
import {
  BOOST_END_RUNNING,
  DEFAULT_BOOST_LOG_LAYOUT,
  boostPeriodTimes,
  buildBoostLogReadRequest,
  decodeBoostLog,
  decodeBoostLogReadRequest,
  decodeBoostLogResponse,
  encodeBoostLog,
  encodeBoostLogResponse,
  selectBoostPeriods,
  type BoostLog,
  type BoostPeriod,
} from '../src/boost/boostLog.js';
import { buildReadBoostButtonDataRequest, decodeReadBoostButtonDataRequest, decodeReadBoostButtonDataResponse } from '../src/boost/readBoostButtonData.js';
import { GBCS_EPOCH_MS, toGbcsSeconds } from '../src/typed/cursor.js';

const s = (iso: string) => (Date.parse(iso) - GBCS_EPOCH_MS) / 1000;
const hex = (h: string) => fromHex(h);
const u32 = (n: number) => n.toString(16).padStart(8, '0');

// GBCS.md 6: the ECS61c request (7 specs) and response, written out from the spec text.
const RANGE = '02 04 02 04 12 0001 09 06 00005E2C64FF 0F 02 12 0000 06 1C2F5370 06 1C374A80 01 00';
const ECS61C_REQUEST =
  'D9 200003E8 00 07' +
  ' 01 0001 00005E2C07FF 02' +
  ` 04 0007 0000636214FF 02 01 ${RANGE}` +
  ' 01 0001 00005E2C0601 02 01 0001 00005E2C0602 02 01 0001 00005E2C0603 02 01 0001 00005E2C0604 02 01 0001 00005E2C0605 02' +
  ' 07 00 00 00 00 00 00 00';
const PAIRS = [
  [0x1c2f6180, 0x1c2f747c],
  [0x1c30b300, 0x1c30b684],
  [0x1c320480, 0x1c3213f0],
  [0x1c335600, 0x1c337220],
  [0x1c34a780, 0x1c34b520],
  [0x1c35f900, 0x1c360f60],
];
const ECS61C_RESPONSE = `DA 200003E8 00 00 07 03 FF 13 02 02 06 06 30 ${PAIRS.map(([a, b]) => u32(a!) + u32(b!)).join('')} 03 FF 03 FF 03 FF 03 FF 03 FF 07 ${'01 00 '.repeat(7)}`;

describe('ECS61c Read Boost Button Data', () => {
  it('decodes the response to boost periods (start, end) as in the RTDS example', () => {
    const r = decodeReadBoostButtonDataResponse(hex(ECS61C_RESPONSE));
    expect(r.invokeId).toBe(0x200003e8);
    expect(r.logResult).toBe(0);
    expect(r.periods).toEqual(PAIRS.map(([start, end]) => ({ start, end })));
    const first = boostPeriodTimes(r.periods![0]!);
    expect(first.start.toISOString()).toBe('2014-12-26T00:00:00.000Z');
    expect(first.end!.toISOString()).toBe('2014-12-26T01:21:00.000Z');
    expect(first.durationSeconds).toBe(81 * 60);
    expect(boostPeriodTimes(r.periods![1]!).end!.toISOString()).toBe('2014-12-27T00:15:00.000Z');
    expect(r.objects.map((o) => [o.index, o.value, o.result])).toEqual([[0, true, 0], [2, true, 0], [3, true, 0], [4, true, 0], [5, true, 0], [6, true, 0]]);
  });

  it('builds the 7-spec request byte for byte and decodes it back', () => {
    const built = buildReadBoostButtonDataRequest({ originatorCounter: 1000n, from: new Date('2014-12-25T23:00:00Z'), to: new Date('2015-01-01T00:00:00Z') });
    expect(toHex(built)).toBe(toHex(hex(ECS61C_REQUEST)));
    const d = decodeReadBoostButtonDataRequest(built);
    expect(d).toMatchObject({ invokeId: 0x200003e8, from: 0x1c2f5370, to: 0x1c374a80, restrictingObject: { classId: 1, obis: '0-0:94.44.100.255', attribute: 2, dataIndex: 0 } });
    expect(d.objects).toEqual(['1/0-0:94.44.7.255/2', '7/0-0:99.98.20.255/2', '1/0-0:94.44.6.1/2', '1/0-0:94.44.6.2/2', '1/0-0:94.44.6.3/2', '1/0-0:94.44.6.4/2', '1/0-0:94.44.6.5/2']);
  });

  it('decodes the ECS61c pre-command of the project fixtures', () => {
    const line = readFileSync(new URL('./fixtures/frames.hex', import.meta.url), 'utf8').split('\n').find((l) => !l.startsWith('#') && l.trim() !== '' && decodeFrame(l).messageCode === 0x5e)!;
    const f = decodeFrame(line);
    const d = decodeReadBoostButtonDataRequest(f.content, f.contentOffset);
    expect([d.from, d.to]).toEqual([0x2eb4f700, 0x2ebe3180]);
  });

  it('reports a failed log read and rejects malformed responses with offsets', () => {
    const failed = decodeReadBoostButtonDataResponse(hex('DA 200003E8 00 00 02 03 FF 00 02 01 00 01 0B'));
    expect(failed.periods).toBeUndefined();
    expect(failed.logResult).toBe(11);
    const bad = hex(ECS61C_RESPONSE);
    bad[13] = 0x05; // type description says i32 for the start column
    const e = (() => {
      try {
        decodeReadBoostButtonDataResponse(bad, 100);
      } catch (x) {
        return x as GbcsDecodeError;
      }
    })();
    expect(e).toBeInstanceOf(GbcsDecodeError);
    expect(e!.offset).toBe(113);
    expect(e!.expected).toMatch(/column type 0x06 \(start u32\)/);
  });
});

// A realistic log: 23 boosts over three weeks, some across midnight, oldest first by end.
function realisticLog(): BoostPeriod[] {
  const out: BoostPeriod[] = [];
  let t = s('2024-01-01T06:30:00Z');
  for (let i = 0; i < 23; i++) {
    const len = [3600, 1800, 7200, 900][i % 4]!;
    const startAt = i % 5 === 2 ? t + 17 * 3600 : t; // 23:30 instead of 06:30: some cross midnight
    out.push({ start: startAt, end: startAt + len });
    t += 86400;
  }
  return out;
}

describe('selectBoostPeriods: by END date-time only (IRP640)', () => {
  const from = s('2024-01-10T00:00:00Z');
  const to = s('2024-01-12T00:00:00Z');
  const P = (start: number, end: number): BoostPeriod => ({ start, end });

  it('includes end == from and end == to (inclusive), excludes one second outside', () => {
    const log = [P(from - 60, from - 1), P(from - 60, from), P(from, from + 60), P(to - 60, to), P(to - 60, to + 1)];
    expect(selectBoostPeriods(log, from, to)).toEqual([log[1], log[2], log[3]]);
  });

  it('includes a boost that started before from and ended inside', () => {
    const b = P(from - 3600, from + 600);
    expect(selectBoostPeriods([b], from, to)).toEqual([b]);
  });

  it('excludes a boost that started inside and ends after to', () => {
    expect(selectBoostPeriods([P(to - 600, to + 600)], from, to)).toEqual([]);
  });

  it('never selects a running boost (end not yet known)', () => {
    const log = [P(from + 10, from + 20), P(from + 30, BOOST_END_RUNNING)];
    expect(selectBoostPeriods(log, from, to)).toEqual([log[0]]);
    expect(selectBoostPeriods(log, 0, 0xffffffff)).toEqual([log[0]]);
  });

  it('from > to is an empty result, not an error; from == to == end selects it', () => {
    const b = P(from - 5, from);
    expect(selectBoostPeriods([b], to, from)).toEqual([]);
    expect(selectBoostPeriods([b], from + 1, from)).toEqual([]);
    expect(selectBoostPeriods([b], from, from)).toEqual([b]);
  });

  it('accepts Dates (floored to the second) and rejects millisecond numbers', () => {
    const b = P(from - 5, from);
    expect(selectBoostPeriods([b], new Date(GBCS_EPOCH_MS + from * 1000), new Date(GBCS_EPOCH_MS + from * 1000 + 999))).toEqual([b]);
    expect(() => selectBoostPeriods([b], Date.now(), Date.now())).toThrow(RangeError);
    expect(() => selectBoostPeriods([b], -1, 5)).toThrow(RangeError);
  });

  it('compares as unsigned 32-bit (times past 2068)', () => {
    const late = P(0x80000000, 0xf0000000);
    expect(selectBoostPeriods([late], 0x80000000, 0xfffffffe)).toEqual([late]);
    expect(selectBoostPeriods([late], 0, 0x7fffffff)).toEqual([]);
  });

  it('never returns more than 23 entries: the most recent by end, oldest first', () => {
    const many = Array.from({ length: 30 }, (_, i) => P(1000 + i * 100, 1050 + i * 100));
    const sel = selectBoostPeriods(many, 0, 0xfffffffe);
    expect(sel.length).toBe(23);
    expect(sel).toEqual(many.slice(7));
  });

  it('on a realistic log, selection by start time would give a different answer', () => {
    const log = realisticLog();
    const f = s('2024-01-04T00:00:00Z');
    const t = s('2024-01-13T23:59:59Z');
    const byEnd = selectBoostPeriods(log, f, t);
    const byStart = log.filter((e) => f <= e.start && e.start <= t);
    expect(byEnd).not.toEqual(byStart);
    // The boost of 3 January 23:30 ends on the 4th: in by end, out by start.
    const crossing = log.find((e) => e.start === s('2024-01-04T00:00:00Z') - 1800)!;
    expect(crossing).toBeDefined();
    expect(byEnd).toContain(crossing);
    expect(byStart).not.toContain(crossing);
    // The boost of 13 January 23:30 ends on the 14th: in by start, out by end.
    const leaving = log.find((e) => e.start === s('2024-01-14T00:00:00Z') - 1800)!;
    expect(leaving).toBeDefined();
    expect(byStart).toContain(leaving);
    expect(byEnd).not.toContain(leaving);
    for (const e of byEnd) expect(e.end >= f && e.end <= t).toBe(true);
  });
});

describe('Boost Function Event Log encoding', () => {
  it('encodes a full 23-entry log as a compact-array and decodes it back exactly', () => {
    const entries = realisticLog();
    const bytes = encodeBoostLog(entries);
    expect(toHex(bytes.subarray(0, 7))).toBe('1302020606' + '81b8');
    const log = decodeBoostLog(bytes);
    expect(log).toEqual({ entries, form: 'compact-array' });
    expect(toHex(encodeBoostLog(log))).toBe(toHex(bytes));
  });

  it('encodes the empty log as 13 02 02 06 06 00', () => {
    expect(toHex(encodeBoostLog([]))).toBe('130202060600');
    expect(decodeBoostLog(hex('130202060600')).entries).toEqual([]);
  });

  it('also reads a plain array of structures and re-encodes it in that form', () => {
    const bytes = hex(`01 02 02 02 06 ${u32(10)} 06 ${u32(20)} 02 02 06 ${u32(30)} 06 ${u32(40)}`);
    const log = decodeBoostLog(bytes);
    expect(log).toEqual({ entries: [{ start: 10, end: 20 }, { start: 30, end: 40 }], form: 'array' });
    expect(toHex(encodeBoostLog(log))).toBe(toHex(bytes));
  });

  it('takes the OBIS and capture layout as parameters (extra source column, other OBIS, 10 entries)', () => {
    const layout = {
      obis: '0-0:99.98.21.255',
      maxEntries: 10,
      columns: [{ role: 'start', type: 'u32' }, { role: 'end', type: 'u32' }, { role: 'extra', type: 'enum', name: 'source' }] as const,
      restrictingObject: { classId: 8, obis: '0-0:1.0.0.255', attribute: 2, dataIndex: 2 },
    };
    const log: BoostLog = { entries: [{ start: 1, end: 2, extras: [3] }], form: 'compact-array' };
    const bytes = encodeBoostLog(log, layout);
    expect(toHex(bytes)).toBe('13020306061609' + '0000000100000002' + '03');
    expect(decodeBoostLog(bytes, layout)).toEqual(log);
    expect(() => decodeBoostLog(bytes)).toThrow(/2 columns \(layout\)/);
    const req = buildBoostLogReadRequest({ originatorCounter: 0x1234n, from: 100, to: 200, layout });
    expect(toHex(req)).toBe(
      'd9' + '20001234' + '00' + '01' + '04' + '0007' + '000063621' + '5ff' + '02' + '01' +
        '0204' + '0204' + '120008' + '0906' + '000001' + '0000ff' + '0f02' + '120002' + '06' + u32(100) + '06' + u32(200) + '0100' + '01' + '00',
    );
    expect(decodeBoostLogReadRequest(req, layout)).toMatchObject({ invokeId: 0x20001234, from: 100, to: 200, restrictingObject: { classId: 8, obis: '0-0:1.0.0.255', dataIndex: 2 } });
    expect(() => decodeBoostLogReadRequest(req)).toThrow(GbcsDecodeError);
    expect(() => encodeBoostLog({ entries: Array.from({ length: 11 }, () => ({ start: 1, end: 2, extras: [0] })), form: 'compact-array' }, layout)).toThrow(GbcsEncodeError);
  });

  it('bounds the log at 23 entries on decode and encode', () => {
    const entries = Array.from({ length: 24 }, (_, i) => ({ start: i, end: i + 1 }));
    expect(() => encodeBoostLog(entries)).toThrow(/at most 23/);
    const bytes = encodeBoostLog(entries, { maxEntries: 24 });
    expect(() => decodeBoostLog(bytes)).toThrow(/at most 23 Boost Periods/);
    expect(decodeBoostLog(bytes, { maxEntries: 24 }).entries.length).toBe(24);
  });

  it('round-trips the read request and the response (device simulator side)', () => {
    const req = buildBoostLogReadRequest({ originatorCounter: 1000n, from: new Date('2024-01-03T00:00:00Z'), to: new Date('2024-01-09T23:59:59Z') });
    const r = decodeBoostLogReadRequest(req);
    expect([r.from, r.to]).toEqual([s('2024-01-03T00:00:00Z'), s('2024-01-09T23:59:59Z')]);
    expect(toHex(req)).toContain('04' + '0007' + '0000636214ff' + '02' + '01');
    const selected = selectBoostPeriods(realisticLog(), r.from, r.to);
    const rsp = encodeBoostLogResponse(1000n, selected);
    const back = decodeBoostLogResponse(rsp);
    expect(back).toEqual({ invokeId: 0x200003e8, result: 0, log: { entries: selected, form: 'compact-array' } });
    expect(decodeBoostLogResponse(hex('DA 200003E8 00 00 01 00 01 01 0B'))).toEqual({ invokeId: 0x200003e8, result: 11 });
  });

  it('rejects malformed logs with typed errors and survives fuzzing', () => {
    expect(() => decodeBoostLog(hex('1302020606 31' + '00'.repeat(49)))).toThrow(/multiple of the 8-byte row/);
    expect(() => decodeBoostLog(hex('1302020606 10' + '00'.repeat(8)))).toThrow(GbcsDecodeError);
    expect(() => decodeBoostLog(hex('09 00'))).toThrow(/compact-array 0x13 or array 0x01/);
    expect(() => decodeBoostLog(hex('130202060608' + '00'.repeat(8) + 'FF'))).toThrow(/end of the log buffer/);
    const good = encodeBoostLog(realisticLog().slice(0, 5));
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
    for (let i = 0; i < 5000; i++) {
      const b = good.slice(0, Math.floor(rand() * (good.length + 1)));
      if (b.length) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      try {
        const log = decodeBoostLog(b);
        expect(log.entries.length).toBeLessThanOrEqual(23);
        expect(toHex(encodeBoostLog(log))).toBe(toHex(b));
      } catch (e) {
        expect(e).toBeInstanceOf(GbcsDecodeError);
      }
    }
  });

  it('documents its defaults', () => {
    expect(DEFAULT_BOOST_LOG_LAYOUT).toMatchObject({ classId: 7, obis: '0-0:99.98.20.255', attribute: 2, maxEntries: 23 });
    expect(toGbcsSeconds(new Date('2014-12-31T00:00:00Z'), 'x')).toBe(0x1c35f900);
  });
});
