// gbcs decode <hex | base64 | @file | ->: one frame from an argument or a file (text, or
// raw binary starting DD/DF), or one frame per line from stdin.
import { decodeFrame } from '../../decode.js';
import { duisGbcsPayloads, readDuis } from '../../duis/read.js';
import { GbcsDecodeError } from '../../errors.js';
import type { GbcsFrame } from '../../frame.js';
import type { DecodedPayload } from '../../payload/index.js';
import { toJsonSafe } from '../../payload/json.js';
import { formatFrameText } from '../format.js';
import { typedViewJson } from '../typedViews.js';
import { formatSecurityText, reportFailed, secureFrame, securityContext, type SecurityContext } from '../security.js';
import { createFrameLineStream, type FrameLineResult } from '../../stream.js';
import { command } from '../args.js';
import { EXIT_CHECK_FAILED, EXIT_MALFORMED, EXIT_OK, UsageError, noteStatus, readInput, reportDecodeError, type Io } from '../io.js';

/**
 * The frame's JSON with the payload tree under `payload` (a payload that fails to decode
 * fails the frame); `opened` is the tree with decrypted parts (--keys). The typed view of
 * the frame's use-case module (useCases/registry.ts) goes under the module's family key
 * (`firmware`, `boost`); generic codes add none.
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

/** `gbcs decode @file.xml`: the GBCS payloads of a DUIS message, one after another (JSON: one line each). */
async function decodeDuis(xml: string, json: boolean, sec: SecurityContext | undefined, failed: { any: boolean }, io: Io): Promise<number> {
  const payloads = duisGbcsPayloads(readDuis(xml));
  if (payloads.length === 0) {
    io.stderr.write('gbcs decode: the DUIS file holds no GBCSPayload (gbcs duis inspect shows its content)\n');
    return EXIT_MALFORMED;
  }
  let status = EXIT_OK;
  for (const [n, p] of payloads.entries()) {
    try {
      const out = await render(decodeFrame(p.bytes), json, sec, failed);
      io.stdout.write(json ? out : `${n ? '\n' : ''}# ${p.path}\n${out}`);
    } catch (e) {
      if (!(e instanceof GbcsDecodeError)) throw e;
      reportDecodeError(io, e, p.path);
      status = EXIT_MALFORMED;
    }
  }
  return status === EXIT_OK && failed.any ? EXIT_CHECK_FAILED : status;
}

export const decodeCommand = command({
  summary: 'decode GBCS frames (hex, base64, @file, @file.xml for the payloads of a DUIS file, or - for one frame per stdin line)',
  args: '<hex | base64 | @file | @file.xml | ->',
  options: {
    json: { type: 'boolean', help: 'one JSON object per frame (payload tree, typed view, security)' },
    keys: { type: 'string', value: '<folder>', help: 'verify signature and MAC and decrypt with the PEM keys in this folder' },
    acb: { type: 'string', value: '<eui>', help: 'the access control broker EUI-64 for MAC checks (with --keys)' },
  },
  async run({ values, positionals }, io: Io): Promise<number> {
    const json = values.json === true;
    // --keys: verify signature and MAC and decrypt encrypted content with that key folder.
    const sec = securityContext(values.keys, values.acb);
    if (positionals.length !== 1) throw new UsageError('give exactly one frame source');
    const src = positionals[0]!;
    if (src !== '-') {
      const input = await readInput(src, io);
      const failed = { any: false };
      // A DUIS file (@file.xml): decode every GBCS payload inside it.
      if (input.text !== undefined && /^\uFEFF?\s*</.test(input.text)) return decodeDuis(input.text, json, sec, failed, io);
      io.stdout.write(await render(decodeFrame(input.bytes ?? input.text), json, sec, failed));
      return failed.any ? EXIT_CHECK_FAILED : EXIT_OK;
    }
    // stdin: one frame per line, streamed (bounded memory) and decoded in WASM batches.
    let status = EXIT_OK;
    let first = true;
    const failed = { any: false };
    for await (const item of io.stdin.pipe(createFrameLineStream())) {
      const { line, result } = item as FrameLineResult;
      if (result instanceof GbcsDecodeError) {
        reportDecodeError(io, result, `line ${line}`);
        if (json) io.stdout.write(`${JSON.stringify({ error: result.code, offset: result.offset, expected: result.expected, line })}\n`);
        status = EXIT_MALFORMED;
        continue;
      }
      try {
        const out = await render(result, json, sec, failed);
        if (failed.any) noteStatus(io, EXIT_CHECK_FAILED);
        io.stdout.write(json || first ? out : `\n${out}`);
        first = false;
      } catch (e) {
        if (!(e instanceof GbcsDecodeError)) throw e;
        reportDecodeError(io, e, `line ${line}`);
        if (json) io.stdout.write(`${JSON.stringify({ error: e.code, offset: e.offset, expected: e.expected, line })}\n`);
        status = EXIT_MALFORMED;
      }
    }
    return status === EXIT_OK && failed.any ? EXIT_CHECK_FAILED : status;
  },
});
