// The adapter pipeline (issue 16) against a real redis-server (test/redisServer.ts), no mocks:
// results and dead letters with `source`, repeats, ack-gated commit when two consumers hold the
// same entry, GBT segments reassembled through partition streams, keys, and with real child
// processes: a consumer killed with SIGKILL mid-run, Redis restarted mid-run.
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame } from '../src/decode.js';
import { segmentMessage } from '../src/gbt/segment.js';
import { Pipeline, RedisStreamsTransport, inProcessDecoder, partitionOf } from '../src/pipeline/index.js';
import { folderKeyStore } from '../src/security/pemKeyStore.js';
import { CLI_BIN } from './cliHarness.js';
import { readFixtures } from './fixtures.js';
import { startRedis, type RedisServer } from './redisServer.js';

const FRAMES = readFixtures('frames.hex');
const KEYS = new URL('./fixtures/keys', import.meta.url).pathname;

type Entry = [id: string, fields: Record<string, string>];

async function entries(r: Redis, stream: string): Promise<Entry[]> {
  const out: Entry[] = [];
  let start = '-';
  for (;;) {
    const got = (await r.xrange(stream, start, '+', 'COUNT', 5000)) as [string, string[]][];
    for (const [id, f] of got) {
      if (id === start) continue;
      const m: Record<string, string> = {};
      for (let i = 0; i < f.length; i += 2) m[f[i]!] = f[i + 1]!;
      out.push([id, m]);
    }
    if (got.length < 5000) return out;
    start = got[got.length - 1]![0];
  }
}

async function produce(r: Redis, stream: string, values: (string | Buffer)[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < values.length; i += 1000) {
    const p = r.pipeline();
    for (const v of values.slice(i, i + 1000)) p.xadd(stream, '*', 'frame', v);
    for (const [e, id] of (await p.exec())!) {
      if (e) throw e;
      ids.push(id as string);
    }
  }
  return ids;
}

/** Every input id exactly once across output and dead-letter `source`s (GBT: `sources`). */
async function settledOnce(r: Redis, ids: string[], out: string, dead: string): Promise<{ out: Entry[]; dead: Entry[] }> {
  const o = await entries(r, out);
  const d = await entries(r, dead);
  const seen = new Map<string, number>();
  for (const [, f] of [...o, ...d]) for (const s of (f['sources'] ?? f['source']!).split(',')) seen.set(s, (seen.get(s) ?? 0) + 1);
  const doubled = [...seen].filter(([, n]) => n > 1);
  const missing = ids.filter((id) => !seen.has(id));
  expect({ doubled: doubled.slice(0, 5), missing: missing.slice(0, 5), extra: seen.size - ids.length + missing.length }).toEqual({ doubled: [], missing: [], extra: 0 });
  return { out: o, dead: d };
}

function pipe(url: string, name: string, extra: string[] = []): ChildProcess {
  const args = [CLI_BIN, 'pipe', '--lease', '1500', '--redis', url, '--in', 'in', '--out', 'out', '--dead-letter', 'dead', '--group', 'g', '--consumer', name, '--metrics', '500', ...extra];
  return spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function exited(c: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  c.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => c.on('close', (code) => resolve({ code, stderr })));
}

