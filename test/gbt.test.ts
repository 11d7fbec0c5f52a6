import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src/bytes.js';
import { decodeFrame } from '../src/decode.js';
import { encodeFrame, frameInitOf } from '../src/encode.js';
import { GbcsDecodeError, GbcsEncodeError } from '../src/errors.js';
import type { FrameInit } from '../src/frame.js';
import { GBT_BLOCK_OVERHEAD, GBT_CONVERSATION_OVERHEAD, GbtReassembler, GbtReassemblyError, type GbtPushResult } from '../src/gbt/reassembler.js';
import { segmentMessage } from '../src/gbt/segment.js';
import { HAVE_RTDS, RTDS_SKIP_REASON, rtdsFiles } from './rtds.js';
import { prng } from './prng.js';

const SIZES = [1, 7, 64, 255, 1024];

function shuffleWithDuplicates<T>(items: T[], rand: () => number, dupRate = 0.3): T[] {
  const out = [...items];
  for (const it of items) if (rand() < dupRate) out.push(it);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const FIXTURES = readFileSync(new URL('./fixtures/frames.hex', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => fromHex(l));
const MESSAGES = FIXTURES.filter((b) => decodeFrame(b).kind !== 'gbt');

/** Pushes every segment; returns the completed messages and counts of each status. */
function pushAll(r: GbtReassembler, segs: Uint8Array[]) {
  const complete: Uint8Array[] = [];
  const counts: Record<string, number> = {};
  const rejected: GbtPushResult[] = [];
  for (const s of segs) {
    const res = r.push(s);
    counts[res.status] = (counts[res.status] ?? 0) + 1;
    if (res.status === 'complete') complete.push(res.message);
    if (res.status === 'rejected') rejected.push(res);
  }
  return { complete, counts, rejected };
}

const ESME = '00db1234567890a0';
const SUPPLIER = '90b3d51f30010000';
function gbtFrame(n: number, data: Uint8Array, over: Partial<FrameInit> & { last?: boolean } = {}): Uint8Array {
  return encodeFrame({
    kind: 'gbt',
    cra: 'command',
    originatorCounter: 0x77n,
    originator: SUPPLIER,
    recipient: ESME,
    messageCode: 0x0012,
    ...over,
    gbt: { lastBlock: over.last ?? false, streaming: false, window: 1, blockNumber: n, blockNumberAck: 0, blockData: data },
  });
}

describe('segmentMessage', () => {
  it('copies the routing of the message and numbers blocks from 1 with one last block', () => {
    const msg = MESSAGES[0]!;
    const f = decodeFrame(msg);
    const segs = segmentMessage(msg, { blockSize: 10 });
    expect(segs.length).toBe(Math.ceil(msg.length / 10));
    segs.forEach((s, i) => {
      const g = decodeFrame(s);
      expect(g.kind).toBe('gbt');
      expect(g.originator).toBe(f.originator);
      expect(g.recipient).toBe(f.recipient);
      expect(g.cra).toBe(f.cra);
      expect(g.originatorCounter).toBe(f.originatorCounter);
      expect(g.messageCode).toBe(f.messageCode);
      expect(g.dateTime).toBeUndefined();
      expect(g.gbt!.blockNumber).toBe(i + 1);
      expect(g.gbt!.lastBlock).toBe(i === segs.length - 1);
      expect(g.gbt!.blockNumberAck).toBe(0);
      expect(g.gbt!.blockData.length).toBe(i === segs.length - 1 ? msg.length - 10 * i : 10);
    });
  });

  it('writes exactly what encodeFrame writes for the same block fields (long-form lengths too)', () => {
    for (const msg of MESSAGES) {
      for (const blockSize of [3, 200, 300]) {
        const segs = segmentMessage(msg, { blockSize, window: 2, blockNumberAck: 7, securityHeader: { securityControl: 0x31, invocationCounter: 0xdeadbeef } });
        for (const s of segs) {
          const f = decodeFrame(s);
          expect(f.securityHeader).toEqual({ securityControl: 0x31, invocationCounter: 0xdeadbeef });
          expect(f.gbt!.blockNumberAck).toBe(7);
          expect(toHex(encodeFrame({ ...frameInitOf(f), gbt: f.gbt }))).toBe(toHex(s));
        }
      }
    }
  });

  it('sets the streaming bit inside each window but not at its end nor on the last block', () => {
    const msg = MESSAGES[0]!;
    const segs = segmentMessage(msg, { blockSize: 4, window: 3 }).map((s) => decodeFrame(s).gbt!);
    for (const g of segs) {
      expect(g.window).toBe(3);
      expect(g.streaming).toBe(!g.lastBlock && g.blockNumber % 3 !== 0);
    }
  });

  it('accepts hex text and a decoded frame, and never mutates the input', () => {
    const msg = MESSAGES[2]!;
    const copy = msg.slice();
    const a = segmentMessage(toHex(msg), { blockSize: 16 });
    const b = segmentMessage(decodeFrame(msg), { blockSize: 16 });
    expect(a.map((x) => toHex(x))).toEqual(b.map((x) => toHex(x)));
    expect(msg).toEqual(copy);
  });

  it('rejects bad options, GBT input and messages needing more than 65535 blocks', () => {
    const msg = MESSAGES[0]!;
    expect(() => segmentMessage(msg, { blockSize: 0 })).toThrow(GbcsEncodeError);
    expect(() => segmentMessage(msg, { blockSize: 2.5 })).toThrow(/blockSize/);
    expect(() => segmentMessage(msg, { blockSize: 8, window: 64 })).toThrow(/window/);
    expect(() => segmentMessage(segmentMessage(msg, { blockSize: 8 })[0]!, { blockSize: 8 })).toThrow(/cannot be segmented again/);
    const big = decodeFrame(msg);
    const huge = encodeFrame({ kind: 'general-signing', cra: 'command', originatorCounter: 1n, originator: SUPPLIER, recipient: ESME, messageCode: 0x12, content: new Uint8Array(70_000), signatureState: 'empty' });
    expect(() => segmentMessage(huge, { blockSize: 1 })).toThrow(/65535/);
    expect(segmentMessage(huge, { blockSize: 2 }).length).toBe(Math.ceil(huge.length / 2));
    expect(big.kind).not.toBe('gbt');
  });

  it('throws the envelope decoder error for a malformed message', () => {
    expect(() => segmentMessage(fromHex('DD 00 00'), { blockSize: 8 })).toThrow(GbcsDecodeError);
  });
});

describe('GbtReassembler: round trips', () => {
  it('reassembles every fixture message at every block size, shuffled with duplicates', () => {
    const rand = prng(1);
    for (const msg of MESSAGES) {
      for (const blockSize of SIZES) {
        const r = new GbtReassembler();
        const segs = segmentMessage(msg, { blockSize });
        const { complete, counts } = pushAll(r, shuffleWithDuplicates(segs, rand));
        expect(complete.map((m) => toHex(m))).toEqual([toHex(msg)]);
        expect(counts.rejected ?? 0).toBe(0);
        expect(r.openConversations).toBe(0);
        expect(r.bufferedBytes).toBe(0);
      }
    }
  });

  it('handles many interleaved conversations at once', () => {
    const rand = prng(2);
    const msgs = MESSAGES.map((m, i) => {
      const f = decodeFrame(m);
      // Distinct counters so the conversations are distinct.
      return encodeFrame({ ...frameInitOf(f), originatorCounter: 0x1000n + BigInt(i) });
    });
    const segs = msgs.flatMap((m, i) => segmentMessage(m, { blockSize: 5 + i, window: 4 }));
    const r = new GbtReassembler();
    const { complete, counts } = pushAll(r, shuffleWithDuplicates(segs, rand));
    expect(complete.map((m) => toHex(m)).sort()).toEqual(msgs.map((m) => toHex(m)).sort());
    expect(counts.rejected ?? 0).toBe(0);
    expect(r.openConversations).toBe(0);
  });

  it('returns a decoded frame and a fresh buffer; the pushed segments are not mutated', () => {
    const msg = MESSAGES[1]!;
    const segs = segmentMessage(msg, { blockSize: 9 });
    const copies = segs.map((s) => s.slice());
    const r = new GbtReassembler();
    const res = segs.map((s) => r.push(s)).at(-1)!;
    expect(res.status).toBe('complete');
    if (res.status !== 'complete') return;
    expect(res.frame.messageCode).toBe(decodeFrame(msg).messageCode);
    expect(res.blocks).toBe(segs.length);
    res.message.fill(0);
    expect(segs).toEqual(copies);
  });

  it('ignores identical duplicates, also after completion', () => {
    const msg = MESSAGES[0]!;
    const segs = segmentMessage(msg, { blockSize: 20 });
    const r = new GbtReassembler();
    const first = r.push(segs[0]!);
    expect(first.status).toBe('accepted');
    const dup = r.push(segs[0]!);
    expect(dup).toMatchObject({ status: 'duplicate', blockNumber: 1, completed: false });
    for (const s of segs.slice(1)) r.push(s);
    expect(r.push(segs[1]!)).toMatchObject({ status: 'duplicate', blockNumber: 2, completed: true });
  });

  it('a message reusing a completed key with different bytes starts a new conversation, flagged keyReused', () => {
    const d = (...b: number[]) => Uint8Array.from(b);
    // Two "messages" under one key; the reassembled bytes need not decode for this check,
    // so use real messages re-routed onto one key instead.
    const a = MESSAGES[0]!;
    const b = encodeFrame({ ...frameInitOf(decodeFrame(MESSAGES[1]!)), originator: decodeFrame(a).originator, recipient: decodeFrame(a).recipient, cra: decodeFrame(a).cra, originatorCounter: decodeFrame(a).originatorCounter, messageCode: decodeFrame(a).messageCode } as FrameInit);
    expect(toHex(b.subarray(0, 6))).toBe(toHex(a.subarray(0, 6))); // same header start: block 1 is identical at size 6
    const r = new GbtReassembler();
    const first = pushAll(r, segmentMessage(a, { blockSize: 6 }));
    expect(first.complete).toEqual([a]);
    const segsB = segmentMessage(b, { blockSize: 6 });
    const results = segsB.map((s) => r.push(s));
    expect(results[0]).toMatchObject({ status: 'duplicate', completed: true }); // an identical copy of A's block 1 at that point
    const done = results.filter((x) => x.status === 'complete');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ status: 'complete', keyReused: true });
    if (done[0]!.status === 'complete') expect(done[0]!.message).toEqual(b);
    expect(results.find((x) => x.status === 'accepted' && x.keyReused)).toBeDefined();
    expect(results.filter((x) => x.status === 'rejected')).toEqual([]);
    // The first message completing was not a reuse.
    const r2 = new GbtReassembler();
    const res = r2.push(gbtFrame(1, d(1), { last: true }));
    expect(res.status === 'rejected' || (res.status === 'complete' && !res.keyReused)).toBe(true);
  });

  it('only identical copies of a completed message\'s blocks are duplicates', () => {
    const msg = MESSAGES[0]!;
    const segs = segmentMessage(msg, { blockSize: 20 });
    const r = new GbtReassembler();
    pushAll(r, segs);
    // Identical copies of every block: duplicates, nothing new opens.
    for (const s of segs) expect(r.push(s)).toMatchObject({ status: 'duplicate', completed: true });
    expect(r.openConversations).toBe(0);
    // Same number, same data, other 'last' flag: not a duplicate (a new conversation).
    const g = decodeFrame(segs[0]!).gbt!;
    const flagged = encodeFrame({ ...frameInitOf(decodeFrame(segs[0]!)), gbt: { blockNumber: 1, blockNumberAck: 0, window: 1, streaming: false, lastBlock: true, blockData: g.blockData } } as FrameInit);
    expect(r.push(flagged)).toMatchObject({ status: 'rejected', error: { code: 'gbt-reassembled-invalid' } });
    // Same number, other data: a new conversation under the same key.
    const changed = encodeFrame({ ...frameInitOf(decodeFrame(segs[1]!)), gbt: { blockNumber: 2, blockNumberAck: 0, window: 1, streaming: false, lastBlock: false, blockData: new Uint8Array(20).fill(7) } } as FrameInit);
    const r2 = new GbtReassembler();
    pushAll(r2, segs);
    expect(r2.push(changed)).toMatchObject({ status: 'accepted', blockNumber: 2, keyReused: true });
    expect(r2.openConversations).toBe(1);
    expect(r2.pending()[0]).toMatchObject({ keyReused: true, received: [2] });
  });

  it('a late duplicate of the old message\'s last block does not end a key-reusing conversation early', () => {
    const r = new GbtReassembler();
    // A = 3 blocks, then a late duplicate of A's block 3, then B under the same key.
    const a = MESSAGES[0]!;
    const segsA = segmentMessage(a, { blockSize: Math.ceil(a.length / 3) });
    expect(segsA).toHaveLength(3);
    pushAll(r, segsA);
    expect(r.push(segsA[2]!)).toMatchObject({ status: 'duplicate', completed: true });
    // B reuses the key and is longer: its block 3 is not last and differs.
    const fa = decodeFrame(a);
    const b = encodeFrame({ ...frameInitOf(decodeFrame(MESSAGES[1]!)), originator: fa.originator, recipient: fa.recipient, cra: fa.cra, originatorCounter: fa.originatorCounter, messageCode: fa.messageCode } as FrameInit);
    const segsB = segmentMessage(b, { blockSize: Math.ceil(a.length / 3) });
    expect(segsB.length).toBeGreaterThan(3);
    const out = pushAll(r, segsB);
    expect(out.rejected).toEqual([]);
    expect(out.complete).toEqual([b]);
  });

  it('a provisional block (a late copy of the old message) is replaced by the new message\'s differing copy', () => {
    const a = MESSAGES[0]!;
    const fa = decodeFrame(a);
    const b = encodeFrame({ ...frameInitOf(decodeFrame(MESSAGES[1]!)), originator: fa.originator, recipient: fa.recipient, cra: fa.cra, originatorCounter: fa.originatorCounter, messageCode: fa.messageCode } as FrameInit);
    const segsA = segmentMessage(a, { blockSize: 16 });
    const segsB = segmentMessage(b, { blockSize: 16 });
    expect(toHex(segsA[0]!)).not.toBe(toHex(segsB[0]!)); // block 1 differs (the length byte)
    const r = new GbtReassembler();
    pushAll(r, segsA);
    expect(r.push(segsA[0]!)).toMatchObject({ status: 'duplicate', completed: true }); // late copy of A's block 1
    // B arrives with its first block that differs from A's beyond block 1: a new
    // conversation, seeded with A's block 1 provisionally...
    const j = segsB.findIndex((s, i) => i > 0 && toHex(s) !== toHex(segsA[i] ?? new Uint8Array(0)));
    expect(j).toBeGreaterThan(0);
    expect(r.push(segsB[j]!)).toMatchObject({ status: 'accepted', keyReused: true });
    expect(r.pending()[0]!.received).toEqual([1, j + 1]);
    // ...which B's own block 1 replaces instead of being a conflicting duplicate.
    const out = pushAll(r, segsB.filter((_, i) => i !== j));
    expect(out.rejected).toEqual([]);
    expect(out.complete).toEqual([b]);
  });

  it('treats an empty block as a pure acknowledgement', () => {
    const r = new GbtReassembler();
    const res = r.push(gbtFrame(3, new Uint8Array(0)));
    expect(res).toMatchObject({ status: 'acknowledgement', blockNumberAck: 0, window: 1 });
    expect(r.openConversations).toBe(0);
  });
});

