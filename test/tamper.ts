// Single-bit tamper helpers shared by the security suites.
import { GbcsDecodeError, verifyFrame, type KeyStore } from '../src/index.js';

/** Deterministic sample of bit positions: every bit of the frame when small, else a spread. */
export function bitSample(length: number, max: number, seed: number): number[] {
  const total = length * 8;
  if (total <= max) return Array.from({ length: total }, (_, i) => i);
  const out = new Set<number>();
  let x = seed >>> 0 || 1;
  // Always the first and last bytes (headers, MAC/signature tail), then a xorshift spread.
  for (let i = 0; i < 8; i++) {
    out.add(i);
    out.add(total - 1 - i);
  }
  while (out.size < max) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.add((x >>> 0) % total);
  }
  return [...out].sort((a, b) => a - b);
}

/** True when the flipped frame no longer passes: decode error, or a check that was valid is not. */
export async function tamperDetected(bytes: Uint8Array, bit: number, store: KeyStore, acb: string | undefined, was: { sig: boolean; mac: boolean }): Promise<boolean> {
  const t = bytes.slice();
  t[bit >> 3]! ^= 0x80 >> (bit & 7);
  let v;
  try {
    v = await verifyFrame(t, store, { acb });
  } catch (e) {
    if (e instanceof GbcsDecodeError) return true;
    throw e;
  }
  return (was.sig && v.signature.status !== 'valid') || (was.mac && v.mac.status !== 'valid');
}

