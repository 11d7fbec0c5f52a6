import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  decodeFrames,
  encodeFrame,
  fromHex,
  GbcsDecodeError,
  GbcsFrame,
  messageCodeInfo,
  toHex,
  type FrameInit,
} from '../src/index.js';
import { fixture, readFixtures } from './fixtures.js';

const fixtures = readFixtures();

describe('envelope: project fixtures (round-trip tests: the frames and expected values come from our own encoder, scripts/make-fixtures.mjs; conformance is test/rtds-*.test.ts)', () => {
  it('has fixtures for every frame kind', () => {
    const kinds = new Set(fixtures.map((f) => decodeFrame(f.bytes).kind));
    expect([...kinds].sort()).toEqual(['gbt', 'general-ciphering', 'general-signing']);
  });

  for (const f of fixtures) {
    it(`round-trips byte-exact: ${f.title}`, () => {
      const frame = decodeFrame(f.bytes);
      expect(toHex(encodeFrame(frame))).toBe(f.hex.toLowerCase());
    });
  }

  it('decodes the ECS52 response fields', () => {
    const f = decodeFrame(fixture('ECS52 read firmware version response').bytes);
    expect(f.kind).toBe('general-ciphering');
    expect(f.cra).toBe('response');
    expect(f.craFlag).toBe(2);
    expect(f.messageCode).toBe(0x0059);
    expect(f.useCase).toBe('ECS52');
    expect(f.originator).toBe('00db1234567890a0');
    expect(f.recipient).toBe('90b3d51f30010000');
    expect(f.originatorCounter).toBe(0x1234n);
    expect(f.dateTime).toBeUndefined();
    expect(f.otherInformation.variant).toBe('message-code');
    expect(f.payloadFormat).toBe('DLMS');
    expect(toHex(f.content)).toBe('da20001234000001090401020304010100');
    expect(f.bytes[f.contentOffset]).toBe(0xda);
    expect(f.signatureState).toBe('empty');
    expect(f.signature).toBeUndefined();
    expect(f.mac).toHaveLength(12);
    expect(f.securityHeader).toEqual({ securityControl: 0x11, invocationCounter: 0 });
    // MAC header length = 5 + general-signing APDU + 12 (GBCS.md 1.2)
    expect(f.layout.cipheredLength).toBe(f.bytes.length - 8);
  });

  it('decodes the CS06 command: signed, MACed, ASN.1, long-form lengths kept', () => {
    const f = decodeFrame(fixture('CS06 activate firmware command').bytes);
    expect(f.useCase).toBe('CS06');
    expect(f.payloadFormat).toBe('ASN.1');
    expect(f.signatureState).toBe('present');
    expect(f.signature).toHaveLength(64);
    expect(f.lengthWidths.ciphered).toBe(2); // 81 xx
    expect(f.bytes[7]).toBe(0x81);
    // Signed bytes run from the byte after DF to the last payload byte (GBCS.md 1.5).
    const s = f.signedBytes!;
    expect(s[0]).toBe(0x09);
    expect(s[s.length - 1]).toBe(f.content[f.content.length - 1]);
  });

  it('decodes the Other Information remote-party-counter variant (CS08)', () => {
    const f = decodeFrame(fixture('CS08').bytes);
    expect(f.otherInformation).toMatchObject({
      messageCode: 0x0129,
      variant: 'remote-party-counter',
      supplementaryRemotePartyId: '90b3d51f30010000',
      supplementaryRemotePartyCounter: 0x4000n,
    });
    expect(f.useCase).toBe('CS08');
  });

  it('decodes the Grouping Header date-time (FDRA alert)', () => {
    const f = decodeFrame(fixture('FDRA').bytes);
    expect(f.cra).toBe('alert');
    expect(f.kind).toBe('general-signing');
    expect(f.dateTime?.iso).toBe('2025-11-21T12:00:00.00Z');
    expect(f.originatorCounter).toBe(0x100000001n);
    expect(f.useCase).toBe('FDRA-DLMS');
  });

  it('tells a pre-command (no signature field) from an empty signature', () => {
    const pre = decodeFrame(fixture('ECS61c').bytes);
    expect(pre.signatureState).toBe('absent');
    expect(pre.layout.signature).toBe(-1);
    const empty = decodeFrame(fixture('ECS52 read firmware version command').bytes);
    expect(empty.signatureState).toBe('empty');
  });

  it('decodes GBT segments, including a pure acknowledgement', () => {
    const seg = decodeFrame(fixture('GBT segment: block 1').bytes);
    expect(seg.kind).toBe('gbt');
    expect(seg.gbt).toMatchObject({ lastBlock: false, streaming: false, window: 1, blockNumber: 1, blockNumberAck: 0 });
    expect(seg.gbt!.blockData).toHaveLength(48);
    expect(seg.messageCode).toBe(0x0012);
    const ack = decodeFrame(fixture('GBT segment: pure acknowledgement').bytes);
    expect(ack.gbt!.blockData).toHaveLength(0);
    expect(ack.gbt!.blockNumberAck).toBe(1);
  });
});

