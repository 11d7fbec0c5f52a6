// gbcs pipe: one consumer of the adapter pipeline (src/pipeline, README "Pipeline"): reads
// frames from a Redis stream in a consumer group, writes one result per frame to the output
// stream and failures to the dead-letter stream, each acknowledged with its result. Runs until
// SIGINT/SIGTERM (finishes the batch in hand) or, with --idle-exit, until the input is drained.
import { normalizeEui } from '../../bytes.js';
import { folderKeyStore } from '../../security/pemKeyStore.js';
import type { PipelineMetrics } from '../../pipeline/pipeline.js';
import { existsSync, statSync } from 'node:fs';
import { command } from '../args.js';
import { jsonRecord } from '../jsonRecord.js';
import { EXIT_OK, OutputError, UsageError, type Io } from '../io.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../pipeline/transport.js';

function count(name: string, v: string | undefined, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name}: ${JSON.stringify(v)} is not a whole number >= ${min}`);
  return Number(v);
}

/**
 * The metrics line on stderr as one JSON record (`--json`, schema/pipe.schema.json): the
 * pipeline's counters, `final` on the line printed at exit, and the process RSS in MiB.
 */
export function metricsJson(m: PipelineMetrics, final: boolean): string {
  return jsonRecord({ metrics: { ...m }, final, rssMiB: Math.round(process.memoryUsage().rss / 1048576) });
}

/** The metrics line on stderr. */
export function metricsLine(m: PipelineMetrics): string {
  return `gbcs pipe: ${m.framesPerSecond} frames/s, lag ${m.lag < 0 ? '?' : m.lag}, pending ${m.pending}, written ${m.written}, dead-lettered ${m.deadLettered}, routed ${m.routed}, claimed ${m.claimed}, skipped ${m.skipped}, partitions ${m.partitions}, rss ${Math.round(process.memoryUsage().rss / 1048576)} MiB\n`;
}

export const pipeCommand = command({
  summary: 'decode frames from a Redis stream (consumer group) into output and dead-letter streams',
  options: {
    redis: { type: 'string', value: '<url>', help: 'redis://[user:password@]host:port[/db] or rediss:// for TLS (default redis://127.0.0.1:6379)' },
    'tls-ca': { type: 'string', value: '<file>', help: 'PEM CA certificate for rediss:// with a private CA' },
    in: { type: 'string', value: '<stream>', help: 'input stream', required: true },
    out: { type: 'string', value: '<stream>', help: 'output stream (one entry per frame: source, result)', required: true },
    'dead-letter': { type: 'string', value: '<stream>', help: 'dead-letter stream (source, reason, offset, expected, message, frame)', required: true },
    group: { type: 'string', value: '<name>', help: 'consumer group (created when missing)', required: true },
    consumer: { type: 'string', value: '<name>', help: 'this consumer\'s name, unique in the group and stable across restarts', required: true },
    field: { type: 'string', value: '<name>', help: 'input field holding the frame: hex, base64 or binary (default frame)' },
    batch: { type: 'string', value: '<n>', help: 'entries per read and per commit (default 256)' },
    workers: { type: 'string', value: '<n>', help: 'decode threads per process (default 0: decode on the main thread)' },
    keys: { type: 'string', value: '<folder>', help: 'verify and decrypt with the PEM keys in this folder; key-unusable frames are dead-lettered' },
    acb: { type: 'string', value: '<eui>', help: 'access control broker EUI-64 for MAC checks (with --keys)' },
    'claim-idle': { type: 'string', value: '<ms>', help: 'claim entries pending this long on another consumer (default 30000)' },
    partitions: { type: 'string', value: '<n>', help: 'GBT partition streams <in>:gbt:<p> (default 4; 0: segments are decoded as frames)' },
    lease: { type: 'string', value: '<ms>', help: 'GBT partition lease: a dead owner\'s partitions move after this (default 10000)' },
    'repeat-window': { type: 'string', value: '<s>', help: 'seconds a frame digest is remembered to mark repeats (default 86400)' },
    metrics: { type: 'string', value: '<ms>', help: 'metrics line on stderr every <ms> (default 5000; 0: none)' },
    'idle-exit': { type: 'string', value: '<ms>', help: 'exit when nothing arrived for <ms> and nothing is pending or unread' },
    'connect-timeout': { type: 'string', value: '<ms>', help: 'longest wait for Redis at start-up, then exit 5 (default 10000; a Redis lost later is waited for without limit)' },
    json: { type: 'boolean', help: 'stderr as JSON records: metrics {schemaVersion, metrics, final, rssMiB}, redis events {schemaVersion, event} (schema/pipe.schema.json)' },
  },
  notes: `Delivery: at-least-once delivery, exactly-once effect: each input entry ends up once in the output
