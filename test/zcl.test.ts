// ZCL cluster-specific commands by name: values checked against NAMES.md's DUIS-matched
// facts (independent of this codec) on RTDS frames, Default Response naming, the layout
// decisions, the builder's errors, JSON with names, and lazy names.
import { describe, expect, it } from 'vitest';
import { decodeFrame, GbcsEncodeError, toHex, type GbzComponent, type ZclCommand } from '../src/index.js';
import { toJsonSafe } from '../src/payload/json.js';
import { decodeZclPayload, encodeZclPayload, zclCommandFromValues, ZclClusterCommand, type ZclFieldValue } from '../src/payload/zcl.js';
import { zclCommandSpec } from '../src/payload/zclCommands.js';
import { HAVE_RTDS, rtdsFiles } from './rtds.js';

const fromHex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

/** Top-level fields of a cluster-specific command as name -> value (text for str). */
function values(c: ZclCommand | undefined): Record<string, unknown> {
  if (!c || c.command !== 'cluster-specific') throw new Error(`cluster-specific command expected, got ${c?.command}`);
  const out: Record<string, unknown> = {};
  for (const f of c.fields as (ZclFieldValue & { text?: string })[]) out[f.name] = f.type === 'str' ? f.text : f.type === 'repeat' ? f.entries!.length : f.value;
  return out;
}

function components(name: string): GbzComponent[] {
  const f = rtdsFiles().find((x) => x.name.endsWith(name));
  if (!f) throw new Error(`no RTDS file ${name}`);
  const p = decodeFrame(f.bytes).payload!.decoded;
  if (p.format !== 'GBZ') throw new Error('GBZ expected');
  return p.components;
}
const clear = (c: GbzComponent | undefined) => (c && !c.encrypted ? c.command : undefined);

describe.skipIf(!HAVE_RTDS)('ZCL cluster-specific commands on RTDS (values from NAMES.md, DUIS-matched)', () => {
  it('GCS23: Publish Conversion Factor 102264 with trailing digit 0x50, Publish Calorific Value 400 MJ/m3 with 0x10', () => {
    const cs = components('GCS23_6.6_SUCCESS_COMMAND_GBCS.HEX').map(clear);
    const cf = cs.find((c) => c?.command === 'cluster-specific' && c.key === 'publish_conversion_factor');
    const cv = cs.find((c) => c?.command === 'cluster-specific' && c.key === 'publish_calorific_value');
    expect(values(cf)).toMatchObject({ conversion_factor: 102264, conversion_factor_trailing_digit: 0x50 });
    expect(values(cv)).toMatchObject({ calorific_value: 400, calorific_value_unit: 1, calorific_value_trailing_digit: 0x10 });
    expect((cv as ZclClusterCommand).field('calorific_value_unit')!.valueName).toBe('MJ/m3');
  });

  it('GCS44: Publish Change of Supplier names the proposed provider as text', () => {
    const c = clear(components('GCS44_3.4_SUCCESS_COMMAND_GBCS.HEX')[0]);
    expect(values(c)).toMatchObject({ proposed_provider_name: 'E-ON', proposed_provider_contact_details: '0333 202 4650', provider_change_control: 0x1800 });
  });

  it('GCS36: Update CIN carries Customer ID Number 1234; GCS09: tenancy control 0x200', () => {
    expect(values(clear(components('GCS36_9.1_SUCCESS_COMMAND_GBCS.HEX')[0]))).toMatchObject({ customer_id_number: '1234' });
    expect(values(clear(components('GCS09_3.2_SUCCESS_COMMAND_GBCS.HEX')[0]))).toMatchObject({ proposed_tenancy_change_control: 0x200 });
  });

  it('GCS31: Start Sampling every 360 s, at most 41 samples; GCS24: flow threshold 61680, 60 s / 300 s periods', () => {
    const ss = components('GCS31_14.1_SUCCESS_COMMAND_GBCS.HEX').map(clear).find((c) => c?.command === 'cluster-specific' && c.key === 'start_sampling');
    expect(values(ss)).toMatchObject({ sample_request_interval: 360, max_number_of_samples: 41 });
    const ft = components('GCS24_6.7_SUCCESS_COMMAND_GBCS.HEX').map(clear).find((c) => c?.command === 'cluster-specific' && c.key === 'set_uncontrolled_flow_threshold');
    expect(values(ft)).toMatchObject({ uncontrolled_flow_threshold: 61680, divisor: 1, stabilisation_period: 60, measurement_period: 300, unit_of_measure: 1 });
  });

  it('GCS20r: Get Event Configuration asks for 0x81FF; the error Default Response (FC 08, 05 C0) names Get Event Configuration', () => {
    const cmd = clear(components('GCS20r_6.2.10_SUCCESS_COMMAND_GBCS.HEX')[0]);
    expect(values(cmd)).toEqual({ event_id: 0x81ff });
    const err = clear(components('GCS20r_6.2.10_ERROR_RESPONSE_GBCS.HEX')[0]);
    expect(err).toMatchObject({ command: 'default-response', commandId: 5, statusName: 'HARDWARE_FAILURE', answersCommand: 'Get Event Configuration' });
  });

  it('CS01b: Consumer Top Up carries the 20-digit UTRN as text', () => {
    const c = clear(components('CS01b_2.2_SUCCESS_COMMAND_GBCS.HEX')[0]);
    expect(String(values(c).top_up_code)).toMatch(/^\d{20}$/);
  });

  it('GCS01a error response: components after the failed one answer FF 01 (not executed)', () => {
    const cs = components('GCS01a_1.1.1_FUTURE_DATED_BLOCK_ERROR_RESPONSE_GBCS.HEX').map(clear);
    const last = cs[cs.length - 1]!;
    expect(last).toMatchObject({ command: 'default-response', commandId: 0xff, status: 1, answersCommand: 'not executed (an earlier component failed)' });
    expect(cs[0]).toMatchObject({ command: 'default-response', answersCommand: 'Publish Calendar' });
  });
});

