// gbcs gbt split|join: GBT segmentation on the command line. Frames travel as one hex
// line each, so the two compose: `gbcs gbt split --size 64 @msg.hex | gbcs gbt join -`.
import { toHex } from '../../bytes.js';
import { GbcsDecodeError, GbcsEncodeError } from '../../errors.js';
import { GbtReassembler, type GbtDiscarded } from '../../gbt/reassembler.js';
import { segmentMessage } from '../../gbt/segment.js';
import { command, group } from '../args.js';
import { jsonRecord } from '../jsonRecord.js';
import { EXIT_MALFORMED, EXIT_OK, Output, UsageError, frameLines, maxLineOption, reportDecodeError, type FrameLine, type Io } from '../io.js';

/**
 * Frame lines of the sources (`-` stdin, `@file` hex lines or one raw binary frame, else
 * literal hex), streamed through the CLI's one line reader: bounded memory, an over-long
 * line is its own `line-too-long` error.
 */
function sourceLines(srcs: string[], io: Io, maxLine: number): AsyncGenerator<FrameLine> {
  return frameLines(srcs.length === 0 ? ['-'] : srcs, io, { maxLineBytes: maxLine });
}

function positiveInt(v: string | undefined, name: string, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1)) throw new UsageError(`--${name} needs a positive integer`);
  return n;
}

function reportDiscarded(io: Io, d: GbtDiscarded): void {
  io.stderr.write(`gbcs gbt join: ${d.error.message}; held blocks ${d.received.join(',') || 'none'}\n`);
}

const split = command({
  summary: 'cut a GBCS message into GBT segments, one hex frame per line',
  args: '<hex | @file | ->',
  options: {
    size: { type: 'string', value: '<n>', required: true, help: 'bytes of message per block' },
    window: { type: 'string', value: '<w>', help: 'the GBT window, 1..63 (default 1)' },
    json: { type: 'boolean', help: 'one JSON record per segment {schemaVersion, line, blockNumber, blocks, hex} (schema/gbt.schema.json)' },
    'max-line': { type: 'string', value: '<bytes>', help: 'longest input line; a longer one is a line-too-long error (default 8 MiB)' },
  },
  run: async ({ values, positionals: positional }, io) => {
  const blockSize = positiveInt(values.size, 'size');
  const window = positiveInt(values.window, 'window', 1);
  if (window > 63) throw new UsageError('--window must be 1..63');
  let status = EXIT_OK;
  const out = new Output(io.stdout, 0);
  for await (const { text, where, error, line } of sourceLines(positional, io, maxLineOption(values['max-line']))) {
    if (error) {
      reportDecodeError(io, error, where);
      status = EXIT_MALFORMED;
      continue;
    }
    try {
      const segs = segmentMessage(text, { blockSize, window });
      // GBT block numbers count from 1 in message order (gbt/segment.ts).
      for (const [i, seg] of segs.entries()) await out.write(values.json ? jsonRecord({ line, blockNumber: i + 1, blocks: segs.length, hex: toHex(seg).toUpperCase() }) : `${toHex(seg).toUpperCase()}\n`);
    } catch (e) {
      if (e instanceof GbcsDecodeError) reportDecodeError(io, e, where);
      else if (e instanceof GbcsEncodeError) io.stderr.write(`gbcs gbt split: ${where}: ${e.message}\n`);
      else throw e;
      status = EXIT_MALFORMED;
    }
  }
  return status;
  },
});

const join = command({
  summary: 'reassemble GBT segments (one hex frame per line) into messages',
  args: '[@file | - | hex...]',
  options: {
    'max-size': { type: 'string', value: '<bytes>', help: 'refuse messages larger than this' },
    json: { type: 'boolean', help: 'one JSON record per message {schemaVersion, line, conversation, blocks, keyReused, hex} (schema/gbt.schema.json)' },
    'max-line': { type: 'string', value: '<bytes>', help: 'longest input line; a longer one is a line-too-long error (default 8 MiB)' },
  },
  run: async ({ values, positionals: positional }, io) => {
  const r = new GbtReassembler(values['max-size'] !== undefined ? { maxMessageSize: positiveInt(values['max-size'], 'max-size') } : {});
  let status = EXIT_OK;
  const out = new Output(io.stdout, 0);
  for await (const { text, where, error, line } of sourceLines(positional, io, maxLineOption(values['max-line']))) {
    if (error) {
      reportDecodeError(io, error, where);
      status = EXIT_MALFORMED;
      continue;
    }
    const res = r.push(text);
    for (const d of res.expired) reportDiscarded(io, d);
    if (res.status === 'complete') {
      const hex = toHex(res.message).toUpperCase();
      await out.write(values.json ? jsonRecord({ line, conversation: res.key.id, blocks: res.blocks, keyReused: res.keyReused, hex }) : `${hex}\n`);
    }
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
  },
});

export const gbtCommand = group('split a GBCS message into GBT segments, or join segments back (one hex frame per line)', { split, join });
