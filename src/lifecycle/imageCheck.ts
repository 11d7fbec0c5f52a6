// An OTA image against the Firmware Information Repository (issue 14 item 7). The OTA header
// (manufacturer code, image type, file version) is outside the Supplier's signature
// (GBCS.md 5.2: the signature covers the Manufacturer Image only), so a valid signature says
// nothing about it. The repository entry found by the Manufacturer Image hash (which the
// signature does cover, and which CS06 carries) tells what the header must say.
import type { FirmwareEntry, FirmwareRepository } from './repository.js';

/** The header fields checked (as parsed by the OTA module). */
export interface ImageIdentity {
  readonly manufacturerCode: number;
  readonly imageType: number;
  readonly fileVersion: number;
}

/** Result of comparing one header field of an image with its repository entry. */
export interface RepositoryFieldCheck {
  readonly field: 'manufacturerCode' | 'imageType' | 'fileVersion';
  /** 'match', 'mismatch', or 'not-recorded' (the entry does not record the field: unchecked). */
  readonly result: 'match' | 'mismatch' | 'not-recorded';
  readonly header: string;
  readonly repository?: string;
}

/** Result of checking an image against the firmware repository: no entry, or the field checks. */
export type RepositoryImageCheck =
  | { readonly ok: false; readonly reason: 'no-entry'; readonly manufacturerImageHash: string; readonly message: string }
  | {
      readonly ok: boolean;
      readonly reason?: 'mismatch';
      readonly entry: FirmwareEntry;
      /** Other entries with the same hash (one image listed twice); each is checked, the first match wins. */
      readonly candidates: number;
      readonly fields: readonly RepositoryFieldCheck[];
      readonly message: string;
    };

const hex = (v: number, w: number) => `0x${(v >>> 0).toString(16).padStart(w, '0')}`;

function fieldsOf(e: FirmwareEntry, h: ImageIdentity): RepositoryFieldCheck[] {
  const one = (field: RepositoryFieldCheck['field'], header: number, repo: number | undefined, w: number): RepositoryFieldCheck =>
    repo === undefined
      ? { field, result: 'not-recorded', header: hex(header, w) }
      : { field, result: (header >>> 0) === (repo >>> 0) ? 'match' : 'mismatch', header: hex(header, w), repository: hex(repo, w) };
  return [
    one('manufacturerCode', h.manufacturerCode, e.manufacturerCode, 4),
    one('imageType', h.imageType, e.imageType, 4),
    one('fileVersion', h.fileVersion, parseInt(e.firmwareVersion, 16), 8),
  ];
}

/**
 * Finds the repository entry by Manufacturer Image hash and checks the header's
 * manufacturer code, image type and file version against it. `ok` is false when no entry
 * has the hash or a recorded field differs; fields the entry does not record are reported
 * as 'not-recorded' and do not fail the check.
 */
export function checkImageAgainstRepository(repo: FirmwareRepository, header: ImageIdentity, manufacturerImageHash: string): RepositoryImageCheck {
  const hash = manufacturerImageHash.toLowerCase();
  const entries = repo.byHash(hash);
  if (entries.length === 0) {
    return { ok: false, reason: 'no-entry', manufacturerImageHash: hash, message: `no repository entry has Manufacturer Image hash ${hash}` };
  }
  const checked = entries.map((entry) => ({ entry, fields: fieldsOf(entry, header) }));
  const good = checked.find((c) => c.fields.every((f) => f.result !== 'mismatch'));
  const pick = good ?? checked[0]!;
  const bad = pick.fields.filter((f) => f.result === 'mismatch');
  const message = good
    ? `header matches repository entry ${pick.entry.entryId}${pick.fields.some((f) => f.result === 'not-recorded') ? ` (not recorded there, unchecked: ${pick.fields.filter((f) => f.result === 'not-recorded').map((f) => f.field).join(', ')})` : ''}`
    : `header differs from repository entry ${pick.entry.entryId}: ${bad.map((f) => `${f.field} ${f.header} in the header, ${f.repository} in the repository`).join('; ')}`;
  return { ok: !!good, ...(good ? {} : { reason: 'mismatch' as const }), entry: pick.entry, candidates: entries.length, fields: pick.fields, message };
}
