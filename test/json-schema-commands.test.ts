// `--json` on every command (issue 15 item 4): every leaf command of the CLI has a --json
// option; every record carries schemaVersion = JSON_SCHEMA_VERSION; one JSON Schema per
// command under schema/ (shipped, listed in the README); the real CLI's output over real
// inputs (RTDS frames and keys, the shipped samples/, the test fixtures' DUIS file, firmware
// repository and day of frames) validates with ajv. decode itself: json-schema.test.ts.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { isGroup, type CommandNode } from '../src/cli/args.js';
import { JSON_SCHEMA_VERSION } from '../src/cli/jsonRecord.js';
import { COMMANDS } from '../src/cli/commands/index.js';
import { CLI_BIN, runCli } from './cliHarness.js';
import { HAVE_RTDS, RTDS_KEYSTORE, rtdsFiles } from './rtds.js';
import { startRedis } from './redisServer.js';

const root = new URL('..', import.meta.url);
const path = (p: string) => fileURLToPath(new URL(p, root));
const SCHEMA_DIR = path('schema/');
const schemaFiles = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json')).sort();
const ajv = new Ajv({ allErrors: true, strict: true });
for (const f of schemaFiles) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMA_DIR, f), 'utf8')) as object);
const ID = 'https://example.invalid/gbcs-codec/schema/';

