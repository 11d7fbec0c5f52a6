// Issue 10 item 4: the GBT reassembler's limits count real cost. A child process (with
// --expose-gc, so the figures are exact) floods conversations and one-byte blocks, then
// completed messages, and reports heap growth; it must stay within the documented bound:
// about 2 x maxBufferedBytes (open + remembered budgets) plus a small constant.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const DIST = new URL('../dist/index.js', import.meta.url).href;
const LIMIT = 8 << 20;

const SCRIPT = `
const { GbtReassembler, encodeFrame, decodeFrame, segmentMessage } = await import(${JSON.stringify(DIST)});
const LIMIT = ${LIMIT};
const seg = encodeFrame({ kind: 'gbt', cra: 'command', originatorCounter: 1n, originator: '90b3d51f30010000', recipient: '00db1234567890a0',
  messageCode: 0x12, gbt: { lastBlock: false, streaming: false, window: 1, blockNumber: 1, blockNumberAck: 0, blockData: new Uint8Array(1) } });
const f = decodeFrame(seg);
const bn = f.layout.gbtApdu + 2, ctr = f.layout.counter;
const mem = () => { global.gc(); const m = process.memoryUsage(); return m.heapUsed + m.external; };
const r = new GbtReassembler({ maxBufferedBytes: LIMIT, maxConversations: 100000 });
const base = mem();
// First: 40 000 small distinct messages complete (remembered for duplicate detection).
const msg = (await import('node:fs')).readFileSync(${JSON.stringify(new URL('./fixtures/frames.hex', import.meta.url).pathname)}, 'utf8')
  .split('\\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => Buffer.from(l, 'hex')).find((b) => decodeFrame(b).kind !== 'gbt');
let complete = 0;
for (let i = 0; i < 40000; i++) {
  const m = Uint8Array.from(msg);
  const fm = decodeFrame(m);
  const c = fm.layout.counter; m[c + 5] = (i >> 16) & 0xff; m[c + 6] = (i >> 8) & 0xff; m[c + 7] = i & 0xff;
  for (const s of segmentMessage(m, { blockSize: 64 })) if (r.push(s).status === 'complete') complete++;
}
const remembered = mem() - base;
let accepted = 0, full = 0, pushes = 0;
// Then: 128 conversations x 8192 one-byte blocks (1 M blocks, 1 MB of data).
for (let c = 0; c < 128; c++) {
  const s = seg.slice();
  s[ctr + 7] = c & 0xff; s[ctr + 6] = c >> 8;
  for (let n = 1; n <= 8192; n++) {
    s[bn] = n >> 8; s[bn + 1] = n & 0xff; s[s.length - 1] = n & 0xff;
    const res = r.push(s); pushes++;
    if (res.status === 'accepted') accepted++;
    else if (res.status === 'rejected' && res.error.code === 'gbt-buffer-full') full++;
    else throw new Error('unexpected ' + res.status);
  }
}
const total = mem() - base;
console.log(JSON.stringify({ remembered0: remembered, pushes, accepted, full, total, complete, cost: r.bufferedCost, remembered: r.rememberedCost, openConversations: r.openConversations, completed: r.completedConversations }));
`;

describe('issue 10.4 GBT memory: reassembler', () => {
  it('limits count real cost: flooding conversations, one-byte blocks and completed messages stays within 2 x maxBufferedBytes of heap', () => {
    const res = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', SCRIPT], { encoding: 'utf8' });
    expect(res.stderr).toBe('');
    const m = JSON.parse(res.stdout) as Record<string, number>;
    // The flood was refused once the accounted cost reached the limit...
    expect(m.full).toBeGreaterThan(0);
    expect(m.cost).toBeLessThanOrEqual(LIMIT);
    expect(m.remembered).toBeLessThanOrEqual(LIMIT);
    expect(m.complete).toBe(40000);
    // ...and the accounted cost is not below the real cost: heap growth within the bound.
    expect(m.remembered0).toBeLessThanOrEqual(LIMIT + (1 << 20));
    expect(m.total).toBeLessThanOrEqual(2 * LIMIT + (2 << 20));
    console.log(`GBT flood: ${m.accepted} blocks accepted, ${m.full} refused; heap +${(m.remembered0 / 2 ** 20).toFixed(1)} MiB with ${m.completed} remembered, +${(m.total / 2 ** 20).toFixed(1)} MiB with ${m.openConversations} open too`);
  }, 300_000); // a child process: slow on a loaded machine (the bound is on heap, not time)
});
