#!/usr/bin/env node
// gbcs: command-line front end. Each command lives in ./commands/<name>.ts and declares its
// options in one table (./args.ts); this file dispatches, prints help and maps every error a
// user can cause to its documented exit status (./io.ts) with one line on stderr.
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { GbcsDecodeError } from '../errors.js';
import { helpText, isGroup, parseInvocation, unknownName, usageLine, type CommandNode } from './args.js';
import {
  EXIT_KEY,
  EXIT_MALFORMED,
  EXIT_OK,
  EXIT_OUTPUT,
  EXIT_USAGE,
  KeyError,
  MalformedInputError,
  OutputError,
  UsageError,
  reportDecodeError,
  statusSoFar,
  type Io,
} from './io.js';
/**
 * Every command by name, in help order, loaded on first use: a run imports only the module
 * of its own command (start-up of `gbcs decode` is most of a short run). The table of
 * loaded commands is ./commands/index.ts (help, tests).
 */
const LOADERS: Readonly<Record<string, () => Promise<CommandNode>>> = {
  decode: async () => (await import('./commands/decode.js')).decodeCommand,
  fields: async () => (await import('./commands/fields.js')).fieldsCommand,
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  sign: async () => (await import('./commands/sign.js')).signCommand,
  ota: async () => (await import('./commands/ota.js')).otaCommand,
  fw: async () => (await import('./commands/fw.js')).fwCommand,
  gbt: async () => (await import('./commands/gbt.js')).gbtCommand,
  bench: async () => (await import('./commands/bench.js')).benchCommand,
  duis: async () => (await import('./commands/duis.js')).duisCommand,
  pipe: async () => (await import('./commands/pipe.js')).pipeCommand,
};

/** The command names, in help order. */
export const COMMAND_NAMES: readonly string[] = Object.keys(LOADERS);

/** The command `name` (one of COMMAND_NAMES), its module loaded. */
export function loadCommand(name: string): Promise<CommandNode> {
  return LOADERS[name]!();
}

/** The package version (package.json beside dist/ and src/). */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const EXIT_HELP = `exit status: 0 ok, 1 usage error, 2 malformed input, 3 a check failed (signature, MAC,
plan, package, image), 4 a key cannot be used, 5 the output cannot be written.`;

async function help(out: NodeJS.WritableStream): Promise<void> {
  const { COMMANDS } = await import('./commands/index.js');
  out.write('usage: gbcs <command> [options]\n       gbcs --version\n\ncommands:\n');
  for (const [n, c] of Object.entries(COMMANDS)) out.write(`  ${n.padEnd(10)} ${c.summary}\n`);
  out.write(`\n\`gbcs <command> --help\` shows the options of one command.\n${EXIT_HELP}\n`);
}

const isHelp = (a: string | undefined) => a === '--help' || a === '-h';

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  if (name === undefined || isHelp(name) || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && Object.hasOwn(LOADERS, topic)) return main([topic, '--help'], io);
    await help(name === undefined ? io.stderr : io.stdout);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  let path = 'gbcs';
  let args = argv;
  let top: CommandNode | undefined;
  try {
    if (name.startsWith('-')) throw new UsageError(`unknown option ${name}; give a command first (gbcs --help)`);
    if (!Object.hasOwn(LOADERS, name)) throw unknownName('command', name, [...COMMAND_NAMES]);
    let node: CommandNode = (top = await loadCommand(name));
    path = `gbcs ${name}`;
    args = rest;
    while (isGroup(node)) {
      const [sub, ...more] = args;
      if (isHelp(sub) || sub === 'help') {
        io.stdout.write(helpText(path, node));
        return EXIT_OK;
      }
      const names = Object.keys(node.subcommands);
      if (sub === undefined) throw new UsageError(`give a subcommand: ${names.join(', ')}`);
      if (!Object.hasOwn(node.subcommands, sub)) throw unknownName('subcommand', sub, names);
      node = node.subcommands[sub]!;
      path = `${path} ${sub}`;
      args = more;
    }
    const inv = parseInvocation(node, args);
    if (inv.help) {
      io.stdout.write(helpText(path, node));
      return EXIT_OK;
    }
    return await node.run(inv, io);
  } catch (e) {
    return reportError(io, path, e, top);
  }
}

/** Maps an error to its exit status with one line on stderr; anything else is an internal error. */
function reportError(io: Io, path: string, e: unknown, top: CommandNode | undefined): number {
  if (e instanceof UsageError) {
    let node: CommandNode | undefined;
    for (const [i, w] of path.split(' ').slice(1).entries()) node = i === 0 ? top : node && isGroup(node) ? node.subcommands[w] : undefined;
    io.stderr.write(`${path}: ${e.message}\n${node ? `${usageLine(path, node)}\n` : ''}(\`${path} --help\` for more)\n`);
    return EXIT_USAGE;
  }
  if (e instanceof GbcsDecodeError) {
    reportDecodeError(io, e);
    return EXIT_MALFORMED;
  }
  if (e instanceof MalformedInputError) {
    io.stderr.write(`${path}: ${e.message}\n`);
    return EXIT_MALFORMED;
  }
  if (e instanceof KeyError) {
    io.stderr.write(`${path}: ${e.message}\n`);
    return EXIT_KEY;
  }
  if (e instanceof OutputError) {
    io.stderr.write(`${path}: ${e.message}\n`);
    return EXIT_OUTPUT;
  }
  throw e;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isMain) {
  const io: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, isTTY: Boolean(process.stderr.isTTY) };
  // A closed pipe (`gbcs decode - | head`) ends output quietly, like other Unix tools, with the
  // status reached so far (2 after malformed lines); any other write failure (a full disk) is 5.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(statusSoFar(io));
    process.stderr.write(`gbcs: cannot write the output: ${e.code === 'ENOSPC' ? 'no space left on the device' : e.message}\n`);
    process.exit(EXIT_OUTPUT);
  });
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      // A bug, not a user error: one line, the stack only on request.
      const detail = process.env['GBCS_DEBUG'] ? ((e as Error).stack ?? String(e)) : `${(e as Error).message ?? String(e)} (GBCS_DEBUG=1 shows the stack)`;
      process.stderr.write(`gbcs: internal error: ${detail}\n`);
      process.exitCode = 70;
    },
  );
}
