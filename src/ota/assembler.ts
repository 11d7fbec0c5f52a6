// Client-side reassembly of an upgrade image from blocks received in any order. Tracks the bytes
// present as merged ranges and, per block, as a DLMS IC 18 bit-string; reports duplicates,
// overlaps, conflicting data and data past the declared size; and on `finish()` checks size,
// layout, Manufacturer Image hash and Supplier signature before it reports success.
//
// With a file sink the image is written through a 1 MiB write-behind buffer and verified by
// reading it back in 1 MiB chunks, so memory stays bounded whatever the image size.
import { requireNodeBuiltin } from '../platform.js';

// node:fs only for the file sink, fetched at run time (no `node:` import: the main entry bundles for browsers).
type NodeFs = typeof import('node:fs');
const fs = (): NodeFs => requireNodeBuiltin<NodeFs>('node:fs', 'the OTA file sink');
const closeSync: NodeFs['closeSync'] = (fd) => fs().closeSync(fd);
const ftruncateSync = (fd: number, len: number): void => fs().ftruncateSync(fd, len);
const openSync = (path: string, flags: string): number => fs().openSync(path, flags);
const readSync = (fd: number, buf: Uint8Array, off: number, len: number, pos: number): number => fs().readSync(fd, buf, off, len, pos);
const writeSync = (fd: number, buf: Uint8Array, off: number, len: number, pos: number): number => fs().writeSync(fd, buf, off, len, pos);
import { toHex } from '../bytes.js';
import type { KeyStore } from '../security/keyStore.js';
import { OtaRangeError, checkOtaInteger } from './blocks.js';
import { TransferredBlocks } from './dlmsImageTransfer.js';
import { FILE_CHUNK, fileReader } from './file.js';
import { createSha256 } from './hash.js';
import { upgradeImageLayout, verifyManufacturerImage, type ImageReader, type ImageSignatureCheck, type UpgradeImageForm, type UpgradeImageLayout } from './image.js';

/** Where assembled bytes go. Synchronous: blocks are small and many. */
export interface AssemblySink {
  /** Stores `data` at `offset`. */
  write(offset: number, data: Uint8Array): void;
  /** Reads back `length` stored bytes from `offset`. */
  read(offset: number, length: number): Uint8Array;
  /** Writes out anything buffered. */
  flush(): void;
  /** Flushes and releases the sink. */
  close(): void;
}

export class MemorySink implements AssemblySink {
  readonly bytes: Uint8Array;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }
  write(offset: number, data: Uint8Array): void {
    this.bytes.set(data, offset);
  }
  read(offset: number, length: number): Uint8Array {
    return this.bytes.subarray(offset, offset + length);
  }
  flush(): void {}
  close(): void {}
}

/**
 * Writes to a file; contiguous writes are coalesced in a 1 MiB buffer. The file is created at
 * its full size (sparse) and every region is written at most once (the assembler never
 * rewrites bytes it holds), so all-zero data is skipped: the file already reads zeros there.
 */
export class FileSink implements AssemblySink {
  readonly fd: number;
  private readonly pending = new Uint8Array(FILE_CHUNK);
  private pendingStart = 0;
  private pendingLength = 0;