describe('GbtReassembler: malformed and hostile streams', () => {
  const d = (...b: number[]) => Uint8Array.from(b);
  const rejected = (res: GbtPushResult) => {
    expect(res.status).toBe('rejected');
    if (res.status !== 'rejected') throw new Error('not rejected');
    expect(res.error).toBeInstanceOf(GbtReassemblyError);
    expect(res.error).toBeInstanceOf(GbcsDecodeError);
    return res;
  };

  it('rejects a conflicting duplicate and keeps the first copy', () => {
    const r = new GbtReassembler();
    r.push(gbtFrame(1, d(1, 2, 3)));
    const res = rejected(r.push(gbtFrame(1, d(1, 2, 4))));
    expect(res.error.code).toBe('gbt-conflicting-duplicate');
    expect(res.error.blockNumber).toBe(1);
    expect(res.error.offset).toBe(decodeFrame(gbtFrame(1, d(1, 2, 4))).layout.blockData);
    expect(rejected(r.push(gbtFrame(1, d(1, 2, 3), { last: true }))).error.code).toBe('gbt-conflicting-duplicate');
    expect(r.pending()[0]!.received).toEqual([1]);
    expect(r.bufferedBytes).toBe(3);
  });

  it('rejects a second last block and blocks after the last one', () => {
    const r = new GbtReassembler();
    r.push(gbtFrame(1, d(1)));
    r.push(gbtFrame(4, d(4), { last: true }));
    expect(rejected(r.push(gbtFrame(3, d(3), { last: true }))).error.code).toBe('gbt-second-last-block');
    expect(rejected(r.push(gbtFrame(5, d(5)))).error.code).toBe('gbt-block-after-last');
    const r2 = new GbtReassembler();
    r2.push(gbtFrame(6, d(6)));
    expect(rejected(r2.push(gbtFrame(2, d(2), { last: true }))).error.code).toBe('gbt-block-after-last');
  });

  it('rejects block number 0, a changed message code, and non-GBT frames', () => {
    const r = new GbtReassembler();
    const zero = rejected(r.push(gbtFrame(0, d(1))));
    expect(zero.error.code).toBe('gbt-block-number');
    expect(zero.error.message).toMatch(/block number >= 1/);
    r.push(gbtFrame(1, d(1)));
    expect(rejected(r.push(gbtFrame(2, d(2), { messageCode: 0x59 }))).error.code).toBe('gbt-routing-mismatch');
    expect(rejected(r.push(MESSAGES[0]!)).error.code).toBe('gbt-not-a-segment');
  });

  it('push never throws: anything that does not decode as a segment is rejected with the error', () => {
    const r = new GbtReassembler();
    const seg = segmentMessage(MESSAGES[0]!, { blockSize: 8 })[0]!;
    const f = decodeFrame(seg);
    const ki = f.layout.otherInformation + f.layout.otherInformationLength;
    // Well-formed GBT frames decodeFrame refuses: non-empty key-info, bytes after the block data.
    const keyInfo = new Uint8Array(seg.length + 1);
    keyInfo.set(seg.subarray(0, ki));
    keyInfo[ki] = 0x01;
    keyInfo[ki + 1] = 0x42;
    keyInfo.set(seg.subarray(ki + 1), ki + 2);
    const after = new Uint8Array(seg.length + 1);
    after.set(seg);
    after[ki + 1]! += 1;
    after[seg.length] = 0xaa;
    const cases: [unknown, string | undefined][] = [
      [keyInfo.subarray(0, seg.length + 1), 'key-info'],
      [after, 'block-data-length'],
      [fromHex('DD 09 01'), 'truncated'],
      ['zz!', 'text-input'],
      [new Uint8Array(0), undefined],
      [42, undefined],
      [null, undefined],
      [{ bytes: 1 }, undefined],
    ];
    for (const [input, code] of cases) {
      let res: GbtPushResult | undefined;
      expect(() => (res = r.push(input as Uint8Array))).not.toThrow();
      const rej = rejected(res!);
      expect(rej.error.code).toBe('gbt-not-a-segment');
      if (code) expect(rej.error.cause?.code).toBe(code);
    }
    expect(r.openConversations).toBe(0);
  });

  it('reports gaps of open conversations and flushes them with their data', () => {
    const r = new GbtReassembler();
    r.push(gbtFrame(1, d(1)));
    r.push(gbtFrame(3, d(3)));
    r.push(gbtFrame(6, d(6), { last: true }));
    expect(r.pending()[0]).toMatchObject({ received: [1, 3, 6], gaps: [[2, 2], [4, 5]], lastBlock: 6, bytes: 3 });
    const [f] = r.flush();
    expect(f!.error.code).toBe('gbt-incomplete');
    expect(f!.error.message).toMatch(/blocks 2, 4-5/);
    expect([...f!.blocks.entries()].map(([n, b]) => [n, b[0]])).toEqual([[1, 1], [3, 3], [6, 6]]);
    expect(r.openConversations).toBe(0);
    expect(r.bufferedBytes).toBe(0);
  });

  it('drops a conversation that exceeds maxMessageSize, returning what it held', () => {
    const r = new GbtReassembler({ maxMessageSize: 10 });
    expect(r.push(gbtFrame(1, new Uint8Array(6))).status).toBe('accepted');
    const res = rejected(r.push(gbtFrame(2, new Uint8Array(6))));
    expect(res.error.code).toBe('gbt-message-too-large');
    expect(res.discarded!.received).toEqual([1]);
    expect(res.discarded!.blocks.get(1)!.length).toBe(6);
    expect(r.openConversations).toBe(0);
    expect(r.bufferedBytes).toBe(0);
  });

  it('refuses a new conversation beyond maxConversations without evicting open ones', () => {
    const r = new GbtReassembler({ maxConversations: 2 });
    r.push(gbtFrame(1, d(1), { originatorCounter: 1n }));
    r.push(gbtFrame(1, d(1), { originatorCounter: 2n }));
    const res = rejected(r.push(gbtFrame(1, d(1), { originatorCounter: 3n })));
    expect(res.error.code).toBe('gbt-too-many-conversations');
    expect(r.pending().map((p) => p.key.originatorCounter)).toEqual([1n, 2n]);
    // A block for an already open conversation is still accepted.
    expect(r.push(gbtFrame(2, d(2), { originatorCounter: 1n })).status).toBe('accepted');
  });

  it('refuses blocks beyond maxBufferedBytes (accounted cost: arena, per-block and per-conversation overhead)', () => {
    const one = GBT_CONVERSATION_OVERHEAD + 256 + GBT_BLOCK_OVERHEAD; // arena starts at 256 bytes
    const r = new GbtReassembler({ maxBufferedBytes: one + 10 });
    expect(r.push(gbtFrame(1, new Uint8Array(5), { originatorCounter: 1n })).status).toBe('accepted');
    expect(r.bufferedCost).toBe(one);
    expect(rejected(r.push(gbtFrame(1, new Uint8Array(5), { originatorCounter: 2n }))).error.code).toBe('gbt-buffer-full');
    // A second block in the open conversation costs its overhead even when its data fits the arena.
    expect(rejected(r.push(gbtFrame(2, new Uint8Array(1), { originatorCounter: 1n }))).error.code).toBe('gbt-buffer-full');
    expect(r.bufferedBytes).toBe(5);
  });

  it('expires idle conversations and reports them on the next push', () => {
    let now = 1000;
    const r = new GbtReassembler({ expiryMs: 500, now: () => now });
    r.push(gbtFrame(1, d(1), { originatorCounter: 1n }));
    now = 1300;
    r.push(gbtFrame(1, d(1), { originatorCounter: 2n }));
    now = 1500; // conversation 1 idle for 500 ms: expires
    const res = r.push(gbtFrame(2, d(2), { originatorCounter: 2n }));
    expect(res.status).toBe('accepted');
    expect(res.expired.map((e) => [e.key.originatorCounter, e.error.code, e.received])).toEqual([[1n, 'gbt-expired', [1]]]);
    now = 2001;
    const ex = r.expire();
    expect(ex.map((e) => e.key.originatorCounter)).toEqual([2n]);
    expect(r.openConversations).toBe(0);
    // After expiry a late block starts a new conversation rather than being lost.
    expect(r.push(gbtFrame(3, d(3), { originatorCounter: 2n })).status).toBe('accepted');
  });

  it('rejects reassembled bytes that are not a GBCS message, returning them', () => {
    const r = new GbtReassembler();
    r.push(gbtFrame(1, d(0xdd, 0x00)));
    const res = rejected(r.push(gbtFrame(2, d(0x01), { last: true })));
    expect(res.error.code).toBe('gbt-reassembled-invalid');
    expect(res.error.cause).toBeInstanceOf(GbcsDecodeError);
    expect(toHex(res.message!)).toBe('dd0001');
  });

  it('rejects a reassembled message whose routing differs from the GBT header', () => {
    const msg = MESSAGES[0]!;
    const r = new GbtReassembler();
    // Segments claiming another counter than the message they carry.
    const segs = segmentMessage(msg, { blockSize: 50 }).map((s) => encodeFrame({ ...frameInitOf(decodeFrame(s)), gbt: decodeFrame(s).gbt, originatorCounter: 999n }));
    let last: GbtPushResult | undefined;
    for (const s of segs) last = r.push(s);
    const res = rejected(last!);
    expect(res.error.code).toBe('gbt-message-mismatch');
    expect(toHex(res.message!)).toBe(toHex(msg));
  });

  it('stays bounded and never throws on random block streams', () => {
    const rand = prng(3);
    let now = 0;
    const budget = 4 * (GBT_CONVERSATION_OVERHEAD + 256) + 12 * GBT_BLOCK_OVERHEAD;
    const r = new GbtReassembler({ maxConversations: 4, maxMessageSize: 64, maxBufferedBytes: budget, expiryMs: 50, now: () => now });
    for (let i = 0; i < 3000; i++) {
      now += Math.floor(rand() * 3);
      const data = new Uint8Array(Math.floor(rand() * 20)).map(() => Math.floor(rand() * 4));
      const seg = gbtFrame(Math.floor(rand() * 8), data, { last: rand() < 0.2, originatorCounter: BigInt(Math.floor(rand() * 6)) });
      const res = r.push(seg);
      expect(['accepted', 'duplicate', 'acknowledgement', 'complete', 'rejected']).toContain(res.status);
      expect(r.openConversations).toBeLessThanOrEqual(4);
      expect(r.bufferedCost).toBeLessThanOrEqual(budget);
      expect(r.bufferedBytes).toBeLessThanOrEqual(r.bufferedCost);
      expect(r.bufferedBytes).toBe(r.pending().reduce((n, p) => n + p.bytes, 0));
    }
    // Random mutations of real segments: nothing escapes push.
    const segs = segmentMessage(MESSAGES[0]!, { blockSize: 16 });
    for (let i = 0; i < 2000; i++) {
      const s = segs[i % segs.length]!.slice();
      s[Math.floor(rand() * s.length)] = Math.floor(rand() * 256);
      expect(() => r.push(s)).not.toThrow();
    }
  });
});

