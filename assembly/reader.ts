// Bounds-checked byte reading shared by every structure walker. Errors never trap:
// the first failure is latched into (errCode, errPos) and callers unwind with -1.
import { E_BER_LENGTH, E_DLMS_LENGTH, E_TRUNCATED } from '../src/wasm/layout';

export let errCode: i32 = 0;
export let errPos: usize = 0;
/** Width in bytes of the last BER length read (1..4). */
export let lenWidth: i32 = 0;

export function resetError(): void {
  errCode = 0;
  errPos = 0;
}

/** Latches an error at absolute address `pos`; returns -1 for `return fail(...)`. */
export function fail(code: i32, pos: usize): i32 {
  if (errCode == 0) {
    errCode = code;
    errPos = pos;
  }
  return -1;
}

@inline export function has(p: usize, n: usize, end: usize): bool {
  return p <= end && n <= end - p;
}

@inline export function u8At(p: usize): u32 {
  return <u32>load<u8>(p);
}

@inline export function u16be(p: usize): u32 {
  return (<u32>load<u8>(p) << 8) | <u32>load<u8>(p + 1);
}

@inline export function u32be(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

/**
 * Reads a definite length at p: short form, or a long form of 1..`maxOctets` length
 * octets. Values of 2^31 or more are refused. Returns the length, or -1 with `err` /
 * E_TRUNCATED latched; sets `lenWidth` (1..maxOctets + 1).
 */
@inline
function definiteLength(p: usize, end: usize, maxOctets: u32, err: i32): i32 {
  if (p >= end) return fail(E_TRUNCATED, p);
  const first = u8At(p);
  if (first < 0x80) {
    lenWidth = 1;
    return <i32>first;
  }
  const n = first & 0x7f;
  if (n == 0 || n > maxOctets) return fail(err, p);
  if (!has(p + 1, n, end)) return fail(E_TRUNCATED, end);
  let v: u32 = 0;
  for (let i: u32 = 0; i < n; i++) v = (v << 8) | u8At(p + 1 + i);
  if (v > 0x7fffffff) return fail(err, p);
  lenWidth = <i32>n + 1;
  return <i32>v;
}

/**
 * Reads a BER definite length at p (short form, or 81/82/83 long form). Returns the
 * length, or -1 with E_BER_LENGTH / E_TRUNCATED latched; sets `lenWidth`.
 */
@inline export function berLength(p: usize, end: usize): i32 {
  return definiteLength(p, end, 3, E_BER_LENGTH);
}

/**
 * Reads an A-XDR (DLMS) length at p: short form, or 81/82/83/84 long form (issue 19:
 * Gurux and other DLMS stacks write `84 00 01 00 00` for 65,536). Values of 2^31 or more
 * are refused (no payload can hold them). Returns the length, or -1 with E_DLMS_LENGTH /
 * E_TRUNCATED latched; sets `lenWidth` (1..5). The envelope keeps berLength (GBCS.md 1.2:
 * at most 3 length octets).
 */
export function axdrLength(p: usize, end: usize): i32 {
  return definiteLength(p, end, 4, E_DLMS_LENGTH);
}
