// Redis Streams implementation of the pipeline transport (./transport.ts), on ioredis.
//
// Two connections: `reader` carries the blocking XREADGROUP (a blocked command holds its
// connection, so commits must not queue behind it), `writer` everything else. Both reconnect
// on their own (retry every <= 2 s, commands wait: maxRetriesPerRequest null), so a Redis
// restart pauses the pipeline and it goes on. A group lost with a restart that had no
// persistence comes back (NOGROUP -> XGROUP CREATE ... MKSTREAM from the start).
//
// Commit (Decision, issue 16 item 2): one Lua script per batch, so acknowledgement and result
// are one atomic step. For each result: XACK its entries; only when the FIRST entry was
// acknowledged by this call (XACK returned 1) is the result written (XADD), so a result is
// written once even when two consumers hold the same entry (a slow one and the one that
// claimed it). Repeats: `SET <prefix><sha1 of the frame> <source> NX GET EX <window>` in the
// same script; an earlier, different source is added as `repeat-of`. (Redis Cluster: put the
// stream names and the prefix in one hash slot with a {tag}.)
import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { BrokerUnreachableError, DEFAULT_CONNECT_TIMEOUT_MS, type CommitOutcome, type GroupState, type InputEntry, type PipelineTransport, type ResultEntry } from './transport.js';

const COMMIT_LUA = `
local group = ARGV[1]
local ttl = ARGV[2]
local prefix = ARGV[3]
local i = 4
local written, skipped = 0, 0
while i <= #ARGV do
  local from = KEYS[tonumber(ARGV[i])]
  local to = KEYS[tonumber(ARGV[i + 1])]
  local nack = tonumber(ARGV[i + 2])
  i = i + 3
  local first = ARGV[i]
  local gate = redis.call('XACK', from, group, first)
  for j = 1, nack - 1 do redis.call('XACK', from, group, ARGV[i + j]) end
  i = i + nack
  local digest = ARGV[i]
  local nf = tonumber(ARGV[i + 1])
  i = i + 2
  if gate == 1 then
    local fields = {}
    for j = 0, nf - 1 do fields[j + 1] = ARGV[i + j] end
    if digest ~= '' then
      local prev = redis.call('SET', prefix .. digest, fields[2], 'NX', 'GET', 'EX', ttl)
      if prev and prev ~= fields[2] then
        fields[#fields + 1] = 'repeat-of'
        fields[#fields + 1] = prev
      end
    end
    redis.call('XADD', to, '*', unpack(fields))
    written = written + 1
  else
    skipped = skipped + 1
  end
  i = i + nf
end
return {written, skipped}
`;

const LEASE_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0
`;

const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Connection and naming options of the Redis transport. */
export interface RedisTransportOptions {
  /** `redis://[user:password@]host:port[/db]`, or `rediss://...` for TLS (default redis://127.0.0.1:6379). */
  readonly url?: string;
  /** PEM file of the CA that signed the server's certificate (TLS with a private CA). */
  readonly tlsCaFile?: string;
  readonly group: string;
  readonly consumer: string;
  /** Field of an input entry that holds the frame (default `frame`). */
  readonly field?: string;
  /** How long a frame digest is remembered for repeat detection, seconds (default 86400). */
  readonly repeatWindowSeconds?: number;
  /** Key prefix of the repeat digests (default `gbcs:seen:<group>:`). */
  readonly seenPrefix?: string;
  /** Called on connection events ('reconnecting', 'ready'), e.g. for a log line. */
  readonly onConnection?: (event: string) => void;
  /**
   * Longest wait for Redis at start-up (connect()), ms (default 10 000): past it connect()
   * rejects with BrokerUnreachableError and the connections stop retrying. Once connected,
   * a lost connection is retried without limit (a Redis restart pauses the pipeline).
   */
  readonly connectTimeoutMs?: number;
}


/** The URL without its password, for messages. */
function safeUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)[^@/]*@/, '$1');
}

type Raw = Buffer | string | number | null | Raw[];

const str = (b: Raw): string => (Buffer.isBuffer(b) ? b.toString('latin1') : String(b));

function isNoGroup(e: unknown): boolean {
  return e instanceof Error && /NOGROUP/.test(e.message);
}

