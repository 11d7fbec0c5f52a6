// Issue 13: field names pinned, filter language (jsep), frame.field API, CLI
// (--fields, --filter, --hexdump, gbcs fields), and filters agreeing with the same
// predicates written in TypeScript over the RTDS frames (1,000+).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileFilter, decodeFrame, decodeFrames, fieldCatalogue, FilterSyntaxError, type GbcsFrame } from '../src/index.js';
import { runCli, spawnCli } from './cliHarness.js';
import { HAVE_RTDS, rtdsFiles } from './rtds.js';

const ECS52 = readFileSync(new URL('./fixtures/ecs52-response.hex', import.meta.url), 'utf8').trim().split('\n')[0]!.trim();

describe('field names (item 3)', () => {
  it('the catalogue equals the pinned list test/fields-names.txt (regenerate: node scripts/fields-list.mjs)', () => {
    const pinned = readFileSync(new URL('./fields-names.txt', import.meta.url), 'utf8').trimEnd().split('\n');
    expect(fieldCatalogue().map((f) => `${f.name}\t${f.kind}`)).toEqual(pinned);
  });
  it('generates names from the tables: ZCL command fields, ZCL attributes, ASN.1 components', () => {
    const names = new Set(fieldCatalogue().map((f) => f.name));
    expect(names.has('zcl.prepayment.credit_adjustment.credit_adjustment_value')).toBe(true);
    expect(names.has('gbcs.envelope.originator')).toBe(true);
    expect([...names].some((n) => n.startsWith('asn1.cs02b.update_security_credentials.'))).toBe(true);
    expect([...names].some((n) => n.startsWith('zcl.metering.attribute.'))).toBe(true);
  });
});

describe('filter expressions (item 5)', () => {
  it('point at the position of a syntax error', () => {
    const e = (() => { try { compileFilter('gbcs.envelope.cra == '); } catch (x) { return x; } })() as FilterSyntaxError;
    expect(e).toBeInstanceOf(FilterSyntaxError);
    expect(e.position).toBe(21);
    expect(e.message).toMatch(/at character 22/);
  });
  it('name an unknown field at its position', () => {
    const e = (() => { try { compileFilter('gbcs.envelope.cra == "alert" && gbcs.nope > 1'); } catch (x) { return x; } })() as FilterSyntaxError;
    expect(e.reason).toMatch(/"gbcs.nope" is not a field name/);
    expect(e.position).toBe(32);
  });
  it('refuse operators outside the language', () => {
    expect(() => compileFilter('gbcs.envelope.message_code + 1')).toThrow(/not a filter operator/);
    expect(() => compileFilter('5 == 5')).toThrow(/needs a field/);
  });
  it('evaluate on a frame: hex literals, word operators, contains, matches, presence, field API', () => {
    const f = decodeFrame(ECS52);
    expect(f.field('gbcs.envelope.message_code')?.value).toBe(0x59);
    expect(f.field('gbcs.envelope.originator')).toMatchObject({ value: '00db1234567890a0', offset: 25, length: 8 });
    expect(f.fields('dlms.result').map((o) => o.value)).toEqual([0]);
    const yes = ['gbcs.envelope.message_code == 0x0059', 'gbcs.envelope.use_case == "ECS52" and not gbz', 'dlms.data contains "0102"',
      'gbcs.envelope.use_case matches "^ecs5"', 'dlms.result == "success"', '!(dlms.result != 0)', 'gbcs.envelope.originator_counter > 4000 || dlms.apdu',
      '0x50 < gbcs.envelope.message_code'];
    for (const x of yes) expect(compileFilter(x).test(f), x).toBe(true);
    const no = ['gbcs.envelope.message_code != 0x59', 'gbz', 'gbcs.envelope.cra == "command"', 'dlms.result > 0', 'gbcs.envelope.use_case matches "^ecs6"'];
    for (const x of no) expect(compileFilter(x).test(f), x).toBe(false);
  });
  it('never match a decode error in decodeFrames results', () => {
    const [bad, good] = decodeFrames(['DD00', ECS52]);
    const flt = compileFilter('gbcs');
    expect(flt.test(bad!)).toBe(false);
    expect(flt.test(good!)).toBe(true);
  });
});

