// Runs the CLI in-process with captured streams (fast), or as a real process.
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { main } from '../src/cli/main.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], stdin = '', opts: { isTTY?: boolean } = {}): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  const inp = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  inp.end(stdin);
  const status = await main(args, { stdout: out, stderr: err, stdin: inp, isTTY: opts.isTTY ?? false });
  return { status, stdout, stderr };
}

export const CLI_BIN = new URL('../dist/cli/main.js', import.meta.url).pathname;

/** The built CLI as a child process (exercises the bin entry and exit codes). */
export function spawnCli(args: string[], stdin = ''): CliResult {
  const r = spawnSync(process.execPath, [CLI_BIN, ...args], { input: stdin, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
