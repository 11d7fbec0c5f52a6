// `npm run bench`: the benchmark suites in order (bench/<name>.mjs exporting run()).
// Pass names to run a subset: `npm run bench -- envelope payload`.
// Other .mjs files in bench/ are helpers or child processes and are not imported here.
import { existsSync } from 'node:fs';

const SUITES = ['envelope', 'encode', 'throughput', 'tree', 'payload', 'fields', 'security', 'parallel', 'gbt', 'ota', 'lifecycle', 'pipeline'];
const only = process.argv.slice(2);
for (const name of only) if (!SUITES.includes(name)) throw new Error(`unknown bench suite ${name}; have ${SUITES.join(', ')}`);
console.log(`gbcs-codec benchmarks, node ${process.version}, ${new Date().toISOString()}`);
for (const name of SUITES) {
  if (only.length && !only.includes(name)) continue;
  const file = new URL(`./${name}.mjs`, import.meta.url);
  if (!existsSync(file)) continue;
  const mod = await import(file.href);
  await mod.run();
}
