// Byte helpers: input normalisation (bytes, hex text, base64) and fast hex output.
import { GbcsDecodeError } from './errors.js';

/** Anything the decoders accept as one frame. */
export type BinaryInput = Uint8Array | ArrayBuffer | string;

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

/** Lower-case hex of `b[start, end)`, no separators. */
export function toHex(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX[b[i]!];
  return s;
}

const HEX_CLEAN = /0x|[\s,:]/gi;
const HEX_ONLY = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Parses hex text. Spaces, newlines, commas, colons and `0x` prefixes are ignored;
 * anything else is a GbcsDecodeError naming the character offset.
 */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(HEX_CLEAN, '');
  if (!HEX_ONLY.test(clean)) {
    const bad = clean.search(/[^0-9a-fA-F]/);
    throw new GbcsDecodeError('hex-input', bad, 'hex digit', `found ${JSON.stringify(clean[bad])}`);
  }
  if (clean.length % 2 !== 0) {
    throw new GbcsDecodeError('hex-input', clean.length, 'an even number of hex digits');
  }
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) {
    const v = parseInt(clean.substr(i * 2, 2), 16);
    out[i] = v;
  }
  return out;
}

function fromBase64(text: string): Uint8Array {
  const norm = text.replace(/-/g, '+').replace(/_/g, '/');
  if (typeof Buffer !== 'undefined') {
    const b = Buffer.from(norm, 'base64');
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  }
  const bin = atob(norm);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
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
 * Normalises decoder input to bytes without copying byte input. Text is hex when it
 * is made only of hex digits (after removing separators and 0x prefixes), else base64.
 */
export function toBytes(input: BinaryInput): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (typeof input !== 'string') {
    throw new TypeError('GBCS input must be a Uint8Array, an ArrayBuffer, hex text or base64 text');
  }
  const clean = input.replace(HEX_CLEAN, '');
  if (HEX_ONLY.test(clean)) return fromHex(input);
  const b64 = input.replace(/\s+/g, '');
  if (BASE64.test(b64) && b64.length % 4 !== 1) return fromBase64(b64);
  const bad = clean.search(/[^0-9a-fA-F]/);
  throw new GbcsDecodeError('text-input', Math.max(0, bad), 'hex text or base64 text');
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

/** Normalises an EUI-64 given as text to the 16 lower-case hex digits used everywhere. */
export function normalizeEui(eui: string | Uint8Array): string {
  return toHex(euiBytes(eui, 'EUI-64'));
}
