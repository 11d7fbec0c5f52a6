// JSON-safe view of decoded payloads: bigints as decimal strings, bytes as hex. Tree nodes
// that compute names/text/times on first read (fixed-shape classes) give them through
// their `toJSON()`, which is followed like JSON.stringify does; a `toJsonSafe()` method
// returns output that is JSON-safe already (no second walk).
//
// Speed (issue 12): one pass, no Object.entries arrays. A class whose toJSON() returns a new
// plain object each call may say so with `[JSON_FRESH] = true` on its prototype: that object
// is then converted in place instead of copied once more.
import { toHex } from '../bytes.js';

/** Marks (on a prototype) that `toJSON()` returns a fresh plain object the caller may convert in place. */
export const JSON_FRESH: unique symbol = Symbol.for('gbcs-codec.jsonFresh');

const hasOwn = Object.prototype.hasOwnProperty;
/** A writer kept between stringifyJsonSafe calls (one buffer, not one per call). */
let spare: JsonWriter | undefined;

/**
 * The JSON-safe form of any decoded value or tree: bigints as decimal strings, bytes as
 * lower-case hex, nodes with `toJSON()` followed. `JSON.stringify(toJsonSafe(tree))` never throws.
 */
export function toJsonSafe(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? v.toString() : v;
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = toJsonSafe(v[i]);
    return out;
  }
  // Nodes that already produce JSON-safe output (DLMS tree) skip the second walk.
  const safe = (v as { toJsonSafe?: unknown }).toJsonSafe;
  if (typeof safe === 'function') return safe.call(v);
  const j = (v as { toJSON?: unknown }).toJSON;
  if (typeof j === 'function') {
    const r = j.call(v) as unknown;
    if ((v as { [JSON_FRESH]?: boolean })[JSON_FRESH] === true && r !== null && typeof r === 'object' && !Array.isArray(r)) {
      const o = r as Record<string, unknown>;
      for (const k in o) if (hasOwn.call(o, k)) o[k] = toJsonSafe(o[k]);
      return o;
    }
    return toJsonSafe(r);
  }
  const out: Record<string, unknown> = {};
  for (const k in v) if (hasOwn.call(v, k)) out[k] = toJsonSafe((v as Record<string, unknown>)[k]);
  return out;
}

/**
 * A `JSON.stringify` replacer for decoded trees: `JSON.stringify(frame.payload.decoded, jsonReplacer)`.
 * Bigints become decimal strings and bytes lower-case hex (the same form as toJsonSafe).
 */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return toHex(value);
  return value;
}

/**
 * The JSON text of `v` with bigints as decimal strings and bytes as hex: exactly
 * `JSON.stringify(toJsonSafe(v))`, written in one pass by a JsonWriter (no JSON-safe twin of
 * the tree is built).
 */
export function stringifyJsonSafe(v: unknown): string {
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return JSON.stringify(v);
  const w = spare ?? new JsonWriter(16 * 1024);
  spare = undefined; // a toJSON() that calls back in gets its own writer
  try {
    w.pos = 0;
    w.value(v);
    return w.text();
  } finally {
    if (w.buf.length <= 1 << 20) spare = w;
  }
}

/**
 * Marks (on a prototype) a method `(w: JsonWriter) => void` that writes the node's JSON
 * straight into a JsonWriter: the same text as `JSON.stringify(toJsonSafe(node))`, without
 * building the JSON-safe object first.
 */
export const JSON_WRITE: unique symbol = Symbol.for('gbcs-codec.jsonWrite');

const HEX_CODES = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, '0');
  HEX_CODES[2 * i] = h.charCodeAt(0);
  HEX_CODES[2 * i + 1] = h.charCodeAt(1);
}
const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * An ASCII JSON fragment as bytes (e.g. `,"offset":` or a node shape's head
 * `{"type":"long-unsigned","value":`), written by JsonWriter.frag(): node writers keep one
 * per key or shape ("templates", issue 12) instead of writing the text a character at a
 * time through raw()/key() on every node.
 */
export function jsonFragment(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 126) throw new RangeError('JSON fragments are ASCII');
    out[i] = c;
  }
  return out;
}

/**
 * Writes the digits of `n` (an integer 0 <= n < 2^31) at `b[p]` and returns the position
 * after them. The caller has made room (at most 10 digits).
 */
