// `ota verify` without --signer (issue 15 item 4): the image is read once for the hash and all
// candidate keys, and progress counts that one pass (it never goes back to zero).
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkUpgradeImageFile, folderKeyStore } from '../src/node.js';
import { runCli } from './cliHarness.js';

const FIX = new URL('fixtures/', import.meta.url).pathname;
const SAMPLE = join(FIX, 'sample-ota.bin');
const SIGNER = 'a0a0a0a0a0a0a0a0';
const tmp = mkdtempSync(join(tmpdir(), 'gbcs-verify-once-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Candidate keys sorted before and after the real signer, so it is neither first nor alone.
const others = ['0000000000000001', '0000000000000002', 'ffffffffffffff01'];
for (const eui of others) {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(join(tmp, `${eui}-ds.pem`), publicKey.export({ type: 'spki', format: 'pem' }));
}
copyFileSync(join(FIX, 'ota-keys', `${SIGNER}-ds.pem`), join(tmp, `${SIGNER}-ds.pem`));

describe('image signature check over many candidate keys', () => {
  it('reads the manufacturer image once: progress is one monotonic pass, whatever the number of keys', async () => {
    const calls: [number, number][] = [];
    const signers = [...others.slice(0, 2), SIGNER, others[2]!];
    const r = await checkUpgradeImageFile(SAMPLE, { keys: folderKeyStore(tmp), signers, onProgress: (d, t) => calls.push([d, t]) });
    expect(r.signature).toEqual({ state: 'valid', signer: SIGNER });
    const total = r.layout.manufacturerImageLength;
    expect(calls.length).toBeGreaterThan(0);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThanOrEqual(calls[i - 1]![0]);
    expect(calls.every(([, t]) => t === total)).toBe(true);
    expect(calls.filter(([d]) => d === total)).toHaveLength(1);
  });

  it('keys that exist but do not verify give invalid; no key at all gives key-unknown', async () => {
    const bad = await checkUpgradeImageFile(SAMPLE, { keys: folderKeyStore(tmp), signers: others });
    expect(bad.signature).toMatchObject({ state: 'invalid', tried: others });
    const none = await checkUpgradeImageFile(SAMPLE, { keys: folderKeyStore(tmp), signers: ['1111111111111111'] });
    expect(none.signature.state).toBe('key-unknown');
  });

  it('gbcs ota verify without --signer finds the signer among the folder keys', async () => {
    const r = await runCli(['ota', 'verify', SAMPLE, '--keys', tmp]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^valid: supplier signature valid by ${SIGNER}`));
  });
});
