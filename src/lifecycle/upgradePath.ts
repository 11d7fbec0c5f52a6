// Firmware Upgrade Paths (SEC change MP231): which images, in which order, take a device
// from the entry it runs to a target entry, and exactly which requirement blocks it when
// none can.
import type { FirmwareEntry, FirmwareRepository } from './repository.js';

/** Why a step or a plan is refused. Each variant names the blocking requirement. */
export type UpgradeBlock =
  | { readonly kind: 'unknown-entry'; readonly entryId: string; readonly role: 'current' | 'target' | 'next' }
  | {
      readonly kind: 'different-model';
      readonly current: FirmwareEntry;
      readonly target: FirmwareEntry;
    }
  | {
      /** One step whose upgrade path does not list the running entry. */
      readonly kind: 'not-in-upgrade-path';
      readonly current: FirmwareEntry;
      readonly next: FirmwareEntry;
    }
  | {
      readonly kind: 'no-path';
      readonly current: FirmwareEntry;
      readonly target: FirmwareEntry;
      /** Entries at which every chain back from the target stops without reaching `current`. */
      readonly deadEnds: readonly string[];
      /** Upgrade-path references (from the target's ancestry) to ids the repository lacks. */
      readonly unknownReferences: readonly { readonly entryId: string; readonly requires: string }[];
      /** References to entries of another device model, which a plan never follows. */
      readonly crossModelReferences: readonly { readonly entryId: string; readonly requires: string }[];
    }
  | {
      /** The upgrade paths between current and target loop, so their order is not defined. */
      readonly kind: 'cycle';
      readonly cycle: readonly string[];
    }
  | { readonly kind: 'same-entry'; readonly entry: FirmwareEntry };

export class FirmwareUpgradeError extends Error {
  override readonly name = 'FirmwareUpgradeError';
  readonly block: UpgradeBlock;
  constructor(block: UpgradeBlock) {
    super(describeBlock(block));
    this.block = block;
  }
}

const modelOf = (e: FirmwareEntry) => `${e.deviceType}/${e.manufacturer}/${e.model}`;
const label = (e: FirmwareEntry) => `${e.entryId} (${modelOf(e)} v${e.firmwareVersion})`;
const sameModel = (a: FirmwareEntry, b: FirmwareEntry) => a.deviceType === b.deviceType && a.manufacturer === b.manufacturer && a.model === b.model;

function describeBlock(b: UpgradeBlock): string {
  switch (b.kind) {
    case 'unknown-entry':
      return `${b.role} entry ${JSON.stringify(b.entryId)} is not in the Firmware Information Repository`;
    case 'different-model':
      return `${label(b.target)} is for a different device model than the running ${label(b.current)}`;
    case 'not-in-upgrade-path':
      return `${label(b.next)} may only be applied over ${b.next.upgradePath.length ? `one of [${b.next.upgradePath.join(', ')}]` : 'no earlier entry (empty upgrade path)'}; the device runs ${b.current.entryId}`;
    case 'same-entry':
      return `${label(b.entry)} is already the running entry`;
    case 'cycle':
      return `the upgrade paths form a cycle ${b.cycle.join(' -> ')}: their order is undefined until an entry is corrected`;
    case 'no-path': {
      let s = `no upgrade path from ${label(b.current)} to ${label(b.target)}: ${b.target.entryId} requires one of [${b.target.upgradePath.join(', ')}]`;
      s += `; every chain back from it stops at [${b.deadEnds.join(', ')}]`;
      if (b.unknownReferences.length) s += `; unknown entries referenced: ${b.unknownReferences.map((r) => `${r.entryId}->${r.requires}`).join(', ')}`;
      if (b.crossModelReferences.length) s += `; references to another model ignored: ${b.crossModelReferences.map((r) => `${r.entryId}->${r.requires}`).join(', ')}`;
      return s;
    }
  }
}

export type UpgradeCheck = { readonly ok: true; readonly current: FirmwareEntry; readonly next: FirmwareEntry } | { readonly ok: false; readonly error: FirmwareUpgradeError };

export type UpgradePlan =
  | {
      readonly ok: true;
      readonly current: FirmwareEntry;
      readonly target: FirmwareEntry;
      /** Images to apply in order; the last is the target. Empty when already on target. */
      readonly steps: readonly FirmwareEntry[];
    }
  | { readonly ok: false; readonly error: FirmwareUpgradeError };

const fail = (block: UpgradeBlock) => ({ ok: false as const, error: new FirmwareUpgradeError(block) });
const resolve = (repo: FirmwareRepository, e: string | FirmwareEntry) => (typeof e === 'string' ? repo.get(e) : repo.get(e.entryId));

/**
 * Validates one step: `next` may be applied to a device running `current` only when both
 * are in the repository, they are the same device model, and `current` is listed in
 * `next`'s Firmware Upgrade Path.
 */
