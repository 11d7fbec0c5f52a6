// The benchmark corpus: every RTDS message when ../shared/rtds is present, else the
// project's fixtures (the printed header says which, so figures are comparable).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const rtds = process.env.GBCS_RTDS_DIR ?? new URL('../../shared/rtds', import.meta.url).pathname;

export function loadCorpus() {
  const dir = join(rtds, 'RTDS-4.5.0');
  if (existsSync(dir)) {
    const frames = [];
    for (const d of readdirSync(dir).sort())
      for (const f of readdirSync(join(dir, d)).sort()) frames.push(Uint8Array.from(Buffer.from(readFileSync(join(dir, d, f), 'utf8').trim(), 'hex')));
    return { name: `RTDS 4.5.0 (${frames.length} messages)`, frames };
  }
  const text = readFileSync(new URL('../test/fixtures/frames.hex', import.meta.url), 'utf8');
  const frames = text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => Uint8Array.from(Buffer.from(l.trim(), 'hex')));
  return { name: `project fixtures (${frames.length} messages; RTDS not found at ${rtds})`, frames };
}

export function corpusBytes(frames) {
  return frames.reduce((n, f) => n + f.length, 0);
}
