// A real redis-server for the pipeline tests and bench (Debian package redis-server; .ci/run
// installs it): started on a free loopback port in a temporary folder, stopped by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Stops the server (SIGTERM: an append-only file is flushed) and waits for its exit. */
  stop(): Promise<void>;
  /** Stops and starts it again on the same port and folder (data kept with appendonly). */
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function launch(port: number, dir: string, appendonly: boolean): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', appendonly ? 'yes' : 'no', '--appendfsync', 'always', '--protected-mode', 'no'];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`redis-server cannot be started (apt-get install redis-server): ${e.message}`));
    });
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        child.stdout!.resume();
        resolve(child);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}): ${out}`));
    });
  });
}

/** Starts redis-server on a free 127.0.0.1 port (appendonly: persists across restart()). */
export async function startRedis(opts: { appendonly?: boolean } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gbcs-redis-'));
  const appendonly = opts.appendonly ?? false;
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(port, dir, appendonly);
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    stop,
    async restart() {
      await stop();
      child = await launch(port, dir, appendonly);
    },
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
