// Benchmark decode speed on your own folder of frames: every file in the folder (one frame per
// line, hex or base64; `#` lines skipped) is read once, then decoded repeatedly, one frame at a
// time and in batches, for about `seconds` each. Prints frames/s and MB/s.
//
//   node examples/bench-folder.mjs <folder> [seconds=2]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFrame, decodeFrames, fromHex, GbcsDecodeError } from 'gbcs-codec';

const [dir, secs = '2'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node examples/bench-folder.mjs <folder> [seconds]');
  process.exit(1);
}
const frames = [];
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (!statSync(path).isFile()) continue;
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || !/^[0-9a-fA-F]+$/.test(t)) continue;
    try {
      decodeFrame(t);
      frames.push(fromHex(t));
    } catch (e) {
      if (!(e instanceof GbcsDecodeError)) throw e;
    }
  }
}
if (frames.length === 0) {
  console.error(`no decodable frames in ${dir}`);
  process.exit(2);
}
const bytes = frames.reduce((n, f) => n + f.length, 0);
const budget = Number(secs) * 1000;

function run(label, once) {
  let rounds = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budget) {
    once();
    rounds++;
  }
  const s = (performance.now() - t0) / 1000;
  const fps = (rounds * frames.length) / s;
  console.log(`${label.padEnd(28)} ${Math.round(fps).toLocaleString('en').padStart(12)} frames/s  ${((rounds * bytes) / s / 1e6).toFixed(1).padStart(8)} MB/s`);
}

console.log(`${frames.length} frames, ${bytes} bytes from ${dir}`);
run('decodeFrame (envelope)', () => {
  for (const f of frames) decodeFrame(f);
});
run('decodeFrames (batch)', () => decodeFrames(frames));
run('decodeFrame + payload tree', () => {
  for (const f of frames) {
    const p = decodeFrame(f).payload;
    try {
      void p?.decoded;
    } catch (e) {
      if (!(e instanceof GbcsDecodeError)) throw e;
    }
  }
});
