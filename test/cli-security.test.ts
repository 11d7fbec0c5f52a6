// gbcs decode --keys/--acb and gbcs sign on the project's own keys and fixtures.
import { describe, expect, it } from 'vitest';
import { decodeFrame, verifyFrame } from '../src/index.js';
import { folderKeyStore } from '../src/node.js';
import { runCli, spawnCli } from './cliHarness.js';
import { fixture, readFixtures } from './fixtures.js';

const KEYS = new URL('./fixtures/keys', import.meta.url).pathname;
const ACB = '90b3d51f30000002';
const SUPPLIER = '90b3d51f30010000';
const fixtures = readFixtures('security.hex');
const fx = (t: string) => fixture(t, 'security.hex');

describe('gbcs decode --keys', () => {
  it('shows signature and MAC results', async () => {
    const r = await runCli(['decode', '--keys', KEYS, '--acb', '90 B3 D5 1F 30 00 00 02', fx('CS06 command').hex]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/verify signature\s+valid \(ECDSA P-256 signature by 90b3d51f30010000\)/);
    expect(r.stdout).toMatch(/verify mac\s+valid/);
  });

  it('reports the missing ACB as key unknown, not as a failure', async () => {
    const r = await runCli(['decode', '--keys', KEYS, fx('CS06 command').hex]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/verify mac\s+key-unknown \(commands are MACed by the access control broker/);
  });

  it('shows decrypted content, and JSON carries a security object', async () => {
    const t = await runCli(['decode', '--keys', KEYS, fx('GCS13a-shaped').hex]);
    expect(t.stdout).toMatch(/encrypted gbz-component\s+at \d+: decrypted\n\s+plaintext\s+02030022e80300010300220100000003003001/);
    const j = JSON.parse((await runCli(['decode', '--json', '--keys', KEYS, fx('ECS17b-shaped').hex])).stdout);
    expect(j.useCase).toBe('ECS17b');
    expect(j.security).toMatchObject({ signature: { status: 'absent' }, mac: { status: 'valid' }, encrypted: true });
    expect(j.security.decrypted[0]).toMatchObject({ kind: 'dlms-protected', status: 'decrypted' });
  });

  it('exits 3 when a frame fails verification, in stdin mode too', async () => {
    const hex = fx('ECS52 response').hex;
    const bad = hex.slice(0, -2) + (hex.endsWith('0') ? '1' : '0').padStart(2, '0');
    const r = await runCli(['decode', '--keys', KEYS, bad]);
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/verify mac\s+invalid/);
    const s = await runCli(['decode', '--keys', KEYS, '-'], `${hex}\n${bad}\n`);
    expect(s.status).toBe(3);
    expect(s.stdout.match(/verify mac\s+valid/g)).toHaveLength(1);
  });

  it('rejects bad option values as usage errors', async () => {
    expect((await runCli(['decode', '--acb', ACB, fx('CS06 command').hex])).status).toBe(1);
    expect((await runCli(['decode', '--keys', '/nonexistent', fx('CS06 command').hex])).status).toBe(1);
    expect((await runCli(['decode', '--keys', KEYS, '--acb', 'xyz', fx('CS06 command').hex])).status).toBe(1);
  });
});

describe('gbcs sign', () => {
  const pre = fx('CS06 pre-command');

  it('prints a signed command that verifies', async () => {
    const r = await runCli(['sign', '--keys', KEYS, '--signer', SUPPLIER, pre.hex]);
    expect(r.status).toBe(0);
    const out = r.stdout.trim();
    expect(out).toMatch(/^DF[0-9A-F]+$/);
    expect(out.startsWith(pre.hex.toUpperCase())).toBe(true);
    const v = await verifyFrame(decodeFrame(out), folderKeyStore(KEYS));
    expect(v.signature.status).toBe('valid');
  });

  it('works as a process reading stdin, and refuses a signer that is not the originator', () => {
    const r = spawnCli(['sign', '--keys', KEYS, '--signer', SUPPLIER, '-'], `${pre.hex}\n`);
    expect(r.status).toBe(0);
    expect(decodeFrame(r.stdout.trim()).signatureState).toBe('present');
    const bad = spawnCli(['sign', '--keys', KEYS, '--signer', '00db1234567890a0', pre.hex]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/not the originator/);
  });

  it('needs --keys and --signer; malformed input exits 2', async () => {
    expect((await runCli(['sign', '--signer', SUPPLIER, pre.hex])).status).toBe(1);
    expect((await runCli(['sign', '--keys', KEYS, pre.hex])).status).toBe(1);
    expect((await runCli(['sign', '--keys', KEYS, '--signer', SUPPLIER, 'DF09'])).status).toBe(2);
  });
});
