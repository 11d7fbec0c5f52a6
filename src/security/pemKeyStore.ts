// A KeyStore over a folder of PEM files named like the RTDS keystore:
//   <eui>-ds.pem / <eui>-ka.pem        X.509 certificate (or SPKI public key)
//   <eui>-ds.key / <eui>-ka.key        PKCS#8 private key
//   <eui>-pp-ka.pem / <eui>-pp-ka.key  the prepayment variant of a supplier's key
// Keys are parsed once and cached (including "not there"), so a verifier asking for the
// same party again gets the same KeyObject back: the ECDH cache keys on that identity.
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizeEui } from '../bytes.js';
import type { KeyLookupOptions, KeyStore, KeyUsage } from './keyStore.js';

/** `<eui>[-pp]-<ds|ka>` stem of a key file, as the RTDS keystore names them. */
export function keyFileStem(eui: string, usage: KeyUsage, prepayment = false): string {
  return `${normalizeEui(eui)}${prepayment ? '-pp' : ''}-${usage.toLowerCase()}`;
}

/** Parses a PEM certificate, public key or private key into a public KeyObject. */
export function publicKeyFromPem(pem: string | Buffer): KeyObject {
  const text = pem.toString();
  if (text.includes('BEGIN CERTIFICATE')) return new X509Certificate(text).publicKey;
  return createPublicKey(text); // SPKI, or derived from a private key
}

export interface FolderKeyStore extends KeyStore {
  /** The EUIs (lower-case hex) that have at least one key file in the folder. */
  parties(): Promise<string[]>;
}

/**
 * Loads keys from `dir` on demand. A public key is read from the certificate (`.pem`),
 * or derived from the private key when only the `.key` file exists. Unknown keys
 * resolve to undefined; unreadable or malformed files throw (a broken key store is a
 * configuration error, not an unknown key).
 */
export function folderKeyStore(dir: string): FolderKeyStore {
  const cache = new Map<string, Promise<KeyObject | undefined>>();
  let listing: Promise<Set<string>> | undefined;
  const files = () =>
    (listing ??= readdir(dir).then(
      (names) => new Set(names),
      (e: NodeJS.ErrnoException) => {
        listing = undefined;
        throw new Error(`key store folder ${dir}: ${e.message}`);
      },
    ));

  async function load(stem: string, privateKey: boolean): Promise<KeyObject | undefined> {
    const names = await files();
    const keyFile = `${stem}.key`;
    const certFile = `${stem}.pem`;
    if (privateKey) {
      if (!names.has(keyFile)) return undefined;
      return createPrivateKey(await readFile(join(dir, keyFile), 'utf8'));
    }
    if (names.has(certFile)) return publicKeyFromPem(await readFile(join(dir, certFile), 'utf8'));
    if (names.has(keyFile)) return createPublicKey(createPrivateKey(await readFile(join(dir, keyFile), 'utf8')));
    return undefined;
  }

  // Fast path: the lookup as asked (EUI text as given), before normalising the EUI; a
  // verifier asks for the same few parties over and over.
  const asked = new Map<string, Promise<KeyObject | undefined>>();
  const store = ((eui: string, usage: KeyUsage, options?: KeyLookupOptions) => {
    const q = `${eui}|${usage}|${options?.privateKey === true ? 1 : 0}${options?.prepayment === true ? 1 : 0}`;
    let p = asked.get(q);
    if (p === undefined) {
      p = lookup(eui, usage, options);
      if (asked.size >= 4096) asked.clear();
      asked.set(q, p);
      p.catch(() => asked.delete(q));
    }
    return p;
  }) as FolderKeyStore;

  const lookup = async (eui: string, usage: KeyUsage, options?: KeyLookupOptions) => {
    if (usage !== 'DS' && usage !== 'KA') throw new TypeError(`key usage must be 'DS' or 'KA', got ${JSON.stringify(usage)}`);
    let stem: string;
    try {
      stem = keyFileStem(eui, usage, options?.prepayment);
    } catch {
      return undefined; // not an EUI-64: no key can exist for it
    }
    const id = `${stem}${options?.privateKey ? '.key' : '.pub'}`;
    let p = cache.get(id);
    if (!p) {
      p = load(stem, options?.privateKey === true);
      cache.set(id, p);
      p.catch(() => cache.delete(id));
    }
    return p;
  };
  store.parties = async () => {
    const euis = new Set<string>();
    for (const n of await files()) {
      const m = /^([0-9a-f]{16})-(?:pp-)?(?:ds|ka)\.(?:pem|key)$/.exec(n);
      if (m) euis.add(m[1]!);
    }
    return [...euis].sort();
  };
  return store;
}
