// Asking a KeyStore for a key, safely (issue 10.7). A key store is caller code: it may
// hand back anything (a string, an RSA or Ed25519 key, a P-384 key, a secret key), throw,
// or never settle. Every lookup of the security layer goes through `resolveKey`, which
// turns each of those into a verdict instead of an exception:
//   { key }                         a usable EC P-256 key of the asked kind
//   { unknown: reason }             the store has no such key (it returned undefined)
//   { unusable: reason }            the store answered with something that cannot be used,
//                                   threw/rejected, or did not answer within `keyTimeoutMs`
// Verification, MAC checks and decryption report `unusable` as status 'key-unusable'
// (never 'invalid', which means tampered; never a raw thrown error).
//
// Decision: a KeyObject private key also serves a public-key lookup (node derives the
// public half), a public key never serves a private-key lookup.
import type { KeyObject } from 'node:crypto';
import { nodeBuiltin } from '../platform.js';
import type { KeyLookupOptions, KeyStore, KeyUsage } from './keyStore.js';
import type { PlatformKey } from './primitives.js';

/** Default bound on one key-store answer (ms): a callback that never settles is reported, not awaited forever. */
export const DEFAULT_KEY_TIMEOUT_MS = 30_000;

/** Options for resolving a key-store answer (time bound). */
export interface KeyResolveOptions {
  /** Milliseconds to wait for one key-store answer (default DEFAULT_KEY_TIMEOUT_MS); past it the key is 'key-unusable'. */
  readonly keyTimeoutMs?: number;
}

/** A key-store answer as a verdict. */
export type ResolvedKey =
  | { readonly key: PlatformKey; readonly unknown?: undefined; readonly unusable?: undefined }
  | { readonly key?: undefined; readonly unknown: string; readonly unusable?: undefined }
  | { readonly key?: undefined; readonly unknown?: undefined; readonly unusable: string };

/** Thrown by key stores (folderKeyStore) for a key file that cannot be used; resolveKey reports its message. */
export class KeyUnusableError extends Error {
  override readonly name = 'KeyUnusableError';
  readonly code = 'key-unusable';
}

type NodeCrypto = typeof import('node:crypto');

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  const line = m.split('\n')[0]!;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  const c = (v as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof c === 'string' && c !== '' ? c : 'object';
}

/**
 * Why `value` cannot serve as the `usage` key asked for (undefined when it can): an EC
 * P-256 KeyObject (or CryptoKey) of the right kind (private when `privateKey`).
 */
export function keyUnusableReason(value: unknown, privateKey: boolean): string | undefined {
  if (typeof value !== 'object' || value === null) return `not a key object (got ${describe(value)})`;
  const cache = privateKey ? checkedPrivate : checkedPublic;
  const hit = cache.get(value);
  if (hit !== undefined) return hit === OK ? undefined : hit;
  const why = unusableReason(value, privateKey);
  cache.set(value, why ?? OK);
  return why;
}

/** Verdicts per key object (a key store hands out the same objects again). */
const OK = '';
const checkedPublic = new WeakMap<object, string>();
const checkedPrivate = new WeakMap<object, string>();

function unusableReason(value: object, privateKey: boolean): string | undefined {
  const KeyObjectClass = nodeBuiltin<NodeCrypto>('node:crypto')?.KeyObject;
  if (KeyObjectClass !== undefined && value instanceof KeyObjectClass) {
    const k = value as KeyObject;
    if (k.type === 'secret') return 'a secret (symmetric) key, not an EC P-256 key';
    if (privateKey && k.type !== 'private') return 'a public key where the private key is needed';
    if (k.asymmetricKeyType !== 'ec') return `not an EC P-256 key (${k.asymmetricKeyType ?? 'unknown type'})`;
    const curve = k.asymmetricKeyDetails?.namedCurve;
    if (curve !== 'prime256v1') return `not an EC P-256 key (curve ${curve ?? 'unknown'})`;
    return undefined;
  }
  // WebCrypto CryptoKey (duck-typed: the class is not a global on every runtime).
  if (typeof value === 'object' && value !== null && 'algorithm' in value && 'type' in value && 'usages' in value) {
    const k = value as CryptoKey;
    const alg = k.algorithm as { name?: string; namedCurve?: string };
    if (k.type === 'secret') return 'a secret (symmetric) key, not an EC P-256 key';
    if (privateKey && k.type !== 'private') return 'a public key where the private key is needed';
    if (alg.name !== 'ECDSA' && alg.name !== 'ECDH') return `not an EC P-256 key (${String(alg.name)})`;
    if (alg.namedCurve !== 'P-256') return `not an EC P-256 key (curve ${String(alg.namedCurve)})`;
    return undefined;
  }
  return `not a key object (got ${describe(value)})`;
}

/**
 * Asks `keyStore` for a key and never throws: see the file header for the verdicts.
 * `what` names the key in reasons, e.g. "DS public key of 90b3d51f30010000".
 */