/** The validator of a schema file, or of one of its definitions (`ota#inspect`). */
function validator(ref: string): ValidateFunction {
  const [file, def] = ref.split('#');
  const v = ajv.getSchema(`${ID}${file}.schema.json${def ? `#/definitions/${def}` : ''}`);
  if (!v) throw new Error(`no schema ${ref}`);
  return v;
}

/** Parses JSON lines and checks each against the command's schema and the definition of its record type. */
function expectValid(text: string, ref: string): Record<string, unknown>[] {
  const records = text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(records.length, `no ${ref} records`).toBeGreaterThan(0);
  const whole = validator(ref.split('#')[0]!);
  const part = validator(ref);
  const bad = records.flatMap((r, i) => [...(whole(r) ? [] : [`record ${i} vs ${ref.split('#')[0]}: ${JSON.stringify(whole.errors?.slice(0, 3))}`]), ...(part(r) ? [] : [`record ${i} vs ${ref}: ${JSON.stringify(part.errors?.slice(0, 3))}`])]);
  expect(bad.slice(0, 5)).toEqual([]);
  for (const r of records) expect(r.schemaVersion).toBe(JSON_SCHEMA_VERSION);
  return records;
}

const tmp = mkdtempSync(join(tmpdir(), 'gbcs-json-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const SAMPLE_OTA = path('samples/sample-ota.bin');
const SAMPLE_OTA_KEYS = path('samples/ota-keys');
const OTA_PRIVATE_KEYS = path('test/fixtures/ota-keys');
const FIR = path('test/fixtures/fir-sample.csv');
const rtdsHex = () => rtdsFiles().map((f) => f.hex.replace(/\s+/g, ''));

function leaves(node: CommandNode, name: string): [string, CommandNode][] {
  return isGroup(node) ? Object.entries(node.subcommands).flatMap(([n, c]) => leaves(c, `${name} ${n}`)) : [[name, node]];
}

describe('--json on every command: schemas', () => {
  it('every leaf command has a --json option whose help names its schema file', () => {
    const all = Object.entries(COMMANDS).flatMap(([n, c]) => leaves(c, n));
    expect(all.length).toBeGreaterThan(20);
    const missing = all.filter(([, c]) => !isGroup(c) && !('json' in c.options)).map(([n]) => n);
    expect(missing).toEqual([]);
    for (const [n, c] of all) {
      if (isGroup(c) || n.startsWith('decode')) continue;
      const file = /schema\/([a-z]+)\.schema\.json/.exec((c.options as Record<string, { help: string }>).json!.help)?.[1];
      expect(file, n).toBe(n.split(' ')[0]);
    }
  });

  it('one schema per command, each shipped (package.json files), listed in the README, at JSON_SCHEMA_VERSION', () => {
    expect(schemaFiles).toEqual(Object.keys(COMMANDS).map((c) => `${c}.schema.json`).sort());
    const pkg = JSON.parse(readFileSync(path('package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schema');
    const readme = readFileSync(path('README.md'), 'utf8');
    for (const f of schemaFiles) {
      expect(readme.includes(`schema/${f}`), `README lists schema/${f}`).toBe(true);
      const s = JSON.parse(readFileSync(join(SCHEMA_DIR, f), 'utf8')) as { definitions: { schemaVersion: { const: number } } };
      expect(s.definitions.schemaVersion.const, f).toBe(JSON_SCHEMA_VERSION);
    }
  });
});

describe('--json output of every command validates against its schema (real inputs)', () => {
  it('gbcs fields --json: the catalogue as one record', async () => {
    const [r] = expectValid((await runCli(['fields', '--json'])).stdout, 'fields');
    expect((r!.fields as unknown[]).length).toBeGreaterThan(100);
    expectValid((await runCli(['fields', '--json', 'gbcs.envelope'])).stdout, 'fields');
  });

  it.skipIf(!HAVE_RTDS)('gbcs sign --json: RTDS pre-commands signed with the RTDS keystore', async () => {
    const pres = rtdsFiles().filter((f) => f.kind === 'PRECOMMAND');
    const keys = new Set(readdirSync(RTDS_KEYSTORE).filter((n) => n.endsWith('-ds.key')).map((n) => n.slice(0, 16)));
    let n = 0;
    for (const f of pres.slice(0, 40)) {
      const originator = Buffer.from(f.bytes.subarray(0, 40)).toString('hex').match(/08([0-9a-f]{16})08/)?.[1];
      if (!originator || !keys.has(originator)) continue;
      const r = await runCli(['sign', '--json', '--keys', RTDS_KEYSTORE, '--signer', originator, f.hex]);
      expect(r.status, `${f.name}: ${r.stderr}`).toBe(0);
      const [rec] = expectValid(r.stdout, 'sign#signed');
      expect(rec!.signer).toBe(originator);
      n++;
    }
    expect(n).toBeGreaterThan(5);
  });

  it('gbcs ota inspect | hash | blocks | verify --json: the shipped sample image', async () => {
    const [i] = expectValid((await runCli(['ota', 'inspect', '--json', '--keys', SAMPLE_OTA_KEYS, SAMPLE_OTA])).stdout.replace(/\n(?!$)/g, ' '), 'ota#inspect');
    expect(i!.signature).toEqual({ state: 'valid', signer: 'a0a0a0a0a0a0a0a0' });
    const [h] = expectValid((await runCli(['ota', 'hash', '--json', SAMPLE_OTA])).stdout, 'ota#hash');
    expect(h!.manufacturerImageHash).toBe(i!.manufacturerImageHash);
    const table = expectValid((await runCli(['ota', 'blocks', '--json', '--size', '100', SAMPLE_OTA])).stdout, 'ota#block');
    expect(table.reduce((n, b) => n + (b.length as number), 0)).toBe(readFileSync(SAMPLE_OTA).length);
    const dlms = (await runCli(['ota', 'blocks', '--json', '--dlms', '--size', '100', SAMPLE_OTA])).stdout.split('\n');
    expectValid(dlms[0]!, 'ota#initiate');
    expect(expectValid(dlms.slice(1).join('\n'), 'ota#block').every((b) => typeof b.dlms === 'string')).toBe(true);
    expect(expectValid((await runCli(['ota', 'blocks', '--json', '--zcl', '--size', '100', SAMPLE_OTA])).stdout, 'ota#block').every((b) => typeof b.zcl === 'string')).toBe(true);
    const ok = await runCli(['ota', 'verify', '--json', '--keys', SAMPLE_OTA_KEYS, SAMPLE_OTA]);
    expect(ok.status).toBe(0);
    expect(expectValid(ok.stdout, 'ota#verify')[0]).toMatchObject({ valid: true, signature: { state: 'valid' } });
    const noRepo = await runCli(['ota', 'verify', '--json', '--repo', FIR, SAMPLE_OTA]);
    expect(noRepo.status).toBe(3);
    expect(expectValid(noRepo.stdout, 'ota#verify')[0]).toMatchObject({ valid: false, repository: { ok: false, reason: 'no-entry' } });
  });

  it('gbcs ota build --json: a signed image from a sample manufacturer image', async () => {
    const out = join(tmp, 'built.ota');
    const hdr = JSON.stringify({ manufacturerCode: 4637, imageType: 0, fileVersion: 3 });
    const r = await runCli(['ota', 'build', '--json', '--header', hdr, '--image', path('samples/frames.hex'), '--keys', OTA_PRIVATE_KEYS, '--signer', 'a0a0a0a0a0a0a0a0', '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    const [b] = expectValid(r.stdout, 'ota#build');
    expect(b!.length).toBe(readFileSync(out).length);
  });

  it('gbcs fw plan | track | package build | package split --json', async () => {
    const ok = await runCli(['fw', 'plan', '--json', '--repo', FIR, '--from', 'ESME-1.0', '--to', 'ESME-3.0']);
    expect(expectValid(ok.stdout, 'fw#plan')[0]).toMatchObject({ ok: true });
    const refused = await runCli(['fw', 'plan', '--json', '--repo', FIR, '--from', 'ESME-1.0', '--to', 'GSME-1.0']);
    expect(refused.status).toBe(3);
    expect(expectValid(refused.stdout, 'fw#plan')[0]).toMatchObject({ ok: false });
    const track = await runCli(['fw', 'track', '--json', '--repo', FIR, path('test/fixtures/fw-day.hex')]);
    expect(expectValid(track.stdout, 'fw#track').length).toBeGreaterThan(3);
    const premises = join(tmp, 'premises.json');
    writeFileSync(premises, JSON.stringify({ id: 'flat-1', devices: [{ eui: '00db00000000b003', deviceType: 'PPMID', altHanVariant: 'B3', manufacturerCode: '0x121d', imageType: '0x0000' }] }));
    const pkg = join(tmp, 'pkg.bin');
    const b = await runCli(['fw', 'package', 'build', '--json', '--premises', premises, '--design', 'per-bridge', '--out', pkg, SAMPLE_OTA]);
    expect(b.status, b.stderr).toBe(0);
    expectValid(b.stdout, 'fw#packageBuild');
    const s = await runCli(['fw', 'package', 'split', '--json', '--premises', premises, pkg]);
    expect(expectValid(s.stdout, 'fw#packageSplit')[0]).toMatchObject({ variant: 'B3', for: ['00db00000000b003'] });
  });

  it.skipIf(!HAVE_RTDS)('gbcs gbt split | join --json: every RTDS frame cut into segments and joined back', async () => {
    const frames = rtdsHex();
    const split = await runCli(['gbt', 'split', '--json', '--size', '64', '-'], `${frames.join('\n')}\n`);
    expect(split.status, split.stderr).toBe(0);
    const segs = expectValid(split.stdout, 'gbt#segment');
    expect(new Set(segs.map((s) => s.line)).size).toBe(frames.length);
    const join = await runCli(['gbt', 'join', '--json', '-'], `${segs.map((s) => s.hex).join('\n')}\n`);
    const msgs = expectValid(join.stdout, 'gbt#message');
    // Messages sharing a conversation key are joined once each (keyReused says so); every joined one is an RTDS frame.
    const given = new Set(frames.map((f) => f.toUpperCase()));
    expect(msgs.every((m) => given.has(m.hex as string))).toBe(true);
    expect(msgs.length).toBeGreaterThan(frames.length * 0.5);
  });

  it.skipIf(!HAVE_RTDS)('gbcs bench --json: RTDS frames', async () => {
    const r = await runCli(['bench', '--json', '--time', '5', '--limit', '50', '-'], `${rtdsHex().join('\n')}\n`);
    expect(r.status, r.stderr).toBe(0);
    expect(expectValid(r.stdout, 'bench#report')[0]).toMatchObject({ frames: 50, inputForm: 'hex text' });
  });

  it('gbcs duis inspect | request --json', async () => {
    const i = await runCli(['duis', 'inspect', '--json', path('test/fixtures/duis-ecs52-response.xml')]);
    expect(i.status, i.stderr).toBe(0);
    const [rec] = expectValid(i.stdout, 'duis#inspect');
    expect((rec!.frames as { frame: { useCase: string } }[])[0]!.frame.useCase).toBe('ECS52');
    const id = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000';
    const r1 = await runCli(['duis', 'request', '11.1', '--json', '--request-id', id, '--image', SAMPLE_OTA, '--device', '00-DB-12-34-56-78-90-A0']);
    expect(expectValid(r1.stdout, 'duis#request')[0]).toMatchObject({ serviceReference: '11.1' });
    const file = join(tmp, 'sr11.2.xml');
    const r2 = await runCli(['duis', 'request', '11.2', '--json', '--request-id', id, '-o', file]);
    expect(expectValid(r2.stdout, 'duis#request')[0]).toEqual({ schemaVersion: JSON_SCHEMA_VERSION, serviceReference: '11.2', file });
    expect(readFileSync(file, 'utf8')).toMatch(/^<\?xml/);
    const r3 = await runCli(['duis', 'request', '11.3', '--json', '--request-id', id, '--hash', 'ab'.repeat(32)]);
    expectValid(r3.stdout, 'duis#request');
    // The SR 11.1 request just written inspects as a request with its image summarised.
    const x = join(tmp, 'sr11.1.xml');
    writeFileSync(x, (JSON.parse(r1.stdout) as { xml: string }).xml);
    expect(expectValid((await runCli(['duis', 'inspect', '--json', x])).stdout, 'duis#inspect')[0]).toMatchObject({ type: 'request', firmwareImage: { length: readFileSync(SAMPLE_OTA).length } });
  });

  it('gbcs demo --json: the shipped sample frames and sample OTA image', async () => {
    const r = await runCli(['demo', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const recs = expectValid(r.stdout, 'demo');
    expect(recs.filter((x) => validator('demo#frame')(x)).length).toBeGreaterThanOrEqual(8);
    expect(validator('decode#frame')(recs[0])).toBe(true);
    expect(validator('demo#ota')(recs[recs.length - 1])).toBe(true);
  });

  it.skipIf(!HAVE_RTDS)('gbcs pipe --json: metrics and connection records on stderr (real redis-server, RTDS frames)', async () => {
    const server = await startRedis();
    try {
      const r = new Redis(server.url);
      for (const hex of rtdsHex().slice(0, 50)) await r.xadd('in', '*', 'frame', hex);
      await r.quit();
      const args = [CLI_BIN, 'pipe', '--json', '--redis', server.url, '--in', 'in', '--out', 'out', '--dead-letter', 'dead', '--group', 'g', '--consumer', 'c1', '--metrics', '100', '--idle-exit', '800'];
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code, stderr).toBe(0);
      const recs = expectValid(stderr, 'pipe');
      expect(recs[0]).toMatchObject({ event: 'connected' });
      const last = recs[recs.length - 1]!;
      expect(validator('pipe#metrics')(last)).toBe(true);
      expect(last).toMatchObject({ final: true, metrics: { frames: 50 } });
    } finally {
      await server.close();
    }
  }, 30_000);
});

describe('the schemas can fail', () => {
  it('a record without schemaVersion, with another version, or with an unknown field is rejected', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['sign', JSON.parse((await runCli(['fields', '--json', 'gbcs.envelope'])).stdout) as Record<string, unknown>],
      ['fields', JSON.parse((await runCli(['fields', '--json', 'gbcs.envelope'])).stdout) as Record<string, unknown>],
      ['ota', JSON.parse((await runCli(['ota', 'hash', '--json', SAMPLE_OTA])).stdout) as Record<string, unknown>],
    ];
    expect(validator('sign')(cases[0]![1])).toBe(false); // a fields record is not a sign record
    for (const [s, good] of cases.slice(1)) {
      expect(validator(s)(good)).toBe(true);
      const { schemaVersion: _, ...none } = good;
      expect(validator(s)(none)).toBe(false);
      expect(validator(s)({ ...good, schemaVersion: JSON_SCHEMA_VERSION + 1 })).toBe(false);
      expect(validator(s)({ ...good, unexpected: 1 })).toBe(false);
    }
  });
});
