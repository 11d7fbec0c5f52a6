// JSON-safe view of decoded payloads: bigints as decimal strings, bytes as hex.
import { toHex } from '../bytes.js';

export function toJsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) return v.map(toJsonSafe);
  if (v !== null && typeof v === 'object') {
    // Lazy tree nodes (DLMS, OBIS codes, ...) describe their JSON shape with toJSON().
    const tj = (v as { toJSON?: unknown }).toJSON;
    if (typeof tj === 'function' && !(v instanceof Date)) return toJsonSafe(tj.call(v));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJsonSafe(x);
    return out;
  }
  return v;
}
