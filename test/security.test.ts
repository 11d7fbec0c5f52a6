// Security layer on the project's own keys and fixtures (no ../shared needed).
import { createHash, createPublicKey, verify as nodeVerify, KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMacedFrame, decodeFrame, decryptFrame, EcdhCache, encodeFrame, frameInitOf, encryptBlob, findEncryptedParts, fromHex, GbcsDecodeError, GbcsEncodeError, kdf, kdfOtherInfo, signPreCommand, toHex, verifyFrame, webCryptoPrimitives, type KeyStore } from '../src/index.js';
import { folderKeyStore } from '../src/node.js';
import { fixture, readFixtures, type Fixture } from './fixtures.js';
import { bitSample, tamperDetected } from './tamper.js';

const KEYS = new URL('./fixtures/keys', import.meta.url).pathname;
const ks = folderKeyStore(KEYS);
const SUPPLIER = '90b3d51f30010000';
const ACB = '90b3d51f30000002';
const ESME = '00db1234567890a0';
const GSME = '00db1234567890a1';
const PPMID = '00db1234567890a4';
const fixtures = readFixtures('security.hex');
const fx = (title: string): Fixture => fixture(title, 'security.hex');
/** A store that hides private keys (a party that only holds certificates). */
const publicOnly: KeyStore = (eui, usage, o) => (o?.privateKey ? Promise.resolve(undefined) : ks(eui, usage, o));

