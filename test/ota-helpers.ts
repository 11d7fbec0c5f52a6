// Shared by the OTA tests: a tiny in-memory KeyStore over node:crypto keys, the DUIS sample images
// and a CS06 payload builder.
import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { KeyStore } from '../src/security/keyStore.js';
import { RTDS_KEYSTORE } from './rtds.js';

export const SUPPLIER = '90b3d51f30010000';
export const OTHER_SUPPLIER = '90b3d51f30020000';
export const HAVE_KEYSTORE = existsSync(join(RTDS_KEYSTORE, `${SUPPLIER}-ds.pem`));
export const KEYSTORE_SKIP_REASON = `RTDS keystore not found at ${RTDS_KEYSTORE}: signature checks of the DUIS sample image with ${SUPPLIER}-DS skipped`;
if (!HAVE_KEYSTORE) console.warn(`[gbcs-codec] ${KEYSTORE_SKIP_REASON}`);

/** DS keys by EUI: { public, private? }. */
export function inlineKeyStore(entries: Record<string, { public: KeyObject; private?: KeyObject }>): KeyStore {
  return async (eui, usage, options) => {
    if (usage !== 'DS') return undefined;
    const e = entries[eui];
    return options?.privateKey ? e?.private : e?.public;
  };
}

export function generatedKeys(...euis: string[]): KeyStore {
  const entries: Record<string, { public: KeyObject; private: KeyObject }> = {};
  for (const eui of euis) {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    entries[eui] = { public: publicKey, private: privateKey };
  }
  return inlineKeyStore(entries);
}

/** DS keys of the RTDS keystore for these EUIs (certificate public key + PKCS#8 private key). */
export function rtdsKeys(...euis: string[]): KeyStore {
  const entries: Record<string, { public: KeyObject; private?: KeyObject }> = {};
  for (const eui of euis) {
    const cert = new X509Certificate(readFileSync(join(RTDS_KEYSTORE, `${eui}-ds.pem`)));
    const keyFile = join(RTDS_KEYSTORE, `${eui}-ds.key`);
    entries[eui] = {
      public: createPublicKey(cert.publicKey.export({ type: 'spki', format: 'pem' })),
      ...(existsSync(keyFile) && { private: createPrivateKey(readFileSync(keyFile)) }),
    };
  }
  return inlineKeyStore(entries);
}

const require = createRequire(import.meta.url);
const TEMPLATES = join(dirname(require.resolve('@smartdcc/duis-templates/package.json')), 'templates');

/** The FirmwareImage element of a DUIS template, decoded from base64. */
export function duisFirmwareImage(template: string): Uint8Array {
  const xml = readFileSync(join(TEMPLATES, template), 'utf8');
  const m = /<sr:FirmwareImage>([^<]+)<\/sr:FirmwareImage>/.exec(xml);
  if (!m) throw new Error(`no FirmwareImage in ${template}`);
  return Uint8Array.from(Buffer.from(m[1]!.trim(), 'base64'));
}

export const ESME_SAMPLE = '11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML';
export const PPMID_SAMPLE = '11.4_UPDATE_PPMID_FIRMWARE_REQUEST_DUIS.XML';
/** GBCS.md 5.2. */
export const SAMPLE_HASH = '7542f475e3f12eae887d81e32c46d313741d67076b13caec2f82e00ba5e1bb36';

/** CS06 command payload: 30 L 04 20 <hash> 02 n <counter> [18 0F <time>]. */
export function cs06(hashHex: string, counter = 1000, time?: string): Uint8Array {
  const c = [counter >> 8, counter & 0xff];
  const body = [0x04, 0x20, ...Buffer.from(hashHex, 'hex'), 0x02, 0x02, ...c, ...(time ? [0x18, 0x0f, ...Buffer.from(time, 'latin1')] : [])];
  return Uint8Array.from([0x30, body.length, ...body]);
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function prng(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
