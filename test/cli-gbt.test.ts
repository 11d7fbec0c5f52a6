import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../src/decode.js';
import { spawnSync } from 'node:child_process';
import { CLI_BIN, runCli } from './cliHarness.js';
import { HAVE_RTDS, rtdsFiles } from './rtds.js';

/** The harness with this file's result names. */
async function run(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(argv, stdin);
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const FIXTURE_LINES = readFileSync(new URL('./fixtures/frames.hex', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'));
const MESSAGES = FIXTURE_LINES.filter((l) => decodeFrame(l).kind !== 'gbt');

describe('gbcs gbt', () => {
  it('split writes one GBT frame per line; join gives the message back (stdin)', async () => {
    const msg = MESSAGES[2]!;
    const split = await run(['gbt', 'split', '--size', '16', msg]);
    expect(split.code).toBe(0);
    const lines = split.out.trim().split('\n');
    expect(lines.length).toBe(Math.ceil(msg.length / 2 / 16));
    for (const l of lines) expect(decodeFrame(l).kind).toBe('gbt');
    const joined = await run(['gbt', 'join', '-'], [...lines].reverse().join('\n'));
    expect(joined.code).toBe(0);
    expect(joined.err).toBe('');
    expect(joined.out).toBe(`${msg.toUpperCase()}\n`);
  });

  it('works on files, several messages at once, with --window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gbcs-gbt-'));
    writeFileSync(join(dir, 'msgs.hex'), `# messages\n${MESSAGES.join('\n')}\n`);
    const split = await run(['gbt', 'split', '--size=7', '--window', '4', `@${join(dir, 'msgs.hex')}`]);
    expect(split.code).toBe(0);
    expect(split.out).toMatch(/^DD09/);
    writeFileSync(join(dir, 'segs.hex'), split.out);
    const joined = await run(['gbt', 'join', `@${join(dir, 'segs.hex')}`]);
    expect(joined.err).toBe('');
    expect(joined.code).toBe(0);
    expect(joined.out.trim().split('\n').sort()).toEqual(MESSAGES.map((m) => m.toUpperCase()).sort());
  });

  it('join reports incomplete conversations and malformed lines with exit status 2', async () => {
    const lines = (await run(['gbt', 'split', '--size', '8', MESSAGES[0]!])).out.trim().split('\n');
    const res = await run(['gbt', 'join', '-'], [lines[0], 'DD0901', lines[2]].join('\n'));
    expect(res.code).toBe(2);
    expect(res.out).toBe('');
    expect(res.err).toMatch(/stdin:2: GBCS decode error/);
    expect(res.err).toMatch(/gbt-incomplete: expected the last block.*held blocks 1,3/);
  });

  it('usage errors exit 1', async () => {
    expect((await run(['gbt', 'split', MESSAGES[0]!])).code).toBe(1);
    expect((await run(['gbt', 'split', '--size', '0', MESSAGES[0]!])).code).toBe(1);
    expect((await run(['gbt', 'split', '--size', '4', '--window', '64', MESSAGES[0]!])).code).toBe(1);
    expect((await run(['gbt', 'frobnicate'])).code).toBe(1);
    expect((await run(['gbt'])).code).toBe(1);
  });
});

describe.skipIf(!HAVE_RTDS)('gbcs gbt over the RTDS corpus', () => {
  it('one CLI pipeline, gbcs gbt split | gbcs gbt join, gives every RTDS frame back in order', () => {
    // RTDS reuses originator counters across scenarios: joined messages reuse completed keys.
    const files = rtdsFiles();
    const dir = mkdtempSync(join(tmpdir(), 'gbcs-gbt-rtds-'));
    const src = join(dir, 'rtds.hex');
    writeFileSync(src, files.map((f) => f.hex.toUpperCase()).join('\n') + '\n');
    const node = JSON.stringify(process.execPath);
    const bin = JSON.stringify(CLI_BIN);
    const r = spawnSync('bash', ['-c', `set -o pipefail; ${node} ${bin} gbt split --size 32 @${JSON.stringify(src)} | ${node} ${bin} gbt join -`], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(files.map((f) => f.hex.toUpperCase()));
    expect(r.stderr).toMatch(/reuses the key of a message completed earlier/);
    expect(r.stderr).not.toMatch(/gbt-/);
  });
});
