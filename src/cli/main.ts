#!/usr/bin/env node
// gbcs: command-line front end. Each subcommand lives in ./commands/<name>.ts.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { GbcsDecodeError } from '../errors.js';
import { EXIT_MALFORMED, EXIT_USAGE, UsageError, reportDecodeError, type Command, type Io } from './io.js';
import { decodeCommand } from './commands/decode.js';
import { demoCommand } from './commands/demo.js';
import { gbtCommand } from './commands/gbt.js';
import { otaCommand } from './commands/ota.js';
import { signCommand } from './commands/sign.js';
import { fwCommand } from './commands/fw.js';
import { benchCommand } from './commands/bench.js';

export const COMMANDS: Command[] = [decodeCommand, demoCommand, signCommand, otaCommand, fwCommand, gbtCommand, benchCommand];

function help(io: Io): void {
  io.stdout.write('usage: gbcs <command> [options]\n\ncommands:\n');
  for (const c of COMMANDS) io.stdout.write(`  ${c.name.padEnd(10)} ${c.summary}\n`);
  io.stdout.write('\n`gbcs <command> --help` shows the options of one command.\n');
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name === undefined ? EXIT_USAGE : 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.stderr.write(`gbcs: unknown command ${JSON.stringify(name)}\n`);
    help(io);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`usage: ${cmd.usage}\n`);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`gbcs ${cmd.name}: ${e.message}\nusage: ${cmd.usage}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof GbcsDecodeError) {
      reportDecodeError(io, e);
      return EXIT_MALFORMED;
    }
    throw e;
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isMain) {
  // A closed pipe (`gbcs decode - | head`) ends output quietly, like other Unix tools.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const io: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, isTTY: Boolean(process.stderr.isTTY) };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`gbcs: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
