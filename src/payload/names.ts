// Names for codes that appear inside payloads: DLMS results and specs, GBZ alert codes;
// ZCL clusters, commands, attributes and statuses (zclNames.ts, re-exported).

import { COSEM_CLASS_INFO } from './dlmsNames.js';

/** DLMS Data-Access-Result / Action-Result (GBCS.md 3.2). */
export const DATA_ACCESS_RESULTS: Readonly<Record<number, string>> = {
  0: 'success', 1: 'hardware-fault', 2: 'temporary-failure', 3: 'read-write-denied', 4: 'object-undefined',
  9: 'object-class-inconsistent', 11: 'object-unavailable', 12: 'type-unmatched', 13: 'scope-of-access-violated',
  14: 'data-block-unavailable', 15: 'long-get-aborted', 16: 'no-long-get-in-progress', 17: 'long-set-aborted',
  18: 'no-long-set-in-progress', 19: 'data-block-number-invalid', 250: 'other-reason',
};

export type DlmsSpecKind = 'get' | 'set' | 'action' | 'get-with-selection' | 'set-with-selection';
export const SPEC_KINDS: readonly DlmsSpecKind[] = ['get', 'set', 'action', 'get-with-selection', 'set-with-selection'];

/** COSEM interface class names (the table with attribute and method names is dlmsNames.ts). */
export const COSEM_CLASSES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(COSEM_CLASS_INFO).map(([id, c]) => [id, c.name]),
);

// ZCL names live in zclNames.ts (GBZ/ZCL); re-exported here for existing imports.
export { ZCL_ATTRIBUTES, ZCL_CLUSTERS, ZCL_GLOBAL_COMMANDS, ZCL_STATUS, zclCommandName } from './zclNames.js';

/** GBZ / DLMS alert codes named in GBCS.md (sections 3.3, 4 and 5). */
export const ALERT_CODES: Readonly<Record<number, string>> = {
  0x8f66: 'future-dated command actioned', 0x8f67: 'future-dated command not actioned',
  0x8f72: 'firmware verification successful', 0x8f1c: 'firmware verification failed',
  0x8f1b: 'firmware verification failed at power-on', 0x8f43: 'executing firmware version changed',
  0x8f89: 'firmware transfer failed', 0x8f8a: 'firmware transfer succeeded', 0x8f8b: 'read firmware version',
  0x81ad: 'metrology firmware verification failure', 0x81a0: 'integrity warning',
};

/** Seconds since 2000-01-01T00:00Z (GBZ alert/from-date-time, ZCL UTCTime, DLMS range selectors) as ISO text. */
export function secondsSince2000(s: number): string {
  const d = new Date(EPOCH_2000 + s * 1000);
  const y = d.getUTCFullYear();
  // Whole seconds in years 1000-9999 (every u32/i32 value): formatted directly, without
  // toISOString's milliseconds and the replace (ISO text made per node on read, issue 12).
  if (!Number.isInteger(s) || y < 1000 || y > 9999) return d.toISOString().replace('.000Z', 'Z');
  return `${y}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}Z`;
}
const EPOCH_2000 = Date.UTC(2000, 0, 1);
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
