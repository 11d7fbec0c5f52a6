// Payload decoding entry points: the full typed tree (decodePayload), the byte-exact
// encoder (encodePayload), and the lazy view behind `frame.payload`.
import { nonMinimalPayloadLength } from './strict.js';
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';
import type { Cra, PayloadFormat } from '../types.js';
import * as L from '../wasm/layout.js';
import { buildAsn1, encodeDer, type Asn1Payload } from './asn1.js';
import { buildDlmsApdu, buildResult, buildSpec, decodeDlmsBytes, encodeDlmsApdu, stageDlmsApdu, type DlmsAccessRequest, type DlmsAccessResponse, type DlmsDataNotification } from './dlms.js';
import { buildDlmsData, type DlmsData } from './dlmsData.js';
import { buildGbz, buildGbzComponent, decodeGbzBytes, encodeGbz, stageGbz, type GbzComponent, type GbzPayload } from './gbz.js';
import { toJsonSafe } from './json.js';
import { encodePrograms, type PayloadWriter } from './opWriter.js';
import { NodeIndex, walkNodes } from './nodes.js';
import type { Asn1Node } from './asn1.js';
import type { DlmsRequestSpec, DlmsResult } from './dlms.js';

/** A decoded payload of any format. */
export type DecodedPayload = DlmsAccessRequest | DlmsAccessResponse | DlmsDataNotification | GbzPayload | Asn1Payload;

/** What the payload decoder needs from the frame (format, message code, ...). */
export interface PayloadContext {
  readonly format: PayloadFormat;
  readonly messageCode: number;
  readonly cra: Cra;
}

const CRA_FLAG: Record<Cra, number> = { command: 1, response: 2, alert: 3 };

function modeFor(ctx: PayloadContext): number {
  switch (ctx.format) {
    case 'DLMS': return L.W_DLMS;
    case 'GBZ': return ctx.cra === 'alert' ? L.W_GBZ_ALERT : L.W_GBZ;
    case 'ASN.1': return L.W_DER;
    default: throw new GbcsDecodeError('payload-format', 0, 'a DLMS, GBZ or ASN.1 payload', 'empty or unrecognised content');
  }
}

function build(ix: NodeIndex, ctx: PayloadContext, offsetBase: number): DecodedPayload {
  switch (ctx.format) {
    case 'DLMS': return buildDlmsApdu(ix, offsetBase);
    case 'GBZ': return buildGbz(ix, offsetBase);
    default: return buildAsn1(ix, ctx.messageCode, CRA_FLAG[ctx.cra], offsetBase);
  }
}

/**
 * Decodes a GBCS payload (a frame's `content`) to its typed tree. Every byte is
 * accounted for: anything left over, malformed or nested deeper than the limit is a
 * GbcsDecodeError with the offset (relative to `content`, plus `offsetBase`).
 *
 * `strict: true` refuses lengths and counts kept in a non-minimal form (`non-minimal-length`;
 * see nonMinimalPayloadLength).
 */
export function decodePayload(content: Uint8Array, ctx: PayloadContext & { offsetBase?: number; strict?: boolean }): DecodedPayload {
  const base = ctx.offsetBase ?? 0;
  const tree = ctx.format === 'GBZ' ? decodeGbzBytes(content, ctx.cra === 'alert', base)
    : ctx.format === 'DLMS' ? decodeDlmsBytes(content, base)
    : build(walkNodes(content, modeFor(ctx), false, base), ctx, base);
  if (ctx.strict === true) {
    // `strict`: refuse lengths and counts not in their shortest form (non-minimal-length).
    const e = nonMinimalPayloadLength(tree, base);
    if (e) throw e;
  }
  return tree;
}

/** Encodes a decoded (or hand-built) payload; decoding then encoding gives the same bytes. */
export function encodePayload(p: DecodedPayload): Uint8Array {
  switch (p.format) {
    case 'DLMS': return encodeDlmsApdu(p);
    case 'GBZ': return encodeGbz(p);
    case 'ASN.1': return encodeDer(p.root);
    default: throw new GbcsEncodeError('payload', `unknown format ${JSON.stringify((p as { format: unknown }).format)}`);
  }
}

/**
 * Encodes many payloads in few WASM calls (issue 17): DLMS and GBZ payloads are staged as
 * core encoder programs, up to 8192 per call; ASN.1 (DER, TypeScript) is copied in. The
 * results are views over one buffer per batch, each the bytes encodePayload gives.
 */
