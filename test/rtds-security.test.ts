// RTDS 4.5.0 security conformance: every non-empty signature verifies, every MAC whose
// keys are in the keystore verifies, encrypted content decrypts, pre-commands sign to the
// published commands' signed bytes, and single-bit tampering is always detected.
import { verify as nodeVerify, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeFrame, decryptFrame, fromHex, kdfOtherInfo, signPreCommand, toHex, verifyFrame, type FrameVerification } from '../src/index.js';
import { folderKeyStore } from '../src/node.js';
import { agreeKey } from '../src/security/agreement.js';
import { HAVE_RTDS, RTDS_KEYSTORE, RTDS_SKIP_REASON, rtdsFiles } from './rtds.js';
import { bitSample, tamperDetected } from './tamper.js';

const ACB = '90b3d51f30000002';
if (!HAVE_RTDS) console.warn(`[security] ${RTDS_SKIP_REASON}`);

describe.skipIf(!HAVE_RTDS)('RTDS security conformance', () => {
  const ks = folderKeyStore(RTDS_KEYSTORE);
  const files = rtdsFiles();
  const results = new Map<string, FrameVerification>();

  it('every non-empty signature verifies and every MAC with known keys verifies', async () => {
    const counts = { signatureValid: 0, signatureKeyUnknown: 0, signatureAbsent: 0, macValid: 0, macKeyUnknown: 0, macAbsent: 0 };
    const bad: string[] = [];
    const macUnknown: string[] = [];
    for (const f of files) {
      const frame = decodeFrame(f.bytes);
      const v = await verifyFrame(frame, ks, { acb: ACB });
      results.set(f.name, v);
      if (v.signature.status === 'invalid' || v.mac.status === 'invalid') bad.push(`${f.name}: ${v.signature.reason}; ${v.mac.reason}`);
      if (v.signature.status === 'valid') counts.signatureValid++;
      else if (v.signature.status === 'key-unknown') counts.signatureKeyUnknown++;
      else counts.signatureAbsent++;
      if (v.mac.status === 'valid') counts.macValid++;
      else if (v.mac.status === 'key-unknown') {
        counts.macKeyUnknown++;
        macUnknown.push(f.useCase);
      } else counts.macAbsent++;
      // The categories line up with the frame: a signature iff 40 ‖ r ‖ s, a MAC iff DD.
      expect(v.signature.status === 'absent').toBe(frame.signatureState !== 'present');
      expect(v.mac.status === 'absent').toBe(frame.kind !== 'general-ciphering');
    }
    console.log(
      `[security] RTDS ${files.length} frames: signatures ${counts.signatureValid} verified, ${counts.signatureKeyUnknown} key unknown, ${counts.signatureAbsent} absent/empty; ` +
        `MACs ${counts.macValid} verified, ${counts.macKeyUnknown} key unknown (${[...new Set(macUnknown)].join(', ')}), ${counts.macAbsent} absent`,
    );
    expect(bad).toEqual([]);
    expect(counts.signatureKeyUnknown).toBe(0);
    expect(counts.signatureValid).toBeGreaterThan(300);
    expect(counts.macValid).toBeGreaterThan(600);
    // The keystore has no private key of either HAN device: PCS01/PCS02 only (RTDS README).
    expect([...new Set(macUnknown)].sort()).toEqual(['PCS01', 'PCS02']);
  });

  it('reproduces the GBCS.md 1.6 ECS52 example: OtherInfo, K, MAC', async () => {
    const f = files.find((x) => x.name === '11.2_ECS52/ECS52_11.2_SUCCESS_RESPONSE_GBCS.HEX')!;
    const frame = decodeFrame(f.bytes);
    const oi = kdfOtherInfo(fromHex(frame.originator), 2, frame.originatorCounter, fromHex(frame.recipient));
    expect(toHex(oi)).toBe('6085740608030000db1234567890a0090200000000000003e890b3d51f30010000');
    const agreed = await agreeKey(ks, frame.originator, frame.recipient, oi);
    expect(toHex(agreed.key!)).toBe('d288091f13f120da8d2649c3aa543058');
    expect(toHex(frame.mac!)).toBe('3ba27aac07f946bfd463702f');
    expect((await verifyFrame(frame, ks)).mac.status).toBe('valid');
  });

  it('decrypts every encrypted GBZ component and DLMS protected result', async () => {
    const counts: Record<string, number> = {};
    for (const f of files) {
      const d = await decryptFrame(f.bytes, ks);
      for (const p of d.parts) {
        counts[`${p.kind} ${p.status}`] = (counts[`${p.kind} ${p.status}`] ?? 0) + 1;
        expect([f.name, p.status]).toEqual([f.name, 'decrypted']);
        expect(p.plaintext!.length).toBe(p.length - 17);
      }
    }
    console.log(`[security] RTDS decryption: ${JSON.stringify(counts)}`);
    expect(counts['gbz-component decrypted']).toBeGreaterThan(20);
    expect(counts['dlms-protected decrypted']).toBeGreaterThan(10);
    // GBCS.md 3.3: the GCS13a component is a Read Attributes Response (0x0302 = 1000 ...).
    const gcs13a = files.find((x) => x.name.includes('GCS13a') && x.kind === 'RESPONSE' && x.name.includes('SUCCESS'))!;
    const p = (await decryptFrame(gcs13a.bytes, ks)).parts[0]!;
    expect(toHex(p.plaintext!)).toBe('02030022e8030001030022010000000300300100000025393000000000');
  });

  it('signs every PRECOMMAND to the signed bytes of its COMMAND; both verifiers accept it', async () => {
    const byName = new Map(files.map((f) => [f.name, f]));
    let matched = 0;
    const pres = files.filter((f) => f.kind === 'PRECOMMAND');
    expect(pres.length).toBeGreaterThan(100);
    for (const pre of pres) {
      const frame = decodeFrame(pre.bytes);
      const signed = decodeFrame(await signPreCommand(frame, frame.originator, ks));
      expect((await verifyFrame(signed, ks)).signature.status).toBe('valid');
      const pub = (await ks(frame.originator, 'DS')) as KeyObject;
      expect(nodeVerify('sha256', signed.signedBytes!, { key: pub, dsaEncoding: 'ieee-p1363' }, signed.signature!)).toBe(true);
      const cmd = byName.get(pre.name.replace('PRECOMMAND', 'COMMAND'));
      if (cmd) {
        expect(toHex(decodeFrame(cmd.bytes).signedBytes!)).toBe(toHex(signed.signedBytes!));
        matched++;
      }
    }
    expect(matched).toBeGreaterThan(100);
  });

  it('detects a single-bit flip anywhere in every signed or MACed frame (bounded sample per frame)', async () => {
    let flips = 0;
    let frames = 0;
    for (const f of files) {
      const v = results.get(f.name) ?? (await verifyFrame(f.bytes, ks, { acb: ACB }));
      const was = { sig: v.signature.status === 'valid', mac: v.mac.status === 'valid' };
      if (!was.sig && !was.mac) continue;
      frames++;
      for (const bit of bitSample(f.bytes.length, 40, f.bytes.length)) {
        flips++;
        if (!(await tamperDetected(f.bytes, bit, ks, ACB, was))) throw new Error(`${f.name}: flip of bit ${bit} (byte ${bit >> 3}) undetected`);
      }
    }
    console.log(`[security] RTDS tamper test: ${flips} single-bit flips over ${frames} frames, all detected`);
    expect(frames).toBeGreaterThan(850);
  });
});