async function until(cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond().catch(() => false))) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('pipeline on a real redis-server', () => {
  let server: RedisServer;
  let r: Redis;
  beforeAll(async () => {
    server = await startRedis();
    r = new Redis(server.url);
  });
  afterAll(async () => {
    r?.disconnect();
    await server?.close();
  });
  const fresh = async () => void (await r.flushall());

  function consumer(name: string, extra: Partial<ConstructorParameters<typeof Pipeline>[0]> = {}) {
    const transport = new RedisStreamsTransport({ url: server.url, group: 'g', consumer: name });
    const p = new Pipeline({ transport, input: 'in', output: 'out', deadLetter: 'dead', idleExitMs: 100, blockMs: 50, ...extra });
    return { transport, p };
  }

  it('writes one result per frame (hex, base64, binary), dead-letters malformed input with reason and offset, marks repeats', async () => {
    await fresh();
    const f0 = FRAMES[0]!;
    const bad = f0.hex.slice(0, 40); // truncated frame
    const values = [f0.hex, Buffer.from(f0.bytes).toString('base64'), Buffer.from(f0.bytes), FRAMES[1]!.hex, bad, 'not a frame!'];
    const ids = await produce(r, 'in', values);
    await r.xadd('in', '*', 'other', 'x'); // no frame field
    ids.push(((await r.xrevrange('in', '+', '-', 'COUNT', 1)) as [string, string[]][])[0]![0]);
    const { transport, p } = consumer('c1');
    const m = await p.run();
    await transport.close();
    const { out, dead } = await settledOnce(r, ids, 'out', 'dead');
    expect(out.map(([, f]) => f['source'])).toEqual(ids.slice(0, 4));
    const first = JSON.parse(out[0]![1]['result']!) as { messageCode: number };
    expect(first.messageCode).toBe(JSON.parse(out[1]![1]['result']!).messageCode);
    // The same frame bytes as entries 2 and 3 (base64, binary): repeats of the first entry.
    expect(out.map(([, f]) => f['repeat-of'])).toEqual([undefined, ids[0], ids[0], undefined]);
    const byReason = Object.fromEntries(dead.map(([, f]) => [f['source'], f]));
    expect(byReason[ids[4]!]!['reason']).toMatch(/^[a-z-]+$/);
    expect(Number(byReason[ids[4]!]!['offset'])).toBeGreaterThan(0);
    expect(byReason[ids[4]!]!['frame']).toBe(bad);
    expect(byReason[ids[5]!]!['reason']).toBe('text-input');
    expect(byReason[ids[6]!]!['reason']).toBe('no-frame-field');
    expect(m).toMatchObject({ written: 4, deadLettered: 3, frames: 7, pending: 0, lag: 0 });
  });

  it('writes a result once when two consumers hold the same entry (ack-gated commit)', async () => {
    await fresh();
    const ids = await produce(r, 'in', FRAMES.slice(0, 5).map((f) => f.hex));
    const a = new RedisStreamsTransport({ url: server.url, group: 'g', consumer: 'a' });
    const b = new RedisStreamsTransport({ url: server.url, group: 'g', consumer: 'b' });
    await a.ensureGroup('in');
    const got = await a.read('in', 10, 0);
    expect(got).toHaveLength(5);
    // a stalls; b claims a's entries and settles them first.
    const claimed = await b.claim('in', 0, 10);
    expect(claimed.map((e) => e.id)).toEqual(ids);
    const res = (t: string) => got.map((e) => ({ ack: [e.id], from: 'in', to: 'out', fields: ['source', e.id, 'result', t], digest: e.id }));
    expect(await b.commit(res('b'))).toEqual({ written: 5, skipped: 0 });
    expect(await a.commit(res('a'))).toEqual({ written: 0, skipped: 5 });
    const out = await entries(r, 'out');
    expect(out.map(([, f]) => f['result'])).toEqual(['b', 'b', 'b', 'b', 'b']);
    await a.close();
    await b.close();
  });

  it('routes GBT segments by conversation to partition streams and reassembles them in one consumer', async () => {
    await fresh();
    const msgs = FRAMES.slice(0, 6).map((f) => f.bytes);
    const segs = msgs.map((m) => segmentMessage(m, { blockSize: 16 }));
    // Interleave the conversations, blocks out of order within each.
    const values: Buffer[] = [];
    for (let i = 0; segs.some((s) => s.length > i); i++) for (const s of segs) if (s.length > i) values.push(Buffer.from(s[s.length - 1 - i]!));
    const ids = await produce(r, 'in', values);
    const c1 = consumer('c1', { gbtPartitions: 3, idleExitMs: 400 });
    const c2 = consumer('c2', { gbtPartitions: 3, idleExitMs: 400 });
    const [m1, m2] = await Promise.all([c1.p.run(), c2.p.run()]);
    await c1.transport.close();
    await c2.transport.close();
    const { out, dead } = await settledOnce(r, ids, 'out', 'dead');
    expect(dead).toEqual([]);
    expect(out).toHaveLength(msgs.length);
    for (const [, f] of out) expect(Number(f['blocks'])).toBe(f['sources']!.split(',').length);
    expect(m1.routed + m2.routed).toBe(values.length);
    expect(partitionOf('x', 3)).toBe(partitionOf('x', 3));
    // Same message bytes as a plain frame decode: the reassembled frame's JSON.
    const codes = out.map(([, f]) => (JSON.parse(f['result']!) as { messageCode: number }).messageCode).sort();
    expect(codes).toEqual(msgs.map((m) => decodeFrame(m).messageCode).sort());
  });

  it('a GBT partition taken over by another consumer replays the blocks its old owner held', async () => {
    await fresh();
    const segs = segmentMessage(FRAMES[0]!.bytes, { blockSize: 16 });
    expect(segs.length).toBeGreaterThan(3);
    const ids = await produce(r, 'in', segs.slice(0, -1).map((b) => Buffer.from(b)));
    const a = consumer('a', { gbtPartitions: 1, idleExitMs: undefined });
    const running = a.p.run();
    try {
      // a owns the partition and holds every block but the last, pending.
      await until(async () => ((await r.xpending('in:gbt:0', 'g')) as [number])[0] === segs.length - 1);
    } finally {
      a.p.stop();
      await running;
    }
    await a.transport.close();
    ids.push(...(await produce(r, 'in', [Buffer.from(segs[segs.length - 1]!)])));
    const b = consumer('b', { gbtPartitions: 1, idleExitMs: 300 });
    await b.p.run();
    await b.transport.close();
    const { out, dead } = await settledOnce(r, ids, 'out', 'dead');
    expect(dead).toEqual([]);
    expect(out).toHaveLength(1);
    expect(out[0]![1]['blocks']).toBe(String(segs.length));
    expect(out[0]![1]['sources']).toBe(ids.join(','));
  });

  it('with keys: results carry the security checks; a frame whose key is unknown is dead-lettered', async () => {
    await fresh();
    const sec = readFixtures('security.hex');
    const ids = await produce(r, 'in', sec.map((f) => f.hex));
    const { transport, p } = consumer('k', { decoder: inProcessDecoder({ keyStore: folderKeyStore(KEYS), acb: '90b3d51f30000002' }) });
    await p.run();
    await transport.close();
    const { out, dead } = await settledOnce(r, ids, 'out', 'dead');
    expect(out.length).toBeGreaterThan(0);
    for (const [, f] of out) expect(JSON.parse(f['result']!).security).toBeDefined();
    for (const [, f] of dead) expect(f['reason']).toMatch(/^(signature|mac|decrypt)-(invalid|key-unknown)$|^[a-z-]+$/);
  });

  it('a consumer killed with SIGKILL mid-run: the other claims its entries, every entry settled exactly once', async () => {
    await fresh();
    const n = 20_000;
    const ids = await produce(r, 'in', Array.from({ length: n }, (_, i) => FRAMES[i % FRAMES.length]!.hex));
    const victim = pipe(server.url, 'victim', ['--batch', '200']);
    const victimExit = exited(victim);
    await until(async () => (await r.xlen('out')) + (await r.xlen('dead')) > 1000);
    const survivor = pipe(server.url, 'survivor', ['--workers', '2', '--batch', '200', '--claim-idle', '1000', '--idle-exit', '1500']);
    const survivorExit = exited(survivor);
    await until(async () => (await r.xlen('out')) + (await r.xlen('dead')) > 3000);
    // Mid-batch: the victim holds delivered, unacknowledged entries.
    const victimPending = async () => Number(((await r.xpending('in', 'g', '-', '+', 1000, 'victim')) as unknown[]).length);
    await until(async () => (await victimPending()) > 0);
    victim.kill('SIGKILL');
    expect((await victimExit).code).toBe(null);
    const held = await victimPending();
    const s = await survivorExit;
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/frames\/s, lag \d+, pending \d+/);
    if (held > 0) expect(s.stderr).toMatch(/claimed [1-9]/);
    await settledOnce(r, ids, 'out', 'dead');
  }, 60_000);
});

