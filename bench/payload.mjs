// Payload benchmarks (tinybench): full decode (envelope + payload) throughput over the
// RTDS corpus (or the project's fixtures when it is absent), and the lazy path vs full
// materialisation. Each task decodes the whole corpus once per iteration.
// Run: npm run build && node bench/payload.mjs
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { decodeFrame, fromHex } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));

function corpus() {
  const dir = join(process.env.GBCS_RTDS_DIR ?? resolve(here, '../../shared/rtds'), 'RTDS-4.5.0');
  if (existsSync(dir)) {
    const frames = [];
    for (const d of readdirSync(dir)) for (const f of readdirSync(join(dir, d))) frames.push(fromHex(readFileSync(join(dir, d, f), 'utf8')));
    return { name: `RTDS 4.5.0 (${frames.length} messages)`, frames };
  }
  const frames = readFileSync(join(here, '../test/fixtures/frames.hex'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map(fromHex);
  return { name: `project fixtures (${frames.length} frames; RTDS corpus not found)`, frames };
}

export async function run() {
  const { name, frames } = corpus();
  const bytes = frames.reduce((n, f) => n + f.length, 0);
  // GBZ frames only (bytes input): the ZCL tree builders in isolation from DLMS/ASN.1.
  const gbz = frames.filter((f) => {
    try { return decodeFrame(f).payloadFormat === 'GBZ'; } catch { return false; }
  });
  const gbzBytes = gbz.reduce((n, f) => n + f.length, 0);
  // DLMS payloads only (bytes input): the DLMS tree builders (issue 11 item 4, issue 12).
  const dlms = frames.filter((f) => {
    try { return decodeFrame(f).payloadFormat === 'DLMS'; } catch { return false; }
  });
  const dlmsBytes = dlms.reduce((n, f) => n + f.length, 0);
  let sink = 0;
  const bench = new Bench({ time: 1500, warmupTime: 300 });
  bench
    .add('envelope only (decodeFrame)', () => {
      for (const f of frames) sink += decodeFrame(f).messageCode;
    })
    .add('full decode (envelope + payload.decoded)', () => {
      for (const f of frames) {
        const p = decodeFrame(f).payload;
        if (p && p.format !== 'unknown') sink += p.decoded.format.length;
      }
    })
    // Issue 13 item 1: every node's offset/length read, through the field list (dissect).
    .add('full decode + every field read (frame.fieldList(): names, values, offsets)', () => {
      for (const f of frames) {
        const fr = decodeFrame(f);
        if (fr.payloadFormat === 'unknown' || fr.kind === 'gbt') continue;
        try { sink += fr.fieldList().length; } catch { sink++; }
      }
    })
    .add('lazy: payload.kind only', () => {
      for (const f of frames) sink += decodeFrame(f).payload?.kind.length ?? 0;
    })
    .add('lazy: payload.length + get(0)', () => {
      for (const f of frames) {
        const p = decodeFrame(f).payload;
        if (p && p.format !== 'unknown' && p.length > 0) sink += p.get(0) ? 1 : 0;
      }
    });
  // ASN.1 rows (issue 11 item 7 / issue 12): the DER payloads only, input form bytes.
  // With GBCS_BENCH_BASELINE=<path to another build's dist/index.js> (e.g. main), the
  // same rows run against that build in the same run, for before/after ratios.
  const asn1Frames = frames.filter((f) => {
    try { return decodeFrame(f).payloadFormat === 'ASN.1'; } catch { return false; }
  });
  const asn1Bytes = asn1Frames.reduce((n, f) => n + f.length, 0);
  // One module instance of the reading tasks per build (see payloadRead.mjs).
  const mine = await import('./payloadRead.mjs?lib=current');
  const baseline = process.env.GBCS_BENCH_BASELINE;
  const theirs = baseline ? await import('./payloadRead.mjs?lib=baseline') : undefined;
  const jsonSize = {};
  const asn1Rows = (label, decode, r) => {
    bench
      .add(`${label}ASN.1 full decode (bytes; ${asn1Frames.length} DER payloads)`, r.asn1Full(decode, asn1Frames))
      .add(`${label}ASN.1 full decode + read every field (names, values, certificates)`, r.asn1ReadAll(decode, asn1Frames));
  };
  const dlmsRows = (label, decode, r) => {
    (jsonSize[label] ??= {}).DLMS = r.jsonBytes(decode, dlms);
    bench
      .add(`${label}DLMS full decode (bytes; ${dlms.length} DLMS payloads)`, r.dlmsFull(decode, dlms))
      .add(`${label}DLMS full decode + JSON (every value and name read)`, r.json(decode, dlms));
  };
  // GBZ rows (issue 11 items 3/7, issue 12): GBZ payloads only, input form bytes; the JSON row
  // reads every lazy name, text and time of the ZCL tree.
  const gbzRows = (label, decode, r) => {
    (jsonSize[label] ??= {}).GBZ = r.jsonBytes(decode, gbz);
    bench
      .add(`${label}GBZ full decode (bytes; ${gbz.length} GBZ payloads)`, r.gbzFull(decode, gbz))
      .add(`${label}GBZ full decode + JSON (every value and name read)`, r.json(decode, gbz));
  };
  asn1Rows('', decodeFrame, mine);
  dlmsRows('', decodeFrame, mine);
  gbzRows('', decodeFrame, mine);
  if (baseline) {
    const other = (await import(pathToFileURL(resolve(baseline)).href)).decodeFrame;
    asn1Rows('baseline: ', other, theirs);
    dlmsRows('baseline: ', other, theirs);
    gbzRows('baseline: ', other, theirs);
  }
  await bench.run();
  const rows = bench.tasks.map((t) => {
    const r = t.result;
    const mean = r.latency?.mean ?? r.mean; // ms per corpus pass
    const [n, nb] = t.name.includes('GBZ') ? [gbz.length, gbzBytes] : t.name.includes('ASN.1') ? [asn1Frames.length, asn1Bytes]
      : t.name.includes('DLMS') ? [dlms.length, dlmsBytes] : [frames.length, bytes];
    return { task: t.name, msgPerSec: Math.round((n * 1000) / mean), mbPerSec: +((nb / 1e6) * (1000 / mean)).toFixed(1), nsPerMsg: Math.round((mean * 1e6) / n) };
  });
  console.log(`payload bench over ${name}, ${bytes} bytes per pass`);
  console.table(rows);
  const ns = Object.fromEntries(rows.map((r) => [r.task, r.nsPerMsg]));
  const full = ns['full decode (envelope + payload.decoded)'];
  const env = ns['envelope only (decodeFrame)'];
  console.log(`fields: full decode + every field read / full decode = ${(ns['full decode + every field read (frame.fieldList(): names, values, offsets)'] / full).toFixed(2)}x`);
  console.log(`ratios: full decode / envelope only = ${(full / env).toFixed(1)}x; ` +
    `full / lazy kind-only = ${(full / ns['lazy: payload.kind only']).toFixed(1)}x; ` +
    `full / lazy first item = ${(full / ns['lazy: payload.length + get(0)']).toFixed(1)}x`);
  if (baseline) {
    for (const r of rows.filter((x) => x.task.startsWith('baseline: '))) {
      const after = ns[r.task.slice('baseline: '.length)];
      console.log(`${r.task.slice(10)}: baseline ${r.nsPerMsg} ns/msg, this build ${after} ns/msg: ${(r.nsPerMsg / after).toFixed(2)}x faster`);
    }
    // The JSON rows write different amounts of text: this build's JSON carries every node's
    // offset and length (issue 13) and GBZ commands decoded field by field (names, values,
    // times; the baseline left most as an opaque hex payload).
    for (const fmt of ['DLMS', 'GBZ']) {
      const a = jsonSize[''][fmt], b = jsonSize['baseline: '][fmt];
      const task = `${fmt} full decode + JSON (every value and name read)`;
      const mbA = a / ns[task], mbB = b / ns[`baseline: ${task}`];
      console.log(`${fmt} JSON text per payload: baseline ${Math.round(b)} B, this build ${Math.round(a)} B (${(a / b).toFixed(2)}x the text); JSON MB/s: baseline ${(mbB * 1000).toFixed(1)}, this build ${(mbA * 1000).toFixed(1)}: ${(mbA / mbB).toFixed(2)}x`);
    }
  }
  if (sink + mine.sinkValue() + (theirs?.sinkValue() ?? 0) === 0.5) console.log(sink);
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
