// gbcs decode <hex | base64 | @file | ->: one frame from an argument or a file (text, or
// raw binary starting DD/DF), or one frame per line from stdin.
import { decodeFrame } from '../../decode.js';
import { duisGbcsPayloads, readDuis } from '../../duis/read.js';
import { GbcsDecodeError } from '../../errors.js';
import type { GbcsFrame } from '../../frame.js';
import type { DecodedPayload } from '../../payload/index.js';
import { toJsonSafe } from '../../payload/json.js';
import { formatFrameText } from '../format.js';
import { typedViewJson } from '../typedViews.js';
import { formatSecurityText, reportFailed, secureFrame, securityContext, type SecurityContext } from '../security.js';
import { createFrameLineStream, type FrameLineResult } from '../../stream.js';
import { command } from '../args.js';
import { compileFilter, dissectFrame, fieldCatalogue, FilterSyntaxError, hexDump, isFieldName, valueJson, valueText, type FieldOccurrence, type FrameFilter, type Occurrence } from '../../fields/index.js';
import { didYouMean } from '../args.js';
import { EXIT_CHECK_FAILED, EXIT_MALFORMED, EXIT_OK, UsageError, noteStatus, readInput, reportDecodeError, type Io } from '../io.js';

/**
 * The frame's JSON with the payload tree under `payload` (a payload that fails to decode
 * fails the frame); `opened` is the tree with decrypted parts (--keys). The typed view of
 * the frame's use-case module (useCases/registry.ts) goes under the module's family key
 * (`firmware`, `boost`); generic codes add none.
 */
function frameJson(frame: GbcsFrame, opened?: DecodedPayload): Record<string, unknown> {
  const p = frame.payload;
  return { ...frame.toJSON(), payload: opened ? toJsonSafe(opened) : p && frame.payloadFormat !== 'unknown' ? p.toJSON() : null, ...typedViewJson(frame) };
}

/** How frames are printed: text, JSON, annotated hex dump or field rows (--fields). */
interface Output {
  readonly json: boolean;
  readonly hexdump: boolean;
  readonly filter?: FrameFilter;
  readonly fields?: FieldsOutput;
}

