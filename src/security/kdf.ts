// GBCS key derivation (GBCS.md 1.6, VERIFIED on RTDS): static-static ECDH P-256, then
// the single-step SHA-256 KDF over Z and a 33-byte OtherInfo. Z depends only on the two
// parties' keys, so it is cached per key pair: repeated messages between the same
// parties cost one SHA-256, not one ECDH.
import { defaultPrimitives, type CryptoPrimitives, type PlatformKey } from './primitives.js';

/** OtherInfo AlgorithmID prefix (`60 85 74 06 08 03 00`, the GBCS KDF algorithm id). */
const ALGORITHM_ID = Uint8Array.of(0x60, 0x85, 0x74, 0x06, 0x08, 0x03, 0x00);

/** CRA byte of the transaction-id used in the KDF for encrypted (sensitive) content. */
export const CRA_ENCRYPTION = 4;

/**
 * OtherInfo = AlgorithmID ‖ originator ST(8) ‖ `09` ‖ CRA ‖ counter(8) ‖ recipient ST(8).
 * `counter` is the 8 big-endian bytes or a bigint.
 */
export function kdfOtherInfo(originator: Uint8Array, craFlag: number, counter: Uint8Array | bigint, recipient: Uint8Array): Uint8Array {
  if (originator.length !== 8 || recipient.length !== 8) throw new TypeError('system titles must be 8 bytes');
  const out = new Uint8Array(33);
  out.set(ALGORITHM_ID, 0);
  out.set(originator, 7);
  out[15] = 0x09;
  out[16] = craFlag;
  if (typeof counter === 'bigint') new DataView(out.buffer).setBigUint64(17, counter);
  else {
    if (counter.length !== 8) throw new TypeError('the counter must be 8 bytes');
    out.set(counter, 17);
  }
  out.set(recipient, 25);
  return out;
}

/** K = first 16 bytes of SHA-256(`00000001` ‖ Z ‖ OtherInfo). */
export async function kdf(z: Uint8Array, otherInfo: Uint8Array, primitives: CryptoPrimitives = defaultPrimitives): Promise<Uint8Array> {
  if (primitives.sync) return kdfNow(z, otherInfo, primitives);
  const input = new Uint8Array(4 + z.length + otherInfo.length);
  input[3] = 1;
  input.set(z, 4);
  input.set(otherInfo, 4 + z.length);
  return (await primitives.sha256(input)).subarray(0, 16);
}

const COUNTER_1 = Uint8Array.of(0, 0, 0, 1);

/** kdf, without a promise when the primitives have a synchronous SHA-256 (the three parts hashed in place). */
export function kdfNow(z: Uint8Array, otherInfo: Uint8Array, primitives: CryptoPrimitives = defaultPrimitives): Uint8Array | Promise<Uint8Array> {
  const s = primitives.sync;
  return s ? s.sha256(COUNTER_1, z, otherInfo).subarray(0, 16) : kdf(z, otherInfo, primitives);
}

/** A cached Z: the value once known (read without a promise), the pending computation before. */
interface ZEntry {
  z?: Uint8Array;
  p?: Promise<Uint8Array>;
}

/**
 * Z per (private key, public key) object pair. Keyed by key identity (WeakMaps), so it
 * never outlives the keys and a rotated key is a new entry; key stores should hand out
 * the same object for the same key (folderKeyStore does).
 *
 * Derived keys are not cached: the KDF's OtherInfo holds the message counter, so two
 * messages never share one, and a verify and an open of the same message use different
 * CRA bytes (MAC: the frame's; content: 04). One SHA-256 of 69 bytes (~1 us) per message.
 */
export class EcdhCache {
  #pairs = new WeakMap<object, WeakMap<object, ZEntry>>();
  /** ECDH computations done (cache misses), for tests and benchmarks. */
  computations = 0;

  /** Z for the pair, computed once and then served from the cache (a failed computation is not kept). */
  sharedSecret(privateKey: PlatformKey, publicKey: PlatformKey, primitives: CryptoPrimitives = defaultPrimitives): Promise<Uint8Array> {
    try {
      const z = this.sharedSecretNow(privateKey, publicKey, primitives);
      return z instanceof Promise ? z : Promise.resolve(z);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * sharedSecret without a promise when Z is cached or the primitives compute ECDH
   * synchronously (then a failure throws here instead of rejecting).
   */
  sharedSecretNow(privateKey: PlatformKey, publicKey: PlatformKey, primitives: CryptoPrimitives = defaultPrimitives): Uint8Array | Promise<Uint8Array> {
    let inner = this.#pairs.get(privateKey);
    if (!inner) this.#pairs.set(privateKey, (inner = new WeakMap()));
    const hit = inner.get(publicKey);
    if (hit !== undefined) return hit.z ?? hit.p!;
    this.computations++;
    if (primitives.sync) {
      const z = primitives.sync.ecdh(privateKey, publicKey);
      inner.set(publicKey, { z });
      return z;
    }
    const p = primitives.ecdh(privateKey, publicKey);
    const entry: ZEntry = { p };
    inner.set(publicKey, entry);
    const pairs = inner;
    p.then(
      (z) => (entry.z = z),
      () => pairs.delete(publicKey),
    );
    return p;
  }
}

/** The process-wide cache used unless a call passes its own (or `false`). */
export const sharedEcdhCache = new EcdhCache();

/** Options shared by everything that derives keys. */
export interface KeyDerivationOptions {
  /** Crypto implementation; node:crypto by default. */
  readonly primitives?: CryptoPrimitives;
  /** ECDH cache; `false` computes ECDH every time. Default: `sharedEcdhCache`. */
  readonly ecdhCache?: EcdhCache | false;
}

/** Z for a key pair, through the cache unless disabled. */
export function sharedSecret(privateKey: PlatformKey, publicKey: PlatformKey, options: KeyDerivationOptions = {}): Promise<Uint8Array> {
  try {
    const z = sharedSecretNow(privateKey, publicKey, options);
    return z instanceof Promise ? z : Promise.resolve(z);
  } catch (e) {
    return Promise.reject(e);
  }
}

/** sharedSecret without a promise when it can (cached, or synchronous primitives); a synchronous failure throws. */
export function sharedSecretNow(privateKey: PlatformKey, publicKey: PlatformKey, options: KeyDerivationOptions = {}): Uint8Array | Promise<Uint8Array> {
  const primitives = options.primitives ?? defaultPrimitives;
  const cache = options.ecdhCache ?? sharedEcdhCache;
  if (cache !== false) return cache.sharedSecretNow(privateKey, publicKey, primitives);
  return primitives.sync ? primitives.sync.ecdh(privateKey, publicKey) : primitives.ecdh(privateKey, publicKey);
}
