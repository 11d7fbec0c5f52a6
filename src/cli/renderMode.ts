// How `gbcs decode` prints frames (plain data: it crosses to the decode pool's workers),
// without the --fields/--filter code (./fieldsOutput.ts reads the options and writes the
// rows): a plain `--json` run does not import the field catalogue or the filter parser.
import type { Occurrence } from '../fields/index.js';

/** --fields output: the names, the row format, tshark's -E aggregator and occurrence. */
export interface FieldsOutput {
  readonly names: readonly string[];
  readonly format: 'tsv' | 'csv' | 'ndjson';
  readonly aggregator: string;
  readonly occurrence: Occurrence;
}

/** How `gbcs decode` prints a frame (plain data: it crosses to the pool's workers). */
export interface RenderMode {
  readonly json: boolean;
  readonly hexdump?: boolean;
  readonly fields?: FieldsOutput;
  /** --filter expression (compiled once per process, filters.get). */
  readonly filter?: string;
}

/** True when frames print one line each (JSON, field rows): no blank line between frames. */
export const isRows = (m: RenderMode): boolean => m.json || m.fields !== undefined;
/** True when a decode error also prints a JSON error line (--json, --fields ndjson). */
export const errorLines = (m: RenderMode): boolean => m.json || m.fields?.format === 'ndjson';