interface FieldsOutput {
  readonly names: readonly string[];
  readonly format: 'tsv' | 'csv' | 'ndjson';
  readonly aggregator: string;
  readonly occurrence: Occurrence;
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

/** One row of --fields output (tshark -T fields -e ... -E aggregator/occurrence). */
function fieldsLine(list: readonly FieldOccurrence[], o: FieldsOutput): string {
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

/** The frame as the output mode prints it, or undefined when --filter rejects it. */
async function render(frame: GbcsFrame, out: Output, sec?: SecurityContext, failed?: { any: boolean }): Promise<string | undefined> {
  const { json } = out;
  let opened: DecodedPayload | undefined;
  let report: Awaited<ReturnType<typeof secureFrame>>['report'] | undefined;
  if (sec) {
    const r = await secureFrame(frame, sec);
    report = r.report;
    opened = r.payload;
  }
  const needFields = out.filter !== undefined || out.fields !== undefined || out.hexdump;
  const list = needFields ? (opened ? dissectFrame(frame, opened) : frame.fieldList()) : undefined;
  if (out.filter && !out.filter.testList(list!)) return undefined;
  if (report && failed && reportFailed(report)) failed.any = true;
  if (out.fields) return fieldsLine(list!, out.fields);
  if (out.hexdump) return hexDump(frame.bytes, list!) + (report ? formatSecurityText(report) : '');
  if (!report) return json ? `${JSON.stringify(frameJson(frame))}\n` : formatFrameText(frame);
  return json ? `${JSON.stringify({ ...frameJson(frame, opened), security: report })}\n` : formatFrameText(frame, opened) + formatSecurityText(report);
}

/** Reads the --fields/--format/--filter options (usage errors name the bad part). */
function outputOf(values: { json?: boolean; hexdump?: boolean; fields?: string; format?: string; aggregator?: string; occurrence?: string; filter?: string }): Output {
  const modes = [values.json && '--json', values.hexdump && '--hexdump', values.fields !== undefined && '--fields'].filter(Boolean);
  if (modes.length > 1) throw new UsageError(`${modes.join(' and ')} cannot be combined (one output form)`);
  let filter: FrameFilter | undefined;
  if (values.filter !== undefined) {
    try {
      filter = compileFilter(values.filter);
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
    const occurrence: Occurrence = occ === 'a' ? 'all' : occ === 'f' ? 'first' : occ === 'l' ? 'last' : /^[1-9]\d*$/.test(occ) ? Number(occ) : (() => { throw new UsageError(`--occurrence must be a, f, l or a number from 1, not ${JSON.stringify(occ)}`); })();
    fields = { names, format, aggregator: values.aggregator ?? ',', occurrence };
  } else if (values.format !== undefined || values.aggregator !== undefined || values.occurrence !== undefined) {
    throw new UsageError('--format, --aggregator and --occurrence go with --fields');
  }
  return { json: values.json === true, hexdump: values.hexdump === true, filter, fields };
}

/** `gbcs decode @file.xml`: the GBCS payloads of a DUIS message, one after another (JSON: one line each). */
async function decodeDuis(xml: string, out: Output, sec: SecurityContext | undefined, failed: { any: boolean }, io: Io): Promise<number> {
  const payloads = duisGbcsPayloads(readDuis(xml));
  if (payloads.length === 0) {
    io.stderr.write('gbcs decode: the DUIS file holds no GBCSPayload (gbcs duis inspect shows its content)\n');
    return EXIT_MALFORMED;
  }
  let status = EXIT_OK;
  for (const [n, p] of payloads.entries()) {
    try {
      const text = await render(decodeFrame(p.bytes), out, sec, failed);
      if (text === undefined) continue;
      io.stdout.write(out.json || out.fields ? text : `${n ? '\n' : ''}# ${p.path}\n${text}`);
    } catch (e) {
      if (!(e instanceof GbcsDecodeError)) throw e;
      reportDecodeError(io, e, p.path);
      status = EXIT_MALFORMED;
    }
  }
  return status === EXIT_OK && failed.any ? EXIT_CHECK_FAILED : status;
}

function fieldsHeader(o: FieldsOutput): string {
  return o.format === 'csv' ? `${o.names.map(csvCell).join(',')}\n` : `${o.names.join('\t')}\n`;
}

export const decodeCommand = command({
  summary: 'decode GBCS frames (hex, base64, @file, @file.xml for the payloads of a DUIS file, or - for one frame per stdin line)',
  args: '<hex | base64 | @file | @file.xml | ->',
  options: {
    json: { type: 'boolean', help: 'one JSON object per frame (payload tree, typed view, security)' },
    keys: { type: 'string', value: '<folder>', help: 'verify signature and MAC and decrypt with the PEM keys in this folder' },
    acb: { type: 'string', value: '<eui>', help: 'the access control broker EUI-64 for MAC checks (with --keys)' },
    hexdump: { type: 'boolean', help: 'annotated hex dump: each line of bytes beside the field it belongs to' },
    fields: { type: 'string', value: '<a,b,c>', help: 'print these fields per frame (names: gbcs fields), like tshark -T fields -e' },
    format: { type: 'string', value: '<tsv|csv|ndjson>', help: 'row format of --fields (default tsv)' },
    aggregator: { type: 'string', value: '<sep>', help: 'separator between occurrences of a repeated field (default ,)' },
    occurrence: { type: 'string', value: '<a|f|l|n>', help: 'occurrences of a repeated field to print: all (default), first, last or the n-th' },
    header: { type: 'boolean', help: 'first row: the field names (--fields tsv/csv)' },
    filter: { type: 'string', value: '<expr>', help: 'only frames whose fields satisfy EXPR (==, !=, <, >, contains, matches, &&, ||, !)' },
  },
  notes: `examples:
  gbcs decode --hexdump @frame.hex
  gbcs decode - --fields gbcs.envelope.message_code,gbcs.envelope.originator,dlms.spec.obis < frames.log
  gbcs decode - --filter 'gbcs.envelope.use_case == "ECS52" && dlms.result != 0' --json < frames.log
field names: gbcs fields (--json for kinds and descriptions)`,
  async run({ values, positionals }, io: Io): Promise<number> {
    const out = outputOf(values);
    const json = out.json;
    // --keys: verify signature and MAC and decrypt encrypted content with that key folder.
    const sec = securityContext(values.keys, values.acb);
    if (positionals.length !== 1) throw new UsageError('give exactly one frame source');
    const src = positionals[0]!;
    if (src !== '-') {
      const input = await readInput(src, io);
      const failed = { any: false };
      // A DUIS file (@file.xml): decode every GBCS payload inside it.
      if (out.fields && values.header && out.fields.format !== 'ndjson') io.stdout.write(fieldsHeader(out.fields));
      if (input.text !== undefined && /^\uFEFF?\s*</.test(input.text)) return decodeDuis(input.text, out, sec, failed, io);
      const text = await render(decodeFrame(input.bytes ?? input.text), out, sec, failed);
      if (text !== undefined) io.stdout.write(text);
      return failed.any ? EXIT_CHECK_FAILED : EXIT_OK;
    }
    // stdin: one frame per line, streamed (bounded memory) and decoded in WASM batches.
    let status = EXIT_OK;
    let first = true;
    const failed = { any: false };
    if (out.fields && values.header && out.fields.format !== 'ndjson') io.stdout.write(fieldsHeader(out.fields));
    const rows = json || out.fields !== undefined;
    for await (const item of io.stdin.pipe(createFrameLineStream())) {
      const { line, result } = item as FrameLineResult;
      if (result instanceof GbcsDecodeError) {
        reportDecodeError(io, result, `line ${line}`);
        if (json || out.fields?.format === 'ndjson') io.stdout.write(`${JSON.stringify({ error: result.code, offset: result.offset, expected: result.expected, line })}\n`);
        status = EXIT_MALFORMED;
        continue;
      }
      try {
        const text = await render(result, out, sec, failed);
        if (text === undefined) continue;
        if (failed.any) noteStatus(io, EXIT_CHECK_FAILED);
        io.stdout.write(rows || first ? text : `\n${text}`);
        first = false;
      } catch (e) {
        if (!(e instanceof GbcsDecodeError)) throw e;
        reportDecodeError(io, e, `line ${line}`);
        if (json || out.fields?.format === 'ndjson') io.stdout.write(`${JSON.stringify({ error: e.code, offset: e.offset, expected: e.expected, line })}\n`);
        status = EXIT_MALFORMED;
      }
    }
    return status === EXIT_OK && failed.any ? EXIT_CHECK_FAILED : status;
  },
});
