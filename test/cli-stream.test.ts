// Every reader of `-` streams and every writer honours backpressure (issue 10 item 3), and
// `gbcs decode --workers N` prints what the single-thread path prints (issue 12 item 5).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { decodeFrame } from '../src/decode.js';
import { CLI_BIN, runCli, spawnCli } from './cliHarness.js';
import { readFixtures } from './fixtures.js';
import { HAVE_RTDS, rtdsFiles } from './rtds.js';

const frames = readFixtures().map((f) => f.hex);

describe('issue 10.3 every command streams: line cap (--max-line)', () => {
  it('decode -: an over-long line is line-too-long for that line; the lines after it are decoded', async () => {
    const long = 'ab'.repeat(600);
    const r = await runCli(['decode', '--json', '--max-line', '1000', '-'], `${frames[0]}\n${long}\n${frames[1]}\n`);
    expect(r.status).toBe(2);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatchObject({ error: 'line-too-long', line: 2, offset: 1000 });
    expect(lines[0].messageCode).toBeDefined();
    expect(lines[2].messageCode).toBeDefined();
    expect(r.stderr).toMatch(/line 2: .*at most 1000 bytes/);
  });

  it('gbt join - and fw track -: over-long lines are reported, the rest go on', async () => {
    const long = 'ab'.repeat(600);
    const j = await runCli(['gbt', 'join', '--max-line', '1000', '-'], `${long}\n`);
    expect(j.status).toBe(2);
    expect(j.stderr).toMatch(/stdin:1: .*at most 1000 bytes/);
    const t = await runCli(['fw', 'track', '--max-line', '1000', '-'], `${long}\n${frames[0]}\n`);
    expect(t.status).toBe(2);
    expect(t.stderr).toMatch(/line 1: .*at most 1000 bytes/);
  });

  it('a line split across many chunks is joined once, and a long valid line is decoded', async () => {
    const text = `${frames[0]}\n`;
    const chunks = text.match(/.{1,7}/gs)!;
    const out: string[] = [];
    const status = await main(['decode', '--json', '-'], {
      stdin: Readable.from(chunks.map((c) => Buffer.from(c))),
      stdout: new Writable({ write: (c, _e, cb) => (out.push(String(c)), cb()) }),
      stderr: new Writable({ write: (_c, _e, cb) => cb() }),
      isTTY: false,
    });
    expect(status).toBe(0);
    expect(JSON.parse(out.join('')).messageCode).toBeDefined();
  });
});

describe('issue 10.3 every command streams: backpressure', () => {
  it('decode --json - into a slow pipe reads stdin only as fast as output drains', async () => {
    let pulled = 0;
    const total = 4000;
    async function* source() {
      for (let i = 0; i < total; i++) {
        pulled++;
        yield Buffer.from(`${frames[i % frames.length]}\n`);
      }
    }
    let written = 0;
    let maxAheadBytes = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(c, _e, cb) {
        written += String(c).split('\n').length - 1;
        // Lines pulled from stdin but not yet written out, in bytes of output (~0.5-3 KB a line).
        maxAheadBytes = Math.max(maxAheadBytes, slow.writableLength);
        setTimeout(cb, 1);
      },
    });
    let maxAheadLines = 0;
    const timer = setInterval(() => (maxAheadLines = Math.max(maxAheadLines, pulled - written)), 1);
    const status = await main(['decode', '--json', '-'], { stdin: Readable.from(source(), { highWaterMark: 4 }), stdout: slow, stderr: new Writable({ write: (_c, _e, cb) => cb() }), isTTY: false });
    clearInterval(timer);
    expect(status).toBe(0);
    expect(written).toBe(total);
    // Bounded by one WASM batch (256 lines) + the output chunk (64 KB) + stream buffers, not by the input size.
    expect(maxAheadLines).toBeLessThan(1200);
    expect(maxAheadBytes).toBeLessThan(256 * 1024);
  });
});

