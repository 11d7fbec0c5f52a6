// Firmware Upgrade Paths (SEC change MP231): which images, in which order, take a device
// from the entry it runs to a target entry, and exactly which requirement blocks it when
// none can.
//
// Decision (MP231: entries were filled in on a best-endeavours basis): an EMPTY Firmware
// Upgrade Path means "nothing recorded", not "nothing qualifies". A step onto such an entry
// is allowed with an 'unrecorded-upgrade-path' warning. A plan made only of recorded
// upgrade paths is always preferred; only when none exists is the shortest route that
// starts over an entry with an unrecorded path planned, with the warning.
//
// Decision (UNCONFIRMED: the seed does not say whether several ids in one upgrade path are
// alternatives or an ordered sequence): both readings are supported, chosen by the
// `reading` option, default 'alternatives'.
//  - 'alternatives': [A, B] = the device must run A or B before this entry is applied.
//  - 'sequence': [A, B] = A then B must be applied, in that order, before this entry: a
//    device running A applies B then this entry; one running B applies this entry; one
//    running neither first reaches A (over A's own upgrade path), then B, then this entry.
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
      readonly reading?: UpgradePathReading;
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

/** Thrown when an upgrade from one firmware to another is not permitted; `block` says why. */
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
      return `${label(b.next)} may only be applied over ${b.reading === 'sequence' ? `${b.next.upgradePath[b.next.upgradePath.length - 1]} (last of the sequence [${b.next.upgradePath.join(', ')}])` : `one of [${b.next.upgradePath.join(', ')}]`}; the device runs ${b.current.entryId}`;
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

/** How the ids of one upgrade path are read (see the file header). Default 'alternatives'. */
export type UpgradePathReading = 'alternatives' | 'sequence';

/** How upgrade-path entries in the repository are read. */
export interface UpgradeOptions {
  /** 'alternatives' (default): any one listed id qualifies; 'sequence': the ids are applied in order. */
  readonly reading?: UpgradePathReading;
}

/** A step that is planned, but on weaker grounds than a recorded upgrade path. */
export interface UpgradeWarning {
  /** 'unrecorded-upgrade-path': the entry's upgrade path is empty (nothing recorded, MP231). */
  readonly kind: 'unrecorded-upgrade-path';
  readonly entry: FirmwareEntry;
  readonly message: string;
}

const unrecorded = (e: FirmwareEntry, over: FirmwareEntry): UpgradeWarning => ({
  kind: 'unrecorded-upgrade-path',
  entry: e,
  message: `${label(e)} has no recorded upgrade path (MP231: entries are filled on a best-endeavours basis): applying it over ${over.entryId} is not confirmed by the repository`,
});

/** Result of checking one upgrade step: the entries and warnings, or the error. */
export type UpgradeCheck =
  | { readonly ok: true; readonly current: FirmwareEntry; readonly next: FirmwareEntry; readonly warnings: readonly UpgradeWarning[] }
  | { readonly ok: false; readonly error: FirmwareUpgradeError };

/** Result of planning an upgrade: the ordered steps, or the error. */
export type UpgradePlan =
  | {
      readonly ok: true;
      readonly current: FirmwareEntry;
      readonly target: FirmwareEntry;
      /** Images to apply in order; the last is the target. Empty when already on target. */
      readonly steps: readonly FirmwareEntry[];
      /** Steps planned over an unrecorded (empty) upgrade path; empty when every step is recorded. */
      readonly warnings: readonly UpgradeWarning[];
    }
  | { readonly ok: false; readonly error: FirmwareUpgradeError };

const fail = (block: UpgradeBlock) => ({ ok: false as const, error: new FirmwareUpgradeError(block) });
const resolve = (repo: FirmwareRepository, e: string | FirmwareEntry) => (typeof e === 'string' ? repo.get(e) : repo.get(e.entryId));

/**
 * Validates one step: `next` may be applied to a device running `current` only when both
 * are in the repository, they are the same device model, and `current` is listed in
 * `next`'s Firmware Upgrade Path (reading 'sequence': is its last id). An empty upgrade
 * path records nothing: the step is allowed with an 'unrecorded-upgrade-path' warning.
 */
export function checkUpgrade(repo: FirmwareRepository, current: string | FirmwareEntry, next: string | FirmwareEntry, options: UpgradeOptions = {}): UpgradeCheck {
  const reading = readingOf(options);
  const c = resolve(repo, current);
  if (!c) return fail({ kind: 'unknown-entry', entryId: typeof current === 'string' ? current : current.entryId, role: 'current' });
  const n = resolve(repo, next);
  if (!n) return fail({ kind: 'unknown-entry', entryId: typeof next === 'string' ? next : next.entryId, role: 'next' });
  if (!sameModel(c, n)) return fail({ kind: 'different-model', current: c, target: n });
  if (c.entryId === n.entryId) return fail({ kind: 'same-entry', entry: c });
  if (n.upgradePath.length === 0) return { ok: true, current: c, next: n, warnings: [unrecorded(n, c)] };
  const listed = reading === 'sequence' ? n.upgradePath[n.upgradePath.length - 1] === c.entryId : n.upgradePath.includes(c.entryId);
  if (!listed) return fail({ kind: 'not-in-upgrade-path', current: c, next: n, reading });
  return { ok: true, current: c, next: n, warnings: [] };
}

