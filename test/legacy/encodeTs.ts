// Envelope encoding. Plain TypeScript: the envelope is a handful of fixed fields around
// the caller's content, so one exact-size allocation and a few `set`s beat a round trip
// through WASM memory (which would copy the content twice).
import { euiBytes } from '../../src/bytes.js';
import { encodeDateTime } from '../../src/dateTime.js';
import { GbcsEncodeError } from '../../src/errors.js';
import { CRA_NAMES, type FrameInit } from '../../src/frame.js';

/** Bytes taken by a BER length `len` written with at least `width` bytes. */
export function berWidth(len: number, width = 1): number {
  const min = len < 0x80 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : len < 0x1000000 ? 4 : 0;
  if (min === 0) throw new GbcsEncodeError('length', `${len} does not fit a 3-byte BER length`);
  return Math.max(min, Math.min(width, 4));
}

/** Writes a BER length in exactly `width` bytes at `out[p]`; returns the next position. */
export function writeBer(out: Uint8Array, p: number, len: number, width: number): number {
  if (width === 1) {
    out[p] = len;
    return p + 1;
  }
  out[p] = 0x80 | (width - 1);
  for (let i = width - 1; i >= 1; i--) {
    out[p + i] = len & 0xff;
    len = Math.floor(len / 256);
  }
  return p + width;
}

function u64(out: Uint8Array, p: number, v: bigint | number, field: string): number {
  const b = BigInt(v);
  if (b < 0n || b > 0xffffffffffffffffn) throw new GbcsEncodeError(field, 'must be an unsigned 64-bit value');
  new DataView(out.buffer, out.byteOffset, out.byteLength).setBigUint64(p, b);
  return p + 8;
}

/** Other Information value bytes: message code ‖ supplementary fields. */
export function encodeOtherInformation(frame: Pick<FrameInit, 'messageCode' | 'otherInformation'>): Uint8Array {
  const oi = frame.otherInformation ?? {};
  const code = frame.messageCode;
  if (!Number.isInteger(code) || code < 0 || code > 0xffff) throw new GbcsEncodeError('messageCode', 'must be 0..0xFFFF');
  const rp = oi.supplementaryRemotePartyId !== undefined ? euiBytes(oi.supplementaryRemotePartyId, 'supplementaryRemotePartyId') : undefined;
  const hasCounter = oi.supplementaryRemotePartyCounter !== undefined;
  if (hasCounter && !rp) throw new GbcsEncodeError('otherInformation', 'a supplementary remote party counter needs the remote party id');
  const tailParts: Uint8Array[] = [];
  if (oi.supplementaryOriginatorCounter !== undefined) {
    if (!hasCounter) throw new GbcsEncodeError('otherInformation', 'a supplementary originator counter needs the remote party id and counter');
    const t = new Uint8Array(8);
    u64(t, 0, oi.supplementaryOriginatorCounter, 'supplementaryOriginatorCounter');
    tailParts.push(t);
  }
  if (oi.certificate !== undefined) tailParts.push(oi.certificate);
  if (oi.extra !== undefined) tailParts.push(oi.extra);
  const tailLen = tailParts.reduce((n, t) => n + t.length, 0);
  const out = new Uint8Array(2 + (rp ? 8 : 0) + (hasCounter ? 8 : 0) + tailLen);
  out[0] = code >> 8;
  out[1] = code & 0xff;
  let p = 2;
  if (rp) {
    out.set(rp, p);
    p += 8;
  }
  if (hasCounter) p = u64(out, p, oi.supplementaryRemotePartyCounter!, 'supplementaryRemotePartyCounter');
  for (const t of tailParts) {
    out.set(t, p);
    p += t.length;
  }
  return out;
}

function craFlag(frame: FrameInit): number {
  const i = CRA_NAMES.indexOf(frame.cra);
  if (i < 0) throw new GbcsEncodeError('cra', `must be one of ${CRA_NAMES.join(', ')}`);
  return i + 1;
}

/** Transaction-id, system titles, date-time and other-information: shared by DF and GBT. */
function routingFields(frame: FrameInit): { bytes: Uint8Array } {
  const orig = euiBytes(frame.originator, 'originator');
  const recip = euiBytes(frame.recipient, 'recipient');
  const dt = frame.dateTime !== undefined ? encodeDateTime(frame.dateTime) : undefined;
  const oi = encodeOtherInformation(frame);
  const oiW = berWidth(oi.length, frame.lengthWidths?.otherInformation);
  const out = new Uint8Array(10 + 18 + (dt ? 13 : 1) + oiW + oi.length);
  out[0] = 9;
  out[1] = craFlag(frame);
  let p = u64(out, 2, frame.originatorCounter, 'originatorCounter');
  out[p++] = 8;
  out.set(orig, p);
  p += 8;
  out[p++] = 8;
  out.set(recip, p);
  p += 8;
  if (dt) {
    out[p++] = 12;
    out.set(dt, p);
    p += 12;
  } else out[p++] = 0;
  p = writeBer(out, p, oi.length, oiW);
  out.set(oi, p);
  return { bytes: out };
}

