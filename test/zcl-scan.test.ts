// The validating scan of a full GBZ decode (issue 12 item 2): scanZclIn checks a clear ZCL
// payload at decode time without building it, and must agree with decodeZclIn (which builds
// the command on first read) on every outcome: the same Budget nodes taken, the same error
// code and offset, or no error. Seeded random payloads over every cluster-specific layout
// and the global commands, with small Budgets so that too-many-nodes strikes mid-payload.
import { describe, expect, it } from 'vitest';
import { GbcsDecodeError } from '../src/index.js';
import { Budget } from '../src/payload/limits.js';
import { ZclReader, decodeZclIn, scanZclIn } from '../src/payload/zcl.js';
import { ZCL_COMMAND_SPECS } from '../src/payload/zclCommands.js';
import { prng } from './prng.js';

type Outcome = { nodes: number; code?: string; offset?: number; other?: string };
function outcome(fn: (r: ZclReader) => void, b: Uint8Array, maxNodes: number, maxDepth: number): Outcome {
  const budget = new Budget({ maxNodes, maxDepth });
  const r = new ZclReader(b, 1000, budget);
  try {
    fn(r);
    return { nodes: budget.nodes };
  } catch (e) {
    if (e instanceof GbcsDecodeError) return { nodes: budget.nodes, code: e.code, offset: e.offset };
    return { nodes: -1, other: String(e) };
  }
}

describe('issue 12.2 full GBZ decode: scanZclIn agrees with decodeZclIn', () => {
  it('on random bytes for every cluster-specific layout and global command, with small Budgets (seeded)', () => {
    const rnd = prng(0x5ca9);
    const specs = [...ZCL_COMMAND_SPECS.values()];
    const kinds = { ok: 0, error: 0, budget: 0 };
    for (let k = 0; k < 30000; k++) {
      let cluster: number, fc: number, cmd: number;
      if (rnd() < 0.7) {
        const s = specs[Math.floor(rnd() * specs.length)]!;
        cluster = s.clusterId; fc = s.direction ? 0x09 : 0x01; cmd = s.commandId;
      } else {
        cluster = 0x0702; fc = rnd() < 0.5 ? 0x00 : 0x08; cmd = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x0b, 0x07][Math.floor(rnd() * 8)]!;
      }
      const len = Math.floor(rnd() * 160);
      const b = Uint8Array.from({ length: len + 4 }, () => (rnd() < 0.6 ? Math.floor(rnd() * 5) : rnd() < 0.5 ? 0x48 + Math.floor(rnd() * 5) : Math.floor(rnd() * 256)));
      const maxNodes = rnd() < 0.5 ? 4 + Math.floor(rnd() * 60) : 65536;
      const maxDepth = rnd() < 0.3 ? 1 + Math.floor(rnd() * 3) : 32;
      const start = 2, end = 2 + len;
      const built = outcome((r) => {
        const c = decodeZclIn(r, start, end, cluster, fc, cmd);
        // Fields read on first access: they exist and cover the payload the decode said fits.
        if (c.command === 'cluster-specific') expect(c.fields.reduce((n, f) => n + (f.length ?? 0), 0)).toBe(end - start);
      }, b, maxNodes, maxDepth);
      const scanned = outcome((r) => scanZclIn(r, start, end, cluster, fc, cmd), b, maxNodes, maxDepth);
      expect(scanned).toEqual(built);
      if (built.code === 'too-many-nodes' || built.code === 'too-deep') kinds.budget++;
      else if (built.code) kinds.error++;
      else kinds.ok++;
    }
    // The generator reaches every outcome.
    expect(kinds.ok).toBeGreaterThan(3000);
    expect(kinds.error).toBeGreaterThan(1000);
    expect(kinds.budget).toBeGreaterThan(1000);
  });
});
