import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FirmwareRepository, FirmwareRepositoryError, FirmwareUpgradeError, checkUpgrade, loadRepositoryCsv, loadRepositoryJson, planUpgrade, repositoryToCsv, type FirmwareEntry } from '../src/lifecycle/index.js';

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');
const entry = (entryId: string, upgradePath: string[], over: Partial<FirmwareEntry> = {}): FirmwareEntry => ({
  entryId,
  deviceType: 'ESME',
  manufacturer: 'ACME',
  model: 'E1',
  firmwareVersion: (parseInt(hashOf(entryId).slice(0, 8), 16) >>> 0).toString(16).padStart(8, '0'),
  manufacturerImageHash: hashOf(entryId),
  upgradePath,
  ...over,
});
const repoOf = (...entries: FirmwareEntry[]) => new FirmwareRepository(entries);
const ids = (p: ReturnType<typeof planUpgrade>) => {
  if (!p.ok) throw p.error;
  return p.steps.map((s) => s.entryId);
};
const blockOf = (p: { ok: boolean; error?: FirmwareUpgradeError }) => {
  expect(p.ok).toBe(false);
  expect(p.error).toBeInstanceOf(FirmwareUpgradeError);
  return p.error!.block;
};
const who = { who: 'fir-admin@dcc', why: 'test', when: '2025-01-02T03:04:05Z' };

/** Independent oracle: forward BFS over the whole repository (same model only). */
function oracleDistance(entries: FirmwareEntry[], from: string, to: string): number | undefined {
  const byId = new Map(entries.map((e) => [e.entryId, e]));
  const fwd = new Map<string, string[]>();
  for (const e of entries) for (const p of e.upgradePath) if (byId.has(p)) fwd.set(p, [...(fwd.get(p) ?? []), e.entryId]);
  const dist = new Map([[from, 0]]);
  const q = [from];
  while (q.length) {
    const x = q.shift()!;
    if (x === to) return dist.get(x);
    for (const n of fwd.get(x) ?? []) if (!dist.has(n)) (dist.set(n, dist.get(x)! + 1), q.push(n));
  }
  return undefined;
}

/**
 * Independent oracle for the MP231 plan length: the recorded route when there is one, else
 * one unrecorded step onto the nearest entry with an empty upgrade path, then recorded steps.
 */
function oraclePlan(entries: FirmwareEntry[], from: string, to: string): { length: number; unrecorded: boolean } | undefined {
  const d = oracleDistance(entries, from, to);
  if (d !== undefined) return { length: d, unrecorded: false };
  let best: number | undefined;
  for (const w of entries) {
    if (w.upgradePath.length || w.entryId === from) continue;
    const dw = oracleDistance(entries, w.entryId, to);
    if (dw !== undefined && (best === undefined || dw + 1 < best)) best = dw + 1;
  }
  return best === undefined ? undefined : { length: best, unrecorded: true };
}

