// gbcs bench <file | dir | ->: users measure decode speed on their own frames (issue 12
// item 6), with tinybench: envelope (one call per frame and the scanFrames batch), full
// decode, the lazy path reading one field, and with --keys verification. Frames are
// measured in the form they were given (hex text, base64 text or binary) and from bytes;
// every row names its input form.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { toBytes } from '../../bytes.js';
import { decodeFrame, scanFrames } from '../../decode.js';
import { GbcsDecodeError } from '../../errors.js';
import { verifyFrame } from '../../security/verify.js';
import { securityContext } from '../security.js';
import { command } from '../args.js';
import { jsonRecord } from '../jsonRecord.js';
import { EXIT_MALFORMED, EXIT_OK, Output, UsageError, frameLines, maxLineOption, requireFile, type Io } from '../io.js';

type Form = 'hex text' | 'base64 text' | 'binary';

interface Row {
  readonly case: string;
  readonly input: string;
  readonly msgPerSec: number;
  readonly nsPerMsg: number;
  readonly mbPerSec: number;
  readonly rme: number;
}

function formOf(text: string): Form {
  return /^[\s0-9a-fA-F:,x]*$/.test(text) ? 'hex text' : 'base64 text';
}

function positive(v: string | true | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1)) throw new UsageError(`--${name} needs a positive integer`);
  return n;
}

