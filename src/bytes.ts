// Byte helpers: input normalisation (bytes, hex text, base64) and fast hex output.
// The one bytes toolkit of the library (HOUSE.md).
//
// Decision (issue 12 item 1): text decoding takes Node's native hex/base64 decoder when a
// global `Buffer` exists (feature-detected: no `node:` import, so this module and the main
// entry stay browser-safe) and checks its result length, which the native decoder shortens
// at the first character it does not accept. It writes (`buf.write(text, offset, length,
// encoding)`) into a slab of 8 KiB that this module carves plain Uint8Array views from, as
// Node carves its Buffer pool: one view object per frame, no Buffer per frame, no re-wrap
// (a plain Uint8Array, so JSON and subclass checks see no Buffer). Frames over half a slab
// get their own memory. Anything else
// (separators, errors, browsers) takes one linear table-driven scan. Hex vs base64:
// text of hex digits and separators only is hex; text that is mostly hex (under 10% of
// its first 64 significant characters outside 0-9a-fA-F) is hex with a typo and fails with
// `hex-input` at the first bad character's position in the text, never silently read as
// base64 (base64 of any RTDS frame has at least 20% such characters).
// For unseparated text of 68+ characters the native path decodes first and counts the
// non-hex characters on the decoded bytes (decodedMostlyHex), the same answer for less work.
import { GbcsDecodeError } from './errors.js';

/** Anything the decoders accept as one frame. */
export type BinaryInput = Uint8Array | ArrayBuffer | string;

/** A Node Buffer over a slab: `write` decodes text into it, returning the bytes written. */
interface SlabBuffer extends Uint8Array {
  write(text: string, offset: number, length: number, encoding: 'hex' | 'base64'): number;
}
interface NativeBuffer {
  from(text: string, encoding: 'hex' | 'base64'): Uint8Array;
  from(memory: ArrayBuffer): SlabBuffer;
  allocUnsafeSlow(size: number): Uint8Array;
}
/** Node's Buffer when present (Node, Deno, Bun, polyfilled bundles); undefined in browsers. */
const NATIVE: NativeBuffer | undefined =
  typeof (globalThis as { Buffer?: NativeBuffer }).Buffer === 'function' ? (globalThis as { Buffer?: NativeBuffer }).Buffer : undefined;

/** Slab the native decoder writes into; views of it are handed out, never reused. */
const SLAB = 8192;
let slab: ArrayBuffer | undefined;
let slabWriter: SlabBuffer | undefined;
let slabUsed = SLAB;

/**
 * `len` bytes decoded natively from `text`, or undefined when the native decoder wrote
 * fewer (it skips or stops at characters it does not take: the exact count proves every
 * character was taken). Only called when NATIVE exists.
 */
function nativeDecode(text: string, len: number, encoding: 'hex' | 'base64'): Uint8Array | undefined {
  if (len > SLAB >> 1) {
    const b = NATIVE!.from(text, encoding);
    return b.length === len ? plain(b) : undefined;
  }
  if (slabUsed + len > SLAB) {
    slab = new ArrayBuffer(SLAB);
    slabWriter = NATIVE!.from(slab);
    slabUsed = 0;
  }
  if (slabWriter!.write(text, slabUsed, len, encoding) !== len) return undefined;
  const out = new Uint8Array(slab!, slabUsed, len);
  slabUsed = (slabUsed + len + 7) & ~7;
  return out;
}

