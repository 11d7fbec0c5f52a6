// Reading the firmware messages' fixed layouts from the payload module's decoded trees
// (decodePayload: WASM-walked DER, DLMS and GBZ). Structural errors from the walk and
// layout mismatches found here are both GbcsDecodeErrors with code `what` and offsets
// into the frame.
import { GbcsDecodeError } from '../errors.js';
import type { GbcsFrame } from '../frame.js';
import { parseGeneralizedTime, type GeneralizedTime } from '../gbcsTime.js';
import type { Asn1Node } from '../payload/asn1.js';
import { decodePayload, type DecodedPayload } from '../payload/index.js';
import type { PayloadFormat } from '../types.js';

/** Where a typed view reads from: the frame's content and its offset in the frame. */
export interface ViewContext {
  readonly content: Uint8Array;
  readonly base: number;
  readonly what: string;
  readonly frame: GbcsFrame;
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
export function rewrap(e: unknown, what: string): unknown {
  if (!(e instanceof GbcsDecodeError) || e.code === what) return e;
  return new GbcsDecodeError(what, e.offset, e.expected, e.code);
}

const hex2 = (v: number) => `0x${v.toString(16).padStart(2, '0').toUpperCase()}`;

/** End offset (exclusive) of a DER node in the content. */
export function nodeEnd(n: Asn1Node): number {
  return n.offset + (n.identifier?.length ?? 1) + (n.lengthWidth ?? (n.length < 0x80 ? 1 : n.length < 0x100 ? 2 : n.length < 0x10000 ? 3 : 4)) + n.length;
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
    if (n.tag !== 0x30) fail(ctx, expected, n.offset, `found ${hex2(n.tag)}`);
    return new DerFields(ctx, n, label);
  }

  get remaining(): number {
    return this.children.length - this.#k;
  }

  private next(tag: number, expected: string): Asn1Node {
    const n = this.children[this.#k];
    if (!n) fail(this.ctx, expected, nodeEnd(this.node), `${this.label} ends early`);
    if (n.tag !== tag) fail(this.ctx, expected, n.offset, `found ${hex2(n.tag)}`);
    this.#k++;
    return n;
  }

  /** Non-negative INTEGER of 1-9 content bytes. */
  unsigned(name: string): bigint {
    const n = this.next(0x02, `INTEGER ${name}`);
    const v = n.value!;
    if (v.length === 0 || v.length > 9) fail(this.ctx, `INTEGER ${name} of 1-9 bytes`, n.offset);
    if (v[0]! & 0x80) fail(this.ctx, `non-negative INTEGER ${name}`, n.offset + 2);
    return n.integer!;
  }

  octets(name: string, size?: number): Uint8Array {
    const n = this.next(0x04, `OCTET STRING ${name}`);
    if (size !== undefined && n.value!.length !== size) fail(this.ctx, `OCTET STRING ${name} of ${size} bytes`, n.offset + 1, `length ${n.value!.length}`);
    return n.value!;
  }

  time(name: string): GeneralizedTime {
    const n = this.next(0x18, `GeneralizedTime ${name}`);
    const text = String.fromCharCode(...n.value!);
    const t = parseGeneralizedTime(text);
    if (!t) fail(this.ctx, `GeneralizedTime ${name} as YYYYMMDDhhmmssZ`, n.offset + 2, JSON.stringify(text));
    return t;
  }

  sequence(expected: string, label: string): DerFields {
    return new DerFields(this.ctx, this.next(0x30, expected), label);
  }

  /** Fails unless every field was read. */
  done(expected: string): void {
    const n = this.children[this.#k];
    if (n) fail(this.ctx, expected, n.offset, `${this.remaining} element(s) left over`);
  }
}
