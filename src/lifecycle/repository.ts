// Firmware Information Repository (SEC change MP231): the product entries a supplier
// plans firmware upgrades against, loaded from JSON or CSV, with every later correction
// recorded (who, when, why) because the administrator amends entries after the fact.
import { parse as parseCsv } from 'csv-parse/sync';

/** Device types that carry firmware listed in the repository. */
export const DEVICE_TYPES = ['ESME', 'GSME', 'CHF', 'GPF', 'PPMID', 'HCALCS', 'SAPC'] as const;
/** A smart-metering device type. */
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** One product entry of the Firmware Information Repository. */
export interface FirmwareEntry {
  /** Stable identifier of the entry; upgrade paths refer to entries by it. */
  readonly entryId: string;
  readonly deviceType: DeviceType;
  readonly manufacturer: string;
  /** Device model identifier; upgrades never cross models. */
  readonly model: string;
  /** The 4-byte firmware version devices report (SR 11.2), as 8 lower-case hex digits. */
  readonly firmwareVersion: string;
  /** SHA-256 of the Manufacturer Image (GBCS.md 5.2), 64 lower-case hex digits. */
  readonly manufacturerImageHash: string;
  /**
   * 'Firmware Upgrade Path': entry ids of which one must be the running version before
   * this entry may be applied. Empty means no earlier entry qualifies (a chain start).
   */
  readonly upgradePath: readonly string[];
  /**
   * ZigBee manufacturer code and image type of the entry's OTA images (GBCS.md 5.2 header),
   * when recorded. `ota verify --repo` checks an image header against them: the header is
   * outside the Supplier's signature, so only the repository can vouch for it.
   */
  readonly manufacturerCode?: number;
  readonly imageType?: number;
}

/** Who made a change and why; `when` defaults to the time of the call. */
export interface EditAuthor {
  readonly who: string;
  readonly why: string;
  readonly when?: Date | string;
}

/** Kind of change recorded in the repository audit log. */
export type AuditAction = 'load' | 'add' | 'amend' | 'withdraw';

/** One recorded change. `before`/`after` are the whole entry (absent for add/withdraw). */
export interface AuditRecord {
  readonly seq: number;
  readonly action: AuditAction;
  readonly entryId?: string;
  readonly who: string;
  /** ISO-8601 UTC. */
  readonly when: string;
  readonly why: string;
  readonly before?: FirmwareEntry;
  readonly after?: FirmwareEntry;
}

/** A repository file (or edit) that does not fit the model. */
export class FirmwareRepositoryError extends Error {
  override readonly name = 'FirmwareRepositoryError';
  /** Where: 'csv line 4', 'json /entries/2/firmwareVersion', 'amend E12'. */
  readonly where: string;
  readonly field?: string;
  readonly expected: string;
  constructor(where: string, expected: string, field?: string, detail?: string) {
    super(capMessage(`${cap(where, 160)}${field ? ` (${field})` : ''}: expected ${cap(expected, 400)}${detail ? ` (${cap(detail, 200)})` : ''}`));
    this.where = cap(where, 160);
    this.expected = expected;
    this.field = field;
  }
}

/** Longest error message (characters): hostile input must not make an error message grow with it. */
export const MAX_ERROR_MESSAGE_LENGTH = 1024;

/** `text` cut to `max` characters, saying how many were left out. */
function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
const capMessage = (m: string) => (m.length <= MAX_ERROR_MESSAGE_LENGTH ? m : `${m.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1)}…`);

const ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const HEX8 = /^[0-9a-fA-F]{8}$/;
const HEX64 = /^[0-9a-fA-F]{64}$/;

type Raw = Record<string, unknown>;

