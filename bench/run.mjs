// `npm run bench`: every benchmark module in bench/ that exports run(), in order.
// Pass names to run a subset: `npm run bench -- envelope payload`.
import { readdirSync } from 'node:fs';

const only = process.argv.slice(2);
const order = ['envelope', 'payload', 'security', 'gbt', 'ota', 'lifecycle'];
const found = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.mjs') && !['run.mjs', 'report.mjs', 'corpus.mjs', 'plainWalker.mjs'].includes(f))
  .map((f) => f.slice(0, -4))
  .sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
console.log(`gbcs-codec benchmarks, node ${process.version}, ${new Date().toISOString()}`);
for (const name of found) {
  if (only.length && !only.includes(name)) continue;
  const mod = await import(`./${name}.mjs`);
  if (typeof mod.run === 'function') await mod.run();
}
