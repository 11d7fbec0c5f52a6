// Entry points of the package (issue 15 item 1): each entry's export list is pinned in
// entries.exports.json, so adding or removing a public name is a deliberate, reviewed change; the main entry bundles
// for the browser with no `node:` import and no Node-only package anywhere in its graph.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { exports: Record<string, unknown>; sideEffects: unknown };

/** Pinned export lists (sorted): `node scripts/pin-exports.mjs` rewrites the file after a deliberate API change. */
const EXPORTS = JSON.parse(readFileSync(new URL('test/entries.exports.json', ROOT), 'utf8')) as Record<string, string[]>;

function entryFile(name: string): string {
  const e = pkg.exports[name] as { default: string };
  return new URL(e.default, ROOT).pathname;
}

describe('package entries', () => {
  it('pins every JS entry of package.json', () => {
    expect(Object.keys(EXPORTS).sort()).toEqual(['.', './lifecycle', './node', './pipeline', './testing', './testing/vitest']);
  });

  for (const [name, expected] of Object.entries(EXPORTS)) {
    it(`${name} exports exactly the pinned names`, async () => {
      const m = (await import(entryFile(name))) as Record<string, unknown>;
      expect(Object.keys(m).sort()).toEqual(expected);
    });
  }

  it('every entry has types, and the main entry a browser condition; the package is side-effect free', () => {
    for (const name of Object.keys(EXPORTS)) expect((pkg.exports[name] as { types?: string }).types, name).toMatch(/\.d\.ts$/);
    expect((pkg.exports['.'] as { browser?: string }).browser).toBe('./dist/index.js');
    expect(pkg.sideEffects).toBe(false);
  });

  it('the main entry bundles for the browser: no node: import, no Node-only package, no Buffer', async () => {
    const r = await build({ entryPoints: [entryFile('.')], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(r.metafile.inputs);
    const imports = Object.values(r.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
    expect(imports.filter((p) => p.startsWith('node:') || /^(fs|path|crypto|stream|os|worker_threads)$/.test(p))).toEqual([]);
    // The packages allowed in the graph: fast-xml-parser (the DUIS reader, src/duis) and its
    // dependencies, and jsep (the field filter parser, src/fields/filter.ts), all plain
    // browser-safe JavaScript. Any other package fails here.
    const BROWSER_PACKAGES = /node_modules\/(jsep|fast-xml-parser|fast-xml-builder|strnum|anynum|xml-naming|is-unsafe|path-expression-matcher|@nodable\/entities)\//;
    expect(inputs.filter((p) => p.includes('node_modules') && !BROWSER_PACKAGES.test(p))).toEqual([]);
    // Buffer only behind a `typeof Buffer` guard (bytes.ts, wasm/core.ts), never called unguarded.
    const code = r.outputFiles[0]!.text;
    const uses = code.match(/[^.\w]Buffer\.\w+/g) ?? [];
    const guards = code.match(/typeof Buffer !== "undefined"/g) ?? [];
    expect(uses.length).toBeLessThanOrEqual(guards.length);
    expect(code).not.toMatch(/\brequire\(/);
  });
});
