// Security cost per frame as a ratio to decode-only: decode + verify (signature and MAC)
// with the ECDH cache (repeated messages between the same parties skip ECDH) and without
// it, and decode + verify + decrypt. Corpus: RTDS with its keystore when present, else
// the project's security fixtures with test/fixtures/keys.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFrame, decryptFrame, EcdhCache, openFrame, verifyFrame } from '../dist/index.js';
import { folderKeyStore } from '../dist/node.js';
import { corpusBytes, loadCorpus } from './corpus.mjs';
import { runCases } from './report.mjs';

const ACB = '90b3d51f30000002';

function securityCorpus() {
  const rtds = process.env.GBCS_RTDS_DIR ?? new URL('../../shared/rtds', import.meta.url).pathname;
  if (existsSync(join(rtds, 'keystore'))) {
    const { name, frames } = loadCorpus();
    return { name, frames, keys: join(rtds, 'keystore') };
  }
  const text = readFileSync(new URL('../test/fixtures/security.hex', import.meta.url), 'utf8');
  const frames = text.split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => Uint8Array.from(Buffer.from(l.trim(), 'hex')));
  return { name: `project security fixtures (${frames.length} messages)`, frames, keys: new URL('../test/fixtures/keys', import.meta.url).pathname };
}

export async function run() {
  const { name, frames, keys } = securityCorpus();
  const ks = folderKeyStore(keys);
  const bytes = corpusBytes(frames);
  const cache = new EcdhCache();
  // Warm the key store (PEM parsing is a one-off per party) and the ECDH cache.
  let macs = 0;
  let sigs = 0;
  for (const f of frames) {
    const v = await verifyFrame(f, ks, { acb: ACB, ecdhCache: cache });
    if (v.mac.status === 'valid') macs++;
    if (v.signature.status === 'valid') sigs++;
  }
  console.log(`\nSecurity corpus: ${name}, ${sigs} signatures and ${macs} MACs verify; ${cache.computations} distinct ECDH key pairs`);
  let sink = 0;
  // The platform's ECDSA alone (keys parsed once): what any verify pass costs at least.
  const { verify: ecdsaVerify } = await import('node:crypto');
  const signed = [];
  for (const f of frames) {
    const fr = decodeFrame(f);
    if (fr.kind === 'gbt' || fr.signatureState !== 'present') continue;
    const key = await ks(fr.originator, 'DS');
    if (key) signed.push({ key: { key, dsaEncoding: 'ieee-p1363' }, data: fr.signedBytes, sig: fr.signature });
  }
  const rows = await runCases(
    'Verification cost per frame (ratio to decode only)',
    [
      { name: 'decode only', fn: () => { for (const f of frames) sink += decodeFrame(f).messageCode; } },
      { name: `ECDSA verify alone (crypto.verify, cached KeyObjects, ${signed.length} signatures): the floor of a verify`, fn: () => { for (const s of signed) sink += ecdsaVerify('sha256', s.data, s.key, s.sig) ? 1 : 0; } },
      {
        name: 'decode + verify (ECDH cached)',
        fn: async () => { for (const f of frames) sink += (await verifyFrame(decodeFrame(f), ks, { acb: ACB, ecdhCache: cache })).ok ? 1 : 0; },
      },
      {
        name: 'decode + verify (ECDH every message)',
        fn: async () => { for (const f of frames) sink += (await verifyFrame(decodeFrame(f), ks, { acb: ACB, ecdhCache: false })).ok ? 1 : 0; },
      },
      {
        name: 'decode + verify + decrypt (ECDH cached)',
        fn: async () => {
          for (const f of frames) {
            const fr = decodeFrame(f);
            sink += (await verifyFrame(fr, ks, { acb: ACB, ecdhCache: cache })).ok ? 1 : 0;
            sink += (await decryptFrame(fr, ks, { ecdhCache: cache })).parts.length;
          }
        },
      },
      // decryptFrame locates blobs in the payload tree (cached on the frame); openFrame builds a
      // fresh tree and decodes each plaintext. GBT segments and unknown formats have no tree.
      {
        name: 'decode + payload tree',
        fn: () => { for (const f of frames) { const fr = decodeFrame(f); if (fr.kind !== 'gbt' && fr.payloadFormat !== 'unknown') sink += fr.payload.length; } },
      },
      {
        name: 'decode + openFrame (ECDH cached)',
        fn: async () => {
          for (const f of frames) {
            const fr = decodeFrame(f);
            if (fr.kind !== 'gbt' && fr.payloadFormat !== 'unknown') sink += (await openFrame(fr, ks, { ecdhCache: cache })).decryption.parts.length;
          }
        },
      },
    ],
    { units: frames.length, bytes, unitName: 'msg', time: 1500 },
  );
  const base = rows[0].periodMs;
  console.log('\n| case | cost per frame, x decode-only |\n|---|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${(r.periodMs / base).toFixed(0)}x |`);
  const cached = rows[2].periodMs;
  console.log(`ECDH cache: verification ${(rows[3].periodMs / cached).toFixed(1)}x faster with it than recomputing ECDH per message.`);
  console.log(`ECDSA alone is ${((rows[1].periodMs / cached) * 100).toFixed(0)}% of decode + verify (ECDH cached) and ${((rows[1].periodMs / rows[4].periodMs) * 100).toFixed(0)}% of decode + verify + decrypt.`);
  if (sink === -1) console.log(sink);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
