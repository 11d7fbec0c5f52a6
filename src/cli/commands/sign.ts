// gbcs sign --keys <folder> --signer <eui> <precommand>: signs a DUIS pre-command with
// the signer's DS private key and prints the signed command (general-signing APDU) as hex.
import { toHex } from '../../bytes.js';
import { decodeFrame } from '../../decode.js';
import { GbcsEncodeError } from '../../errors.js';
import { signPreCommand } from '../../security/sign.js';
import { securityContext } from '../security.js';
import { command } from '../args.js';
import { jsonRecord } from '../jsonRecord.js';
import { EXIT_OK, KeyError, UsageError, readInput, type Io } from '../io.js';

export const signCommand = command({
  summary: 'sign a PRECOMMAND with the originator DS key: prints the signed command',
  args: '<precommand hex | base64 | @file | ->',
  options: {
    keys: { type: 'string', value: '<folder>', required: true, help: 'PEM key folder holding the signer DS private key' },
    signer: { type: 'string', value: '<eui>', required: true, help: 'EUI-64 of the signer (the pre-command originator)' },
    json: { type: 'boolean', help: 'print {schemaVersion, signedCommand, signer} as JSON (schema/sign.schema.json)' },
  },
  async run({ values, positionals }, io: Io): Promise<number> {
    const { keys, signer } = values;
    if (positionals.length !== 1) throw new UsageError('give exactly one pre-command');
    const ctx = securityContext(keys, undefined)!;
    const src = await readInput(positionals[0]!, io, [0xdf]);
    // Decoded first: a malformed pre-command is malformed input (exit 2), not a key problem.
    const input = decodeFrame(src.bytes ?? src.text.trim());
    let signed: Uint8Array;
    try {
      signed = await signPreCommand(input, signer, ctx.keyStore);
    } catch (e) {
      if (e instanceof TypeError && /EUI|16 hex/.test(e.message)) throw new UsageError(`--signer: ${e.message}`);
      if (e instanceof GbcsEncodeError) {
        if (/no DS private key/.test(e.message)) throw new KeyError(e.message);
        throw new UsageError(e.message);
      }
      // The key store or the primitives refused the key (unparsable PEM, RSA, another curve).
      throw new KeyError(`the DS private key of ${signer} cannot be used: ${(e as Error).message.split('\n')[0]}`);
    }
    const hex = toHex(signed).toUpperCase();
    io.stdout.write(values.json ? jsonRecord({ signedCommand: hex, signer: signer.toLowerCase() }) : `${hex}\n`);
    return EXIT_OK;
  },
});
