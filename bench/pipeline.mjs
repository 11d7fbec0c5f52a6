// `npm run bench -- pipeline`: end-to-end frames/s through a real redis-server (started here on
// a free loopback port, stopped at the end) with `gbcs pipe` consumer processes: 1 and 2
// consumers, decode only and with --keys (verify + decrypt). The input stream is filled first;
// the clock runs from the first result to the last (process start-up excluded). Then a 1M-frame
// run with one consumer reports its RSS over time (memory must stay flat).
// What bounds it (issue 16 item 6) is measured beside, in the same run: the decode step alone
// in this process (decodeForPipeline: decode + payload tree + typed view + JSON text, no
// Redis); and Redis alone: the same Pipeline loop against
// the same redis-server with a decoder that does nothing (reads, atomic commits, XADDs).
// Set PIPELINE_BENCH_FRAMES / PIPELINE_BENCH_BIG to change the run sizes.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { decodeFrame } from '../dist/index.js';
import { decodeForPipeline, Pipeline, RedisStreamsTransport } from '../dist/pipeline/index.js';

const ROOT = new URL('../', import.meta.url);
const CLI = new URL('dist/cli/main.js', ROOT).pathname;
const KEYS = new URL('test/fixtures/keys', ROOT).pathname;
const N = Number(process.env.PIPELINE_BENCH_FRAMES ?? 100_000);
const BIG = Number(process.env.PIPELINE_BENCH_BIG ?? 1_000_000);

