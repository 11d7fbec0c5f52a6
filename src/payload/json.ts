// JSON-safe view of decoded payloads: bigints as decimal strings, bytes as hex.
import { toHex } from '../bytes.js';

export function toJsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) return v.map(toJsonSafe);
  if (v !== null && typeof v === 'object') {
    // Class-based nodes (Asn1Node) expose their lazy getters through toJSON.
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return toJsonSafe((v as { toJSON(): unknown }).toJSON());
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJsonSafe(x);
    return out;
  }
  return v;
}
