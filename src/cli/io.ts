// CLI plumbing shared by the subcommands: argument parsing, input sources, exit codes.
import { createReadStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { toHex } from '../bytes.js';
import { GbcsDecodeError } from '../errors.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, lineTooLong, type SplitLine } from '../stream.js';

/** Exit statuses: 0 ok, 1 usage error, 2 malformed input. */
export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_MALFORMED = 2;
/** A check that ran and failed: invalid signature/MAC/ciphertext, refused plan or package, image not valid. */
export const EXIT_CHECK_FAILED = 3;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** True when stderr is a terminal (progress bars only then). */
  isTTY: boolean;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: string[], io: Io): Promise<number>;
}

export interface ParsedArgs {
  flags: Map<string, string | true>;
  positional: string[];
}

/**
 * Minimal, strict option parser: `--name value`, `--name=value`, boolean `--flag`,
 * `-o value`. Unknown options are usage errors, never silently ignored.
 */
export function parseArgs(args: string[], spec: { values?: string[]; booleans?: string[]; aliases?: Record<string, string> }): ParsedArgs {
  const values = new Set(spec.values ?? []);
  const booleans = new Set(spec.booleans ?? []);
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    if (a === '-' || !a.startsWith('-')) {
      positional.push(a);
      continue;
    }
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) a = `--${spec.aliases?.[a.slice(1)] ?? a.slice(1)}`;
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (booleans.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else if (values.has(name)) {
      const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, v);
    } else {
      throw new UsageError(`unknown option ${a.slice(0, eq < 0 ? undefined : eq)}`);
    }
  }
  return { flags, positional };
}

/**
 * A whole (small) stream, refused past `limit` bytes (default DEFAULT_MAX_LINE_BYTES) with
 * `line-too-long` before more is buffered: single-frame inputs such as `gbcs sign -`.
 */