  constructor(
    readonly path: string,
    size: number,
  ) {
    this.fd = openSync(path, 'w+');
    ftruncateSync(this.fd, size);
  }
  write(offset: number, data: Uint8Array): void {
    if (allZero(data)) return;
    if (this.pendingLength > 0 && offset === this.pendingStart + this.pendingLength && this.pendingLength + data.length <= this.pending.length) {
      this.pending.set(data, this.pendingLength);
      this.pendingLength += data.length;
      return;
    }
    this.flush();
    if (data.length >= this.pending.length) {
      writeAll(this.fd, data, offset);
      return;
    }
    this.pending.set(data, 0);
    this.pendingStart = offset;
    this.pendingLength = data.length;
  }
  /** Reads into `into` when given (reused by the verification pass, so it allocates nothing). */
  read(offset: number, length: number, into?: Uint8Array): Uint8Array {
    this.flush();
    const buf = into && into.length >= length ? into : new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const r = readSync(this.fd, buf, got, length - got, offset + got);
      if (r === 0) break;
      got += r;
    }
    return buf.subarray(0, got);
  }
  flush(): void {
    if (this.pendingLength === 0) return;
    writeAll(this.fd, this.pending.subarray(0, this.pendingLength), this.pendingStart);
    this.pendingLength = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

function allZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

function writeAll(fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
}

/** How an offered block relates to what is already stored. */
export type AcceptStatus = 'new' | 'duplicate' | 'overlap' | 'conflict' | 'past-end';

/**
 * Largest declared size the in-memory assembler takes (64 MiB; GBCS images are hundreds of
 * KiB). Larger images need `file` (a file sink); any declared size is at most 0xFFFFFFFF
 * (the 32-bit ZigBee image size field).
 */
export const MAX_IN_MEMORY_IMAGE_SIZE = 64 << 20;
/** Most blocks the transferred-blocks bit-string tracks (2 MiB of bits): blockSize >= size / this. */
export const MAX_TRACKED_BLOCKS = 1 << 24;

/** Result of offering one block to an image assembler. */
export interface AcceptResult {
  readonly status: AcceptStatus;
  /** Bytes newly stored by this call. */
  readonly added: number;
  /** For 'conflict': file offset of the first byte that differs from the data already held. */
  readonly conflictAt?: number;
}

/** Options of an image assembler (declared size, block size, ...). */
export interface AssemblerOptions {
  /** Declared image size (Query Next Image response image size, or IC 18 initiate size). */
  readonly size: number;
  /** Granularity of the transferred-blocks bit-string (and of `acceptBlock`). */
  readonly blockSize: number;
  /** Write to this file instead of memory. */
  readonly file?: string;
  /** Verify the Supplier signature with these keys, trying each candidate signer. */
  readonly keys?: KeyStore;
  readonly signers?: readonly string[];
  /** Success requires a valid signature (default true; false for unsigned forms such as the PPMID sample). */
  readonly requireSignature?: boolean;
  /** Success requires this Manufacturer Image hash (hex), e.g. the one a CS06 will carry. */
  readonly expectedHash?: string;
  readonly form?: UpgradeImageForm;
}

/** Result of finishing an assembly: ok, or the problems found. */
export interface AssemblyResult {
  readonly ok: boolean;
  /** Why not ok, one line each. */
  readonly problems: readonly string[];
  readonly size: number;
  /** Missing byte ranges [start, end). */
  readonly gaps: readonly [number, number][];
  readonly layout?: UpgradeImageLayout;
  readonly manufacturerImageHash?: string;
  readonly signature?: ImageSignatureCheck;
  readonly stats: AssemblerStats;
  /** The assembled image when the sink is memory. */
  readonly image?: Uint8Array;
}

/** Counters of an image assembler (blocks accepted, duplicates, ...). */
export interface AssemblerStats {
  accepted: number;
  duplicates: number;
  overlaps: number;
  conflicts: number;
  refused: number;
}

/** Assembles an OTA image from blocks that may arrive out of order, duplicated or overlapping. */
export class ImageAssembler {
  readonly size: number;
  readonly blockSize: number;
  readonly blocks: TransferredBlocks;
  readonly stats: AssemblerStats = { accepted: 0, duplicates: 0, overlaps: 0, conflicts: 0, refused: 0 };
  private readonly sink: AssemblySink;
  /** Received ranges, sorted and merged: [starts[i], ends[i]). */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private have = 0;
  private finished = false;

  constructor(private readonly options: AssemblerOptions) {
    const { size, blockSize } = options;
    checkOtaInteger('size', size, 0, 0xffffffff);
    checkOtaInteger('blockSize', blockSize, 1, 0xffffffff);
    if (!options.file && size > MAX_IN_MEMORY_IMAGE_SIZE) {
      throw new OtaRangeError('size', size, `at most ${MAX_IN_MEMORY_IMAGE_SIZE} bytes in memory (MAX_IN_MEMORY_IMAGE_SIZE); give \`file\` for larger images`);
    }
    if (Math.ceil(size / blockSize) > MAX_TRACKED_BLOCKS) {
      throw new OtaRangeError('blockSize', blockSize, `at least ${Math.ceil(size / MAX_TRACKED_BLOCKS)} for a ${size}-byte image (at most ${MAX_TRACKED_BLOCKS} blocks tracked)`);
    }
    this.size = size;
    this.blockSize = blockSize;
    this.blocks = new TransferredBlocks(Math.ceil(size / blockSize));
    this.sink = options.file ? new FileSink(options.file, size) : new MemorySink(size);
  }

  get received(): number {
    return this.have;
  }

  get complete(): boolean {
    return this.have === this.size;
  }

  /** Index of the last range starting at or before `x`, or -1. */
  private find(x: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= x) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  /** Block number `index` (offset index × blockSize). */
  acceptBlock(index: number, data: Uint8Array): AcceptResult {
    return this.accept(index * this.blockSize, data);
  }

  /**
   * Stores `data` at file offset `offset`. The caller's bytes are copied, never kept or
   * changed. An offset that is not a non-negative integer throws OtaRangeError; data
   * reaching past the declared size is refused ('past-end').
   */
  accept(offset: number, data: Uint8Array): AcceptResult {
    if (this.finished) throw new Error('the assembler has finished');
    checkOtaInteger('offset', offset, 0, Number.MAX_SAFE_INTEGER);
    const end = offset + data.length;
    if (end > this.size) {
      this.stats.refused++;
      return { status: 'past-end', added: 0 };
    }
    if (data.length === 0) {
      this.stats.duplicates++;
      return { status: 'duplicate', added: 0 };
    }
    // Compare with every byte already held in [offset, end).
    let i = this.find(offset);
    if (i < 0 || this.ends[i]! <= offset) i++;
    let covered = 0;
    for (let k = i; k < this.starts.length && this.starts[k]! < end; k++) {
      const a = Math.max(offset, this.starts[k]!);
      const b = Math.min(end, this.ends[k]!);
      const held = this.sink.read(a, b - a);
      const incoming = data.subarray(a - offset, b - offset);
      for (let j = 0; j < held.length; j++) {
        if (held[j] !== incoming[j]) {
          this.stats.conflicts++;
          return { status: 'conflict', added: 0, conflictAt: a + j };
        }
      }
      covered += b - a;
    }
    if (covered === data.length) {
      this.stats.duplicates++;
      return { status: 'duplicate', added: 0 };
    }
    // Write only the uncovered parts (identical bytes are never rewritten).
    let pos = offset;
    for (let k = i; k < this.starts.length && this.starts[k]! < end && pos < end; k++) {
      if (this.starts[k]! > pos) this.sink.write(pos, data.subarray(pos - offset, this.starts[k]! - offset));
      pos = Math.max(pos, this.ends[k]!);
    }
    if (pos < end) this.sink.write(pos, data.subarray(pos - offset));
    this.insert(offset, end);
    const added = data.length - covered;
    this.have += added;
    this.markBlocks(offset, end);
    this.stats.accepted++;
    if (covered > 0) {
      this.stats.overlaps++;
      return { status: 'overlap', added };
    }
    return { status: 'new', added };
  }

  private insert(a: number, b: number): void {
    // Merge with every range touching [a, b).
    let i = this.find(a);
    if (i < 0 || this.ends[i]! < a) i++;
    let j = i;
    let s = a;
    let e = b;
    while (j < this.starts.length && this.starts[j]! <= b) {
      s = Math.min(s, this.starts[j]!);
      e = Math.max(e, this.ends[j]!);
      j++;
    }
    this.starts.splice(i, j - i, s);
    this.ends.splice(i, j - i, e);
  }

  private markBlocks(a: number, b: number): void {
    const bs = this.blockSize;
    for (let n = Math.floor(a / bs); n <= Math.floor((b - 1) / bs); n++) {
      if (this.blocks.has(n)) continue;
      const s = n * bs;
      const e = Math.min(s + bs, this.size);
      const k = this.find(s);
      if (k >= 0 && this.ends[k]! >= e) this.blocks.set(n);
    }
  }

  /** Missing byte ranges [start, end). */
  gaps(limit = Infinity): [number, number][] {
    const out: [number, number][] = [];
    let pos = 0;
    for (let k = 0; k < this.starts.length && out.length < limit; k++) {
      if (this.starts[k]! > pos) out.push([pos, this.starts[k]!]);
      pos = this.ends[k]!;
    }
    if (pos < this.size && out.length < limit) out.push([pos, this.size]);
    return out;
  }

  /** Next offset a ZigBee client should request (first missing byte), or undefined when complete. */
  nextOffset(): number | undefined {
    if (this.complete) return undefined;
    return this.starts[0] === 0 ? this.ends[0]! : 0;
  }

  /** Checks size, layout, hash and signature. Closes the sink; the assembler takes no more blocks. */
  async finish(onProgress?: (done: number, total: number) => void): Promise<AssemblyResult> {
    const problems: string[] = [];
    const gaps = this.gaps();
    const base = { size: this.size, gaps, stats: { ...this.stats } };
    this.finished = true;
    if (gaps.length > 0) {
      const missing = gaps.reduce((n, [a, b]) => n + b - a, 0);
      problems.push(`${missing} bytes missing in ${gaps.length} range(s), first at ${gaps[0]![0]}`);
      this.sink.close();
      return { ok: false, problems, ...base };
    }
    this.sink.flush();
    const reader: ImageReader =
      this.sink instanceof MemorySink ? { size: this.size, read: (o, n) => (this.sink as MemorySink).bytes.subarray(o, o + n) } : fileReader((this.sink as FileSink).fd, this.size);
    let layout: UpgradeImageLayout;
    try {
      layout = upgradeImageLayout(reader, this.options.form ? { form: this.options.form } : {});
    } catch (e) {
      this.sink.close();
      return { ok: false, problems: [`not a valid upgrade image: ${(e as Error).message}`], ...base };
    }
    const start = layout.manufacturerImageOffset;
    const stop = start + layout.manufacturerImageLength;
    const hasher = await createSha256();
    const sink = this.sink;
    // One pass feeds the hasher and the first signature check; later candidates re-read.
    let hashed = false;
    // File reads reuse one buffer: hasher and verifier consume each chunk before the next read.
    const reuse = sink instanceof FileSink ? new Uint8Array(Math.min(FILE_CHUNK, Math.max(1, stop - start))) : undefined;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let p = start; p < stop; p += FILE_CHUNK) {
        const c = reuse ? (sink as FileSink).read(p, Math.min(FILE_CHUNK, stop - p), reuse) : sink.read(p, Math.min(FILE_CHUNK, stop - p));
        if (!hashed) hasher.update(c);
        yield c;
        onProgress?.(p + c.length - start, stop - start);
      }
      hashed = true;
    }
    let signature: ImageSignatureCheck;
    const signers = this.options.signers ?? [];
    if (layout.trailerOffset === undefined) signature = { state: 'absent' };
    else if (!this.options.keys || signers.length === 0) signature = { state: 'not-checked' };
    else {
      const sig = new Uint8Array(reader.read(layout.trailerOffset + 2, 64));
      signature = { state: 'key-unknown', tried: signers.map((s) => s.toLowerCase()) };
      let sawKey = false;
      let unusable = false;
      for (const s of signers) {
        const r = await verifyManufacturerImage(chunks(), sig, this.options.keys, s);
        if (r === 'valid') {
          signature = { state: 'valid', signer: s.toLowerCase() };
          break;
        }
        if (r === 'invalid') sawKey = true;
      else if (r === 'key-unusable') unusable = true;
      }
      if (signature.state !== 'valid' && sawKey) signature = { ...signature, state: 'invalid' };
    else if (signature.state !== 'valid' && unusable) signature = { ...signature, state: 'key-unusable' };
    }
    if (!hashed) for await (const _ of chunks());
    const manufacturerImageHash = toHex(await hasher.digest());
    if (this.options.expectedHash !== undefined && this.options.expectedHash.toLowerCase() !== manufacturerImageHash) {
      problems.push(`Manufacturer Image hash ${manufacturerImageHash} differs from the expected ${this.options.expectedHash.toLowerCase()}`);
    }
    if ((this.options.requireSignature ?? true) && signature.state !== 'valid') problems.push(`Supplier signature ${signature.state}`);
    const image = this.sink instanceof MemorySink ? this.sink.bytes : undefined;
    this.sink.close();
    return { ok: problems.length === 0, problems, ...base, layout, manufacturerImageHash, signature, ...(image && { image }) };
  }

  /** Releases the sink without verifying (e.g. after an ABORT). */
  abandon(): void {
    if (!this.finished) {
      this.finished = true;
      this.sink.close();
    }
  }
}
