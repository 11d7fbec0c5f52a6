// JSON-safe view of decoded payloads: bigints as decimal strings, bytes as hex. Tree nodes
// that compute names/text/times on first read (fixed-shape classes) give them through
// their `toJSON()`, which is followed like JSON.stringify does; a `toJsonSafe()` method
// returns output that is JSON-safe already (no second walk).
import { toHex } from '../bytes.js';

/**
 * The JSON-safe form of any decoded value or tree: bigints as decimal strings, bytes as
 * lower-case hex, nodes with `toJSON()` followed. `JSON.stringify(toJsonSafe(tree))` never throws.
 */
export function toJsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) return v.map(toJsonSafe);
  if (v !== null && typeof v === 'object') {
    // Nodes that already produce JSON-safe output (DLMS tree) skip the second walk.
    const safe = (v as { toJsonSafe?: unknown }).toJsonSafe;
    if (typeof safe === 'function') return safe.call(v);
    const j = (v as { toJSON?: unknown }).toJSON;
    if (typeof j === 'function') return toJsonSafe(j.call(v));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJsonSafe(x);
    return out;
  }
  return v;
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
 * `JSON.stringify(toJsonSafe(v))` in one pass, without the deep copy: bigints as decimal
 * strings and bytes as hex, converted as the serialiser meets them (a replacer). Equal
 * output for trees of plain objects, arrays and scalars (every decoded payload tree; a
 * test checks it on RTDS).
 */
export function stringifyJsonSafe(v: unknown): string {
  return JSON.stringify(v, jsonReplacer);
}
