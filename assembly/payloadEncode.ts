// Payload encoder (issue 17 item 1): executes the encoder programs the TypeScript side
// stages for DLMS Data / xDLMS APDUs (GBCS.md 3.2, A-XDR) and GBZ / ZCL payloads
// (GBCS.md 3.3-3.4), many payloads per call.
//
//   input region:  op(16) [inline bytes, padded to 16] op(16) ... PO_END ... PO_END
//   output region: payload 0 ‖ payload 1 ‖ ...      batch table: (offset, length) per payload
//
// What the core owns: every integer's range (the op carries the caller's number as an
// f64, so 1.5, -1 and 2^32 are refused, never wrapped), every A-XDR/BER length and count
// (< 2^32) and every length slot (compact-array contents, GBZ component length) computed
// from the bytes written, and the bounds of every write. The failing op's field id is
// echoed (peErrorField) so the glue names the field in a GbcsEncodeError.
//
// Decision (A-XDR widths): a recorded width (lengthWidth, kept by the decoder for
// byte-exact re-encoding) is used when the value fits it, else the minimal width: a
// width never truncates a length (same rule as the envelope encoder, assembly/encode.ts).
// Widths above 5 (84 xx xx xx xx) are written as 5.
// VERIFIED: every RTDS DLMS and GBZ payload re-encodes byte-exactly through this program
// (test/payload-encode-core.test.ts). Never allocates (runtime stub).
import {
  PO_BYTES, PO_END, PO_RAW, PO_UBE, PO_SBE, PO_ULE, PO_SLE, PO_BER, PO_OPEN, PO_CLOSE, LK_BER, LK_U16BE, PO_MAX_OPEN,
  E_ENC_RANGE, E_ENC_LENGTH, E_ENC_OUTPUT_FULL, E_ENC_PROGRAM, E_ENC_SOURCE,
} from '../src/wasm/layout';
import { MAX_BATCH, inputBase, inputCap, outBase, outCap, tableBase } from './memory';

/** Byte offset (in the input region) of the op that failed, and its field id. */
export let peErrOp: u32 = 0;
export let peErrField: i32 = 0;
/** Offset of the first op not executed (the next payload) after a partial batch. */
export let peNext: u32 = 0;

// Open length slots: output position, reserved width, kind, requested width, field.
const slotPos = new StaticArray<u32>(PO_MAX_OPEN);
const slotRes = new StaticArray<u32>(PO_MAX_OPEN);
const slotKind = new StaticArray<u32>(PO_MAX_OPEN);
const slotReq = new StaticArray<u32>(PO_MAX_OPEN);
const slotField = new StaticArray<i32>(PO_MAX_OPEN);

function fail(code: i32, op: usize, field: i32): i32 {
  peErrOp = <u32>op;
  peErrField = field;
  return -code;
}

@inline function minBer(v: u32): u32 {
  return v < 0x80 ? 1 : v < 0x100 ? 2 : v < 0x10000 ? 3 : v < 0x1000000 ? 4 : 5;
}

@inline function berWidth(v: u32, req: u32): u32 {
  const m = minBer(v);
  const r: u32 = req > 5 ? 5 : req;
  return r > m ? r : m;
}

@inline function putBer(p: usize, v: u32, w: u32): void {
  if (w == 1) {
    store<u8>(p, <u8>v);
    return;
  }
  store<u8>(p, <u8>(0x80 | (w - 1)));
  for (let i: u32 = w - 1; i >= 1; i--) {
    store<u8>(p + <usize>i, <u8>v);
    v >>= 8;
  }
}

/**
 * Executes the program in [start, end) of the input region, at most `max` payloads
 * (capped at MAX_BATCH). Returns the number of payloads written (their (offset, length)
 * in the batch table, the next op's offset in peNext: fewer than the program holds when
 * the output region filled up), or -E_* (op and field in peErrOp / peErrField).
 * Not one payload fitting the output region is -E_ENC_OUTPUT_FULL: grow it and call again.
 */
