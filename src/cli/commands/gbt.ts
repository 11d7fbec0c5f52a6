// gbcs gbt split|join: GBT segmentation on the command line. Frames travel as one hex
// line each, so the two compose: `gbcs gbt split --size 64 @msg.hex | gbcs gbt join -`.
import { toHex } from '../../bytes.js';
import { GbcsDecodeError, GbcsEncodeError } from '../../errors.js';
import { GbtReassembler, type GbtDiscarded } from '../../gbt/reassembler.js';
import { segmentMessage } from '../../gbt/segment.js';
import { EXIT_MALFORMED, EXIT_OK, UsageError, parseArgs, readInput, reportDecodeError, runSubcommand, type Command, type Io } from '../io.js';

const USAGE =
  'gbcs gbt split --size N [--window W] <hex | @file | -> | gbcs gbt join [--max-size BYTES] [@file | - | hex...]';

/** Frame lines of a source: `-` is stdin, `@file` a file (hex lines, or one raw binary frame), else literal hex. */
async function sourceLines(srcs: string[], io: Io): Promise<{ text: string; where: string }[]> {
  const out: { text: string; where: string }[] = [];
  const addText = (text: string, name: string) => {
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const t = lines[i]!.trim();
      if (t !== '' && !t.startsWith('#')) out.push({ text: t, where: `${name}:${i + 1}` });
    }
  };
  for (const src of srcs.length === 0 ? ['-'] : srcs) {
    const input = await readInput(src, io);
    if (input.bytes) out.push({ text: toHex(input.bytes), where: input.where });
    else if (input.where === 'argument') out.push({ text: src, where: 'argument' });
    else addText(input.text, input.where);
  }
  return out;
}

function positiveInt(v: string | true | undefined, name: string, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1)) throw new UsageError(`--${name} needs a positive integer`);
  return n;
}

function reportDiscarded(io: Io, d: GbtDiscarded): void {
  io.stderr.write(`gbcs gbt join: ${d.error.message}; held blocks ${d.received.join(',') || 'none'}\n`);
}

async function split(args: string[], io: Io): Promise<number> {
  const { flags, positional } = parseArgs(args, { values: ['size', 'window'] });
  if (!flags.has('size')) throw new UsageError('split needs --size N (bytes of message per block)');
  const blockSize = positiveInt(flags.get('size'), 'size');
  const window = positiveInt(flags.get('window'), 'window', 1);
  if (window > 63) throw new UsageError('--window must be 1..63');
  let status = EXIT_OK;
  for (const { text, where } of await sourceLines(positional, io)) {
    try {
      for (const seg of segmentMessage(text, { blockSize, window })) io.stdout.write(`${toHex(seg).toUpperCase()}\n`);
    } catch (e) {
      if (e instanceof GbcsDecodeError) reportDecodeError(io, e, where);
      else if (e instanceof GbcsEncodeError) io.stderr.write(`gbcs gbt split: ${where}: ${e.message}\n`);
      else throw e;
      status = EXIT_MALFORMED;
    }
  }
  return status;
}

async function join(args: string[], io: Io): Promise<number> {
  const { flags, positional } = parseArgs(args, { values: ['max-size'] });
  const r = new GbtReassembler(flags.has('max-size') ? { maxMessageSize: positiveInt(flags.get('max-size'), 'max-size') } : {});
  let status = EXIT_OK;
  for (const { text, where } of await sourceLines(positional, io)) {
    const res = r.push(text);
    for (const d of res.expired) reportDiscarded(io, d);
    if (res.status === 'complete') io.stdout.write(`${toHex(res.message).toUpperCase()}\n`);
    if (res.status === 'complete' && res.keyReused) io.stderr.write(`gbcs gbt join: ${where}: note: ${res.key.id} reuses the key of a message completed earlier\n`);
    if (res.status === 'rejected') {
      // A line that is not a frame at all keeps the decoder's own message.
      if (res.error.cause && res.error.code === 'gbt-not-a-segment') reportDecodeError(io, res.error.cause, where);
      else io.stderr.write(`gbcs gbt join: ${where}: ${res.error.message}\n`);
      if (res.discarded) reportDiscarded(io, res.discarded);
      status = EXIT_MALFORMED;
    }
  }
  for (const d of r.flush()) {
    reportDiscarded(io, d);
    status = EXIT_MALFORMED;
  }
  return status;
}

export const gbtCommand: Command = {
  name: 'gbt',
  summary: 'split a GBCS message into GBT segments, or join segments back (one hex frame per line)',
  usage: USAGE,
  async run(args: string[], io: Io): Promise<number> {
    return runSubcommand(args, io, { split, join });
  },
};
