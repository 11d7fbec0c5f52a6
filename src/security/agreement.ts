// Who holds which key: finds a (private, public) KA key pair for two parties in a key
// store and derives the GBCS symmetric key. ECDH is symmetric, so either side's private
// key works; a verifier usually holds the remote party's, a device simulator the device's.
import { normalizeEui, toHex } from '../bytes.js';
import { kdf, sharedSecret, type KeyDerivationOptions } from './kdf.js';
import type { KeyStore } from './keyStore.js';
import { resolveKey, type KeyResolveOptions } from './keyCheck.js';

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
  const pp = options.prepayment ? { prepayment: true } : {};
  const asked = await Promise.all([
    resolveKey(keyStore, a, 'KA', { privateKey: true, ...pp }, options),
    resolveKey(keyStore, a, 'KA', pp, options),
    resolveKey(keyStore, b, 'KA', { privateKey: true, ...pp }, options),
    resolveKey(keyStore, b, 'KA', pp, options),
  ]);
  // A key that is there but cannot be used is a configuration problem: reported, not skipped.
  const unusable = asked.filter((r) => r.unusable !== undefined).map((r) => r.unusable);
  if (unusable.length > 0) return { reason: unusable.join('; '), unusable: true };
  const [privA, pubA, privB, pubB] = asked.map((r) => r.key);
  let z: Uint8Array | undefined;
  let privateParty: string | undefined;
  try {
    if (privA && pubB) {
      z = await sharedSecret(privA, pubB, options);
      privateParty = a;
    } else if (privB && pubA) {
      z = await sharedSecret(privB, pubA, options);
      privateParty = b;
    }
  } catch (e) {
    return { reason: `KA key agreement between ${normalizeEui(a)} and ${normalizeEui(b)} failed: ${(e as Error).message.split('\n')[0]}`, unusable: true };
  }
  if (!z) {
    const missing: string[] = [];
    if (!privA && !privB) missing.push(`KA private key of ${normalizeEui(a)} or ${normalizeEui(b)}`);
    else if (privA && !pubB) missing.push(`the KA public key of ${normalizeEui(b)}`);
    else if (privB && !pubA) missing.push(`the KA public key of ${normalizeEui(a)}`);
    return { reason: `key store has no ${missing.join(', ')}` };
  }
  return { key: await derivedKey(z, otherInfo, options), privateParty: privateParty! };
}

/**
 * Derived keys per shared secret Z (the Z objects come from the ECDH cache, so this lives
 * exactly as long as they do) and OtherInfo: verifying and then opening the same frame, or
 * checking it twice, derives once. At most DERIVED_PER_Z keys per Z are kept.
 */
const derived = new WeakMap<Uint8Array, Map<string, Promise<Uint8Array>>>();
const DERIVED_PER_Z = 256;

function derivedKey(z: Uint8Array, otherInfo: Uint8Array, options: AgreementOptions): Promise<Uint8Array> {
  if (options.primitives !== undefined || options.ecdhCache === false) return kdf(z, otherInfo, options.primitives);
  let m = derived.get(z);
  if (m === undefined) derived.set(z, (m = new Map()));
  const id = toHex(otherInfo);
  let k = m.get(id);
  if (k === undefined) {
    if (m.size >= DERIVED_PER_Z) m.clear();
    k = kdf(z, otherInfo);
    m.set(id, k);
    k.catch(() => m!.delete(id));
  }
  return k;
}
