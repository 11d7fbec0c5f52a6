// Payload decoding entry points: the full typed tree (decodePayload), the byte-exact
// encoder (encodePayload), and the lazy view behind `frame.payload`.
import { nonMinimalPayloadLength } from './strict.js';
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';
import type { Cra, PayloadFormat } from '../types.js';
import * as L from '../wasm/layout.js';
import { buildAsn1, encodeDer, type Asn1Payload } from './asn1.js';
import { buildDlmsApdu, buildResult, buildSpec, encodeDlmsApdu, type DlmsAccessRequest, type DlmsAccessResponse, type DlmsDataNotification } from './dlms.js';
import { buildDlmsData, type DlmsData } from './dlmsData.js';
import { buildGbz, buildGbzComponent, encodeGbz, type GbzComponent, type GbzPayload } from './gbz.js';
import { toJsonSafe } from './json.js';
import { NodeIndex, walkNodes } from './nodes.js';
import type { Asn1Node } from './asn1.js';
import type { DlmsRequestSpec, DlmsResult } from './dlms.js';

export type DecodedPayload = DlmsAccessRequest | DlmsAccessResponse | DlmsDataNotification | GbzPayload | Asn1Payload;

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
  const tree = build(walkNodes(content, modeFor(ctx), false, base), ctx, base);
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
 * first byte only; `length`, `get(i)` and `items` walk the payload once in WASM (the
 * node index is kept) and build only the items read; `decoded` builds the whole tree
 * once and caches it. Errors are GbcsDecodeErrors with frame offsets.
 */
export class LazyPayload {
  #index?: NodeIndex;
  #decoded?: DecodedPayload;
  #tops?: number[][];
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
    const ix = this.#index ?? walkNodes(this.content, modeFor(this.context), false, this.offset);
    return (this.#decoded = build(ix, this.context, this.offset));
  }

  private index(): NodeIndex {
    return (this.#index ??= walkNodes(this.content, modeFor(this.context), true, this.offset));
  }

  /** Node indices of the top-level items: per item, the nodes it is made of. */
  private tops(): number[][] {
    if (this.#tops) return this.#tops;
    const ix = this.index();
    const kids = (i: number) => ix.children(i);
    let tops: number[][];
    switch (this.kind) {
      case 'access-request': {
        const [, specs, data] = kids(0);
        const d = kids(data!);
        tops = kids(specs!).map((s, k) => [s, d[k]!]); // counts agree: the walker refuses a mismatch
        break;
      }
      case 'access-response': {
        const [, , data, results] = kids(0);
        const r = kids(results!);
        tops = kids(data!).map((d, k) => [d, r[k]!]); // counts agree: the walker refuses a mismatch
        break;
      }
      case 'data-notification': {
        const body = kids(0)[1]!;
        tops = ix.tag(body) === 0x02 || ix.tag(body) === 0x01 ? kids(body).map((c) => [c]) : [[body]];
        break;
      }
      case 'gbz': tops = kids(0).filter((c) => ix.cls(c) === L.NC_GBZ_COMPONENT).map((c) => [c]); break;
      case 'asn1': tops = ix.tag(0) & 0x20 ? kids(0).map((c) => [c]) : [[0]]; break;
      default: tops = [];
    }
    return (this.#tops = tops);
  }

  /**
   * Number of top-level items: request specs, response data items, the fields of a
   * notification's structure, GBZ components, or the root's ASN.1 children.
   */
  get length(): number {
    return this.#decoded ? itemsOf(this.#decoded).length : this.tops().length;
  }

  /** Materialises item i only. */
  get(i: number): PayloadItem | undefined {
    if (this.#decoded) return itemsOf(this.#decoded)[i];
    const t = this.tops()[i];
    if (!t) return undefined;
    const ix = this.index();
    switch (this.kind) {
      case 'access-request':
        return { kind: 'request', spec: buildSpec(ix, t[0]!, this.offset), data: buildDlmsData(ix, t[1]!, this.offset) };
      case 'access-response':
        return { kind: 'response', data: buildDlmsData(ix, t[0]!, this.offset), result: buildResult(ix, t[1]!, this.offset) };
      case 'data-notification': return { kind: 'data', data: buildDlmsData(ix, t[0]!, this.offset) };
      case 'gbz': return { kind: 'component', component: buildGbzComponent(ix, t[0]!, this.offset) };
      case 'asn1': {
        // DER payloads are a few hundred bytes at most: name the tree once, hand out its children.
        const root = (this.#asn1 ??= buildAsn1(ix, this.context.messageCode, CRA_FLAG[this.context.cra], this.offset).root);
        return { kind: 'asn1', node: root.children ? root.children[i]! : root };
      }
      default: return undefined;
    }
  }

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