describe('pipeline across a Redis restart', () => {
  it('reconnects and goes on; every entry settled exactly once', async () => {
    const server = await startRedis({ appendonly: true });
    const r = new Redis(server.url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
    r.on('error', () => {});
    try {
      const n = 20_000;
      const ids = await produce(r, 'in', Array.from({ length: n }, (_, i) => FRAMES[i % FRAMES.length]!.hex));
      const c = pipe(server.url, 'c', ['--batch', '50', '--idle-exit', '1500']);
      const done = exited(c);
      await until(async () => (await r.xlen('out')) > 2000);
      await server.restart();
      const res = await done;
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toMatch(/connection lost, reconnecting/);
      await settledOnce(r, ids, 'out', 'dead');
    } finally {
      r.disconnect();
      await server.close();
    }
  }, 60_000);
});

describe('gbcs pipe start-up without Redis', () => {
  it('ends after --connect-timeout with exit 5 and one line (no stack, no retrying forever)', async () => {
    // A port nobody listens on: a redis-server started and stopped (its port is free again).
    const server = await startRedis();
    const url = server.url;
    await server.close();
    const t0 = Date.now();
    const res = await exited(pipe(url, 'c', ['--connect-timeout', '1500']));
    const ms = Date.now() - t0;
    expect(res.code, res.stderr).toBe(5);
    expect(res.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^gbcs pipe: cannot reach redis at redis:\/\/127\.0\.0\.1:\d+ within 1\.5 s: .*ECONNREFUSED/)]);
    expect(ms).toBeGreaterThanOrEqual(1500);
    expect(ms).toBeLessThan(15_000);
  }, 30_000);

  it('a password in the URL is not printed', async () => {
    const server = await startRedis();
    const port = server.port;
    await server.close();
    const res = await exited(pipe(`redis://user:s3cret@127.0.0.1:${port}`, 'c', ['--connect-timeout', '500']));
    expect(res.code, res.stderr).toBe(5);
    expect(res.stderr).not.toMatch(/s3cret/);
  }, 30_000);

  it('a Redis that comes up within the wait is used: the consumer connects and settles every entry', async () => {
    const server = await startRedis({ appendonly: true });
    const r = new Redis(server.url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
    r.on('error', () => {});
    try {
      const ids = await produce(r, 'in', FRAMES.map((f) => f.hex));
      await server.stop();
      const c = pipe(server.url, 'c', ['--connect-timeout', '20000', '--idle-exit', '1000']);
      const done = exited(c);
      await new Promise((res) => setTimeout(res, 1000));
      await server.restart();
      const res = await done;
      expect(res.code, res.stderr).toBe(0);
      await settledOnce(r, ids, 'out', 'dead');
    } finally {
      r.disconnect();
      await server.close();
    }
  }, 60_000);
});
