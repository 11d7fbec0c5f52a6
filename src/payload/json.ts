// JSON-safe view of decoded payloads: bigints as decimal strings, bytes as hex. Tree nodes
// that compute names/text/times on first read (fixed-shape classes) give them through
// their `toJSON()`, which is followed like JSON.stringify does; a `toJsonSafe()` method
// returns output that is JSON-safe already (no second walk).
//
// Speed (issue 12): one pass, no Object.entries arrays. A class whose toJSON() returns a new
// plain object each call may say so with `[JSON_FRESH] = true` on its prototype: that object
// is then converted in place instead of copied once more.
import { toHex } from '../bytes.js';

/** Marks (on a prototype) that `toJSON()` returns a fresh plain object the caller may convert in place. */
export const JSON_FRESH: unique symbol = Symbol.for('gbcs-codec.jsonFresh');

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The JSON-safe form of any decoded value or tree: bigints as decimal strings, bytes as
 * lower-case hex, nodes with `toJSON()` followed. `JSON.stringify(toJsonSafe(tree))` never throws.
 */
export function toJsonSafe(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? v.toString() : v;
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = toJsonSafe(v[i]);
    return out;
  }
  // Nodes that already produce JSON-safe output (DLMS tree) skip the second walk.
  const safe = (v as { toJsonSafe?: unknown }).toJsonSafe;
  if (typeof safe === 'function') return safe.call(v);
  const j = (v as { toJSON?: unknown }).toJSON;
  if (typeof j === 'function') {
    const r = j.call(v) as unknown;
    if ((v as { [JSON_FRESH]?: boolean })[JSON_FRESH] === true && r !== null && typeof r === 'object' && !Array.isArray(r)) {
      const o = r as Record<string, unknown>;
      for (const k in o) if (hasOwn.call(o, k)) o[k] = toJsonSafe(o[k]);
      return o;
    }
    return toJsonSafe(r);
  }
  const out: Record<string, unknown> = {};
  for (const k in v) if (hasOwn.call(v, k)) out[k] = toJsonSafe((v as Record<string, unknown>)[k]);
  return out;
}

/**
 * A `JSON.stringify` replacer for decoded trees: `JSON.stringify(frame.payload.decoded, jsonReplacer)`.
 * Bigints become decimal strings and bytes lower-case hex (the same form as toJsonSafe).
 */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return toHex(value);
  return value;
}

/**
 * The JSON text of `v` with bigints as decimal strings and bytes as hex: what the CLI prints.
 * Measured on the RTDS trees (bench, this machine): the tree nodes' own JSON-safe output
 * (`toJsonSafe()` / `toJSON()`, one walk) then the native serialiser is faster than a
 * JSON.stringify replacer, which runs a JS call per value and leaves V8's fast path.
 */
export function stringifyJsonSafe(v: unknown): string {
  return JSON.stringify(toJsonSafe(v));
}
