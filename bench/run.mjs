// `npm run bench`: the benchmark suites in order (bench/<name>.mjs exporting run()).
// Pass names to run a subset: `npm run bench -- envelope payload`.
// Other .mjs files in bench/ are helpers or child processes and are not imported here.
//
// Decision: each suite runs in a fresh node process (this file re-run with `--suite NAME`), one
// after the other, never two at once. In one process, a suite inherits the JIT state the earlier
// suites left: the encode, payload and fields suites read the payload trees through other call
// sites, and the tree classes' property reads turn polymorphic. Measured on 2026-12-01 (main
// 2c24331, same machine, minutes apart): "full decode, every node reached", bytes, read 1.96x the
// baseline after the suites before it had run in the same process, and 4.27x in a process of its
// own. A program that decodes frames does not first run our encoder benchmarks, so each suite
// gets a process of its own; the figure above is kept in README (Benchmarks) as the cost a
// process pays when it uses the trees in many ways.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SUITES = ['envelope', 'encode', 'throughput', 'tree', 'payload', 'fields', 'security', 'parallel', 'gbt', 'ota', 'lifecycle', 'pipeline'];
const args = process.argv.slice(2);

if (args[0] === '--suite') {
  const mod = await import(new URL(`./${args[1]}.mjs`, import.meta.url).href);
  await mod.run();
} else {
  const only = args;
  for (const name of only) if (!SUITES.includes(name)) throw new Error(`unknown bench suite ${name}; have ${SUITES.join(', ')}`);
  console.log(`gbcs-codec benchmarks, node ${process.version}, ${new Date().toISOString()} (each suite in a process of its own)`);
  const self = fileURLToPath(import.meta.url);
  let failed = 0;
  for (const name of SUITES) {
    if (only.length && !only.includes(name)) continue;
    if (!existsSync(new URL(`./${name}.mjs`, import.meta.url))) continue;
    const r = spawnSync(process.execPath, [...process.execArgv, self, '--suite', name], { stdio: 'inherit' });
    if (r.status !== 0) {
      failed++;
      console.log(`suite ${name} failed: ${r.signal ? `signal ${r.signal}` : `exit status ${r.status}`}`);
    }
  }
  if (failed) process.exitCode = 1;
}
