// One frame to the text `gbcs decode` prints (JSON line or the human layout), shared by the
// single-thread path and the decode-pool task (decodeTask.ts) so both print the same bytes.
import type { GbcsFrame } from '../frame.js';
import type { DecodedPayload } from '../payload/index.js';
import { stringifyJsonSafe } from '../payload/json.js';
import { formatFrameText } from './format.js';
import { typedViewJson } from './typedViews.js';
import { formatSecurityText, reportFailed, reportKeyUnusable, secureFrame, type SecurityContext } from './security.js';

/**
 * The frame's JSON with the payload tree under `payload` (a payload that fails to decode
 * fails the frame); `opened` is the tree with decrypted parts (--keys). The typed view of
 * the frame's use-case module (useCases/registry.ts) goes under the module's family key
 * (`firmware`, `boost`); generic codes add none. Serialised in one pass: the tree is not
 * copied into a JSON-safe twin first.
 */
function frameJson(frame: GbcsFrame, opened?: DecodedPayload, security?: unknown): string {
  const p = frame.payload;
  const payload = opened ?? (p && frame.payloadFormat !== 'unknown' ? p.decoded : null);
  const obj: Record<string, unknown> = { ...frame.toJSON(), payload, ...typedViewJson(frame) };
  if (security !== undefined) obj.security = security;
  return stringifyJsonSafe(obj);
}

/** Rendered output of one frame, and whether a security check failed (--keys). */
export interface Rendered {
  readonly text: string;
  readonly failed: boolean;
  /** A key in the store cannot be used (key-unusable): exit 4, not 3. */
  readonly keyUnusable?: boolean;
}

export async function renderFrame(frame: GbcsFrame, json: boolean, sec?: SecurityContext): Promise<Rendered> {
  if (!sec) return { text: json ? `${frameJson(frame)}\n` : formatFrameText(frame), failed: false };
  const { report, payload } = await secureFrame(frame, sec);
  const failed = reportFailed(report);
  const keyUnusable = reportKeyUnusable(report);
  return { text: json ? `${frameJson(frame, payload, report)}\n` : formatFrameText(frame, payload) + formatSecurityText(report), failed, keyUnusable };
}