/** Decoded length of unseparated base64 text of `n` characters (padding optional). */
function base64Length(text: string, n: number): number {
  const pad = n > 0 && text.charCodeAt(n - 1) === 61 ? (n > 1 && text.charCodeAt(n - 2) === 61 ? 2 : 1) : 0;
  return ((n * 3) >> 2) - pad;
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

/** Copies of at least this many bytes take uninitialised native memory (copyOf). */
const COPY_NATIVE_MIN = 4096;

/**
 * A copy of `b[start, end)` in memory of its own, as a plain Uint8Array. Decision (issue 17
 * item 4): large copies under Node take `Buffer.allocUnsafeSlow` memory (not zero-filled,
 * and malloc reuses freed blocks) rather than `slice` (a zero-filled ArrayBuffer, fresh
 * pages for every multi-MiB batch): the copied OTA block batches ran at half the speed of
 * the zero-copy ones for the page faults alone. Every byte is written before it is handed
 * out, so nothing of the old memory shows; no Buffer is handed out (a view of its memory).
 */
export function copyOf(b: Uint8Array, start = 0, end = b.length): Uint8Array {
  const n = end - start;
  if (NATIVE === undefined || n < COPY_NATIVE_MIN) return b.slice(start, end);
  const m = NATIVE.allocUnsafeSlow(n);
  m.set(b.subarray(start, end));
  return new Uint8Array(m.buffer, m.byteOffset, n);
}

/** Lower-case hex of `b[start, end)`, no separators. */
export function toHex(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX[b[i]!];
  return s;
}

/** Character class tables (index: char code < 128). Hex: value 0-15, else -1. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) HEX_VALUE[65 + i] = HEX_VALUE[97 + i] = 10 + i;
/** Base64 (standard and URL-safe alphabets): value 0-63, else -1. */
const B64_VALUE = new Int8Array(128).fill(-1);
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
for (let i = 0; i < 62; i++) B64_VALUE[B64.charCodeAt(i)] = i;
B64_VALUE[43] = B64_VALUE[45] = 62; // + -
B64_VALUE[47] = B64_VALUE[95] = 63; // / _

/** Separators hex text may carry: whitespace, ',' and ':'. */
const isSeparator = (c: number) => c === 32 || c === 44 || c === 58 || (c >= 9 && c <= 13);
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/** A view of native (pooled Buffer) bytes as a plain Uint8Array, so JSON and subclass checks see no Buffer. */
const plain = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.length);

/**
 * The linear hex scan: separators and `0x` prefixes skipped, digits paired. Returns the
 * bytes, or the text offset of the first character that is neither (negative: -1 - offset).
 */
function scanHex(text: string): Uint8Array | number {
  const n = text.length;
  const out = new Uint8Array(n >> 1);
  let len = 0;
  let hi = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? HEX_VALUE[c]! : -1;
    if (v >= 0) {
      // `0x` / `0X` is a prefix, skipped like a separator (as the text was ever read).
      if (c === 48 && i + 1 < n && (text.charCodeAt(i + 1) | 0x20) === 0x78) {
        i++;
        continue;
      }
      if (hi < 0) hi = v;
      else {
        out[len++] = (hi << 4) | v;
        hi = -1;
      }
    } else if (!isSeparator(c)) return -1 - i;
  }
  if (hi >= 0) throw new GbcsDecodeError('hex-input', len * 2 + 1, 'an even number of hex digits');
  return len === out.length ? out : out.subarray(0, len);
}

/**
 * Parses hex text in one linear pass. Spaces, newlines, commas, colons and `0x` prefixes
 * are ignored; anything else is a GbcsDecodeError `hex-input` naming the character's
 * offset in `text`. Uses the native decoder (Node's Buffer) for separator-free text.
 */
export function fromHex(text: string): Uint8Array {
  if (NATIVE !== undefined && (text.length & 1) === 0) {
    const b = nativeDecode(text, text.length >> 1, 'hex');
    if (b !== undefined) return b;
  }
  const r = scanHex(text);
  if (typeof r !== 'number') return r;
  const at = -1 - r;
  throw new GbcsDecodeError('hex-input', at, 'hex digit', `found ${JSON.stringify(text[at])}`);
}

/** Table-driven base64 (standard or URL-safe, padding optional, whitespace ignored); -1 - offset of a bad character. */
function scanBase64(text: string): Uint8Array | number {
  const n = text.length;
  const out = new Uint8Array(((n * 3) >> 2) + 3);
  let len = 0;
  let acc = 0;
  let bits = 0;
  let pad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 61) {
      pad++;
      continue;
    }
    if (isSpace(c)) continue;
    const v = c < 128 ? B64_VALUE[c]! : -1;
    if (v < 0 || pad > 0) return -1 - i;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[len++] = (acc >> bits) & 0xff;
    }
  }
  if (pad > 2 || bits >= 6) return -1 - n; // a lone trailing character cannot end base64
  return out.subarray(0, len);
}

