// Regenerates test/fixtures/sample-ota.bin: a small signed GBCS upgrade image built by our builder
// with the committed TEST-ONLY key in test/fixtures/ota-keys (generated here when absent).
// Run after `npm run build`: node scripts/make-ota-sample.mjs
import { generateKeyPairSync, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { buildUpgradeImage } from '../dist/index.js';

const SIGNER = 'a0a0a0a0a0a0a0a0';
const dir = new URL('../test/fixtures/ota-keys/', import.meta.url);
const keyFile = new URL(`${SIGNER}-ds.key`, dir);
if (!existsSync(keyFile)) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(new URL(`${SIGNER}-ds.pem`, dir), publicKey.export({ type: 'spki', format: 'pem' }));
}
const priv = createPrivateKey(readFileSync(keyFile));
const pub = createPublicKey(readFileSync(new URL(`${SIGNER}-ds.pem`, dir)));
const keys = async (eui, usage, o) => (eui === SIGNER && usage === 'DS' ? (o?.privateKey ? priv : pub) : undefined);
const text = 'gbcs-codec sample manufacturer image: not firmware, a demonstration payload. '.repeat(4);
const image = await buildUpgradeImage({
  header: {
    manufacturerCode: 0x121d,
    imageType: 0x0000,
    fileVersion: 0x00010002,
    headerString: 'gbcs-codec sample ESME image',
    minimumHardwareVersion: 0x0001,
    maximumHardwareVersion: 0x00ff,
  },
  manufacturerImage: new TextEncoder().encode(text),
  keys,
  signer: SIGNER,
});
writeFileSync(new URL('../test/fixtures/sample-ota.bin', import.meta.url), image);
console.log(`sample-ota.bin: ${image.length} bytes, signed by ${SIGNER}`);
