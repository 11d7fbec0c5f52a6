// Verification on one core vs the decode pool on every core, and the CLI's lines/s
// (`gbcs decode --json -`, one thread and --workers 2). Corpus: RTDS with its keystore when
// present, else the project's security fixtures. With GBCS_BENCH_BASELINE=<another
// build's dist/index.js> the one-core verify rows and the CLI row also run that build, in
// the same run (x baseline = before/after ratio).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import * as current from '../dist/index.js';
import * as currentNode from '../dist/node.js';
import { corpusBytes, loadCorpus } from './corpus.mjs';
import { loadBaseline, runPaired } from './throughput.mjs';

const ACB = '90b3d51f30000002';

function securityCorpus() {
  const rtds = process.env.GBCS_RTDS_DIR ?? new URL('../../shared/rtds', import.meta.url).pathname;
  if (existsSync(join(rtds, 'keystore'))) return { ...loadCorpus(), keys: join(rtds, 'keystore') };
  const text = readFileSync(new URL('../test/fixtures/security.hex', import.meta.url), 'utf8');
  const frames = text.split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => Uint8Array.from(Buffer.from(l.trim(), 'hex')));
  return { name: `project security fixtures (${frames.length} messages)`, frames, keys: new URL('../test/fixtures/keys', import.meta.url).pathname };
}

/** folderKeyStore of a build: gbcs-codec/node today, the main entry in older builds. */
async function keyStoreOf(lib, indexPath, keys) {
  if (lib.folderKeyStore) return lib.folderKeyStore(keys);
  const node = await import(pathToFileURL(join(dirname(resolve(indexPath)), 'node.js')).href);
  return node.folderKeyStore(keys);
}

function runCli(cli, args, input) {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'ignore', 'ignore'] });
    p.on('error', rej);
    p.on('exit', () => res());
    p.stdin.end(input);
  });
}

/** Bytes the CLI writes to stdout for `input` (once, outside the timing). */
function runCliOut(cli, args, input) {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'pipe', 'ignore'] });
    let n = 0;
    p.stdout.on('data', (c) => (n += c.length));
    p.on('error', rej);
    p.on('exit', () => res(n));
    p.stdin.end(input);
  });
}

/** Only the CLI rows (`node bench/parallel.mjs --cli`). */
const CLI_ONLY = process.argv.includes('--cli');

