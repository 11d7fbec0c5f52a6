// Issue 10.12 (the suite): at least 1,000,000 mutated inputs per `npm test` run, across the
// envelope (through the batch API), the payload tree, the lazy path and the typed views
// (use-case registry). Every input is counted and the count asserted. Seeded: a failure
// names its seed and input number. `npm run fuzz -- --seed S --seconds N` runs the same
// file for N seconds from seed S (scripts/fuzz.mjs sets GBCS_FUZZ_SEED / GBCS_FUZZ_SECONDS).
//
// What must hold for every input: the result is a frame / tree / view or a GbcsDecodeError
// whose code is not 'internal' and whose offset lies inside the input; nothing else is
// thrown; the caller's bytes are not modified; a decoded envelope re-encodes byte-exact.
import { describe, expect, it } from 'vitest';
import { decodeFrames, decodePayload, encodeFrame, encodePayload, GbcsDecodeError, GbcsFrame, readTypedView, type PayloadContext } from '../src/index.js';
import { readFixtures } from './fixtures.js';
import { prng } from './prng.js';
import { rtdsFiles } from './rtds.js';

const SEED = Number(process.env.GBCS_FUZZ_SEED ?? 0x10_12);
const SECONDS = Number(process.env.GBCS_FUZZ_SECONDS ?? 0); // 0: the fixed per-run counts below
/** Inputs per class in one `npm test` run (sum >= 1,000,000). */
const COUNTS = { envelope: 800_000, payload: 90_000, lazy: 60_000, typed: 60_000 } as const;

const corpus: Uint8Array[] = [...readFixtures().map((f) => f.bytes), ...readFixtures('security.hex').map((f) => f.bytes), ...rtdsFiles().map((f) => f.bytes)];

