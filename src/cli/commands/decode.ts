// gbcs decode <hex | base64 | @file | ->: one frame from an argument or a file (text, or
// raw binary starting DD/DF), or one frame per line from stdin (streamed in bounded memory,
// decoded in WASM batches or on a worker pool with --workers, written with backpressure).
import { fileURLToPath } from 'node:url';
import { decodeFrame, decodeFrames } from '../../decode.js';
import { GbcsDecodeError } from '../../errors.js';
import { createDecodePool, type PoolError } from '../../node/pool.js';
import type { Rendered } from '../render.js';
import { writeFrameJson } from '../frameJson.js';
import { JSON_SCHEMA_VERSION } from '../jsonRecord.js';
import { JsonWriter } from '../../payload/json.js';
import { decodeStdinRuns } from '../decodeWorkers.js';
import type { SecurityContext } from '../security.js';
import { command } from '../args.js';
import { EXIT_CHECK_FAILED, EXIT_KEY, EXIT_MALFORMED, EXIT_OK, Output, UsageError, maxLineOption, noteStatus, readInput, readLineBatches, reportDecodeError, type Io } from '../io.js';
import { lineTooLong } from '../../stream.js';
import { errorLines, isRows, type RenderMode } from '../renderMode.js';

// Start-up (issue 12 item 5): `decode --json` alone imports only the decoder and the JSON
// record writer; the text layout, --fields/--filter, --keys and DUIS code load when asked for.
const renderFrame: typeof import('../render.js').renderFrame = async (...a) => (await import('../render.js')).renderFrame(...a);
/** Options that need no --fields/--filter/--hexdump code (the mode is `{ json }`). */
const PLAIN_OPTIONS = new Set(['json', 'keys', 'acb', 'workers', 'max-line']);

/** Lines decoded per WASM batch on the single-thread path. */
const BATCH = 256;

function errorJson(e: { code: string; offset: number; expected: string }, line: number): string {
  return `${JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, error: e.code, offset: e.offset, expected: e.expected, line })}\n`;
}

interface LineState {
  status: number;
  failed: boolean;
  keyUnusable?: boolean;
  first: boolean;
}

/** Malformed input (2) outranks an unusable key (4), which outranks a failed check (3). */
function finalStatus(st: { status: number; failed: boolean; keyUnusable?: boolean }): number {
  if (st.status !== EXIT_OK) return st.status;
  return st.keyUnusable ? EXIT_KEY : st.failed ? EXIT_CHECK_FAILED : EXIT_OK;
}

async function emitError(io: Io, out: Output, mode: RenderMode, e: { code: string; offset: number; expected: string; message: string }, line: number, st: LineState): Promise<void> {
  noteStatus(io, EXIT_MALFORMED);
  io.stderr.write(`gbcs: line ${line}: ${e.message}\n`);
  if (errorLines(mode)) await out.write(errorJson(e, line));
  st.status = EXIT_MALFORMED;
}

async function emitFrame(io: Io, out: Output, mode: RenderMode, r: Rendered, st: LineState): Promise<void> {
  if (r.skip) return;
  if (r.failed) {
    st.failed = true;
    noteStatus(io, EXIT_CHECK_FAILED);
  }
  if (r.keyUnusable) {
    st.keyUnusable = true;
    noteStatus(io, EXIT_KEY);
  }
  await out.write(isRows(mode) || st.first ? r.text : `\n${r.text}`);
  st.first = false;
}

type StdinFrame = { line: number; text?: string; error?: GbcsDecodeError };

/** Frame lines of stdin, one array per input chunk: `{ line, text }` or `{ line, error }` (over-long lines). */
async function* stdinFrames(io: Io, maxLine: number): AsyncGenerator<StdinFrame[]> {
  for await (const lines of readLineBatches(io.stdin, maxLine)) {
    const out: StdinFrame[] = [];
    for (const l of lines) {
      if (l.tooLong !== undefined) out.push({ line: l.line, error: lineTooLong(maxLine, l.tooLong, l.line) });
      else {
        const t = l.text.trim();
        if (t !== '' && !t.startsWith('#')) out.push({ line: l.line, text: t });
      }
    }
    if (out.length > 0) yield out;
  }
}

/** `--json` alone (no --keys, --fields, --filter, --hexdump): records are written straight as bytes. */
const plainJson = (mode: RenderMode, sec: SecurityContext | undefined): boolean => mode.json && !sec && !mode.fields && !mode.hexdump && mode.filter === undefined;

/** Output bytes gathered before one write to stdout (--json fast path). */
const WRITE_AT = 64 * 1024;

