// Who holds which key: finds a (private, public) KA key pair for two parties in a key
// store and derives the GBCS symmetric key. ECDH is symmetric, so either side's private
// key works; a verifier usually holds the remote party's, a device simulator the device's.
import { normalizeEui } from '../bytes.js';
import { kdfNow, sharedSecretNow, type KeyDerivationOptions } from './kdf.js';
import type { KeyLookupOptions, KeyStore } from './keyStore.js';
import { resolveKeyNow, type KeyResolveOptions, type ResolvedKey } from './keyCheck.js';
import type { PlatformKey } from './primitives.js';

/** Result of key agreement: the key and private party, or why none. */
export type Agreement =
  | { readonly key: Uint8Array; readonly privateParty: string }
  | { readonly key?: undefined; readonly reason: string; /** True when a key was there but cannot be used (key-unusable). */ readonly unusable?: boolean };

export interface AgreementOptions extends KeyDerivationOptions, KeyResolveOptions {
  /** Use the prepayment variant (`-pp-`) of the remote party's KA key. */
  readonly prepayment?: boolean;
}

/**
 * Derives the 16-byte key between `a` and `b` for `otherInfo`, trying a's private key
 * with b's public key, then b's private key with a's public key.
 */
export async function agreeKey(keyStore: KeyStore, a: string, b: string, otherInfo: Uint8Array, options: AgreementOptions = {}): Promise<Agreement> {
  return agreeKeyNow(keyStore, a, b, otherInfo, options);
}

const PRIVATE: KeyLookupOptions = Object.freeze({ privateKey: true });
const PUBLIC: KeyLookupOptions = Object.freeze({});
const PRIVATE_PP: KeyLookupOptions = Object.freeze({ privateKey: true, prepayment: true });
const PUBLIC_PP: KeyLookupOptions = Object.freeze({ prepayment: true });

/**
 * agreeKey without a promise when every answer is at hand: the four key lookups known now
 * (resolveKeyNow), Z cached or computed synchronously, the KDF synchronous (node:crypto).
 * Otherwise the promise of the same Agreement.
 */
export function agreeKeyNow(keyStore: KeyStore, a: string, b: string, otherInfo: Uint8Array, options: AgreementOptions = {}): Agreement | Promise<Agreement> {
  const pp = options.prepayment === true;
  const privA = resolveKeyNow(keyStore, a, 'KA', pp ? PRIVATE_PP : PRIVATE, options);
  const pubA = resolveKeyNow(keyStore, a, 'KA', pp ? PUBLIC_PP : PUBLIC, options);
  const privB = resolveKeyNow(keyStore, b, 'KA', pp ? PRIVATE_PP : PRIVATE, options);
  const pubB = resolveKeyNow(keyStore, b, 'KA', pp ? PUBLIC_PP : PUBLIC, options);
  if (privA instanceof Promise || pubA instanceof Promise || privB instanceof Promise || pubB instanceof Promise) {
    return Promise.all([privA, pubA, privB, pubB]).then((r) => agreeWith(r[0], r[1], r[2], r[3], a, b, otherInfo, options));
  }
  return agreeWith(privA, pubA, privB, pubB, a, b, otherInfo, options);
}

function agreeWith(
  rPrivA: ResolvedKey,
  rPubA: ResolvedKey,
  rPrivB: ResolvedKey,
  rPubB: ResolvedKey,
  a: string,
  b: string,
  otherInfo: Uint8Array,
  options: AgreementOptions,
): Agreement | Promise<Agreement> {
  // A key that is there but cannot be used is a configuration problem: reported, not skipped.
  if (rPrivA.unusable !== undefined || rPubA.unusable !== undefined || rPrivB.unusable !== undefined || rPubB.unusable !== undefined) {
    const unusable = [rPrivA, rPubA, rPrivB, rPubB].filter((r) => r.unusable !== undefined).map((r) => r.unusable);
    return { reason: unusable.join('; '), unusable: true };
  }
  const privA = rPrivA.key;
  const pubA = rPubA.key;
  const privB = rPrivB.key;
  const pubB = rPubB.key;
  let priv: PlatformKey;
  let pub: PlatformKey;
  let privateParty: string;
  if (privA && pubB) {
    priv = privA;
    pub = pubB;
    privateParty = a;
  } else if (privB && pubA) {
    priv = privB;
    pub = pubA;
    privateParty = b;
  } else {
    const missing: string[] = [];
    if (!privA && !privB) missing.push(`KA private key of ${normalizeEui(a)} or ${normalizeEui(b)}`);
    else if (privA && !pubB) missing.push(`the KA public key of ${normalizeEui(b)}`);
    else if (privB && !pubA) missing.push(`the KA public key of ${normalizeEui(a)}`);
    return { reason: `key store has no ${missing.join(', ')}` };
  }
  const failed = (e: unknown): Agreement => ({
    reason: `KA key agreement between ${normalizeEui(a)} and ${normalizeEui(b)} failed: ${(e as Error).message.split('\n')[0]}`,
    unusable: true,
  });
  let z: Uint8Array | Promise<Uint8Array>;
  try {
    z = sharedSecretNow(priv, pub, options);
  } catch (e) {
    return failed(e);
  }
  if (z instanceof Promise) return z.then((z) => derive(z, otherInfo, privateParty, options), failed);
  return derive(z, otherInfo, privateParty, options);
}

function derive(z: Uint8Array, otherInfo: Uint8Array, privateParty: string, options: AgreementOptions): Agreement | Promise<Agreement> {
  const k = kdfNow(z, otherInfo, options.primitives);
  return k instanceof Promise ? k.then((key) => ({ key, privateParty })) : { key: k, privateParty };
}