describe('MP231 Firmware Information Repository', () => {
  it('MP231: loads entries from JSON and normalises versions and hashes to lower-case hex', () => {
    const raw = [{ ...entry('E1', []), firmwareVersion: '0x0123ABCD', manufacturerImageHash: hashOf('E1').toUpperCase() }];
    const frozen = JSON.stringify(raw);
    const repo = loadRepositoryJson(JSON.stringify(raw));
    expect(repo.get('E1')!.firmwareVersion).toBe('0123abcd');
    expect(repo.get('E1')!.manufacturerImageHash).toBe(hashOf('E1'));
    expect(Object.isFrozen(repo.get('E1'))).toBe(true);
    loadRepositoryJson(raw);
    expect(JSON.stringify(raw)).toBe(frozen); // caller's objects untouched
  });

  it('MP231: loads entries from CSV with quoted fields and several upgrade-path separators', () => {
    const csv = [
      'Entry ID,Device Type,Manufacturer,Model,Firmware Version,Manufacturer Image Hash,Firmware Upgrade Path',
      `E1,ESME,"ACME, Ltd",E1,00000001,${hashOf('E1')},`,
      `E2,esme,"ACME, Ltd",E1,00000002,${hashOf('E2')},E1`,
      '# a comment line',
      `E3,ESME,"ACME, Ltd",E1,00000003,${hashOf('E3')},"E1; E2|E1"`,
    ].join('\r\n');
    const repo = loadRepositoryCsv(csv);
    expect(repo.size).toBe(3);
    expect(repo.get('E1')!.manufacturer).toBe('ACME, Ltd');
    expect(repo.get('E2')!.deviceType).toBe('ESME');
    expect(repo.get('E3')!.upgradePath).toEqual(['E1', 'E2']);
    const again = loadRepositoryCsv(repositoryToCsv(repo));
    expect([...again.entries()]).toEqual([...repo.entries()]);
  });

  it('MP231: refuses a CSV record with a bad field, naming its line and the field', () => {
    const csv = `entry_id,device_type,manufacturer,model,firmware_version,manufacturer_image_hash,upgrade_path\nE1,ESME,A,M,00000001,${hashOf('E1')},\nE2,ESME,A,M,12345,${hashOf('E2')},E1\n`;
    expect(() => loadRepositoryCsv(csv)).toThrowError(FirmwareRepositoryError);
    try {
      loadRepositoryCsv(csv);
    } catch (e) {
      expect((e as FirmwareRepositoryError).where).toBe('csv line 3');
      expect((e as FirmwareRepositoryError).field).toBe('firmwareVersion');
    }
    expect(() => loadRepositoryCsv('entry_id,colour\nE1,red\n')).toThrow(/known column names/);
    expect(() => loadRepositoryCsv('entry_id,device_type\n"E1,ESME\n')).toThrow(/well-formed CSV/);
    expect(() => loadRepositoryCsv(`${csv.split('\n')[0]}\n${csv.split('\n')[1]}\n${csv.split('\n')[1]}\n`)).toThrow(/unique entry id/);
  });

  it('MP231: refuses malformed JSON entries with a JSON pointer to the bad field', () => {
    expect(() => loadRepositoryJson('{')).toThrow(/valid JSON/);
    expect(() => loadRepositoryJson({ entries: [entry('E1', []), { ...entry('E2', []), deviceType: 'TOASTER' }] })).toThrow(/json \/entries\/1 \(deviceType\)/);
    expect(() => loadRepositoryJson([{ ...entry('E1', []), manufacturerImageHash: 'abc' }])).toThrow(/json \/0 \(manufacturerImageHash\)/);
    expect(() => loadRepositoryJson([{ ...entry('E1', []), upgradePath: 'E0' }])).toThrow(/upgradePath/);
  });

  it('MP231: records every edit with who, when and why, and refuses an edit without them', () => {
    const repo = repoOf(entry('E1', []), entry('E2', []));
    expect(() => repo.amend('E2', { upgradePath: ['E1'] }, { who: '', why: 'x' })).toThrow(/who/);
    expect(() => repo.amend('E2', { upgradePath: ['E1'] }, { who: 'a', why: ' ' })).toThrow(/why/);
    expect(repo.get('E2')!.upgradePath).toEqual([]); // refused edits change nothing
    repo.amend('E2', { upgradePath: ['E1'] }, { who: 'admin', why: 'CR-118: E2 needs E1 first', when: '2025-03-01T10:00:00Z' });
    repo.add(entry('E3', ['E2']), { ...who, why: 'new release' });
    repo.withdraw('E1', { ...who, why: 'recalled' });
    const log = repo.audit;
    expect(log.map((r) => [r.action, r.entryId, r.who])).toEqual([
      ['amend', 'E2', 'admin'],
      ['add', 'E3', 'fir-admin@dcc'],
      ['withdraw', 'E1', 'fir-admin@dcc'],
    ]);
    expect(log[0]!.when).toBe('2025-03-01T10:00:00.000Z');
    expect(log[0]!.before!.upgradePath).toEqual([]);
    expect(log[0]!.after!.upgradePath).toEqual(['E1']);
    expect(repo.history('E2')).toHaveLength(1);
    expect(() => repo.amend('E2', { entryId: 'E9' } as never, who)).toThrow(/entry id unchanged/);
    // The audit trail survives a JSON save and load.
    const back = loadRepositoryJson(JSON.stringify(repo));
    expect(back.audit).toEqual(log);
    expect([...back.entries()]).toEqual([...repo.entries()]);
  });

  it('MP231: an amended upgrade path changes the plan (the administrator corrects after the fact)', () => {
    const repo = repoOf(entry('A', []), entry('B', ['A']), entry('C', ['B']));
    expect(ids(planUpgrade(repo, 'A', 'C'))).toEqual(['B', 'C']);
    repo.amend('C', { upgradePath: ['B', 'A'] }, { ...who, why: 'C may go straight over A' });
    expect(ids(planUpgrade(repo, 'A', 'C'))).toEqual(['C']);
    repo.amend('C', { upgradePath: ['Q'] }, { ...who, why: 'C requires Q' });
    expect(blockOf(planUpgrade(repo, 'A', 'C')).kind).toBe('no-path');
  });
});

