// The decrypted form attached to encrypted payload nodes by the security module's
// openPayload: a GBZ encrypted component carries a ZCL command, a DLMS protected
// octet-string carries A-XDR Data. The ciphertext stays on the node (the encoders
// write it and ignore this field), so opened trees re-encode byte-exactly.

/** Whether an encrypted part was decrypted, failed, or had no key; 'key-unusable': the key store answered with a key that cannot be used (see resolveKey), never 'invalid'. */
export type DecryptionStatus = 'decrypted' | 'invalid' | 'key-unknown' | 'key-unusable';

/** Where typed decoding of a plaintext failed (offset within the plaintext). */
export interface PlaintextDecodeError {
  readonly code: string;
  readonly offset: number;
  readonly expected: string;
}

/** Result of decrypting an encrypted part: status, reason and the typed content. */
export interface DecryptedContent<T> {
  readonly status: DecryptionStatus;
  readonly reason: string;
  /** The clear bytes, when the tag verified. */
  readonly plaintext?: Uint8Array;
  /** The typed plaintext, when it decodes. */
  readonly decoded?: T;
  /** Set instead of `decoded` when the verified plaintext does not decode. */
  readonly decodeError?: PlaintextDecodeError;
}
