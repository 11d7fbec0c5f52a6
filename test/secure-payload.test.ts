// Decryption integrated with the typed payload decoder, on the project's own keys and
// fixtures (no ../shared needed): decoded plaintexts, openPayload trees, byte-exact
// re-encoding, statuses for unknown keys / failed tags / undecodable plaintexts.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMacedFrame, decodeFrame, decodePayload, decryptFrame, encodePayload, encryptBlob, findEncryptedParts, fromHex, GbcsDecodeError, openFrame, openPayload, toHex, type DecodedPayload, type DlmsData, type DlmsOctetString, type GbcsFrame, type GbzEncryptedComponent, type KeyStore, type ZclCommand } from '../src/index.js';
import { folderKeyStore } from '../src/node.js';
import { toJsonSafe } from '../src/payload/json.js';
import { runCli } from './cliHarness.js';
import { fixture, readFixtures } from './fixtures.js';

const KEYS = new URL('./fixtures/keys', import.meta.url).pathname;
const ks = folderKeyStore(KEYS);
const SUPPLIER = '90b3d51f30010000';
const GSME = '00db1234567890a1';
const fixtures = readFixtures('security.hex');
const fx = (t: string) => fixture(t, 'security.hex');
const publicOnly: KeyStore = (eui, usage, o) => (o?.privateKey ? Promise.resolve(undefined) : ks(eui, usage, o));

/** Read Attributes Response records as id → value (the GCS13a-shaped fixture). */
function records(c: ZclCommand | DlmsData | undefined): Record<string, unknown> {
  if (!c || !('command' in c) || c.command !== 'read-attributes-response') throw new Error('not a read attributes response');
  return Object.fromEntries(c.records.map((r) => [`0x${r.id.toString(16).padStart(4, '0')}`, r.value?.value]));
}

/** The protected octet-strings of an opened DLMS tree. */
function protectedStrings(p: DecodedPayload): DlmsOctetString[] {
  const out: DlmsOctetString[] = [];
  const walk = (d: DlmsData) => {
    if (d.type === 'octet-string' && d.encrypted) out.push(d);
    if (d.type === 'array' || d.type === 'structure') d.items.forEach(walk);
  };
  if (p.format === 'DLMS' && p.type === 'access-response') p.data.forEach(walk);
  return out;
}

/** ECS17b plaintext: structure{structure{dlu 10, {0, 30}, dlu 10, {0, 32}}}. */
const ECS17_VALUES = [10, [0, 30], 10, [0, 32]];
const values = (d: DlmsData): unknown => (d.type === 'structure' || d.type === 'array' ? d.items.map(values) : (d as { value?: unknown }).value);

const encryptedComponent = (p: DecodedPayload) => (p.format === 'GBZ' ? (p.components[0] as GbzEncryptedComponent) : undefined)!;

describe('decryptFrame decodes the plaintext', () => {
  it('GCS13a-shaped: the GBZ component is a Read Attributes Response', async () => {
    const d = await decryptFrame(fx('GCS13a-shaped').hex, ks);
    const p = d.parts[0]!;
    expect(p).toMatchObject({ kind: 'gbz-component', status: 'decrypted', cluster: 0x0702 });
    expect(records(p.decoded)).toEqual({ '0x0302': 1000, '0x0301': 1, '0x0300': 1 });
    expect(p.decodeError).toBeUndefined();
  });

  it.each(['ECS17b-shaped', 'ECS21b-shaped URP'])('%s: the protected result is DLMS Data', async (t) => {
    const p = (await decryptFrame(fx(t).hex, ks)).parts[0]!;
    expect(p.status).toBe('decrypted');
    expect((p.decoded as DlmsData).type).toBe('structure');
    expect(values(p.decoded as DlmsData)).toEqual([ECS17_VALUES]);
  });
});

