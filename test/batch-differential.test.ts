// Differential test of the batch readers (issue 12 item 3): decodeFrames, the scanFrames
// cursor and the decodeFrameBatch columns must give what decodeFrame gives, slot by slot,
// on every RTDS frame (the independent source) and on seeded mutations of them
// (truncations, byte flips, garbage, text input, oversized input), across WASM chunks and
// input-region growth. A frame compares by every envelope member plus its re-encoding; an
// error by code, byte offset and slot index.
import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  decodeFrameBatch,
  decodeFrames,
  encodeFrame,
  frameInitOf,
  GbcsDecodeError,
  GbcsFrame,
  scanFrames,
  toHex,
  type BinaryInput,
} from '../src/index.js';
import { wasmCore } from '../src/wasm/core.js';
import * as L from '../src/wasm/layout.js';
import { readFixtures } from './fixtures.js';
import { prng } from './prng.js';
import { HAVE_RTDS, rtdsFiles } from './rtds.js';

const corpus = (): Uint8Array[] => [...readFixtures().map((f) => f.bytes), ...rtdsFiles().map((f) => f.bytes)];

/** Every envelope member of a frame, as plain data (bigints and bytes as text). */
function fingerprint(f: GbcsFrame): Record<string, unknown> {
  const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : toHex(b));
  const oi = f.otherInformation;
  const gbt = f.gbt;
  return {
    kind: f.kind,
    cra: f.cra,
    craFlag: f.craFlag,
    messageCode: f.messageCode,
    payloadFormat: f.payloadFormat,
    signatureState: f.signatureState,
    layout: { ...f.layout },
    lengthWidths: { ...f.lengthWidths },
    securityHeader: f.securityHeader ? { ...f.securityHeader } : undefined,
    originator: f.originator,
    recipient: f.recipient,
    counter: f.originatorCounter.toString(),
    dateTime: f.dateTime ? { ...f.dateTime } : undefined,
    otherInformation: { ...oi, supplementaryRemotePartyCounter: oi.supplementaryRemotePartyCounter?.toString(), supplementaryOriginatorCounter: oi.supplementaryOriginatorCounter?.toString(), certificate: hex(oi.certificate), extra: hex(oi.extra) },
    content: hex(f.content),
    contentOffset: f.contentOffset,
    signature: hex(f.signature),
    mac: hex(f.mac),
    signed: hex(f.signedBytes),
    gbt: gbt ? { ...gbt, blockData: hex(gbt.blockData) } : undefined,
    json: JSON.stringify(f.toJSON()),
    reencoded: toHex(encodeFrame(f)),
  };
}

type Want = { frame: Record<string, unknown>; bytes: Uint8Array } | { code: string; offset: number };

function single(input: BinaryInput): Want {
  try {
    const f = decodeFrame(input);
    return { frame: fingerprint(f), bytes: f.bytes };
  } catch (e) {
    if (!(e instanceof GbcsDecodeError)) throw e;
    return { code: e.code, offset: e.offset };
  }
}

/** decodeFrame's outcome with only the members the cursor and columns give (cheap: for large batches). */
function light(input: BinaryInput): Want {
  try {
    const f = decodeFrame(input);
    return { frame: lightPrint(f), bytes: f.bytes };
  } catch (e) {
    if (!(e instanceof GbcsDecodeError)) throw e;
    return { code: e.code, offset: e.offset };
  }
}

/** The members `light` keeps, of a frame. */
function lightPrint(f: GbcsFrame): Record<string, unknown> {
  return { kind: f.kind, craFlag: f.craFlag, messageCode: f.messageCode, payloadFormat: f.payloadFormat, layout: { ...f.layout }, originator: f.originator, recipient: f.recipient, counter: f.originatorCounter.toString(), content: f.content.length > 4096 ? `${f.content.length} bytes` : toHex(f.content) };
}

/** Plain checks (no expect() per slot: batches of 9,000 frames run through them). */
function same(got: unknown, want: unknown, label: string): void {
  if (got !== want) throw new Error(`${label}: got ${String(got)}, want ${String(want)}`);
}
function sameJson(got: unknown, want: unknown, label: string): void {
  const [a, b] = [JSON.stringify(got), JSON.stringify(want)];
  if (a !== b) throw new Error(`${label}:\n got  ${a}\n want ${b}`);
}

function expectError(got: GbcsDecodeError | undefined, want: Want, index: number): void {
  if ('frame' in want) throw new Error(`slot ${index}: expected a frame, got ${got?.code}`);
  sameJson({ code: got?.code, offset: got?.offset, frameIndex: got?.frameIndex }, { code: want.code, offset: want.offset, frameIndex: index }, `slot ${index}`);
}

