// OBIS codes (IEC 62056-61): six value groups A-B:C.D.E.F, carried as 6-byte octet strings.
//
//   byte  0   1   2   3   4   5
//         A   B   C   D   E   F        text "A-B:C.D.E.F" in decimal
//
// Decoded codes are views of the payload bytes: text, groups, hex and the object name
// (obisNames.ts, NAMES.md 2.2) are computed on first read and cached (issue 12: no
// strings made while the tree is built).
import { toHex } from '../bytes.js';
import { obisInfo, type ObisInfo } from './obisNames.js';
import { JSON_WRITE, type JsonWriter } from './json.js';

/** A DLMS OBIS code as text and bytes. */
export interface Obis {
  /** "A-B:C.D.E.F" in decimal, e.g. "0-0:94.44.100.255". */
  readonly text: string;
  readonly groups: readonly [number, number, number, number, number, number];
  /** The 6 bytes as lower-case hex. */
  readonly hex: string;
  /** GBCS object name where known (NAMES.md 2.2). */
  readonly name?: string | undefined;
  /** VERIFIED / UNCONFIRMED status and source of `name`. */
  readonly nameStatus?: ObisInfo['status'] | undefined;
}

/** JSON text of OBIS codes written, by their 48-bit value (bounded: cleared when full). */
const JSON_CACHE = new Map<number, Uint8Array>();
const JSON_CACHE_MAX = 4096;

/** A decoded OBIS code: a view of 6 payload bytes with lazily made strings. */
export class ObisCode implements Obis {
  readonly #b: Uint8Array;
  readonly #o: number;
  #text: string | undefined = undefined;

  constructor(b: Uint8Array, off: number) {
    this.#b = b;
    this.#o = off;
  }

  get text(): string {
    if (this.#text === undefined) {
      const b = this.#b, o = this.#o;
      this.#text = `${b[o]}-${b[o + 1]}:${b[o + 2]}.${b[o + 3]}.${b[o + 4]}.${b[o + 5]}`;
    }
    return this.#text;
  }
  get groups(): readonly [number, number, number, number, number, number] {
    const b = this.#b, o = this.#o;
    return [b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!, b[o + 4]!, b[o + 5]!];
  }
  get hex(): string {
    return toHex(this.#b, this.#o, this.#o + 6);
  }
  get name(): string | undefined {
    return obisInfo(this.text)?.name;
  }
  get nameStatus(): ObisInfo['status'] | undefined {
    return obisInfo(this.text)?.status;
  }
  /** The 6 bytes (a view of the payload). */
  get bytes(): Uint8Array {
    return this.#b.subarray(this.#o, this.#o + 6);
  }
  toString(): string {
    return this.text;
  }
  /** Writes JSON.stringify(toJSON()) into a JsonWriter (json.ts JSON_WRITE protocol): no groups array, hex from the bytes. */
  [JSON_WRITE](w: JsonWriter): void {
    const b = this.#b, o = this.#o;
    // The text depends on the 6 bytes only: written once per code, then copied.
    const key = ((b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!) * 0x1000000 + ((b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!);
    const hit = JSON_CACHE.get(key);
    if (hit !== undefined) return w.bytes(hit);
    const start = w.pos;
    this.#write(w);
    if (JSON_CACHE.size >= JSON_CACHE_MAX) JSON_CACHE.clear();
    JSON_CACHE.set(key, w.buf.slice(start, w.pos));
  }

  #write(w: JsonWriter): void {
    const b = this.#b, o = this.#o;
    const text = this.text;
    w.raw('{"text":');
    w.str(text);
    w.raw(',"groups":[');
    for (let i = 0; i < 6; i++) {
      if (i > 0) w.byte(44);
      w.num(b[o + i]!);
    }
    w.raw('],"hex":');
    w.hex(b, o, o + 6);
    const info = obisInfo(text);
    if (info) {
      if (info.name !== undefined) (w.key('name'), w.name(info.name));
      if (info.status !== undefined) (w.key('nameStatus'), w.name(info.status));
    }
    w.byte(125);
  }
  toJSON(): Obis {
    const info = obisInfo(this.text);
    return info ? { text: this.text, groups: this.groups, hex: this.hex, name: info.name, nameStatus: info.status } : { text: this.text, groups: this.groups, hex: this.hex };
  }
}

/** Reads the OBIS code at `b[off]` (a lazy view; the caller has bounds-checked). */
export function decodeObis(b: Uint8Array, off = 0): Obis {
  return new ObisCode(b, off);
}

/** Parses "A-B:C.D.E.F" (F may be omitted: 255) into 6 bytes. */
export function encodeObis(text: string): Uint8Array {
  const m = /^(\d+)-(\d+):(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new TypeError(`not an OBIS code: ${JSON.stringify(text)}`);
  const out = m.slice(1, 7).map((v, i) => (v === undefined && i === 5 ? 255 : Number(v)));
  if (out.some((v) => v > 255)) throw new TypeError(`OBIS value group out of range in ${text}`);
  return Uint8Array.from(out);
}
