// Issue 10.7 (keys): a hostile or broken key store gives verdicts, not crashes. Generators:
// every kind of unusable key answer (below), every non-regular key file, a store that never
// settles, a stream of distinct EUIs against the bounded lookup cache.
import { spawnSync } from 'node:child_process';
import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeFrame, decryptFrame, fromHex, verifyFrame, verifyManufacturerImage, type KeyStore } from '../src/index.js';
import { KeyUnusableError, keyUnusableReason, resolveKey } from '../src/security/keyCheck.js';
import { folderKeyStore } from '../src/node.js';
import { runCli } from './cliHarness.js';
import { fixture } from './fixtures.js';

const KEYS = new URL('./fixtures/keys', import.meta.url).pathname;
const ESME = '00db1234567890a0';
const ACB = '90b3d51f30000002';
const ks = folderKeyStore(KEYS);
const tmp = mkdtempSync(join(tmpdir(), 'gbcs-issue10-keys-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const fx = (title: string) => fixture(title, 'security.hex');

const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ed = generateKeyPairSync('ed25519');
const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });

/** Generator: every kind of answer a key store can give that is not a usable EC P-256 key. */
const UNUSABLE: [string, () => unknown, RegExp][] = [
  ['an RSA key', () => rsa.publicKey, /not an EC P-256 key \(rsa\)/],
  ['an RSA private key', () => rsa.privateKey, /not an EC P-256 key \(rsa\)/],
  ['an Ed25519 key', () => ed.publicKey, /not an EC P-256 key \(ed25519\)/],
  ['a P-384 key', () => p384.publicKey, /curve secp384r1/],
  ['a secp256k1 key', () => secp256k1.publicKey, /curve secp256k1/],
  ['a secret key', () => createSecretKey(new Uint8Array(16)), /secret/],
  ['a string', () => '-----BEGIN PUBLIC KEY-----', /not a key object \(got string\)/],
  ['a number', () => 42, /not a key object \(got number\)/],
  ['a plain object', () => ({ type: 'public' }), /not a key object/],
  ['a thrown error', () => { throw new Error('vault offline'); }, /vault offline/],
  ['a rejected promise', () => Promise.reject(new Error('denied')), /denied/],
];

const storeAnswering = (answer: () => unknown): KeyStore => (() => answer()) as unknown as KeyStore;

describe('issue 10.7 keys: an unusable key gives key-unusable with the reason, never invalid or a thrown error', () => {
  it.each(UNUSABLE)('%s: signature, MAC and decryption say key-unusable', async (_name, answer, reason) => {
    const store = storeAnswering(answer);
    const signed = await verifyFrame(fx('CS06 command').hex, store, { acb: ACB });
    expect(signed.signature.status).toBe('key-unusable');
    expect(signed.signature.reason).toMatch(reason);
    expect(signed.mac.status).toBe('key-unusable');
    expect(signed.mac.reason).toMatch(reason);
    expect(signed.ok).toBe(false);
    const d = await decryptFrame(decodeFrame(fx('GCS13a-shaped').bytes), store);
    expect(d.parts.map((p) => p.status)).toEqual(['key-unusable']);
    expect(d.parts[0]!.reason).toMatch(reason);
    const img = await verifyManufacturerImage(new Uint8Array(8), new Uint8Array(64), store, ESME);
    expect(img).toBe('key-unusable');
  });

  it('a private-key lookup answered with a public key is unusable; a usable key passes the check', async () => {
    const pub = (await ks(ESME, 'KA')) as KeyObject;
    expect(keyUnusableReason(pub, true)).toMatch(/public key where the private key is needed/);
    expect(keyUnusableReason(pub, false)).toBeUndefined();
    expect(keyUnusableReason(await ks(ESME, 'KA', { privateKey: true }), true)).toBeUndefined();
  });

  it('an unparsable PEM file in the folder is key-unusable naming the file', async () => {
    const dir = join(tmp, 'unparsable');
    cpSync(KEYS, dir, { recursive: true });
    writeFileSync(join(dir, `${ESME}-ka.pem`), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const v = await verifyFrame(fx('ECS52 response').hex, folderKeyStore(dir));
    expect(v.mac.status).toBe('key-unusable');
    expect(v.mac.reason).toMatch(new RegExp(`${ESME}-ka\\.pem does not parse`));
  });

  it('a key store that never settles is bounded by keyTimeoutMs', async () => {
    const never: KeyStore = () => new Promise(() => {});
    const t0 = Date.now();
    const v = await verifyFrame(fx('CS06 command').hex, never, { acb: ACB, keyTimeoutMs: 50 });
    expect(v.signature).toMatchObject({ status: 'key-unusable' });
    expect(v.signature.reason).toMatch(/did not answer within 50 ms/);
    expect(v.mac.status).toBe('key-unusable');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await resolveKey(never, ESME, 'DS', undefined, { keyTimeoutMs: 10 })).toEqual({ unusable: expect.stringMatching(/10 ms/) });
  });
});

