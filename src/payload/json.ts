// JSON-safe view of decoded payloads: bigints as decimal strings, bytes as hex. Tree nodes
// that compute names/text/times on first read (fixed-shape classes) give them through
// their `toJSON()`, which is followed like JSON.stringify does.
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