/** A Redis Streams transport (consumer groups, XREADGROUP/XAUTOCLAIM, Lua commit). */
export class RedisStreamsTransport implements PipelineTransport {
  readonly reader: Redis;
  readonly writer: Redis;
  readonly group: string;
  readonly consumer: string;
  readonly field: Buffer;
  readonly #ttl: string;
  readonly #prefix: string;
  readonly #cursors = new Map<string, string>();
  readonly #groups = new Set<string>();
  readonly #url: string;
  readonly #connectTimeoutMs: number;
  #lastError: string | undefined;
  #wasReady = false;

  constructor(options: RedisTransportOptions) {
    const url = options.url ?? 'redis://127.0.0.1:6379';
    const base: RedisOptions = {
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      retryStrategy: (n) => Math.min(50 * n, 2000),
      lazyConnect: false,
    };
    if (options.tlsCaFile !== undefined) base.tls = { ca: readFileSync(options.tlsCaFile) };
    this.reader = new Redis(url, { ...base, connectionName: `${options.consumer}:read` });
    this.writer = new Redis(url, { ...base, connectionName: `${options.consumer}:write` });
    for (const c of [this.reader, this.writer]) {
      c.once('ready', () => (this.#wasReady = true));
      c.on('error', (e: Error) => (this.#lastError = e.message)); // reported through 'reconnecting'; commands wait and retry
      if (options.onConnection) {
        // Before the first 'ready' it is connect()'s bounded wait, not a lost connection.
        c.on('reconnecting', () => this.#wasReady && options.onConnection!('reconnecting'));
        c.on('ready', () => options.onConnection!('ready'));
      }
    }
    this.#url = url;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.group = options.group;
    this.consumer = options.consumer;
    this.field = Buffer.from(options.field ?? 'frame', 'latin1');
    this.#ttl = String(Math.max(1, Math.floor(options.repeatWindowSeconds ?? 86400)));
    this.#prefix = options.seenPrefix ?? `gbcs:seen:${options.group}:`;
  }

  /**
   * Waits until both connections are ready (PING answered), at most connectTimeoutMs; then
   * rejects with BrokerUnreachableError naming the URL (no password) and the last connection
   * error, after closing both connections (nothing retries behind the caller's back).
   */
  async connect(): Promise<void> {
    const ready = (c: Redis) => (c.status === 'ready' ? Promise.resolve() : new Promise<void>((res) => c.once('ready', () => res())));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((res) => (timer = setTimeout(() => res('late'), this.#connectTimeoutMs)));
    try {
      if ((await Promise.race([Promise.all([ready(this.reader), ready(this.writer)]), late])) !== 'late') return;
    } finally {
      clearTimeout(timer);
    }
    this.reader.disconnect();
    this.writer.disconnect();
    const why = this.#lastError ?? `no answer (status ${this.writer.status})`;
    throw new BrokerUnreachableError(`cannot reach redis at ${safeUrl(this.#url)} within ${this.#connectTimeoutMs / 1000} s: ${why}`);
  }

  async ensureGroup(stream: string): Promise<void> {
    try {
      await this.writer.call('XGROUP', 'CREATE', stream, this.group, '0', 'MKSTREAM');
    } catch (e) {
      if (!(e instanceof Error && /BUSYGROUP/.test(e.message))) throw e;
    }
    this.#groups.add(stream);
  }

  /** Runs `op`, re-creating the group once when Redis lost it (restart without persistence). */
  async #withGroup<T>(stream: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      if (!isNoGroup(e)) throw e;
      await this.ensureGroup(stream);
      return op();
    }
  }

  #entries(list: Raw[] | null, deliveries?: number): InputEntry[] {
    const out: InputEntry[] = [];
    for (const item of list ?? []) {
      const [id, fields] = item as [Raw, Raw[] | null];
      let frame: Uint8Array | undefined;
      let source: string | undefined;
      if (fields) {
        for (let i = 0; i + 1 < fields.length; i += 2) {
          const k = fields[i] as Buffer;
          if (frame === undefined && k.equals(this.field)) frame = fields[i + 1] as Buffer;
          else if (source === undefined && k.length === 6 && k.toString('latin1') === 'source') source = str(fields[i + 1]!);
        }
      }
      out.push({ id: str(id), frame, ...(source !== undefined ? { source } : {}), ...(deliveries ? { deliveries } : {}) });
    }
    return out;
  }

  async read(stream: string, count: number, blockMs: number): Promise<InputEntry[]> {
    const args: (string | number)[] = ['GROUP', this.group, this.consumer, 'COUNT', count];
    if (blockMs > 0) args.push('BLOCK', blockMs);
    const conn = blockMs > 0 ? this.reader : this.writer;
    const r = (await this.#withGroup(stream, () => conn.callBuffer('XREADGROUP', ...args, 'STREAMS', stream, '>'))) as Raw[] | null;
    if (!r || r.length === 0) return [];
    return this.#entries((r[0] as Raw[])[1] as Raw[], 1);
  }

  async ownPending(stream: string, count: number): Promise<InputEntry[]> {
    const r = (await this.#withGroup(stream, () =>
      this.writer.callBuffer('XREADGROUP', 'GROUP', this.group, this.consumer, 'COUNT', count, 'STREAMS', stream, '0'),
    )) as Raw[] | null;
    if (!r || r.length === 0) return [];
    return this.#entries((r[0] as Raw[])[1] as Raw[], 2);
  }

  async claim(stream: string, minIdleMs: number, count: number): Promise<InputEntry[]> {
    const start = this.#cursors.get(stream) ?? '0-0';
    const r = (await this.#withGroup(stream, () =>
      this.writer.callBuffer('XAUTOCLAIM', stream, this.group, this.consumer, minIdleMs, start, 'COUNT', count),
    )) as Raw[];
    this.#cursors.set(stream, str(r[0]!));
    const got = this.#entries(r[1] as Raw[], 2);
    // Entries deleted from the stream while pending: settle them too (no frame field -> dead-letter).
    for (const id of (r[2] as Raw[] | undefined) ?? []) got.push({ id: str(id), frame: undefined, deliveries: 2 });
    return got;
  }

  async commit(results: readonly ResultEntry[]): Promise<CommitOutcome> {
    if (results.length === 0) return { written: 0, skipped: 0 };
    const keys: string[] = [];
    const keyIndex = new Map<string, number>();
    const k = (name: string) => {
      let i = keyIndex.get(name);
      if (i === undefined) {
        keys.push(name);
        i = keys.length;
        keyIndex.set(name, i);
      }
      return i;
    };
    const argv: (string | Uint8Array | number)[] = [this.group, this.#ttl, this.#prefix];
    for (const r of results) {
      argv.push(k(r.from), k(r.to), r.ack.length, ...r.ack, r.digest ?? '', r.fields.length, ...r.fields);
    }
    const [written, skipped] = (await this.writer.eval(COMMIT_LUA, keys.length, ...keys, ...argv.map((a) => (a instanceof Uint8Array && !Buffer.isBuffer(a) ? Buffer.from(a.buffer, a.byteOffset, a.byteLength) : a)))) as [number, number];
    return { written, skipped };
  }

  async groupState(stream: string): Promise<GroupState> {
    let groups: Raw[];
    try {
      groups = (await this.writer.call('XINFO', 'GROUPS', stream)) as Raw[];
    } catch (e) {
      if (e instanceof Error && /no such key/i.test(e.message)) return { lag: 0, pending: 0 };
      throw e;
    }
    for (const g of groups) {
      const a = g as Raw[];
      const m = new Map<string, Raw>();
      for (let i = 0; i + 1 < a.length; i += 2) m.set(str(a[i]!), a[i + 1]!);
      if (str(m.get('name') ?? '') !== this.group) continue;
      const lag = m.get('lag');
      return { pending: Number(m.get('pending') ?? 0), lag: lag === null || lag === undefined ? -1 : Number(lag) };
    }
    return { lag: -1, pending: 0 };
  }

  async lease(name: string, ttlMs: number): Promise<boolean> {
    return (await this.writer.eval(LEASE_LUA, 1, name, this.consumer, ttlMs)) === 1;
  }

  async release(name: string): Promise<void> {
    await this.writer.eval(RELEASE_LUA, 1, name, this.consumer);
  }

  /** Disconnects from redis. */
  async close(): Promise<void> {
    this.reader.disconnect();
    await this.writer.quit().catch(() => this.writer.disconnect());
  }
}