describe('issue 10.7 keys: folderKeyStore reads only regular files inside its folder', () => {
  const dir = join(tmp, 'hostile');
  const outside = join(tmp, 'outside.pem');
  cpSync(KEYS, dir, { recursive: true });
  // Generator: each non-regular or oversized thing under a key file's name.
  rmSync(join(dir, `${ESME}-ka.pem`));
  writeFileSync(outside, '-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n');
  symlinkSync(outside, join(dir, `${ESME}-ka.pem`)); // escape through a symlink
  rmSync(join(dir, `${ESME}-ds.pem`));
  mkdirSync(join(dir, `${ESME}-ds.pem`)); // a directory
  rmSync(join(dir, `${ACB}-ds.pem`));
  writeFileSync(join(dir, `${ACB}-ds.pem`), 'x'.repeat(70 * 1024)); // over the size cap
  rmSync(join(dir, `${ACB}-ka.pem`));
  const fifo = spawnSync('mkfifo', [join(dir, `${ACB}-ka.pem`)]).status === 0; // a FIFO (would block a plain read)
  const store = folderKeyStore(dir);

  it.each([
    ['a symbolic link', ESME, 'KA', /symbolic link/],
    ['a directory', ESME, 'DS', /is a directory/],
    ['a file over the size cap', ACB, 'DS', /over the 65536-byte key file limit/],
  ] as const)('%s is refused with KeyUnusableError', async (_what, eui, usage, msg) => {
    const e = await store(eui, usage).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(KeyUnusableError);
    expect((e as Error).message).toMatch(msg);
  });

  it.skipIf(!fifo)('a FIFO is refused without blocking', async () => {
    await expect(store(ACB, 'KA')).rejects.toThrow(/is a FIFO/);
  });

  it('and verification reports those as key-unusable', async () => {
    const v = await verifyFrame(fx('ECS52 response').hex, store);
    expect(v.mac.status).toBe('key-unusable');
  });
});

describe('issue 10.7 keys: the not-found cache is bounded (LRU)', () => {
  it('keeps at most maxCachedLookups lookups, dropping the least recently used', async () => {
    const store = folderKeyStore(KEYS, { maxCachedLookups: 8 });
    const first = await store(ESME, 'KA');
    // Within the bound, the same object comes back (the ECDH cache keys on it).
    for (let i = 0; i < 6; i++) expect(await store(`00000000000000${i.toString(16).padStart(2, '0')}`, 'DS')).toBeUndefined();
    expect(await store(ESME, 'KA')).toBe(first);
    // Past it (a flood of unknown EUIs), the oldest entries are gone: the key is parsed anew.
    for (let i = 0; i < 1000; i++) expect(await store(`1000000000${i.toString(16).padStart(6, '0')}`, 'KA')).toBeUndefined();
    const again = await store(ESME, 'KA');
    expect(again).not.toBe(first);
    expect((again as KeyObject).equals(first as KeyObject)).toBe(true);
  });
});

describe('issue 10.7 keys: the CLI gives key problems exit 4, distinct from a tampered frame (3)', () => {
  const dir = join(tmp, 'cli-rsa');
  cpSync(KEYS, dir, { recursive: true });
  writeFileSync(join(dir, `${ESME}-ka.pem`), rsa.publicKey.export({ type: 'spki', format: 'pem' }));

  it('decode --keys: an RSA key where the ESME KA key should be is exit 4 and says key-unusable', async () => {
    const r = await runCli(['decode', fx('ECS52 response').hex, '--keys', dir]);
    expect(r.status).toBe(4);
    expect(r.stdout).toMatch(/key-unusable/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('decode --keys: a tampered frame with good keys is exit 3', async () => {
    const b = fromHex(fx('ECS52 response').hex);
    b[b.length - 1]! ^= 1; // last MAC byte
    const r = await runCli(['decode', Buffer.from(b).toString('hex'), '--keys', KEYS]);
    expect(r.status).toBe(3);
  });

  it('decode --keys -: lines with an unusable key end with 4 unless a line is malformed (2)', async () => {
    const good = fx('ECS52 response').hex;
    expect((await runCli(['decode', '-', '--keys', dir], `${good}\n`)).status).toBe(4);
    expect((await runCli(['decode', '-', '--keys', dir], `${good}\nzz\n`)).status).toBe(2);
  });
});

describe('resolveKey reads a key-store promise it has seen settle at once (issue 12 item 4), without changing verdicts', () => {
  const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  it('the same settled promise again: the same verdict, fulfilled or rejected', async () => {
    const good = Promise.resolve(p256.publicKey);
    const bad = Promise.reject(new KeyUnusableError('broken file'));
    bad.catch(() => {});
    for (let i = 0; i < 3; i++) {
      expect((await resolveKey(() => good, ESME, 'DS', undefined)).key).toBe(p256.publicKey);
      expect((await resolveKey(() => bad, ESME, 'DS', undefined)).unusable).toMatch(/broken file/);
    }
  });

  it('a thenable that is not a promise is asked anew each time (its answer may change)', async () => {
    let n = 0;
    const thenable = { then: (ok: (v: unknown) => void) => ok(n++ === 0 ? p256.publicKey : undefined) };
    expect((await resolveKey(() => thenable as never, ESME, 'DS', undefined)).key).toBe(p256.publicKey);
    expect((await resolveKey(() => thenable as never, ESME, 'DS', undefined)).unknown).toMatch(/no DS public key/);
  });

  it('a promise that times out is not remembered as settled: a later answer is taken', async () => {
    let resolve!: (v: unknown) => void;
    const slow = new Promise((r) => (resolve = r));
    expect((await resolveKey(() => slow as never, ESME, 'DS', undefined, { keyTimeoutMs: 5 })).unusable).toMatch(/did not answer within 5 ms/);
    resolve(p256.publicKey);
    expect((await resolveKey(() => slow as never, ESME, 'DS', undefined, { keyTimeoutMs: 5 })).key).toBe(p256.publicKey);
  });
});
