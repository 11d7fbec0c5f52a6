import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GbcsDecodeError, GbcsFrame, toHex } from '../src/index.js';
import { createFrameLineStream, type FrameLineResult } from '../src/node.js';
import { readFixtures } from './fixtures.js';

async function collect(chunks: string[], batchSize?: number): Promise<FrameLineResult[]> {
  const out: FrameLineResult[] = [];
  for await (const r of Readable.from(chunks).pipe(createFrameLineStream({ batchSize }))) out.push(r as FrameLineResult);
  return out;
}

describe('createFrameLineStream', () => {
  const fx = readFixtures();
  const text = `# comment\n${fx.map((f) => f.hex).join('\n')}\nDF0904\n`;

  it('decodes one frame per line whatever the chunking, with line numbers', async () => {
    for (const size of [1, 7, 100, text.length]) {
      const chunks = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      const out = await collect(chunks, 3);
      expect(out).toHaveLength(fx.length + 1);
      out.slice(0, fx.length).forEach((r, i) => {
        expect(r.line).toBe(i + 2);
        expect(r.result).toBeInstanceOf(GbcsFrame);
        expect(toHex((r.result as GbcsFrame).bytes)).toBe(fx[i]!.hex.toLowerCase());
      });
      const bad = out[fx.length]!;
      expect(bad.result).toBeInstanceOf(GbcsDecodeError);
      expect(bad.line).toBe(fx.length + 2);
      expect((bad.result as GbcsDecodeError).frameIndex).toBe(fx.length + 1);
    }
  });

  it('decodes a last line without a newline', async () => {
    const out = await collect([fx[0]!.hex]);
    expect(out).toHaveLength(1);
    expect(out[0]!.result).toBeInstanceOf(GbcsFrame);
  });
});