function readingOf(options: UpgradeOptions): UpgradePathReading {
  const r = options.reading ?? 'alternatives';
  if (r !== 'alternatives' && r !== 'sequence') throw new TypeError(`reading must be 'alternatives' or 'sequence', got ${JSON.stringify(r)}`);
  return r;
}

/**
 * Shortest ordered sequence of images taking a device from `currentId` to `targetId`.
 *
 * Works backwards from the target over upgrade paths (same model only), so the cost is
 * bounded by the target's ancestry, not the repository size. Ties between equally short
 * plans go to the requirement listed first in an upgrade path. A route made only of
 * recorded upgrade paths is preferred; when there is none, the shortest route starting
 * over an entry whose upgrade path is empty (nothing recorded) is planned with a warning.
 * `options.reading` selects how several ids of one path are read (file header).
 *
 * Decision: upgrade paths are meant to form a DAG (an image can only require images
 * released before it). A cycle among the entries that lie on some route from current to
 * target makes the order of those entries undefined, so the plan is refused with the
 * cycle named, even when a shortest route avoids it; cycles elsewhere in the data do not
 * affect this plan.
 */
export function planUpgrade(repo: FirmwareRepository, currentId: string, targetId: string, options: UpgradeOptions = {}): UpgradePlan {
  const reading = readingOf(options);
  const current = repo.get(currentId);
  if (!current) return fail({ kind: 'unknown-entry', entryId: currentId, role: 'current' });
  const target = repo.get(targetId);
  if (!target) return fail({ kind: 'unknown-entry', entryId: targetId, role: 'target' });
  if (!sameModel(current, target)) return fail({ kind: 'different-model', current, target });
  if (current.entryId === target.entryId) return { ok: true, current, target, steps: [], warnings: [] };
  return reading === 'sequence' ? planSequence(repo, current, target) : planAlternatives(repo, current, target);
}

function planAlternatives(repo: FirmwareRepository, current: FirmwareEntry, target: FirmwareEntry): UpgradePlan {
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
    if (usable === 0 && x.upgradePath.length > 0) deadEnds.push(x.entryId);
  }
  const warnings: UpgradeWarning[] = [];
  let start = current.entryId;
  let first: string | undefined;
  if (toward.has(current.entryId)) first = toward.get(current.entryId)!;
  else {
    // No recorded route: the nearest (BFS order) entry with nothing recorded is applied over current.
    const w = order.find((e) => e.upgradePath.length === 0 && e.entryId !== current.entryId);
    if (!w) return fail({ kind: 'no-path', current, target, deadEnds, unknownReferences, crossModelReferences });
    warnings.push(unrecorded(w, current));
    start = w.entryId;
    first = w.entryId;
  }

  const cycle = cycleBetween(repo, start, toward);
  if (cycle) return fail({ kind: 'cycle', cycle });

  const steps: FirmwareEntry[] = [];
  for (let id: string | null | undefined = first; id != null; id = toward.get(id)) steps.push(repo.get(id)!);
  return { ok: true, current, target, steps, warnings };
}

/**
 * Reading 'sequence': walks back from the target; each entry's path is the ordered list
 * applied before it. Linear in the entries visited; a repeated entry is a cycle.
 */
function planSequence(repo: FirmwareRepository, current: FirmwareEntry, target: FirmwareEntry): UpgradePlan {
  // Built backwards: reversed at the end.
  const back: FirmwareEntry[] = [];
  const seen = new Set<string>();
  const warnings: UpgradeWarning[] = [];
  const unknownReferences: { entryId: string; requires: string }[] = [];
  const crossModelReferences: { entryId: string; requires: string }[] = [];
  let x = target;
  for (;;) {
    if (seen.has(x.entryId)) {
      const ids = back.map((e) => e.entryId);
      return fail({ kind: 'cycle', cycle: [...ids.slice(ids.indexOf(x.entryId)), x.entryId] });
    }
    seen.add(x.entryId);
    back.push(x);
    const path = x.upgradePath;
    if (path.length === 0) {
      warnings.push(unrecorded(x, current));
      break;
    }
    const at = path.lastIndexOf(current.entryId);
    const entries: FirmwareEntry[] = [];
    for (let i = path.length - 1; i >= (at < 0 ? 0 : at + 1); i--) {
      const p = repo.get(path[i]!);
      if (!p) unknownReferences.push({ entryId: x.entryId, requires: path[i]! });
      else if (!sameModel(p, target)) crossModelReferences.push({ entryId: x.entryId, requires: path[i]! });
      else entries.push(p);
    }
    if (unknownReferences.length || crossModelReferences.length) {
      return fail({ kind: 'no-path', current, target, deadEnds: [x.entryId], unknownReferences, crossModelReferences });
    }
    if (at >= 0) {
      for (const e of entries) {
        if (seen.has(e.entryId)) return fail({ kind: 'cycle', cycle: [e.entryId, x.entryId, e.entryId] });
        seen.add(e.entryId);
        back.push(e);
      }
      break;
    }
    // Current is not in the sequence: everything listed is applied, after reaching its first id.
    const firstOfSequence = entries.pop()!;
    for (const e of entries) {
      if (seen.has(e.entryId)) return fail({ kind: 'cycle', cycle: [e.entryId, x.entryId, e.entryId] });
      seen.add(e.entryId);
      back.push(e);
    }
    if (firstOfSequence.entryId === current.entryId) break;
    x = firstOfSequence;
  }
  return { ok: true, current, target, steps: back.reverse(), warnings };
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
