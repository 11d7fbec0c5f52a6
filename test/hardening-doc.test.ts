// docs/hardening.md (issue 10 closing table) is checked against the suite: each row's test
// file exists and contains the test name the row gives, every rule 10.1-10.12 has a row, and
// the fuzz row states the per-run counts test/fuzz-million.test.ts asserts.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const doc = readFileSync(new URL('docs/hardening.md', root), 'utf8');
const rows = doc.split('\n').filter((l) => /^\| 10\.\d+ \|/.test(l));

describe('issue 10 closing table (docs/hardening.md) names real tests', () => {
  it('has a row for every rule 10.1-10.12', () => {
    const rules = new Set(rows.map((r) => r.split('|')[1]!.trim()));
    for (let n = 1; n <= 12; n++) expect(rules.has(`10.${n}`), `rule 10.${n}`).toBe(true);
  });

  it.each(rows.map((r) => [r.split('|')[1]!.trim() + ' ' + r.split('|')[2]!.trim(), r] as const))('%s: each named test file has the named test', (_k, row) => {
    const cell = row.split('|').at(-2)!;
    const refs = [...cell.matchAll(/`([^`]+)` › `([^`]+)`/g)];
    expect(refs.length).toBeGreaterThan(0);
    for (const [, file, name] of refs) {
      expect(existsSync(new URL(file!, root)), file).toBe(true);
      const src = readFileSync(new URL(file!, root), 'utf8');
      expect(src.includes(name!), `${file} contains ${name}`).toBe(true);
    }
  });

  it('the fuzz row states the counts the fuzz test asserts (>= 1,000,000)', () => {
    const src = readFileSync(new URL('test/fuzz-million.test.ts', root), 'utf8');
    const m = /const COUNTS = \{ envelope: ([\d_]+), payload: ([\d_]+), lazy: ([\d_]+), typed: ([\d_]+) \}/.exec(src)!;
    const counts = m.slice(1).map((x) => Number(x.replace(/_/g, '')));
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1_000_000);
    const row = rows.find((r) => r.includes('fuzz-million'))!;
    for (const [i, k] of ['envelope', 'payload', 'lazy', 'typed views'].entries()) expect(row).toContain(`${k} ${m[i + 1]}`);
  });
});