describe('MP231 upgrade paths: checkUpgrade', () => {
  const repo = repoOf(entry('A', []), entry('B', ['A']), entry('G', [], { deviceType: 'GSME', model: 'G1' }));
  it('MP231: accepts a step whose upgrade path includes the running entry', () => {
    const c = checkUpgrade(repo, 'A', 'B');
    expect(c.ok).toBe(true);
  });
  it('MP231: refuses a step whose upgrade path does not include the running entry', () => {
    const r = repoOf(entry('A', []), entry('B', ['A']), entry('C', ['B']));
    const b = blockOf(checkUpgrade(r, 'A', 'C'));
    expect(b.kind).toBe('not-in-upgrade-path');
    expect(String((checkUpgrade(r, 'A', 'C') as { error: Error }).error.message)).toMatch(/C .* may only be applied over one of \[B\]; the device runs A/);
  });
  it('MP231: an empty upgrade path records nothing: the step is allowed with a warning', () => {
    const c = checkUpgrade(repo, 'B', 'A');
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatchObject({ kind: 'unrecorded-upgrade-path', entry: { entryId: 'A' } });
    expect(c.warnings[0]!.message).toMatch(/no recorded upgrade path.*best-endeavours/);
    expect((checkUpgrade(repo, 'A', 'B') as unknown as { warnings: unknown[] }).warnings).toEqual([]);
  });
  it('MP231: refuses a step to another device model', () => {
    expect(blockOf(checkUpgrade(repo, 'A', 'G')).kind).toBe('different-model');
  });
  it('MP231: refuses a step naming an unknown entry', () => {
    expect(blockOf(checkUpgrade(repo, 'A', 'Z'))).toMatchObject({ kind: 'unknown-entry', entryId: 'Z', role: 'next' });
    expect(blockOf(checkUpgrade(repo, 'Z', 'A'))).toMatchObject({ kind: 'unknown-entry', role: 'current' });
  });
  it('MP231: refuses re-applying the running entry', () => {
    expect(blockOf(checkUpgrade(repo, 'A', 'A')).kind).toBe('same-entry');
  });
});

