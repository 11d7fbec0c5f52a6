// gbcs bench: users benchmark their own frames; each row names its input form.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cliHarness.js';
import { readFixtures } from './fixtures.js';

const FIX = new URL('./fixtures/', import.meta.url).pathname;
type Report = { frames: number; inputForm: string; rows: { case: string; input: string; msgPerSec: number }[] };

describe('gbcs bench', () => {
  it('measures envelope, batch, full and lazy decode of hex lines from a file, as JSON', async () => {
    const r = await runCli(['bench', '--json', '--time', '20', join(FIX, 'frames.hex')]);
    expect(r.status).toBe(0);
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.frames).toBe(readFixtures().length);
    expect(rep.inputForm).toBe('hex text');
    expect(rep.rows.map((x) => `${x.case} [${x.input}]`)).toEqual([
      'envelope, decodeFrame() per frame [hex text]',
      'envelope, decodeFrame() per frame [bytes]',
      'envelope, scanFrames() batch cursor [bytes]',
      'full decode (envelope + payload tree) [hex text]',
      'full decode (envelope + payload tree) [bytes]',
      'lazy one field (payload.kind) [bytes]',
    ]);
    for (const x of rep.rows) expect(x.msgPerSec).toBeGreaterThan(0);
  });

  it('reads base64 from stdin, a binary frame file, and adds verification with --keys', async () => {
    const b64 = readFixtures().map((f) => Buffer.from(f.bytes).toString('base64')).join('\n');
    const a = JSON.parse((await runCli(['bench', '--json', '--time', '10', '-'], b64)).stdout) as Report;
    expect(a.inputForm).toBe('base64 text');
    const dir = mkdtempSync(join(tmpdir(), 'gbcs-bench-'));
    writeFileSync(join(dir, 'one.bin'), readFixtures()[0]!.bytes);
    const b = JSON.parse((await runCli(['bench', '--json', '--time', '10', dir])).stdout) as Report;
    expect(b.inputForm).toBe('binary');
    expect(b.rows.every((x) => x.input === 'bytes')).toBe(true);
    const k = await runCli(['bench', '--json', '--time', '10', '--keys', join(FIX, 'keys'), '--acb', '90b3d51f30000002', join(FIX, 'security.hex')]);
    expect((JSON.parse(k.stdout) as Report).rows.at(-1)!.case).toBe('decode + verify (signature and MAC), one core');
  });

  it('prints a table by default; no decodable frame is exit 2, a missing file exit 1', async () => {
    const t = await runCli(['bench', '--time', '10', join(FIX, 'frames.hex')]);
    expect(t.stdout).toMatch(/given as hex text/);
    expect(t.stdout).toMatch(/\| envelope, scanFrames\(\) batch cursor \| bytes \|/);
    expect((await runCli(['bench', '-'], 'zz\n')).status).toBe(2);
    expect((await runCli(['bench', '/nonexistent/file'])).status).toBe(1);
  });
});
