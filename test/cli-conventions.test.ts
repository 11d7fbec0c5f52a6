// CLI conventions (issue 15 item 4) and exit statuses for user errors (issue 10 item 8):
// parseArgs option tables, --version, per-option help for every command, "did you mean",
// usage errors on stderr, and every user error mapped to its documented status without a
// stack trace. The real process runs where the status comes from the process itself
// (closed pipe, full stdout).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isGroup, type CommandNode } from '../src/cli/args.js';
import { COMMANDS } from '../src/cli/commands/index.js';
import { COMMAND_NAMES, loadCommand } from '../src/cli/main.js';
import { CLI_BIN, runCli, spawnCli } from './cliHarness.js';

const tmp = mkdtempSync(join(tmpdir(), 'gbcs-conv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const FIXTURES = new URL('fixtures/', import.meta.url).pathname;
const OTA_KEYS = join(FIXTURES, 'ota-keys');
const SIGNER = 'a0a0a0a0a0a0a0a0';
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const STACK = /\n\s+at .+:\d+:\d+/;
const frames = readFileSync(join(FIXTURES, 'frames.hex'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'));

/** Every runnable command path with its node: [['decode'], ['ota', 'verify'], ...]. */
function leaves(nodes: Readonly<Record<string, CommandNode>>, prefix: string[] = []): [string[], CommandNode][] {
  return Object.entries(nodes).flatMap(([n, c]): [string[], CommandNode][] => (isGroup(c) ? leaves(c.subcommands, [...prefix, n]) : [[[...prefix, n], c]]));
}

/** A user error: its status, one message on stderr, nothing like a stack trace. */
function expectUserError(r: { status: number; stdout: string; stderr: string }, status: number, message: RegExp): void {
  expect(r.status, r.stderr).toBe(status);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stderr).not.toMatch(/internal error/);
}

const header = JSON.stringify({ manufacturerCode: 0x121d, imageType: 1, fileVersion: 0x00020003, headerString: 'x' });

describe('CLI conventions', () => {
  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r).toMatchObject({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('main.ts loads each command alone (start-up), the same commands in the same order as the help table', async () => {
    expect(COMMAND_NAMES).toEqual(Object.keys(COMMANDS));
    for (const n of COMMAND_NAMES) expect(await loadCommand(n), n).toBe(COMMANDS[n]);
  });

  it('every command and subcommand has help listing each of its options with its text', async () => {
    const all = leaves(COMMANDS);
    expect(all.map(([p]) => p.join(' '))).toEqual(expect.arrayContaining(['decode', 'ota verify', 'fw package build', 'gbt join']));
    for (const [path, node] of all) {
      const r = await runCli([...path, '--help']);
      expect(r.status, path.join(' ')).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: gbcs ${path.join(' ')}`));
      if (isGroup(node)) continue;
      for (const [name, o] of Object.entries(node.options)) {
        expect(r.stdout, `${path.join(' ')} --${name}`).toContain(`${name.length === 1 ? '-' : '--'}${name}`);
        expect(r.stdout).toContain((o as { help: string }).help);
      }
      expect(r.stdout).toContain('--help');
    }
    const g = await runCli(['ota', '--help']);
    expect(g.stdout).toMatch(/subcommands:\n\s+inspect/);
    expect((await runCli(['help', 'decode'])).stdout).toMatch(/^usage: gbcs decode/);
  });

  it('suggests the command, subcommand or option meant, on stderr with exit 1', async () => {
    const c = await runCli(['decod', frames[0]!]);
    expectUserError(c, 1, /unknown command "decod" \(did you mean decode\?\)/);
    expect(c.stdout).toBe('');
    expectUserError(await runCli(['ota', 'verfy', 'x']), 1, /unknown subcommand "verfy" \(did you mean verify\?\)/);
    const o = await runCli(['decode', '--jsno', frames[0]!]);
    expectUserError(o, 1, /unknown option --jsno \(did you mean --json\?\)/);
    expect(o.stderr).toMatch(/usage: gbcs decode \[options\] <hex/);
    expect(o.stdout).toBe('');
    expectUserError(await runCli(['gbt', 'split', '--sise', '4', frames[0]!]), 1, /did you mean --size\?/);
    expectUserError(await runCli(['fw', 'package', 'biuld']), 1, /did you mean build\?/);
  });

  it('option values: missing value, value on a flag, required option, --name=value', async () => {
    expectUserError(await runCli(['decode', '--keys']), 1, /--keys needs a value/);
    expectUserError(await runCli(['decode', '--json=yes', frames[0]!]), 1, /--json takes no value/);
    expectUserError(await runCli(['sign', '--signer', SIGNER, frames[0]!]), 1, /--keys <folder> is required/);
    expectUserError(await runCli(['gbt', 'split', '--size', '-5', frames[0]!]), 1, /--size needs a value/);
    const eq = await runCli(['gbt', 'split', '--size=8', frames[0]!]);
    expect(eq.status).toBe(0);
    expect(eq.stdout.trim().split('\n').length).toBeGreaterThan(1);
  });
});

describe('issue 10.8 exit statuses for user errors', () => {
  it('malformed --devices JSON is malformed input (2), a device list of the wrong shape too', async () => {
    const bad = join(tmp, 'devices-bad.json');
    writeFileSync(bad, '[{"eui": "00db1234567890a0",');
    const frameFile = join(tmp, 'frames.hex');
    writeFileSync(frameFile, `${frames[0]}\n`);
    expectUserError(await runCli(['fw', 'track', '--devices', bad, frameFile]), 2, /--devices .*is not JSON/);
    writeFileSync(bad, '{"eui": 1}');
    expectUserError(await runCli(['fw', 'track', '--devices', bad, frameFile]), 2, /expected a JSON array/);
  });

  it('a directory given as a file is a usage error (1) in every command that reads files', async () => {
    const dir = join(tmp, 'a-dir');
    mkdirSync(dir, { recursive: true });
    const isDir = /is a directory/;
    expectUserError(await runCli(['decode', `@${dir}`]), 1, isDir);
    expectUserError(await runCli(['ota', 'inspect', dir]), 1, isDir);
    expectUserError(await runCli(['ota', 'hash', dir]), 1, isDir);
    expectUserError(await runCli(['ota', 'blocks', dir, '--size', '64']), 1, isDir);
    expectUserError(await runCli(['ota', 'build', '--header', header, '--image', dir, '--keys', OTA_KEYS, '--signer', SIGNER, '-o', join(tmp, 'o.bin')]), 1, isDir);
    expectUserError(await runCli(['fw', 'track', dir]), 1, isDir);
    expectUserError(await runCli(['fw', 'plan', '--repo', dir, '--from', 'a', '--to', 'b']), 1, isDir);
    expectUserError(await runCli(['gbt', 'join', `@${dir}`]), 1, isDir);
    expectUserError(await runCli(['sign', '--keys', OTA_KEYS, '--signer', SIGNER, `@${dir}`]), 1, isDir);
  });

  it('an unwritable or full output is status 5', async () => {
    const fw = join(tmp, 'fw.bin');
    writeFileSync(fw, new Uint8Array(5000).fill(7));
    const build = (o: string) => runCli(['ota', 'build', '--header', header, '--image', fw, '--keys', OTA_KEYS, '--signer', SIGNER, '-o', o]);
    expectUserError(await build(join(tmp, 'no-such-folder', 'x.bin')), 5, /cannot write .*no such folder/);
    expectUserError(await build(tmp), 5, /cannot write .*is a directory/);
    if (existsSync('/dev/full')) expectUserError(await build('/dev/full'), 5, /no space left/);
  });

  it.skipIf(!existsSync(CLI_BIN) || !existsSync('/dev/full'))('stdout on a full device is status 5 from the real process', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI_BIN}" decode --json - > /dev/full`], { input: `${frames.join('\n')}\n`, encoding: 'utf8' });
    expectUserError({ status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }, 5, /cannot write the output: no space left/);
  });

  it('a key that cannot be used for sign or ota build is status 4', async () => {
    const keys = join(tmp, 'bad-keys');
    mkdirSync(keys, { recursive: true });
    const fw = join(tmp, 'fw4.bin');
    writeFileSync(fw, new Uint8Array(100));
    const build = () => runCli(['ota', 'build', '--header', header, '--image', fw, '--keys', keys, '--signer', SIGNER, '-o', join(tmp, 'o4.bin')]);
    expectUserError(await build(), 4, /no DS private key/);
    writeFileSync(join(keys, `${SIGNER}-ds.key`), '-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n');
    expectUserError(await build(), 4, /cannot be used/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    writeFileSync(join(keys, `${SIGNER}-ds.key`), rsa);
    expectUserError(await build(), 4, /cannot be used/);
  });

  it('a bad signing key for sign is status 4; a malformed pre-command stays 2', async () => {
    const sec = readFileSync(join(FIXTURES, 'security.hex'), 'utf8').split('\n');
    const i = sec.findIndex((l) => /^#.*CS06 pre-command/.test(l));
    const pre = sec.slice(i + 1).find((l) => l.trim() !== '' && !l.startsWith('#'))!.trim();
    const keys = join(tmp, 'sign-keys');
    mkdirSync(keys, { recursive: true });
    const supplier = '90b3d51f30010000';
    for (const f of [`${supplier}-ds.pem`]) copyFileSync(join(FIXTURES, 'keys', f), join(keys, f));
    writeFileSync(join(keys, `${supplier}-ds.key`), generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expectUserError(await runCli(['sign', '--keys', keys, '--signer', supplier, pre]), 4, /cannot be used/);
    rmSync(join(keys, `${supplier}-ds.key`));
    expectUserError(await runCli(['sign', '--keys', keys, '--signer', supplier, pre]), 4, /no DS private key/);
    expectUserError(await runCli(['sign', '--keys', keys, '--signer', supplier, 'DF09']), 2, /GBCS decode error/);
  });

  it('out-of-range ota build values are usage errors (1), checked before signing', async () => {
    const fw = join(tmp, 'fw1.bin');
    writeFileSync(fw, new Uint8Array(10));
    const build = (h: object, extra: string[] = []) =>
      runCli(['ota', 'build', '--header', JSON.stringify(h), '--image', fw, '--keys', OTA_KEYS, '--signer', SIGNER, '-o', join(tmp, 'o1.bin'), ...extra]);
    const base = { manufacturerCode: 0x121d, imageType: 1, fileVersion: 1 };
    expectUserError(await build({ ...base, manufacturerCode: 0x10000 }), 1, /--header/);
    expectUserError(await build({ ...base, imageType: -1 }), 1, /--header/);
    expectUserError(await build({ ...base, fileVersion: 2 ** 32 }), 1, /--header/);
    expectUserError(await build({ ...base, fileVersion: 'lots' }), 1, /--header needs fileVersion/);
    expectUserError(await runCli(['ota', 'build', '--header', '{nope', '--image', fw, '--keys', OTA_KEYS, '--signer', SIGNER, '-o', join(tmp, 'o1.bin')]), 1, /--header is not JSON/);
    expectUserError(await runCli(['ota', 'blocks', join(FIXTURES, 'sample-ota.bin'), '--size', '1e3']), 1, /--size must be a positive integer/);
    expectUserError(await runCli(['ota', 'blocks', join(FIXTURES, 'sample-ota.bin'), '--size', '99999999999']), 1, /--size must be a positive integer/);
  });

  it.skipIf(!existsSync(CLI_BIN))('a closed pipe after malformed lines keeps status 2 (real process)', () => {
    const input = `DD00\n${Array.from({ length: 4000 }, (_, i) => frames[i % frames.length]).join('\n')}\n`;
    const file = join(tmp, 'many.hex');
    writeFileSync(file, input);
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI_BIN}" decode - < "${file}" | head -c 100 > /dev/null; echo "status=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
    expect(r.stderr).toMatch(/line 1: GBCS decode error/);
    expect(r.stderr).toMatch(/status=2\n/);
    expect(r.stderr).not.toMatch(STACK);
    const ok = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI_BIN}" decode - < "${file}" | tail -n +1 | head -c 1 >/dev/null; echo "status=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
    expect(ok.stderr).toMatch(/status=2\n/);
    const clean = spawnSync('bash', ['-c', `tail -n +2 "${file}" | "${process.execPath}" "${CLI_BIN}" decode - | head -c 100 > /dev/null; echo "status=\${PIPESTATUS[1]}" >&2`], { encoding: 'utf8' });
    expect(clean.stderr).toMatch(/status=0\n/);
  });

  it.skipIf(!existsSync(CLI_BIN))('the real process prints one line, no stack, for user errors', () => {
    const r = spawnCli(['ota', 'inspect', tmp]);
    expectUserError(r, 1, /is a directory/);
    expect(spawnCli(['--version']).stdout.trim()).toBe(VERSION);
  });
});