describe('MP231 upgrade paths: planUpgrade', () => {
  it('MP231: through a diamond, plans the shortest route and breaks ties by upgrade-path order', () => {
    //   A -> B -> D -> E,  A -> C -> D
    const repo = repoOf(entry('A', []), entry('B', ['A']), entry('C', ['A']), entry('D', ['C', 'B']), entry('E', ['D']));
    expect(ids(planUpgrade(repo, 'A', 'E'))).toEqual(['C', 'D', 'E']);
    expect(ids(planUpgrade(repo, 'B', 'E'))).toEqual(['D', 'E']);
    expect(ids(planUpgrade(repo, 'E', 'E'))).toEqual([]);
  });

  it('MP231: every step of a plan passes checkUpgrade', () => {
    const repo = repoOf(entry('A', []), entry('B', ['A']), entry('C', ['A']), entry('D', ['B', 'C']), entry('E', ['D', 'C']));
    const p = planUpgrade(repo, 'A', 'E');
    let cur = 'A';
    for (const s of ids(p)) {
      expect(checkUpgrade(repo, cur, s).ok).toBe(true);
      cur = s;
    }
    expect(ids(p)).toEqual(['C', 'E']);
  });

  it('MP231: refuses a plan through a cycle in the data and names the cycle', () => {
    // A -> B -> C -> B (B and C each require the other), C -> T
    const repo = repoOf(entry('A', []), entry('B', ['A', 'C']), entry('C', ['B']), entry('T', ['C']));
    const b = blockOf(planUpgrade(repo, 'A', 'T'));
    expect(b.kind).toBe('cycle');
    if (b.kind === 'cycle') expect(new Set(b.cycle)).toEqual(new Set(['B', 'C']));
    expect(planUpgrade(repo, 'A', 'T').ok ? '' : (planUpgrade(repo, 'A', 'T') as { error: Error }).error.message).toMatch(/cycle (B -> C -> B|C -> B -> C)/);
  });

  it('MP231: a cycle off the route from current to target does not block the plan', () => {
    // X <-> Y loop requires nothing the device passes through.
    const repo = repoOf(entry('A', []), entry('B', ['A']), entry('X', ['Y']), entry('Y', ['X']), entry('T', ['B', 'X']));
    expect(ids(planUpgrade(repo, 'A', 'T'))).toEqual(['B', 'T']);
  });

  it('MP231: a self-referencing entry on the route is a cycle', () => {
    const repo = repoOf(entry('A', []), entry('B', ['A', 'B']), entry('T', ['B']));
    expect(blockOf(planUpgrade(repo, 'A', 'T'))).toMatchObject({ kind: 'cycle', cycle: ['B', 'B'] });
  });

  it('MP231: at a dead end, the no-path error names where chains stop and unknown references', () => {
    // T requires M or Q; M requires only a withdrawn entry V; Q requires a withdrawn entry W.
    const repo = repoOf(entry('A', []), entry('M', ['V']), entry('Q', ['W']), entry('T', ['M', 'Q']));
    const b = blockOf(planUpgrade(repo, 'A', 'T'));
    expect(b.kind).toBe('no-path');
    if (b.kind !== 'no-path') return;
    expect([...b.deadEnds].sort()).toEqual(['M', 'Q']);
    expect(b.unknownReferences).toEqual([{ entryId: 'M', requires: 'V' }, { entryId: 'Q', requires: 'W' }]);
    const msg = (planUpgrade(repo, 'A', 'T') as { error: Error }).error.message;
    expect(msg).toMatch(/T requires one of \[M, Q\]/);
    expect(msg).toMatch(/Q->W/);
  });

  it('MP231: refuses to plan between different device models', () => {
    const repo = repoOf(entry('A', []), entry('G', [], { model: 'E2' }));
    const b = blockOf(planUpgrade(repo, 'A', 'G'));
    expect(b.kind).toBe('different-model');
    expect((planUpgrade(repo, 'A', 'G') as { error: Error }).error.message).toMatch(/ESME\/ACME\/E2.*different device model.*ESME\/ACME\/E1/);
  });

  it('MP231: never routes through an entry of another model, and says so', () => {
    const repo = repoOf(entry('A', []), entry('X', ['A'], { model: 'OTHER' }), entry('T', ['X']));
    const b = blockOf(planUpgrade(repo, 'A', 'T'));
    expect(b).toMatchObject({ kind: 'no-path', crossModelReferences: [{ entryId: 'T', requires: 'X' }] });
  });

  it('MP231: refuses unknown current or target entries', () => {
    const repo = repoOf(entry('A', []));
    expect(blockOf(planUpgrade(repo, 'NOPE', 'A'))).toMatchObject({ kind: 'unknown-entry', role: 'current' });
    expect(blockOf(planUpgrade(repo, 'A', 'NOPE'))).toMatchObject({ kind: 'unknown-entry', role: 'target' });
  });

  it('MP231: on 10,000 entries, plans agree with an independent shortest-path oracle', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const entries: FirmwareEntry[] = [];
    for (let i = 0; i < 10_000; i++) {
      const path: string[] = [];
      // Each release may go over 1-3 of the previous 20 releases (DAG by construction).
      const k = i === 0 ? 0 : 1 + Math.floor(rnd() * 3);
      for (let j = 0; j < k; j++) path.push(`R${Math.max(0, i - 1 - Math.floor(rnd() * 20))}`);
      entries.push(entry(`R${i}`, path));
    }
    const repo = new FirmwareRepository(entries);
    for (const [from, to] of [[0, 9999], [1234, 8765], [5000, 5001], [9000, 9999]]) {
      const p = planUpgrade(repo, `R${from}`, `R${to}`);
      const o = oraclePlan(entries, `R${from}`, `R${to}`);
      if (o === undefined) {
        expect(p.ok).toBe(false);
        continue;
      }
      expect(ids(p)).toHaveLength(o.length);
      expect(p.ok && p.warnings.length > 0).toBe(o.unrecorded);
      let cur = `R${from}`;
      for (const s of ids(p)) {
        expect(checkUpgrade(repo, cur, s).ok).toBe(true);
        cur = s;
      }
      expect(cur).toBe(`R${to}`);
    }
  });

  it('MP231: on random graphs (with cycles and dead ends), plans are valid and shortest or refused for a stated reason', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let g = 0; g < 40; g++) {
      const n = 30;
      const entries = Array.from({ length: n }, (_, i) =>
        entry(`N${i}`, Array.from({ length: Math.floor(rnd() * 3) }, () => `N${Math.floor(rnd() * (n + 2))}`)),
      );
      const repo = new FirmwareRepository(entries);
      for (let t = 0; t < 10; t++) {
        const from = `N${Math.floor(rnd() * n)}`;
        const to = `N${Math.floor(rnd() * n)}`;
        const p = planUpgrade(repo, from, to);
        const o = from === to ? { length: 0, unrecorded: false } : oraclePlan(entries, from, to);
        const d = o?.length;
        if (p.ok) {
          expect(p.steps).toHaveLength(d!);
          expect(p.warnings.length > 0).toBe(o!.unrecorded);
          let cur = from;
          for (const s of p.steps) (expect(checkUpgrade(repo, cur, s).ok).toBe(true), (cur = s.entryId));
        } else if (p.error.block.kind === 'no-path') {
          expect(d).toBeUndefined();
        } else {
          expect(p.error.block.kind).toBe('cycle');
          expect(d).toBeDefined();
          const cyc = (p.error.block as unknown as { cycle: string[] }).cycle;
          expect(cyc[0]).toBe(cyc[cyc.length - 1]);
          // Each link of the reported cycle is a real upgrade-path requirement.
          for (let i = 0; i + 1 < cyc.length; i++) expect(repo.get(cyc[i + 1]!)!.upgradePath).toContain(cyc[i]);
        }
      }
    }
  });
});