/** Mutators: each returns a new array (the corpus entry is never touched). */
function mutate(rnd: () => number, src: Uint8Array): Uint8Array {
  const r = () => Math.floor(rnd() * 0x1_0000_0000) >>> 0;
  const at = (n: number) => (n <= 0 ? 0 : r() % n);
  switch (r() % 8) {
    case 0: { // 1-4 random bytes set
      const b = src.slice();
      for (let k = 1 + (r() & 3); k > 0; k--) if (b.length) b[at(b.length)] = r() & 0xff;
      return b;
    }
    case 1: { // one bit flipped
      const b = src.slice();
      if (b.length) b[at(b.length)]! ^= 1 << (r() & 7);
      return b;
    }
    case 2: // truncated
      return src.slice(0, at(src.length + 1));
    case 3: { // a byte inserted
      const i = at(src.length + 1);
      const b = new Uint8Array(src.length + 1);
      b.set(src.subarray(0, i), 0);
      b[i] = r() & 0xff;
      b.set(src.subarray(i), i + 1);
      return b;
    }
    case 4: { // a byte deleted
      if (src.length === 0) return src.slice();
      const i = at(src.length);
      const b = new Uint8Array(src.length - 1);
      b.set(src.subarray(0, i), 0);
      b.set(src.subarray(i + 1), i);
      return b;
    }
    case 5: { // a hostile length byte (long forms, maxima)
      const b = src.slice();
      if (b.length) b[at(b.length)] = [0x80, 0x81, 0x82, 0x83, 0x84, 0x7f, 0xff, 0x00][r() & 7]!;
      return b;
    }
    case 6: { // a slice duplicated
      const i = at(src.length);
      const n = Math.min(1 + at(16), src.length - i);
      const b = new Uint8Array(src.length + n);
      b.set(src.subarray(0, i + n), 0);
      b.set(src.subarray(i), i + n);
      return b;
    }
    default: { // spliced with another corpus entry
      const o = corpus[at(corpus.length)]!;
      const i = at(src.length + 1);
      const j = at(o.length + 1);
      const b = new Uint8Array(i + o.length - j);
      b.set(src.subarray(0, i), 0);
      b.set(o.subarray(j), i);
      return b;
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/** A thrown value is acceptable only as a located GbcsDecodeError. */
function checkError(e: unknown, len: number, where: string): void {
  if (!(e instanceof GbcsDecodeError)) throw new Error(`${where}: ${e instanceof Error ? e.stack : String(e)}`);
  if (e.code === 'internal') throw new Error(`${where}: internal error ${e.message}`);
  if (!(e.offset >= 0)) throw new Error(`${where}: offset ${e.offset}`);
  void len; // payload and view errors give frame offsets; the envelope checks the range itself
}

/** Runs `step(i)` COUNTS[cls] times (or for SECONDS/4 seconds per class) and returns the count. */
function drive(cls: keyof typeof COUNTS, step: (i: number) => number): number {
  let n = 0;
  if (SECONDS > 0) {
    const until = Date.now() + (SECONDS * 1000) / 4;
    for (let i = 0; Date.now() < until; i++) n += step(i);
  } else for (let i = 0; n < COUNTS[cls]; i++) n += step(i);
  return n;
}

const BATCH = 4096;
/** Per-test timeout: counts are fixed, so a loaded machine only makes them slower. */
const TIMEOUT = Math.max(600_000, SECONDS * 1000 + 120_000);
const frameOf = (b: Uint8Array): GbcsFrame | undefined => {
  const r = decodeFrames([b])[0]!;
  return r instanceof GbcsFrame ? r : undefined;
};
const payloadSamples: { bytes: Uint8Array; ctx: PayloadContext }[] = [];
for (const b of corpus) {
  const f = frameOf(b);
  if (f && f.kind !== 'gbt' && f.payloadFormat !== 'unknown') payloadSamples.push({ bytes: f.content.slice(), ctx: { format: f.payloadFormat, cra: f.cra, messageCode: f.messageCode } });
}

describe(`issue 10.12 the suite: >= 1,000,000 mutated inputs per run (seed ${SEED}${SECONDS ? `, ${SECONDS} s` : ''})`, () => {
  const total = { envelope: 0, payload: 0, lazy: 0, typed: 0 };

  it('envelope, through the batch API (decodeFrames): frame or located error, input untouched, byte-exact re-encoding', () => {
    const rnd = prng(SEED);
    let oks = 0;
    total.envelope = drive('envelope', (round) => {
      const inputs: Uint8Array[] = new Array(BATCH);
      for (let k = 0; k < BATCH; k++) inputs[k] = mutate(rnd, corpus[Math.floor(rnd() * corpus.length)]!);
      const copies = round % 8 === 0 ? inputs.map((b) => b.slice()) : undefined;
      const out = decodeFrames(inputs);
      if (out.length !== BATCH) throw new Error(`batch ${round}: ${out.length} results for ${BATCH} inputs`);
      for (let k = 0; k < BATCH; k++) {
        const r = out[k]!;
        const where = `seed ${SEED} batch ${round} slot ${k}`;
        if (r instanceof GbcsFrame) {
          if (r.bytes !== inputs[k]) throw new Error(`${where}: frame is not over the caller's bytes`);
          oks++;
          if ((k & 15) === 0 && !sameBytes(encodeFrame(r), inputs[k]!)) throw new Error(`${where}: decoded but re-encodes differently`);
        } else {
          checkError(r, inputs[k]!.length, where);
          if (r.offset > inputs[k]!.length) throw new Error(`${where}: offset ${r.offset} outside 0..${inputs[k]!.length}`);
          if (r.frameIndex !== k) throw new Error(`${where}: error names slot ${r.frameIndex}`);
        }
        if (copies && !sameBytes(copies[k]!, inputs[k]!)) throw new Error(`${where}: input modified`);
      }
      return BATCH;
    });
    expect(oks).toBeGreaterThan(0);
    expect(total.envelope - oks).toBeGreaterThan(0);
  }, TIMEOUT);

  it('payload tree (decodePayload): tree that re-encodes to the input, or a located error', () => {
    const rnd = prng(SEED + 1);
    const seen = { ok: 0, error: 0 };
    total.payload = drive('payload', (i) => {
      const s = payloadSamples[Math.floor(rnd() * payloadSamples.length)]!;
      const b = mutate(rnd, s.bytes);
      try {
        const p = decodePayload(b, s.ctx);
        if ((i & 3) === 0 && !sameBytes(encodePayload(p), b)) throw new Error(`seed ${SEED} payload ${i}: decoded but re-encodes differently`);
        seen.ok++;
      } catch (e) {
        checkError(e, b.length, `seed ${SEED} payload ${i}`);
        seen.error++;
      }
      return 1;
    });
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.error).toBeGreaterThan(0);
  }, TIMEOUT);

  it('lazy path (frame.payload kind/length/get) never throws anything but a located error', () => {
    const rnd = prng(SEED + 2);
    let read = 0;
    total.lazy = drive('lazy', (i) => {
      const b = mutate(rnd, corpus[Math.floor(rnd() * corpus.length)]!);
      const f = frameOf(b);
      if (!f || f.kind === 'gbt') return 1; // counted: the input was tried (the envelope refused it)
      try {
        const p = f.payload;
        if (p === undefined) return 1;
        void p.kind;
        const n = p.length;
        for (let k = 0; k < Math.min(n, 8); k++) void p.get(k);
        read++;
      } catch (e) {
        checkError(e, b.length, `seed ${SEED} lazy ${i}`);
      }
      return 1;
    });
    expect(read).toBeGreaterThan(0);
  }, TIMEOUT);

  it('typed views (readTypedView over the use-case registry) give a view, none, or a located error', () => {
    const rnd = prng(SEED + 3);
    let views = 0;
    total.typed = drive('typed', (i) => {
      const b = mutate(rnd, corpus[Math.floor(rnd() * corpus.length)]!);
      const f = frameOf(b);
      if (!f || f.kind === 'gbt') return 1;
      try {
        const v = readTypedView(f);
        if (v) {
          JSON.stringify(v.view, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? x.length : x));
          views++;
        }
      } catch (e) {
        checkError(e, b.length, `seed ${SEED} typed ${i}`);
      }
      return 1;
    });
    expect(views).toBeGreaterThan(0);
  }, TIMEOUT);

  it('counted: at least 1,000,000 inputs in total', () => {
    const sum = total.envelope + total.payload + total.lazy + total.typed;
    console.log(`fuzz seed ${SEED}: ${sum} inputs (envelope ${total.envelope}, payload ${total.payload}, lazy ${total.lazy}, typed views ${total.typed})`);
    if (SECONDS === 0) expect(sum).toBeGreaterThanOrEqual(1_000_000);
    else expect(sum).toBeGreaterThan(0);
  });
});
