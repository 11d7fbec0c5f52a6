// The four platform primitives GBCS security needs (ECDSA P-256/SHA-256, ECDH P-256,
// SHA-256, AES-128-GCM), behind one small interface so the same protocol code runs on
// node:crypto or on WebCrypto (browsers). No cipher is implemented here.
//
// No `node:` import here (the main entry bundles for browsers): node:crypto is fetched at run
// time through nodeBuiltin (src/platform.ts) and only when running on Node.
import type { KeyObject } from 'node:crypto';
import { nodeBuiltin, requireNodeBuiltin } from '../platform.js';

type NodeCrypto = typeof import('node:crypto');
let nodeCryptoCache: NodeCrypto | undefined;
/** node:crypto (throws outside Node); fetched once. */
function nc(): NodeCrypto {
  return (nodeCryptoCache ??= requireNodeBuiltin<NodeCrypto>('node:crypto', 'nodePrimitives'));
}

/** A key as a KeyStore hands it out. */
export type PlatformKey = KeyObject | CryptoKey;

/** The crypto operations the security layer needs (hash, ECDSA, ECDH, AES-GCM). */
export interface CryptoPrimitives {
  readonly name: string;
  /** SHA-256 of `data`. */
  sha256(data: Uint8Array): Promise<Uint8Array>;
  /** ECDSA P-256 / SHA-256 over `data`; `signature` is raw r||s (64 bytes). */
  ecdsaVerify(publicKey: PlatformKey, data: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** ECDSA P-256 / SHA-256 signature of `data` as raw r||s (64 bytes). */
  ecdsaSign(privateKey: PlatformKey, data: Uint8Array): Promise<Uint8Array>;
  /** Static-static ECDH P-256: the 32-byte x-coordinate Z. */
  ecdh(privateKey: PlatformKey, publicKey: PlatformKey): Promise<Uint8Array>;
  /** AES-128-GCM: ciphertext ‖ tag, the tag cut to `tagLength` bytes (12 in GBCS). */
  aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, tagLength: number): Promise<Uint8Array>;
  /** AES-128-GCM open of ciphertext ‖ tag; undefined when the tag does not authenticate. */
  aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array, tagLength: number): Promise<Uint8Array | undefined>;
  /**
   * The same operations, synchronous (node:crypto has them; WebCrypto does not). When
   * present, verification, MAC checks and decryption run without a promise per step
   * (issue 12 item 4: the awaits, not the crypto, were a third of a verify). A wrapper
   * that replaces some async operations must leave `sync` out (or replace it too).
   */
  readonly sync?: SyncCryptoPrimitives;
}

/** The synchronous forms of {@link CryptoPrimitives} (node:crypto). */
export interface SyncCryptoPrimitives {
  /** SHA-256 of the concatenation of `parts` (hashed in place, not copied together). */
  sha256(...parts: Uint8Array[]): Uint8Array;
  ecdsaVerify(publicKey: PlatformKey, data: Uint8Array, signature: Uint8Array): boolean;
  ecdh(privateKey: PlatformKey, publicKey: PlatformKey): Uint8Array;
  aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, tagLength: number): Uint8Array;
  aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array, tagLength: number): Uint8Array | undefined;
}

const isKeyObject = (k: PlatformKey): k is KeyObject => k instanceof nc().KeyObject;
const asKeyObject = (k: PlatformKey): KeyObject => (isKeyObject(k) ? k : nc().KeyObject.from(k));

const u8 = (b: Buffer | ArrayBuffer): Uint8Array => (b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength));

/**
 * node:crypto, synchronous. KeyObjects are used as given (a CryptoKey is converted each
 * call: key stores on Node hand out KeyObjects); the MAC (GCM over an empty plaintext) makes
 * the cipher, the AAD and the tag and nothing else.
 */
const nodeSync: SyncCryptoPrimitives = {
  sha256(...parts) {
    const h = nc().createHash('sha256');
    for (const p of parts) h.update(p);
    return u8(h.digest());
  },
  ecdsaVerify(publicKey, data, signature) {
    if (signature.length !== 64) return false;
    return nc().verify('sha256', data, { key: asKeyObject(publicKey), dsaEncoding: 'ieee-p1363' }, signature);
  },
  ecdh(privateKey, publicKey) {
    return u8(nc().diffieHellman({ privateKey: asKeyObject(privateKey), publicKey: asKeyObject(publicKey) }));
  },
  aesGcmEncrypt(key, iv, aad, plaintext, tagLength) {
    const c = nc().createCipheriv('aes-128-gcm', key, iv, { authTagLength: tagLength });
    c.setAAD(aad);
    if (plaintext.length === 0) {
      c.final();
      return u8(c.getAuthTag());
    }
    const head = c.update(plaintext);
    const tail = c.final();
    const tag = c.getAuthTag();
    const out = new Uint8Array(head.length + tail.length + tag.length);
    out.set(head, 0);
    out.set(tail, head.length);
    out.set(tag, head.length + tail.length);
    return out;
  },
  aesGcmDecrypt(key, iv, aad, sealed, tagLength) {
    if (sealed.length < tagLength) return undefined;
    const split = sealed.length - tagLength;
    const d = nc().createDecipheriv('aes-128-gcm', key, iv, { authTagLength: tagLength });
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(split));
    const head = d.update(sealed.subarray(0, split));
    try {
      const tail = d.final();
      return tail.length === 0 ? u8(head) : concat(head, tail);
    } catch {
      return undefined;
    }
  },
};

