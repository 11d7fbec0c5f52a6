import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cliHarness.js';
import { dayAsHexLines, scriptedDay } from './lifecycle-day.js';
import { upgradeImage } from './lifecycle-helpers.js';

const FIR = new URL('./fixtures/fir-sample.csv', import.meta.url).pathname;
const DAY = new URL('./fixtures/fw-day.hex', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'gbcs-fw-'));

describe('gbcs fw plan', () => {
  it('MP231 CLI: prints the shortest ordered sequence of images', async () => {
    const r = await runCli(['fw', 'plan', '--repo', FIR, '--from', 'ESME-1.0', '--to', 'ESME-3.0']);
    expect(r.status).toBe(0);
    const steps = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)[1]);
    expect(steps).toEqual(['ESME-1.1', 'ESME-2.0', 'ESME-3.0']);
    expect(r.stdout).toMatch(/v00010000 -> v00010100/);
  });

  it('MP231 CLI: a refused plan exits 3 and names the blocking requirement', async () => {
    const r = await runCli(['fw', 'plan', '--repo', FIR, '--from', 'ESME-1.0', '--to', 'GSME-1.0']);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/different device model/);
    const j = await runCli(['fw', 'plan', '--json', '--repo', FIR, '--from', 'ESME-1.0', '--to', 'GSME-1.0']);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, block: 'different-model' });
  });

  it('MP231 CLI: a plan over an empty (unrecorded) upgrade path is made, with the warning on stderr and in --json', async () => {
    // ESME-1.0 records no upgrade path: the only route from ESME-3.0 to ESME-1.1 goes over it.
    const r = await runCli(['fw', 'plan', '--repo', FIR, '--from', 'ESME-3.0', '--to', 'ESME-1.1']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: ESME-1.0 .* has no recorded upgrade path/);
    const j = JSON.parse((await runCli(['fw', 'plan', '--json', '--repo', FIR, '--from', 'ESME-3.0', '--to', 'ESME-1.1'])).stdout);
    expect(j).toMatchObject({ ok: true, warnings: [{ kind: 'unrecorded-upgrade-path', entryId: 'ESME-1.0' }] });
    expect(j.steps.map((s: { entryId: string }) => s.entryId)).toEqual(['ESME-1.0', 'ESME-1.1']);
    expect((await runCli(['fw', 'plan', '--reading', 'sequence', '--repo', FIR, '--from', 'ESME-1.0', '--to', 'ESME-2.0'])).stdout).toMatch(/ESME-1.1[\s\S]*ESME-1.2[\s\S]*ESME-2.0/);
    expect((await runCli(['fw', 'plan', '--reading', 'both', '--repo', FIR, '--from', 'ESME-1.0', '--to', 'ESME-2.0'])).status).toBe(1);
  });

  it('MP231 CLI: a malformed repository exits 2 with the line; missing options exit 1', async () => {
    const bad = join(tmp, 'bad.csv');
    writeFileSync(bad, readFileSync(FIR, 'utf8').replace('00010100', 'zz'));
    const r = await runCli(['fw', 'plan', '--repo', bad, '--from', 'ESME-1.0', '--to', 'ESME-3.0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/csv line 4 \(firmwareVersion\)/);
    expect((await runCli(['fw', 'plan', '--repo', FIR, '--from', 'ESME-1.0'])).status).toBe(1);
  });
});

describe('gbcs fw track', () => {
  it('MP105 CLI: reads one frame per line and prints each device state', async () => {
    // The scripted day recovers some devices through retried CS06 responses: opt in (MP105).
    const r = await runCli(['fw', 'track', '--retried-cs06', DAY]);
    expect(r.status).toBe(0);
    const day = scriptedDay(5, 7);
    const lines = r.stdout.trim().split('\n');
    for (const d of day.devices) {
      const line = lines.find((l) => l.startsWith(d.eui))!;
      const want = day.expected.get(d.eui)!;
      expect(line).toContain(want.status);
      expect(line).toContain(`running=${want.runningVersion}`);
    }
    expect(lines.some((l) => / suspended /.test(l))).toBe(false);
  });

  it('MP105 CLI: --json lines and a malformed line reported with its number (exit 2)', async () => {
    const file = join(tmp, 'day.hex');
    writeFileSync(file, `${dayAsHexLines(scriptedDay(2, 1))}DD00\n`);
    const r = await runCli(['fw', 'track', '--json', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/line \d+/);
    const states = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    // Every device of the day, plus any GPF that answered a read itself (no registry given).
    const day = scriptedDay(2, 1);
    for (const d of day.devices) expect(states.find((x) => x.eui === d.eui)?.status).toBe(day.expected.get(d.eui)!.status);
    for (const x of states) expect(day.devices.some((d) => d.eui === x.eui || d.gpf === x.eui)).toBe(true);
    expect(states.every((s) => typeof s.status === 'string')).toBe(true);
  });
});

describe('gbcs fw package', () => {
  const premises = join(tmp, 'premises.json');
  writeFileSync(
    premises,
    JSON.stringify({
      id: 'flat-3',
      devices: [
        { eui: '00db00000000b003', deviceType: 'PPMID', altHanVariant: 'B3', manufacturerCode: '0x1234', imageType: '0x0103' },
        { eui: '00db00000000b004', deviceType: 'PPMID', altHanVariant: 'B4', manufacturerCode: '0x1234', imageType: '0x0104' },
      ],
    }),
  );
  const b3 = join(tmp, 'b3.ota');
  const b4 = join(tmp, 'b4.ota');
  writeFileSync(b3, upgradeImage({ manufacturerCode: 0x1234, imageType: 0x0103, fileVersion: 0x31 }));
  writeFileSync(b4, upgradeImage({ manufacturerCode: 0x1234, imageType: 0x0104, fileVersion: 0x41 }));

  it('MP170 CLI: builds a B3+B4 package and splits it, reporting which device each image is for', async () => {
    const out = join(tmp, 'pkg.bin');
    const b = await runCli(['fw', 'package', 'build', '--premises', premises, '--design', 'bridge3-carries-bridge4', '--out', out, b3, b4]);
    expect(b.status).toBe(0);
    expect(b.stdout).toMatch(/B4 +v00000041 +via B3 +for 00db00000000b004/);
    const dir = join(tmp, 'split');
    const s = await runCli(['fw', 'package', 'split', '--premises', premises, '--out-dir', dir, out]);
    expect(s.status).toBe(0);
    expect(s.stdout).toMatch(/B4 +v00000041 +for 00db00000000b004 +delivered to 00db00000000b003/);
    expect(readFileSync(join(dir, '1-B4-00000041.ota'))).toEqual(readFileSync(b4));
  });

  it('MP170 CLI: refuses a package for devices not on site (exit 3)', async () => {
    const r = await runCli(['fw', 'package', 'build', '--premises', premises, '--design', 'per-bridge', '--out', join(tmp, 'x.bin'), b3, b4]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/per-bridge packages one bridge's image/);
  });
});