describe.skipIf(!HAVE_RTDS)('GBT over the RTDS corpus', () => {
  if (!HAVE_RTDS) console.warn(RTDS_SKIP_REASON);
  it('split and join of the whole RTDS set in one process gives every frame back, in order', () => {
    // RTDS reuses originator counters across scenarios (1056 messages, 165 keys): each
    // message reuses a completed key, with different bytes, and must still come back.
    const files = rtdsFiles();
    for (const blockSize of [7, 32, 100]) {
      const r = new GbtReassembler();
      const out: string[] = [];
      let reused = 0;
      for (const file of files) {
        for (const seg of segmentMessage(file.bytes, { blockSize })) {
          const res = r.push(seg);
          if (res.status === 'rejected') throw new Error(`${file.name} at ${blockSize}: ${res.error.message}`);
          if (res.status === 'complete') {
            out.push(toHex(res.message));
            if (res.keyReused) reused++;
          }
        }
      }
      expect(r.flush()).toEqual([]);
      expect(out).toEqual(files.map((f) => toHex(f.bytes)));
      expect(reused).toBeGreaterThan(800);
    }
  });

  it('segments every RTDS message at sizes 1, 7, 64, 255, 1024 and reassembles it, shuffled with duplicates', () => {
    const files = rtdsFiles();
    expect(files.length).toBeGreaterThan(500);
    const rand = prng(4);
    const r = new GbtReassembler();
    let checked = 0;
    for (const file of files) {
      for (const blockSize of SIZES) {
        const segs = segmentMessage(file.bytes, { blockSize, window: 1 + (checked % 5) });
        const { complete, rejected } = pushAll(r, shuffleWithDuplicates(segs, rand, 0.2));
        if (complete.length !== 1 || rejected.length !== 0) throw new Error(`${file.name} at ${blockSize}: ${complete.length} complete, ${rejected.length} rejected`);
        expect(complete[0]).toEqual(file.bytes);
        checked++;
        // RTDS messages share routing (counter, parties, CRA), and a completed
        // conversation is remembered for duplicate detection: forget it.
        expect(r.flush()).toEqual([]);
      }
    }
    expect(checked).toBe(files.length * SIZES.length);
  });
});
