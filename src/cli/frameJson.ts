// The `gbcs decode --json` record of one frame, written as bytes: the one definition the
// single-thread path, the decode pool's task (decodeTask.ts) and render.ts share. Kept apart
// from render.ts so that a plain `--json` run loads no text layout, field or security code.
import type { GbcsFrame } from '../frame.js';
import type { DecodedPayload } from '../payload/index.js';
import type { JsonWriter } from '../payload/json.js';
import { typedViewJson } from '../useCases/registry.js';
import { JSON_SCHEMA_VERSION } from './jsonRecord.js';

/**
 * Writes the frame's JSON record with the payload tree under `payload` (a payload that fails
 * to decode fails the frame); `opened` is the tree with decrypted parts (--keys). The typed
 * view of the frame's use-case module (useCases/registry.ts) goes under the module's family
 * key (`firmware`, `boost`); generic codes add none. One pass straight into the writer's
 * bytes (payload/json.ts JsonWriter): no JSON-safe twin of the tree, no second UTF-8 pass.
 * On a GbcsDecodeError the writer is put back where it was (nothing of the frame is left).
 */
export function writeFrameJson(w: JsonWriter, frame: GbcsFrame, opened?: DecodedPayload, security?: unknown): void {
  const start = w.pos;
  try {
    const p = frame.payload;
    w.raw(SCHEMA_HEAD);
    frame.writeJsonMembers(w);
    w.key('payload');
    w.value(opened ?? (p && frame.payloadFormat !== 'unknown' ? p.decoded : null));
    w.members(typedViewJson(frame));
    if (security !== undefined) (w.key('security'), w.value(security));
    w.byte(125);
  } catch (e) {
    w.pos = start;
    throw e;
  }
}

const SCHEMA_HEAD = `{"schemaVersion":${JSON_SCHEMA_VERSION}`;