export function checkUpgrade(repo: FirmwareRepository, current: string | FirmwareEntry, next: string | FirmwareEntry): UpgradeCheck {
  const c = resolve(repo, current);
  if (!c) return fail({ kind: 'unknown-entry', entryId: typeof current === 'string' ? current : current.entryId, role: 'current' });
  const n = resolve(repo, next);
  if (!n) return fail({ kind: 'unknown-entry', entryId: typeof next === 'string' ? next : next.entryId, role: 'next' });
  if (!sameModel(c, n)) return fail({ kind: 'different-model', current: c, target: n });
  if (c.entryId === n.entryId) return fail({ kind: 'same-entry', entry: c });
  if (!n.upgradePath.includes(c.entryId)) return fail({ kind: 'not-in-upgrade-path', current: c, next: n });
  return { ok: true, current: c, next: n };
}

/**
 * Shortest ordered sequence of images taking a device from `currentId` to `targetId`.
 *
 * Works backwards from the target over upgrade paths (same model only), so the cost is
 * bounded by the target's ancestry, not the repository size. Ties between equally short
 * plans go to the requirement listed first in an upgrade path.
 *
 * Decision: upgrade paths are meant to form a DAG (an image can only require images
 * released before it). A cycle among the entries that lie on some route from current to
 * target makes the order of those entries undefined, so the plan is refused with the
 * cycle named, even when a shortest route avoids it; cycles elsewhere in the data do not
 * affect this plan.
 */
export function planUpgrade(repo: FirmwareRepository, currentId: string, targetId: string): UpgradePlan {
  const current = repo.get(currentId);
  if (!current) return fail({ kind: 'unknown-entry', entryId: currentId, role: 'current' });
  const target = repo.get(targetId);
  if (!target) return fail({ kind: 'unknown-entry', entryId: targetId, role: 'target' });
  if (!sameModel(current, target)) return fail({ kind: 'different-model', current, target });
  if (current.entryId === target.entryId) return { ok: true, current, target, steps: [] };

  // Backward BFS: `toward.get(x)` is the entry x leads to on a shortest route to target.
  const toward = new Map<string, string | null>([[target.entryId, null]]);
  const order: FirmwareEntry[] = [target];
  const unknownReferences: { entryId: string; requires: string }[] = [];
  const crossModelReferences: { entryId: string; requires: string }[] = [];
  const deadEnds: string[] = [];
  for (let i = 0; i < order.length; i++) {
    const x = order[i]!;
    let usable = 0;
    for (const pid of x.upgradePath) {
      const p = repo.get(pid);
      if (!p) {
        unknownReferences.push({ entryId: x.entryId, requires: pid });
        continue;
      }
      if (!sameModel(p, target)) {
        crossModelReferences.push({ entryId: x.entryId, requires: pid });
        continue;
      }
      usable++;
      if (!toward.has(pid)) {
        toward.set(pid, x.entryId);
        order.push(p);
      }
    }
    if (usable === 0) deadEnds.push(x.entryId);
  }
  if (!toward.has(current.entryId)) {
    return fail({ kind: 'no-path', current, target, deadEnds, unknownReferences, crossModelReferences });
  }

  const cycle = cycleBetween(repo, current.entryId, toward);
  if (cycle) return fail({ kind: 'cycle', cycle });

  const steps: FirmwareEntry[] = [];
  for (let id = toward.get(current.entryId); id != null; id = toward.get(id)) steps.push(repo.get(id)!);
  return { ok: true, current, target, steps };
}

/**
 * Finds a cycle among the target's ancestors that are reachable from `start` (i.e. on
 * some route start -> target). Iterative DFS over forward edges restricted to that set.
 */
function cycleBetween(repo: FirmwareRepository, start: string, ancestors: Map<string, string | null>): string[] | undefined {
  // Forward edges inside the ancestry: p -> x when p is in x's upgrade path.
  const forward = new Map<string, string[]>();
  for (const x of ancestors.keys()) {
    for (const p of repo.get(x)!.upgradePath) {
      if (!ancestors.has(p)) continue;
      const list = forward.get(p);
      if (list) list.push(x);
      else forward.set(p, [x]);
    }
  }
  const state = new Map<string, 1 | 2>(); // 1 on stack, 2 done
  const stack: { id: string; next: number }[] = [{ id: start, next: 0 }];
  state.set(start, 1);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const out = forward.get(top.id) ?? [];
    if (top.next >= out.length) {
      state.set(top.id, 2);
      stack.pop();
      continue;
    }
    const n = out[top.next++]!;
    const s = state.get(n);
    if (s === 1) {
      const from = stack.findIndex((f) => f.id === n);
      return [...stack.slice(from).map((f) => f.id), n];
    }
    if (s === undefined) {
      state.set(n, 1);
      stack.push({ id: n, next: 0 });
    }
  }
  return undefined;
}
