// Known-answer tests for the MAC and AES-GCM that run without the RTDS folder.
// Independent sources: GBCS.md 1.6 and 7.A (the ECS52 response worked example: frame
// bytes, OtherInfo, K, IV and MAC taken from the spec text, not from our encoder) and the
// GCM specification's AES-128 test case 4 (McGrew & Viega, also NIST SP 800-38D examples).
import { describe, expect, it } from 'vitest';
import { decodeFrame, fromHex, toHex } from '../src/index.js';
import { computeMac, macInputs } from '../src/security/mac.js';
import { kdfOtherInfo } from '../src/security/kdf.js';
import { nodePrimitives, webCryptoPrimitives } from '../src/security/primitives.js';

// GBCS.md 7.A, field by field as the spec lays it out.
const ECS52_RESPONSE = [
  'DD 00 00 00 00 00 00', '45', '11 00000000', 'DF 09 02 00000000000003E8',
  '08 00DB1234567890A0', '08 90B3D51F30010000', '00 02 0059 11',
  'DA 200003E8 00 00', '01 09 04 0123ABCD', '01 01 00', '00', '3BA27AAC07F946BFD463702F',
].join(' ');
const SPEC_OTHER_INFO = '6085740608030000DB1234567890A0 0902 00000000000003E8 90B3D51F30010000';
const SPEC_K = 'D288091F13F120DA8D2649C3AA543058';
const SPEC_IV = '00DB1234567890A000000000';
const SPEC_MAC = '3BA27AAC07F946BFD463702F';

const hex = (s: string) => fromHex(s.replace(/\s+/g, ''));
const PRIMITIVES = [['node:crypto', nodePrimitives], ['WebCrypto', webCryptoPrimitives()]] as const;

describe('issue 10.12 MAC known answer (GBCS.md 1.6 / 7.A, conformance)', () => {
  const frame = decodeFrame(ECS52_RESPONSE);

  it('the KDF OtherInfo of the worked example is the spec value', () => {
    const oi = kdfOtherInfo(hex('00DB1234567890A0'), 2, 1000n, hex('90B3D51F30010000'));
    expect(toHex(oi)).toBe(SPEC_OTHER_INFO.replace(/\s+/g, '').toLowerCase());
  });

  it('the IV of the worked example is the spec value', () => {
    expect(toHex(macInputs(frame).iv)).toBe(SPEC_IV.toLowerCase());
  });

  for (const [name, p] of PRIMITIVES) {
    it(`K, IV and AAD give the spec MAC on ${name}`, async () => {
      const { iv, aad } = macInputs(frame);
      const mac = await computeMac(hex(SPEC_K), iv, aad, { primitives: p });
      expect(toHex(mac)).toBe(SPEC_MAC.toLowerCase());
      expect(toHex(frame.mac!)).toBe(SPEC_MAC.toLowerCase());
    });

    it(`a single flipped AAD bit changes the MAC on ${name}`, async () => {
      const { iv, aad } = macInputs(frame);
      const bad = aad.slice();
      bad[bad.length - 1]! ^= 1;
      expect(toHex(await computeMac(hex(SPEC_K), iv, bad, { primitives: p }))).not.toBe(SPEC_MAC.toLowerCase());
    });
  }
});

// GCM specification test case 4 (AES-128, 60-byte plaintext, 20-byte AAD).
const GCM = {
  key: 'feffe9928665731c6d6a8f9467308308',
  iv: 'cafebabefacedbaddecaf888',
  aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
  plaintext:
    'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
  ciphertext:
    '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091',
  tag: '5bc94fbc3221a5db94fae95ae7121a47',
};

describe('issue 10.12 AES-128-GCM known answer (GCM test case 4, conformance)', () => {
  for (const [name, p] of PRIMITIVES) {
    it(`encrypts to the published ciphertext and tag (cut to 12 bytes, as GBCS) on ${name}`, async () => {
      const sealed = await p.aesGcmEncrypt(hex(GCM.key), hex(GCM.iv), hex(GCM.aad), hex(GCM.plaintext), 12);
      expect(toHex(sealed)).toBe(GCM.ciphertext + GCM.tag.slice(0, 24));
    });

    it(`opens the published ciphertext and refuses any flipped bit on ${name}`, async () => {
      const sealed = hex(GCM.ciphertext + GCM.tag.slice(0, 24));
      expect(toHex((await p.aesGcmDecrypt(hex(GCM.key), hex(GCM.iv), hex(GCM.aad), sealed, 12))!)).toBe(GCM.plaintext);
      for (const bit of [0, 8 * 30 + 3, 8 * (sealed.length - 1) + 7]) {
        const bad = sealed.slice();
        bad[bit >> 3]! ^= 1 << (bit & 7);
        expect(await p.aesGcmDecrypt(hex(GCM.key), hex(GCM.iv), hex(GCM.aad), bad, 12)).toBeUndefined();
      }
    });
  }
});
