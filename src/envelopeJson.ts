// Pieces of a frame's JSON envelope written straight from the frame bytes (GbcsFrame
// writeJsonMembers, issue 12 item 5): constant fragments as bytes, one fragment per known
// message code, u64 counters and DLMS date-times as digits in place. The text is exactly
// what JSON.stringify(frame.toJSON()) gives for the same members (test/json-writer.test.ts
// compares the two on every RTDS frame and on seeded random envelopes).
//
// Byte forms read here (GBCS.md 1.4, 3.2):
//   counter, supplementary counters: u64 big-endian  -> "decimal"
//   date-time: year(2) month day dow hour minute second hundredths deviation(i16) status
//     -> "now" (bytes 0-8 all 00), "never" (all FF), ISO text when year..second are
//        specified (month <= 12, day <= 31), else the 12 bytes as hex (dateTime.ts).
import { messageCodeInfo } from './messageCodes.js';
import type { JsonWriter } from './payload/json.js';
import { CRA_NAMES, type FrameKind, type PayloadFormat } from './types.js';

const utf8 = /* @__PURE__ */ new TextEncoder();
const bytesOf = (s: string): Uint8Array => utf8.encode(s);

/** `,"kind":"…","cra":"…","messageCode":` by kind, indexed by CRA flag (1-3). */
export const KIND_CRA_JSON: Readonly<Record<FrameKind, readonly Uint8Array[]>> = Object.fromEntries(
  (['general-ciphering', 'general-signing', 'gbt'] as const).map((k) => [k, [new Uint8Array(0), ...CRA_NAMES.map((c) => bytesOf(`,"kind":"${k}","cra":"${c}","messageCode":`))]]),
) as Record<FrameKind, Uint8Array[]>;

export const J_ORIGINATOR = bytesOf(',"originator":');
export const J_RECIPIENT = bytesOf(',"recipient":');
export const J_COUNTER = bytesOf(',"originatorCounter":');
export const J_DATETIME = bytesOf(',"dateTime":');
export const J_NULL = bytesOf('null');
export const J_OI = bytesOf(',"otherInformation":');
/** Other Information of 2 bytes (message code only): the whole object. */
export const J_OI_2 = bytesOf('{"variant":"message-code"}');
/** Other Information of 10, 18, 26 bytes: up to the supplementary remote party id (written next, as hex). */
export const J_OI_10 = bytesOf('{"variant":"remote-party","supplementaryRemotePartyId":');
export const J_OI_18 = bytesOf('{"variant":"remote-party-counter","supplementaryRemotePartyId":');
export const J_OI_26 = bytesOf('{"variant":"originator-counter","supplementaryRemotePartyId":');
export const J_OI_RP_COUNTER = bytesOf(',"supplementaryRemotePartyCounter":');
export const J_OI_ORIG_COUNTER = bytesOf(',"supplementaryOriginatorCounter":');
/** `,"payloadFormat":"…","contentOffset":` by format. */
export const J_FORMAT: Readonly<Record<PayloadFormat, Uint8Array>> = Object.fromEntries(
  (['unknown', 'DLMS', 'GBZ', 'ASN.1'] as const).map((f) => [f, bytesOf(`,"payloadFormat":"${f}","contentOffset":`)]),
) as Record<PayloadFormat, Uint8Array>;
export const J_CONTENT_LENGTH = bytesOf(',"contentLength":');
export const J_CONTENT = bytesOf(',"content":');
export const J_SIGNATURE = bytesOf(',"signature":');
export const J_MAC = bytesOf(',"mac":');
export const J_SECURITY_HEADER = bytesOf(',"securityHeader":{"securityControl":');
export const J_INVOCATION_COUNTER = bytesOf(',"invocationCounter":');
export const J_LENGTH = bytesOf(',"length":');

/** `N,"messageCodeHex":"XXXX","useCase":…,"messageName":…` of each known code, made on first use. */
const CODE_JSON = new Map<number, Uint8Array>();

/**
 * The message code members as bytes. Known codes (the message code table, bounded) are
 * kept; an unknown code's fragment is made each time (hostile input cannot grow the cache).
 */
