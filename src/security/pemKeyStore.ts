// A KeyStore over a folder of PEM files named like the RTDS keystore:
//   <eui>-ds.pem / <eui>-ka.pem        X.509 certificate (or SPKI public key)
//   <eui>-ds.key / <eui>-ka.key        PKCS#8 private key
//   <eui>-pp-ka.pem / <eui>-pp-ka.key  the prepayment variant of a supplier's key
// Keys are parsed once and cached (including "not there"), so a verifier asking for the
// same party again gets the same KeyObject back: the ECDH cache keys on that identity.
//
// Hostile folders (issue 10.7): only regular files directly inside the folder are read.
// A key file is opened with O_NOFOLLOW | O_NONBLOCK and checked on the open descriptor
// (fstat: no symlink escape, no FIFO that would block, no device or directory, at most
// `maxKeyFileBytes`), so there is no window between check and read. Such a file, or one
// that does not parse, is a KeyUnusableError: verification reports 'key-unusable'.
// The lookup caches are LRU-bounded (`maxCachedLookups`): a stream of frames naming
// random EUIs cannot grow them.
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizeEui } from '../bytes.js';
import { KeyUnusableError, LruMap } from './keyCheck.js';
import type { KeyLookupOptions, KeyStore, KeyUsage } from './keyStore.js';


/** Largest key file folderKeyStore reads (bytes); a PEM certificate is ~1 KiB. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;
/** Lookups folderKeyStore keeps cached (found and not found), least recently used dropped first. */
export const MAX_CACHED_KEY_LOOKUPS = 4096;

/** Bounds of a folder key store (key file size, cached lookups). */
export interface FolderKeyStoreOptions {
  /** Largest key file read, in bytes (default MAX_KEY_FILE_BYTES). */
  readonly maxKeyFileBytes?: number;
  /** Cached lookups kept (default MAX_CACHED_KEY_LOOKUPS). */
  readonly maxCachedLookups?: number;
}

/** Reads `name` in `dir` as text when it is a regular file of at most `max` bytes (no symlink followed). */
async function readKeyFile(dir: string, name: string, max: number): Promise<string> {
  const path = join(dir, name);
  const flags = fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0) | (fsConstants.O_NONBLOCK ?? 0);
  let fh;
  try {
    fh = await open(path, flags);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') throw new KeyUnusableError(`${name} is a symbolic link (key files must be regular files inside the folder)`);
    throw new KeyUnusableError(`${name} cannot be read: ${code ?? (e as Error).message}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) {
      const what = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file';
      throw new KeyUnusableError(`${name} is ${what} (key files must be regular files)`);
    }
    if (st.size > max) throw new KeyUnusableError(`${name} is ${st.size} bytes, over the ${max}-byte key file limit`);
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.toString('utf8', 0, got);
  } finally {
    await fh.close();
  }
}

/** Parses a key file's text; a parse error is a KeyUnusableError naming the file. */
function parseKey(name: string, parse: () => KeyObject): KeyObject {
  try {
    return parse();
  } catch (e) {
    throw new KeyUnusableError(`${name} does not parse as a key: ${(e as Error).message.split('\n')[0]}`);
  }
}

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
 * resolve to undefined; a key file that is not a regular file inside the folder, is too
 * large, or does not parse rejects with KeyUnusableError (a broken key store is a
 * configuration error, not an unknown key): verifyFrame, decryptFrame and the image
 * checks report it as 'key-unusable' with the reason. Whether a parsed key is EC P-256
 * is checked by those callers (resolveKey), for every key store.
 */
export function folderKeyStore(dir: string, options: FolderKeyStoreOptions = {}): FolderKeyStore {
  const maxBytes = options.maxKeyFileBytes ?? MAX_KEY_FILE_BYTES;
  const maxCached = options.maxCachedLookups ?? MAX_CACHED_KEY_LOOKUPS;
  const cache = new LruMap<string, Promise<KeyObject | undefined>>(maxCached);
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
      const text = await readKeyFile(dir, keyFile, maxBytes);
      return parseKey(keyFile, () => createPrivateKey(text));
    }
    if (names.has(certFile)) {
      const text = await readKeyFile(dir, certFile, maxBytes);
      return parseKey(certFile, () => publicKeyFromPem(text));
    }
    if (names.has(keyFile)) {
      const text = await readKeyFile(dir, keyFile, maxBytes);
      return parseKey(keyFile, () => createPublicKey(createPrivateKey(text)));
    }
    return undefined;
  }

  // Fast path: the lookup as asked (EUI text as given), before normalising the EUI; a
  // verifier asks for the same few parties over and over.
  const asked = new LruMap<string, Promise<KeyObject | undefined>>(maxCached);
  const store = ((eui: string, usage: KeyUsage, options?: KeyLookupOptions) => {
    const q = `${eui}|${usage}|${options?.privateKey === true ? 1 : 0}${options?.prepayment === true ? 1 : 0}`;
    let p = asked.get(q);
    if (p === undefined) {
      p = lookup(eui, usage, options);
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
