// Issue 10.10 (say what is and isn't authenticated). Generators: high-S twins of signatures
// (fixtures and freshly signed random messages), every recorded envelope length of every
// security fixture widened to a non-minimal BER form.
import { generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  decodeFrames,
  decodePayload,
  encodePayload,
  fromHex,
  nonMinimalPayloadLength,
  toHex,
  type PayloadContext,
  encodeFrame,
  frameInitOf,
  GbcsDecodeError,
  IMAGE_SIGNATURE_UNCOVERED,
  isLowS,
  nonMinimalLength,
  normalizeSignature,
  verifyFrame,
} from '../src/index.js';
import { folderKeyStore } from '../src/node.js';
import { runCli } from './cliHarness.js';
import { fixture, readFixtures } from './fixtures.js';
import { prng } from './prng.js';

const KEYS = new URL('./fixtures/keys', import.meta.url).pathname;
const ks = folderKeyStore(KEYS);
const ACB = '90b3d51f30000002';
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const fx = (title: string) => fixture(title, 'security.hex');

const big = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
/** (r, n − s): the other signature of the same message. */
function twin(sig: Uint8Array): Uint8Array {
  const out = new Uint8Array(sig);
  const s = N - big(sig.subarray(32));
  out.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex'), 32);
  return out;
}

