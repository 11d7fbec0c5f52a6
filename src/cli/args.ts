// CLI argument handling for every command: options are declared in one table per command
// (one line per option), parsed by node:util parseArgs (strict: unknown options, missing values
// and stray values are usage errors), with generated per-command help and "did you mean" for
// mistyped commands, subcommands and options.
//
// Adding an option to a command is one line in its `options` table:
//   options: { ..., limit: { type: 'string', value: '<n>', help: 'stop after n frames' } },
// and the run function reads `values.limit` (typed string | undefined).
import { parseArgs } from 'node:util';
import { UsageError } from './io.js';
import type { Io } from './io.js';

/** One option of a command. */
export interface OptionSpec {
  /** 'string' takes a value (`--keys DIR` or `--keys=DIR`), 'boolean' is a flag. */
  readonly type: 'string' | 'boolean';
  /** One-letter alias (`-o`). */
  readonly short?: string;
  /** The value's placeholder in help, e.g. '<folder>'. */
  readonly value?: string;
  /** One line of help. */
  readonly help: string;
  /** Parsing fails with a usage error when a required option is missing. */
  readonly required?: boolean;
}

/** A command's option table. */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** Parsed option values: strings for 'string' options, true for given flags, undefined when absent. */
export type OptionValues<O extends OptionTable> = {
  -readonly [K in keyof O]: O[K]['type'] extends 'boolean' ? boolean | undefined : O[K]['required'] extends true ? string : string | undefined;
};

/** What a command's run function receives. */
export interface Invocation<O extends OptionTable> {
  readonly values: OptionValues<O>;
  readonly positionals: string[];
}

/** A command that runs (a leaf of the command tree). */
export interface LeafCommand<O extends OptionTable = OptionTable> {
  readonly summary: string;
  /** Synopsis of the positional arguments, e.g. '<hex | base64 | @file | ->'. */
  readonly args?: string;
  readonly options: O;
  /** Extra help text printed after the options (examples, notes). */
  readonly notes?: string;
  run(inv: Invocation<O>, io: Io): Promise<number>;
}

/** A command with subcommands (`gbcs ota verify`). */
export interface GroupCommand {
  readonly summary: string;
  readonly subcommands: Readonly<Record<string, CommandNode>>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandNode = LeafCommand<any> | GroupCommand;

/** Declares a leaf command (the option table's literal types flow into `run`). */
export function command<O extends OptionTable>(spec: LeafCommand<O>): LeafCommand<O> {
  return spec;
}

/** Declares a command with subcommands. */
export function group(summary: string, subcommands: Record<string, CommandNode>): GroupCommand {
  return { summary, subcommands };
}

export const isGroup = (c: CommandNode): c is GroupCommand => 'subcommands' in c;

/** Edit distance with adjacent transpositions (optimal string alignment), small strings only. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate when it is close enough to be a typo (or a unique prefix), else undefined. */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const prefixed = candidates.filter((c) => input.length >= 2 && c.startsWith(input));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(input.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help' };

function optionLabel(name: string, o: OptionSpec): string {
  const long = name.length === 1 ? `-${name}` : `--${name}`;
  const head = o.short ? `-${o.short}, ${long}` : `    ${long}`;
  return o.type === 'string' ? `${head} ${o.value ?? '<value>'}` : head;
}

/** `usage: gbcs ota verify [options] <file>` */
export function usageLine(path: string, c: CommandNode): string {
  if (isGroup(c)) return `usage: ${path} <${Object.keys(c.subcommands).join('|')}> [options]`;
  const req = Object.entries(c.options as OptionTable)
    .filter(([, o]) => o.required)
    .map(([n, o]) => `${n.length === 1 ? '-' : '--'}${n} ${o.value ?? '<value>'}`);
  return `usage: ${[path, ...req, '[options]', c.args].filter(Boolean).join(' ')}`;
}

/** Full help of a command: usage, summary, options (or subcommands). */
export function helpText(path: string, c: CommandNode): string {
  let s = `${usageLine(path, c)}\n\n${c.summary}\n`;
  if (isGroup(c)) {
    s += '\nsubcommands:\n';
    for (const [n, sub] of Object.entries(c.subcommands)) s += `  ${n.padEnd(10)} ${sub.summary}\n`;
    s += `\n\`${path} <subcommand> --help\` shows the options of one subcommand.\n`;
    return s;
  }
  const rows = [...Object.entries(c.options as OptionTable), ['help', HELP_OPTION] as const].map(([n, o]) => [optionLabel(n, o), o.help + (o.required ? ' (required)' : '')] as const);
  const w = Math.max(...rows.map(([l]) => l.length));
  s += '\noptions:\n';
  for (const [l, h] of rows) s += `  ${l.padEnd(w)}  ${h}\n`;
  if (c.notes) s += `\n${c.notes.trimEnd()}\n`;
  return s;
}

/**
 * Parses `args` against the command's table. Usage errors (unknown option with a suggestion,
 * missing value, flag given a value, missing required option) throw UsageError.
 */
export function parseInvocation<O extends OptionTable>(c: LeafCommand<O>, args: string[]): Invocation<O> & { help: boolean } {
  const table = c.options as OptionTable;
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [n, o] of Object.entries(table)) options[n] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (e) {
    throw new UsageError(parseErrorMessage(e, Object.keys(table)));
  }
  const help = parsed.values['help'] === true;
  if (!help) {
    for (const [n, o] of Object.entries(table)) {
      if (o.required && parsed.values[n] === undefined) throw new UsageError(`${n.length === 1 ? '-' : '--'}${n} ${o.value ?? '<value>'} is required`);
    }
  }
  const values = { ...parsed.values };
  delete values['help'];
  return { values: values as OptionValues<O>, positionals: parsed.positionals, help };
}

function parseErrorMessage(e: unknown, names: string[]): string {
  const err = e as { code?: string; message?: string };
  const msg = String(err.message ?? e);
  const opt = /'(-{1,2}[^'\s=]+)/.exec(msg)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const bare = (opt ?? '').replace(/^-+/, '');
      const hint = bare ? didYouMean(bare, names) : undefined;
      return `unknown option ${opt ?? ''}${hint ? ` (did you mean ${hint.length === 1 ? '-' : '--'}${hint}?)` : ''}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(msg)) return `${opt ?? 'that option'} takes no value`;
      if (/argument missing/.test(msg)) return `${opt ?? 'that option'} needs a value`;
      if (/ambiguous/.test(msg)) return `${opt ?? 'that option'} needs a value (write ${opt ?? '--option'}=-VALUE for a value starting with -)`;
      return msg.split('\n')[0]!;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(/'([^']*)'/.exec(msg)?.[1] ?? '')}`;
    default:
      return msg.split('\n')[0]!;
  }
}

/** Unknown command or subcommand name: a usage error with a suggestion when one is close. */
export function unknownName(kind: string, name: string, candidates: string[]): UsageError {
  const hint = didYouMean(name, candidates);
  return new UsageError(`unknown ${kind} ${JSON.stringify(name)}${hint ? ` (did you mean ${hint}?)` : ''}; one of: ${candidates.join(', ')}`);
}
