// Rewrites test/entries.exports.json: the export list of each package entry, sorted, one name
// per line. test/entries.test.ts compares the built entries against it, so a change of the
// public API shows up as a reviewed diff of that file. Run after `npm run build:ts`.
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const out = {};
for (const [name, target] of Object.entries(pkg.exports)) {
  if (typeof target !== 'object' || !target.default?.endsWith('.js')) continue;
  out[name] = Object.keys(await import(new URL(target.default, root).href)).sort();
}
writeFileSync(new URL('test/entries.exports.json', root), `${JSON.stringify(out, null, 2)}\n`);
console.log(Object.entries(out).map(([k, v]) => `${k}: ${v.length} exports`).join('\n'));
