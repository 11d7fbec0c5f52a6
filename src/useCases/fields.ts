// Field readers for the use-case views: every view reads its payload the same way, from
// the payload module's walk (WASM-walked DER, DLMS and GBZ), field by field, each read
// naming the field and failing at its frame offset.
//   DerFields   ASN.1 DER SEQUENCE fields in order (decoded Asn1Node tree)
//   DlmsFields  DLMS Data items in order (the walker's node index: exact offsets)
//   GbzFields   a GBZ payload's count, alert and components (decoded GBZ tree)
// Structural errors from the walk and layout mismatches found here are both
// GbcsDecodeErrors with code `what` and offsets into the frame.
import { decodeDateTime, type GbcsDateTime } from '../dateTime.js';
import { GbcsDecodeError } from '../errors.js';
import type { GbcsFrame } from '../frame.js';
import { parseGeneralizedTime, type GeneralizedTime } from '../gbcsTime.js';
import type { Asn1Node } from '../payload/asn1.js';
import { readUnsigned, responseLists, walkApdu } from '../payload/dlmsRequests.js';
import type { GbzAlert, GbzComponent, GbzPayload } from '../payload/gbz.js';
import { decodePayload, type DecodedPayload } from '../payload/index.js';
import type { NodeIndex } from '../payload/nodes.js';
import type { PayloadFormat } from '../types.js';
import type { GbcsErrorCode } from '../errors.js';
import type { FieldSpan, SpanRecorder } from './module.js';

/** Where a typed view reads from: the frame's content and its offset in the frame. */
export interface ViewContext {
  readonly content: Uint8Array;
  readonly base: number;
  readonly what: GbcsErrorCode;
  readonly frame: GbcsFrame;
  /** Records the view's field spans when set (module.ts SpanRecorder). */
  readonly spans?: SpanRecorder | undefined;
}

export function fail(ctx: Pick<ViewContext, 'base' | 'what'>, expected: string, at: number, detail?: string): never {
  throw new GbcsDecodeError(ctx.what, ctx.base + at, expected, detail);
}

/**
 * The frame's payload decoded as `format` (the message code fixes it, whatever the first
 * byte suggests). The frame's cached lazy tree is used when its format agrees.
 */
export function decodeAs<F extends PayloadFormat>(ctx: ViewContext, format: F): Extract<DecodedPayload, { format: F }> {
  const f = ctx.frame;
  try {
    if (f.payloadFormat === format && f.payload) return f.payload.decoded as Extract<DecodedPayload, { format: F }>;
    return decodePayload(ctx.content, { format, messageCode: f.messageCode, cra: f.cra, offsetBase: ctx.base }) as Extract<DecodedPayload, { format: F }>;
  } catch (e) {
    throw rewrap(e, ctx.what);
  }
}

/** A payload-walker error re-issued under the typed view's code (offset and expectation kept). */
export function rewrap(e: unknown, what: GbcsErrorCode): unknown {
  if (!(e instanceof GbcsDecodeError) || e.code === what) return e;
  return new GbcsDecodeError(what, e.offset, e.expected, e.code);
}

const hex2 = (v: number) => `0x${v.toString(16).padStart(2, '0').toUpperCase()}`;

/**
 * Offset of a DER node in the content. Decoded trees carry frame offsets (decodePayload
 * with offsetBase, frame.payload: Asn1Node.offset); `fail` adds `ctx.base` back.
 */
export const nodeAt = (ctx: Pick<ViewContext, 'base'>, n: Asn1Node): number => n.offset - ctx.base;

/** End offset (exclusive) of a DER node, same base as `n.offset`. */
export function nodeEnd(n: Asn1Node): number {
  return n.end;
}

/**
 * Fields of a DER element with the given tag, read in order. `at` is where a missing
 * element would be (the end of the enclosing one).
 */
export class DerFields {
  #k = 0;
  readonly children: Asn1Node[];
  constructor(
    readonly ctx: Pick<ViewContext, 'base' | 'what'>,
    readonly node: Asn1Node,
    readonly label: string,
  ) {
    this.children = node.children ?? [];
  }