export function encodePayloads(payloads: readonly DecodedPayload[]): Uint8Array[] {
  return encodePrograms(payloads.length, (w, i) => stagePayload(w, payloads[i]!, i));
}

/** Stages one payload as a core encoder program (for batch builders that make trees one at a time). */
export function stagePayload(w: PayloadWriter, p: DecodedPayload, index = 0): void {
  switch (p.format) {
    case 'DLMS': stageDlmsApdu(w, p); return;
    case 'GBZ': stageGbz(w, p); return;
    case 'ASN.1': w.bytes(encodeDer(p.root)); return;
    default: throw new GbcsEncodeError('payload', `unknown format ${JSON.stringify((p as { format: unknown }).format)} (payload ${index})`);
  }
}

/** Kind of a decoded payload. */
export type PayloadKind = 'access-request' | 'access-response' | 'data-notification' | 'gbz' | 'asn1' | 'unknown';

/** One top-level item of a payload, as the lazy view materialises it. */
export type PayloadItem =
  | { readonly kind: 'request'; readonly spec: DlmsRequestSpec; readonly data: DlmsData }
  | { readonly kind: 'response'; readonly data: DlmsData; readonly result: DlmsResult }
  | { readonly kind: 'data'; readonly data: DlmsData }
  | { readonly kind: 'component'; readonly component: GbzComponent }
  | { readonly kind: 'asn1'; readonly node: Asn1Node };

/**
 * Lazy payload of a frame. Nothing runs until a member is read: `kind` looks at the
 * first byte only; `length`, `get(i)` and `items` walk the payload in WASM and build only
 * the items read; `decoded` builds the whole tree once and caches it. Errors are
 * GbcsDecodeErrors with frame offsets.
 *
 * Decision (issue 12 item 2): the node index is a view of WASM memory, never copied. It
 * stays valid until the next walk (any frame's); when another walk has overwritten it,
 * the next `get(i)` walks this payload again (a walk costs a fraction of building the
 * tree; copying the node words cost as much as the walk). The top-level item positions
 * are kept (one small array), so `length` never walks twice.
 */
export class LazyPayload {
  #index?: NodeIndex;
  #decoded?: DecodedPayload;
  #tops?: number[];
  #items?: PayloadItem[];
  #asn1?: Asn1Node;

  constructor(
    readonly content: Uint8Array,
    readonly context: PayloadContext,
    /** Offset of `content` in the frame (error offsets are frame offsets). */
    readonly offset = 0,
  ) {}

  get format(): PayloadFormat {
    return this.context.format;
  }

  /** The payload kind from its first byte, without walking it. */
  get kind(): PayloadKind {
    const b0 = this.content[0];
    switch (this.context.format) {
      case 'DLMS': return b0 === 0xd9 ? 'access-request' : b0 === 0xda ? 'access-response' : b0 === 0x0f ? 'data-notification' : 'unknown';
      case 'GBZ': return 'gbz';
      case 'ASN.1': return 'asn1';
      default: return 'unknown';
    }
  }