/**
 * Records gathered as bytes and written in chunks (--json fast paths): `send()` writes what is
 * gathered as one chunk and waits while the stream is full; a chunk's buffer is reused once
 * the stream has written it (two or three buffers for a whole run, not one per chunk).
 */
class ChunkedBytes {
  readonly w = new JsonWriter(WRITE_AT + 64 * 1024);
  readonly #free: Uint8Array[] = [];
  /** Chunks written whose buffer the stream has not given back yet. */
  #out = 0;
  constructor(readonly out: Output) {}
  async send(): Promise<void> {
    if (this.w.pos === 0) return;
    // The stream gives a buffer back (write callback) on a later tick than its 'drain':
    // without this wait nearly every chunk took a new zeroed buffer (3,128 of 3,918 chunks
    // for 52,800 RTDS lines: 400 MB allocated, and the GC work it brings).
    if (this.#free.length === 0 && this.#out > 0) await this.out.written();
    if (this.w.pos === 0) return; // sent by another caller meanwhile (the pool path's timer)
    const full = this.w.buf;
    const chunk = this.w.take(this.#free.pop());
    this.#out++;
    return this.out.writeBytes(chunk, () => {
      this.#out--;
      if (this.#free.length < 2) this.#free.push(full);
    });
  }
}

async function decodeStdinHere(io: Io, out: Output, mode: RenderMode, sec: SecurityContext | undefined, maxLine: number, st: LineState): Promise<void> {
  let batch: { line: number; text: string }[] = [];
  // --json alone: every record goes into one JsonWriter (bytes); at WRITE_AT bytes, or at the
  // end of each input chunk (a live stream is answered at once), it is written as one chunk,
  // waiting for 'drain' when the pipe is full (flat memory into a slow reader).
  const chunks = plainJson(mode, sec) ? new ChunkedBytes(out) : undefined;
  const w = chunks?.w;
  const send = async () => {
    await chunks?.send();
  };
  const run = async () => {
    if (batch.length === 0) return;
    const results = decodeFrames(batch.map((b) => b.text));
    const lines = batch;
    batch = [];
    for (let i = 0; i < lines.length; i++) {
      const r = results[i]!;
      const line = lines[i]!.line;
      if (r instanceof GbcsDecodeError) {
        await send();
        await emitError(io, out, mode, r, line, st);
        continue;
      }
      try {
        if (w) {
          writeFrameJson(w, r);
          w.byte(10);
          if (w.pos >= WRITE_AT) await send();
        } else await emitFrame(io, out, mode, await renderFrame(r, mode, sec), st);
      } catch (e) {
        if (!(e instanceof GbcsDecodeError)) throw e;
        await send();
        await emitError(io, out, mode, e, line, st);
      }
    }
  };
  // Each chunk's lines are decoded in WASM batches of up to BATCH before the next chunk is read.
  for await (const items of stdinFrames(io, maxLine)) {
    for (const item of items) {
      if (item.error) {
        await run();
        await send();
        await emitError(io, out, mode, item.error, item.line, st);
      } else {
        batch.push({ line: item.line, text: item.text! });
        if (batch.length >= BATCH) await run();
      }
    }
    await run();
    await send();
  }
}

async function decodeStdinPool(io: Io, out: Output, mode: RenderMode, keys: string | undefined, sec: SecurityContext | undefined, workers: number, maxLine: number, st: LineState): Promise<void> {
  const module = fileURLToPath(new URL('../decodeTask.js', import.meta.url));
  const pool = createDecodePool({ workers, keys, acb: sec?.acb, module, handlerOptions: mode });
  const lines = new Map<number, number>(); // pool input index -> line number, until its result is out
  let n = 0;
  const tooLong = new Map<number, GbcsDecodeError>();
  async function* inputs() {
    for await (const items of stdinFrames(io, maxLine)) for (const item of items) {
      lines.set(n, item.line);
      if (item.error) {
        tooLong.set(n++, item.error);
        yield ''; // a placeholder slot: its result is replaced by the line error
      } else {
        n++;
        yield item.text!;
      }
    }
  }
  try {
    for await (const r of pool.map<Rendered>(inputs())) {
      const line = lines.get(r.index)!;
      lines.delete(r.index);
      const pre = tooLong.get(r.index);
      if (pre) {
        tooLong.delete(r.index);
        await emitError(io, out, mode, pre, line, st);
      } else if (r.error) {
        // A failure that is not about the input (a key file that cannot be read...) ends the
        // command as it does on one thread.
        if (r.error.code === 'handler-error') throw new Error(r.error.message);
        await emitError(io, out, mode, r.error as PoolError, line, st);
      }
      else await emitFrame(io, out, mode, r.value!, st);
    }
  } finally {
    await pool.close();
  }
}

/** `gbcs decode @file.xml`: the GBCS payloads of a DUIS message, one after another (JSON: one line each). */
async function decodeDuis(xml: string, mode: RenderMode, sec: SecurityContext | undefined, failed: { any: boolean; keyUnusable?: boolean }, io: Io): Promise<number> {
  const { duisGbcsPayloads, readDuis } = await import('../../duis/read.js');
  const payloads = duisGbcsPayloads(readDuis(xml));
  if (payloads.length === 0) {
    io.stderr.write('gbcs decode: the DUIS file holds no GBCSPayload (gbcs duis inspect shows its content)\n');
    return EXIT_MALFORMED;
  }
  let status = EXIT_OK;
  for (const [n, p] of payloads.entries()) {
    try {
      const r = await renderFrame(decodeFrame(p.bytes), mode, sec);
      if (r.skip) continue;
      if (r.failed) failed.any = true;
      if (r.keyUnusable) failed.keyUnusable = true;
      io.stdout.write(isRows(mode) ? r.text : `${n ? '\n' : ''}# ${p.path}\n${r.text}`);
    } catch (e) {
      if (!(e instanceof GbcsDecodeError)) throw e;
      reportDecodeError(io, e, p.path);
      status = EXIT_MALFORMED;
    }
  }
  return finalStatus({ status, failed: failed.any, keyUnusable: failed.keyUnusable });
}

export const decodeCommand = command({
  summary: 'decode GBCS frames (hex, base64, @file, @file.xml for the payloads of a DUIS file, or - for one frame per stdin line)',
  args: '<hex | base64 | @file | @file.xml | ->',
  options: {
    json: { type: 'boolean', help: 'one JSON object per frame (payload tree, typed view, security)' },
    keys: { type: 'string', value: '<folder>', help: 'verify signature and MAC and decrypt with the PEM keys in this folder' },
    acb: { type: 'string', value: '<eui>', help: 'the access control broker EUI-64 for MAC checks (with --keys)' },
    workers: { type: 'string', value: '<n>', help: 'decode stdin lines on n worker threads (output order kept)' },
    'max-line': { type: 'string', value: '<bytes>', help: 'longest stdin line; a longer one is a line-too-long error (default 8 MiB)' },
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
    const fo = Object.keys(values).every((k) => PLAIN_OPTIONS.has(k)) ? undefined : await import('../fieldsOutput.js');
    const mode: RenderMode = fo ? fo.renderModeOf(values) : { json: values.json === true };
    // --keys: verify signature and MAC and decrypt encrypted content with that key folder.
    const sec = values.keys === undefined && values.acb === undefined ? undefined : (await import('../security.js')).securityContext(values.keys, values.acb);
    if (positionals.length !== 1) throw new UsageError('give exactly one frame source');
    const maxLine = maxLineOption(values['max-line']);
    const w = values.workers;
    const workers = w === undefined ? 0 : /^\d+$/.test(w) && Number(w) >= 1 && Number(w) <= 256 ? Number(w) : NaN;
    if (Number.isNaN(workers)) throw new UsageError('--workers needs a number of worker threads (1-256)');
    const src = positionals[0]!;
    const out = new Output(io.stdout);
    const st: LineState = { status: EXIT_OK, failed: false, first: true };
    if (src !== '-') {
      if (workers) throw new UsageError('--workers applies to - (one frame per stdin line)');
      const input = await readInput(src, io);
      const failed: { any: boolean; keyUnusable?: boolean } = { any: false };
      // A DUIS file (@file.xml): decode every GBCS payload inside it.
      if (mode.fields && values.header) io.stdout.write(fo!.fieldsHeader(mode.fields));
      if (input.text !== undefined && /^\uFEFF?\s*</.test(input.text)) return decodeDuis(input.text, mode, sec, failed, io);
      const r = await renderFrame(decodeFrame(input.bytes ?? input.text), mode, sec);
      await out.write(r.text);
      await out.flush();
      return finalStatus({ status: EXIT_OK, failed: r.failed, keyUnusable: r.keyUnusable });
    }
    if (mode.fields && values.header) await out.write(fo!.fieldsHeader(mode.fields));
    try {
      if (workers > 0 && plainJson(mode, sec)) await decodeStdinRuns(io, out, mode, workers, maxLine, (e, line) => emitError(io, out, mode, e, line, st));
      else if (workers > 0) await decodeStdinPool(io, out, mode, values.keys, sec, workers, maxLine, st);
      else await decodeStdinHere(io, out, mode, sec, maxLine, st);
    } finally {
      await out.flush();
    }
    await out.written();
    return finalStatus(st);
  },
});