function putUint(b: Uint8Array, p: number, n: number): number {
  if (n < 10) {
    b[p] = 48 + n;
    return p + 1;
  }
  if (n < 100) {
    const q = (n / 10) | 0;
    b[p] = 48 + q;
    b[p + 1] = 48 + n - q * 10;
    return p + 2;
  }
  let len = 3;
  for (let t = n; t >= 1000; t = (t / 10) | 0) len++;
  let e = p + len;
  const end = e;
  while (n >= 10) {
    const q = (n / 10) | 0;
    b[--e] = 48 + n - q * 10;
    n = q;
  }
  b[--e] = 48 + n;
  return end;
}
const isUint31 = (n: number): boolean => n >= 0 && n <= 0x7fffffff && (n | 0) === n;

// Decision (issue 12 item 5): long hex and long ASCII strings go through Node's native
// Buffer methods when a global Buffer exists (feature-detected, no `node:` import, as in
// bytes.ts): `hexSlice` + `latin1Write` cost a fixed ~100-150 ns per call but a fraction
// of a nanosecond per byte, so they win past the thresholds below (measured with
// bench/parallel.mjs --cli); short ones and browsers take the JS loops. Both methods accept
// any Uint8Array as `this`.
interface NativeProto {
  hexSlice(this: Uint8Array, start: number, end: number): string;
  latin1Write(this: Uint8Array, s: string, offset: number): number;
}
const NATIVE_PROTO: NativeProto | undefined = (() => {
  const B = (globalThis as { Buffer?: { prototype?: Partial<NativeProto> } }).Buffer;
  const p = B?.prototype;
  return p && typeof p.hexSlice === 'function' && typeof p.latin1Write === 'function' ? (p as NativeProto) : undefined;
})();
/** Fragments up to this many bytes are copied by a loop, longer ones by set(). */
const FRAG_LOOP_MAX = 10;
/** Names from this many characters are copied from NAME_CACHE (shorter: a loop is as fast). */
const NAME_CACHE_FROM = 8;
/** Quoted JSON bytes per name (JsonWriter.name); cleared when full (names come from bounded tables). */
const NAME_CACHE = new Map<string, Uint8Array>();
const NAME_CACHE_MAX = 4096;
/** Bytes from which hex is written natively. */
const NATIVE_HEX_AT = 96;
/** Characters from which an ASCII string is copied natively. */
const NATIVE_STR_AT = 40;
/** A character JSON.stringify escapes, or one that is not ASCII (UTF-8 needs more than one byte). */
const NOT_PLAIN = /[\u0000-\u001f"\\\u007f-\uffff]/;

/**
 * A JSON text writer over one growing byte buffer (UTF-8): what `gbcs decode --json`, the
 * pipeline and the pool's frameRecord print, in one pass over the decoded tree. `value(v)`
 * writes exactly `JSON.stringify(toJsonSafe(v))` (bigints as decimal strings, bytes as
 * lower-case hex, `toJSON()`/`toJsonSafe()` followed, undefined members skipped), but:
 * no JSON-safe twin of the tree is built, bytes become hex straight into the buffer (no hex
 * string), and the text is bytes already (no second UTF-8 pass before a write).
 * Nodes may write themselves through a `[JSON_WRITE](w)` method.
 *
 * ```js
 * const w = new JsonWriter();
 * w.value(frame.payload.decoded);
 * process.stdout.write(w.take());
 * ```
 */
export class JsonWriter {
  /** The buffer; bytes [0, pos) are written. Replaced (not mutated in place) when it grows or by take(). */
  buf: Uint8Array;
  /** Bytes written. */
  pos = 0;
  constructor(capacity = 64 * 1024) {
    this.buf = new Uint8Array(Math.max(64, capacity));
  }

  /** A fragment as is (jsonFragment: ASCII, already valid JSON): a node shape's head, `,"key":`, ... */
  frag(t: Uint8Array): void {
    const n = t.length;
    let p = this.pos;
    if (p + n > this.buf.length) this.reserve(n);
    const b = this.buf;
    // A copy loop costs ~2 ns a byte here, set() a flat ~15 ns (measured, Node 20).
    if (n > FRAG_LOOP_MAX) {
      b.set(t, p);
      this.pos = p + n;
      return;
    }
    for (let i = 0; i < n; i++) b[p++] = t[i]!;
    this.pos = p;
  }

  /**
   * A JSON string from a bounded vocabulary (names from the tables: class, attribute, field,
   * cluster, command, value names): its quoted bytes are kept once per name and copied, not
   * checked and written a character at a time. Any string is correct here; text from the
   * payload (values, free text) goes to str() so the cache holds names only.
   */
  name(s: string): void {
    if (s.length < NAME_CACHE_FROM) return this.str(s);
    let t = NAME_CACHE.get(s);
    if (t === undefined) {
      const at = this.pos;
      this.str(s);
      t = this.buf.slice(at, this.pos);
      if (NAME_CACHE.size >= NAME_CACHE_MAX) NAME_CACHE.clear();
      NAME_CACHE.set(s, t);
      return;
    }
    this.frag(t);
  }

  /** A fragment then a number: `,"key":` and its value in one call. */
  fragNum(t: Uint8Array, v: number): void {
    if (!isUint31(v)) {
      this.frag(t);
      return this.num(v);
    }
    const n = t.length;
    let p = this.pos;
    if (p + n + 10 > this.buf.length) this.reserve(n + 10);
    const b = this.buf;
    for (let i = 0; i < n; i++) b[p++] = t[i]!;
    this.pos = putUint(b, p, v);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < this.pos + n) cap *= 2;
      const b = new Uint8Array(cap);
      b.set(this.buf.subarray(0, this.pos));
      this.buf = b;
    }
  }

  /** One byte (an ASCII character code: `{`, `,`, ...). */
  byte(c: number): void {
    if (this.pos >= this.buf.length) this.reserve(1);
    this.buf[this.pos++] = c;
  }

  /** Text written as is: ASCII only, already valid JSON (punctuation, `"key":`, literals). */
  raw(s: string): void {
    const n = s.length;
    this.reserve(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A JSON string (quoted, escaped as JSON.stringify does; UTF-8). */
  str(s: string): void {
    const n = s.length;
    if (n >= NATIVE_STR_AT && NATIVE_PROTO !== undefined) {
      if (NOT_PLAIN.test(s)) return this.#strSlow(s);
      this.reserve(n + 2);
      const b = this.buf;
      b[this.pos] = 34;
      NATIVE_PROTO.latin1Write.call(b, s, this.pos + 1);
      b[this.pos + n + 1] = 34;
      this.pos += n + 2;
      return;
    }
    this.reserve(n + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 34;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 32 || c === 34 || c === 92 || c > 126) return this.#strSlow(s);
      b[p++] = c;
    }
    b[p++] = 34;
    this.pos = p;
  }

  #strSlow(s: string): void {
    const j = JSON.stringify(s);
    this.reserve(j.length * 3);
    this.pos += encoder.encodeInto(j, this.buf.subarray(this.pos)).written;
  }

  /** A number as JSON.stringify writes it (non-finite: null). */
  num(n: number): void {
    if (isUint31(n)) {
      // Non-negative integers (nearly every number of a tree): digits without a string.
      if (this.pos + 10 > this.buf.length) this.reserve(10);
      this.pos = putUint(this.buf, this.pos, n);
      return;
    }
    this.raw(Number.isFinite(n) ? String(n) : 'null');
  }

  /** Bytes [start, end) as a quoted lower-case hex string. */
  hex(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const n = end - start;
    this.reserve(2 * n + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 34;
    if (n >= NATIVE_HEX_AT && NATIVE_PROTO !== undefined) {
      NATIVE_PROTO.latin1Write.call(b, NATIVE_PROTO.hexSlice.call(bytes, start, end), p);
      p += 2 * n;
      b[p++] = 34;
      this.pos = p;
      return;
    }
    for (let i = start; i < end; i++) {
      const x = bytes[i]! << 1;
      b[p++] = HEX_CODES[x]!;
      b[p++] = HEX_CODES[x + 1]!;
    }
    b[p++] = 34;
    this.pos = p;
  }

  /** Any decoded value: the text of `JSON.stringify(toJsonSafe(v))` (undefined at the top: `null`). */
  value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        return this.str(v);
      case 'number':
        return this.num(v);
      case 'boolean':
        return this.raw(v ? 'true' : 'false');
      case 'bigint':
        return this.raw(`"${v.toString()}"`);
      case 'object':
        break;
      default:
        return this.raw('null');
    }
    if (v === null) return this.raw('null');
    if (Array.isArray(v)) {
      this.byte(91);
      for (let i = 0; i < v.length; i++) {
        if (i > 0) this.byte(44);
        const x = v[i] as unknown;
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') this.raw('null');
        else this.value(x);
      }
      return this.byte(93);
    }
    const o = v as Record<PropertyKey, unknown>;
    // Plain objects (most of a JSON-safe tree) have no methods to look up.
    const proto = Object.getPrototypeOf(o) as unknown;
    if (proto === Object.prototype) return void this.#plain(o);
    if (proto === null) return void this.members(o, true);
    if (v instanceof Uint8Array) return this.hex(v);
    const wr = o[JSON_WRITE];
    if (typeof wr === 'function') return void wr.call(v, this);
    const safe = o.toJsonSafe;
    if (typeof safe === 'function') return this.value(safe.call(v));
    const j = o.toJSON;
    if (typeof j === 'function') return this.value(j.call(v));
    this.members(o, true);
  }

  /**
   * The members of a plain object, as JSON.stringify writes them (own enumerable string
   * keys, undefined/function/symbol values skipped), enclosed in braces when `braces`,
   * else each preceded by a comma (to append to an object already open). Returns the count written.
   */
  members(o: object, braces = false): number {
    if (braces) this.byte(123);
    let n = 0;
    for (const k in o) {
      if (!hasOwn.call(o, k)) continue;
      const x = (o as Record<string, unknown>)[k];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      if (n > 0 || !braces) this.byte(44);
      n++;
      this.str(k);
      this.byte(58);
      this.value(x);
    }
    if (braces) this.byte(125);
    return n;
  }

  // A plain object: for-in without an own-property test per key (Object.prototype carries
  // no enumerable members; the differential test would see it if something added one).
  #plain(o: Record<string, unknown>): void {
    this.byte(123);
    let comma = false;
    for (const k in o) {
      const x = o[k];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      // `,"key":` in one go (keys are short ASCII; one that needs escapes takes str()).
      const n = k.length;
      this.reserve(n + 4);
      const b = this.buf;
      let p = this.pos;
      if (comma) b[p++] = 44;
      comma = true;
      const at = p;
      b[p++] = 34;
      let i = 0;
      for (; i < n; i++) {
        const c = k.charCodeAt(i);
        if (c < 32 || c === 34 || c === 92 || c > 126) break;
        b[p++] = c;
      }
      if (i === n) {
        b[p++] = 34;
        b[p++] = 58;
        this.pos = p;
      } else {
        this.pos = at;
        this.str(k);
        this.byte(58);
      }
      if (typeof x === 'string') this.str(x);
      else if (typeof x === 'number') this.num(x);
      else this.value(x);
    }
    this.byte(125);
  }

  /** `,"offset":<offset>,"length":<length>}`: the tail every located tree node ends with. */
  offsetLength(offset: number, length: number): void {
    this.offsetLengthOpen(offset, length);
    this.byte(125);
  }

  /** `,"offset":<offset>,"length":<length>` (the node stays open for more members). */
  offsetLengthOpen(offset: number, length: number): void {
    if (!isUint31(offset) || !isUint31(length)) {
      this.raw(',"offset":');
      this.num(offset);
      this.raw(',"length":');
      this.num(length);
      return;
    }
    if (this.pos + 40 > this.buf.length) this.reserve(40);
    const b = this.buf;
    let p = this.pos;
    // ,"offset":  (constant stores: no template read)
    b[p] = 44; b[p + 1] = 34; b[p + 2] = 111; b[p + 3] = 102; b[p + 4] = 102;
    b[p + 5] = 115; b[p + 6] = 101; b[p + 7] = 116; b[p + 8] = 34; b[p + 9] = 58;
    p = putUint(b, p + 10, offset);
    // ,"length":
    b[p] = 44; b[p + 1] = 34; b[p + 2] = 108; b[p + 3] = 101; b[p + 4] = 110;
    b[p + 5] = 103; b[p + 6] = 116; b[p + 7] = 104; b[p + 8] = 34; b[p + 9] = 58;
    this.pos = putUint(b, p + 10, length);
  }

  /** Bytes written as is (already JSON text: a cached fragment). */
  bytes(u: Uint8Array): void {
    const n = u.length;
    this.reserve(n);
    if (n >= 64) this.buf.set(u, this.pos);
    else {
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) b[p++] = u[i]!;
    }
    this.pos += n;
  }

  /** `,"key":` (key ASCII, no escapes), to append a member to an object already open. */
  key(k: string): void {
    this.reserve(k.length + 4);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 44;
    b[p++] = 34;
    for (let i = 0; i < k.length; i++) b[p++] = k.charCodeAt(i);
    b[p++] = 34;
    b[p++] = 58;
    this.pos = p;
  }

  /** The text written so far (UTF-8 decoded). */
  text(start = 0): string {
    return decodeUtf8(this.buf, start, this.pos);
  }

  /**
   * Hands over the bytes written (a view of the current buffer) and goes on in `next` (a
   * buffer the caller has back, e.g. one whose write completed) or a new one.
   */
  take(next?: Uint8Array): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    this.buf = next ?? new Uint8Array(this.buf.length);
    this.pos = 0;
    return out;
  }
}

const decoder = /* @__PURE__ */ new TextDecoder();
function decodeUtf8(b: Uint8Array, start: number, end: number): string {
  return decoder.decode(b.subarray(start, end));
}