describe.skipIf(!HAVE_RTDS)('filters agree with TypeScript predicates over RTDS (item 7)', () => {
  const frames: GbcsFrame[] = [];
  for (const r of decodeFrames(rtdsFiles().map((f) => f.bytes))) {
    if (r instanceof Error) continue;
    try { r.fieldList(); frames.push(r); } catch { /* payload does not decode: covered elsewhere */ }
  }
  const tree = (f: GbcsFrame) => f.payload?.decoded as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const cases: [string, (f: GbcsFrame) => boolean][] = [
    ['gbcs.envelope.message_code == 0x0059 && gbcs.envelope.cra == "response"', (f) => f.messageCode === 0x59 && f.cra === 'response'],
    ['dlms.apdu && dlms.result != 0', (f) => f.payloadFormat === 'DLMS' && !(tree(f).results ?? []).some((r: { result: number }) => r.result === 0)],
    ['gbz.component.cluster_id == 0x0705 || zcl.header.command_id > 5', (f) => f.payloadFormat === 'GBZ' && tree(f).components.some((c: any) => c.clusterId === 0x705 || c.zcl.commandId > 5)],
    ['gbcs.envelope.recipient contains "db1234"', (f) => f.recipient.includes('db1234')],
    ['gbcs.envelope.use_case matches "^(ecs2|gcs)"', (f) => /^(ecs2|gcs)/i.test(f.useCase ?? '')],
    ['!gbcs.envelope.mac', (f) => f.mac === undefined],
    ['gbz.alert.code == 0x8F66 or dlms.alert.code == 0x8F66', (f) => (f.payloadFormat === 'GBZ' && tree(f).alert?.alertCode === 0x8f66) || (f.payloadFormat === 'DLMS' && tree(f).alertCode === 0x8f66)],
    ['dlms.spec.class_id == 7 && gbcs.envelope.cra == "command"', (f) => f.payloadFormat === 'DLMS' && f.cra === 'command' && (tree(f).specs ?? []).some((s: { classId: number }) => s.classId === 7)],
    ['gbcs.envelope.originator_counter >= 1000 && gbcs.payload == "ASN.1"', (f) => f.originatorCounter >= 1000n && f.payloadFormat === 'ASN.1'],
  ];
  it('over 1,000+ frames', () => {
    expect(frames.length).toBeGreaterThanOrEqual(1000);
    for (const [expr, pred] of cases) {
      const flt = compileFilter(expr);
      const got = frames.filter(flt.test).length;
      const want = frames.filter(pred).length;
      expect(got, expr).toBe(want);
      expect(frames.every((f) => flt.test(f) === pred(f)), expr).toBe(true);
    }
    // the predicates are not trivial: some select, some reject
    expect(cases.filter(([e]) => { const n = frames.filter(compileFilter(e).test).length; return n > 0 && n < frames.length; }).length).toBeGreaterThanOrEqual(7);
  });
});