describe('MP231 empty upgrade path and the reading of several ids', () => {
  it('MP231: an empty upgrade path means nothing is recorded: plan over it with a warning instead of refusing', () => {
    // T has no recorded path; no recorded route from A exists.
    const repo = repoOf(entry('A', []), entry('T', []));
    const p = planUpgrade(repo, 'A', 'T');
    expect(ids(p)).toEqual(['T']);
    expect(p.ok && p.warnings.map((w) => [w.kind, w.entry.entryId])).toEqual([['unrecorded-upgrade-path', 'T']]);
  });

  it('MP231: a recorded route is preferred to a shorter one over an unrecorded path', () => {
    // Recorded A -> B -> C -> T; M has nothing recorded and T may go over M.
    const repo = repoOf(entry('A', []), entry('B', ['A']), entry('C', ['B']), entry('M', []), entry('T', ['C', 'M']));
    const p = planUpgrade(repo, 'A', 'T');
    expect(ids(p)).toEqual(['B', 'C', 'T']);
    expect(p.ok && p.warnings).toEqual([]);
    // Without the recorded link the plan goes over M, and says so.
    repo.amend('B', { upgradePath: ['Z'] }, who);
    const q = planUpgrade(repo, 'A', 'T');
    expect(ids(q)).toEqual(['M', 'T']);
    expect(q.ok && q.warnings[0]!.entry.entryId).toBe('M');
  });

  it('MP231: reading defaults to alternatives: any one listed id qualifies', () => {
    const repo = repoOf(entry('A', []), entry('B', ['A']), entry('T', ['A', 'B']));
    expect(ids(planUpgrade(repo, 'A', 'T'))).toEqual(['T']);
    expect(ids(planUpgrade(repo, 'A', 'T', { reading: 'alternatives' }))).toEqual(['T']);
    expect(checkUpgrade(repo, 'A', 'T').ok).toBe(true);
  });

  it('MP231: reading sequence: the listed ids are applied in order before the entry', () => {
    const repo = repoOf(entry('A', []), entry('B', ['A']), entry('C', ['B']), entry('T', ['A', 'B', 'C']));
    const seq = { reading: 'sequence' } as const;
    expect(ids(planUpgrade(repo, 'A', 'T', seq))).toEqual(['B', 'C', 'T']);
    expect(ids(planUpgrade(repo, 'B', 'T', seq))).toEqual(['C', 'T']);
    expect(ids(planUpgrade(repo, 'C', 'T', seq))).toEqual(['T']);
    // One step: only the last id of the sequence qualifies.
    expect(checkUpgrade(repo, 'C', 'T', seq).ok).toBe(true);
    expect(blockOf(checkUpgrade(repo, 'A', 'T', seq))).toMatchObject({ kind: 'not-in-upgrade-path', reading: 'sequence' });
    expect((checkUpgrade(repo, 'A', 'T', seq) as { error: Error }).error.message).toMatch(/only be applied over C \(last of the sequence \[A, B, C\]\)/);
  });

  it('MP231: reading sequence: a device on none of the ids first reaches the first one over its own path', () => {
    // Z -> A (A requires Z), T's sequence is [A, B].
    const repo = repoOf(entry('Z', []), entry('A', ['Z']), entry('B', ['A']), entry('T', ['A', 'B']));
    const p = planUpgrade(repo, 'Z', 'T', { reading: 'sequence' });
    expect(ids(p)).toEqual(['A', 'B', 'T']);
    expect(p.ok && p.warnings).toEqual([]);
    let cur = 'Z';
    for (const s of ids(p)) (expect(checkUpgrade(repo, cur, s, { reading: 'sequence' }).ok).toBe(true), (cur = s));
  });

  it('MP231: reading sequence: an unrecorded first entry is planned with a warning; loops and unknown ids are refused', () => {
    const seq = { reading: 'sequence' } as const;
    const repo = repoOf(entry('X', []), entry('A', []), entry('T', ['A']));
    const p = planUpgrade(repo, 'X', 'T', seq);
    expect(ids(p)).toEqual(['A', 'T']);
    expect(p.ok && p.warnings[0]!.entry.entryId).toBe('A');
    const loop = repoOf(entry('X', []), entry('A', ['B']), entry('B', ['A']), entry('T', ['A']));
    expect(blockOf(planUpgrade(loop, 'X', 'T', seq)).kind).toBe('cycle');
    const unknown = repoOf(entry('X', []), entry('T', ['W', 'X']));
    expect(ids(planUpgrade(unknown, 'X', 'T', seq))).toEqual(['T']);
    expect(blockOf(planUpgrade(repoOf(entry('X', []), entry('T', ['W'])), 'X', 'T', seq))).toMatchObject({ kind: 'no-path', unknownReferences: [{ entryId: 'T', requires: 'W' }] });
  });

  it('MP231: an unknown reading is refused', () => {
    const repo = repoOf(entry('A', []), entry('T', ['A']));
    expect(() => planUpgrade(repo, 'A', 'T', { reading: 'both' as never })).toThrow(/reading must be/);
  });
});

