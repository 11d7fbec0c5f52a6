// The two non-DLMS time forms of GBCS payloads: ASN.1 GeneralizedTime as GBCS writes it
// (GBCS.md 3.4) and u32 UTC seconds since 2000-01-01T00:00Z (DLMS log reads, GBZ alerts).
import { GbcsEncodeError } from './errors.js';

/** GeneralizedTime as GBCS uses it; `99991231235959Z` means "cancel" (GBCS.md 3.4). */
export interface GeneralizedTime {
  readonly text: string;
  /** undefined for the cancel sentinel. */
  readonly date: Date | undefined;
  readonly cancel: boolean;
}

export const CANCEL_TIME = '99991231235959Z';

export function parseGeneralizedTime(text: string): GeneralizedTime | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  if (text === CANCEL_TIME) return { text, date: undefined, cancel: true };
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Reject out-of-range fields (month 13, 31 February...) rather than normalising them.
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return { text, date, cancel: false };
}

export function formatGeneralizedTime(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new GbcsEncodeError('dateTime', 'invalid Date');
  const y = date.getUTCFullYear();
  if (y < 0 || y > 9999) throw new GbcsEncodeError('dateTime', `year ${y} does not fit GeneralizedTime`);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(y, 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z`;
}

/** Seconds since 2000-01-01T00:00Z: the u32 time of DLMS log reads and GBZ alerts. */
export const GBCS_EPOCH_MS = Date.UTC(2000, 0, 1);

export function gbcsSecondsToDate(s: number): Date {
  return new Date(GBCS_EPOCH_MS + s * 1000);
}

/** Date (or u32 seconds since 2000) -> u32 seconds since 2000; throws outside u32. */
export function toGbcsSeconds(t: Date | number, field: string): number {
  const s = t instanceof Date ? Math.floor((t.getTime() - GBCS_EPOCH_MS) / 1000) : t;
  if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) {
    throw new RangeError(`${field} must be a Date from 2000-01-01Z to 2136 or u32 seconds since 2000-01-01Z, got ${t instanceof Date ? t.toISOString() : t}`);
  }
  return s;
}
