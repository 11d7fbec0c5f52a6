// Differential conformance of the decoded payload trees (issue 12 item 2): the speed work
// on the tree builders must leave the public tree, its JSON (both the `toJSON()` path that
// JSON.stringify follows and the one-pass JSON-safe path the CLI uses), the lazy items and
// every node's offset/length byte for byte as they were. The pins below are SHA-256 digests
// of that output over the whole RTDS 4.5.0 corpus, taken from the tree before the issue 12
// item 2 rebuild (commit a6bbecd). A deliberate change of the tree's public shape updates
// them: run this file, read the new digests from the failure, and say why in the commit.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeFrame, jsonReplacer } from '../src/index.js';
import { stringifyJsonSafe } from '../src/payload/json.js';
import { HAVE_RTDS, RTDS_SKIP_REASON, rtdsFiles } from './rtds.js';

/** Output of one frame's tree in each of the forms pinned (`err` when the frame is refused). */
function renderings(bytes: Uint8Array): { native: string; safe: string; lazy: string; format: string } {
  let frame;
  try {
    frame = decodeFrame(bytes);
  } catch (e) {
    const msg = `err ${(e as { code?: string }).code} ${(e as { offset?: number }).offset}`;
    return { native: msg, safe: msg, lazy: msg, format: 'refused' };
  }
  const p = frame.payload;
  if (!p || p.format === 'unknown') return { native: 'none', safe: 'none', lazy: 'none', format: 'none' };
  // Lazy first (a fresh frame: items built from the walk, not from the full tree).
  const lazy: string[] = [];
  try {
    for (let i = 0; i < p.length; i++) lazy.push(stringifyJsonSafe(p.get(i)));
  } catch (e) {
    if (!(e instanceof Error) || !('code' in e)) throw e;
    lazy.push(`err ${(e as { code?: string }).code} ${(e as { offset?: number }).offset}`);
  }
  let native: string, safe: string;
  try {
    native = JSON.stringify(decodeFrame(bytes).payload!.decoded, jsonReplacer);
    safe = stringifyJsonSafe(decodeFrame(bytes).payload!.decoded);
  } catch (e) {
    if (!(e instanceof Error) || !('code' in e)) throw e;
    native = safe = `err ${(e as { code?: string }).code} ${(e as { offset?: number }).offset}`;
  }
  return { native, safe, lazy: lazy.join('\n'), format: p.format };
}

const PINS: Record<string, Record<'native' | 'safe' | 'lazy', string>> = {
  'ASN.1': {
    lazy: '74a5bf9d5df0b5d079255f39ca04ccc8aec120e415c0cb740899dcc051cea863',
    native: '07b3ed458cd7f7523136949637f846eea7390d682e01e64955e596733bfb279c',
    safe: '07b3ed458cd7f7523136949637f846eea7390d682e01e64955e596733bfb279c',
  },
  DLMS: {
    lazy: '3e2efcd947e370d866d45281370cfe8a9221634884851fbd3fd39472ef60b1f2',
    native: 'dc6c3794a1390fadff22034d1ed39dcabc74522adf9bf350b6dfbb4ab9ea1ef6',
    safe: 'dc6c3794a1390fadff22034d1ed39dcabc74522adf9bf350b6dfbb4ab9ea1ef6',
  },
  GBZ: {
    lazy: 'b972d83fae970664bc081f7dfab6823804b3aef88eef3732c56046bdc41bb554',
    native: '8538ba121b199dae3de4423eba9bb70bbc9331dc1a0af62273a35ae4a9d3e950',
    safe: '8538ba121b199dae3de4423eba9bb70bbc9331dc1a0af62273a35ae4a9d3e950',
  },
};

describe.skipIf(!HAVE_RTDS)('RTDS payload trees: JSON byte for byte as pinned (issue 12 item 2)', () => {
  it('every frame renders its tree, its JSON-safe form and its lazy items exactly as pinned', () => {
    const h: Record<string, Record<'native' | 'safe' | 'lazy', ReturnType<typeof createHash>>> = {};
    const files = rtdsFiles();
    expect(files.length).toBeGreaterThan(1000);
    for (const f of files) {
      const r = renderings(f.bytes);
      const byFormat = (h[r.format] ??= { native: createHash('sha256'), safe: createHash('sha256'), lazy: createHash('sha256') });
      for (const k of ['native', 'safe', 'lazy'] as const) byFormat[k].update(`${f.name}\n${r[k]}\n`);
    }
    const got: Record<string, Record<string, string>> = {};
    for (const [fmt, hs] of Object.entries(h)) got[fmt] = { native: hs.native.digest('hex'), safe: hs.safe.digest('hex'), lazy: hs.lazy.digest('hex') };
    expect(got).toEqual(PINS);
  });
});

if (!HAVE_RTDS) console.warn(RTDS_SKIP_REASON);