describe('issue 10.10 ECDSA: (r, s) and (r, n−s) both verify; signature bytes are no message identity', () => {
  it('a signed fixture and its high/low-S twin both verify, and normalizeSignature maps both to one low-S form', async () => {
    const f = decodeFrame(fx('CS06 response').bytes);
    const sig = f.signature!;
    const other = encodeFrame({ ...frameInitOf(f), signature: twin(sig) });
    expect(Buffer.from(other).equals(Buffer.from(f.bytes))).toBe(false); // different bytes …
    expect((await verifyFrame(f, ks)).signature.status).toBe('valid');
    expect((await verifyFrame(other, ks)).signature.status).toBe('valid'); // … same verdict
    const n1 = normalizeSignature(sig);
    const n2 = normalizeSignature(decodeFrame(other).signature!);
    expect(Buffer.from(n1).equals(Buffer.from(n2))).toBe(true);
    expect(isLowS(n1)).toBe(true);
    expect(isLowS(sig)).not.toBe(isLowS(twin(sig)));
  });

  it('generator: 200 freshly signed random messages; both forms verify, the normal form is low-S and the input is untouched', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const rnd = prng(10_10);
    let high = 0;
    for (let i = 0; i < 200; i++) {
      const msg = Buffer.from(Array.from({ length: 1 + (rnd() % 64) }, () => rnd() & 0xff));
      const sig = new Uint8Array(nodeSign('sha256', msg, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
      const copy = new Uint8Array(sig);
      const t = twin(sig);
      expect(nodeVerify('sha256', msg, { key: publicKey, dsaEncoding: 'ieee-p1363' }, t)).toBe(true);
      const n = normalizeSignature(sig);
      expect(sig).toEqual(copy);
      expect(isLowS(n)).toBe(true);
      expect(normalizeSignature(t)).toEqual(n);
      expect(nodeVerify('sha256', msg, { key: publicKey, dsaEncoding: 'ieee-p1363' }, n)).toBe(true);
      if (!isLowS(sig)) high++;
    }
    expect(high).toBeGreaterThan(50); // node:crypto does not produce low-S only either
    expect(() => normalizeSignature(new Uint8Array(63))).toThrow(TypeError);
  });
});

describe('issue 10.10 lengths: a long-form outer length still verifies (outside the AAD); decode { strict } refuses non-minimal lengths', () => {
  it('the ciphered-service length of a MACed frame re-encoded in long form verifies, and strict decoding refuses it at byte 7', async () => {
    const f = decodeFrame(fx('ECS52 response').bytes);
    expect(f.lengthWidths.ciphered).toBeGreaterThan(0);
    const wide = encodeFrame({ ...frameInitOf(f), lengthWidths: { ...f.lengthWidths, ciphered: f.lengthWidths.ciphered! + 1 } });
    expect(wide.length).toBe(f.bytes.length + 1);
    const v = await verifyFrame(wide, ks);
    expect(v.mac.status).toBe('valid'); // documented: the outer length is not authenticated
    expect(decodeFrame(f.bytes, { strict: true }).bytes).toBe(f.bytes);
    let e: unknown;
    try {
      decodeFrame(wide, { strict: true });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(GbcsDecodeError);
    expect(e).toMatchObject({ code: 'non-minimal-length', offset: 7 }); // DD 00×6, then the length
    const batch = decodeFrames([f.bytes, wide, f.bytes], { strict: true });
    expect(batch[0]).not.toBeInstanceOf(GbcsDecodeError);
    expect(batch[1]).toMatchObject({ code: 'non-minimal-length', frameIndex: 1 });
    expect(batch[2]).not.toBeInstanceOf(GbcsDecodeError);
    expect(decodeFrames([wide])[0]).not.toBeInstanceOf(GbcsDecodeError); // not strict: decodes
  });

  it('generator: every recorded length of every own fixture (security.hex, frames.hex), widened by 1-2 bytes, is refused by strict decoding at that field', () => {
    let tried = 0;
    const fields = new Set<string>();
    for (const fxr of [...readFixtures('security.hex'), ...readFixtures('frames.hex')]) {
      const f = decodeFrame(fxr.bytes);
      expect(nonMinimalLength(f)).toBeUndefined();
      for (const field of ['ciphered', 'otherInformation', 'content', 'blockData'] as const) {
        const w = f.lengthWidths[field];
        if (w === undefined || w <= 0) continue;
        for (const extra of [1, 2]) {
          const wide = encodeFrame({ ...frameInitOf(f), lengthWidths: { ...f.lengthWidths, [field]: w + extra } });
          const loose = decodeFrame(wide);
          expect(loose.lengthWidths[field]).toBe(w + extra);
          expect(() => decodeFrame(wide, { strict: true })).toThrow(/non-minimal|shortest form/);
          const err = nonMinimalLength(loose)!;
          expect(err.code).toBe('non-minimal-length');
          // The offset names the length field itself: its first byte is 8x (long form).
          expect(wide[err.offset]! & 0x80, `${fxr.title} ${field} +${extra} at ${err.offset}: ${err.message}`).toBe(0x80);
          fields.add(field);
          tried++;
        }
      }
    }
    expect(tried).toBeGreaterThan(40);
    expect([...fields].sort()).toEqual(['blockData', 'ciphered', 'content', 'otherInformation']);
  });
});

describe('issue 10.10 OTA: ota verify says which header fields the image signature does not cover (GBCS.md 5.2)', () => {
  it('lists every header field as outside the signature', async () => {
    const SAMPLE = new URL('./fixtures/sample-ota.bin', import.meta.url).pathname;
    const OTA_KEYS = new URL('./fixtures/ota-keys/', import.meta.url).pathname;
    const r = await runCli(['ota', 'verify', SAMPLE, '--keys', OTA_KEYS]);
    expect(r.stdout).toMatch(/not covered by the signature: file identifier, header version/);
    for (const field of ['manufacturer code', 'image type', 'file version', 'total image size', 'header string']) {
      expect(IMAGE_SIGNATURE_UNCOVERED).toContain(field);
      expect(r.stdout).toContain(field);
    }
  });
});

describe('issue 10.10 lengths: strict payload decoding refuses non-minimal lengths wherever they are recorded', () => {
  // Generator: each payload family that records a length form, minimal and long-form twins.
  const cases: [string, PayloadContext, string, string][] = [
    ['DLMS data-notification, octet-string length', { format: 'DLMS', cra: 'alert', messageCode: 0x8f0a }, '0F 00000001 00 09 02 AABB', '0F 00000001 00 09 8102 AABB'],
    ['DLMS data-notification, array count', { format: 'DLMS', cra: 'alert', messageCode: 0x8f0a }, '0F 00000001 00 01 01 11 05', '0F 00000001 00 01 820001 11 05'],
    ['ASN.1 SEQUENCE length', { format: 'ASN.1', cra: 'response', messageCode: 0x00b2 }, '30 03 020105', '30 8103 020105'],
  ];
  it.each(cases)('%s', (_name, ctx, minimal, wide) => {
    const a = fromHex(minimal.replace(/ /g, ''));
    const b = fromHex(wide.replace(/ /g, ''));
    expect(toHex(encodePayload(decodePayload(b, ctx)))).toBe(toHex(b)); // kept for byte-exact re-encoding
    expect(nonMinimalPayloadLength(decodePayload(a, ctx))).toBeUndefined();
    expect(() => decodePayload(a, { ...ctx, strict: true })).not.toThrow();
    expect(() => decodePayload(b, { ...ctx, strict: true })).toThrowError(expect.objectContaining({ code: 'non-minimal-length' }));
  });
});
