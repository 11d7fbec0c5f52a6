// Streaming SHA-256 for the Manufacturer Image Hash (GBCS.md 5.2): the value CS06 carries and the
// Firmware Distribution Receipt Alert reports. node:crypto in Node (incremental, bounded memory);
// in a browser WebCrypto has no incremental digest, so chunks are collected and digested once
// (memory then grows with the input: browsers are not where 256 MiB images are assembled).
import { toHex } from '../bytes.js';
import { nodeBuiltin } from '../platform.js';

type NodeCrypto = typeof import('node:crypto');

let nodeCryptoModule: NodeCrypto | null | undefined;

/** node:crypto when running on Node, else null (loaded once, lazily, so browsers never import it). */
export async function loadNodeCrypto(): Promise<NodeCrypto | null> {
  if (nodeCryptoModule !== undefined) return nodeCryptoModule;
  // No import of node:crypto (the main entry bundles for browsers): fetched at run time.
  nodeCryptoModule = nodeBuiltin<NodeCrypto>('node:crypto') ?? null;
  return nodeCryptoModule;
}

function subtle(): SubtleCrypto {
  const s = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!s) throw new Error('no SHA-256 available: neither node:crypto nor WebCrypto (crypto.subtle) is present');
  return s;
}

/** An incremental SHA-256. `update` copies nothing on Node; `digest` may be called once. */
export interface Sha256 {
  /** Feeds a chunk. */
  update(chunk: Uint8Array): this;
  /** The SHA-256 of everything fed. */
  digest(): Promise<Uint8Array>;
  /** Bytes fed so far. */
  readonly length: number;
}

class NodeSha256 implements Sha256 {
  length = 0;
  private readonly h: import('node:crypto').Hash;
  constructor(c: NodeCrypto) {
    this.h = c.createHash('sha256');
  }
  update(chunk: Uint8Array): this {
    this.h.update(chunk);
    this.length += chunk.length;
    return this;
  }
  async digest(): Promise<Uint8Array> {
    const d = this.h.digest();
    return new Uint8Array(d.buffer, d.byteOffset, d.length);
  }
}

class WebSha256 implements Sha256 {
  length = 0;
  private chunks: Uint8Array[] = [];
  update(chunk: Uint8Array): this {
    // Copied: the caller may reuse its buffer before digest() runs.
    this.chunks.push(new Uint8Array(chunk)); // a copy, also for a Node Buffer
    this.length += chunk.length;
    return this;
  }
  async digest(): Promise<Uint8Array> {
    const all = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      all.set(c, o);
      o += c.length;
    }
    this.chunks = [];
    return new Uint8Array(await subtle().digest('SHA-256', all));
  }
}

/** A new incremental SHA-256 on the best platform implementation. */
export async function createSha256(): Promise<Sha256> {
  const c = await loadNodeCrypto();
  return c ? new NodeSha256(c) : new WebSha256();
}

/** Bytes, or a (possibly async) sequence of chunks: the shapes every streaming OTA API accepts. */
export type ByteSource = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** Iterates a ByteSource chunk by chunk without copying. */
export async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  for await (const c of source as AsyncIterable<Uint8Array>) yield c;
}

/** SHA-256 of a ByteSource, streaming. */
export async function sha256(source: ByteSource): Promise<Uint8Array> {
  const h = await createSha256();
  for await (const c of chunksOf(source)) h.update(c);
  return h.digest();
}

/** SHA-256 as 64 lower-case hex digits. */
export async function sha256Hex(source: ByteSource): Promise<string> {
  return toHex(await sha256(source));
}
