// gbcs decode <hex | base64 | @file | ->: one frame from an argument or file, or one
// frame per line from stdin.
import { readFileSync } from 'node:fs';
import { decodeFrame } from '../../decode.js';
import { GbcsDecodeError } from '../../errors.js';
import type { GbcsFrame } from '../../frame.js';
import type { DecodedPayload } from '../../payload/index.js';
import { toJsonSafe } from '../../payload/json.js';
import { formatFrameText } from '../format.js';
import { typedViewJson } from '../typedViews.js';
import { EXIT_VERIFY_FAILED, formatSecurityText, reportFailed, secureFrame, securityContext, type SecurityContext } from '../security.js';
import { EXIT_MALFORMED, EXIT_OK, UsageError, parseArgs, readStream, reportDecodeError, type Command, type Io } from '../io.js';

/**
 * The frame's JSON with the payload tree under `payload` (a payload that fails to decode
 * fails the frame); `opened` is the tree with decrypted parts (--keys). The typed
 * firmware / boost view goes under `firmware` / `boost`.
 */
function frameJson(frame: GbcsFrame, opened?: DecodedPayload): Record<string, unknown> {
  const p = frame.payload;
  return { ...frame.toJSON(), payload: opened ? toJsonSafe(opened) : p && frame.payloadFormat !== 'unknown' ? p.toJSON() : null, ...typedViewJson(frame) };
}

async function render(frame: GbcsFrame, json: boolean, sec?: SecurityContext, failed?: { any: boolean }): Promise<string> {
  if (!sec) return json ? `${JSON.stringify(frameJson(frame))}\n` : formatFrameText(frame);
  const { report, payload } = await secureFrame(frame, sec);
  if (failed && reportFailed(report)) failed.any = true;
  return json ? `${JSON.stringify({ ...frameJson(frame, payload), security: report })}\n` : formatFrameText(frame, payload) + formatSecurityText(report);
}

/** A file is one frame: hex/base64 text, or raw binary when it starts with DD/DF. */
function readFrameFile(path: string): Uint8Array | string {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  if (buf.length > 0 && (buf[0] === 0xdd || buf[0] === 0xdf)) return new Uint8Array(buf);
  return buf.toString('utf8');
}

export const decodeCommand: Command = {
  name: 'decode',
  summary: 'decode GBCS frames (hex, base64, @file, or - for one frame per stdin line)',
  usage: 'gbcs decode [--json] [--keys <folder> [--acb <eui>]] <hex | base64 | @file | ->',
  async run(args: string[], io: Io): Promise<number> {
    const { flags, positional } = parseArgs(args, { booleans: ['json'], values: ['keys', 'acb'] });
    const json = flags.has('json');
    // --keys: verify signature and MAC and decrypt encrypted content with that key folder.
    const sec = securityContext(flags.get('keys'), flags.get('acb'));
    if (positional.length !== 1) throw new UsageError('give exactly one frame source');
    const src = positional[0]!;
    if (src !== '-') {
      const input = src.startsWith('@') ? readFrameFile(src.slice(1)) : src;
      const failed = { any: false };
      io.stdout.write(await render(decodeFrame(input), json, sec, failed));
      return failed.any ? EXIT_VERIFY_FAILED : EXIT_OK;
    }
    const text = (await readStream(io.stdin)).toString('utf8');
    let status = EXIT_OK;
    let first = true;
    const failed = { any: false };
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '' || line.startsWith('#')) continue;
      try {
        const out = await render(decodeFrame(line), json, sec, failed);
        io.stdout.write(json || first ? out : `\n${out}`);
        first = false;
      } catch (e) {
        if (!(e instanceof GbcsDecodeError)) throw e;
        reportDecodeError(io, e, `line ${i + 1}`);
        if (json) io.stdout.write(`${JSON.stringify({ error: e.code, offset: e.offset, expected: e.expected, line: i + 1 })}\n`);
        status = EXIT_MALFORMED;
      }
    }
    return status === EXIT_OK && failed.any ? EXIT_VERIFY_FAILED : status;
  },
};