/** Base64 bytes of `text` (standard or URL-safe alphabet); throws `text-input` at a bad character. */
export function fromBase64(text: string): Uint8Array {
  const n = text.length;
  if (NATIVE !== undefined && (n & 3) !== 1) {
    // The native decoder skips or stops at characters it does not take: a result of the
    // exact length proves every character was base64.
    const b = nativeDecode(text, base64Length(text, n), 'base64');
    if (b !== undefined) return b;
  }
  const r = scanBase64(text);
  if (typeof r !== 'number') return r;
  throw new GbcsDecodeError('text-input', -1 - r, 'hex text or base64 text');
}

/**
 * Standard base64 (RFC 4648 section 4, padding optional, no whitespace) to bytes, or
 * undefined when the text is not base64. For DUIS GBCSPayload / FirmwareImage elements.
 */
export function fromBase64Strict(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  if (/=/.test(text) && text.length % 4 !== 0) return undefined;
  return fromBase64(text);
}

/**
 * Normalises decoder input to bytes without copying byte input. Text is hex when it is
 * made only of hex digits (after separators and 0x prefixes), else base64 when every
 * character is base64; text that is mostly hex is a `hex-input` error at the bad
 * character, never retried as base64. Every path is linear in the text length.
 */
export function toBytes(input: BinaryInput): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (typeof input === 'string') return textBytes(input);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  throw new TypeError('GBCS input must be a Uint8Array, an ArrayBuffer, hex text or base64 text');
}

/** Significant characters (separators skipped) looked at to tell a hex typo from base64. */
const SAMPLE = 64;

/**
 * Mostly hex: fewer than 1 in 10 of the first SAMPLE significant characters (separators
 * skipped) are outside 0-9a-fA-F. Base64 of a frame has at least 20% such characters
 * (RTDS), hex with a typo a few; stops as soon as the answer is known, so it costs a few
 * dozen character reads whatever the text length.
 */
function mostlyHex(text: string): boolean {
  let seen = 0;
  for (let i = 0; i < text.length && seen < SAMPLE; i++) if (!isSeparator(text.charCodeAt(i))) seen++;
  let nonHex = 0;
  let k = 0;
  for (let i = 0; i < text.length && k < seen; i++) {
    const c = text.charCodeAt(i);
    if (isSeparator(c)) continue;
    k++;
    if ((c >= 128 || HEX_VALUE[c]! < 0) && ++nonHex * 10 >= seen) return false;
  }
  return true;
}

/**
 * mostlyHex for text without separators (the only text the native base64 path accepts:
 * the native decoder skips whitespace, so separated text fails its length check): one
 * pass over at most SAMPLE characters, ending as soon as the non-hex count decides. It
 * counts from the end of the sample back: a frame's base64 starts with runs of `A` (its
 * zero header bytes, hex letters), so the decision comes after about 16 characters
 * instead of 27 (RTDS). Separators count as non-hex here; such text then fails the native
 * base64 length check and takes the full scan, so the answer there is mostlyHex's.
 */
function unseparatedMostlyHex(text: string, n: number): boolean {
  const seen = n < SAMPLE ? n : SAMPLE;
  let nonHex = 0;
  for (let i = seen - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if ((c >= 128 || HEX_VALUE[c]! < 0) && ++nonHex * 10 >= seen) return false;
  }
  return true;
}

const isHexCode = (c: number) => c < 128 && HEX_VALUE[c]! >= 0;

/**
 * Texts of at least this many characters have SAMPLE base64 digits before any padding
 * (padding is at most 2 characters, at the end), so decodedMostlyHex applies.
 */
const DECODED_SAMPLE_MIN = SAMPLE + 4;
/** Non-hex characters among the two base64 digits of a 12-bit group (0-2). */
const NON_HEX_PAIR = new Uint8Array(4096);
{
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const nonHex = (v: number) => (HEX_VALUE[B64.charCodeAt(v)]! < 0 ? 1 : 0);
  for (let w = 0; w < 4096; w++) NON_HEX_PAIR[w] = nonHex(w >> 6) + nonHex(w & 63);
}

