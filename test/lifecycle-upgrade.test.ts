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
    repo.amend('C', { upgradePath: [] }, { ...who, why: 'C installs only on new devices' });
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
    const b = blockOf(checkUpgrade(repo, 'B', 'A'));
    expect(b.kind).toBe('not-in-upgrade-path');
    expect(String((checkUpgrade(repo, 'B', 'A') as { error: Error }).error.message)).toMatch(/A .* may only be applied over no earlier entry/);
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
    // T requires M or Q; M requires nothing; Q requires a withdrawn entry W.
    const repo = repoOf(entry('A', []), entry('M', []), entry('Q', ['W']), entry('T', ['M', 'Q']));
    const b = blockOf(planUpgrade(repo, 'A', 'T'));
    expect(b.kind).toBe('no-path');
    if (b.kind !== 'no-path') return;
    expect(b.deadEnds.sort()).toEqual(['M', 'Q']);
    expect(b.unknownReferences).toEqual([{ entryId: 'Q', requires: 'W' }]);
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
      const d = oracleDistance(entries, `R${from}`, `R${to}`);
      if (d === undefined) {
        expect(p.ok).toBe(false);
        continue;
      }
      expect(ids(p)).toHaveLength(d);
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
        const d = from === to ? 0 : oracleDistance(entries, from, to);
        if (p.ok) {
          expect(p.steps).toHaveLength(d!);
          let cur = from;
          for (const s of p.steps) (expect(checkUpgrade(repo, cur, s).ok).toBe(true), (cur = s.entryId));
        } else if (p.error.block.kind === 'no-path') {
          expect(d).toBeUndefined();
        } else {
          expect(p.error.block.kind).toBe('cycle');
          expect(d).toBeDefined();
          const cyc = (p.error.block as { cycle: string[] }).cycle;
          expect(cyc[0]).toBe(cyc[cyc.length - 1]);
          // Each link of the reported cycle is a real upgrade-path requirement.
          for (let i = 0; i + 1 < cyc.length; i++) expect(repo.get(cyc[i + 1]!)!.upgradePath).toContain(cyc[i]);
        }
      }
    }
  });
});