describe.skipIf(!existsSync(CLI_BIN))('decode --workers (built CLI)', () => {
  it('prints exactly what the single-thread path prints, errors on their lines', () => {
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) lines.push(i % 37 === 3 ? 'zz not a frame' : frames[i % frames.length]!);
    const input = `${lines.join('\n')}\n`;
    const one = spawnCli(['decode', '--json', '-'], input);
    const two = spawnCli(['decode', '--json', '--workers', '2', '-'], input);
    expect(one.status).toBe(2);
    expect(two.status).toBe(one.status);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr);
    const text1 = spawnCli(['decode', '-'], input);
    const text2 = spawnCli(['decode', '--workers', '2', '-'], input);
    expect(text2.stdout).toBe(text1.stdout);
  });

  it('--json --workers (line batches): payload errors, over-long lines, comments and blank lines land where one thread puts them', () => {
    const lines: string[] = [];
    const long = 'ab'.repeat(700);
    // A frame whose envelope decodes but whose payload does not (first DLMS payload byte
    // replaced): that record fails after decoding, inside the worker's batch.
    const dlms = readFixtures().map((f) => decodeFrame(f.hex)).find((f) => f.payloadFormat === 'DLMS')!;
    const bad = Buffer.from(dlms.bytes);
    bad[dlms.contentOffset] = 0xee;
    const badPayload = { hex: `${bad.toString('hex')}00` };
    expect(() => decodeFrame(bad).payload!.decoded).toThrow();
    for (let i = 0; i < 300; i++) {
      lines.push(i % 47 === 5 ? long : i % 31 === 7 ? 'zz not a frame' : i % 23 === 1 ? '# a comment' : i % 29 === 2 ? '' : frames[i % frames.length]!);
      if (badPayload && i % 41 === 9) lines.push(badPayload.hex.slice(0, -2));
    }
    const input = `${lines.join('\n')}\n`;
    const one = spawnCli(['decode', '--json', '--max-line', '1000', '-'], input);
    const two = spawnCli(['decode', '--json', '--max-line', '1000', '--workers', '2', '-'], input);
    expect(one.status).toBe(2);
    expect(one.stderr).toMatch(/at most 1000 bytes/);
    expect(two.status).toBe(one.status);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr);
  });

  it.skipIf(!HAVE_RTDS)('--json --workers 2 = one thread, byte for byte, on RTDS with bad, CRLF, over-long and read-spanning lines', () => {
    const rtds = rtdsFiles().map((f) => f.hex);
    const lines: string[] = [];
    for (let i = 0; i < 2 * rtds.length; i++) {
      lines.push(rtds[i % rtds.length]!);
      if (i % 97 === 3) lines.push('zz not a frame');
      if (i % 89 === 5) lines.push(`${rtds[(i * 7) % rtds.length]!}\r`); // CRLF
      if (i % 83 === 6) lines.push('  # a comment', '', '\t ');
      if (i % 301 === 7) lines.push('ab'.repeat(100_000)); // 200 KB: over --max-line, spans several 64 KiB reads
      if (i % 401 === 8) lines.push('a'.repeat(90_001)); // 90 KB: under --max-line, spans two reads, odd length (text-input)
      if (i % 211 === 9) lines.push(`${rtds[i % rtds.length]!.slice(0, -6)}`); // truncated frame
    }
    // The last line has no newline.
    const input = `${lines.join('\n')}\n${rtds[0]!}`;
    const args = ['decode', '--json', '--max-line', '100000'];
    const run = (a: string[]) => {
      const r = spawnSync(process.execPath, [CLI_BIN, ...a], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const one = run([...args, '-']);
    const two = run([...args, '--workers', '2', '-']);
    expect(one.status).toBe(2);
    expect(one.stderr).toMatch(/at most 100000 bytes/);
    expect(one.stdout.split('\n').length).toBeGreaterThan(2 * rtds.length);
    expect(two.status).toBe(one.status);
    expect(two.stderr).toBe(one.stderr);
    expect(two.stdout).toBe(one.stdout);
  }, 60_000);

  it('--json --workers 2 into a slow reader: stdin is taken only as fast as the output drains', async () => {
    const child = spawn(process.execPath, [CLI_BIN, 'decode', '--json', '--workers', '2', '-'], { stdio: ['pipe', 'pipe', 'ignore'] });
    // 'close', not 'exit': the child may exit while its last lines still sit in the pipe we read slowly.
    const exit = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    const total = 20_000;
    let sent = 0;
    let got = 0;
    let maxAhead = 0;
    child.stdout!.on('data', (c: Buffer) => {
      for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) got++;
      child.stdout!.pause();
      setTimeout(() => child.stdout!.resume(), 4);
    });
    for (let i = 0; i < total; i++) {
      if (!child.stdin!.write(`${frames[i % frames.length]}\n`)) await once(child.stdin!, 'drain');
      sent++;
      maxAhead = Math.max(maxAhead, sent - got);
    }
    child.stdin!.end();
    expect(await exit).toBe(0);
    expect(got).toBe(total);
    // Bounded by the pool's queue (4 batches of <= 128 lines per worker), the output chunk and
    // the two OS pipes, not by the input size.
    expect(maxAhead).toBeLessThan(4000);
  }, 60_000);

  it('with --keys, workers verify with their own key stores', () => {
    const sec = readFixtures('security.hex').map((f) => f.hex);
    const keys = new URL('./fixtures/keys', import.meta.url).pathname;
    const args = ['decode', '--json', '--keys', keys, '--acb', '90b3d51f30000002'];
    const one = spawnCli([...args, '-'], `${sec.join('\n')}\n`);
    const two = spawnCli([...args, '--workers', '2', '-'], `${sec.join('\n')}\n`);
    expect(two.stdout).toBe(one.stdout);
    expect(two.status).toBe(one.status);
    expect(one.stdout).toMatch(/"status":"valid"/);
  });

  it('refuses a bad --workers value as a usage error', () => {
    expect(spawnCli(['decode', '--workers', '0', '-'], '').status).toBe(1);
  });
});