describe('issue 10.9 lifecycle inputs', () => {
  const full = (i: number, over: Partial<FirmwareEntry> = {}) => entry(`E${i}`, i ? [`E${i - 1}`] : [], over);

  it('lifecycle inputs: upgrade-path de-duplication is linear (100,000 ids from CSV)', () => {
    // 100k distinct ids, each listed twice: a quadratic scan would take minutes.
    const idsList = Array.from({ length: 100_000 }, (_, i) => `P${i}`);
    const path = [...idsList, ...idsList].join(';');
    const csv = `entry_id,device_type,manufacturer,model,firmware_version,manufacturer_image_hash,upgrade_path\nT,ESME,ACME,E1,00000001,${hashOf('T')},${path}\n`;
    const t0 = performance.now();
    const repo = loadRepositoryCsv(csv);
    const ms = performance.now() - t0;
    expect(repo.get('T')!.upgradePath).toHaveLength(100_000);
    expect(repo.get('T')!.upgradePath[99_999]).toBe('P99999');
    // A generous bound that only a quadratic de-duplication (tens of seconds) misses.
    expect(ms).toBeLessThan(5000);
  });

  it('lifecycle inputs: any field round-trips through repositoryToCsv and back (#, quotes, commas, newlines)', () => {
    let seed = 99;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = ['#', '"', ',', '\n', '\r\n', ';', '|', "'", '=', '+', '-', '@', '\t', 'a', 'Z', '0', ' ', 'é', '漢'];
    const text = () => {
      let s = '';
      const n = 1 + Math.floor(rnd() * 12);
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      // Fields are trimmed when an entry is made; keep one visible character.
      return s.trim() === '' ? `x${s}x` : s;
    };
    for (let round = 0; round < 50; round++) {
      const entries = Array.from({ length: 6 }, (_, i) => full(i, { manufacturer: text(), model: text() }));
      const repo = new FirmwareRepository(entries);
      const back = loadRepositoryCsv(repositoryToCsv(repo));
      expect([...back.entries()]).toEqual([...repo.entries()]);
    }
    // The hostile cases spelled out.
    const edge = new FirmwareRepository([full(0, { manufacturer: '#not a comment', model: 'say "hi", then\nnew line', manufacturerCode: 0x121d, imageType: 0 }), full(1, { manufacturer: "'=already guarded", model: '#' })]);
    expect([...loadRepositoryCsv(repositoryToCsv(edge)).entries()]).toEqual([...edge.entries()]);
    expect(loadRepositoryCsv(repositoryToCsv(edge)).get('E0')).toMatchObject({ manufacturerCode: 0x121d, imageType: 0 });
  });

  it('lifecycle inputs: exported CSV is safe from spreadsheet formula injection (=, +, -, @)', () => {
    const repo = new FirmwareRepository([
      full(0, { manufacturer: '=HYPERLINK("http://x")', model: '+1+2' }),
      full(1, { manufacturer: '-2+3', model: '@SUM(A1)' }),
      full(2, { manufacturer: "'=x", model: 'plain' }),
    ]);
    const csv = repositoryToCsv(repo);
    const cells = csv
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .flatMap((l) => l.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '')));
    for (const c of cells) expect(c).not.toMatch(/^[=+\-@\t\r]/);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).toContain("'+1+2");
    expect(csv).toContain("''=x");
    expect([...loadRepositoryCsv(csv).entries()]).toEqual([...repo.entries()]);
  });

  it('lifecycle inputs: duplicate header columns are refused', () => {
    const row = `E1,ESME,ACME,E1,00000001,${hashOf('E1')}`;
    expect(() => loadRepositoryCsv(`entry_id,device_type,manufacturer,model,firmware_version,image_hash,manufacturer_image_hash\n${row},${hashOf('E2')}\n`)).toThrow(
      /\(manufacturerImageHash\): expected one column per field \("image_hash" and "manufacturer_image_hash" both name it\)/,
    );
    expect(() => loadRepositoryCsv(`entry_id,device_type,manufacturer,model,firmware_version,manufacturer_image_hash,Model\n${row},X\n`)).toThrow(/\(model\): expected one column per field/);
  });

  it('lifecycle inputs: error messages are capped in size', () => {
    const huge = 'x'.repeat(1_000_000);
    const cases: (() => unknown)[] = [
      () => loadRepositoryCsv(`entry_id,device_type,manufacturer,model,firmware_version,manufacturer_image_hash\nE1,ESME,ACME,E1,${huge},${hashOf('E1')}\n`),
      () => loadRepositoryCsv(`entry_id,${huge}\n`),
      () => loadRepositoryJson(JSON.stringify([{ ...full(0), entryId: huge }])),
      () => loadRepositoryJson(JSON.stringify([{ ...full(0), upgradePath: [huge] }])),
      () => loadRepositoryJson(`[${huge}`),
      () => new FirmwareRepository([full(0)]).amend('E0', { deviceType: huge as never }, who),
    ];
    for (const c of cases) {
      let err: unknown;
      try {
        c();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FirmwareRepositoryError);
      expect((err as Error).message.length).toBeLessThanOrEqual(1024);
    }
    // The offending value is quoted in part, with how much was left out.
    expect(() => cases[0]!()).toThrow(/more characters/);
  });
});
