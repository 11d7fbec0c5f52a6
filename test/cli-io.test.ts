import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError, readInput, type Io } from '../src/cli/io.js';

const tmp = mkdtempSync(join(tmpdir(), 'gbcs-cli-io-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ioWith = (stdin: string): Io => {
  const inp = new PassThrough();
  inp.end(stdin);
  return { stdout: new PassThrough(), stderr: new PassThrough(), stdin: inp, isTTY: false };
};

describe('CLI input sources (readInput)', () => {
  it('reads a literal, stdin, a text file and a binary frame file', async () => {
    expect(await readInput('DD00', ioWith(''))).toEqual({ text: 'DD00', where: 'argument' });
    expect(await readInput('-', ioWith('abc\n'))).toEqual({ text: 'abc\n', where: 'stdin' });
    const text = join(tmp, 'a.hex');
    writeFileSync(text, 'DF09\n');
    expect(await readInput(`@${text}`, ioWith(''))).toEqual({ text: 'DF09\n', where: text });
    const bin = join(tmp, 'a.bin');
    writeFileSync(bin, Uint8Array.of(0xdd, 0x01));
    expect(await readInput(`@${bin}`, ioWith(''))).toEqual({ bytes: Uint8Array.of(0xdd, 0x01), where: bin });
    // Only the given lead bytes make a file binary.
    const asText = await readInput(`@${bin}`, ioWith(''), [0xdf]);
    expect(asText.bytes).toBeUndefined();
    expect(asText.text).toBe('\ufffd\x01');
    await expect(readInput(`@${join(tmp, 'missing')}`, ioWith(''))).rejects.toThrow(UsageError);
  });
});
