// The shape of a use-case module (HOUSE.md "A use case is one module"): everything the
// rest of the code needs to know about one GBCS use case or family, so the CLI, the
// typed views, the lifecycle tracker and the docs are driven from one place
// (registry.ts maps message code + CRA to a module).
//
// Adding a use case: one new module file, one line in registry.ts, its tests.
import type { Asn1Field } from '../payload/asn1Schemas.js';
import { toJsonSafe } from '../payload/json.js';
import type { GbcsFrame } from '../frame.js';
import type { Cra } from '../types.js';

/** Where a module's text rendering goes: one labelled row per call (`gbcs decode`). */
export interface TextSink {
  /** Adds one labelled row. */
  row(label: string, value: string): void;
}

/** Where a typed-view field's bytes are: offset in the frame and length (issue 13 item 1). */
export interface FieldSpan {
  readonly offset: number;
  readonly length: number;
}

/**
 * A typed view's field spans by path: the view's (and its JSON's) keys joined with `.`,
 * array elements by index (`version`, `response.firmwareVersion`, `periods.0.start`).
 *
 * Decision: a field read from the payload has the span of the payload node it was read
 * from, as the payload tree and `frame.fieldList()` give it (DER and DLMS: the whole
 * element, tag and length included; ZCL: the attribute value; GBZ alert parts: their
 * bytes); a field derived from another (a name, a Date, `ok`, `actioned`) has the span of
 * its source. Fields fixed by the message code and CRA (`type`, `useCase`, `deviceType`,
 * `variant`) have none: `gbcs.envelope.use_case` in the frame's field list is their span.
 */
export type ViewSpans = Readonly<Record<string, FieldSpan>>;

/**
 * Collects a view's field spans while a module reads it. Modules record through an
 * optional recorder (`ctx.spans?.set(...)`): a read without one does no span work at all
 * (optional chaining skips the argument too), so callers who never ask for spans pay
 * nothing; `TypedView.spans` re-reads the view with a recorder on first access.
 */
export class SpanRecorder {
  readonly spans: Record<string, FieldSpan> = {};
  /** Records `path` at `span` (frame offset, length). */
  set(path: string, span: FieldSpan): void {
    this.spans[path] = span;
  }
  /** Records `path` at `offset`, `length`. */
  at(path: string, offset: number, length: number): void {
    this.spans[path] = { offset, length };
  }
  /** Gives derived fields the span of `source` (when it was recorded). */
  alias(source: string, ...paths: string[]): void {
    const s = this.spans[source];
    if (s) for (const p of paths) this.spans[p] = s;
  }
  /** Records every span of `inner` under `prefix.` (a nested part read by its own reader). */
  nest(prefix: string, inner: ViewSpans): void {
    for (const [k, v] of Object.entries(inner)) this.spans[`${prefix}.${k}`] = v;
  }
}

/** What `build` needs besides the view: the envelope fields a payload repeats. */
export interface BuildContext {
  /** The frame's originator counter (DLMS invoke-ids are derived from it, GBCS.md 1.3). */
  readonly originatorCounter?: bigint | number;
}

/** A use-case module: recognises its message codes and builds a typed view. */
export interface UseCaseModule<View = unknown> {
  /** Registry id: the GBCS use case (or family) it covers, e.g. 'CS06', 'SR 11.2', 'ECS61c'. */
  readonly id: string;
  /** One line for docs and listings. */
  readonly title: string;
  /** Message codes it owns (GBCS.md 4). */
  readonly codes: readonly number[];
  /** CRA flags it has a typed view for; a code's other CRAs resolve to the generic module. */
  readonly cras: readonly Cra[];
  /** Family of views: the key its view goes under in `gbcs decode --json` ('firmware', 'boost'). */
  readonly family: string;
  /** ASN.1 payloads: the structure per CRA, from the one schema table (payload/asn1Schemas.ts) its view's field names come from. */
  readonly schemas?: Readonly<Partial<Record<Cra, Asn1Field>>>;
  /**
   * The typed view of a frame this module owns (code and CRA already matched). Reads
   * the payload through the field readers (fields.ts); a payload that does not have the
   * layout the use case requires is a GbcsDecodeError at the frame offset. With `spans`,
   * records each field's span in the frame (SpanRecorder, ViewSpans).
   */
  read(frame: GbcsFrame, spans?: SpanRecorder): View;
  /** The payload bytes of a view, where the codec builds this use case (read then build is byte-exact). */
  build?(view: View, ctx?: BuildContext): Uint8Array;
  /** Text rows for `gbcs decode` (after the envelope and the payload tree). */
  render(view: View, out: TextSink): void;
  /** JSON-safe view for `gbcs decode --json` (default: `jsonView`). */
  json?(view: View): unknown;
}

/** Rows collected as the aligned text `gbcs decode` prints. */
export class TextRows implements TextSink {
  text = '';
  row(label: string, value: string): void {
    this.text += `  ${label.padEnd(18)} ${value}\n`;
  }
}

/** ISO text of a Date without milliseconds; 'unspecified' when absent. */
export function isoText(d: Date | undefined | null): string {
  return d ? d.toISOString().replace('.000Z', 'Z') : 'unspecified';
}

/** A view as JSON: Dates as ISO text (null when invalid), bigints as decimal strings, bytes as hex, undefined fields dropped. */
export function jsonView(v: unknown): unknown {
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? isoText(v) : null;
  if (Array.isArray(v)) return v.map(jsonView);
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = jsonView(x);
    return out;
  }
  return toJsonSafe(v);
}

/** Declares a module (type-checks its view across read, build, render and json). */
export function useCase<View>(m: UseCaseModule<View>): UseCaseModule<View> {
  return Object.freeze(m);
}