/** Seeded mutations of the corpus, with text and unusable inputs mixed in. */
function mutated(seed: number): BinaryInput[] {
  const rnd = prng(seed);
  const out: BinaryInput[] = [];
  for (const full of corpus()) {
    out.push(full);
    const r = rnd();
    if (r < 0.25) out.push(full.subarray(0, Math.floor(rnd() * full.length)));
    else if (r < 0.6) {
      const m = full.slice();
      for (let j = 0, n = 1 + Math.floor(rnd() * 3); j < n; j++) m[Math.floor(rnd() * Math.min(m.length, 80))] = Math.floor(rnd() * 256);
      out.push(m);
    } else if (r < 0.7) out.push(toHex(full));
    else if (r < 0.75) out.push(Uint8Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
    else if (r < 0.77) out.push('zz not hex');
    else if (r < 0.8) out.push(new Uint8Array(0));
  }
  return out;
}

/** Checks every slot; `deep(i)` picks the slots whose frames are compared member by member (all by default). */
function checkAll(inputs: BinaryInput[], deep: (i: number) => boolean = () => true): { ok: number; failed: number } {
  const wants = inputs.map((input, i) => (deep(i) ? single(input) : light(input)));
  let ok = 0;

  const objects = decodeFrames(inputs);
  expect(objects).toHaveLength(inputs.length);
  objects.forEach((r, i) => {
    const w = wants[i]!;
    if (r instanceof GbcsFrame) {
      if (!('frame' in w)) throw new Error(`decodeFrames slot ${i}: a frame where decodeFrame threw ${w.code}`);
      sameJson((deep(i) ? fingerprint : lightPrint)(r), w.frame, `decodeFrames slot ${i}`);
      same(toHex(r.bytes), toHex(w.bytes), `slot ${i}: toHex(r.bytes)`);
      ok++;
    } else expectError(r, w, i);
  });

  let visited = 0;
  const failed = scanFrames(inputs, (c) => {
    const i = c.index;
    same(i, visited++, `slot ${i}: i`);
    const w = wants[i]!;
    if (!('frame' in w)) {
      same(c.ok, false, `slot ${i}: c.ok`);
      same(c.status !== 0, true, `cursor status ${i}`);
      expectError(c.error, w, i);
      return;
    }
    same(c.ok, true, `cursor slot ${i}`);
    same(c.error, undefined, `cursor error ${i}`);
    const f = w.frame as { messageCode: number; kind: string; craFlag: number; payloadFormat: string; layout: Record<string, number>; originator: string; recipient: string; counter: string };
    same(c.messageCode, f.messageCode, `slot ${i}: c.messageCode`);
    same(c.kind, f.kind, `slot ${i}: c.kind`);
    same(c.craFlag, f.craFlag, `slot ${i}: c.craFlag`);
    same(['unknown', 'DLMS', 'GBZ', 'ASN.1'][c.formatCode], f.payloadFormat, `slot ${i}: ['unknown'`);
    same(c.originatorOffset, f.layout.originator, `slot ${i}: c.originatorOffset`);
    same(c.recipientOffset, f.layout.recipient, `slot ${i}: c.recipientOffset`);
    same(c.counterOffset, f.layout.counter, `slot ${i}: c.counterOffset`);
    same(c.contentOffset, f.layout.content, `slot ${i}: c.contentOffset`);
    same(c.contentLength, f.layout.contentLength, `slot ${i}: c.contentLength`);
    same(c.originator, f.originator, `slot ${i}: c.originator`);
    same(c.recipient, f.recipient, `slot ${i}: c.recipient`);
    same(c.originatorCounter?.toString(), f.counter, `slot ${i}: c.originatorCounter?.toString()`);
    if (deep(i)) sameJson(fingerprint(c.frame()), w.frame, ``);
  });
  same(visited, inputs.length, 'slots visited');
  same(failed, inputs.length - ok, 'scanFrames failed count');

  const batch = decodeFrameBatch(inputs);
  same(batch.length, inputs.length, 'batch length');
  same(batch.failed, inputs.length - ok, 'batch failed count');
  const [codes, cras, kinds, statuses] = [batch.messageCodes, batch.craFlags, batch.kindCodes, batch.statuses];
  for (let i = 0; i < inputs.length; i++) {
    const w = wants[i]!;
    if (!('frame' in w)) {
      same(batch.ok(i), false, `slot ${i}: batch.ok(i)`);
      same(statuses[i] !== 0, true, `column status ${i}`);
      expectError(batch.error(i), w, i);
      same(batch.originator(i), undefined, `column originator ${i}`);
      continue;
    }
    const f = w.frame as { messageCode: number; kind: string; craFlag: number; layout: Record<string, number>; originator: string; counter: string; content: string };
    same(batch.ok(i), true, `columns slot ${i}`);
    same(codes[i], f.messageCode, `slot ${i}: codes[i]`);
    same(cras[i], f.craFlag, `slot ${i}: cras[i]`);
    same(batch.kind(i), f.kind, `slot ${i}: batch.kind(i)`);
    same(kinds[i], ['', 'general-ciphering', 'general-signing', 'gbt'].indexOf(f.kind), `slot ${i}: kinds[i]`);
    same(batch.counterOffsets[i], f.layout.counter, `slot ${i}: batch.counterOffsets[i]`);
    same(batch.contentLengths[i], f.layout.contentLength, `slot ${i}: batch.contentLengths[i]`);
    same(batch.originator(i), f.originator, `slot ${i}: batch.originator(i)`);
    same(batch.originatorCounter(i)?.toString(), f.counter, `slot ${i}: batch.originatorCounter(i)?.toString()`);
    if (f.kind !== 'gbt' && deep(i)) same(toHex(batch.content(i)!), f.content, `slot ${i}: toHex(batch.content(i)!)`);
    if (deep(i)) sameJson(fingerprint(batch.frame(i)), w.frame, ``);
  }
  return { ok, failed: inputs.length - ok };
}

describe('batch readers = decodeFrame, slot by slot (issue 12 item 3)', () => {
  it(`on every frame of the corpus (${HAVE_RTDS ? 'fixtures + RTDS' : 'fixtures only'})`, () => {
    const all = corpus();
    const { ok, failed } = checkAll(all);
    expect(failed).toBe(0);
    expect(ok).toBe(all.length);
  });

  it('on seeded mutations (truncations, flips, garbage, hex text, unusable text), errors with index and offset', () => {
    for (const seed of [1, 0x12c3]) {
      const { ok, failed } = checkAll(mutated(seed));
      expect(ok).toBeGreaterThan(10);
      expect(failed).toBeGreaterThan(10);
    }
  });

  it('across WASM chunks and input-region growth (a 5 MiB frame mid-batch; a visitor growing memory)', () => {
    const gs = corpus().map((b) => decodeFrame(b)).find((f) => f.kind === 'general-signing' && f.signatureState !== 'present')!;
    const big = encodeFrame({ ...frameInitOf(gs), content: new Uint8Array(5 << 20).fill(0x5a) });
    const small = corpus().slice(0, 40);
    const inputs: BinaryInput[] = [];
    for (let k = 0; k < 230; k++) inputs.push(...small); // 9,200 frames: two chunks by count
    inputs.splice(4000, 0, big);
    inputs.splice(100, 0, big.subarray(0, big.length - 1));
    expect(inputs[4001]).toBe(big);
    // Member by member around the chunk boundary and the big frames (not the 5 MiB one
    // itself: its JSON alone is 10 MB), and every 401st slot.
    checkAll(inputs, (i) => i % 401 === 0 || Math.abs(i - 8192) < 3 || Math.abs(i - 100) < 2 || i === 4000 || i === 4002);
    // A visitor whose decodeFrame grows WASM memory (detaching every view): the cursor still reads its slot.
    const codes: number[] = [];
    const capBefore = wasmCore().inputCap;
    scanFrames([small[0]!, small[1]!, small[2]!], (c) => {
      if (c.index === 1) expect(() => decodeFrame(new Uint8Array(capBefore + 1))).toThrow(GbcsDecodeError);
      codes.push(c.messageCode);
      expect(c.frame().messageCode).toBe(c.messageCode);
    });
    expect(wasmCore().inputCap).toBeGreaterThan(capBefore);
    expect(codes).toEqual(small.slice(0, 3).map((b) => decodeFrame(b).messageCode));
  });

  it('strict: decodeFrames and decodeFrameBatch agree with decodeFrame(…, { strict: true })', () => {
    const gs = corpus().map((b) => decodeFrame(b)).find((f) => f.kind === 'general-signing')!;
    const long = encodeFrame({ ...frameInitOf(gs), lengthWidths: { ...gs.lengthWidths, content: 3 } });
    const inputs = [gs.bytes, long, 'not hex!', gs.bytes];
    const want = inputs.map((b) => {
      try {
        return decodeFrame(b, { strict: true }).messageCode;
      } catch (e) {
        return (e as GbcsDecodeError).code;
      }
    });
    expect(want).toEqual([gs.messageCode, 'non-minimal-length', 'text-input', gs.messageCode]);
    expect(decodeFrames(inputs, { strict: true }).map((r) => (r instanceof GbcsFrame ? r.messageCode : r.code))).toEqual(want);
    const batch = decodeFrameBatch(inputs, { strict: true });
    expect(inputs.map((_, i) => (batch.ok(i) ? batch.messageCode(i) : batch.error(i)!.code))).toEqual(want);
    expect(batch.error(1)?.frameIndex).toBe(1);
  });

  it('never writes to the caller\'s bytes or list', () => {
    const inputs: BinaryInput[] = corpus().slice(0, 30);
    inputs.push('zz', toHex(corpus()[0]!));
    const before = inputs.map((b) => (typeof b === 'string' ? b : toHex(b as Uint8Array)));
    decodeFrames(inputs);
    scanFrames(inputs, () => {});
    decodeFrameBatch(inputs);
    expect(inputs.map((b) => (typeof b === 'string' ? b : toHex(b as Uint8Array)))).toEqual(before);
  });
});

describe('GbcsFrame members = the record words the kernel wrote (the compact frame, issue 12)', () => {
  it(`on every frame of the corpus (${HAVE_RTDS ? 'fixtures + RTDS' : 'fixtures only'}) and GBT segments`, () => {
    let gbt = 0;
    for (const bytes of corpus()) {
      const f = decodeFrame(bytes);
      const core = wasmCore();
      const r = (word: number) => core.i32[core.recordWord + word]!;
      const opt = (word: number) => (r(word) < 0 ? undefined : r(word));
      const l = f.layout;
      same(f.kind, ['', 'general-ciphering', 'general-signing', 'gbt'][r(L.R_KIND)], 'kind');
      same(f.craFlag, r(L.R_CRA), 'craFlag');
      same(f.messageCode, r(L.R_MESSAGE_CODE), 'messageCode');
      same(f.payloadFormat, ['unknown', 'DLMS', 'GBZ', 'ASN.1'][r(L.R_FORMAT)], 'payloadFormat');
      same(f.signatureState, ['absent', 'empty', 'present'][r(L.R_SIG_STATE)], 'signatureState');
      sameJson(
        [l.length, l.cipheredLength, l.mac, l.generalSigning, l.counter, l.originator, l.recipient, l.dateTime, l.otherInformation, l.otherInformationLength, l.content, l.contentLength, l.signature, l.gbtApdu, l.blockData, l.blockDataLength],
        [L.R_LENGTH, L.R_CS_LEN, L.R_MAC, L.R_GS, L.R_COUNTER, L.R_ORIGINATOR, L.R_RECIPIENT, L.R_DATETIME, L.R_OI, L.R_OI_LEN, L.R_CONTENT, L.R_CONTENT_LEN, L.R_SIG, L.R_GBT_APDU, L.R_BLOCK_DATA, L.R_BLOCK_DATA_LEN].map(r),
        'layout',
      );
      const isGbt = f.kind === 'gbt';
      sameJson(f.lengthWidths, { ciphered: f.kind === 'general-signing' ? undefined : r(L.R_CS_LEN_WIDTH), otherInformation: r(L.R_OI_LEN_WIDTH), content: isGbt ? undefined : r(L.R_CONTENT_LEN_WIDTH), blockData: isGbt ? r(L.R_BLOCK_DATA_LEN_WIDTH) : undefined }, 'lengthWidths');
      sameJson(f.securityHeader, f.kind === 'general-signing' ? undefined : { securityControl: r(L.R_SC), invocationCounter: r(L.R_IC) >>> 0 }, 'securityHeader');
      if (isGbt) {
        gbt++;
        const g = f.gbt!;
        sameJson([g.blockControl, g.blockNumber, g.blockNumberAck, g.blockData.length], [r(L.R_BLOCK_CONTROL), r(L.R_BLOCK_NUMBER), r(L.R_BLOCK_ACK), r(L.R_BLOCK_DATA_LEN)], 'gbt');
      } else same(f.gbt, undefined, 'gbt');
      same(f.contentOffset, r(L.R_CONTENT), 'contentOffset');
      same(f.dateTime === undefined, opt(L.R_DATETIME) === undefined, 'dateTime presence');
    }
    if (HAVE_RTDS) expect(gbt).toBeGreaterThan(0);
  });
  it('an invocation counter of 2^31 or more reads back whole (the frame keeps it in two halves)', () => {
    const gc = corpus().map((b) => decodeFrame(b)).find((f) => f.kind === 'general-ciphering')!;
    const m = gc.bytes.slice();
    const at = gc.layout.generalSigning - 4; // SC ‖ IC(4) ‖ DF
    m.set([0xfe, 0xdc, 0xba, 0x98], at);
    for (const f of [decodeFrame(m), decodeFrames([m])[0] as GbcsFrame]) {
      expect(f.securityHeader?.invocationCounter).toBe(0xfedcba98);
      expect(JSON.parse(JSON.stringify(f.toJSON())).securityHeader.invocationCounter).toBe(0xfedcba98);
      expect(toHex(encodeFrame(f))).toBe(toHex(m));
    }
  });
});
