// Issue 12 item 2: in the lazy view (payload.get(i), decodeDlmsData, decodeDer) DLMS elements /
// compact-array rows and DER children are built from the walk's node index on first read (a
// full decode builds every node in one TypeScript pass). These tests pin what that must not change: the same
// tree whenever and however it is read (after other walks overwrote the index, built whole
// under a Budget or on demand), each node built once, and the Budget's errors and offsets.
import { describe, expect, it, vi } from 'vitest';
import { decodeFrame, decodeDlmsData, fromHex } from '../src/index.js';
import { decodeDer } from '../src/payload/asn1.js';
import type { Asn1Node } from '../src/payload/asn1.js';
import type { DlmsData } from '../src/payload/dlmsData.js';
import { toJsonSafe } from '../src/payload/json.js';
import { Budget, MAX_DEPTH } from '../src/payload/limits.js';
import { wasmCore } from '../src/wasm/core.js';
import { HAVE_RTDS, rtdsFiles } from './rtds.js';

const frames = () => rtdsFiles().map((f) => { try { return decodeFrame(f.bytes); } catch { return undefined; } })
  .filter((f) => f?.payload && f.payload.format !== 'unknown');

/** Every node of a decoded payload reached through the public getters, in order. */
function reach(x: unknown, out: unknown[] = []): unknown[] {
  if (x === null || typeof x !== 'object' || x instanceof Uint8Array) return out;
  if (Array.isArray(x)) {
    for (const v of x) reach(v, out);
    return out;
  }
  out.push(x);
  const o = x as Record<string, unknown>;
  for (const k of ['specs', 'data', 'results', 'body', 'items', 'rows', 'selectorParameters', 'components', 'root', 'children']) reach(o[k], out);
  return out;
}

describe.skipIf(!HAVE_RTDS)('issue 12: payload trees built on first read (RTDS)', () => {
  it('a lazy item read after other frames were walked (its index overwritten) equals a fresh one, and walks again', () => {
    const fs = frames().filter((f) => f!.payload!.format !== 'GBZ');
    // The lazy view builds items from the WASM walk's index; each frame's walk overwrites the previous one's.
    const items = fs.map((f) => f!.payload!.get(0));
    const spy = vi.spyOn(wasmCore(), 'walkPayload');
    try {
      for (let k = 0; k < fs.length; k += 7) {
        decodeFrame(fs[(k + 1) % fs.length]!.bytes).payload!.get(0); // another walk in between
        expect(JSON.stringify(toJsonSafe(items[k]))).toBe(JSON.stringify(toJsonSafe(decodeFrame(fs[k]!.bytes).payload!.get(0))));
      }
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('a full decode never reads the WASM index (DLMS, GBZ, ASN.1 are built in one TypeScript pass) and equals the lazy items', () => {
    const spy = vi.spyOn(wasmCore(), 'walkPayload');
    const fs = frames();
    let trees;
    try {
      trees = fs.map((f) => f!.payload!.decoded);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    for (let k = 0; k < fs.length; k += 5) {
      const lazy = decodeFrame(fs[k]!.bytes).payload!;
      const whole = JSON.stringify(toJsonSafe(trees[k]));
      for (let i = 0; i < lazy.length; i++) {
        const it = lazy.get(i)!;
        const part = JSON.stringify(toJsonSafe('data' in it ? it.data : 'component' in it ? it.component : it.node));
        expect(whole).toContain(part);
      }
    }
  });

  it('each node is built once: the same objects on every read', () => {
    for (const f of frames().slice(0, 300)) {
      const p = f!.payload!.decoded;
      const first = reach(p);
      const again = reach(p);
      expect(again.length).toBe(first.length);
      for (let i = 0; i < first.length; i++) expect(again[i]).toBe(first[i]);
      // Getters that give objects give the same object on every read (no allocation per read).
      for (const n of first as Record<string, unknown>[]) {
        for (const g of ['bytes', 'dateTime', 'obis', 'date', 'time', 'typeDescription', 'value', 'invokeId', 'certificate', 'bitString']) {
          const v = n[g];
          if (v !== null && typeof v === 'object') expect(n[g], g).toBe(v);
        }
      }
    }
  });

  it('a DLMS value built whole under a Budget equals the one built on first read, node for node', () => {
    let checked = 0;
    for (const f of frames()) {
      const p = f!.payload!;
      if (p.format !== 'DLMS') continue;
      for (let i = 0; i < p.length; i++) {
        const item = p.get(i)!;
        if (!('data' in item)) continue;
        const d = item.data as DlmsData & { offset: number; length: number };
        const bytes = f!.bytes.subarray(d.offset, d.offset + d.length);
        const budget = new Budget();
        const whole = decodeDlmsData(bytes, { offsetBase: d.offset, budget });
        expect(budget.nodes).toBe(reach(whole).length);
        expect(JSON.stringify(toJsonSafe(whole))).toBe(JSON.stringify(toJsonSafe(decodeDlmsData(bytes, { offsetBase: d.offset }))));
        expect(JSON.stringify(toJsonSafe(whole))).toBe(JSON.stringify(toJsonSafe(d)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});

describe('issue 12: DER children on first read keep the Budget bounds', () => {
  const nest = (levels: number, inner: string) => {
    let hex = inner;
    for (let i = 0; i < levels; i++) hex = `30${(hex.length / 2).toString(16).padStart(2, '0')}${hex}`;
    return fromHex(hex);
  };

  it(`a SEQUENCE at depth ${MAX_DEPTH} is too-deep (its children would be deeper), at the offset of its contents, before anything is built`, () => {
    const ok = decodeDer(nest(MAX_DEPTH - 1, '0500'));
    let d: Asn1Node = ok;
    for (let i = 1; i < MAX_DEPTH - 1; i++) d = d.children![0]!;
    expect(d.children![0]!.tag).toBe(0x05);
    const e = (() => { try { decodeDer(nest(MAX_DEPTH - 1, '3000'), { offsetBase: 3 }); } catch (x) { return x; } })();
    expect(e).toMatchObject({ code: 'too-deep', offset: 3 + 2 * MAX_DEPTH });
  });

  it('maxDepth below the tree: the first constructed node past it in build order', () => {
    // SEQUENCE { SEQUENCE { NULL }, SEQUENCE { SEQUENCE { SEQUENCE { NULL } } } } with maxDepth 4.
    const tree = fromHex('300e 3002 0500 3008 3006 3004 3002 0500'.replace(/ /g, ''));
    expect(() => decodeDer(tree)).not.toThrow();
    const e = (() => { try { decodeDer(tree, { limits: { maxDepth: 4 } }); } catch (x) { return x; } })();
    // levels: 1 root, 2 (3002, 3008), 3 (3006), 4 (3004): 3004 holds a level-5 child.
    expect(e).toMatchObject({ code: 'too-deep', offset: 12 });
  });

  it('children are named from the schema whenever they are read', () => {
    const tree = decodeDer(fromHex('3006 0201 05 0101 ff'.replace(/ /g, '')));
    expect(tree.children!.map((c) => c.tag)).toEqual([0x02, 0x01]);
    expect(tree.children).toBe(tree.children);
  });
});
