// CLI plumbing shared by the subcommands: input sources, output files, exit statuses and the
// errors that map to them (argument parsing and help are in ./args.ts).
import { createReadStream, createWriteStream, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { toHex } from '../bytes.js';
import { GbcsDecodeError } from '../errors.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, lineTooLong, type SplitLine } from '../stream.js';

/**
 * Exit statuses, the same for every command (README "Exit statuses"):
 * 0 ok; 1 usage error (bad option, missing argument, unreadable input path, directory given as
 * a file, out-of-range option value); 2 malformed input (a frame, image, repository, device
 * list or other input whose content does not parse); 3 a check that ran and failed; 4 a key
 * that cannot be used (missing from the folder, unparsable, wrong type or curve); 5 the output
 * cannot be written (unwritable path, disk full, I/O error; `pipe`: Redis unreachable at
 * start-up within --connect-timeout). A closed output pipe ends quietly
 * with the status reached so far.
 */
export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_MALFORMED = 2;
/** A check that ran and failed: invalid signature/MAC/ciphertext, refused plan or package, image not valid. */
export const EXIT_CHECK_FAILED = 3;
/** A key that cannot be used: not in the key folder, unparsable, or not an EC P-256 key of the right kind. */
export const EXIT_KEY = 4;
/** The output cannot be written: unwritable path, no space left, I/O error. */
export const EXIT_OUTPUT = 5;

/** A usage error: one line on stderr, the usage line, exit 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Malformed input that is not a frame (a JSON device list, a premises file): exit 2. */
export class MalformedInputError extends Error {
  override readonly name = 'MalformedInputError';
}

/** A key that cannot be used: exit 4. */
export class KeyError extends Error {
  override readonly name = 'KeyError';
}

/** The output cannot be written: exit 5. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** True when stderr is a terminal (progress bars only then). */
  isTTY: boolean;
}

const statuses = new WeakMap<Io, number>();

/** Among the statuses a command reaches while going on: malformed > key unusable > check failed. */
const rank = (s: number) => (s === EXIT_MALFORMED ? 3 : s === EXIT_KEY ? 2 : s === EXIT_CHECK_FAILED ? 1 : 0);

/**
 * Records a non-zero status reached while a command goes on (a malformed line, a failed
 * check), so that a closed output pipe still ends with it. Malformed input (2) outranks an
 * unusable key (4), which outranks a failed check (3), as in the commands' own return values.
 */
export function noteStatus(io: Io, status: number): void {
  const cur = statuses.get(io) ?? EXIT_OK;
  if (cur === EXIT_OK || rank(status) > rank(cur)) statuses.set(io, status);
}

/** The status recorded so far with noteStatus (0 when none). */
export function statusSoFar(io: Io): number {
  return statuses.get(io) ?? EXIT_OK;
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

/** One line for a file that cannot be read: no such file, a directory, no permission. */
export function fileProblem(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `cannot read ${path}: no such file`;
  if (code === 'EISDIR') return `cannot read ${path}: it is a directory, not a file`;
  if (code === 'EACCES' || code === 'EPERM') return `cannot read ${path}: permission denied`;
  return `cannot read ${path}: ${(e as Error).message}`;
}

/** A file's bytes; an unreadable file (missing, a directory, no permission) is a usage error. */
export function readFileArg(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(fileProblem(path, e));
  }
}

/** A path that must name an existing file that is not a directory; else a usage error. */
export function requireFile(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new UsageError(fileProblem(path, e));
  }
  if (st.isDirectory()) throw new UsageError(`cannot read ${path}: it is a directory, not a file`);
  return path;
}

/** Parses JSON input text; bad JSON is malformed input (exit 2) naming `what`. */
export function parseJsonInput(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MalformedInputError(`${what} is not JSON: ${(e as Error).message}`);
  }
}

/** An output file problem as one line (exit 5). */
export function outputProblem(path: string, e: unknown): OutputError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC'
      ? 'no space left on the device'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'permission denied'
          : code === 'ENOENT' || code === 'ENOTDIR'
            ? 'no such folder'
            : (e as Error).message;
  return new OutputError(`cannot write ${path}: ${why}`);
}

/** Writes a whole file; any failure is an OutputError (exit 5). */
export function writeFileOut(path: string, data: Uint8Array | string): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw outputProblem(path, e);
  }
}

/** An output file being written: see openOutput. */
export interface OutputFile {
  /** Writes one chunk, waiting while the stream is full (backpressure). */
  write(b: Uint8Array): Promise<void>;
  /** Ends the file; rejects with an OutputError if any write failed. */
  close(): Promise<void>;
}

/**
 * An output file opened now (so an unwritable path fails before any work), written with
 * backpressure; every failure, including a full disk, becomes an OutputError (exit 5).
 */
export function openOutput(path: string): OutputFile {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw outputProblem(path, e);
  }
  const out = createWriteStream(path, { fd });
  let failed: OutputError | undefined;
  out.on('error', (e) => (failed ??= outputProblem(path, e)));
  const check = () => {
    if (failed) throw failed;
  };
  const settle = (events: string[]) =>
    new Promise<void>((res) => {
      const done = () => {
        for (const ev of events) out.off(ev, done);
        res();
      };
      for (const ev of events) out.on(ev, done);
    });
  return {
    async write(b) {
      check();
      if (!out.write(b)) await settle(['drain', 'error', 'close']);
      check();
    },
    async close() {
      check();
      const closed = settle(['close', 'error']);
      out.end();
      await closed;
      check();
    },
  };
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

/** `@file` -> file contents as text; anything else is returned as given. */
export function argText(arg: string): string {
  return arg.startsWith('@') ? readFileArg(arg.slice(1)).toString('utf8') : arg;
}

/** Prints a decode error the same way everywhere (message, offset, expectation) and notes exit 2. */
export function reportDecodeError(io: Io, e: GbcsDecodeError, where?: string): void {
  noteStatus(io, EXIT_MALFORMED);
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
      if ((e as NodeJS.ErrnoException).code !== undefined && src !== '-') throw new UsageError(fileProblem(name, e));
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
    throw new UsageError(fileProblem(path, e));
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

  /**
   * Sends `bytes` (after any text gathered) as one write and waits while the stream's buffer
   * is full. The caller gives up `bytes` until `taken` is called (the stream has written it).
   */
  async writeBytes(bytes: Uint8Array, taken?: () => void): Promise<void> {
    if (this.#buf !== '') await this.flush();
    if (bytes.length === 0) return taken?.();
    let done!: () => void;
    this.#written = new Promise<void>((res) => (done = res));
    const cb = () => {
      taken?.();
      done();
    };
    if (!this.stream.write(bytes, cb)) await once(this.stream as unknown as NodeJS.EventEmitter, 'drain');
  }

  /** Resolves once the stream has taken (written or failed) the last writeBytes chunk. */
  written(): Promise<void> {
    return this.#written;
  }
  #written: Promise<void> = Promise.resolve();

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
