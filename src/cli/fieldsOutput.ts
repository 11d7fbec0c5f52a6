// `gbcs decode --fields/--format/--aggregator/--occurrence/--header/--filter/--hexdump`
// (issue 13): the options read into one serialisable RenderMode (the decode pool's
// workers get it structured-cloned), and the row writers.
import { compileFilter, fieldCatalogue, FilterSyntaxError, isFieldName, valueJson, valueText, type FieldOccurrence, type FrameFilter, type Occurrence } from '../fields/index.js';
import type { FieldsOutput, RenderMode } from './renderMode.js';
import { didYouMean } from './args.js';
import { UsageError } from './io.js';

export { errorLines, isRows, type FieldsOutput, type RenderMode } from './renderMode.js';

const compiled = new Map<string, FrameFilter>();
/** The compiled filter of an expression (cached: one compile per process and expression). */
export function filterOf(expr: string): FrameFilter {
  let f = compiled.get(expr);
  if (!f) compiled.set(expr, (f = compileFilter(expr)));
  return f;
}

const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const tsvCell = (s: string) => s.replace(/[\t\r\n\\]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\\\'));

function pick(all: readonly FieldOccurrence[], occ: Occurrence): readonly FieldOccurrence[] {
  if (occ === 'all') return all;
  if (occ === 'first') return all.slice(0, 1);
  if (occ === 'last') return all.slice(-1);
  const x = all[occ - 1];
  return x === undefined ? [] : [x];
}

/**
 * One row of --fields output (tshark -T fields -e ... -E aggregator/occurrence): tsv
 * (tabs, newlines and backslashes escaped as \t \n \\), csv (RFC 4180 quoting) or ndjson
 * (one object: name -> array of values).
 */
export function fieldsLine(list: readonly FieldOccurrence[], o: FieldsOutput): string {
  const by = new Map<string, FieldOccurrence[]>();
  for (const n of o.names) by.set(n, []);
  for (const f of list) by.get(f.name)?.push(f);
  if (o.format === 'ndjson') {
    const obj: Record<string, unknown> = {};
    for (const n of o.names) obj[n] = pick(by.get(n)!, o.occurrence).map(valueJson);
    return `${JSON.stringify(obj)}\n`;
  }
  const cells = o.names.map((n) => pick(by.get(n)!, o.occurrence).map(valueText).join(o.aggregator));
  return o.format === 'csv' ? `${cells.map(csvCell).join(',')}\n` : `${cells.map(tsvCell).join('\t')}\n`;
}

/** The --header row (tsv/csv; ndjson names every value already). */
export function fieldsHeader(o: FieldsOutput): string {
  if (o.format === 'ndjson') return '';
  return o.format === 'csv' ? `${o.names.map(csvCell).join(',')}\n` : `${o.names.join('\t')}\n`;
}

/** Reads the output options; usage errors name the bad part (a filter error its position). */
export function renderModeOf(values: {
  json?: boolean; hexdump?: boolean; fields?: string; format?: string; aggregator?: string; occurrence?: string; filter?: string; header?: boolean;
}): RenderMode {
  const modes = [values.json && '--json', values.hexdump && '--hexdump', values.fields !== undefined && '--fields'].filter(Boolean);
  if (modes.length > 1) throw new UsageError(`${modes.join(' and ')} cannot be combined (one output form)`);
  if (values.filter !== undefined) {
    try {
      filterOf(values.filter);
    } catch (e) {
      if (!(e instanceof FilterSyntaxError)) throw e;
      throw new UsageError(`--filter: ${e.reason} at character ${e.position + 1}: ${values.filter.slice(0, e.position)}\u25B6${values.filter.slice(e.position)}`);
    }
  }
  let fields: FieldsOutput | undefined;
  if (values.fields !== undefined) {
    const names = values.fields.split(',').map((n) => n.trim()).filter(Boolean);
    if (names.length === 0) throw new UsageError('--fields needs at least one field name (gbcs fields lists them)');
    for (const n of names) {
      if (!isFieldName(n)) {
        const hint = didYouMean(n, fieldCatalogue().map((f) => f.name));
        throw new UsageError(`--fields: unknown field ${JSON.stringify(n)}${hint ? ` (did you mean ${hint}?)` : ''}; gbcs fields lists them`);
      }
    }
    const format = values.format ?? 'tsv';
    if (format !== 'tsv' && format !== 'csv' && format !== 'ndjson') throw new UsageError(`--format must be tsv, csv or ndjson, not ${JSON.stringify(format)}`);
    const occ = values.occurrence ?? 'a';
    let occurrence: Occurrence;
    if (occ === 'a') occurrence = 'all';
    else if (occ === 'f') occurrence = 'first';
    else if (occ === 'l') occurrence = 'last';
    else if (/^[1-9]\d*$/.test(occ)) occurrence = Number(occ);
    else throw new UsageError(`--occurrence must be a, f, l or a number from 1, not ${JSON.stringify(occ)}`);
    fields = { names, format, aggregator: values.aggregator ?? ',', occurrence };
  } else if (values.format !== undefined || values.aggregator !== undefined || values.occurrence !== undefined || values.header) {
    throw new UsageError('--format, --aggregator, --occurrence and --header go with --fields');
  }
  return {
    json: values.json === true,
    ...(values.hexdump ? { hexdump: true } : {}),
    ...(fields ? { fields } : {}),
    ...(values.filter !== undefined ? { filter: values.filter } : {}),
  };
}