export const benchCommand = command({
  summary: 'benchmark decoding on your own frames (envelope, full decode, lazy one field, verify with --keys)',
  args: '<file | dir | ->',
  options: {
    json: { type: 'boolean', help: 'one JSON report instead of the table (schema/bench.schema.json)' },
    time: { type: 'string', value: '<ms>', help: 'measuring time per case (default 1000)' },
    limit: { type: 'string', value: '<n>', help: 'use at most n frames (default 100000)' },
    keys: { type: 'string', value: '<folder>', help: 'add a verify case with the PEM keys in this folder' },
    acb: { type: 'string', value: '<eui>', help: 'the access control broker EUI-64 for MAC checks (with --keys)' },
    'max-line': { type: 'string', value: '<bytes>', help: 'longest input line (default 8 MiB)' },
  },
  async run({ values, positionals: positional }, io: Io): Promise<number> {
    const flags = new Map(Object.entries(values).filter(([, v]) => v !== undefined)) as Map<string, string | true>;
    if (positional.length !== 1) throw new UsageError('give one file, folder or - (one frame per line, or a binary frame file)');
    const time = positive(flags.get('time'), 'time', 1000);
    const limit = positive(flags.get('limit'), 'limit', 100_000);
    const sec = securityContext(flags.get('keys'), flags.get('acb'));
    const src = positional[0]!;
    let srcs = [src === '-' ? '-' : `@${src}`];
    if (src !== '-') {
      let st;
      try {
        st = statSync(src);
      } catch {
        requireFile(src); // throws the CLI's one-line file problem
        throw new UsageError(`cannot read ${src}`);
      }
      if (st.isDirectory()) srcs = readdirSync(src).sort().filter((n) => statSync(join(src, n)).isFile()).map((n) => `@${join(src, n)}`);
    }

    // Read the frames in their given form; a binary frame file arrives as hex (frameLines), so remember it.
    const texts: string[] = [];
    const forms = new Set<Form>();
    let skipped = 0;
    for await (const l of frameLines(srcs, io, { maxLineBytes: maxLineOption(flags.get('max-line')) })) {
      if (texts.length >= limit) break;
      if (l.error) {
        skipped++;
        continue;
      }
      try {
        decodeFrame(l.text);
      } catch (e) {
        if (!(e instanceof GbcsDecodeError)) throw e;
        skipped++;
        continue;
      }
      forms.add(l.binary ? 'binary' : formOf(l.text));
      texts.push(l.text);
    }
    if (texts.length === 0) {
      io.stderr.write(`gbcs bench: no decodable frames in ${src}${skipped ? ` (${skipped} lines skipped)` : ''}\n`);
      return EXIT_MALFORMED;
    }
    const bytes = texts.map((t) => toBytes(t));
    const totalBytes = bytes.reduce((n, b) => n + b.length, 0);
    const given = forms.size === 1 ? [...forms][0]! : `mixed (${[...forms].join(', ')})`;
    // Binary frames are measured from bytes only: their "given form" is bytes.
    const textForm = forms.has('binary') && forms.size === 1 ? undefined : given;

    let sink = 0;
    const cases: { name: string; input: string; fn: () => unknown }[] = [];
    const add = (name: string, input: string, fn: () => unknown) => cases.push({ name, input, fn });
    if (textForm) add('envelope, decodeFrame() per frame', textForm, () => { for (const t of texts) sink += decodeFrame(t).messageCode; });
    add('envelope, decodeFrame() per frame', 'bytes', () => { for (const b of bytes) sink += decodeFrame(b).messageCode; });
    add('envelope, scanFrames() batch cursor', 'bytes', () => { scanFrames(bytes, (c) => { sink += c.messageCode; }); });
    const full = (f: ReturnType<typeof decodeFrame>) => {
      const p = f.payload;
      if (!p || f.payloadFormat === 'unknown') return;
      try {
        sink += p.decoded.format.length;
      } catch (e) {
        if (!(e instanceof GbcsDecodeError)) throw e;
      }
    };
    if (textForm) add('full decode (envelope + payload tree)', textForm, () => { for (const t of texts) full(decodeFrame(t)); });
    add('full decode (envelope + payload tree)', 'bytes', () => { for (const b of bytes) full(decodeFrame(b)); });
    add('lazy one field (payload.kind)', 'bytes', () => {
      for (const b of bytes) {
        try {
          sink += decodeFrame(b).payload?.kind.length ?? 0;
        } catch (e) {
          if (!(e instanceof GbcsDecodeError)) throw e;
        }
      }
    });
    if (sec) {
      const opts = sec.acb ? { acb: sec.acb } : {};
      for (const b of bytes) await verifyFrame(b, sec.keyStore, opts); // load the keys once, outside the timing
      add('decode + verify (signature and MAC), one core', 'bytes', async () => { for (const b of bytes) sink += (await verifyFrame(decodeFrame(b), sec.keyStore, opts)).ok ? 1 : 0; });
    }

    const bench = new Bench({ time, warmupTime: Math.min(200, time / 4) });
    for (const c of cases) bench.add(`${c.name} [${c.input}]`, c.fn);
    await bench.run();
    const rows: Row[] = bench.tasks.map((t, i) => {
      const r = t.result;
      if (r.state !== 'completed') throw new Error(`${t.name}: ${r.state}`);
      const perSec = 1000 / r.period;
      return {
        case: cases[i]!.name,
        input: cases[i]!.input,
        msgPerSec: Math.round(perSec * texts.length),
        nsPerMsg: Math.round((r.period * 1e6) / texts.length),
        mbPerSec: +((perSec * totalBytes) / 1e6).toFixed(1),
        rme: +r.latency.rme.toFixed(1),
      };
    });
    const out = new Output(io.stdout);
    const meta = { source: src, frames: texts.length, bytes: totalBytes, inputForm: given, skipped, node: process.version };
    if (flags.has('json')) await out.write(jsonRecord({ ...meta, rows }));
    else {
      await out.write(`${texts.length} frames (${totalBytes} bytes, given as ${given}) from ${src}${skipped ? `; ${skipped} lines skipped` : ''}; node ${process.version}\n\n`);
      await out.write('| case | input | msg/s | ns/msg | MB/s | ±% |\n|---|---|---:|---:|---:|---:|\n');
      for (const r of rows) await out.write(`| ${r.case} | ${r.input} | ${r.msgPerSec.toLocaleString('en')} | ${r.nsPerMsg} | ${r.mbPerSec} | ${r.rme} |\n`);
    }
    await out.flush();
    if (sink === 0.5) io.stderr.write('\n');
    return EXIT_OK;
  },
});
