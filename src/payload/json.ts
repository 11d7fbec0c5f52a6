// JSON-safe view of decoded payloads: bigints as decimal strings, bytes as hex. Tree nodes
// that compute names/text/times on first read (fixed-shape classes) give them through
// their `toJSON()`, which is followed like JSON.stringify does; a `toJsonSafe()` method
// returns output that is JSON-safe already (no second walk).
import { toHex } from '../bytes.js';

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
