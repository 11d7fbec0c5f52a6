// The examples (examples/README.md) run as users run them: the adapter over the shipped
// samples (decode pool + verify, NDJSON out), the folder benchmark for a short time.
// examples/frames.test.ts runs as part of the suite itself (vitest.config.ts include).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const HAVE_DIST = existsSync(new URL('../dist/node.js', import.meta.url));
const lines = readFileSync(new URL('../samples/frames.hex', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'));

describe.skipIf(!HAVE_DIST)('examples', () => {
  it('adapter.mjs: one NDJSON record per input line, in order, with verification, bad lines as errors', () => {
    const input = `${lines.join('\n')}\nDD00\n`;
    const r = spawnSync(process.execPath, ['examples/adapter.mjs', 'test/fixtures/keys'], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(2);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(lines.length + 1);
    expect(out[lines.length]).toMatchObject({ line: lines.length + 1, error: expect.any(String) });
    expect(JSON.stringify(out[0])).toMatch(/ECS52/);
    expect(JSON.stringify(out[0])).toMatch(/"verification"|"signature"|"mac"/);
  }, 90_000);

  it('bench-folder.mjs: reports frames/s for each mode over a folder', () => {
    const r = spawnSync(process.execPath, ['examples/bench-folder.mjs', 'samples', '0.2'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${lines.length} frames`));
    expect(r.stdout.match(/frames\/s/g)).toHaveLength(3);
  }, 60_000);
});