/** The general-signing APDU (DF ... signature field). */
export function encodeGeneralSigning(frame: FrameInit): Uint8Array {
  const content = frame.content;
  if (!content) throw new GbcsEncodeError('content', 'a general-signing APDU needs content bytes');
  const head = routingFields(frame).bytes;
  const cw = berWidth(content.length, frame.lengthWidths?.content);
  const state = frame.signature ? 'present' : (frame.signatureState ?? 'empty');
  if (state === 'present' && frame.signature?.length !== 64) {
    throw new GbcsEncodeError('signature', `must be 64 bytes (r||s), got ${frame.signature?.length ?? 'none'}`);
  }
  const sigLen = state === 'present' ? 65 : state === 'empty' ? 1 : 0;
  const out = new Uint8Array(1 + head.length + cw + content.length + sigLen);
  out[0] = 0xdf;
  out.set(head, 1);
  let p = writeBer(out, 1 + head.length, content.length, cw);
  out.set(content, p);
  p += content.length;
  if (state === 'present') {
    out[p] = 0x40;
    out.set(frame.signature!, p + 1);
  } else if (state === 'empty') out[p] = 0;
  return out;
}

function securityHeader(frame: FrameInit, out: Uint8Array, p: number): number {
  const sh = frame.securityHeader ?? { securityControl: 0x11, invocationCounter: 0 };
  out[p] = sh.securityControl;
  new DataView(out.buffer, out.byteOffset).setUint32(p + 1, sh.invocationCounter >>> 0);
  return p + 5;
}

/**
 * Encodes a frame. `encodeFrame(decodeFrame(bytes))` gives `bytes` back exactly,
 * including long-form BER lengths (kept in `lengthWidths`).
 */
export function encodeFrame(frame: FrameInit): Uint8Array {
  switch (frame.kind) {
    case 'general-signing':
      if (frame.mac) throw new GbcsEncodeError('mac', 'a bare general-signing frame has no MAC (use kind general-ciphering)');
      return encodeGeneralSigning({ ...frameInitOf(frame), signatureState: frame.signatureState ?? 'absent' });
    case 'general-ciphering': {
      const mac = frame.mac;
      if (mac?.length !== 12) throw new GbcsEncodeError('mac', `general-ciphering needs a 12-byte MAC, got ${mac?.length ?? 'none'}`);
      if (frame.signatureState === 'absent') throw new GbcsEncodeError('signatureState', "a MACed frame carries a signature field ('empty' or 'present')");
      const gs = encodeGeneralSigning(frameInitOf(frame));
      const csLen = 5 + gs.length + 12;
      const w = berWidth(csLen, frame.lengthWidths?.ciphered);
      const out = new Uint8Array(7 + w + csLen);
      out[0] = 0xdd;
      let p = writeBer(out, 7, csLen, w);
      p = securityHeader(frame, out, p);
      out.set(gs, p);
      out.set(mac, p + gs.length);
      return out;
    }
    case 'gbt':
      return encodeGbtFrame(frame);
    default:
      throw new GbcsEncodeError('kind', `unknown frame kind ${JSON.stringify((frame as FrameInit).kind)}`);
  }
}

/**
 * The FrameInit fields of a frame object or decoded frame, as a plain object (spreading a
 * GbcsFrame drops its getters). Spread it and override fields to re-encode a variant.
 */
export function frameInitOf(f: FrameInit): FrameInit {
  return {
    kind: f.kind,
    cra: f.cra,
    originatorCounter: f.originatorCounter,
    originator: f.originator,
    recipient: f.recipient,
    dateTime: f.dateTime,
    messageCode: f.messageCode,
    otherInformation: f.otherInformation,
    content: f.content,
    signatureState: f.signatureState,
    signature: f.signature,
    mac: f.mac,
    securityHeader: f.securityHeader,
    gbt: f.gbt,
    lengthWidths: f.lengthWidths,
  };
}

/** GBT segment: routing header ‖ key-info ‖ length ‖ SC ‖ IC ‖ E0 block. */
function encodeGbtFrame(frame: FrameInit): Uint8Array {
  const g = frame.gbt;
  if (!g) throw new GbcsEncodeError('gbt', 'a GBT frame needs its block fields');
  const data = g.blockData;
  if (!Number.isInteger(g.blockNumber) || g.blockNumber < 0 || g.blockNumber > 0xffff) throw new GbcsEncodeError('gbt.blockNumber', 'must be 0..65535');
  if (!Number.isInteger(g.blockNumberAck) || g.blockNumberAck < 0 || g.blockNumberAck > 0xffff) throw new GbcsEncodeError('gbt.blockNumberAck', 'must be 0..65535');
  const window = g.window ?? 1;
  if (window < 0 || window > 63) throw new GbcsEncodeError('gbt.window', 'must be 0..63');
  const control = g.blockControl ?? ((g.lastBlock ? 0x80 : 0) | (g.streaming ? 0x40 : 0) | window);
  const head = routingFields(frame).bytes;
  const dw = berWidth(data.length, frame.lengthWidths?.blockData);
  const csLen = 5 + 6 + dw + data.length;
  const cw = berWidth(csLen, frame.lengthWidths?.ciphered);
  const out = new Uint8Array(1 + head.length + 1 + cw + csLen);
  out[0] = 0xdd;
  out.set(head, 1);
  let p = 1 + head.length;
  out[p++] = 0; // key-info absent
  p = writeBer(out, p, csLen, cw);
  p = securityHeader(frame, out, p);
  out[p++] = 0xe0;
  out[p++] = control;
  out[p++] = g.blockNumber >> 8;
  out[p++] = g.blockNumber & 0xff;
  out[p++] = g.blockNumberAck >> 8;
  out[p++] = g.blockNumberAck & 0xff;
  p = writeBer(out, p, data.length, dw);
  out.set(data, p);
  return out;
}
