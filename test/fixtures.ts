// Reads the project's own fixture files (test/fixtures/*.hex: '# title' then one hex frame).
import { readFileSync } from 'node:fs';

export interface Fixture {
  readonly title: string;
  readonly hex: string;
  readonly bytes: Uint8Array;
}

const cache = new Map<string, Fixture[]>();

/** The fixtures of one file, read once per test process. */
export function readFixtures(name = 'frames.hex'): Fixture[] {
  let got = cache.get(name);
  if (!got) cache.set(name, (got = parseFixtures(name)));
  return got;
}

function parseFixtures(name: string): Fixture[] {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  const out: Fixture[] = [];
  let title = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) title = line.slice(1).trim();
    else if (line.trim() !== '') out.push({ title, hex: line.trim(), bytes: Uint8Array.from(Buffer.from(line.trim(), 'hex')) });
  }
  return out;
}

export function fixture(titleStart: string, name?: string): Fixture {
  const f = readFixtures(name).find((x) => x.title.startsWith(titleStart));
  if (!f) throw new Error(`no fixture titled ${titleStart} in ${name ?? 'frames.hex'}`);
  return f;
}
