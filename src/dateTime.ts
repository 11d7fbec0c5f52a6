// DLMS date-time (12 bytes, GBCS.md 3.2): year(2) month day day-of-week hour minute
// second hundredths deviation(i16, 0x8000 unset) clock-status. 0xFF = not specified.
import { toHex } from './bytes.js';

/** A DLMS/GBCS date-time; each field null where the wire says "not specified". */
export interface GbcsDateTime {
  /** null where the field is "not specified" (0xFFFF / 0xFF). */
  readonly year: number | null;
  /** 1-12, or 0xFD / 0xFE (DST end / begin), null if unspecified. */
  readonly month: number | null;
  /** 1-31, or 0xFD / 0xFE (second-last / last day), null if unspecified. */
  readonly dayOfMonth: number | null;
  /** 1 = Monday ... 7 = Sunday, null if unspecified. */
  readonly dayOfWeek: number | null;
  readonly hour: number | null;
  readonly minute: number | null;
  readonly second: number | null;
  readonly hundredths: number | null;
  /** Minutes from UTC, null when 0x8000 (unset). */
  readonly deviation: number | null;
  /** Clock status byte, null when 0xFF. */
  readonly clockStatus: number | null;
  /** ISO-8601 text when year..second are all specified, else undefined. */
  readonly iso?: string;
  /** GBCS specials: all-zero "now" and all-FF "never". */
  readonly special?: 'now' | 'never';
  /** The 12 bytes as lower-case hex. */
  readonly hex: string;
}

const ff = (v: number): number | null => (v === 0xff ? null : v);

/** Decodes the 12 bytes at `b[off]`. The caller has bounds-checked. */
export function decodeDateTime(b: Uint8Array, off = 0): GbcsDateTime {
  const yearRaw = (b[off]! << 8) | b[off + 1]!;
  const devRaw = (b[off + 9]! << 8) | b[off + 10]!;
  const dt = {
    year: yearRaw === 0xffff ? null : yearRaw,
    month: ff(b[off + 2]!),
    dayOfMonth: ff(b[off + 3]!),
    dayOfWeek: ff(b[off + 4]!),
    hour: ff(b[off + 5]!),
    minute: ff(b[off + 6]!),
    second: ff(b[off + 7]!),
    hundredths: ff(b[off + 8]!),
    deviation: devRaw === 0x8000 ? null : (devRaw << 16) >> 16,
    clockStatus: ff(b[off + 11]!),
    hex: toHex(b, off, off + 12),
  } as { -readonly [K in keyof GbcsDateTime]: GbcsDateTime[K] };
  let zeros = true;
  let ffs = true;
  for (let i = 0; i < 9; i++) {
    if (b[off + i] !== 0) zeros = false;
    if (b[off + i] !== 0xff) ffs = false;
  }
  if (zeros) dt.special = 'now';
  else if (ffs) dt.special = 'never';
  else if (
    dt.year !== null && dt.month !== null && dt.month <= 12 && dt.dayOfMonth !== null && dt.dayOfMonth <= 31 &&
    dt.hour !== null && dt.minute !== null && dt.second !== null
  ) {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const frac = dt.hundredths !== null ? `.${p(dt.hundredths)}` : '';
    let zone = '';
    if (dt.deviation !== null) {
      // DLMS deviation is minutes to add to local time to get UTC (Blue Book): UTC = local + deviation.
      const off = -dt.deviation;
      zone = off === 0 ? 'Z' : `${off < 0 ? '-' : '+'}${p(Math.floor(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`;
    }
    dt.iso = `${p(dt.year, 4)}-${p(dt.month)}-${p(dt.dayOfMonth)}T${p(dt.hour)}:${p(dt.minute)}:${p(dt.second)}${frac}${zone}`;
  }
  return dt;
}

/** Encodes a date-time to its 12 bytes from the fields (which hold every byte: exact). */
export function encodeDateTime(dt: GbcsDateTime | Uint8Array): Uint8Array {
  if (dt instanceof Uint8Array) {
    if (dt.length !== 12) throw new TypeError(`a DLMS date-time is 12 bytes, got ${dt.length}`);
    return dt;
  }
  const n = (v: number | null) => (v === null ? 0xff : v & 0xff);
  const year = dt.year === null ? 0xffff : dt.year;
  const dev = dt.deviation === null ? 0x8000 : dt.deviation & 0xffff;
  return Uint8Array.of(
    year >> 8, year & 0xff, n(dt.month), n(dt.dayOfMonth), n(dt.dayOfWeek), n(dt.hour), n(dt.minute),
    n(dt.second), n(dt.hundredths), dev >> 8, dev & 0xff, n(dt.clockStatus),
  );
}