describe('envelope: input forms and caller buffers', () => {
  const f = fixture('ECS52 read firmware version response');
  const spaced = f.hex.match(/../g)!.map((b) => `0x${b}`).join(' ');

  it('accepts bytes, hex with spaces/newlines/0x, base64 and ArrayBuffer', () => {
    const want = toHex(decodeFrame(f.bytes).content);
    expect(toHex(decodeFrame(spaced).content)).toBe(want);
    expect(toHex(decodeFrame(f.hex.replace(/(.{32})/g, '$1\n')).content)).toBe(want);
    expect(toHex(decodeFrame(Buffer.from(f.bytes).toString('base64')).content)).toBe(want);
    expect(toHex(decodeFrame(f.bytes.slice().buffer).content)).toBe(want);
  });

  it('rejects text that is neither hex nor base64 with the character offset', () => {
    const e = catchDecode(() => decodeFrame('DD 00 z!'));
    expect(e.code).toBe('text-input');
    expect(() => decodeFrame('DD0')).toThrow(/even number of hex digits/);
  });

  it('never modifies the caller buffer, valid or not', () => {
    const buf = f.bytes.slice();
    const copy = buf.slice();
    decodeFrame(buf);
    buf[15] = 0x07; // invalid CRA flag
    const after = buf.slice();
    expect(() => decodeFrame(buf)).toThrow(GbcsDecodeError);
    expect(buf).toEqual(after);
    buf[15] = copy[15]!;
    expect(buf).toEqual(copy);
  });

  it('views share the input (zero-copy) and survive later decodes', () => {
    const a = decodeFrame(fixture('ECS52 read firmware version response').bytes);
    const contentBefore = toHex(a.content);
    decodeFrame(fixture('CS06 activate firmware command').bytes);
    expect(toHex(a.content)).toBe(contentBefore);
    expect(a.content.buffer).toBe(a.bytes.buffer);
  });
});

