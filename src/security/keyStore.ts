// The key-store contract shared by verification, decryption, signing and image signing.
import type { KeyObject } from 'node:crypto';

/** DS: digital signature (ECDSA P-256); KA: key agreement (ECDH P-256). */
export type KeyUsage = 'DS' | 'KA';

/** Options of a key lookup (private key or certificate, ...). */
export interface KeyLookupOptions {
  /** Ask for the private key (default: the public key / certificate). */
  readonly privateKey?: boolean;
  /** The prepayment variant of a supplier's key (`-pp-` files in the RTDS keystore). */
  readonly prepayment?: boolean;
}

/**
 * Resolves a party's key by EUI-64 (16 lower-case hex digits) and usage. Returns
 * undefined when the key is not known: callers report 'key unknown', never throw.
 */
export type KeyStore = (
  eui: string,
  usage: KeyUsage,
  options?: KeyLookupOptions,
) => Promise<KeyObject | CryptoKey | undefined>;
