// CLI plumbing shared by the subcommands: argument parsing, input sources, exit codes.
import { readFileSync } from 'node:fs';
import { GbcsDecodeError } from '../errors.js';

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

export async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
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