describe('CLI (items 2, 4, 5)', () => {
  it('gbcs decode --fields: tsv with header, csv, ndjson; repeated fields aggregated', async () => {
    const two = `${ECS52}\n${ECS52}\n`;
    let r = await runCli(['decode', '-', '--fields', 'gbcs.envelope.message_code,gbcs.envelope.originator,dlms.result', '--header'], two);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('gbcs.envelope.message_code\tgbcs.envelope.originator\tdlms.result\n89\t00db1234567890a0\t0\n89\t00db1234567890a0\t0\n');
    r = await runCli(['decode', ECS52, '--fields', 'dlms.data,gbcs.envelope.cra', '--format', 'csv']);
    expect(r.stdout).toBe('01020304,response\n');
    r = await runCli(['decode', ECS52, '--fields', 'gbcs.envelope.message_code,dlms.data,gz', '--format', 'ndjson']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/unknown field "gz"/);
    r = await runCli(['decode', ECS52, '--fields', 'gbcs.envelope.message_code,dlms.data', '--format', 'ndjson']);
    expect(JSON.parse(r.stdout)).toEqual({ 'gbcs.envelope.message_code': [89], 'dlms.data': ['01020304'] });
    r = await runCli(['decode', ECS52, '--fields', 'gbcs.envelope.other_information,gbcs.envelope', '--aggregator', '|']);
    expect(r.status).toBe(1);
  });
  it('gbcs decode --filter streams matching frames; a bad expression is a one-line usage error with the position', async () => {
    const r = await runCli(['decode', '-', '--filter', 'gbcs.envelope.cra == "response"', '--fields', 'gbcs.envelope.cra'], `${ECS52}\n# c\n${ECS52}\n`);
    expect(r.stdout).toBe('response\nresponse\n');
    const none = await runCli(['decode', '-', '--filter', 'gbcs.envelope.cra == "alert"', '--json'], `${ECS52}\n`);
    expect(none).toMatchObject({ status: 0, stdout: '' });
    const bad = await runCli(['decode', ECS52, '--filter', 'dlms.result ==']);
    expect(bad.status).toBe(1);
    // one message line (then the command's usage lines, as every usage error), no stack trace
    expect(bad.stderr.split('\n')[0]).toBe('gbcs decode: --filter: Expected expression after == at character 15: dlms.result ==\u25B6');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
  it('gbcs decode --hexdump puts every byte beside its field, nested', async () => {
    const r = await runCli(['decode', ECS52, '--hexdump']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const bytes = lines.flatMap((l) => (/^[0-9a-f]{4}  /.test(l) ? l.slice(6, 53).trim().split(' ').filter(Boolean) : []));
    expect(bytes.join('')).toBe(ECS52.toLowerCase());
    expect(lines.find((l) => l.includes('gbcs.envelope.originator ='))).toMatch(/^0019  00 db 12 34 56 78 90 a0 +gbcs.envelope.originator = 00db1234567890a0$/);
    expect(lines.find((l) => l.includes('dlms.result'))).toMatch(/^[0-9a-f]{4}  00 {3,}dlms.result = 0 \(success\)$/);
    expect(lines.find((l) => l.includes('dlms.result'))!.indexOf('dlms.result')).toBeGreaterThan(lines.find((l) => l.includes('dlms.apdu'))!.indexOf('dlms.apdu'));
  });
  it('gbcs fields lists the catalogue (text and --json)', async () => {
    const t = await runCli(['fields', 'zcl.prepayment.credit_adjustment']);
    expect(t.stdout).toMatch(/^zcl\.prepayment\.credit_adjustment\.credit_adjustment_value\tnumber\t/m);
    const j = await runCli(['fields', '--json']);
    expect((JSON.parse(j.stdout) as { fields: unknown[] }).fields).toHaveLength(fieldCatalogue().length);
  });
  it('--fields and --filter on the worker pool print what one thread prints (order kept)', async () => {
    const lines = readFileSync(new URL('./fixtures/frames.hex', import.meta.url), 'utf8');
    const args = ['decode', '-', '--filter', 'gbcs.envelope.cra != "alert"', '--fields', 'gbcs.envelope.use_case,dlms.spec.obis,gbcs.envelope.originator_counter'];
    const one = await runCli(args, lines);
    const pool = spawnCli([...args, '--workers', '2'], lines);
    expect(pool.status).toBe(one.status);
    expect(pool.stdout).toBe(one.stdout);
    expect(one.stdout.split('\n').length).toBeGreaterThan(5);
  });
});
