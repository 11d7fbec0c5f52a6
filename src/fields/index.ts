// Field access like tshark (issue 13): names, per-frame fields, filters, output rows.
// Browser-safe (no node: imports). See dissect.ts (what a field is), catalogue.ts (the
// names), filter.ts (the expression language), hexdump.ts.
import { GbcsDecodeError } from '../errors.js';
import type { DecodedPayload } from '../payload/index.js';
import { dissectFrame, type DissectableFrame, type FieldOccurrence, type FieldValue } from './dissect.js';
import { compileFieldFilter, type CompiledFilter, type FieldLookup } from './filter.js';

export { dissectFrame, fieldKey, type DissectableFrame, type FieldOccurrence, type FieldValue } from './dissect.js';
export { fieldCatalogue, isFieldName, type FieldInfo, type FieldKind } from './catalogue.js';
export { FilterSyntaxError, compileFieldFilter, type CompiledFilter, type FieldLookup } from './filter.js';
export { hexDump, fieldLabel } from './hexdump.js';


/** A filter compiled for frames: `test` takes a frame (or a decodeFrames result: errors never match). */
export interface FrameFilter {
  readonly source: string;
  /** Field names the expression reads. */
  readonly fields: readonly string[];
  /** True when the frame satisfies the expression (a decode error never does). */
  test(frame: DissectableFrame | GbcsDecodeError): boolean;
  /** Tests the fields of a frame opened with keys (openPayload's tree). */
  testOpened(frame: DissectableFrame, opened: DecodedPayload): boolean;
  /** Tests a field list (dissectFrame's result). */
  testList(list: readonly FieldOccurrence[]): boolean;
}

/** A lookup over a field list (one pass to group by name, only for the names asked). */
function lookupOf(list: readonly FieldOccurrence[], names: readonly string[]): FieldLookup {
  const by = new Map<string, FieldOccurrence[]>();
  for (const n of names) by.set(n, []);
  for (const f of list) by.get(f.name)?.push(f);
  return (n) => by.get(n) ?? [];
}

/**
 * Compiles a display filter (filter.ts) for frames:
 * `decodeFrames(lines).filter(compileFilter('dlms.result != 0').test)`.
 * Throws FilterSyntaxError with the position for a bad expression.
 */
export function compileFilter(expression: string): FrameFilter {
  const c: CompiledFilter = compileFieldFilter(expression);
  const want: ReadonlySet<string> = new Set(c.fields);
  return {
    source: c.source,
    fields: c.fields,
    test: (frame) => !(frame instanceof GbcsDecodeError) && c.test(lookupOf(dissectFrame(frame, undefined, want), c.fields)),
    testOpened: (frame, opened) => c.test(lookupOf(dissectFrame(frame, opened), c.fields)),
    testList: (list) => c.test(lookupOf(list, c.fields)),
  };
}

/** Which occurrences of a repeated field are printed (tshark -E occurrence). */
export type Occurrence = 'all' | 'first' | 'last' | number;

export interface FieldRowOptions {
  /** Between the occurrences of a repeated field (tshark -E aggregator; default ','). */
  readonly aggregator?: string;
  readonly occurrence?: Occurrence;
}

/** Text of a value in tsv/csv rows: decimal numbers, hex bytes, the display of containers. */
export function valueText(f: FieldOccurrence): string {
  const v: FieldValue = f.value;
  if (v instanceof Uint8Array) return Array.from(v, (x) => x.toString(16).padStart(2, '0')).join('');
  return v === null ? (f.display ?? '') : String(v);
}

/** JSON of a value in ndjson rows (bigints as decimal text, bytes as hex). */
export function valueJson(f: FieldOccurrence): string | number | boolean | null {
  const v = f.value;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array || v === null) return v === null ? null : valueText(f);
  return v;
}

function pick<T>(all: readonly T[], occ: Occurrence): readonly T[] {
  if (occ === 'all') return all;
  if (occ === 'first') return all.slice(0, 1);
  if (occ === 'last') return all.slice(-1);
  const x = all[occ - 1];
  return x === undefined ? [] : [x];
}

/** The selected occurrences of each named field (one array per name). */
export function fieldRow(frame: DissectableFrame, names: readonly string[], occ: Occurrence = 'all'): (readonly FieldOccurrence[])[] {
  const get = lookupOf(dissectFrame(frame, undefined, new Set(names)), names);
  return names.map((n) => pick(get(n), occ));
}

/** One text cell per field (tshark -T fields): the selected occurrences joined with the aggregator. */
export function fieldCells(frame: DissectableFrame, names: readonly string[], o: FieldRowOptions = {}): string[] {
  const agg = o.aggregator ?? ',';
  return fieldRow(frame, names, o.occurrence ?? 'all').map((occ) => occ.map(valueText).join(agg));
}
