// House rule "No import cycles" (HOUSE.md layers): walks every relative import and
// re-export of src/ (type-only ones included: a type cycle is still two modules that
// each need the other) and fails naming the modules of any strongly connected set.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s+['"](\.[^'"]+)['"]|^\s*import\s+['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/gm;

function sources(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** module -> modules it imports (src-relative, .ts). */
export function importGraph(files: readonly string[], read: (f: string) => string): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of files) {
    const deps: string[] = [];
    for (const m of read(f).matchAll(IMPORT)) deps.push(resolve(dirname(f), (m[1] ?? m[2] ?? m[3])!.replace(/\.js$/, '.ts')));
    g.set(f, deps);
  }
  return g;
}

/** Strongly connected sets of more than one module, or a module importing itself (Tarjan). */
export function cycles(g: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const set: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        set.push(w);
      } while (w !== v);
      if (set.length > 1 || g.get(v)!.includes(v)) found.push(set);
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import cycles', () => {
  it('src/ has none (type-only imports included)', () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(50);
    const found = cycles(importGraph(files, (f) => readFileSync(f, 'utf8'))).map((c) => c.map((f) => relative(SRC, f)).sort().join(' <-> '));
    expect(found).toEqual([]);
  });

  it('the check finds a cycle when there is one (frame.ts <-> payload/index.ts as it was)', () => {
    const a = resolve(SRC, 'frame.ts');
    const b = resolve(SRC, 'payload/index.ts');
    const text: Record<string, string> = {
      [a]: "import { LazyPayload } from './payload/index.js';",
      [b]: "import type { Cra, PayloadFormat } from '../frame.js';",
    };
    expect(cycles(importGraph([a, b], (f) => text[f]!))).toHaveLength(1);
  });
});