/** Validates and normalises one entry; never keeps a reference to the caller's object. */
function normaliseEntry(raw: unknown, where: string): FirmwareEntry {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new FirmwareRepositoryError(where, 'an object');
  const r = raw as Raw;
  const str = (field: string): string => {
    const v = r[field];
    if (typeof v !== 'string' || v.trim() === '') throw new FirmwareRepositoryError(where, 'a non-empty string', field, `got ${JSON.stringify(v)}`);
    return v.trim();
  };
  const entryId = str('entryId');
  if (!ID.test(entryId)) throw new FirmwareRepositoryError(where, 'an entry id of letters, digits and . _ : / -', 'entryId', `got ${JSON.stringify(entryId)}`);
  const deviceType = str('deviceType').toUpperCase();
  if (!(DEVICE_TYPES as readonly string[]).includes(deviceType)) {
    throw new FirmwareRepositoryError(where, `a device type (${DEVICE_TYPES.join(', ')})`, 'deviceType', `got ${JSON.stringify(deviceType)}`);
  }
  const version = str('firmwareVersion').replace(/^0x/i, '');
  if (!HEX8.test(version)) throw new FirmwareRepositoryError(where, '8 hex digits (the 4-byte version a device reports)', 'firmwareVersion', `got ${JSON.stringify(version)}`);
  const hash = str('manufacturerImageHash');
  if (!HEX64.test(hash)) throw new FirmwareRepositoryError(where, '64 hex digits (SHA-256 of the Manufacturer Image)', 'manufacturerImageHash');
  const p = r.upgradePath ?? [];
  if (!Array.isArray(p)) throw new FirmwareRepositoryError(where, 'an array of entry ids', 'upgradePath');
  // De-duplicated in one pass (a Set, not a scan per id): linear in the path length.
  const seen = new Set<string>();
  for (const id of p) {
    if (typeof id !== 'string' || !ID.test(id.trim())) throw new FirmwareRepositoryError(where, 'entry ids', 'upgradePath', `got ${JSON.stringify(id)}`);
    seen.add(id.trim());
  }
  const path = [...seen];
  const u16 = (field: 'manufacturerCode' | 'imageType'): number | undefined => {
    const v = r[field];
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*(0x[0-9a-f]{1,4}|\d{1,5})\s*$/i.test(v) ? Number(v.trim()) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new FirmwareRepositoryError(where, 'a 16-bit ZigBee code (number, or 0x-prefixed hex)', field, `got ${JSON.stringify(v)}`);
    return n;
  };
  const manufacturerCode = u16('manufacturerCode');
  const imageType = u16('imageType');
  return Object.freeze({
    entryId,
    deviceType: deviceType as DeviceType,
    manufacturer: str('manufacturer'),
    model: str('model'),
    firmwareVersion: version.toLowerCase(),
    manufacturerImageHash: hash.toLowerCase(),
    upgradePath: Object.freeze(path),
    ...(manufacturerCode !== undefined && { manufacturerCode }),
    ...(imageType !== undefined && { imageType }),
  });
}

function isoWhen(when: Date | string | undefined, where: string): string {
  const d = when === undefined ? new Date() : new Date(when);
  if (Number.isNaN(d.getTime())) throw new FirmwareRepositoryError(where, 'a valid date', 'when', `got ${JSON.stringify(when)}`);
  return d.toISOString();
}

function checkAuthor(a: EditAuthor, where: string): { who: string; why: string; when: string } {
  if (typeof a?.who !== 'string' || a.who.trim() === '') throw new FirmwareRepositoryError(where, 'who made the change', 'who');
  if (typeof a.why !== 'string' || a.why.trim() === '') throw new FirmwareRepositoryError(where, 'why the change was made', 'why');
  return { who: a.who.trim(), why: a.why.trim(), when: isoWhen(a.when, where) };
}

/** Fields an amendment may change (the entry id is the identity and cannot change). */
export type EntryChanges = Partial<Omit<FirmwareEntry, 'entryId'>>;

/**
 * The Firmware Information Repository. Entries are frozen; every change goes through
 * `add`/`amend`/`withdraw`, which require an author and a reason and are kept in `audit`.
 */
export class FirmwareRepository {
  readonly #entries = new Map<string, FirmwareEntry>();
  readonly #audit: AuditRecord[] = [];
  #byHash?: Map<string, FirmwareEntry[]>;

