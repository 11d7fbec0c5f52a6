// The synchronous node:crypto path (primitives.sync: no promise per step) against the
// promise path (WebCrypto, and node:crypto with `sync` left out) on every RTDS message:
// the same verification and the same opened content, statuses and reasons included.
import { describe, expect, it } from 'vitest';
import { decodeFrame, openFrame, verifyFrame, webCryptoPrimitives, type CryptoPrimitives } from '../src/index.js';
import { folderKeyStore, nodePrimitives } from '../src/node.js';
import { HAVE_RTDS, RTDS_KEYSTORE, rtdsFiles } from './rtds.js';

const ACB = '90b3d51f30000002';

describe.skipIf(!HAVE_RTDS)('security: synchronous and promise paths agree on RTDS', () => {
  const files = rtdsFiles();
  const { sync, ...asyncNode } = nodePrimitives;
  const paths: [string, CryptoPrimitives][] = [
    ['node:crypto without sync', asyncNode as CryptoPrimitives],
    ['WebCrypto', webCryptoPrimitives()],
  ];

  it('has the synchronous forms on node:crypto only', () => {
    expect(sync).toBeDefined();
    expect(webCryptoPrimitives().sync).toBeUndefined();
  });

  for (const [name, primitives] of paths) {
    it(`verifyFrame and openFrame: node:crypto sync = ${name}`, async () => {
      const ks = folderKeyStore(RTDS_KEYSTORE);
      let valid = 0;
      let decrypted = 0;
      for (const f of files) {
        const frame = decodeFrame(f.bytes);
        const fast = await verifyFrame(frame, ks, { acb: ACB });
        const slow = await verifyFrame(frame, ks, { acb: ACB, primitives, ecdhCache: false });
        expect(slow, f.name).toEqual(fast);
        if (fast.signature.status === 'valid') valid++;
        if (frame.kind === 'gbt' || frame.payloadFormat === 'unknown') continue;
        const a = await openFrame(frame, ks);
        const b = await openFrame(frame, ks, { primitives, ecdhCache: false });
        expect(b.decryption, f.name).toEqual(a.decryption);
        decrypted += a.decryption.parts.filter((p) => p.status === 'decrypted').length;
      }
      expect(valid).toBeGreaterThan(300);
      expect(decrypted).toBeGreaterThan(40);
    }, 60_000);
  }
});
