// schema/decode.schema.json (shipped in the package) describes `gbcs decode --json`: every
// record of the real CLI over the RTDS corpus (independent frames) validates with ajv, and
// every record carries schemaVersion = JSON_SCHEMA_VERSION.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_VERSION } from '../src/cli/render.js';
import { HAVE_RTDS, RTDS_SKIP_REASON, rtdsFiles } from './rtds.js';

const root = new URL('..', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('schema/decode.schema.json', root), 'utf8')) as Record<string, unknown>;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const cli = fileURLToPath(new URL('dist/cli/main.js', root));

function decodeJson(input: string): { status: number | null; records: Record<string, unknown>[] } {
  const r = spawnSync(process.execPath, [cli, 'decode', '--json', '-'], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, records: r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('gbcs decode --json: JSON Schema', () => {
  it('is shipped in the package (package.json files)', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schema');
    expect((schema.definitions as { schemaVersion: { const: number } }).schemaVersion.const).toBe(JSON_SCHEMA_VERSION);
  });

  it.skipIf(!HAVE_RTDS)('validates every RTDS decode record (schemaVersion on each)', () => {
    const files = rtdsFiles();
    expect(files.length, RTDS_SKIP_REASON).toBeGreaterThan(100);
    const { records } = decodeJson(files.map((f) => f.hex.replace(/\s+/g, '')).join('\n') + '\n');
    const frames = records.filter((r) => !('error' in r));
    expect(frames.length).toBeGreaterThan(files.length * 0.9);
    const bad = records.flatMap((r, i) => (validate(r) ? [] : [`record ${i}: ${JSON.stringify(validate.errors?.slice(0, 3))}`]));
    expect(bad.slice(0, 5)).toEqual([]);
    for (const r of records) expect(r.schemaVersion).toBe(JSON_SCHEMA_VERSION);
  });

  it('validates the error record of a line that does not decode', () => {
    const { status, records } = decodeJson('dd00\n');
    expect(status).not.toBe(0);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ schemaVersion: JSON_SCHEMA_VERSION, line: 1 });
    expect(validate(records[0])).toBe(true);
  });

  it('rejects records the schema does not describe (the check can fail)', () => {
    const { records } = decodeJson(`${rtdsFiles()[0]?.hex.replace(/\s+/g, '') ?? ''}\n`);
    const good = records[0] ?? {};
    if (HAVE_RTDS) expect(validate(good)).toBe(true);
    const { schemaVersion: _, ...noVersion } = good;
    expect(validate(noVersion)).toBe(false);
    expect(validate({ ...good, schemaVersion: JSON_SCHEMA_VERSION + 1 })).toBe(false);
    expect(validate({ schemaVersion: JSON_SCHEMA_VERSION, error: 'truncated', offset: -1, expected: 'x', line: 1 })).toBe(false);
  });
});