or the dead-letter stream (field source = input entry id), the result written and the entry
acknowledged in one atomic step. See README "Pipeline" for scaling and TLS/auth.
Start-up: Redis unreachable for --connect-timeout ms (default 10000): one line on stderr, exit 5.
Once connected, a lost Redis (restart) is waited for and the consumer goes on.`,
  async run({ values }, io: Io): Promise<number> {
    const url = values.redis ?? 'redis://127.0.0.1:6379';
    if (!/^rediss?:\/\/[^\s]+$/.test(url)) throw new UsageError(`--redis: ${JSON.stringify(url)} is not a redis:// or rediss:// URL`);
    if (values['tls-ca'] !== undefined && !existsSync(values['tls-ca'])) throw new UsageError(`--tls-ca: ${values['tls-ca']} does not exist`);
    if (values.acb !== undefined && values.keys === undefined) throw new UsageError('--acb needs --keys <folder>');
    if (values.keys !== undefined && (!existsSync(values.keys) || !statSync(values.keys).isDirectory())) throw new UsageError(`--keys: ${values.keys} is not a folder`);
    let acb: string | undefined;
    if (values.acb !== undefined) {
      try {
        acb = normalizeEui(values.acb);
      } catch {
        throw new UsageError(`--acb: ${JSON.stringify(values.acb)} is not an EUI-64 (16 hex digits)`);
      }
    }
    const batchSize = count('batch', values.batch, 256);
    const workers = count('workers', values.workers, 0, 0);
    const claimIdleMs = count('claim-idle', values['claim-idle'], 30_000);
    const gbtPartitions = count('partitions', values.partitions, 4, 0);
    const repeatWindowSeconds = count('repeat-window', values['repeat-window'], 86_400);
    const leaseMs = count('lease', values.lease, 10_000);
    const metricsMs = count('metrics', values.metrics, 5000, 0);
    const connectTimeoutMs = count('connect-timeout', values['connect-timeout'], DEFAULT_CONNECT_TIMEOUT_MS);
    const idleExitMs = values['idle-exit'] === undefined ? undefined : count('idle-exit', values['idle-exit'], 0, 0);

    // Loaded on use: ioredis stays out of every other command's start-up.
    const { inProcessDecoder, poolDecoder, Pipeline, RedisStreamsTransport, BrokerUnreachableError } = await import('../../pipeline/index.js');
    const transport = new RedisStreamsTransport({
      url,
      group: values.group,
      consumer: values.consumer,
      repeatWindowSeconds,
      connectTimeoutMs,
      ...(values.field !== undefined ? { field: values.field } : {}),
      ...(values['tls-ca'] !== undefined ? { tlsCaFile: values['tls-ca'] } : {}),
      // --json: stderr carries only JSON records (connection events too).
      onConnection: (ev) =>
        io.stderr.write(values.json ? jsonRecord({ event: ev === 'ready' ? 'connected' : 'reconnecting' }) : `gbcs pipe: redis ${ev === 'ready' ? 'connected' : 'connection lost, reconnecting'}\n`),
    });
    const segmentsAsFrames = gbtPartitions === 0;
    // --workers N: the decode pool (worker threads, each with its own key store); else this thread.
    const decoder =
      workers > 0
        ? await poolDecoder({ workers, segmentsAsFrames, ...(values.keys !== undefined ? { keys: values.keys } : {}), ...(acb ? { acb } : {}) })
        : inProcessDecoder({ segmentsAsFrames, ...(values.keys !== undefined ? { keyStore: folderKeyStore(values.keys), ...(acb ? { acb } : {}) } : {}) });
    const pipeline = new Pipeline({
      transport,
      decoder,
      input: values.in,
      output: values.out,
      deadLetter: values['dead-letter'],
      batchSize,
      claimIdleMs,
      gbtPartitions,
      leaseMs,
      ...(idleExitMs !== undefined ? { idleExitMs } : {}),
      metricsIntervalMs: metricsMs || 5000,
      ...(metricsMs ? { onMetrics: (m: PipelineMetrics) => io.stderr.write(values.json ? metricsJson(m, false) : metricsLine(m)) } : {}),
    });
    const stop = () => pipeline.stop();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    try {
      const m = await pipeline.run();
      if (metricsMs) io.stderr.write(values.json ? metricsJson(m, true) : metricsLine(m));
    } catch (e) {
      // Redis not reachable at start-up within --connect-timeout: one line, exit 5 (the output cannot be written).
      if (e instanceof BrokerUnreachableError) throw new OutputError(e.message);
      throw e;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await decoder.close();
      await transport.close();
    }
    return EXIT_OK;
  },
});