export function codeJson(code: number): Uint8Array {
  const hit = CODE_JSON.get(code);
  if (hit !== undefined) return hit;
  const info = messageCodeInfo(code);
  const frag = bytesOf(
    `${code},"messageCodeHex":"${code.toString(16).toUpperCase().padStart(4, '0')}","useCase":${info ? JSON.stringify(info.useCase) : 'null'},"messageName":${info ? JSON.stringify(info.name) : 'null'}`,
  );
  if (info) CODE_JSON.set(code, frag);
  return frag;
}

/** The decimal digits of `n` (an integer, 0 <= n < 2^53), zero-padded to `width`. */
export function writeDigits(w: JsonWriter, n: number, width: number): void {
  let len = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) len++;
  const pad = width > len ? width - len : 0;
  w.reserve(pad + len);
  const b = w.buf;
  let p = w.pos;
  for (let i = 0; i < pad; i++) b[p++] = 48;
  p += len;
  w.pos = p;
  while (n >= 10) {
    const q = Math.floor(n / 10);
    b[--p] = 48 + (n - q * 10);
    n = q;
  }
  b[--p] = 48 + n;
}

const u32At = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/** The u64 big-endian at `b[at]` as a quoted decimal string (what a bigint's toJSON-safe form is). */
export function writeU64(w: JsonWriter, b: Uint8Array, at: number): void {
  const hi = u32At(b, at);
  const lo = u32At(b, at + 4);
  w.byte(34);
  if (hi < 0x200000) writeDigits(w, hi * 4294967296 + lo, 1);
  else {
    // Above 2^53: one long division by 1e8 over 16-bit limbs (every step exact in a double);
    // the quotient (< 1.9e11) is exact, the remainder gives the last 8 digits.
    let r = 0;
    let q = 0;
    for (const limb of [hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff]) {
      const cur = r * 65536 + limb;
      const d = Math.floor(cur / 1e8);
      r = cur - d * 1e8;
      q = q * 65536 + d;
    }
    writeDigits(w, q, 1);
    writeDigits(w, r, 8);
  }
  w.byte(34);
}

const J_NOW = bytesOf('"now"');
const J_NEVER = bytesOf('"never"');

/**
 * The JSON of the 12-byte date-time at `b[off]`: what `dt.special ?? dt.iso ?? dt.hex` of
 * decodeDateTime (dateTime.ts) gives, written without the object or its strings.
 */
export function writeDateTimeJson(w: JsonWriter, b: Uint8Array, off: number): void {
  let zeros = true;
  let ffs = true;
  for (let i = 0; i < 9; i++) {
    const x = b[off + i]!;
    if (x !== 0) zeros = false;
    if (x !== 0xff) ffs = false;
  }
  if (zeros) return w.bytes(J_NOW);
  if (ffs) return w.bytes(J_NEVER);
  const year = (b[off]! << 8) | b[off + 1]!;
  const month = b[off + 2]!;
  const day = b[off + 3]!;
  const hour = b[off + 5]!;
  const minute = b[off + 6]!;
  const second = b[off + 7]!;
  if (year === 0xffff || month === 0xff || month > 12 || day === 0xff || day > 31 || hour === 0xff || minute === 0xff || second === 0xff) return w.hex(b, off, off + 12);
  w.byte(34);
  writeDigits(w, year, 4);
  w.byte(45);
  writeDigits(w, month, 2);
  w.byte(45);
  writeDigits(w, day, 2);
  w.byte(84);
  writeDigits(w, hour, 2);
  w.byte(58);
  writeDigits(w, minute, 2);
  w.byte(58);
  writeDigits(w, second, 2);
  const hundredths = b[off + 8]!;
  if (hundredths !== 0xff) {
    w.byte(46);
    writeDigits(w, hundredths, 2);
  }
  const devRaw = (b[off + 9]! << 8) | b[off + 10]!;
  if (devRaw !== 0x8000) {
    // DLMS deviation: minutes to add to local time to get UTC; the zone is its negation.
    const zone = -((devRaw << 16) >> 16);
    if (zone === 0) w.byte(90);
    else {
      const a = Math.abs(zone);
      w.byte(zone < 0 ? 45 : 43);
      writeDigits(w, Math.floor(a / 60), 2);
      w.byte(58);
      writeDigits(w, a % 60, 2);
    }
  }
  w.byte(34);
}
