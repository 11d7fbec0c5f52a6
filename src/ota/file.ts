// Node-only access to upgrade images on disk: header-sized synchronous reads for the layout and
// chunked streaming for hashing and signature checks, so any size runs in bounded memory.
//
// node:fs is fetched at run time (src/platform.ts), not imported: the in-memory assembler in the
// main (browser-safe) entry shares FILE_CHUNK and fileReader with this module.
import { toHex } from '../bytes.js';
import { requireNodeBuiltin } from '../platform.js';
import type { KeyStore } from '../security/keyStore.js';
import { resolveKey } from '../security/keyCheck.js';
import { createSha256 } from './hash.js';
import { upgradeImageLayout, verifyManufacturerImage, type ImageReader, type ImageSignatureCheck, type UpgradeImageForm, type UpgradeImageLayout } from './image.js';

type NodeFs = typeof import('node:fs');
const fs = (): NodeFs => requireNodeBuiltin<NodeFs>('node:fs', 'reading image files');
const closeSync = (fd: number): void => fs().closeSync(fd);
const fstatSync = (fd: number): { size: number } => fs().fstatSync(fd);
const openSync = (path: string, flags: string): number => fs().openSync(path, flags);
const readSync = (fd: number, buf: Uint8Array, off: number, len: number, pos: number): number => fs().readSync(fd, buf, off, len, pos);
const open = (path: string, flags: string) => fs().promises.open(path, flags);

/** 1 MiB: large enough that syscalls do not dominate, small enough to stay out of the memory figure. */
export const FILE_CHUNK = 1 << 20;

/** Reader over an open file descriptor (synchronous, small reads). */
export function fileReader(fd: number, size: number): ImageReader {
  return {
    size,
    read(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const r = readSync(fd, buf, got, n - got, offset + got);
        if (r === 0) break;
        got += r;
      }
      return got === n ? buf : buf.subarray(0, got);
    },
  };
}

/** Layout of an image file (form, header, Manufacturer Image range, trailer), reading only headers. */
export function upgradeImageFileLayout(path: string, options: { form?: UpgradeImageForm } = {}): UpgradeImageLayout {
  const fd = openSync(path, 'r');
  try {
    return upgradeImageLayout(fileReader(fd, fstatSync(fd).size), options);
  } finally {
    closeSync(fd);
  }
}

/**
 * Yields `[start, end)` of a file in chunks of at most `chunkSize`. The chunk is a view of one
 * reused buffer, valid until the next iteration (hashers and verifiers consume it at once).
 */
export async function* fileChunks(
  path: string,
  start = 0,
  end?: number,
  options: { chunkSize?: number; onProgress?: (done: number, total: number) => void } = {},
): AsyncGenerator<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const stop = end ?? (await fh.stat()).size;
    const buf = new Uint8Array(Math.max(1, Math.min(options.chunkSize ?? FILE_CHUNK, stop - start)));
    let pos = start;
    while (pos < stop) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, stop - pos), pos);
      if (bytesRead === 0) throw new Error(`${path} shrank while being read (at byte ${pos})`);
      pos += bytesRead;
      yield buf.subarray(0, bytesRead);
      options.onProgress?.(pos - start, stop - start);
    }
  } finally {
    await fh.close();
  }
}

/** Result of checking an upgrade image file: layout, hashes and problems. */
export interface FileCheck {
  readonly layout: UpgradeImageLayout;
  /** SHA-256 of the Manufacturer Image, hex. */
  readonly manufacturerImageHash: string;
  readonly signature: ImageSignatureCheck;
}

/**
 * Hashes the Manufacturer Image of an image file and (given keys and a signer) verifies the
 * Supplier signature, streaming. With several candidate signers the first pass hashes and checks
 * the first; later candidates re-read the file.
 */
export async function checkUpgradeImageFile(
  path: string,
  options: { keys?: KeyStore; signers?: readonly string[]; form?: UpgradeImageForm; onProgress?: (done: number, total: number) => void } = {},
): Promise<FileCheck> {
  const layout = upgradeImageFileLayout(path, options);
  const start = layout.manufacturerImageOffset;
  const end = start + layout.manufacturerImageLength;
  const checking = layout.trailerOffset !== undefined && options.keys !== undefined && (options.signers?.length ?? 0) > 0;
  // Decision (issue 15 item 4): the image is read once for the hash and every candidate key.
  // Each node:crypto key gets its own Verify fed from the same chunks (no ECDSA API takes a
  // precomputed digest), so a folder of N keys costs one read and N+1 hash streams, not N+1
  // reads; progress counts that one pass. Keys of another kind (WebCrypto CryptoKeys) are
  // checked after it, one pass each, only if no streamed key verified.
  const nodeCrypto = checking ? requireNodeBuiltin<typeof import('node:crypto')>('node:crypto', 'checking image signatures') : undefined;
  const streamed: { signer: string; verify: import('node:crypto').Verify; key: import('node:crypto').KeyObject }[] = [];
  const later: string[] = [];
  let anyKey = false;
  let unusable = false; // a key that is there but cannot be used: 'key-unusable', never 'invalid'
  if (checking) {
    for (const s of options.signers!) {
      const r = await resolveKey(options.keys!, s.toLowerCase(), 'DS', undefined);
      if (r.unusable !== undefined) unusable = true;
      const key = r.key;
      if (!key) continue;
      anyKey = true;
      if (key instanceof nodeCrypto!.KeyObject) streamed.push({ signer: s.toLowerCase(), verify: nodeCrypto!.createVerify('sha256'), key });
      else later.push(s);
    }
  }
  const h = await createSha256();
  for await (const c of fileChunks(path, start, end, { onProgress: options.onProgress })) {
    h.update(c);
    for (const v of streamed) v.verify.update(c);
  }
  const manufacturerImageHash = toHex(await h.digest());
  let signature: ImageSignatureCheck;
  if (layout.trailerOffset === undefined) signature = { state: 'absent' };
  else if (!checking) signature = { state: 'not-checked' };
  else {
    const sig = upgradeImageLayoutSignature(path, layout.trailerOffset);
    const tried = options.signers!.map((s) => s.toLowerCase());
    const valid = streamed.find((v) => v.verify.verify({ key: v.key, dsaEncoding: 'ieee-p1363' }, sig))?.signer;
    let found = valid;
    for (const s of found === undefined ? later : []) {
      if ((await verifyManufacturerImage(fileChunks(path, start, end), sig, options.keys!, s)) === 'valid') {
        found = s.toLowerCase();
        break;
      }
    }
    signature = found !== undefined ? { state: 'valid', signer: found } : { state: anyKey ? 'invalid' : unusable ? 'key-unusable' : 'key-unknown', tried };
  }
  return { layout, manufacturerImageHash, signature };
}

function upgradeImageLayoutSignature(path: string, trailerOffset: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    return fileReader(fd, fstatSync(fd).size).read(trailerOffset + 2, 64);
  } finally {
    closeSync(fd);
  }
}
