// Locates the RTDS 4.5.0 corpus (../shared/rtds next to the checkout, or $GBCS_RTDS_DIR)
// for the conformance suites; when it is absent the suites skip and say why.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const RTDS_DIR = process.env.GBCS_RTDS_DIR ?? resolve(repoRoot, '../shared/rtds');
export const RTDS_MESSAGES = join(RTDS_DIR, 'RTDS-4.5.0');
export const RTDS_KEYSTORE = join(RTDS_DIR, 'keystore');
export const HAVE_RTDS = existsSync(RTDS_MESSAGES);
export const RTDS_SKIP_REASON = `RTDS corpus not found at ${RTDS_MESSAGES} (set GBCS_RTDS_DIR or place ../shared/rtds next to the checkout): RTDS conformance tests skipped`;

if (!HAVE_RTDS) console.warn(`[gbcs-codec] ${RTDS_SKIP_REASON}`);

export interface RtdsFile {
  /** e.g. "11.2_ECS52/ECS52_11.2_SUCCESS_RESPONSE_GBCS.HEX" */
  readonly name: string;
  /** Use case from the folder name, e.g. "ECS52", "CS02bSupplierBySupplier", "FDRA-DLMS". */
  readonly useCase: string;
  /** COMMAND, PRECOMMAND, RESPONSE or ALERT (the last such word in the file name). */
  readonly kind: string;
  readonly hex: string;
  readonly bytes: Uint8Array;
}

const KINDS = new Set(['COMMAND', 'PRECOMMAND', 'RESPONSE', 'ALERT']);
let cache: RtdsFile[] | undefined;

/** Every RTDS message, sorted by name (empty when the corpus is absent). */
export function rtdsFiles(): RtdsFile[] {
  if (cache) return cache;
  cache = [];
  if (!HAVE_RTDS) return cache;
  for (const dir of readdirSync(RTDS_MESSAGES).sort()) {
    for (const file of readdirSync(join(RTDS_MESSAGES, dir)).sort()) {
      if (!file.toUpperCase().endsWith('.HEX')) continue;
      const hex = readFileSync(join(RTDS_MESSAGES, dir, file), 'utf8').trim();
      const kinds = file.split(/[_.]/).filter((w) => KINDS.has(w));
      if (kinds.length === 0) throw new Error(`RTDS file name names no kind: ${dir}/${file}`);
      cache.push({
        name: `${dir}/${file}`,
        useCase: dir.slice(dir.indexOf('_') + 1),
        kind: kinds[kinds.length - 1]!,
        hex,
        bytes: Uint8Array.from(Buffer.from(hex, 'hex')),
      });
    }
  }
  return cache;
}
