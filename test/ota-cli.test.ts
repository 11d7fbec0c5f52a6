import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { progressBar } from '../src/cli/commands/ota.js';
import type { Io } from '../src/cli/io.js';
import { decodeZclOta, parseUpgradeImage, toHex } from '../src/index.js';
import { runCli } from './cliHarness.js';
import { prng } from './ota-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'gbcs-ota-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

const KEYS = new URL('fixtures/ota-keys/', import.meta.url).pathname;
const SAMPLE = new URL('fixtures/sample-ota.bin', import.meta.url).pathname;
const SIGNER = 'a0a0a0a0a0a0a0a0';

/** The harness with this file's result names. */
async function run(args: string[], isTTY = false): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(args, '', { isTTY });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('gbcs ota', () => {
  it('build → inspect → hash → verify → blocks', async () => {
    const fw = join(tmp, 'fw.bin');
    const img = join(tmp, 'img.bin');
    const mi = prng(3000, 5);
    writeFileSync(fw, mi);
    const header = JSON.stringify({ manufacturerCode: 0x121d, imageType: 1, fileVersion: '0x00020003', headerString: 'cli', upgradeFileDestination: '00db1234567890a0' });
    const b = await run(['ota', 'build', '--header', header, '--image', fw, '--keys', KEYS, '--signer', SIGNER.toUpperCase(), '-o', img]);
    expect(b.code).toBe(0);
    const bytes = new Uint8Array(readFileSync(img));
    const parsed = parseUpgradeImage(bytes);
    expect(parsed.header).toMatchObject({ imageType: 1, fileVersion: 0x00020003, upgradeFileDestination: '00db1234567890a0' });
    expect(toHex(parsed.manufacturerImage)).toBe(toHex(mi));

    const i = await run(['ota', 'inspect', img, '--keys', KEYS, '--json']);
    expect(i.code).toBe(0);
    const j = JSON.parse(i.out);
    expect(j.form).toBe('gbcs');
    expect(j.signature).toEqual({ state: 'valid', signer: SIGNER });
    expect(j.header.upgradeFileDestination).toBe('00db1234567890a0');
    const text = await run(['ota', 'inspect', img]);
    expect(text.out).toMatch(/supplier signature\s+not-checked/);
    expect(text.out).toMatch(/upgrade file destination 00db1234567890a0/);

    const h = await run(['ota', 'hash', img]);
    expect(h.out.trim()).toBe(j.manufacturerImageHash);
    expect(h.err).toBe(''); // no progress bar when stderr is not a terminal

    expect((await run(['ota', 'verify', img, '--keys', KEYS])).code).toBe(0);
    bytes[100] ^= 1;
    writeFileSync(img, bytes);
    const bad = await run(['ota', 'verify', img, '--keys', KEYS]);
    expect(bad.code).toBe(3); // a check that ran and failed (README: exit statuses)
    expect(bad.out).toMatch(/NOT VALID: supplier signature invalid/);
    bytes[100] ^= 1;
    writeFileSync(img, bytes);

    const plain = await run(['ota', 'blocks', img, '--size', '1000']);
    expect(plain.out.trim().split('\n').length).toBe(1 + Math.ceil(bytes.length / 1000));
    const zcl = (await run(['ota', 'blocks', img, '--size', '64', '--zcl'])).out.trim().split('\n');
    expect(zcl.length).toBe(Math.ceil(bytes.length / 64));
    const last = decodeZclOta(zcl.at(-1)!).command as { fileOffset: number; data: Uint8Array };
    expect(last.fileOffset).toBe((zcl.length - 1) * 64);
    expect(toHex(last.data)).toBe(toHex(bytes.subarray(last.fileOffset)));
    const dlms = (await run(['ota', 'blocks', img, '--size', '500', '--dlms'])).out.trim().split('\n');
    expect(dlms[0]).toMatch(/^initiate 0202/);
    expect(dlms.length).toBe(1 + Math.ceil(bytes.length / 500));
  });

  it('inspects the committed sample and reports usage and malformed input', async () => {
    const s = await run(['ota', 'inspect', SAMPLE, '--keys', KEYS, '--signer', SIGNER]);
    expect(s.out).toMatch(/supplier signature\s+valid \(a0a0a0a0a0a0a0a0\)/);
    expect((await run(['ota', 'blocks', SAMPLE, '--size', '300', '--zcl'])).code).toBe(1);
    expect((await run(['ota', 'frobnicate'])).code).toBe(1);
    expect((await run(['ota', 'verify', SAMPLE])).code).toBe(1);
    const junk = join(tmp, 'junk.bin');
    writeFileSync(junk, prng(100));
    const m = await run(['ota', 'inspect', junk]);
    expect(m.code).toBe(2);
    expect(m.err).toMatch(/OTA file identifier/);
  });

  it('progress bar: only on a terminal, only after a second', () => {
    vi.useFakeTimers();
    let err = '';
    const io = { stderr: { write: (s: string) => (err += s) }, isTTY: true } as unknown as Io;
    const bar = progressBar(io, 'hashing');
    bar.update(10, 100);
    expect(err).toBe('');
    vi.advanceTimersByTime(1500);
    bar.update(50, 100);
    expect(err).toMatch(/hashing \[#+\.+\]\s+50%/);
    bar.end();
    expect(err.endsWith('\r\x1b[K')).toBe(true);
    let piped = '';
    const p = progressBar({ stderr: { write: (s: string) => (piped += s) }, isTTY: false } as unknown as Io, 'x');
    vi.advanceTimersByTime(5000);
    p.update(1, 2);
    p.end();
    expect(piped).toBe('');
  });
});