describe('openPayload', () => {
  it('GCS13a-shaped: the component keeps encrypted: true and its ciphertext, and carries decrypted', async () => {
    const f = decodeFrame(fx('GCS13a-shaped').bytes);
    const before = JSON.stringify(toJsonSafe(f.payload!.decoded));
    const tree = await openPayload(f, ks);
    const c = encryptedComponent(tree);
    expect(c.encrypted).toBe(true);
    expect(c.ciphertext[0]).toBe(0x31);
    expect(c.decrypted).toMatchObject({ status: 'decrypted', reason: 'AES-128-GCM tag verified' });
    expect(toHex(c.decrypted!.plaintext!)).toBe('02030022e80300010300220100000003003001');
    expect(records(c.decrypted!.decoded)).toEqual({ '0x0302': 1000, '0x0301': 1, '0x0300': 1 });
    // Re-encodes to the wire bytes (the ciphertext form), and the frame's own tree is untouched.
    expect(toHex(encodePayload(tree))).toBe(toHex(f.content));
    expect(JSON.stringify(toJsonSafe(f.payload!.decoded))).toBe(before);
    expect('decrypted' in encryptedComponent(f.payload!.decoded)).toBe(false);
  });

  it('ECS17b-shaped: the protected octet-string carries the decoded Data; re-encodes byte-exactly', async () => {
    const f = decodeFrame(fx('ECS17b-shaped').bytes);
    const tree = await openPayload(f, ks);
    const [s, ...rest] = protectedStrings(tree);
    expect(rest).toEqual([]);
    expect(s!.decrypted!.status).toBe('decrypted');
    expect(values(s!.decrypted!.decoded!)).toEqual([ECS17_VALUES]);
    expect(toHex(encodePayload(tree))).toBe(toHex(f.content));
  });

  it('openFrame gives the tree and the same report as decryptFrame', async () => {
    const { payload, decryption } = await openFrame(fx('ECS21b-shaped URP').hex, ks);
    const d = await decryptFrame(fx('ECS21b-shaped URP').hex, ks);
    expect(toJsonSafe(decryption)).toEqual(toJsonSafe(d));
    expect(protectedStrings(payload)[0]!.decrypted!.status).toBe('decrypted');
  });

  it('clear payloads come back as decodePayload gives them, with nothing added', async () => {
    for (const t of ['ECS52 response', 'CS06 command', 'PCS01-shaped']) {
      const f = decodeFrame(fx(t).bytes);
      const tree = await openPayload(f, ks);
      expect(toJsonSafe(tree)).toEqual(toJsonSafe(decodePayload(f.content, { format: f.payloadFormat, messageCode: f.messageCode, cra: f.cra, offsetBase: f.contentOffset })));
      expect(JSON.stringify(toJsonSafe(tree))).not.toContain('decrypted');
    }
  });

  it('does not modify the input bytes', async () => {
    const bytes = fx('GCS13a-shaped').bytes;
    const copy = bytes.slice();
    await openPayload(bytes, ks);
    expect(bytes).toEqual(copy);
  });

  it('is a GbcsDecodeError when the payload does not decode (as decodePayload)', async () => {
    const f = decodeFrame(fx('ECS17b-shaped').bytes);
    const bytes = f.bytes.slice();
    bytes[f.contentOffset] = 0x77; // not a DLMS APDU tag; the envelope still decodes
    await expect(openPayload(bytes, ks)).rejects.toBeInstanceOf(GbcsDecodeError);
    expect(await decryptFrame(bytes, ks)).toEqual({ encrypted: false, parts: [] });
  });
});

describe('statuses instead of throws', () => {
  it("a tampered ciphertext is 'invalid' and the tree still re-encodes to the tampered bytes", async () => {
    const bytes = fx('GCS13a-shaped').bytes.slice();
    const loc = findEncryptedParts(decodeFrame(bytes))[0]!;
    bytes[loc.offset + 10]! ^= 0x40;
    const f = decodeFrame(bytes);
    const tree = await openPayload(f, ks);
    const c = encryptedComponent(tree);
    expect(c.decrypted).toEqual({ status: 'invalid', reason: 'AES-128-GCM tag does not verify with the agreed key' });
    expect(toHex(encodePayload(tree))).toBe(toHex(f.content));
    const p = (await decryptFrame(f, ks)).parts[0]!;
    expect(p.status).toBe('invalid');
    expect(p.plaintext).toBeUndefined();
    expect(p.decoded).toBeUndefined();
  });

  it("an unknown key is 'key-unknown' on every part", async () => {
    for (const t of ['GCS13a-shaped', 'ECS17b-shaped']) {
      const tree = await openPayload(fx(t).hex, publicOnly);
      const node = tree.format === 'GBZ' ? encryptedComponent(tree) : protectedStrings(tree)[0]!;
      expect(node.decrypted!.status).toBe('key-unknown');
      expect(node.decrypted!.reason).toMatch(/private key/);
      expect(node.decrypted!.plaintext).toBeUndefined();
      expect((await decryptFrame(fx(t).hex, publicOnly)).parts[0]!.status).toBe('key-unknown');
    }
  });

  it("a GBZ encrypted component without the 31 security byte is 'invalid', not a throw", async () => {
    const bytes = fx('GCS13a-shaped').bytes.slice();
    bytes[findEncryptedParts(decodeFrame(bytes))[0]!.offset] = 0x30;
    const p = (await decryptFrame(bytes, ks)).parts[0]!;
    expect(p).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/not a 31/) });
  });

  it('a verified plaintext that does not decode gives decodeError with the plaintext offset', async () => {
    const msg = { kind: 'general-ciphering', cra: 'response', originatorCounter: 0x2000n, originator: GSME, recipient: SUPPLIER, messageCode: 0x0074 } as const;
    const plain = fromHex('0203'); // a Read Attributes Response record cut after its attribute id
    const blob = await encryptBlob(msg, plain, ks);
    const h16 = (n: number) => n.toString(16).padStart(4, '0');
    const content = fromHex(`01 09 01 03 0702 ${h16(7 + blob.length)} 00 00 18 00 01 ${h16(blob.length)} ${toHex(blob)}`);
    const frame = await buildMacedFrame({ ...msg, content, signatureState: 'empty' }, ks);
    const p = (await decryptFrame(frame, ks)).parts[0]!;
    expect(p.status).toBe('decrypted');
    expect(toHex(p.plaintext!)).toBe('0203');
    expect(p.decoded).toBeUndefined();
    expect(p.decodeError).toMatchObject({ code: expect.any(String), offset: 2 });
    const c = encryptedComponent(await openPayload(frame, ks));
    expect(c.decrypted!.decodeError).toEqual(p.decodeError);
  });

  it('an ESME DLMS plaintext with a bad Data tag gives decodeError', async () => {
    const f = decodeFrame(fx('ECS17b-shaped').bytes);
    const old = findEncryptedParts(f)[0]!;
    // A blob of the same length keeps every length field valid (the MAC no longer does: not checked here).
    const padded = await encryptBlob(f, fromHex(`FF${'00'.repeat(old.length - 18)}`), ks);
    expect(padded.length).toBe(old.length);
    const bytes = f.bytes.slice();
    bytes.set(padded, old.offset);
    const p = (await decryptFrame(bytes, ks)).parts[0]!;
    expect(p.status).toBe('decrypted');
    expect(p.decodeError).toMatchObject({ code: 'dlms-data-tag', offset: 0 });
  });
});

