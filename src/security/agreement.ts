// Who holds which key: finds a (private, public) KA key pair for two parties in a key
// store and derives the GBCS symmetric key. ECDH is symmetric, so either side's private
// key works; a verifier usually holds the remote party's, a device simulator the device's.
import { normalizeEui } from '../bytes.js';
import { kdf, sharedSecret, type KeyDerivationOptions } from './kdf.js';
import type { KeyStore } from './keyStore.js';

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
  return { key: await kdf(z, otherInfo, options.primitives), privateParty: privateParty! };
}
