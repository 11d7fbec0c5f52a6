// Every command of `gbcs`, loaded, in help order: what `gbcs --help` lists and the tests
// walk. A run of one command does not import this table (../main.ts loads only that
// command's module); a test keeps the two lists equal.
import type { CommandNode } from '../args.js';
import { decodeCommand } from './decode.js';
import { fieldsCommand } from './fields.js';
import { demoCommand } from './demo.js';
import { gbtCommand } from './gbt.js';
import { otaCommand } from './ota.js';
import { signCommand } from './sign.js';
import { fwCommand } from './fw.js';
import { benchCommand } from './bench.js';
import { duisCommand } from './duis.js';
import { pipeCommand } from './pipe.js';

/** Every command by name, in help order. */
export const COMMANDS: Readonly<Record<string, CommandNode>> = {
  decode: decodeCommand,
  fields: fieldsCommand,
  demo: demoCommand,
  sign: signCommand,
  ota: otaCommand,
  fw: fwCommand,
  gbt: gbtCommand,
  bench: benchCommand,
  duis: duisCommand,
  pipe: pipeCommand,
};