export async function resolveKey(
  keyStore: KeyStore,
  eui: string,
  usage: KeyUsage,
  lookup: KeyLookupOptions | undefined,
  options: KeyResolveOptions = {},
): Promise<ResolvedKey> {
  return resolveKeyNow(keyStore, eui, usage, lookup, options);
}

/**
 * resolveKey without a promise when the answer is known now: a plain value, or a promise
 * this module has seen settle (key stores hand out their cached promise again, so after
 * the first lookup of a party every lookup is answered here). Otherwise the promise of the
 * verdict. The key store is asked exactly once either way.
 */
export function resolveKeyNow(
  keyStore: KeyStore,
  eui: string,
  usage: KeyUsage,
  lookup: KeyLookupOptions | undefined,
  options: KeyResolveOptions = {},
): ResolvedKey | Promise<ResolvedKey> {
  let value: unknown;
  try {
    value = keyStore(eui, usage, lookup);
  } catch (e) {
    return { unusable: `${what(eui, usage, lookup)}: ${firstLine(e)}` };
  }
  if (typeof (value as PromiseLike<unknown> | undefined)?.then === 'function') {
    const known = settled.get(value as object);
    if (known === undefined) return resolvePending(value as PromiseLike<unknown>, eui, usage, lookup, options.keyTimeoutMs ?? DEFAULT_KEY_TIMEOUT_MS);
    if (known.rejected) return { unusable: `${what(eui, usage, lookup)}: ${firstLine(known.value)}` };
    value = known.value;
  }
  return verdict(value, eui, usage, lookup);
}

const what = (eui: string, usage: KeyUsage, lookup: KeyLookupOptions | undefined) =>
  `${usage} ${lookup?.privateKey === true ? 'private' : 'public'} key${lookup?.prepayment ? ' (prepayment)' : ''} of ${eui}`;

function verdict(value: unknown, eui: string, usage: KeyUsage, lookup: KeyLookupOptions | undefined): ResolvedKey {
  if (value === undefined || value === null) return { unknown: `key store has no ${what(eui, usage, lookup)}` };
  const why = keyUnusableReason(value, lookup?.privateKey === true);
  return why === undefined ? { key: value as PlatformKey } : { unusable: `${what(eui, usage, lookup)}: ${why}` };
}

async function resolvePending(p: PromiseLike<unknown>, eui: string, usage: KeyUsage, lookup: KeyLookupOptions | undefined, ms: number): Promise<ResolvedKey> {
  const r = await settle(p, ms);
  if (r.rejected) return { unusable: `${what(eui, usage, lookup)}: ${firstLine(r.value)}` };
  return verdict(r.value, eui, usage, lookup);
}

/** Outcomes of key-store promises seen to settle (weak: a dropped promise is forgotten). */
const settled = new WeakMap<object, { readonly rejected: boolean; readonly value: unknown }>();

/**
 * Waits for a key-store answer: a cached (already settled) answer is read after a few
 * microtasks, with no timer; only an answer still pending then is raced against `ms`.
 * Records the outcome in `settled`.
 */
async function settle(p: PromiseLike<unknown>, ms: number): Promise<{ rejected: boolean; value: unknown }> {
  const asked = Promise.resolve(p);
  // A native promise's outcome never changes once settled; another thenable may answer anew.
  const remember = p instanceof Promise;
  let state = 0; // 0 pending, 1 fulfilled, 2 rejected
  let out: unknown;
  asked.then(
    (v) => {
      state = 1;
      out = v;
      if (remember) settled.set(p, { rejected: false, value: v });
    },
    (e: unknown) => {
      state = 2;
      out = e;
      if (remember) settled.set(p, { rejected: true, value: e });
    },
  );
  await null;
  await null;
  if (state !== 0) return { rejected: state === 2, value: out };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const v = await (Number.isFinite(ms) && ms >= 0
      ? Promise.race([
          asked,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new KeyUnusableError(`the key store did not answer within ${ms} ms`)), ms);
          }),
        ])
      : asked);
    return { rejected: false, value: v };
  } catch (e) {
    return { rejected: true, value: e };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * A tiny least-recently-used map (insertion order of a Map): `get` refreshes an entry,
 * `set` evicts the oldest past `max`. Bounds the key caches against hostile EUIs.
 */
export class LruMap<K, V> {
  readonly #m = new Map<K, V>();
  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError('LruMap max must be at least 1');
  }
  get size(): number {
    return this.#m.size;
  }
  get(k: K): V | undefined {
    const v = this.#m.get(k);
    // Recency matters only once eviction is near: below half full a hit is not re-ordered
    // (a delete + set per hit was 3% of verification), above it every hit refreshes.
    if (v !== undefined && this.#m.size > this.max >> 1) {
      this.#m.delete(k);
      this.#m.set(k, v);
    }
    return v;
  }
  set(k: K, v: V): void {
    this.#m.delete(k);
    this.#m.set(k, v);
    if (this.#m.size > this.max) this.#m.delete(this.#m.keys().next().value as K);
  }
  delete(k: K): boolean {
    return this.#m.delete(k);
  }
}