/** Non-GBT frames of a fixture file (GBT segments go through partitions: not this bench). */
function frames(name) {
  return readFileSync(new URL(`test/fixtures/${name}`, ROOT), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => Buffer.from(l.trim(), 'hex'))
    .filter((b) => decodeFrame(b).kind !== 'gbt');
}

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'gbcs-redis-bench-'));
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.on('error', reject);
    child.stdout.on('data', (c) => {
      out += c;
      if (/Ready to accept connections/.test(out)) resolve();
    });
  });
  child.stdout.resume();
  return {
    pid: child.pid,
    url: `redis://127.0.0.1:${port}`,
    async close() {
      await new Promise((r) => {
        child.once('exit', r);
        child.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function fill(r, n, pool) {
  for (let i = 0; i < n; i += 5000) {
    const p = r.pipeline();
    for (let j = i; j < Math.min(n, i + 5000); j++) p.xadd('in', '*', 'frame', pool[j % pool.length]);
    await p.exec();
  }
}

async function runCase(r, url, { consumers, keys, n, pool, memory = false, extra: more = [] }) {
  await r.flushall();
  await fill(r, n, pool);
  const extra = [...(keys ? ['--keys', KEYS, '--acb', '90b3d51f30000002'] : []), ...more];
  const procs = Array.from({ length: consumers }, (_, i) =>
    spawn(process.execPath, [CLI, 'pipe', '--redis', url, '--in', 'in', '--out', 'out', '--dead-letter', 'dead', '--group', 'g', '--consumer', `c${i}`, '--batch', '500', '--partitions', '0', '--idle-exit', '500', '--metrics', memory ? '2000' : '0', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] }),
  );
  const rss = [];
  for (const p of procs) p.stderr.on("data", (c) => { for (const m of String(c).matchAll(/rss (\d+) MiB/g)) rss.push(Number(m[1])); });
  const exits = procs.map((p) => new Promise((res) => p.on('exit', res)));
  let t0;
  let done = 0;
  for (;;) {
    done = (await r.xlen('out')) + (await r.xlen('dead'));
    if (done > 0 && t0 === undefined) t0 = performance.now();
    if (done >= n) break;
    await new Promise((res) => setTimeout(res, 5));
  }
  const ms = performance.now() - t0;
  await Promise.all(exits);
  return { fps: Math.round((n * 1000) / ms), dead: await r.xlen('dead'), rss };
}

/** Frames/s of `fn` over `n` frames of `pool` on this thread (CPU-bound steps, no Redis). */
async function perSecond(n, pool, fn) {
  for (let i = 0; i < Math.min(n, 2000); i++) await fn(pool[i % pool.length]); // warm-up
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn(pool[i % pool.length]);
  const c = process.cpuUsage(c0);
  return { fps: Math.round((n * 1000) / (performance.now() - t0)), cpuUs: (c.user + c.system) / n };
}

/** CPU time (ms) a process has used so far (Linux /proc; undefined elsewhere). */
function cpuMsOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, in ticks of 10 ms
  } catch {
    return undefined;
  }
}

/** Frames/s of the Pipeline loop against Redis with a decoder that does no work (the transport's bound). */
async function redisOnly(r, url, n, pool, serverPid) {
  await r.flushall();
  await fill(r, n, pool);
  // No decode: a constant result, with the frame's digest as the real step gives it (the commit's repeat marking works the same).
  const decoder = { decode: async (frames) => frames.map((f) => ({ kind: 'result', json: '{}', digest: createHash('sha1').update(f).digest('hex') })), close: async () => {} };
  const transport = new RedisStreamsTransport({ url, group: 'g', consumer: 'null' });
  const p = new Pipeline({ transport, decoder, input: 'in', output: 'out', deadLetter: 'dead', batchSize: 500, gbtPartitions: 0, idleExitMs: 300, blockMs: 100 });
  const s0 = cpuMsOf(serverPid);
  const c0 = process.cpuUsage();
  const running = p.run();
  // Clocked as runCase: from the first result to the last (not to the idle exit).
  let t0;
  for (;;) {
    const done = (await r.xlen('out')) + (await r.xlen('dead'));
    if (done > 0 && t0 === undefined) t0 = performance.now();
    if (done >= n) break;
    await new Promise((res) => setTimeout(res, 5));
  }
  const ms = performance.now() - t0;
  await running;
  const c = process.cpuUsage(c0);
  const s1 = cpuMsOf(serverPid);
  await transport.close();
  return { fps: Math.round((n * 1000) / ms), clientCpuUs: (c.user + c.system) / n, serverCpuUs: s0 === undefined || s1 === undefined ? undefined : ((s1 - s0) * 1000) / n };
}

export async function run() {
  const server = await startRedis();
  const r = new Redis(server.url);
  try {
    const plain = frames('frames.hex');
    const secured = frames('security.hex');
    console.log(`\npipeline: end to end through redis-server (${N} frames per case, batch 500, ${plain.length} distinct frames; verify: ${secured.length})`);
    const rows = [];
    for (const keys of [false, true]) {
      for (const consumers of [1, 2]) {
        const res = await runCase(r, server.url, { consumers, keys, n: N, pool: keys ? secured : plain });
        rows.push(res.fps);
        console.log(`  ${keys ? 'verify+decrypt' : 'decode only   '}  ${consumers} consumer${consumers > 1 ? 's' : ' '}  ${String(res.fps).padStart(7)} frames/s  (dead-lettered ${res.dead})`);
      }
    }
    const w2 = await runCase(r, server.url, { consumers: 1, keys: false, n: N, pool: plain, extra: ['--workers', '2'] });
    console.log(`  decode only     1 consumer --workers 2  ${String(w2.fps).padStart(7)} frames/s`);
    console.log(`  ratios: 2/1 consumers decode ${(rows[1] / rows[0]).toFixed(2)}, verify ${(rows[3] / rows[2]).toFixed(2)}; verify/decode (1 consumer) ${(rows[2] / rows[0]).toFixed(2)}; --workers 2/1 consumer ${(w2.fps / rows[0]).toFixed(2)}`);
    // What bounds it: each part alone, same run.
    const m = Math.min(N, 20_000);
    const step = await perSecond(m, plain, (b) => decodeForPipeline(b));
    const redis = await redisOnly(r, server.url, N, plain, server.pid);
    console.log(`  bound: decode step alone (this thread, no Redis: decode, payload tree, typed view, SHA-1 digest, JSON text) ${step.fps} frames/s, ${step.cpuUs.toFixed(1)} us CPU a frame`);
    console.log(`         Redis alone (the same Pipeline loop and commits, no-op decoder) ${redis.fps} frames/s, CPU a frame: client ${redis.clientCpuUs.toFixed(1)} us + redis-server ${redis.serverCpuUs === undefined ? '?' : redis.serverCpuUs.toFixed(1)} us`);
    console.log(`  end to end / decode step alone (1 consumer): ${(rows[0] / step.fps).toFixed(2)}; end to end / Redis alone: ${(rows[0] / redis.fps).toFixed(2)}`);
    if (BIG > 0) {
      const res = await runCase(r, server.url, { consumers: 1, keys: false, n: BIG, pool: plain, memory: true });
      const [first, ...rest] = res.rss;
      console.log(`  ${BIG} frames, 1 consumer: ${res.fps} frames/s; consumer RSS every 2 s (MiB): ${[first, ...rest].join(' ')}`);
    }
  } finally {
    r.disconnect();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
