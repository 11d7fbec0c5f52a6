// Envelope encoding (GBCS.md sections 1 and 2; issue 17). The WASM core lays out the
// frames (assembly/encode.ts): this module validates the caller's fields, stages the
// variable bytes (system titles, date-time, other-information tail, content, signature,
// MAC) and one descriptor per frame into core memory, and copies the frames out.
// `encodeFrames` writes many frames per core call; `encodeFrame` is a batch of one.
// The Other Information tail (supplementary ids/counters, certificate) is serialised
// here from its typed fields; the core writes the message code and every length.
import { euiBytes } from './bytes.js';
import { encodeDateTime } from './dateTime.js';
import { GbcsEncodeError } from './errors.js';
import { CRA_NAMES, type FrameInit } from './frame.js';
import { wasmCore, type WasmCore } from './wasm/core.js';
import * as L from './wasm/layout.js';
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

const FIELD_NAMES: Record<number, string> = {
  [L.ENC_FIELD_KIND]: 'kind',
  [L.ENC_FIELD_CRA]: 'cra',
  [L.ENC_FIELD_MESSAGE_CODE]: 'messageCode',
  [L.ENC_FIELD_OTHER_INFORMATION]: 'otherInformation',
  [L.ENC_FIELD_CONTENT]: 'content',
  [L.ENC_FIELD_CIPHERED]: 'ciphered length',
  [L.ENC_FIELD_BLOCK_DATA]: 'gbt.blockData',
  [L.ENC_FIELD_BLOCK_NUMBER]: 'gbt.blockNumber',
  [L.ENC_FIELD_BLOCK_ACK]: 'gbt.blockNumberAck',
  [L.ENC_FIELD_BLOCK_CONTROL]: 'gbt.blockControl',
  [L.ENC_FIELD_SIGNATURE_STATE]: 'signatureState',
  [L.ENC_FIELD_SECURITY_CONTROL]: 'securityHeader.securityControl',
  [L.ENC_FIELD_SOURCE]: 'source',
};

const TWO32 = 0x100000000;
const U64_MAX = 0xffffffffffffffffn;
const SIG_CODE = { absent: L.SIG_ABSENT, empty: L.SIG_EMPTY, present: L.SIG_PRESENT } as const;

function hexNibble(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
}

/** Writes an EUI-64 (8 bytes or 16 hex digits, separators allowed) at `u8[p]`. */
function putEui(u8: Uint8Array, p: number, eui: string | Uint8Array, field: string): void {
  if (typeof eui === 'string' && eui.length === 16) {
    let ok = true;
    for (let i = 0; i < 8; i++) {
      const hi = hexNibble(eui.charCodeAt(2 * i));
      const lo = hexNibble(eui.charCodeAt(2 * i + 1));
      if ((hi | lo) < 0) {
        ok = false;
        break;
      }
      u8[p + i] = (hi << 4) | lo;
    }
    if (ok) return;
  }
  u8.set(euiBytes(eui, field), p);
}

function u16Field(v: number, field: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new GbcsEncodeError(field, `must be 0..65535, got ${v}`);
  return v;
}

/** Source bytes a frame stages in the input region (before the OI tail and content). */
function stagedLength(f: FrameInit, tailLen: number, dataLen: number): number {
  return 16 + (f.dateTime !== undefined ? 12 : 0) + tailLen + dataLen + (f.signature && f.kind !== 'gbt' ? 64 : 0) + (f.kind === 'general-ciphering' ? 12 : 0);
}

function hasOiTail(f: FrameInit): boolean {
  const oi = f.otherInformation;
  if (oi === undefined) return false;
  return oi.supplementaryRemotePartyId !== undefined || oi.supplementaryRemotePartyCounter !== undefined || oi.supplementaryOriginatorCounter !== undefined || oi.certificate !== undefined || oi.extra !== undefined;
}

/** Validated frame, ready to stage: everything that can throw has thrown. */
interface Prepared {
  kind: number;
  tail: Uint8Array | undefined;
  data: Uint8Array;
  sig: number;
  dt: Uint8Array | undefined;
  size: number;
}

