// Who holds which key: finds a (private, public) KA key pair for two parties in a key
// store and derives the GBCS symmetric key. ECDH is symmetric, so either side's private
// key works; a verifier usually holds the remote party's, a device simulator the device's.
import { normalizeEui, toHex } from '../bytes.js';
import { kdf, sharedSecret, type KeyDerivationOptions } from './kdf.js';
import type { KeyStore } from './keyStore.js';

/** Result of key agreement: the key and private party, or why none. */
export type Agreement =
  | { readonly key: Uint8Array; readonly privateParty: string }
  | { readonly key?: undefined; readonly reason: string };

export interface AgreementOptions extends KeyDerivationOptions {
  /** Use the prepayment variant (`-pp-`) of the remote party's KA key. */
  readonly prepayment?: boolean;
}

/**
 * Derives the 16-byte key between `a` and `b` for `otherInfo`, trying a's private key
 * with b's public key, then b's private key with a's public key.
 */
export async function agreeKey(keyStore: KeyStore, a: string, b: string, otherInfo: Uint8Array, options: AgreementOptions = {}): Promise<Agreement> {
  const pp = options.prepayment ? { prepayment: true } : {};
  const [privA, pubA, privB, pubB] = await Promise.all([
    keyStore(a, 'KA', { privateKey: true, ...pp }),
    keyStore(a, 'KA', pp),
    keyStore(b, 'KA', { privateKey: true, ...pp }),
    keyStore(b, 'KA', pp),
  ]);
  let z: Uint8Array | undefined;
  let privateParty: string | undefined;
  if (privA && pubB) {
    z = await sharedSecret(privA, pubB, options);
    privateParty = a;
  } else if (privB && pubA) {
    z = await sharedSecret(privB, pubA, options);
    privateParty = b;
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