  static of(ctx: Pick<ViewContext, 'base' | 'what'>, n: Asn1Node | undefined, at: number, expected: string, label: string): DerFields {
    if (!n) fail(ctx, expected, at);
    if (n.tag !== 0x30) fail(ctx, expected, nodeAt(ctx, n), `found ${hex2(n.tag)}`);
    return new DerFields(ctx, n, label);
  }

  get remaining(): number {
    return this.children.length - this.#k;
  }

  private next(tag: number, expected: string): Asn1Node {
    const n = this.children[this.#k];
    if (!n) fail(this.ctx, expected, nodeEnd(this.node) - this.ctx.base, `${this.label} ends early`);
    if (n.tag !== tag) fail(this.ctx, expected, nodeAt(this.ctx, n), `found ${hex2(n.tag)}`);
    this.#k++;
    return n;
  }

  /** Non-negative INTEGER of 1-9 content bytes. */
  unsigned(name: string): bigint {
    const n = this.next(0x02, `INTEGER ${name}`);
    const v = n.value!;
    if (v.length === 0 || v.length > 9) fail(this.ctx, `INTEGER ${name} of 1-9 bytes`, nodeAt(this.ctx, n));
    if (v[0]! & 0x80) fail(this.ctx, `non-negative INTEGER ${name}`, nodeAt(this.ctx, n) + 2);
    return n.integer!;
  }

  /** INTEGER of 1-9 content bytes, signed as DER defines it. */
  integer(name: string): bigint {
    const n = this.next(0x02, `INTEGER ${name}`);
    if (n.value!.length === 0 || n.value!.length > 9) fail(this.ctx, `INTEGER ${name} of 1-9 bytes`, nodeAt(this.ctx, n));
    return n.integer!;
  }

  octets(name: string, size?: number): Uint8Array {
    const n = this.next(0x04, `OCTET STRING ${name}`);
    if (size !== undefined && n.value!.length !== size) fail(this.ctx, `OCTET STRING ${name} of ${size} bytes`, nodeAt(this.ctx, n) + 1, `length ${n.value!.length}`);
    return n.value!;
  }

  time(name: string): GeneralizedTime {
    const n = this.next(0x18, `GeneralizedTime ${name}`);
    const text = String.fromCharCode(...n.value!);
    const t = parseGeneralizedTime(text);
    if (!t) fail(this.ctx, `GeneralizedTime ${name} as YYYYMMDDhhmmssZ`, nodeAt(this.ctx, n) + 2, JSON.stringify(text));
    return t;
  }

  sequence(expected: string, label: string): DerFields {
    return new DerFields(this.ctx, this.next(0x30, expected), label);
  }

  /** Span in the frame of the element read last (the whole TLV), for SpanRecorder. */
  lastSpan(): FieldSpan {
    const n = this.children[this.#k - 1] ?? this.node;
    return { offset: n.offset, length: n.end - n.offset };
  }

  /** Fails unless every field was read. */
  done(expected: string): void {
    const n = this.children[this.#k];
    if (n) fail(this.ctx, expected, nodeAt(this.ctx, n), `${this.remaining} element(s) left over`);
  }
}

const DLMS_NAMES: Record<number, string> = {
  0x00: 'null-data 0x00', 0x01: 'array 0x01', 0x02: 'structure 0x02', 0x03: 'boolean 0x03', 0x05: 'double-long 0x05', 0x06: 'double-long-unsigned 0x06',
  0x09: 'octet-string 0x09', 0x0f: 'integer 0x0F', 0x10: 'long 0x10', 0x11: 'unsigned 0x11', 0x12: 'long-unsigned 0x12', 0x16: 'enum 0x16',
};

/**
 * DLMS Data items read in order from the walker's node index: the data items of an
 * access-response, the fields of a structure, or a notification body. Offsets are
 * exact (the walker's), so every failure points at the byte that is wrong.
 */
export class DlmsFields {
  #k = 0;
  constructor(
    readonly ctx: Pick<ViewContext, 'base' | 'what'>,
    readonly ix: NodeIndex,
    readonly nodes: readonly number[],
    /** Where a missing item would be (end of the enclosing list). */
    readonly end: number,
    readonly label: string,
  ) {}

  /**
   * The data items and results of the frame's DLMS access-response (counts must agree,
   * GBCS.md 3.2). `results[k]` is the data-access-result of item k (0 success).
   */
  static response(ctx: Pick<ViewContext, 'content' | 'base' | 'what'>): { invokeId: number; items: DlmsFields; results: number[]; resultAt: number[]; resultNodes: readonly number[] } {
    const ix = walkApdu(ctx.content, ctx.base, ctx.what, 0xda);
    const { data, results } = responseLists(ix, ctx.base, ctx.what);
    const end = data.length ? ix.end(data[data.length - 1]!) : ix.end(ix.next(2));
    return { invokeId: ix.aux(0), items: new DlmsFields(ctx, ix, data, end, 'the data list'), results: results.map((r) => ix.aux(r)), resultAt: results.map((r) => ix.start(r)), resultNodes: results };
  }

  /** Span of a DLMS data-access-result code: the result node's last byte (as `dlms.result` in the field list). */
  static resultSpan(ctx: Pick<ViewContext, 'base'>, ix: NodeIndex, r: number): FieldSpan {
    return { offset: ctx.base + ix.end(r) - 1, length: 1 };
  }

  /** Span of the 4-byte invoke-id after the APDU tag (content offset 1). */
  static invokeIdSpan(ctx: Pick<ViewContext, 'base'>): FieldSpan {
    return { offset: ctx.base + 1, length: 4 };
  }

  /** Span in the frame of Data node `n` (tag included). */
  span(n: number): FieldSpan {
    return { offset: this.ctx.base + this.ix.start(n), length: this.ix.end(n) - this.ix.start(n) };
  }

  /** Span in the frame of the item read last (tag included), for SpanRecorder. */
  lastSpan(): FieldSpan {
    return this.span(this.nodes[this.#k - 1]!);
  }

  /** The body of the frame's DLMS data-notification, as a list of one item. */
  static notification(ctx: Pick<ViewContext, 'content' | 'base' | 'what'>): { invokeId: number; body: DlmsFields } {
    const ix = walkApdu(ctx.content, ctx.base, ctx.what, 0x0f);
    const body = ix.children(0).at(-1)!;
    return { invokeId: ix.aux(0), body: new DlmsFields(ctx, ix, [body], ix.end(body), 'the notification body') };
  }

  get remaining(): number {
    return this.nodes.length - this.#k;
  }

  /** Offset (in the content) of the next item, or of the end of the list. */
  get at(): number {
    const n = this.nodes[this.#k];
    return n === undefined ? this.end : this.ix.start(n);
  }

  private next(tag: number, expected: string): number {
    const n = this.nodes[this.#k];
    if (n === undefined) fail(this.ctx, expected, this.end, `${this.label} ends early`);
    if (this.ix.tag(n) !== tag) fail(this.ctx, expected, this.ix.start(n), `found ${DLMS_NAMES[this.ix.tag(n)] ?? hex2(this.ix.tag(n))}`);
    this.#k++;
    return n;
  }

  /** Skips an item of any type (a null-data of a failed read, for instance). */
  skip(): void {
    if (this.#k < this.nodes.length) this.#k++;
  }

  /** Tag of the next item (undefined at the end). */
  peek(): number | undefined {
    const n = this.nodes[this.#k];
    return n === undefined ? undefined : this.ix.tag(n);
  }

  octets(name: string, size?: number): Uint8Array {
    const n = this.next(0x09, `octet-string 0x09 ${name}${size !== undefined ? ` of ${size} bytes` : ''}`);
    const v = this.ix.value(n);
    const len = this.ix.end(n) - v;
    if (size !== undefined && len !== size) fail(this.ctx, `octet-string ${name} of ${size} bytes`, this.ix.start(n) + 1, `length ${len}`);
    return this.ix.bytes.subarray(v, v + len);
  }

  /** A 12-byte octet-string read as a DLMS date-time. */
  dateTime(name: string): GbcsDateTime {
    return decodeDateTime(this.octets(`${name} (date-time)`, 12));
  }

  longUnsigned(name: string): number {
    const n = this.next(0x12, `long-unsigned 0x12 ${name}`);
    return readUnsigned(this.ix.bytes, this.ix.value(n), 2);
  }

  doubleLongUnsigned(name: string): number {
    const n = this.next(0x06, `double-long-unsigned 0x06 ${name}`);
    return readUnsigned(this.ix.bytes, this.ix.value(n), 4);
  }

  /** A structure's fields (with `count`, exactly that many). */
  structure(name: string, count?: number): DlmsFields {
    const expected = `structure 0x02 ${name}${count !== undefined ? ` of ${count} elements` : ''}`;
    const n = this.next(0x02, expected);
    const kids = this.ix.children(n);
    if (count !== undefined && kids.length !== count) fail(this.ctx, expected, this.ix.start(n) + 1, `${kids.length} element(s)`);
    return new DlmsFields(this.ctx, this.ix, kids, this.ix.end(n), name);
  }

  /** Fails unless every item was read. */
  done(expected: string): void {
    const n = this.nodes[this.#k];
    if (n !== undefined) fail(this.ctx, expected, this.ix.start(n), `${this.remaining} item(s) left over`);
  }
}

/**
 * A GBZ payload read as its use case requires: the component count, the alert header
 * and content, and clear components of a given cluster (GBCS.md 3.3).
 */
export class GbzFields {
  constructor(
    readonly ctx: Pick<ViewContext, 'base' | 'what'>,
    readonly gbz: GbzPayload,
  ) {}

  static of(ctx: ViewContext): GbzFields {
    return new GbzFields(ctx, decodeAs(ctx, 'GBZ'));
  }

  /** The count byte (content offset 2), one of `allowed`. */
  count(allowed: readonly number[], expected: string): number {
    const c = this.gbz.componentCount;
    if (!allowed.includes(c)) fail(this.ctx, expected, 2, `count ${c}`);
    return c;
  }

  /** Fails unless the payload has exactly `n` components. */
  components(n: number, expected: string): readonly GbzComponent[] {
    if (this.gbz.components.length !== n) fail(this.ctx, expected, 3, `${this.gbz.components.length} component(s)`);
    return this.gbz.components;
  }

  /** The alert header (content offset 3) with content of the given kind. */
  alert<K extends GbzAlert['content']['kind']>(kind: K, expected: string): GbzAlert & { content: Extract<GbzAlert['content'], { kind: K }> } {
    const a = this.gbz.alert;
    if (!a || a.content.kind !== kind) fail(this.ctx, expected, 3, a ? `alert 0x${a.alertCode.toString(16).toUpperCase()}` : 'no alert header');
    return a as GbzAlert & { content: Extract<GbzAlert['content'], { kind: K }> };
  }

  /**
   * The only component, clear and of `clusterId`; `zclAt` is the content offset of its
   * ZCL header (after the 5-byte component header and an optional from-date-time).
   */
  single(clusterId: number, clusterName: string): { component: Extract<GbzComponent, { encrypted: false }>; zclAt: number } {
    this.count([1], 'one GBZ component');
    const comp = this.components(1, 'one GBZ component')[0]!;
    if (comp.encrypted) fail(this.ctx, 'a clear (not encrypted) component', 3);
    if (comp.clusterId !== clusterId) fail(this.ctx, `cluster 0x${clusterId.toString(16).padStart(4, '0')} (${clusterName})`, 4, `found 0x${comp.clusterId.toString(16).padStart(4, '0')}`);
    return { component: comp as Extract<GbzComponent, { encrypted: false }>, zclAt: 8 + (comp.fromDateTime ? 4 : 0) };
  }
}