  /** Builds a repository from entries (validated and copied). */
  constructor(entries: Iterable<unknown> = [], loaded?: EditAuthor) {
    let i = 0;
    for (const raw of entries) {
      const e = normaliseEntry(raw, `entry ${i++}`);
      if (this.#entries.has(e.entryId)) throw new FirmwareRepositoryError(`entry ${i - 1}`, 'a unique entry id', 'entryId', `${e.entryId} appears twice`);
      this.#entries.set(e.entryId, e);
    }
    if (loaded) this.#record('load', undefined, checkAuthor(loaded, 'load'));
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The entry with this id, if any. */
  get(entryId: string): FirmwareEntry | undefined {
    return this.#entries.get(entryId);
  }

  /** True when an entry with this id exists. */
  has(entryId: string): boolean {
    return this.#entries.has(entryId);
  }

  /** Every entry. */
  entries(): IterableIterator<FirmwareEntry> {
    return this.#entries.values();
  }

  /** Entries whose Manufacturer Image hash is `hash` (hex, any case). */
  byHash(hash: string): readonly FirmwareEntry[] {
    if (!this.#byHash) {
      this.#byHash = new Map();
      for (const e of this.#entries.values()) {
        const list = this.#byHash.get(e.manufacturerImageHash);
        if (list) list.push(e);
        else this.#byHash.set(e.manufacturerImageHash, [e]);
      }
    }
    return this.#byHash.get(hash.toLowerCase()) ?? [];
  }

  /** The change log, oldest first. */
  get audit(): readonly AuditRecord[] {
    return this.#audit.slice();
  }

  /** Changes that touched one entry, oldest first. */
  history(entryId: string): readonly AuditRecord[] {
    return this.#audit.filter((r) => r.entryId === entryId);
  }

  /** Adds a new entry and records it in the audit log; returns the stored entry. */
  add(entry: FirmwareEntry | Raw, author: EditAuthor): FirmwareEntry {
    const where = `add ${(entry as Raw)?.entryId ?? '?'}`;
    const a = checkAuthor(author, where);
    const e = normaliseEntry(entry, where);
    if (this.#entries.has(e.entryId)) throw new FirmwareRepositoryError(where, 'a new entry id', 'entryId', `${e.entryId} already exists`);
    this.#entries.set(e.entryId, e);
    this.#byHash = undefined;
    this.#record('add', e.entryId, a, undefined, e);
    return e;
  }

  /** Changes an entry and records the change in the audit log; returns the new entry. */
  amend(entryId: string, changes: EntryChanges, author: EditAuthor): FirmwareEntry {
    const where = `amend ${entryId}`;
    const a = checkAuthor(author, where);
    const before = this.#entries.get(entryId);
    if (!before) throw new FirmwareRepositoryError(where, 'an existing entry id', 'entryId');
    if ('entryId' in changes && (changes as Raw).entryId !== entryId) {
      throw new FirmwareRepositoryError(where, 'the entry id unchanged (withdraw and add instead)', 'entryId');
    }
    const after = normaliseEntry({ ...before, ...changes, entryId }, where);
    this.#entries.set(entryId, after);
    this.#byHash = undefined;
    this.#record('amend', entryId, a, before, after);
    return after;
  }

  /** Withdraws an entry and records it in the audit log; returns the withdrawn entry. */
  withdraw(entryId: string, author: EditAuthor): FirmwareEntry {
    const where = `withdraw ${entryId}`;
    const a = checkAuthor(author, where);
    const before = this.#entries.get(entryId);
    if (!before) throw new FirmwareRepositoryError(where, 'an existing entry id', 'entryId');
    this.#entries.delete(entryId);
    this.#byHash = undefined;
    this.#record('withdraw', entryId, a, before);
    return before;
  }

  #record(action: AuditAction, entryId: string | undefined, a: { who: string; why: string; when: string }, before?: FirmwareEntry, after?: FirmwareEntry): void {
    this.#audit.push(Object.freeze({ seq: this.#audit.length + 1, action, entryId, ...a, before, after }));
  }

  /** `{ entries, audit }`: what `loadRepositoryJson` reads back, audit trail included. */
  toJSON(): { entries: FirmwareEntry[]; audit: AuditRecord[] } {
    return { entries: [...this.#entries.values()], audit: this.#audit.slice() };
  }

  /** @internal Restores a saved audit trail (validated) when loading JSON. */
  static withAudit(repo: FirmwareRepository, audit: unknown): FirmwareRepository {
    if (!Array.isArray(audit)) throw new FirmwareRepositoryError('json /audit', 'an array of audit records');
    audit.forEach((r: Raw, i) => {
      const where = `json /audit/${i}`;
      if (r === null || typeof r !== 'object') throw new FirmwareRepositoryError(where, 'an audit record object');
      const action = r.action as AuditAction;
      if (!['load', 'add', 'amend', 'withdraw'].includes(action)) throw new FirmwareRepositoryError(where, 'action load, add, amend or withdraw', 'action');
      const a = checkAuthor({ who: r.who as string, why: r.why as string, when: r.when as string }, where);
      if (r.when === undefined) throw new FirmwareRepositoryError(where, 'the recorded time', 'when');
      const entry = (v: unknown, f: string) => (v === undefined ? undefined : normaliseEntry(v, `${where}/${f}`));
      repo.#record(action, typeof r.entryId === 'string' ? r.entryId : undefined, a, entry(r.before, 'before'), entry(r.after, 'after'));
    });
    return repo;
  }
}

/**
 * Loads a repository from JSON: either an array of entries or `{ entries, audit? }`
 * (the shape `toJSON` writes, so the audit trail survives a save/load).
 */
export function loadRepositoryJson(input: string | unknown, loaded?: EditAuthor): FirmwareRepository {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      throw new FirmwareRepositoryError('json', 'valid JSON', undefined, (e as Error).message);
    }
  }
  const entries = Array.isArray(doc) ? doc : (doc as Raw | null)?.entries;
  if (!Array.isArray(entries)) throw new FirmwareRepositoryError('json', 'an array of entries or { "entries": [...] }');
  let repo: FirmwareRepository;
  try {
    repo = new FirmwareRepository(entries);
  } catch (e) {
    // Re-anchor "entry N" to its JSON pointer so the author finds it.
    if (e instanceof FirmwareRepositoryError) {
      throw new FirmwareRepositoryError(e.where.replace(/^entry /, `json /${Array.isArray(doc) ? '' : 'entries/'}`), e.expected, e.field);
    }
    throw e;
  }
  const audit = Array.isArray(doc) ? undefined : (doc as Raw).audit;
  if (audit !== undefined) FirmwareRepository.withAudit(repo, audit);
  if (loaded) FirmwareRepository.withAudit(repo, [{ action: 'load', ...checkAuthor(loaded, 'load') }]);
  return repo;
}

/** CSV column names (matched case-insensitively, ignoring spaces, '_' and '-'). */
const CSV_COLUMNS: Record<string, keyof FirmwareEntry> = {
  entryid: 'entryId',
  devicetype: 'deviceType',
  manufacturer: 'manufacturer',
  model: 'model',
  devicemodel: 'model',
  firmwareversion: 'firmwareVersion',
  manufacturerimagehash: 'manufacturerImageHash',
  imagehash: 'manufacturerImageHash',
  upgradepath: 'upgradePath',
  firmwareupgradepath: 'upgradePath',
  manufacturercode: 'manufacturerCode',
  imagetype: 'imageType',
};

/**
 * Loads a repository from CSV (RFC 4180, parsed by csv-parse). The first row names the
 * columns; `upgrade_path` lists entry ids separated by ';', '|' or spaces (empty = none).
 */
export function loadRepositoryCsv(text: string, loaded?: EditAuthor): FirmwareRepository {
  let rows: string[][];
  let lines: number[];
  try {
    // Comments are whole lines starting with '#' (comment_no_infix): a '#' inside a field is data.
    const parsed = parseCsv(text, { bom: true, skip_empty_lines: true, trim: true, comment: '#', comment_no_infix: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    rows = parsed.map((p) => p.record);
    lines = parsed.map((p) => p.info.lines);
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new FirmwareRepositoryError(`csv line ${err.lines ?? '?'}`, 'well-formed CSV', undefined, err.message);
  }
  if (rows.length === 0) throw new FirmwareRepositoryError('csv line 1', 'a header row');
  const header = rows[0]!.map((h) => CSV_COLUMNS[h.toLowerCase().replace(/[\s_-]/g, '')]);
  const unknown = rows[0]!.filter((_, i) => header[i] === undefined);
  if (unknown.length) throw new FirmwareRepositoryError(`csv line ${lines[0]}`, `known column names (${Object.keys(CSV_COLUMNS).join(', ')})`, undefined, `unknown ${JSON.stringify(unknown)}`);
  // Two columns for one field (e.g. "model" and "device model") would let the last one win silently.
  const dup = header.findIndex((f, i) => header.indexOf(f) !== i);
  if (dup >= 0) {
    throw new FirmwareRepositoryError(`csv line ${lines[0]}`, 'one column per field', header[dup], `${JSON.stringify(rows[0]![header.indexOf(header[dup])])} and ${JSON.stringify(rows[0]![dup])} both name it`);
  }
  for (const need of ['entryId', 'deviceType', 'manufacturer', 'model', 'firmwareVersion', 'manufacturerImageHash'] as const) {
    if (!header.includes(need)) throw new FirmwareRepositoryError(`csv line ${lines[0]}`, `a column for ${need}`);
  }
  const entries: FirmwareEntry[] = [];
  const seen = new Map<string, number>();
  for (let r = 1; r < rows.length; r++) {
    const obj: Raw = {};
    rows[r]!.forEach((v, i) => {
      const cell = unguardCell(v);
      obj[header[i]!] = header[i] === 'upgradePath' ? cell.split(/[;|\s]+/).filter(Boolean) : cell;
    });
    const where = `csv line ${lines[r]}`;
    const e = normaliseEntry(obj, where);
    if (seen.has(e.entryId)) throw new FirmwareRepositoryError(where, 'a unique entry id', 'entryId', `${e.entryId} already on record ${seen.get(e.entryId)}`);
    seen.set(e.entryId, r);
    entries.push(e);
  }
  return new FirmwareRepository(entries, loaded);
}

/**
 * Spreadsheet formula injection (a cell starting with = + - @, tab or CR runs as a formula
 * when the CSV is opened in a spreadsheet): such a cell is written with a leading `'`, which
 * spreadsheets show as text. Decision: so that every value still round-trips, a value that
 * already starts with `'`s before one of those characters gets one more `'`, and the loader
 * removes exactly one `'` from a cell matching /^'+[=+\-@\t\r]/.
 */
const FORMULA = /^'*[=+\-@\t\r]/;
const guardCell = (s: string) => (FORMULA.test(s) ? `'${s}` : s);
const unguardCell = (s: string) => (/^'+[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

/**
 * Writes the repository as CSV that `loadRepositoryCsv` reads back (no audit trail). Any
 * field round-trips: cells holding `,` `"` `#` CR or LF are quoted (quotes doubled), and
 * cells that a spreadsheet would run as a formula are guarded (see FORMULA above).
 */
export function repositoryToCsv(repo: FirmwareRepository): string {
  const q = (v: string) => {
    const s = guardCell(v);
    return /[",#\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const code = (v: number | undefined) => (v === undefined ? '' : `0x${v.toString(16).padStart(4, '0')}`);
  let out = 'entry_id,device_type,manufacturer,model,firmware_version,manufacturer_image_hash,upgrade_path,manufacturer_code,image_type\n';
  for (const e of repo.entries()) {
    out += [e.entryId, e.deviceType, e.manufacturer, e.model, e.firmwareVersion, e.manufacturerImageHash, e.upgradePath.join(';'), code(e.manufacturerCode), code(e.imageType)].map(q).join(',') + '\n';
  }
  return out;
}
