// Issue 10 item 5: OTA images of any content in bounded work and memory.
//  - The sub-element walk is linear with a bounded number of objects (OTA_MAX_SUB_ELEMENTS).
//  - `gbcs ota inspect|hash|verify` and ImageAssembler.finish stay within 64 MiB of RSS
//    growth on a 1 GiB image: a sparse file (OTA header, zero body, GBCS trailer), each run in
//    its own child process, compared with the same run on a 1 MiB image (peak RSS from
//    process.resourceUsage().maxRSS).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GbcsDecodeError } from '../src/errors.js';
import { GBCS_TRAILER_LENGTH, OTA_MAX_SUB_ELEMENTS, encodeOtaHeader, otaHeaderLength, parseUpgradeImage, upgradeImageLayout, type ImageReader, type OtaHeaderInit } from '../src/ota/image.js';
import { CLI_BIN } from './cliHarness.js';

const tmp = mkdtempSync(join(tmpdir(), 'gbcs-ota-bounds-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEADER: OtaHeaderInit = { manufacturerCode: 0x121d, imageType: 0, fileVersion: 1, headerString: 'zero body' };
const MIB = 1 << 20;

/** A sparse image file: header, zero body, `00 40` + a 64-byte (wrong) signature. */
function sparseImage(name: string, total: number): string {
  const path = join(tmp, name);
  const fd = openSync(path, 'w');
  ftruncateSync(fd, total);
  writeSync(fd, encodeOtaHeader(HEADER, total), 0, undefined, 0);
  const trailer = new Uint8Array(GBCS_TRAILER_LENGTH).fill(0x5a);
  trailer[0] = 0x00;
  trailer[1] = 0x40;
  writeSync(fd, trailer, 0, trailer.length, total - GBCS_TRAILER_LENGTH);
  closeSync(fd);
  return path;
}

describe('issue 10.5 OTA images: sub-element walk', () => {
  it('OTA sub-element walk is linear with bounded objects: an all-zero body is not millions of 6-byte sub-elements', () => {
    const total = 8 * MIB;
    const image = new Uint8Array(total);
    image.set(encodeOtaHeader(HEADER, total));
    let reads = 0;
    const reader: ImageReader = {
      size: total,
      read: (o, n) => {
        reads++;
        return image.subarray(o, o + n);
      },
    };
    const layout = upgradeImageLayout(reader);
    expect(layout.form).toBe('gbcs-unsigned');
    expect(layout.subElements).toBeUndefined();
    expect(reads).toBeLessThanOrEqual(OTA_MAX_SUB_ELEMENTS + 4);
    // Forcing the ZigBee form: a typed error at the first element past the cap.
    let err: unknown;
    try {
      parseUpgradeImage(image, { form: 'zigbee' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GbcsDecodeError);
    expect((err as GbcsDecodeError).code).toBe('too-many-nodes');
    expect((err as GbcsDecodeError).offset).toBe(otaHeaderLength(HEADER) + 6 * OTA_MAX_SUB_ELEMENTS);
  });
});

/** Peak RSS (bytes) of a child node process running `script` with `args`. */
function peakRss(script: string, args: string[]): { rss: number; status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, '--', ...args], { encoding: 'utf8', maxBuffer: 16 * MIB });
  const m = /MAXRSS (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no MAXRSS from the child (status ${r.status}): ${r.stderr}`);
  return { rss: Number(m[1]) * 1024, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Runs the real CLI entry (dist/cli/main.js runs when it is process.argv[1]).
const CLI_SCRIPT = `
process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));
const args = process.argv.slice(1);
process.argv = [process.argv[0], ${JSON.stringify(CLI_BIN)}, ...args];
await import(${JSON.stringify(new URL('../dist/cli/main.js', import.meta.url).href)});
`;

// Feeds an image of the given size to a file-sink ImageAssembler (header, zeros, trailer) and finishes it.
const ASSEMBLER_SCRIPT = `
process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));
const { ImageAssembler, encodeOtaHeader, GBCS_TRAILER_LENGTH } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
const [out, sizeText] = process.argv.slice(1);
const total = Number(sizeText);
const asm = new ImageAssembler({ size: total, blockSize: 65536, file: out, requireSignature: false });
const head = encodeOtaHeader(${JSON.stringify(HEADER)}, total);
asm.accept(0, head);
const trailer = new Uint8Array(GBCS_TRAILER_LENGTH).fill(0x5a); trailer[0] = 0; trailer[1] = 0x40;
asm.accept(total - GBCS_TRAILER_LENGTH, trailer);
const zeros = new Uint8Array(1 << 20);
for (let o = head.length; o < total - GBCS_TRAILER_LENGTH; o += zeros.length) {
  const r = asm.accept(o, zeros.subarray(0, Math.min(zeros.length, total - GBCS_TRAILER_LENGTH - o)));
  if (r.status !== 'new') throw new Error(r.status);
}
const res = await asm.finish();
process.stdout.write(JSON.stringify({ ok: res.ok, problems: res.problems, form: res.layout?.form, hash: res.manufacturerImageHash }));
`;

describe('issue 10.5 OTA images: a 1 GiB image', () => {
  it('ota inspect|hash|verify and ImageAssembler.finish stay within 64 MiB RSS growth on a 1 GiB image of any content', () => {
    const big = sparseImage('big.ota', 1024 * MIB);
    const small = sparseImage('small.ota', MIB);
    const keys = new URL('./fixtures/ota-keys', import.meta.url).pathname;
    const report: string[] = [];
    for (const cmd of [['hash'], ['inspect', '--keys', keys], ['verify', '--keys', keys]]) {
      const base = peakRss(CLI_SCRIPT, ['ota', cmd[0]!, small, ...cmd.slice(1)]);
      const run = peakRss(CLI_SCRIPT, ['ota', cmd[0]!, big, ...cmd.slice(1)]);
      expect(run.status, `${cmd[0]}: ${run.stderr}`).toBe(base.status);
      expect(run.stderr).not.toMatch(/internal error|heap/i);
      const growth = (run.rss - base.rss) / MIB;
      report.push(`ota ${cmd[0]} +${growth.toFixed(1)} MiB`);
      expect(growth, `ota ${cmd[0]}`).toBeLessThan(64);
    }
    // verify ran the signature check over the whole zero body: not valid (exit 3).
    expect(peakRss(CLI_SCRIPT, ['ota', 'verify', small, '--keys', keys]).status).toBe(3);
    const aBase = peakRss(ASSEMBLER_SCRIPT, [join(tmp, 'asm-small.bin'), String(MIB)]);
    const aRun = peakRss(ASSEMBLER_SCRIPT, [join(tmp, 'asm-big.bin'), String(1024 * MIB)]);
    expect(JSON.parse(aRun.stdout)).toMatchObject({ ok: true, form: 'gbcs' });
    const growth = (aRun.rss - aBase.rss) / MIB;
    report.push(`ImageAssembler.finish +${growth.toFixed(1)} MiB`);
    expect(growth).toBeLessThan(64);
    console.log(`[ota] 1 GiB zero-body image, peak RSS growth over a 1 MiB run: ${report.join(', ')}`);
  }, 300_000);
});