describe('fuzz: openPayload on mutated fixtures', () => {
  it('gives a tree that re-encodes to the content, or a GbcsDecodeError; never another error', async () => {
    let x = 4242;
    const rnd = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
      return x % n;
    };
    const enc = fixtures.filter((f) => findEncryptedParts(decodeFrame(f.bytes)).length > 0);
    expect(enc.length).toBe(3);
    let trees = 0;
    let statuses = 0;
    for (let i = 0; i < 300; i++) {
      const src = enc[rnd(enc.length)]!.bytes;
      const b = src.slice();
      const { contentOffset: at, layout } = decodeFrame(src);
      for (let k = rnd(3); k >= 0; k--) b[at + rnd(layout.contentLength)] = rnd(256);
      let f: GbcsFrame;
      try {
        f = decodeFrame(b);
        const { payload, decryption } = await openFrame(f, ks);
        expect(toHex(encodePayload(payload))).toBe(toHex(f.content));
        statuses += decryption.parts.length;
        trees++;
      } catch (e) {
        if (!(e instanceof GbcsDecodeError)) throw e;
      }
    }
    expect(trees).toBeGreaterThan(50);
    expect(statuses).toBeGreaterThan(50);
  });
});

describe('gbcs decode --keys shows decrypted content as a typed tree', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gbcs-certs-'));
  for (const n of readdirSync(KEYS)) if (n.endsWith('.pem')) cpSync(join(KEYS, n), join(tmp, n));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('text: the ZCL command and the DLMS Data under the ciphertext', async () => {
    const t = await runCli(['decode', '--keys', KEYS, fx('GCS13a-shaped').hex]);
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/encrypted \(frame counter 0\): 31[0-9a-f]+.*\n\s+decrypted:\n\s+0x0302 Divisor: uint24 1000\n\s+0x0301 Multiplier: uint24 1\n\s+0x0300 UnitOfMeasure: enum8 1\n/);
    const d = await runCli(['decode', '--keys', KEYS, fx('ECS17b-shaped').hex]);
    expect(d.stdout).toMatch(/\(ciphertext\)\n\s+decrypted:\n\s+structure \(1\)\n\s+\[0\] structure \(4\)\n\s+\[0\] double-long-unsigned 10\n/);
  });

  it('--json: the payload tree carries decrypted.decoded', async () => {
    const j = JSON.parse((await runCli(['decode', '--json', '--keys', KEYS, fx('GCS13a-shaped').hex])).stdout);
    const c = j.payload.components[0];
    expect(c.encrypted).toBe(true);
    expect(c.decrypted.status).toBe('decrypted');
    expect(c.decrypted.plaintext).toBe('02030022e80300010300220100000003003001');
    expect(c.decrypted.decoded.records.map((r: { id: number; value: { value: number } }) => [r.id, r.value.value])).toEqual([[0x302, 1000], [0x301, 1], [0x300, 1]]);
    expect(j.security.decrypted[0]).toMatchObject({ kind: 'gbz-component', status: 'decrypted' });
  });

  it('without private keys the payload says key-unknown; a tampered blob exits 3', async () => {
    const t = await runCli(['decode', '--keys', tmp, fx('ECS17b-shaped').hex]);
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/\(ciphertext\)\n\s+decryption key-unknown \(/);
    const f = decodeFrame(fx('GCS13a-shaped').bytes);
    const bytes = f.bytes.slice();
    bytes[findEncryptedParts(f)[0]!.offset + 9]! ^= 1;
    const r = await runCli(['decode', '--keys', KEYS, toHex(bytes)]);
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/decryption invalid \(AES-128-GCM tag does not verify/);
  });

  it('without --keys the payload shows the ciphertext only', async () => {
    const t = await runCli(['decode', fx('GCS13a-shaped').hex]);
    expect(t.stdout).toMatch(/encrypted \(frame counter 0\)/);
    expect(t.stdout).not.toMatch(/decrypted/);
  });
});
