// `gbcs ota verify --repo <FIR>` (issue 14 item 7): the OTA header is outside the Supplier's
// signature, so the header is checked against the repository entry found by the
// Manufacturer Image hash. Independent source: the real SR 11.1 sample image in
// @smartdcc/duis-templates (GBCS.md 5.2: manufacturer 0x121D, image type 0x0000, version
// 0xACDCACDC, hash 7542f475...).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseUpgradeImage } from '../src/index.js';
import { FirmwareRepository, checkImageAgainstRepository } from '../src/lifecycle/index.js';
import { runCli } from './cliHarness.js';
import { HAVE_RTDS, RTDS_KEYSTORE } from './rtds.js';

const tmp = mkdtempSync(join(tmpdir(), 'gbcs-ota-repo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const TEMPLATES = join(dirname(createRequire(import.meta.url).resolve('@smartdcc/duis-templates/package.json')), 'templates');
const SAMPLE = join(tmp, 'sr11.1-sample.ota');
writeFileSync(SAMPLE, Buffer.from(/<sr:FirmwareImage>([^<]+)</.exec(readFileSync(join(TEMPLATES, '11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML'), 'utf8'))![1]!, 'base64'));
// The Supplier's DS key (90B3D51F30010000) of the RTDS keystore signs the sample.
const KEYS = RTDS_KEYSTORE;
const HASH = '7542f475e3f12eae887d81e32c46d313741d67076b13caec2f82e00ba5e1bb36';
const entry = (over: object = {}) => ({
  entryId: 'ESME-GFI-1',
  deviceType: 'ESME',
  manufacturer: 'GFI',
  model: 'ESME[]',
  firmwareVersion: 'acdcacdc',
  manufacturerImageHash: HASH,
  upgradePath: [],
  manufacturerCode: 0x121d,
  imageType: 0x0000,
  ...over,
});
const repoFile = (name: string, entries: object[]) => {
  const f = join(tmp, name);
  writeFileSync(f, JSON.stringify(entries));
  return f;
};

describe('ota verify --repo', () => {
  it('ota verify --repo: finds the entry by Manufacturer Image hash and checks manufacturer, image type and file version (match: exit 0)', async () => {
    const r = await runCli(['ota', 'verify', SAMPLE, '--repo', repoFile('ok.json', [entry()])]);
    expect(r.stdout).toMatch(/matches repository: header matches repository entry ESME-GFI-1/);
    expect(r.status).toBe(0);
  });

  it('ota verify --repo: a header that differs from the entry exits 3 and names each field', async () => {
    for (const [over, re] of [
      [{ firmwareVersion: 'acdcacdd' }, /fileVersion 0xacdcacdc in the header, 0xacdcacdd in the repository/],
      [{ imageType: 1 }, /imageType 0x0000 in the header, 0x0001 in the repository/],
      [{ manufacturerCode: 0x1234 }, /manufacturerCode 0x121d in the header, 0x1234 in the repository/],
    ] as const) {
      const r = await runCli(['ota', 'verify', SAMPLE, '--repo', repoFile('bad.json', [entry(over)])]);
      expect(r.stdout).toMatch(/REPOSITORY MISMATCH/);
      expect(r.stdout).toMatch(re);
      expect(r.status).toBe(3);
    }
  });

  it('ota verify --repo: no entry with the hash exits 3; a malformed repository exits 2', async () => {
    const r = await runCli(['ota', 'verify', SAMPLE, '--repo', repoFile('other.json', [entry({ manufacturerImageHash: 'ab'.repeat(32) })])]);
    expect(r.stdout).toMatch(/no repository entry has Manufacturer Image hash 7542f475/);
    expect(r.status).toBe(3);
    const m = await runCli(['ota', 'verify', SAMPLE, '--repo', repoFile('malformed.json', [entry({ imageType: 'zz' })])]);
    expect(m.status).toBe(2);
    expect(m.stderr).toMatch(/imageType/);
    expect((await runCli(['ota', 'verify', SAMPLE])).status).toBe(1);
  });

  it.skipIf(!HAVE_RTDS)('ota verify --repo: a re-labelled header keeps a valid signature but fails the repository check (the gap it closes)', async () => {
    const bytes = new Uint8Array(readFileSync(SAMPLE));
    const relabelled = bytes.slice();
    new DataView(relabelled.buffer).setUint32(14, 0xacdcacdd, true); // file version, outside the signature
    const f = join(tmp, 'relabelled.bin');
    writeFileSync(f, relabelled);
    const r = await runCli(['ota', 'verify', f, '--keys', KEYS, '--signer', '90b3d51f30010000', '--repo', repoFile('ok2.json', [entry()])]);
    expect(r.stdout).toMatch(/^valid: supplier signature valid/m);
    expect(r.stdout).toMatch(/REPOSITORY MISMATCH: .*fileVersion 0xacdcacdd in the header, 0xacdcacdc/);
    expect(r.status).toBe(3);
    expect((await runCli(['ota', 'verify', SAMPLE, '--keys', KEYS, '--signer', '90b3d51f30010000', '--repo', repoFile('ok3.json', [entry()])])).status).toBe(0);
  });

  it('ota verify --repo: fields the entry does not record are reported unchecked; of two entries with the hash, a matching one wins', () => {
    const img = parseUpgradeImage(new Uint8Array(readFileSync(SAMPLE)));
    const bare = new FirmwareRepository([entry({ manufacturerCode: undefined, imageType: undefined })]);
    const c = checkImageAgainstRepository(bare, img.header, HASH);
    expect(c.ok).toBe(true);
    expect(c.message).toMatch(/unchecked: manufacturerCode, imageType/);
    const two = new FirmwareRepository([entry({ entryId: 'A', firmwareVersion: '00000001' }), entry({ entryId: 'B' })]);
    expect(checkImageAgainstRepository(two, img.header, HASH)).toMatchObject({ ok: true, entry: { entryId: 'B' }, candidates: 2 });
  });
});