  /** The full typed tree (built once, cached). */
  get decoded(): DecodedPayload {
    if (this.#decoded) return this.#decoded;
    // GBZ and DLMS: checked and built straight from the bytes in one pass (gbz.ts
    // decodeGbzBytes, dlms.ts decodeDlmsBytes), no WASM walk.
    if (this.context.format === 'GBZ') return (this.#decoded = decodeGbzBytes(this.content, this.context.cra === 'alert', this.offset));
    if (this.context.format === 'DLMS') return (this.#decoded = decodeDlmsBytes(this.content, this.offset));
    const ix = this.#index;
    this.#index = undefined;
    return (this.#decoded = build(ix !== undefined && ix.live ? ix : walkNodes(this.content, modeFor(this.context), false, this.offset), this.context, this.offset));
  }

  private index(): NodeIndex {
    const ix = this.#index;
    if (ix !== undefined && ix.live) return ix;
    return (this.#index = walkNodes(this.content, modeFor(this.context), false, this.offset));
  }

  /**
   * Node indices of the top-level items, two per item (the nodes it is made of: spec and
   * data, data and result, or the item and -1). Computed once from one walk.
   */
  private tops(): number[] {
    if (this.#tops) return this.#tops;
    const ix = this.index();
    const tops: number[] = [];
    const pairs = (a: number, b: number) => {
      // counts agree: the walker refuses a mismatch
      const sa = ix.next(a), sb = ix.next(b);
      for (let x = a + 1, y = b + 1; x < sa && y < sb; x = ix.next(x), y = ix.next(y)) tops.push(x, y);
    };
    const each = (list: number, cls = -1) => {
      const stop = ix.next(list);
      for (let c = list + 1; c < stop; c = ix.next(c)) if (cls < 0 || ix.cls(c) === cls) tops.push(c, -1);
    };
    switch (this.kind) {
      case 'access-request': {
        const [, specs, data] = ix.children(0);
        pairs(specs!, data!);
        break;
      }
      case 'access-response': {
        const [, , data, results] = ix.children(0);
        pairs(data!, results!);
        break;
      }
      case 'data-notification': {
        const body = ix.children(0)[1]!;
        if (ix.tag(body) === 0x02 || ix.tag(body) === 0x01) each(body);
        else tops.push(body, -1);
        break;
      }
      case 'gbz': each(0, L.NC_GBZ_COMPONENT); break;
      case 'asn1': if (ix.tag(0) & 0x20) each(0); else tops.push(0, -1); break;
      default: break;
    }
    return (this.#tops = tops);
  }

  /**
   * Number of top-level items: request specs, response data items, the fields of a
   * notification's structure, GBZ components, or the root's ASN.1 children.
   */
  get length(): number {
    return this.#decoded ? itemsOf(this.#decoded).length : this.tops().length >> 1;
  }

  /** Materialises item i only (built once, then cached). */
  get(i: number): PayloadItem | undefined {
    if (this.#decoded) return itemsOf(this.#decoded)[i];
    const cached = this.#items?.[i];
    if (cached) return cached;
    const tops = this.tops();
    if (!(i >= 0 && 2 * i < tops.length)) return undefined;
    const t0 = tops[2 * i]!, t1 = tops[2 * i + 1]!;
    const ix = this.index();
    let item: PayloadItem;
    switch (this.kind) {
      case 'access-request':
        item = { kind: 'request', spec: buildSpec(ix, t0, this.offset), data: buildDlmsData(ix, t1, this.offset) };
        break;
      case 'access-response':
        item = { kind: 'response', data: buildDlmsData(ix, t0, this.offset), result: buildResult(ix, t1, this.offset) };
        break;
      case 'data-notification': item = { kind: 'data', data: buildDlmsData(ix, t0, this.offset) }; break;
      case 'gbz': item = { kind: 'component', component: buildGbzComponent(ix, t0, this.offset) }; break;
      case 'asn1': {
        // DER payloads are a few hundred bytes at most: name the tree once, hand out its children.
        const root = (this.#asn1 ??= buildAsn1(ix, this.context.messageCode, CRA_FLAG[this.context.cra], this.offset).root);
        item = { kind: 'asn1', node: root.children ? root.children[i]! : root };
        break;
      }
      default: return undefined;
    }
    (this.#items ??= [])[i] = item;
    return item;
  }

  /** Every top-level item, in order. */
  *items(): IterableIterator<PayloadItem> {
    for (let i = 0; i < this.length; i++) yield this.get(i)!;
  }

  /** JSON-safe full tree (bigints as strings, bytes as hex). */
  toJSON(): unknown {
    return toJsonSafe(this.decoded);
  }
}


function itemsOf(p: DecodedPayload): PayloadItem[] {
  switch (p.format) {
    case 'DLMS':
      if (p.type === 'access-request') return p.specs.map((spec, k) => ({ kind: 'request', spec, data: p.data[k]! }));
      if (p.type === 'access-response') return p.data.map((data, k) => ({ kind: 'response', data, result: p.results[k]! }));
      return p.body.type === 'structure' || p.body.type === 'array' ? p.body.items.map((data) => ({ kind: 'data', data })) : [{ kind: 'data', data: p.body }];
    case 'GBZ': return p.components.map((component) => ({ kind: 'component', component }));
    case 'ASN.1': return p.root.children ? p.root.children.map((node) => ({ kind: 'asn1', node })) : [{ kind: 'asn1', node: p.root }];
  }
}