describe('envelope: encoder', () => {
  const base: FrameInit = {
    kind: 'general-ciphering',
    cra: 'command',
    originatorCounter: 1000n,
    originator: '90B3D51F30010000',
    recipient: '00db1234567890a0',
    messageCode: 0x0059,
    content: fromHex('D9 200003E8 00 01 01 0001 0000000201FF 02 01 00'),
    signatureState: 'empty',
    mac: new Uint8Array(12).fill(0xaa),
  };

  it('builds a frame that decodes to the same fields', () => {
    const f = decodeFrame(encodeFrame(base));
    expect(f.originator).toBe('90b3d51f30010000');
    expect(f.originatorCounter).toBe(1000n);
    expect(toHex(f.content)).toBe(toHex(base.content!));
    expect(toHex(f.mac!)).toBe('aa'.repeat(12));
  });

  it('keeps non-minimal BER lengths when asked (byte-exact round trips)', () => {
    const bytes = encodeFrame({ ...base, lengthWidths: { ciphered: 3, content: 2, otherInformation: 2 } });
    const f = decodeFrame(bytes);
    expect(f.lengthWidths).toMatchObject({ ciphered: 3, content: 2, otherInformation: 2 });
    expect(bytes[7]).toBe(0x82);
    expect(toHex(encodeFrame(f))).toBe(toHex(bytes));
  });

  it('grows a length field that no longer fits instead of corrupting the frame', () => {
    const big = encodeFrame({ ...base, content: new Uint8Array(300).fill(1), lengthWidths: { ciphered: 1, content: 1 } });
    const f = decodeFrame(big);
    expect(f.layout.contentLength).toBe(300);
    expect(f.lengthWidths.content).toBe(3);
  });

  it('encodes every Other Information variant', () => {
    const cert = fromHex('30 03 02 01 05');
    const variants: Array<[FrameInit['otherInformation'], string]> = [
      [{ supplementaryRemotePartyId: '90b3d51f30010000' }, 'remote-party'],
      [{ supplementaryRemotePartyId: '90b3d51f30010000', supplementaryRemotePartyCounter: 7n }, 'remote-party-counter'],
      [{ supplementaryRemotePartyId: '90b3d51f30010000', supplementaryRemotePartyCounter: 7n, supplementaryOriginatorCounter: 9n }, 'originator-counter'],
      [{ supplementaryRemotePartyId: '90b3d51f30010000', supplementaryRemotePartyCounter: 7n, certificate: cert }, 'certificate'],
    ];
    for (const [oi, variant] of variants) {
      const f = decodeFrame(encodeFrame({ ...base, otherInformation: oi }));
      expect(f.otherInformation.variant).toBe(variant);
      expect(f.otherInformation).toMatchObject(oi!);
    }
  });

  it('refuses what cannot be encoded, naming the field', () => {
    expect(() => encodeFrame({ ...base, mac: new Uint8Array(8) })).toThrow(/mac/);
    expect(() => encodeFrame({ ...base, signature: new Uint8Array(10) })).toThrow(/signature/);
    expect(() => encodeFrame({ ...base, originator: '1234' })).toThrow(/originator/);
    expect(() => encodeFrame({ ...base, originatorCounter: -1n })).toThrow(/originatorCounter/);
    expect(() => encodeFrame({ ...base, kind: 'general-signing' })).toThrow(/no MAC/);
  });
});

describe('envelope: malformed input', () => {
  const good = fixture('ECS52 read firmware version response').bytes;
  const mutate = (at: number, v: number) => {
    const b = good.slice();
    b[at] = v;
    return b;
  };
  // ECS52 response layout: DD 000000000000 | 45 | 11 00000000 | DF(13) 09(14) CRA(15) ...
  const cases: Array<[string, Uint8Array, string, number]> = [
    ['empty input', new Uint8Array(0), 'truncated', 0],
    ['unknown frame tag', mutate(0, 0xaa), 'frame-tag', 0],
    ['non-empty MAC header field', mutate(3, 0x01), 'mac-header', 3],
    ['general-signing tag missing', mutate(13, 0xde), 'general-signing-tag', 13],
    ['transaction-id length', mutate(14, 0x08), 'transaction-id', 14],
    ['CRA flag 4', mutate(15, 0x04), 'cra-flag', 15],
    ['system title length 7', mutate(24, 0x07), 'system-title', 24],
    ['date-time length 5', mutate(42, 0x05), 'date-time', 42],
    ['other-information of 1 byte', mutate(43, 0x01), 'other-information', 43],
    ['reserved BER length form 0x80', mutate(7, 0x80), 'ber-length', 7],
    ['signature length 0x20', mutate(64, 0x20), 'signature', 64],
    ['ciphered length too short for a MAC', mutate(7, 0x10), 'ciphered-length', 7],
    ['trailing bytes', Uint8Array.from([...good, 0]), 'trailing-bytes', good.length],
    ['truncated MAC', good.subarray(0, good.length - 1), 'truncated', good.length - 1],
  ];
  for (const [what, bytes, code, offset] of cases) {
    it(`${what}: ${code} at byte ${offset}`, () => {
      const e = catchDecode(() => decodeFrame(bytes));
      expect(e.code).toBe(code);
      expect(e.offset).toBe(offset);
      expect(e.message).toContain(`at byte ${offset}`);
      expect(e.expected.length).toBeGreaterThan(5);
    });
  }
});