/**
 * unseparatedMostlyHex read from the bytes the native decoder made of the text, for text
 * of DECODED_SAMPLE_MIN characters or more that decoded to its exact length. Decision
 * (issue 12 item 1): the same answer for less work. An exact-length decode proves every
 * character was a base64 digit (the decoder skips or stops at anything else), so the
 * first SAMPLE characters are exactly the 6-bit digits of the first 48 bytes, and a
 * character is a hex digit exactly when its digit value is one of A-F (0-5), a-f (26-31)
 * or 0-9 (52-61) in either alphabet (`-`/`_` and `+`/`/` are 62/63, not hex). Typed-array
 * reads with a 4096-entry table (two digits per entry) cost far less than charCodeAt.
 * Reads from the end of the sample back in runs of 16 digits, as unseparatedMostlyHex.
 */
function decodedMostlyHex(b: Uint8Array): boolean {
  const need = Math.ceil(SAMPLE / 10); // nonHex * 10 >= SAMPLE decides base64
  let nonHex = 0;
  for (let i = 45; i >= 0; i -= 12) {
    const w0 = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    const w1 = (b[i - 3]! << 16) | (b[i - 2]! << 8) | b[i - 1]!;
    const w2 = (b[i - 6]! << 16) | (b[i - 5]! << 8) | b[i - 4]!;
    const w3 = (b[i - 9]! << 16) | (b[i - 8]! << 8) | b[i - 7]!;
    nonHex +=
      NON_HEX_PAIR[w0 >> 12]! + NON_HEX_PAIR[w0 & 4095]! + NON_HEX_PAIR[w1 >> 12]! + NON_HEX_PAIR[w1 & 4095]! +
      NON_HEX_PAIR[w2 >> 12]! + NON_HEX_PAIR[w2 & 4095]! + NON_HEX_PAIR[w3 >> 12]! + NON_HEX_PAIR[w3 & 4095]!;
    if (nonHex >= need) return false;
  }
  return true;
}

function textBytes(text: string): Uint8Array {
  const n = text.length;
  if (NATIVE !== undefined && n > 1) {
    if (isHexCode(text.charCodeAt(0)) && isHexCode(text.charCodeAt(1))) {
      if ((n & 1) === 0) {
        const b = nativeDecode(text, n >> 1, 'hex');
        if (b !== undefined) return b;
      }
    } else if ((n & 3) !== 1) {
      // Not hex from its first pair on: the usual shape of base64 (a frame's `3Q` / `3w`).
      if (n >= DECODED_SAMPLE_MIN) {
        // Decode first, then tell a hex typo from base64 on the decoded bytes (cheaper
        // than re-reading the characters; the same answer, see decodedMostlyHex).
        const b = nativeDecode(text, base64Length(text, n), 'base64');
        if (b !== undefined && !decodedMostlyHex(b)) return b;
      } else if (!unseparatedMostlyHex(text, n)) {
        const b = nativeDecode(text, base64Length(text, n), 'base64');
        if (b !== undefined) return b;
      }
    }
  }
  const r = scanHex(text);
  if (typeof r !== 'number') return r;
  const at = -1 - r;
  // Not hex throughout: a typo in hex, or base64?
  if (mostlyHex(text)) throw new GbcsDecodeError('hex-input', at, 'hex digit', `found ${JSON.stringify(text[at])}`);
  return fromBase64(text);
}

/** `"00db1234567890a0"` or 8 bytes -> 8 bytes; throws on anything else. */
export function euiBytes(eui: string | Uint8Array, field: string): Uint8Array {
  if (eui instanceof Uint8Array) {
    if (eui.length !== 8) throw new TypeError(`${field} must be 8 bytes, got ${eui.length}`);
    return eui;
  }
  const clean = eui.replace(/[\s:-]/g, '');
  if (!/^[0-9a-fA-F]{16}$/.test(clean)) throw new TypeError(`${field} must be 16 hex digits, got ${JSON.stringify(eui)}`);
  return fromHex(clean);
}

const NORMAL_EUI = /^[0-9a-f]{16}$/;

/** Normalises an EUI-64 given as text to the 16 lower-case hex digits used everywhere. */
export function normalizeEui(eui: string | Uint8Array): string {
  // Already normal (what decoded frames give): returned as is, no parse.
  if (typeof eui === 'string' && eui.length === 16 && NORMAL_EUI.test(eui)) return eui;
  return toHex(euiBytes(eui, 'EUI-64'));
}
