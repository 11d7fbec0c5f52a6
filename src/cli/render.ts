// One frame to the text `gbcs decode` prints (JSON line or the human layout), shared by the
// single-thread path and the decode-pool task (decodeTask.ts) so both print the same bytes.
import type { GbcsFrame } from '../frame.js';
import type { DecodedPayload } from '../payload/index.js';
import { JsonWriter } from '../payload/json.js';
import { formatFrameText } from './format.js';
import { writeFrameJson } from './frameJson.js';
import { formatSecurityText, reportFailed, reportKeyUnusable, secureFrame, type SecurityContext } from './security.js';
import { dissectFrame, hexDump } from '../fields/index.js';
import { fieldsLine, filterOf, type RenderMode } from './fieldsOutput.js';

import { JSON_SCHEMA_VERSION } from './jsonRecord.js';

/** Version of the `--json` record shape (one for every command: ./jsonRecord.ts). */
export { JSON_SCHEMA_VERSION };
/** The frame's JSON record into a JsonWriter (./frameJson.ts: what --json alone loads). */
export { writeFrameJson };

/** The frame's JSON record as text (see writeFrameJson). */
function frameJson(frame: GbcsFrame, opened?: DecodedPayload, security?: unknown): string {
  const w = new JsonWriter(8192);
  writeFrameJson(w, frame, opened, security);
  return w.text();
}

/** Rendered output of one frame, and whether a security check failed (--keys). */
export interface Rendered {
  readonly text: string;
  readonly failed: boolean;
  /** A key in the store cannot be used (key-unusable): exit 4, not 3. */
  readonly keyUnusable?: boolean;
  /** Set when --filter rejected the frame (nothing to print). */
  readonly skip?: true;
}

/**
 * Renders a frame: `mode` is `--json` or the full output mode (fieldsOutput.ts: --hexdump,
 * --fields rows, --filter). Field output and filters read the fields of the opened tree
 * when keys are given (decrypted parts included).
 */
export async function renderFrame(frame: GbcsFrame, mode: boolean | RenderMode, sec?: SecurityContext): Promise<Rendered> {
  if (typeof mode !== 'boolean') {
    if (mode.fields || mode.hexdump || mode.filter !== undefined) return renderFields(frame, mode, sec);
    mode = mode.json;
  }
  const json = mode;
  if (!sec) return { text: json ? `${frameJson(frame)}\n` : formatFrameText(frame), failed: false };
  const { report, payload } = await secureFrame(frame, sec);
  const failed = reportFailed(report);
  const keyUnusable = reportKeyUnusable(report);
  return { text: json ? `${frameJson(frame, payload, report)}\n` : formatFrameText(frame, payload) + formatSecurityText(report), failed, keyUnusable };
}

const SKIP: Rendered = { text: '', failed: false, skip: true };

async function renderFields(frame: GbcsFrame, mode: RenderMode, sec?: SecurityContext): Promise<Rendered> {
  let opened: DecodedPayload | undefined;
  let report: Awaited<ReturnType<typeof secureFrame>>['report'] | undefined;
  if (sec) ({ report, payload: opened } = await secureFrame(frame, sec));
  // Field rows collect only the fields they print or test (and skip payloads none of them is in).
  const want = mode.fields && !mode.hexdump && !mode.json ? new Set([...mode.fields.names, ...(mode.filter !== undefined ? filterOf(mode.filter).fields : [])]) : undefined;
  const list = opened || want ? dissectFrame(frame, opened, want) : frame.fieldList();
  if (mode.filter !== undefined && !filterOf(mode.filter).testList(list)) return SKIP;
  const failed = report ? reportFailed(report) : false;
  const keyUnusable = report ? reportKeyUnusable(report) : false;
  const sect = report ? formatSecurityText(report) : '';
  if (mode.fields) return { text: fieldsLine(list, mode.fields), failed, keyUnusable };
  if (mode.hexdump) return { text: hexDump(frame.bytes, list) + sect, failed, keyUnusable };
  if (mode.json) return { text: `${frameJson(frame, opened, report)}\n`, failed, keyUnusable };
  return { text: formatFrameText(frame, opened) + sect, failed, keyUnusable };
}
