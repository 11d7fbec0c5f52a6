// OBIS codes (IEC 62056-61): six value groups A-B:C.D.E.F, carried as 6-byte octet strings.
import { toHex } from '../bytes.js';

export interface Obis {
  /** "A-B:C.D.E.F" in decimal, e.g. "0-0:94.44.100.255". */
  readonly text: string;
  readonly groups: readonly [number, number, number, number, number, number];
  /** The 6 bytes as lower-case hex. */
  readonly hex: string;
  /** GBCS / Blue Book name where known. */
  readonly name?: string;
}

/** Names of OBIS codes that appear in GBCS use cases (GBCS.md 3.2, 5.4, 6). */
const OBIS_NAMES: Record<string, string> = {
  '0-0:1.0.0.255': 'Clock',
  '0-0:0.2.1.255': 'Active firmware identifier',
  '0-0:94.44.100.255': 'Restricting object (range selector)',
  '0-0:99.98.4.255': 'Power Event Log',
  '0-17:99.98.2.255': 'ALCS Event Log',
  '0-0:99.98.20.255': 'Boost Button Event Log',
  '0-0:94.44.7.255': 'Boost duration',
};

export function decodeObis(b: Uint8Array, off = 0): Obis {
  const g = [b[off]!, b[off + 1]!, b[off + 2]!, b[off + 3]!, b[off + 4]!, b[off + 5]!] as const;
  const text = `${g[0]}-${g[1]}:${g[2]}.${g[3]}.${g[4]}.${g[5]}`;
  const name = OBIS_NAMES[text];
  const o: { -readonly [K in keyof Obis]: Obis[K] } = { text, groups: g, hex: toHex(b, off, off + 6) };
  if (name) o.name = name;
  return o;
}

/** Parses "A-B:C.D.E.F" (F may be omitted: 255) into 6 bytes. */
export function encodeObis(text: string): Uint8Array {
  const m = /^(\d+)-(\d+):(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new TypeError(`not an OBIS code: ${JSON.stringify(text)}`);
  const out = m.slice(1, 7).map((v, i) => (v === undefined && i === 5 ? 255 : Number(v)));
  if (out.some((v) => v > 255)) throw new TypeError(`OBIS value group out of range in ${text}`);
  return Uint8Array.from(out);
}