function prepare(frame: FrameInit, signatureDefault: 'absent' | 'empty'): Prepared {
  let kind: number;
  let sig: number = L.SIG_ABSENT;
  let data: Uint8Array;
  switch (frame.kind) {
    case 'general-signing':
    case 'general-ciphering': {
      kind = frame.kind === 'general-signing' ? L.K_GENERAL_SIGNING : L.K_GENERAL_CIPHERING;
      if (kind === L.K_GENERAL_SIGNING && frame.mac) throw new GbcsEncodeError('mac', 'a bare general-signing frame has no MAC (use kind general-ciphering)');
      if (kind === L.K_GENERAL_CIPHERING) {
        if (frame.mac?.length !== 12) throw new GbcsEncodeError('mac', `general-ciphering needs a 12-byte MAC, got ${frame.mac?.length ?? 'none'}`);
        if (frame.signatureState === 'absent') throw new GbcsEncodeError('signatureState', "a MACed frame carries a signature field ('empty' or 'present')");
      }
      if (!frame.content) throw new GbcsEncodeError('content', 'a general-signing APDU needs content bytes');
      data = frame.content;
      const state = frame.signature ? 'present' : (frame.signatureState ?? (kind === L.K_GENERAL_CIPHERING ? 'empty' : signatureDefault));
      if (state === 'present' && frame.signature?.length !== 64) {
        throw new GbcsEncodeError('signature', `must be 64 bytes (r||s), got ${frame.signature?.length ?? 'none'}`);
      }
      sig = SIG_CODE[state];
      if (sig === undefined) throw new GbcsEncodeError('signatureState', `must be absent, empty or present, got ${JSON.stringify(state)}`);
      break;
    }
    case 'gbt': {
      kind = L.K_GBT;
      const g = frame.gbt;
      if (!g) throw new GbcsEncodeError('gbt', 'a GBT frame needs its block fields');
      u16Field(g.blockNumber, 'gbt.blockNumber');
      u16Field(g.blockNumberAck, 'gbt.blockNumberAck');
      const window = g.window ?? 1;
      if (window < 0 || window > 63) throw new GbcsEncodeError('gbt.window', 'must be 0..63');
      if (g.blockControl !== undefined && (!Number.isInteger(g.blockControl) || g.blockControl < 0 || g.blockControl > 0xff)) throw new GbcsEncodeError('gbt.blockControl', `must be 0..255, got ${g.blockControl}`);
      data = g.blockData;
      break;
    }
    default:
      throw new GbcsEncodeError('kind', `unknown frame kind ${JSON.stringify((frame as FrameInit).kind)}`);
  }
  if (CRA_NAMES.indexOf(frame.cra) < 0) throw new GbcsEncodeError('cra', `must be one of ${CRA_NAMES.join(', ')}`);
  const code = frame.messageCode;
  if (!Number.isInteger(code) || code < 0 || code > 0xffff) throw new GbcsEncodeError('messageCode', 'must be 0..0xFFFF');
  const c = frame.originatorCounter;
  if (typeof c === 'bigint' ? c < 0n || c > U64_MAX : !Number.isSafeInteger(c) || c < 0) throw new GbcsEncodeError('originatorCounter', 'must be an unsigned 64-bit value');
  const sh = frame.securityHeader;
  if (sh !== undefined) {
    if (!Number.isInteger(sh.securityControl) || sh.securityControl < 0 || sh.securityControl > 0xff) throw new GbcsEncodeError('securityHeader.securityControl', `must be 0..255, got ${sh.securityControl}`);
  }
  const dt = frame.dateTime !== undefined ? encodeDateTime(frame.dateTime) : undefined;
  const tail = hasOiTail(frame) ? encodeOtherInformation(frame).subarray(2) : undefined;
  if (typeof frame.originator !== 'string' || frame.originator.length !== 16) euiBytes(frame.originator, 'originator');
  if (typeof frame.recipient !== 'string' || frame.recipient.length !== 16) euiBytes(frame.recipient, 'recipient');
  const size = stagedLength(frame, tail?.length ?? 0, data.length);
  return { kind, tail, data, sig, dt, size };
}

