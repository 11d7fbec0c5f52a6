// Every `--json` record of the CLI carries `schemaVersion` (issue 15 item 4): one constant for
// every command, one JSON Schema per command under schema/ (shipped in the package, listed in
// README "JSON output", validated with ajv over real outputs in test/json-schema*.test.ts).
//
// Decision: one version for the whole CLI's JSON output rather than one per command: a record
// is read together with the schema file of the command that printed it, and a consumer pins
// one number. It is raised when a field is removed or changes meaning in any command's
// records; adding a field does not raise it (the schemas allow additional properties on
// records that are open by nature, such as decoded payload trees).

/** Version of the `--json` record shapes, carried by every record as `schemaVersion`. */
export const JSON_SCHEMA_VERSION = 1;

/** JSON.stringify replacer: bigint as decimal text (JSON numbers cannot hold a u64). */
export function bigintText(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** One `--json` record: `{ schemaVersion, ...fields }` as one line (bigints as decimal text). */
export function jsonRecord(fields: object, indent?: number): string {
  return `${JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, ...fields }, bigintText, indent)}\n`;
}