describe('ZCL cluster-specific commands (hand-made bytes)', () => {
  // Credit Adjustment (0x0705 C2S 0x05): issuer event id, start time, type, value (int32 LE).
  const credit = fromHex('80 4A 37 1C  00 00 00 00  03  9C FF FF FF');
  const hdr = { clusterId: 0x0705, frameControl: 0x01, commandId: 0x05 };

  it('decodes Credit Adjustment into named fields with offsets from the base', () => {
    const c = decodeZclPayload(credit, hdr, 100) as ZclClusterCommand;
    expect(c).toMatchObject({ command: 'cluster-specific', name: 'Credit Adjustment', key: 'credit_adjustment', clusterKey: 'prepayment', offset: 100, length: 13 });
    expect(c.fields.map((f) => [f.name, f.value, f.offset, f.length])).toEqual([
      ['issuer_event_id', 0x1c374a80, 100, 4], ['start_time', 0, 104, 4], ['credit_adjustment_type', 3, 108, 1], ['credit_adjustment_value', -100, 109, 4],
    ]);
    expect(c.field('start_time')!.valueName).toBe('now');
    expect(c.field('credit_adjustment_type')!.valueName).toBe('incremental (credit)');
    expect(c.field('credit_adjustment_value')!.label).toBe('Credit Adjustment Value');
  });

  it('bitmap valueName: the names of the set bits in bit order, up to bit 31 (Get Snapshot cause, map32)', () => {
    const cause = (v: number) => {
      const b = new Uint8Array(13);
      new DataView(b.buffer).setUint32(9, v, true);
      return (decodeZclPayload(b, { clusterId: 0x0702, frameControl: 0x01, commandId: 0x06 }) as ZclClusterCommand).field('snapshot_cause')!.valueName;
    };
    expect(cause(0x80000403)).toBe('general, end of billing period, manually triggered from client');
    expect(cause(0x000c0000)).toBe('top up addition, debt/credit addition');
    expect(cause(0x80000000)).toBe('');
    expect(cause(0)).toBe('');
  });

  it('JSON of the tree gives names and values (lazy getters included)', () => {
    const j = toJsonSafe(decodeZclPayload(credit, hdr)) as { fields: Record<string, unknown>[] };
    expect(j).toMatchObject({ command: 'cluster-specific', name: 'Credit Adjustment', key: 'credit_adjustment' });
    expect(j.fields[1]).toMatchObject({ name: 'start_time', type: 'utc', value: 0, iso: '2000-01-01T00:00:00Z', valueName: 'now' });
  });

  it('names are not built until read: the nodes hold no strings of their own', () => {
    const c = decodeZclPayload(credit, hdr) as ZclClusterCommand;
    const own = c.fields.flatMap((f) => Object.values(f)).filter((v) => typeof v === 'string');
    // Only the table's own name/type strings (shared, not made per node).
    for (const s of own) expect(['issuer_event_id', 'start_time', 'credit_adjustment_type', 'credit_adjustment_value', 'u32', 'utc', 'enum8', 'i32']).toContain(s);
  });

  it('a payload that does not fit its layout stays `other` with its bytes and where it failed (decision)', () => {
    const c = decodeZclPayload(credit.subarray(0, 10), hdr, 7);
    expect(c).toMatchObject({ command: 'other', name: 'Credit Adjustment', layoutError: { code: 'truncated' } });
    expect(toHex(encodeZclPayload(c))).toBe(toHex(credit.subarray(0, 10)));
    const long = decodeZclPayload(Uint8Array.from([...credit, 0]), hdr);
    expect(long).toMatchObject({ command: 'other', layoutError: { code: 'payload-trailing-bytes', offset: 13 } });
  });

  it('Publish Block Thresholds: groups counted by the low nibble of their map8', () => {
    const p = fromHex('00000000 01000000 00000000 01000000 00 01 01  13 010000000000 020000000000 030000000000');
    const c = decodeZclPayload(p, { clusterId: 0x0700, frameControl: 0x09, commandId: 0x06 }) as ZclClusterCommand;
    const groups = c.field('threshold_groups')!.entries!;
    expect(groups).toHaveLength(1);
    expect(groups[0]!.field('tier_number_of_block_thresholds')!.value).toBe(0x13);
    expect(groups[0]!.field('block_thresholds')!.entries!.map((e) => e.fields[0]!.value)).toEqual([1, 2, 3]);
  });

  it('Publish Snapshot with an unlaid payload type keeps the sub-payload as bytes (decision)', () => {
    const p = fromHex('01000000 00000000 01 00 01 01000000 80 AABB');
    const c = decodeZclPayload(p, { clusterId: 0x0702, frameControl: 0x19, commandId: 0x06 }) as ZclClusterCommand;
    expect(c.field('snapshot_payload_type')!.valueName).toBe('data unavailable');
    expect(c.field('snapshot_payload')).toMatchObject({ type: 'bytes', hex: 'aabb' });
    expect(toHex(encodeZclPayload(c))).toBe(toHex(p));
  });

  it('ZCL dates read with wildcards; invalid strings (length 0xFF) are null', () => {
    const seasons = fromHex('00000000 00000000 00000000 00 01  FF0C19FF 01  73040501 02');
    const c = decodeZclPayload(seasons, { clusterId: 0x0707, frameControl: 0x09, commandId: 0x03 }) as ZclClusterCommand;
    expect(c.field('seasons')!.entries!.map((e) => (e.fields[0] as unknown as { date: string }).date)).toEqual(['*-12-25', '2015-04-05 (day 1)']);
    const topUp = decodeZclPayload(fromHex('00 FF'), { clusterId: 0x0705, frameControl: 0x01, commandId: 0x04 }) as ZclClusterCommand;
    expect(topUp.field('top_up_code')).toMatchObject({ value: null, text: undefined });
    expect(toHex(encodeZclPayload(topUp))).toBe('00ff');
  });

  it('builds commands from values by name, and says which value is wrong', () => {
    const built = zclCommandFromValues(0x0705, 0x01, 0x05, { issuer_event_id: 0x1c374a80, start_time: 0, credit_adjustment_type: 3, credit_adjustment_value: -100 });
    expect(toHex(encodeZclPayload(built))).toBe(toHex(credit));
    const top = zclCommandFromValues(0x0705, 0x01, 0x04, { originating_device: 0, top_up_code: '12345678901234567890' });
    expect(toHex(encodeZclPayload(top))).toBe(`0014${toHex(new TextEncoder().encode('12345678901234567890'))}`);
    const err = (f: () => unknown) => { try { f(); } catch (e) { return e; } };
    expect(err(() => zclCommandFromValues(0x0705, 0x01, 0x05, { issuer_event_id: 1, start_time: 0, credit_adjustment_type: 0 }))).toMatchObject({ field: 'zcl.prepayment.credit_adjustment.credit_adjustment_value' });
    const big = err(() => encodeZclPayload(zclCommandFromValues(0x0705, 0x01, 0x05, { issuer_event_id: 1, start_time: 0, credit_adjustment_type: 256, credit_adjustment_value: 0 })));
    expect(big).toBeInstanceOf(GbcsEncodeError);
    expect(err(() => zclCommandFromValues(0x0702, 0x19, 0x07, { sample_id: 1, sample_start_time: 0, sample_type: 0, sample_request_interval: 1800, number_of_samples: 2, samples: [{ sample: 1 }] }))).toBeInstanceOf(GbcsEncodeError);
    expect(err(() => zclCommandFromValues(0x0702, 0x01, 0x7f, {}))).toBeInstanceOf(GbcsEncodeError);
  });

  it('every layout is tagged; UNCONFIRMED ones carry their decision', () => {
    for (const [fc, id, cluster] of [[0x09, 0x01, 0x0703], [0x09, 0x05, 0x0707], [0x09, 0x00, 0x0709]] as const) {
      const s = zclCommandSpec(cluster, fc, id)!;
      expect(s.status).toBe('UNCONFIRMED');
      expect(s.decision).toMatch(/ZSE/);
    }
    expect(zclCommandSpec(0x0705, 0x01, 0x05)!.status).toBe('VERIFIED');
  });
});

describe('secondsSince2000 (ISO text of GBCS UTC seconds)', () => {
  it('equals toISOString without milliseconds over seeded u32 and i32 values', async () => {
    const { secondsSince2000 } = await import('../src/payload/names.js');
    const { prng } = await import('./prng.js');
    const rnd = prng(2000);
    const ref = (s: number) => new Date(Date.UTC(2000, 0, 1) + s * 1000).toISOString().replace('.000Z', 'Z');
    for (const s of [0, 1, 0x1c374a80, 0xfffffffe, 0xffffffff, -1, -(2 ** 31), 59, 86399]) expect(secondsSince2000(s)).toBe(ref(s));
    for (let i = 0; i < 20000; i++) {
      const s = Math.floor(rnd() * 2 ** 32) - (i & 1 ? 2 ** 31 : 0);
      expect(secondsSince2000(s)).toBe(ref(s));
    }
  });
});
