// gbcs sign --keys <folder> --signer <eui> <precommand>: signs a DUIS pre-command with
// the signer's DS private key and prints the signed command (general-signing APDU) as hex.
import { toHex } from '../../bytes.js';
import { GbcsEncodeError } from '../../errors.js';
import { signPreCommand } from '../../security/sign.js';
import { securityContext } from '../security.js';
import { EXIT_OK, UsageError, parseArgs, readInput, type Command, type Io } from '../io.js';

export const signCommand: Command = {
  name: 'sign',
  summary: 'sign a PRECOMMAND with the originator DS key: prints the signed command',
  usage: 'gbcs sign --keys <folder> --signer <eui> [--json] <precommand hex | base64 | @file | ->',
  async run(args: string[], io: Io): Promise<number> {
    const { flags, positional } = parseArgs(args, { values: ['keys', 'signer'], booleans: ['json'] });
    const keys = flags.get('keys');
    const signer = flags.get('signer');
    if (typeof keys !== 'string') throw new UsageError('--keys <folder> is required');
    if (typeof signer !== 'string') throw new UsageError('--signer <eui> is required');
    if (positional.length !== 1) throw new UsageError('give exactly one pre-command');
    const ctx = securityContext(keys, undefined)!;
    const src = await readInput(positional[0]!, io, [0xdf]);
    const input = src.bytes ?? src.text.trim();
    let signed: Uint8Array;
    try {
      signed = await signPreCommand(input, signer, ctx.keyStore);
    } catch (e) {
      if (e instanceof TypeError && /EUI|16 hex/.test(e.message)) throw new UsageError(`--signer: ${e.message}`);
      if (e instanceof GbcsEncodeError) throw new UsageError(e.message);
      throw e;
    }
    const hex = toHex(signed).toUpperCase();
    io.stdout.write(flags.has('json') ? `${JSON.stringify({ signedCommand: hex, signer: signer.toLowerCase() })}\n` : `${hex}\n`);
    return EXIT_OK;
  },
};
