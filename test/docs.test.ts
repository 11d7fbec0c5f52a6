// The API reference (`npm run docs`, typedoc.json) documents every export of every package
// entry: typedoc's notDocumented validation, run here without emitting (`--emit none`), must
// report no warning. A new export without a doc comment fails this test (and `npm run docs`,
// which treats warnings as errors).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);
// The package's bin (its `exports` do not expose bin/), run with this Node.
const typedocBin = fileURLToPath(new URL('node_modules/typedoc/bin/typedoc', root));

describe('API reference (typedoc)', () => {
  it('covers every package.json export entry', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { exports: Record<string, unknown> };
    const cfg = JSON.parse(readFileSync(new URL('typedoc.json', root), 'utf8')) as { entryPoints: string[] };
    const tsEntries = Object.entries(pkg.exports)
      .filter(([, v]) => typeof v === 'object')
      .map(([, v]) => ((v as { types: string }).types).replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts'));
    expect(tsEntries.length).toBeGreaterThan(0);
    expect([...cfg.entryPoints].sort()).toEqual([...tsEntries].sort());
  });

  it('finds no undocumented export (typedoc --emit none: zero warnings, zero errors)', () => {
    const r = spawnSync(process.execPath, [typedocBin, '--emit', 'none', '--logLevel', 'Warn'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const out = `${r.stdout}${r.stderr}`;
    expect(out).not.toMatch(/\[(warning|error)\]/);
    expect(r.status).toBe(0);
  }, 180_000);
});
