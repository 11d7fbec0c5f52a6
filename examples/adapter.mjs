// High-throughput adapter: one GBCS frame per stdin line (hex or base64) in, one NDJSON record
// per frame out, decoded and verified on every core by the decode pool (gbcs-codec/node).
//
//   node examples/adapter.mjs [key-folder] < frames.hex > frames.ndjson
//
// Each output line is the pool's frame record (JSON text built in the worker: frame, payload
// tree, and with a key folder the signature/MAC verification) or { line, error } for a line
// that does not decode. Output honours backpressure; input is read line by line.
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { createDecodePool } from 'gbcs-codec/node';

const keys = process.argv[2];
const pool = createDecodePool(keys ? { keys } : {});

async function* lines() {
  for await (const l of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    const t = l.trim();
    if (t !== '' && !t.startsWith('#')) yield t;
  }
}

let bad = 0;
for await (const r of pool.map(lines())) {
  const out = r.error ? JSON.stringify({ line: r.index + 1, error: r.error.code, offset: r.error.offset, message: r.error.message }) : r.value;
  if (r.error) bad++;
  if (!process.stdout.write(`${out}\n`)) await once(process.stdout, 'drain');
}
await pool.close();
process.exitCode = bad > 0 ? 2 : 0;