describe('envelope: batch decoding (round-trip against the own-encoder fixtures)', () => {
  it('gives the same frames as one call per frame, errors in place', () => {
    const inputs: Array<Uint8Array | string> = fixtures.map((f) => f.bytes);
    inputs.splice(2, 0, new Uint8Array([0xdf, 0x09]), 'not hex!');
    const out = decodeFrames(inputs);
    expect(out).toHaveLength(inputs.length);
    expect(out[2]).toBeInstanceOf(GbcsDecodeError);
    expect((out[2] as GbcsDecodeError).frameIndex).toBe(2);
    expect((out[3] as GbcsDecodeError).code).toBe('text-input');
    const frames = out.filter((r): r is GbcsFrame => r instanceof GbcsFrame);
    expect(frames.map((f) => toHex(encodeFrame(f)))).toEqual(fixtures.map((f) => f.hex.toLowerCase()));
  });

  it('splits batches larger than one WASM call (8192 frames)', () => {
    const one = fixture('GBT segment: pure acknowledgement').bytes;
    const out = decodeFrames(Array.from({ length: 9000 }, () => one));
    expect(out.every((r) => r instanceof GbcsFrame && r.gbt!.blockNumberAck === 1)).toBe(true);
  });

  it('handles a frame larger than the input region (grows it once)', () => {
    const f = decodeFrame(
      encodeFrame({
        kind: 'general-signing', cra: 'command', originatorCounter: 1n, originator: '90b3d51f30010000',
        recipient: '00db1234567890a0', messageCode: 0x0021, content: new Uint8Array(5 << 20).fill(0x30), signatureState: 'empty',
      }),
    );
    expect(f.content.length).toBe(5 << 20);
    expect(decodeFrames([fixtures[0]!.bytes])[0]).toBeInstanceOf(GbcsFrame);
  });
});

describe('message codes', () => {
  it('names every code with a use case id', () => {
    expect(messageCodeInfo(0x0059)).toMatchObject({ useCase: 'ECS52', alert: false });
    expect(messageCodeInfo(0x0012)?.useCase).toBe('CS06');
    expect(messageCodeInfo(0x00ce)).toMatchObject({ useCase: 'FDRA-DLMS', alert: true });
    expect(messageCodeInfo(0x0102)?.name).toContain('supplierBySupplier');
    expect(messageCodeInfo(0xbeef)).toBeUndefined();
  });
});

function catchDecode(fn: () => unknown): GbcsDecodeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GbcsDecodeError) return e;
    throw e;
  }
  throw new Error('expected a GbcsDecodeError');
}

describe('WASM boundary', () => {
  it('turns a trap into a GbcsDecodeError (code internal) instead of letting it escape', async () => {
    const { wasmCore } = await import('../src/wasm/core.js');
    const { E_TRAP } = await import('../src/wasm/layout.js');
    const core = wasmCore();
    // The glue reports the trap as a status (it does not import the error layer)...
    const status = core.run(() => {
      throw new WebAssembly.RuntimeError('unreachable');
    });
    expect(status).toBe(E_TRAP);
    // ...which the error layer turns into a typed error.
    const e = catchDecode(() => {
      throw GbcsDecodeError.fromStatus(status, 0, core.lastTrap);
    });
    expect(e.code).toBe('internal');
    expect(e.message).toContain('unreachable');
    // The core keeps working afterwards.
    expect(decodeFrame(fixture('ECS52 read firmware version response').bytes).useCase).toBe('ECS52');
  });
});