/** Stages frame `f` (prepared as `p`) as descriptor `i` with its bytes at `src`. */
function stage(core: WasmCore, i: number, f: FrameInit, p: Prepared, src: number): void {
  const u8 = core.u8;
  const u32 = core.u32;
  const w = core.encDescWord + i * L.ENC_WORDS;
  const c = f.originatorCounter;
  if (typeof c === 'bigint') {
    u32[w + L.EF_COUNTER_HI] = Number(c >> 32n);
    u32[w + L.EF_COUNTER_LO] = Number(c & 0xffffffffn);
  } else {
    u32[w + L.EF_COUNTER_HI] = Math.floor(c / TWO32);
    u32[w + L.EF_COUNTER_LO] = c >>> 0;
  }
  u32[w + L.EF_KIND] = p.kind;
  u32[w + L.EF_CRA] = CRA_NAMES.indexOf(f.cra) + 1;
  u32[w + L.EF_MESSAGE_CODE] = f.messageCode;
  u32[w + L.EF_SRC] = src;
  u32[w + L.EF_FLAGS] = (p.dt ? L.EFL_DATETIME : 0) | (p.sig << L.EFL_SIG_SHIFT) | (p.kind === L.K_GENERAL_CIPHERING ? L.EFL_MAC : 0);
  u32[w + L.EF_OI_TAIL_LEN] = p.tail?.length ?? 0;
  u32[w + L.EF_CONTENT_LEN] = p.data.length;
  const lw = f.lengthWidths;
  u32[w + L.EF_WIDTHS] = lw === undefined ? 0 : ((lw.ciphered ?? 0) & 0xff) | (((lw.otherInformation ?? 0) & 0xff) << 8) | (((p.kind === L.K_GBT ? lw.blockData : lw.content) ?? 0) & 0xff) << 16;
  const sh = f.securityHeader;
  u32[w + L.EF_SC] = sh ? sh.securityControl : 0x11;
  u32[w + L.EF_IC] = sh ? sh.invocationCounter >>> 0 : 0;
  const g = f.gbt;
  if (p.kind === L.K_GBT && g) {
    const window = g.window ?? 1;
    u32[w + L.EF_GBT_CONTROL] = g.blockControl ?? ((g.lastBlock ? 0x80 : 0) | (g.streaming ? 0x40 : 0) | window);
    u32[w + L.EF_GBT_NUMBER] = g.blockNumber;
    u32[w + L.EF_GBT_ACK] = g.blockNumberAck;
  }
  let q = core.inputPtr + src;
  putEui(u8, q, f.originator, 'originator');
  putEui(u8, q + 8, f.recipient, 'recipient');
  q += 16;
  if (p.dt) {
    u8.set(p.dt, q);
    q += 12;
  }
  if (p.tail) {
    u8.set(p.tail, q);
    q += p.tail.length;
  }
  u8.set(p.data, q);
  q += p.data.length;
  if (p.sig === L.SIG_PRESENT) {
    u8.set(f.signature!, q);
    q += 64;
  }
  if (p.kind === L.K_GENERAL_CIPHERING) u8.set(f.mac!, q);
}

function coreError(core: WasmCore, status: number, frames: readonly FrameInit[], first: number): Error {
  if (status === L.E_TRAP) return new GbcsEncodeError('internal', `WASM core trapped while encoding: ${core.lastTrap}`);
  const index = core.exports.encErrorIndex();
  const field = FIELD_NAMES[core.exports.encErrorField()] ?? 'frame';
  const f = frames[first + index];
  const where = frames.length > 1 ? ` (frame ${first + index})` : '';
  if (status === L.E_ENC_LENGTH) {
    const len = field === 'otherInformation' ? 2 + (f && hasOiTail(f) ? encodeOtherInformation(f).length - 2 : 0) : field === 'content' ? f?.content?.length : f?.gbt?.blockData.length;
    return new GbcsEncodeError(field, `length ${len ?? ''} does not fit a 3-byte BER length${where}`.replace('length  ', 'length '));
  }
  if (status === L.E_ENC_RANGE) return new GbcsEncodeError(field, `value out of range${where}`);
  return new GbcsEncodeError('internal', `WASM encoder status ${status} at frame ${first + index} (${field})`);
}