/** node:crypto implementation (the tested path); usable only on Node. */
export const nodePrimitives: CryptoPrimitives = {
  name: 'node:crypto',
  sync: nodeSync,
  async sha256(data) {
    return nodeSync.sha256(data);
  },
  async ecdsaVerify(publicKey, data, signature) {
    return nodeSync.ecdsaVerify(publicKey, data, signature);
  },
  async ecdsaSign(privateKey, data) {
    assertP256(asKeyObject(privateKey), 'ECDSA signing');
    return u8(nc().sign('sha256', data, { key: asKeyObject(privateKey), dsaEncoding: 'ieee-p1363' }));
  },
  async ecdh(privateKey, publicKey) {
    return nodeSync.ecdh(privateKey, publicKey);
  },
  async aesGcmEncrypt(key, iv, aad, plaintext, tagLength) {
    return nodeSync.aesGcmEncrypt(key, iv, aad, plaintext, tagLength);
  },
  async aesGcmDecrypt(key, iv, aad, sealed, tagLength) {
    return nodeSync.aesGcmDecrypt(key, iv, aad, sealed, tagLength);
  },
};

/**
 * WebCrypto implementation (`globalThis.crypto.subtle`) for browsers. Keys may be
 * CryptoKeys (imported for the right algorithm, or extractable so they can be
 * re-imported) or, under Node, KeyObjects.
 */
export function webCryptoPrimitives(subtle: SubtleCrypto = globalThis.crypto.subtle): CryptoPrimitives {
  const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
  const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;
  // A CryptoKey is bound to one algorithm: DS keys come as ECDSA, KA keys as ECDH.
  async function as(k: PlatformKey, alg: typeof P256 | typeof ECDH, usages: KeyUsage[]): Promise<CryptoKey> {
    if (!isNodeKey(k) && k.algorithm.name === alg.name) return k;
    let der: ArrayBuffer;
    let type: 'public' | 'private';
    if (isNodeKey(k)) {
      type = k.type === 'private' ? 'private' : 'public';
      const b = k.export({ type: type === 'private' ? 'pkcs8' : 'spki', format: 'der' });
      der = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    } else {
      type = k.type === 'private' ? 'private' : 'public';
      der = await subtle.exportKey(type === 'private' ? 'pkcs8' : 'spki', k);
    }
    const use = type === 'public' ? usages.filter((u) => u === 'verify') : usages.filter((u) => u !== 'verify');
    return subtle.importKey(type === 'private' ? 'pkcs8' : 'spki', der, alg, false, use);
  }
  const aes = (key: Uint8Array, usage: 'encrypt' | 'decrypt') => subtle.importKey('raw', key as BufferSource, 'AES-GCM', false, [usage]);
  return {
    name: 'WebCrypto',
    async sha256(data) {
      return new Uint8Array(await subtle.digest('SHA-256', data as BufferSource));
    },
    async ecdsaVerify(publicKey, data, signature) {
      if (signature.length !== 64) return false;
      const k = await as(publicKey, P256, ['verify']);
      return subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, k, signature as BufferSource, data as BufferSource);
    },
    async ecdsaSign(privateKey, data) {
      const k = await as(privateKey, P256, ['sign']);
      return new Uint8Array(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, k, data as BufferSource));
    },
    async ecdh(privateKey, publicKey) {
      const priv = await as(privateKey, ECDH, ['deriveBits']);
      const pub = await as(publicKey, ECDH, []);
      return new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: pub }, priv, 256));
    },
    async aesGcmEncrypt(key, iv, aad, plaintext, tagLength) {
      const k = await aes(key, 'encrypt');
      const out = await subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: aad as BufferSource, tagLength: tagLength * 8 }, k, plaintext as BufferSource);
      return new Uint8Array(out);
    },
    async aesGcmDecrypt(key, iv, aad, sealed, tagLength) {
      if (sealed.length < tagLength) return undefined;
      const k = await aes(key, 'decrypt');
      try {
        const out = await subtle.decrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: aad as BufferSource, tagLength: tagLength * 8 }, k, sealed as BufferSource);
        return new Uint8Array(out);
      } catch {
        return undefined;
      }
    },
  };
}

function isNodeKey(k: PlatformKey): k is KeyObject {
  const c = nodeBuiltin<NodeCrypto>('node:crypto');
  return c !== undefined && k instanceof c.KeyObject;
}

/** Refuses a key that is not EC P-256 (an RSA or P-384 key would give a signature of the wrong size). */
function assertP256(k: KeyObject, what: string): void {
  if (k.asymmetricKeyType !== 'ec' || k.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    const curve = k.asymmetricKeyDetails?.namedCurve;
    throw new TypeError(`${what} needs an EC P-256 key, got ${k.asymmetricKeyType ?? k.type}${curve ? ` (${curve})` : ''}`);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * The primitives used when the caller does not choose: node:crypto when running on Node
 * (faster, and takes KeyObjects directly), else WebCrypto (`globalThis.crypto.subtle`).
 */
export const defaultPrimitives: CryptoPrimitives = nodeBuiltin('node:crypto') !== undefined ? nodePrimitives : webCryptoPrimitives();
