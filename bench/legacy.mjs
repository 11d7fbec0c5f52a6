// Helper (not a suite): bundles the replaced TypeScript encoders kept in test/legacy/
// (issue 17: they stay as the comparison reference and the bench baseline, not shipped)
// into one ESM module with esbuild, so "TS path vs core" ratios come from one run.
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function loadLegacy(entry) {
  const out = join(mkdtempSync(join(tmpdir(), 'gbcs-legacy-')), 'legacy.mjs');
  await build({ entryPoints: [new URL(`../test/legacy/${entry}`, import.meta.url).pathname], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error' });
  return import(pathToFileURL(out).href);
}