/**
 * Encodes `frames` through the core in as few calls as the regions allow and hands each
 * encoded frame (a view of a chunk buffer) to `emit`, in order.
 */
function encodeInto(frames: readonly FrameInit[], signatureDefault: 'absent' | 'empty', emit: (bytes: Uint8Array, index: number) => void): void {
  const core = wasmCore();
  if (core.u8.length === 0) core.refresh();
  const n = frames.length;
  let i = 0;
  const prepared: Prepared[] = [];
  while (i < n) {
    // Stage as many frames as fit the input region and one batch.
    prepared.length = 0;
    let src = 0;
    let j = i;
    while (j < n && j - i < core.maxBatch) {
      const p = prepare(frames[j]!, signatureDefault);
      if (src + p.size > core.inputCap) {
        if (j > i) break;
        // One frame larger than the input region: grow it once.
        const r = core.reserve(p.size);
        if (r !== 0) throw new GbcsEncodeError('content', `a frame of ${p.size} bytes is too large to encode`);
      }
      stage(core, j - i, frames[j]!, p, src);
      prepared.push(p);
      src += p.size;
      j++;
    }
    // Encode them, streaming through the output region.
    const staged = j - i;
    let done = 0;
    // Descriptors were staged from index 0 for frame i.
    while (done < staged) {
      const r = core.runCount(() => core.exports.encodeFrames(done, staged - done));
      if (r === -L.E_ENC_OUTPUT_FULL) {
        const s = core.reserveOutput(core.exports.encNeeded() >>> 0);
        if (s !== 0) throw new GbcsEncodeError('content', 'frame too large to encode');
        continue;
      }
      if (r < 0) throw coreError(core, -r, frames, i);
      const u8 = core.u8;
      const u32 = core.u32;
      const t = core.tableWord;
      const end = u32[t + 2 * (r - 1)]! + u32[t + 2 * (r - 1) + 1]!;
      const chunk = u8.slice(core.outputPtr, core.outputPtr + end);
      for (let k = 0; k < r; k++) emit(chunk.subarray(u32[t + 2 * k]!, u32[t + 2 * k]! + u32[t + 2 * k + 1]!), i + done + k);
      done += r;
    }
    i = j;
  }
}

/** The general-signing APDU (DF ... signature field); signature field 'empty' by default. */
export function encodeGeneralSigning(frame: FrameInit): Uint8Array {
  let out!: Uint8Array;
  encodeInto([{ ...frameInitOf(frame), kind: 'general-signing', mac: undefined }], 'empty', (b) => (out = b));
  return out;
}

/**
 * Encodes a frame. `encodeFrame(decodeFrame(bytes))` gives `bytes` back exactly,
 * including long-form BER lengths (kept in `lengthWidths`).
 */
export function encodeFrame(frame: FrameInit): Uint8Array {
  let out!: Uint8Array;
  encodeInto([frame], 'absent', (b) => (out = b));
  return out;
}

/**
 * Encodes many frames in few WASM calls (up to 8192 frames, or as many as fit the
 * core's regions, per call). Returns one Uint8Array per frame, in order: views over
 * shared chunk buffers (copy one with `.slice()` to keep it alone). Throws the first
 * frame's GbcsEncodeError, naming the field (and the frame index).
 */
export function encodeFrames(frames: readonly FrameInit[]): Uint8Array[] {
  const out: Uint8Array[] = new Array(frames.length);
  encodeInto(frames, 'absent', (b, k) => (out[k] = b));
  return out;
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

