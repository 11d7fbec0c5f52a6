#!/usr/bin/env node
// npm run fuzz -- [--seed S] [--seconds N] [--file test/fuzz-million.test.ts]
// Runs the seeded mutation fuzz (test/fuzz-million.test.ts: envelope via the batch API,
// payload tree, lazy path, typed views) for N seconds from seed S instead of the fixed
// 1,000,000 inputs of `npm test`. A failure names the seed and input; rerun with that seed.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

let values;
try {
  ({ values } = parseArgs({
    options: {
      seed: { type: 'string', default: String(Date.now() % 0x7fffffff) },
      seconds: { type: 'string', default: '60' },
      file: { type: 'string', default: 'test/fuzz-million.test.ts' },
      help: { type: 'boolean' },
    },
  }));
} catch (e) {
  process.stderr.write(`fuzz: ${e.message}\nusage: npm run fuzz -- [--seed S] [--seconds N]\n`);
  process.exit(1);
}
if (values.help) {
  process.stdout.write('usage: npm run fuzz -- [--seed S] [--seconds N] [--file <test file>]\n');
  process.exit(0);
}
const seed = Number(values.seed);
const seconds = Number(values.seconds);
if (!Number.isInteger(seed) || seed < 0 || !(seconds > 0)) {
  process.stderr.write('fuzz: --seed must be a non-negative integer and --seconds a positive number\n');
  process.exit(1);
}
process.stdout.write(`fuzz: seed ${seed}, ${seconds} s (rerun: npm run fuzz -- --seed ${seed} --seconds ${seconds})\n`);
const r = spawnSync('npx', ['vitest', 'run', values.file, '--testTimeout', String(Math.ceil(seconds * 1000 + 120_000))], {
  stdio: 'inherit',
  env: { ...process.env, GBCS_FUZZ_SEED: String(seed), GBCS_FUZZ_SECONDS: String(seconds) },
});
process.exit(r.status ?? 1);