export async function run() {
  const { name, frames, keys } = securityCorpus();
  const baseline = await loadBaseline();
  const bytes = corpusBytes(frames);
  const cores = availableParallelism();
  console.log(`\nParallel corpus: ${name}, ${bytes} bytes, ${cores} cores${baseline ? `; baseline ${baseline.path}` : ''}`);
  let sink = 0;
  if (!CLI_ONLY) {
    const ksNow = currentNode.folderKeyStore(keys);
    const ksBase = baseline ? await keyStoreOf(baseline.lib, baseline.path, keys) : undefined;
    const ksOf = (l) => (l === current ? ksNow : ksBase);
    for (const f of frames) await current.verifyFrame(f, ksNow, { acb: ACB }); // parse every key once, outside the timing
    if (ksBase) for (const f of frames) await baseline.lib.verifyFrame(f, ksBase, { acb: ACB });
    // The floor of any verify pass: node:crypto's ECDSA P-256 verify alone, keys parsed once
    // (KeyObjects), over the corpus's signed bytes. The platform's crypto is not ours to
    // hand-roll, so baseline time / this time is the highest ratio a verify row can print
    // (the ceiling), as ota-stream prints its SHA-256 ceiling.
    const { verify: ecdsaVerify } = await import('node:crypto');
    const signed = [];
    for (const f of frames) {
      const fr = current.decodeFrame(f);
      if (fr.kind === 'gbt' || fr.signatureState !== 'present') continue;
      const key = await ksNow(fr.originator, 'DS');
      if (key) signed.push({ key: { key, dsaEncoding: 'ieee-p1363' }, data: fr.signedBytes, sig: fr.signature });
    }
    const verifyRows = await runPaired(
      'Verification on one core (bytes input)',
      [
        {
          name: `ECDSA verify alone (crypto.verify, cached KeyObjects; ${signed.length} signatures): the floor of any verify pass`,
          input: 'bytes',
          paired: false,
          make: () => () => { for (const s of signed) sink += ecdsaVerify('sha256', s.data, s.key, s.sig) ? 1 : 0; },
        },
        { name: 'decode + verify (signature and MAC)', input: 'bytes', make: (l) => async () => { for (const f of frames) sink += (await l.verifyFrame(l.decodeFrame(f), ksOf(l), { acb: ACB })).ok ? 1 : 0; } },
        {
          name: 'decode + verify + open (decrypt, payload tree)',
          input: 'bytes',
          make: (l) => async () => {
            for (const f of frames) {
              const fr = l.decodeFrame(f);
              sink += (await l.verifyFrame(fr, ksOf(l), { acb: ACB })).ok ? 1 : 0;
              if (fr.kind !== 'gbt' && fr.payloadFormat !== 'unknown') sink += (await l.openFrame(fr, ksOf(l))).decryption.parts.length;
            }
          },
        },
      ],
      { units: frames.length, bytes, baseline, time: 1500 },
    );
    const floor = verifyRows[0].perSec;
    const ceiling = (r) => (r.base ? `${(floor / r.base).toFixed(2)}x` : '-');
    console.log(
      `ECDSA alone: ${(1e6 / floor).toFixed(1)} us per corpus frame. Ceiling (baseline time / ECDSA-alone time): decode + verify ${ceiling(verifyRows[1])}, decode + verify + open ${ceiling(verifyRows[2])}; ` +
        `reached: ${verifyRows[1].base ? (verifyRows[1].perSec / verifyRows[1].base).toFixed(2) : '-'}x and ${verifyRows[2].base ? (verifyRows[2].perSec / verifyRows[2].base).toFixed(2) : '-'}x; ` +
        `time above ECDSA per frame: ${(1e6 / verifyRows[1].perSec - 1e6 / floor).toFixed(1)} us (verify: MAC's key derivation and GCM, lookups), ${(1e6 / verifyRows[2].perSec - 1e6 / floor).toFixed(1)} us (verify + open: also the payload tree and the decryption)`,
    );

    // The pool: decode + verify + open per frame (its default task with a key folder).
    const pools = [1, 2].filter((n) => n <= Math.max(2, cores)).map((n) => ({ n, pool: currentNode.createDecodePool({ workers: n, keys, acb: ACB, batchSize: 64 }) }));
    // Warm-up to steady state before timing: every worker isolate JITs the whole decode,
    // verify and JSON path on its own, and sees only its share of the frames, so after one
    // pass a 2-worker pool still spends about a third of its CPU in background compilation
    // (measured with --no-concurrent-recompilation and per-thread CPU from /proc). Twelve
    // passes each (and as many for the one-core task) leave that under 5%.
    for (let r = 0; r < 12; r++) {
      for (const f of frames) sink += (await currentNode.frameRecord(f, ksNow, ACB)).length;
      for (const { pool } of pools) await pool.decode(frames);
    }
    // Interleaved rounds (each case once per round, median round per case): the machine is
    // shared, and a load change then moves every row alike.
    const cases = [
      ['one core: frameRecord() = decode + verify + open + JSON text, the pool task (bytes)', async () => { for (const f of frames) sink += (await currentNode.frameRecord(f, ksNow, ACB)).length; }],
      ...pools.map(({ n, pool }) => [`createDecodePool({ workers: ${n} }): the same task (bytes)`, async () => { sink += (await pool.decode(frames)).length; }]),
    ];
    const poolTimes = cases.map(() => []);
    for (let round = 0; round < 3; round++) {
      const bench = new Bench({ time: 500, warmupTime: round === 0 ? 300 : 50 });
      for (const [name, fn] of cases) bench.add(name, fn);
      await bench.run();
      bench.tasks.forEach((t, k) => poolTimes[k].push(t.result));
    }
    const med = (k) => [...poolTimes[k]].sort((a, b) => a.period - b.period)[1];
    console.log('\n## Verification: one core vs the decode pool (same work per frame; median of 3 interleaved rounds)');
    console.log('| case | msg/s | ns/msg | ratio to one core | ±% |\n|---|---:|---:|---:|---:|');
    const base1 = 1000 / med(0).period;
    cases.forEach(([name], k) => {
      const r = med(k);
      const per = (1000 / r.period) * frames.length;
      console.log(`| ${name} | ${Math.round(per).toLocaleString('en')} | ${(1e9 / per).toFixed(0)} | ${(1000 / r.period / base1).toFixed(2)}x | ${r.latency.rme.toFixed(1)} |`);
    });
    for (const { pool } of pools) await pool.close();
  }

  // The CLI, end to end: lines/s of `gbcs decode --json -` over the corpus repeated to at
  // least 150k lines, stdout to /dev/null: long enough that process start-up (~0.1 s) and the
  // workers' own start and JIT warm-up (each worker isolate compiles the decoder again: about
  // 0.3 s of CPU) do not dominate the --workers rows.
  const reps = Math.max(1, Math.ceil(150_000 / frames.length));
  const lines = `${Array.from({ length: reps }, () => frames.map((f) => Buffer.from(f).toString('hex')).join('\n')).join('\n')}\n`;
  const nLines = frames.length * reps;
  const cli = new URL('../dist/cli/main.js', import.meta.url).pathname;
  const cliBase = baseline ? join(dirname(resolve(baseline.path)), 'cli', 'main.js') : undefined;
  const cliRows = [];
  if (cliBase && existsSync(cliBase)) cliRows.push({ name: 'baseline: gbcs decode --json - (hex text lines, one thread)', cli: cliBase, args: ['decode', '--json', '-'] });
  cliRows.push({ name: 'gbcs decode --json - (hex text lines, one thread)', cli, args: ['decode', '--json', '-'], one: true });
  cliRows.push({ name: 'gbcs decode --json --workers 1 - (hex text lines)', cli, args: ['decode', '--json', '--workers', '1', '-'] });
  cliRows.push({ name: 'gbcs decode --json --workers 2 - (hex text lines)', cli, args: ['decode', '--json', '--workers', '2', '-'] });
  // Interleaved: one run of every row per round (a load change on the shared machine then
  // moves every row alike), a warm-up round, then the median of three rounds per row.
  const times = cliRows.map(() => []);
  for (let round = 0; round < 4; round++) {
    const cb = new Bench({ iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 });
    // async functions, not arrows returning a promise: tinybench (6.x) calls a non-async task once
    // when it is added, to see whether it returns a promise, and does not wait for that call: each
    // row then spawned one extra CLI process at add time, running beside the measured ones (found
    // 2026-12-01: the CLI rows of every run before then overlapped up to four processes).
    for (const row of cliRows) cb.add(row.name, async () => { await runCli(row.cli, row.args, lines); });
    await cb.run();
    if (round > 0) cb.tasks.forEach((t, k) => times[k].push(t.result.period));
  }
  const period = (k) => [...times[k]].sort((a, b) => a - b)[times[k].length >> 1];
  const spread = (k) => ((Math.max(...times[k]) - Math.min(...times[k])) / period(k)) * 50;
  // JSON bytes per line of each build (the record grew: names and offsets on every node), so
  // MB/s of JSON written is printed beside lines/s (measured on one pass of the corpus).
  const once = `${frames.map((f) => Buffer.from(f).toString('hex')).join('\n')}\n`;
  for (const row of cliRows) row.bytesPerLine = (await runCliOut(row.cli, row.args, once)) / frames.length;
  const bytesOut = cliRows[cliRows.length - 1].bytesPerLine;
  console.log(`\n## CLI lines/s (${nLines.toLocaleString('en')} hex text lines per run = ${name} x ${reps}, process start included, stdout to /dev/null; ${Math.round(bytesOut).toLocaleString('en')} bytes of JSON per line; median of 3 interleaved rounds)`);
  console.log(`| case | lines/s | ratio to ${cliBase ? 'baseline' : 'first'} | x one thread | JSON bytes/line | MB/s of JSON | MB/s ratio | ±% |\n|---|---:|---:|---:|---:|---:|---:|---:|`);
  const c0 = 1000 / period(0);
  const oneK = cliRows.findIndex((r) => r.one);
  const mb0 = c0 * nLines * cliRows[0].bytesPerLine / 1e6;
  cliRows.forEach((row, k) => {
    const per = 1000 / period(k);
    const mb = per * nLines * row.bytesPerLine / 1e6;
    console.log(`| ${row.name} | ${Math.round(per * nLines).toLocaleString('en')} | ${(per / c0).toFixed(2)}x | ${(period(oneK) / period(k)).toFixed(2)}x | ${Math.round(row.bytesPerLine).toLocaleString('en')} | ${mb.toFixed(1)} | ${(mb / mb0).toFixed(2)}x | ${spread(k).toFixed(1)} |`);
  });

  // One thread: process start alone (empty stdin) and lines/s with it taken out (the steady
  // state a longer input tends to; start-up is paid once per run). Issue 12 item 5.
  const sb = new Bench({ iterations: 10, time: 0, warmupIterations: 2, warmupTime: 0 });
  for (const row of cliRows) if (!row.args.includes('--workers')) sb.add(row.name, async () => { await runCli(row.cli, row.args, ''); });
  await sb.run();
  console.log(`\n## CLI start-up (empty stdin) and one-thread lines/s without it (${nLines.toLocaleString('en')} hex text lines per run, as above)`);
  console.log(`| case | start-up ms | lines/s, start-up included | lines/s, start-up taken out | ratio to ${cliBase ? 'baseline' : 'first'} | ±% of start-up |\n|---|---:|---:|---:|---:|---:|`);
  let steady0;
  for (const t of sb.tasks) {
    const whole = period(cliRows.findIndex((r) => r.name === t.name));
    const start = t.result.period;
    const steady = (nLines * 1000) / (whole - start);
    steady0 ??= steady;
    console.log(`| ${t.name} | ${start.toFixed(0)} | ${Math.round((nLines * 1000) / whole).toLocaleString('en')} | ${Math.round(steady).toLocaleString('en')} | ${(steady / steady0).toFixed(2)}x | ${t.result.latency.rme.toFixed(1)} |`);
  }
  if (sink === -1) console.log(sink);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
