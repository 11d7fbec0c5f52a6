import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_BIN, runCli, spawnCli } from './cliHarness.js';
import { fixture, readFixtures } from './fixtures.js';

const FIXTURE_FILE = new URL('./fixtures/frames.hex', import.meta.url).pathname;

describe('gbcs decode', () => {
  const ecs52 = fixture('ECS52 read firmware version response');

  it('prints a frame as readable text', async () => {
    const r = await runCli(['decode', ecs52.hex]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('general-ciphering response ECS52 (0x0059) read ESME/CH firmware version');
    expect(r.stdout).toMatch(/originator\s+00db1234567890a0/);
    expect(r.stdout).toMatch(/payload\s+DLMS, 17 bytes/);
  });

  it('prints JSON with the documented keys', async () => {
    const r = await runCli(['decode', '--json', ecs52.hex]);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      kind: 'general-ciphering',
      cra: 'response',
      messageCode: 0x59,
      useCase: 'ECS52',
      originator: '00db1234567890a0',
      recipient: '90b3d51f30010000',
      payloadFormat: 'DLMS',
    });
  });

  it('reads base64 and @file', async () => {
    const b64 = Buffer.from(ecs52.bytes).toString('base64');
    expect(JSON.parse((await runCli(['decode', '--json', b64])).stdout).useCase).toBe('ECS52');
    const r = await runCli(['decode', `@${FIXTURE_FILE}`]);
    // frames.hex holds many frames: as one frame it is malformed (comments are not hex).
    expect(r.status).toBe(2);
  });

  it('reads a raw binary frame from @file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gbcs-cli-'));
    const file = join(dir, 'frame.bin');
    writeFileSync(file, ecs52.bytes);
    const r = await runCli(['decode', '--json', `@${file}`]);
    rmSync(dir, { recursive: true });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).useCase).toBe('ECS52');
  });

  it('decodes one frame per stdin line, one result per line', async () => {
    const fx = readFixtures();
    const r = await runCli(['decode', '--json', '-'], fx.map((f) => f.hex).join('\n') + '\n');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(fx.length);
    expect(lines.map((l) => JSON.parse(l).kind)).toContain('gbt');
  });

  it('exit 2 with error and offset on stderr for malformed input; other lines still decode', async () => {
    const r = await runCli(['decode', '--json', '-'], `${ecs52.hex}\nDF0904${"00".repeat(8)}\n${ecs52.hex}\n`);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/line 2: GBCS decode error at byte 2 .*CRA flag/);
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('exit 1 on usage errors', async () => {
    expect((await runCli(['decode'])).status).toBe(1);
    expect((await runCli(['decode', '--bogus', 'x'])).status).toBe(1);
    expect((await runCli(['frobnicate'])).status).toBe(1);
    expect((await runCli([])).status).toBe(1);
  });
});

describe.skipIf(!existsSync(CLI_BIN))('gbcs bin (built)', () => {
  it('exit statuses from the real process', () => {
    const ok = spawnCli(['decode', '--json', fixture('CS06 activate firmware command').hex]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).useCase).toBe('CS06');
    const bad = spawnCli(['decode', 'DD00']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('at byte');
    expect(spawnCli(['decode']).status).toBe(1);
  });

  it('demo decodes the shipped samples', () => {
    const r = spawnCli(['demo']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/decoded \d+ sample frames/);
  });
});