export async function readStream(stream: NodeJS.ReadableStream, limit = DEFAULT_MAX_LINE_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    n += b.length;
    if (n > limit) throw lineTooLong(limit, n, 1);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** A file's bytes; an unreadable file is a usage error. */
export function readFileArg(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/** An input as given on the command line, read: text, or the raw bytes of a binary file. */
export type InputSource = { readonly text: string; readonly where: string; readonly bytes?: undefined } | { readonly bytes: Uint8Array; readonly where: string; readonly text?: undefined };

/**
 * Reads an input argument: `-` is stdin (text), `@file` a file (raw bytes when it starts
 * with one of `binaryLead`, e.g. a frame's DD/DF tag, else UTF-8 text), anything else the
 * literal text. `where` names the source for error messages.
 */
export async function readInput(src: string, io: Io, binaryLead: readonly number[] = [0xdd, 0xdf]): Promise<InputSource> {
  if (src === '-') return { text: (await readStream(io.stdin)).toString('utf8'), where: 'stdin' };
  if (src.startsWith('@')) {
    const path = src.slice(1);
    const buf = readFileArg(path);
    if (buf.length > 0 && binaryLead.includes(buf[0]!)) return { bytes: new Uint8Array(buf), where: path };
    return { text: buf.toString('utf8'), where: path };
  }
  return { text: src, where: 'argument' };
}

/**
 * Runs `args[0]` as a subcommand from `table`; a missing or unknown one is a usage
 * error listing the choices.
 */
export function runSubcommand(args: string[], io: Io, table: Record<string, (rest: string[], io: Io) => Promise<number>>): Promise<number> {
  const [sub, ...rest] = args;
  const names = Object.keys(table);
  const list = `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  if (sub === undefined) throw new UsageError(`give a subcommand: ${list}`);
  if (!Object.hasOwn(table, sub)) throw new UsageError(`unknown subcommand ${JSON.stringify(sub)} (${list})`);
  return table[sub]!(rest, io);
}

/** `@file` -> file contents as text; anything else is returned as given. */
export function argText(arg: string): string {
  return arg.startsWith('@') ? readFileArg(arg.slice(1)).toString('utf8') : arg;
}

/** Prints a decode error the same way everywhere: message, offset, expectation. */
export function reportDecodeError(io: Io, e: GbcsDecodeError, where?: string): void {
  io.stderr.write(`gbcs: ${where ? `${where}: ` : ''}${e.message}\n`);
}

/**
 * The one line reader of the CLI: the lines each chunk of a byte stream completes, in
 * bounded memory (at most `maxLineBytes` held; an over-long line comes as `{ tooLong }`
 * and the rest go on), pulled as the consumer asks (backpressure reaches the producer).
 * One array per chunk, so a consumer can batch what arrived together and answer a live
 * stream without waiting for more.
 */
export async function* readLineBatches(stream: NodeJS.ReadableStream, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<SplitLine[]> {
  const splitter = new LineSplitter(maxLineBytes);
  for await (const chunk of stream) {
    const lines = splitter.push(chunk as Buffer | string);
    if (lines.length > 0) yield lines;
  }
  const last = splitter.end();
  if (last.length > 0) yield last;
}

/** readLineBatches one line at a time. */
export async function* readLines(stream: NodeJS.ReadableStream, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<SplitLine> {
  for await (const batch of readLineBatches(stream, maxLineBytes)) yield* batch;
}

/** A frame line of some source, or why that line is unusable; `where` names it (`stdin:12`). */
export type FrameLine = { readonly text: string; readonly where: string; readonly line: number; readonly error?: undefined; /** the source was one raw binary frame (text is its hex) */ readonly binary?: boolean } | { readonly error: GbcsDecodeError; readonly where: string; readonly line: number; readonly text?: undefined };

export interface FrameLinesOptions {
  /** Longest line in bytes (default DEFAULT_MAX_LINE_BYTES). */
  readonly maxLineBytes?: number;
  /** First bytes that mark an `@file` as one raw binary frame (default DD, DF). */
  readonly binaryLead?: readonly number[];
}

/**
 * Frame lines of command-line sources, streamed: `-` is stdin and `@file` a file, one frame
 * per line (blank lines and `#` comments skipped; an `@file` starting with a frame tag is
 * one raw binary frame, as hex); anything else is one literal frame. Nothing is read whole.
 */
export async function* frameLines(srcs: readonly string[], io: Io, options: FrameLinesOptions = {}): AsyncGenerator<FrameLine> {
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const lead = options.binaryLead ?? [0xdd, 0xdf];
  for (const src of srcs) {
    let stream: NodeJS.ReadableStream;
    let name: string;
    if (src === '-') {
      stream = io.stdin;
      name = 'stdin';
    } else if (src.startsWith('@')) {
      name = src.slice(1);
      const first = await firstByte(name);
      if (first !== undefined && lead.includes(first)) {
        yield { text: toHex(readFileArg(name)), where: name, line: 1, binary: true };
        continue;
      }
      stream = createReadStream(name);
    } else {
      yield { text: src, where: 'argument', line: 1 };
      continue;
    }
    try {
      for await (const l of readLines(stream, max)) {
        if (l.tooLong !== undefined) {
          yield { error: lineTooLong(max, l.tooLong, l.line), where: `${name}:${l.line}`, line: l.line };
          continue;
        }
        const t = l.text.trim();
        if (t !== '' && !t.startsWith('#')) yield { text: t, where: `${name}:${l.line}`, line: l.line };
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== undefined && src !== '-') throw new UsageError(`cannot read ${name}: ${(e as Error).message}`);
      throw e;
    }
  }
}

async function firstByte(path: string): Promise<number | undefined> {
  const { open } = await import('node:fs/promises');
  let fh;
  try {
    fh = await open(path, 'r');
    const b = Buffer.alloc(1);
    const { bytesRead } = await fh.read(b, 0, 1, 0);
    return bytesRead === 1 ? b[0] : undefined;
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  } finally {
    await fh?.close();
  }
}

/**
 * Output that honours backpressure: text is gathered into writes of about `chunk` bytes
 * (a short timer sends a partial one, so a live stream is answered promptly), and
 * `write` waits for 'drain' whenever the stream's buffer is full: a slow pipe slows the
 * producer instead of growing memory.
 */
export class Output {
  #buf = '';
  #timer: ReturnType<typeof setTimeout> | undefined;
  constructor(
    readonly stream: NodeJS.WritableStream,
    readonly chunk = 64 * 1024,
    readonly delayMs = 10,
  ) {}

  /** Queues `text`; returns a promise only when the caller must wait for the stream. */
  write(text: string): Promise<void> | undefined {
    this.#buf += text;
    if (this.#buf.length >= this.chunk || (this.stream as { writableNeedDrain?: boolean }).writableNeedDrain) return this.flush();
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      const t = this.#buf;
      this.#buf = '';
      if (t !== '') this.stream.write(t); // the next write() sees writableNeedDrain and waits
    }, this.delayMs);
    return undefined;
  }

  /** Sends what is gathered and waits until the stream takes more. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const t = this.#buf;
    this.#buf = '';
    const full = t !== '' ? !this.stream.write(t) : (this.stream as { writableNeedDrain?: boolean }).writableNeedDrain === true;
    if (full) await once(this.stream as unknown as NodeJS.EventEmitter, 'drain');
  }
}

/** `--max-line BYTES` as a number (default DEFAULT_MAX_LINE_BYTES). */
export function maxLineOption(v: string | true | undefined): number {
  if (v === undefined) return DEFAULT_MAX_LINE_BYTES;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1)) throw new UsageError('--max-line needs a positive number of bytes');
  return n;
}