export function encodePayloads(start: u32, end: u32, max: i32): i32 {
  if (<u64>end > <u64>inputCap || start > end || (start & (PO_BYTES - 1)) != 0) return fail(E_ENC_SOURCE, start, 0);
  if (max > MAX_BATCH) max = MAX_BATCH;
  const base = inputBase;
  const outEnd = outBase + outCap;
  let q = <usize>start;
  const qEnd = <usize>end;
  let p = outBase;
  let count = 0;
  let payloadOp = q;
  let payloadOut = p;
  let open = 0;
  while (count < max && q < qEnd) {
    if (q + PO_BYTES > qEnd) return fail(E_ENC_PROGRAM, q, 0);
    const a = base + q;
    const w0 = load<u32>(a);
    const op = <i32>(w0 & 0xff);
    const field = <i32>((w0 >> 8) & 0xff);
    const width = <i32>((w0 >> 16) & 0xff);
    const req = w0 >> 24;
    let need: usize = 0; // output bytes this op writes (checked before writing)
    if (op == PO_END) {
      if (open != 0) return fail(E_ENC_PROGRAM, q, field);
      const t = tableBase + (<usize>count << 3);
      store<u32>(t, <u32>(payloadOut - outBase));
      store<u32>(t, <u32>(p - payloadOut), 4);
      count++;
      q += PO_BYTES;
      payloadOp = q;
      payloadOut = p;
      continue;
    }
    if (op == PO_RAW) {
      const n = <usize>load<u32>(a, 4);
      const padded = (n + PO_BYTES - 1) & ~(<usize>PO_BYTES - 1);
      if (q + PO_BYTES + padded > qEnd) return fail(E_ENC_PROGRAM, q, field);
      need = n;
      if (p + need > outEnd) break;
      memory.copy(p, a + PO_BYTES, n);
      p += n;
      q += <usize>PO_BYTES + padded;
      continue;
    }
    if (op >= PO_UBE && op <= PO_SLE) {
      if (width < 1 || width > 6) return fail(E_ENC_PROGRAM, q, field);
      const v = load<f64>(a, 8);
      const signed = op == PO_SBE || op == PO_SLE;
      const span = <f64>(<u64>1 << (<u64>width * 8));
      const lo: f64 = signed ? -span / 2 : 0;
      const hi: f64 = signed ? span / 2 - 1 : span - 1;
      // NaN fails both comparisons; fractions fail the trunc test.
      if (!(v >= lo && v <= hi) || Math.trunc(v) != v) return fail(E_ENC_RANGE, q, field);
      if (p + <usize>width > outEnd) break;
      let x = <u64>(<i64>v);
      if (op == PO_UBE || op == PO_SBE) {
        for (let i = <i32>width - 1; i >= 0; i--) {
          store<u8>(p + <usize>i, <u8>x);
          x >>= 8;
        }
      } else {
        for (let i = 0; i < width; i++) {
          store<u8>(p + <usize>i, <u8>x);
          x >>= 8;
        }
      }
      p += <usize>width;
      q += PO_BYTES;
      continue;
    }
    if (op == PO_BER) {
      const v = load<f64>(a, 8);
      if (!(v >= 0 && v <= 4294967295.0) || Math.trunc(v) != v) return fail(E_ENC_LENGTH, q, field);
      const n = <u32>v;
      const w = berWidth(n, req);
      if (p + <usize>w > outEnd) break;
      putBer(p, n, w);
      p += <usize>w;
      q += PO_BYTES;
      continue;
    }
    if (op == PO_OPEN) {
      if (open >= PO_MAX_OPEN || (width != LK_BER && width != LK_U16BE)) return fail(E_ENC_PROGRAM, q, field);
      const r: u32 = width == LK_U16BE ? 2 : req == 0 ? 1 : req > 5 ? 5 : req;
      if (p + <usize>r > outEnd) break;
      unchecked(slotPos[open] = <u32>(p - outBase));
      unchecked(slotRes[open] = r);
      unchecked(slotKind[open] = <u32>width);
      unchecked(slotReq[open] = req);
      unchecked(slotField[open] = field);
      open++;
      p += <usize>r;
      q += PO_BYTES;
      continue;
    }
    if (op == PO_CLOSE) {
      if (open == 0) return fail(E_ENC_PROGRAM, q, field);
      open--;
      const slot = outBase + <usize>unchecked(slotPos[open]);
      const r = unchecked(slotRes[open]);
      const f = unchecked(slotField[open]);
      const body = slot + <usize>r;
      const len64: u64 = <u64>(p - body);
      if (unchecked(slotKind[open]) == <u32>LK_U16BE) {
        if (len64 > 0xffff) return fail(E_ENC_LENGTH, q, f);
        store<u16>(slot, bswap<u16>(<u16>len64));
      } else {
        if (len64 > 0xffffffff) return fail(E_ENC_LENGTH, q, f);
        const len = <u32>len64;
        const w = berWidth(len, unchecked(slotReq[open]));
        if (w != r) {
          if (w > r && p + <usize>(w - r) > outEnd) break;
          memory.copy(slot + <usize>w, body, <usize>len);
          p = p + <usize>w - <usize>r;
        }
        putBer(slot, len, w);
      }
      q += PO_BYTES;
      continue;
    }
    return fail(E_ENC_PROGRAM, q, field);
  }
  if (q < qEnd && count < max) {
    // The output region filled up inside a payload: roll it back.
    open = 0;
    if (count == 0) return fail(E_ENC_OUTPUT_FULL, payloadOp, 0);
    peNext = <u32>payloadOp;
    return count;
  }
  if (open != 0 || (q >= qEnd && payloadOp != q)) return fail(E_ENC_PROGRAM, payloadOp, 0);
  peNext = <u32>q;
  return count;
}