describe('folderKeyStore', () => {
  it('loads certificates, SPKI public keys and PKCS#8 private keys, and caches them', async () => {
    const cert = await ks(ESME, 'KA');
    expect(cert).toBeInstanceOf(KeyObject);
    expect((cert as KeyObject).type).toBe('public');
    expect((cert as KeyObject).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(await ks(ESME.toUpperCase(), 'KA')).toBe(cert); // same object: the ECDH cache keys on it
    const priv = (await ks(ESME, 'KA', { privateKey: true })) as KeyObject;
    expect(priv.type).toBe('private');
    // The certificate's key is the public half of the private key.
    expect(createPublicDer(priv)).toEqual((cert as KeyObject).export({ type: 'spki', format: 'der' }));
    expect(((await ks(SUPPLIER, 'KA', { prepayment: true })) as KeyObject).type).toBe('public'); // SPKI .pem
    expect(await ks(SUPPLIER, 'KA', { prepayment: true })).not.toBe(await ks(SUPPLIER, 'KA'));
  });

  it('derives the public key when only the private key file exists', async () => {
    const pub = (await ks(PPMID, 'KA')) as KeyObject;
    expect(pub.type).toBe('public');
    expect(pub.export({ type: 'spki', format: 'der' })).toEqual(createPublicDer((await ks(PPMID, 'KA', { privateKey: true })) as KeyObject));
  });

  it('reports unknown keys as undefined and lists the parties', async () => {
    expect(await ks('0011223344556677', 'DS')).toBeUndefined();
    expect(await ks(GSME, 'DS')).toBeUndefined();
    expect(await ks(GSME, 'KA', { privateKey: true })).toBeDefined();
    expect(await ks('not an eui', 'KA')).toBeUndefined();
    await expect(ks(ESME, 'XX' as 'DS')).rejects.toThrow(TypeError);
    expect(await ks.parties()).toEqual([ESME, GSME, PPMID, ACB, SUPPLIER].sort());
  });

  it('fails loudly on a missing folder or a malformed key file', async () => {
    await expect(folderKeyStore('/nonexistent/keys')(ESME, 'KA')).rejects.toThrow(/key store folder/);
    const dir = mkdtempSync(join(tmpdir(), 'gbcs-ks-'));
    try {
      writeFileSync(join(dir, `${ESME}-ka.pem`), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
      await expect(folderKeyStore(dir)(ESME, 'KA')).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const createPublicDer = (priv: KeyObject) => createPublicKey(priv).export({ type: 'spki', format: 'der' });

describe('KDF and ECDH cache', () => {
  it('builds the 33-byte OtherInfo of GBCS.md 1.6 (ECS52 response example)', () => {
    const oi = kdfOtherInfo(fromHex('00DB1234567890A0'), 2, 0x3e8n, fromHex('90B3D51F30010000'));
    expect(toHex(oi)).toBe('6085740608030000db1234567890a0090200000000000003e890b3d51f30010000');
    expect(kdfOtherInfo(fromHex('00DB1234567890A0'), 2, fromHex('00000000000003E8'), fromHex('90B3D51F30010000'))).toEqual(oi);
    expect(() => kdfOtherInfo(new Uint8Array(7), 2, 1n, new Uint8Array(8))).toThrow(TypeError);
  });

  it('is SHA-256(00000001 ‖ Z ‖ OtherInfo) cut to 16 bytes', async () => {
    const z = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    const oi = kdfOtherInfo(fromHex(ESME), 1, 5n, fromHex(SUPPLIER));
    const want = createHash('sha256').update(Buffer.from('00000001', 'hex')).update(z).update(oi).digest().subarray(0, 16);
    expect(toHex(await kdf(z, oi))).toBe(want.toString('hex'));
  });

  it('does ECDH once per key pair across repeated messages, and not at all cached when disabled', async () => {
    const cache = new EcdhCache();
    const f = decodeFrame(fx('ECS52 response').bytes);
    for (let i = 0; i < 5; i++) expect((await verifyFrame(f, ks, { ecdhCache: cache })).mac.status).toBe('valid');
    expect(cache.computations).toBe(1);
    await verifyFrame(decodeFrame(fx('ECS17b-shaped').bytes), ks, { ecdhCache: cache }); // same two parties
    expect(cache.computations).toBe(1);
    await verifyFrame(decodeFrame(fx('ECS52 command').bytes), ks, { acb: ACB, ecdhCache: cache }); // ACB x ESME
    expect(cache.computations).toBe(2);
    expect((await verifyFrame(f, ks, { ecdhCache: false })).mac.status).toBe('valid');
  });
});

// Expected [signature, mac] per fixture title prefix.
const EXPECTED: Array<[string, string, string]> = [
  ['ECS52 command', 'absent', 'valid'],
  ['ECS52 response', 'absent', 'valid'],
  ['CS06 pre-command', 'absent', 'absent'],
  ['CS06 signed pre-command', 'valid', 'absent'],
  ['CS06 command', 'valid', 'valid'],
  ['CS06 response', 'valid', 'absent'],
  ['GCS13a-shaped', 'absent', 'valid'],
  ['ECS17b-shaped', 'absent', 'valid'],
  ['ECS21b-shaped URP', 'absent', 'valid'],
  ['PCS01-shaped', 'absent', 'valid'],
];

describe('verifyFrame (round-trip tests: fixtures signed and MACed by our own builders; conformance is test/rtds-security and test/security-kat)', () => {
  it.each(EXPECTED)('%s: signature %s, MAC %s', async (title, sig, mac) => {
    const v = await verifyFrame(fx(title).hex, ks, { acb: ACB });
    expect(v.signature.status).toBe(sig);
    expect(v.mac.status).toBe(mac);
    expect(v.ok).toBe(sig === 'valid' || mac === 'valid');
  });

  it('covers every fixture', () => {
    expect(fixtures.map((f) => EXPECTED.some(([t]) => f.title.startsWith(t)))).not.toContain(false);
  });

  it('names the MACing party: the ACB for commands, the originator for responses and HAN commands', async () => {
    expect((await verifyFrame(fx('CS06 command').hex, ks, { acb: ACB })).mac).toMatchObject({ macParty: ACB, peer: ESME });
    expect((await verifyFrame(fx('ECS52 response').hex, ks)).mac).toMatchObject({ macParty: ESME, peer: SUPPLIER });
    expect((await verifyFrame(fx('PCS01-shaped').hex, ks, { acb: ACB })).mac).toMatchObject({ status: 'valid', macParty: PPMID, peer: GSME });
    // The broker rule applied to the HAN command would not verify.
    expect((await verifyFrame(fx('PCS01-shaped').hex, ks, { macParty: ACB })).mac.status).toBe('invalid');
  });

  it('reports key-unknown with a reason instead of throwing', async () => {
    const noAcb = await verifyFrame(fx('CS06 command').hex, ks);
    expect(noAcb.mac.status).toBe('key-unknown');
    expect(noAcb.mac.reason).toMatch(/no ACB/);
    expect(noAcb.signature.status).toBe('valid');
    const empty: KeyStore = async () => undefined;
    const v = await verifyFrame(fx('CS06 command').hex, empty, { acb: ACB });
    expect(v.signature).toMatchObject({ status: 'key-unknown', signer: SUPPLIER });
    expect(v.mac.status).toBe('key-unknown');
    expect(v.mac.reason).toMatch(/private key/);
    // Certificates alone cannot check a MAC (ECDH needs one private key)...
    expect((await verifyFrame(fx('ECS52 response').hex, publicOnly)).mac.status).toBe('key-unknown');
    // ...but they verify signatures.
    expect((await verifyFrame(fx('CS06 response').hex, publicOnly)).signature.status).toBe('valid');
  });

  it('reports a MAC made with the wrong ACB, or a wrong signer key, as invalid', async () => {
    expect((await verifyFrame(fx('ECS52 command').hex, ks, { acb: SUPPLIER })).mac.status).toBe('invalid');
    const swapped: KeyStore = (eui, usage, o) => ks(eui === SUPPLIER && usage === 'DS' ? ESME : eui, usage, o);
    const v = await verifyFrame(fx('CS06 command').hex, swapped, { acb: ACB });
    expect(v.signature.status).toBe('invalid');
    expect(v.mac.status).toBe('valid');
    expect(v.ok).toBe(false);
  });

  it('throws GbcsDecodeError on malformed input and does not touch the input', async () => {
    await expect(verifyFrame('DD 00', ks)).rejects.toBeInstanceOf(GbcsDecodeError);
    const bytes = fx('CS06 command').bytes;
    const copy = bytes.slice();
    await verifyFrame(bytes, ks, { acb: ACB });
    await decryptFrame(bytes, ks);
    expect(bytes).toEqual(copy);
  });
});

describe('signPreCommand', () => {
  const pre = fx('CS06 pre-command');

  it('signs the bytes after DF up to the end of the payload; node:crypto verifies it directly', async () => {
    const signed = await signPreCommand(pre.hex, SUPPLIER, ks);
    const f = decodeFrame(signed);
    expect(f.kind).toBe('general-signing');
    expect(f.signatureState).toBe('present');
    expect(toHex(f.signedBytes!)).toBe(toHex(decodeFrame(pre.bytes).signedBytes!));
    expect(toHex(signed.subarray(0, signed.length - 65))).toBe(pre.hex.toLowerCase());
    expect(signed[signed.length - 65]).toBe(0x40);
    const pub = (await ks(SUPPLIER, 'DS')) as KeyObject;
    expect(nodeVerify('sha256', f.signedBytes!, { key: pub, dsaEncoding: 'ieee-p1363' }, f.signature!)).toBe(true);
    expect((await verifyFrame(f, ks)).signature.status).toBe('valid');
    // The ACB can then MAC it.
    const cmd = await buildMacedFrame(f, ks, { acb: ACB });
    expect(await verifyFrame(cmd, ks, { acb: ACB })).toMatchObject({ ok: true, signature: { status: 'valid' }, mac: { status: 'valid' } });
  });

  it('accepts a zero-length signature field and a decoded frame, leaving the input alone', async () => {
    const f = decodeFrame(pre.bytes);
    const emptySig = encodeFrame({ ...frameInitOf(f), signatureState: 'empty' });
    const copy = emptySig.slice();
    const signed = await signPreCommand(emptySig, SUPPLIER, ks);
    expect(emptySig).toEqual(copy);
    expect((await verifyFrame(signed, ks)).signature.status).toBe('valid');
    expect((await verifyFrame(await signPreCommand(f, SUPPLIER.toUpperCase(), ks), ks)).signature.status).toBe('valid');
  });

  it('refuses what it cannot sign correctly', async () => {
    await expect(signPreCommand(pre.hex, ESME, ks)).rejects.toThrow(/not the originator/);
    await expect(signPreCommand(fx('CS06 signed').hex, SUPPLIER, ks)).rejects.toThrow(/already signed/);
    await expect(signPreCommand(fx('CS06 command').hex, SUPPLIER, ks)).rejects.toThrow(/general-signing/);
    await expect(signPreCommand(fx('CS06 response').hex, ESME, ks)).rejects.toThrow(/commands/);
    await expect(signPreCommand(pre.hex, SUPPLIER, publicOnly)).rejects.toBeInstanceOf(GbcsEncodeError);
  });
});

describe('buildMacedFrame', () => {
  const base = {
    kind: 'general-ciphering',
    cra: 'response',
    originatorCounter: 77n,
    originator: ESME,
    recipient: SUPPLIER,
    messageCode: 0x0059,
    content: fromHex('DA 2000004D 00 00 01 09 04 0A0B0C0D 01 01 00'),
  } as const;

  it('round-trips: the frame decodes, re-encodes byte-exact and verifies', async () => {
    const bytes = await buildMacedFrame(base, ks);
    const f = decodeFrame(bytes);
    expect(f.kind).toBe('general-ciphering');
    expect(f.signatureState).toBe('empty');
    expect(toHex(f.content)).toBe(toHex(base.content));
    expect(encodeFrame(f)).toEqual(bytes);
    expect((await verifyFrame(f, ks)).mac.status).toBe('valid');
  });

  it('works from either side of the key agreement (device or remote party private key)', async () => {
    const deviceOnly: KeyStore = (eui, u, o) => (o?.privateKey && eui !== ESME ? Promise.resolve(undefined) : ks(eui, u, o));
    const supplierOnly: KeyStore = (eui, u, o) => (o?.privateKey && eui !== SUPPLIER ? Promise.resolve(undefined) : ks(eui, u, o));
    const a = await buildMacedFrame(base, deviceOnly, { ecdhCache: false });
    const b = await buildMacedFrame(base, supplierOnly, { ecdhCache: false });
    expect(toHex(a)).toBe(toHex(b)); // GCM with empty plaintext is deterministic
    expect((await verifyFrame(a, supplierOnly)).mac.status).toBe('valid');
  });

  it('MACs the security control and invocation counter of the frame', async () => {
    const other = await buildMacedFrame({ ...base, securityHeader: { securityControl: 0x11, invocationCounter: 5 } }, ks);
    const plain = await buildMacedFrame(base, ks);
    expect(toHex(other.subarray(-12))).not.toBe(toHex(plain.subarray(-12)));
    expect((await verifyFrame(other, ks)).mac.status).toBe('valid');
  });

  it('needs the ACB for commands and a private key of one side', async () => {
    await expect(buildMacedFrame({ ...base, cra: 'command' }, ks)).rejects.toThrow(/acb/);
    await expect(buildMacedFrame(base, publicOnly)).rejects.toBeInstanceOf(GbcsEncodeError);
  });
});

describe('decryptFrame (round-trip tests: blobs sealed by our own encryptBlob; conformance is test/rtds-secure-payload)', () => {
  const ZCL = '02030022e80300010300220100000003003001';
  const DLMS = '02010204060000000a02020f00161e060000000a02020f001620';

  it.each([
    ['GCS13a-shaped', 'gbz-component', ZCL],
    ['ECS17b-shaped', 'dlms-protected', DLMS],
    ['ECS21b-shaped URP', 'dlms-protected', DLMS],
  ])('%s: decrypts the %s', async (title, kind, plain) => {
    const f = decodeFrame(fx(title).bytes);
    const d = await decryptFrame(f, ks);
    expect(d.encrypted).toBe(true);
    expect(d.parts).toHaveLength(1);
    const p = d.parts[0]!;
    expect(p).toMatchObject({ kind, status: 'decrypted', index: 0 });
    expect(toHex(p.plaintext!)).toBe(plain);
    expect(p.ciphertext[0]).toBe(0x31);
    expect(toHex(f.bytes.subarray(p.offset, p.offset + p.length))).toBe(toHex(p.ciphertext));
    expect(p.ciphertext.length).toBe(plain.length / 2 + 17);
    // Certificates alone are not enough.
    expect((await decryptFrame(f, publicOnly)).parts[0]).toMatchObject({ status: 'key-unknown' });
  });

  it('reports clear payloads as not encrypted', async () => {
    for (const t of ['ECS52 response', 'CS06 command', 'PCS01-shaped']) expect(await decryptFrame(fx(t).hex, ks)).toEqual({ encrypted: false, parts: [] });
  });

  it('reports a tampered ciphertext as invalid (the GCM tag fails)', async () => {
    const bytes = fx('GCS13a-shaped').bytes.slice();
    const loc = findEncryptedParts(decodeFrame(bytes))[0]!;
    bytes[loc.offset + 8]! ^= 0x01;
    expect((await decryptFrame(bytes, ks)).parts[0]).toMatchObject({ status: 'invalid' });
  });

  it('encryptBlob: the URP key differs from the plain one (recipient and counter from Other Information)', async () => {
    const msg = { originator: ESME, recipient: ACB, originatorCounter: 1n };
    const plain = fromHex('0102');
    const a = await encryptBlob(msg, plain, ks);
    const b = await encryptBlob({ ...msg, otherInformation: { supplementaryRemotePartyId: SUPPLIER, supplementaryRemotePartyCounter: 1n, supplementaryOriginatorCounter: 9n } }, plain, ks);
    expect(toHex(a)).not.toBe(toHex(b));
    expect(a.length).toBe(2 + 17);
    await expect(encryptBlob({ ...msg, recipient: '0011223344556677' }, plain, publicOnly)).rejects.toBeInstanceOf(GbcsEncodeError);
  });
});

describe('WebCrypto primitives give the same results', () => {
  const web = webCryptoPrimitives();
  it('verifies, decrypts, signs and MACs every fixture', async () => {
    for (const [title, sig, mac] of EXPECTED) {
      const v = await verifyFrame(fx(title).hex, ks, { acb: ACB, primitives: web, ecdhCache: false });
      expect([title, v.signature.status, v.mac.status]).toEqual([title, sig, mac]);
    }
    const d = await decryptFrame(fx('GCS13a-shaped').hex, ks, { primitives: web, ecdhCache: false });
    expect(d.parts[0]!.status).toBe('decrypted');
    const signed = await signPreCommand(fx('CS06 pre-command').hex, SUPPLIER, ks, { primitives: web });
    expect((await verifyFrame(signed, ks)).signature.status).toBe('valid');
    const f = decodeFrame(fx('ECS52 response').bytes);
    expect(toHex(await buildMacedFrame(f, ks, { primitives: web, ecdhCache: false }))).toBe(toHex(f.bytes));
  });
});

describe('tamper detection (own fixtures, every bit)', () => {
  it('detects every single-bit flip of every signed or MACed fixture', async () => {
    let flips = 0;
    for (const f of fixtures) {
      const v = await verifyFrame(f.bytes, ks, { acb: ACB });
      const was = { sig: v.signature.status === 'valid', mac: v.mac.status === 'valid' };
      if (!was.sig && !was.mac) continue;
      for (const bit of bitSample(f.bytes.length, 4096, 1)) {
        flips++;
        if (!(await tamperDetected(f.bytes, bit, ks, ACB, was))) throw new Error(`${f.title}: flip of bit ${bit} undetected`);
      }
    }
    expect(flips).toBeGreaterThan(8 * 500);
  });
});

describe('fuzz: the security functions never crash on garbage', () => {
  it('random mutations give GbcsDecodeError or a result, never another error', async () => {
    let x = 12345;
    const rnd = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
      return x % n;
    };
    let results = 0;
    for (let i = 0; i < 400; i++) {
      const src = fixtures[rnd(fixtures.length)]!.bytes;
      const b = src.slice(0, rnd(8) === 0 ? rnd(src.length) + 1 : src.length);
      // Mostly payload bytes (the envelope decoder rejects most header damage first).
      const { contentOffset: at, layout } = decodeFrame(src);
      for (let k = rnd(4); k >= 0; k--) b[rnd(4) === 0 ? rnd(b.length) : at + rnd(layout.contentLength)] = rnd(256);
      try {
        const f = decodeFrame(b);
        findEncryptedParts(f);
        await decryptFrame(f, ks);
        await verifyFrame(f, ks, { acb: ACB });
        results++;
      } catch (e) {
        if (!(e instanceof GbcsDecodeError)) throw e;
      }
    }
    expect(results).toBeGreaterThan(150);
  });

  it('findEncryptedParts stops cleanly on truncated or hostile payloads', () => {
    const f = decodeFrame(fx('ECS17b-shaped').bytes);
    const content = f.content;
    // The payload re-wrapped as a bare general-signing frame (no MAC, minimal lengths).
    const bare = { ...frameInitOf(f), kind: 'general-signing' as const, mac: undefined, securityHeader: undefined, lengthWidths: undefined };
    for (let cut = 0; cut < content.length; cut++) {
      const g = decodeFrame(encodeFrame({ ...bare, content: content.subarray(0, cut) }));
      expect(() => findEncryptedParts(g)).not.toThrow();
    }
    // Deep nesting is bounded, not a stack overflow.
    const deep = fromHex(`DA 20000001 00 00 01 ${'02 01 '.repeat(5000)}00`);
    const g = decodeFrame(encodeFrame({ ...bare, content: deep }));
    expect(findEncryptedParts(g)).toEqual([]);
  });
});

