// GBCS envelope encoder (GBCS.md sections 1 and 2; issue 17). The inverse of
// envelope.ts: general-ciphering (MAC header DD 00×6), general-signing (DF) and GBT
// (DD 09 ... E0) frames around caller bytes, many frames per call.
//
//   general-ciphering: DD 00 00 00 00 00 00 ‖ BER len ‖ SC ‖ IC(4) ‖ general-signing ‖ MAC(12)
//   general-signing:   DF ‖ 09 CRA counter(8) ‖ 08 orig(8) ‖ 08 recip(8) ‖ 00 | 0C dt(12)
//                      ‖ BER len ‖ code(2) OI tail ‖ BER len ‖ content ‖ [00 | 40 sig(64)]
//   GBT segment:       DD ‖ 09 CRA counter(8) ‖ 08 orig ‖ 08 recip ‖ 00 | 0C dt ‖ BER len OI
//                      ‖ 00 (key-info) ‖ BER len ‖ SC ‖ IC(4) ‖ E0 ctrl bn(2) ack(2) ‖ BER len data
//
// VERIFIED against every RTDS 4.5.0 frame (test/encode-core.test.ts re-encodes them all).
// Decision (BER widths): a requested width (lengthWidths, kept by the decoder) is used
// when the length fits it, else the minimal width (a width never truncates a length);
// lengths of 2^24 and above are refused (E_ENC_LENGTH): no GBCS frame comes near that.
// Every length is computed here from the bytes given, never taken from the caller, and
// every frame's size is checked against the output region before its first byte is
// written (bounds-checked writes). Never allocates (runtime stub).
import {
  ENC_WORDS, EF_KIND, EF_CRA, EF_COUNTER_HI, EF_COUNTER_LO, EF_MESSAGE_CODE, EF_SRC, EF_FLAGS,
  EF_OI_TAIL_LEN, EF_CONTENT_LEN, EF_WIDTHS, EF_SC, EF_IC, EF_GBT_CONTROL, EF_GBT_NUMBER, EF_GBT_ACK,
  EFL_DATETIME, EFL_SIG_SHIFT, EFL_MAC, K_GENERAL_CIPHERING, K_GENERAL_SIGNING, K_GBT,
  SIG_ABSENT, SIG_EMPTY, SIG_PRESENT,
  E_ENC_LENGTH, E_ENC_RANGE, E_ENC_SOURCE, E_ENC_OUTPUT_FULL,
  ENC_FIELD_KIND, ENC_FIELD_CRA, ENC_FIELD_MESSAGE_CODE, ENC_FIELD_OTHER_INFORMATION, ENC_FIELD_CONTENT,
  ENC_FIELD_CIPHERED, ENC_FIELD_BLOCK_DATA, ENC_FIELD_BLOCK_NUMBER, ENC_FIELD_BLOCK_ACK,
  ENC_FIELD_BLOCK_CONTROL, ENC_FIELD_SIGNATURE_STATE, ENC_FIELD_SECURITY_CONTROL, ENC_FIELD_SOURCE,
} from '../src/wasm/layout';
import { encDescBase, inputBase, inputCap, outBase, outCap, tableBase } from './memory';

export let encErrIndex: i32 = 0;
export let encErrField: i32 = 0;
export let encNeed: u32 = 0;

@inline function d(desc: usize, word: i32): u32 {
  return load<u32>(desc + (<usize>word << 2));
}

/** Minimal BER width of `len` (1..4), 0 when it does not fit 3 length bytes. */
@inline function minWidth(len: u32): u32 {
  return len < 0x80 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : len < 0x1000000 ? 4 : 0;
}

/** Width used for `len` given the requested width `req` (0 = minimal); 0 = too long. */
@inline function width(len: u32, req: u32): u32 {
  const m = minWidth(len);
  if (m == 0) return 0;
  const r: u32 = req > 4 ? 4 : req;
  return r > m ? r : m;
}

@inline function putBer(p: usize, len: u32, w: u32): usize {
  if (w == 1) {
    store<u8>(p, <u8>len);
    return p + 1;
  }
  store<u8>(p, <u8>(0x80 | (w - 1)));
  for (let i: u32 = w - 1; i >= 1; i--) {
    store<u8>(p + <usize>i, <u8>len);
    len >>= 8;
  }
  return p + <usize>w;
}

@inline function putU32be(p: usize, v: u32): void {
  store<u32>(p, bswap<u32>(v));
}

function err(code: i32, index: i32, field: i32): i32 {
  encErrIndex = index;
  encErrField = field;
  return -code;
}

/**
 * Encodes descriptors [first, first+count) into the output region from offset 0.
 * Returns the number of frames written (fewer than `count` when the region filled up:
 * call again from there after copying them out), or -E_* (index/field in encErr*).
 * 0 frames written with count > 0 is E_ENC_OUTPUT_FULL: encNeed holds the frame size.
 */
export function encodeFrames(first: i32, count: i32): i32 {
  let o: usize = 0;
  for (let i = 0; i < count; i++) {
    const idx = first + i;
    const desc = encDescBase + (<usize>idx * ENC_WORDS << 2);
    const kind = <i32>d(desc, EF_KIND);
    const cra = d(desc, EF_CRA);
    const flags = d(desc, EF_FLAGS);
    const code = d(desc, EF_MESSAGE_CODE);
    const tailLen = d(desc, EF_OI_TAIL_LEN);
    const cLen = d(desc, EF_CONTENT_LEN);
    const widths = d(desc, EF_WIDTHS);
    const sig = <i32>((flags >> EFL_SIG_SHIFT) & 3);
    const hasDt = (flags & EFL_DATETIME) != 0;
    const hasMac = (flags & EFL_MAC) != 0;
    if (kind < K_GENERAL_CIPHERING || kind > K_GBT) return err(E_ENC_RANGE, idx, ENC_FIELD_KIND);
    if (cra < 1 || cra > 3) return err(E_ENC_RANGE, idx, ENC_FIELD_CRA);
    if (code > 0xffff) return err(E_ENC_RANGE, idx, ENC_FIELD_MESSAGE_CODE);
    if (sig > SIG_PRESENT) return err(E_ENC_RANGE, idx, ENC_FIELD_SIGNATURE_STATE);
    if (d(desc, EF_SC) > 0xff) return err(E_ENC_RANGE, idx, ENC_FIELD_SECURITY_CONTROL);
    if (kind == K_GENERAL_CIPHERING && (!hasMac || sig == SIG_ABSENT)) return err(E_ENC_RANGE, idx, ENC_FIELD_SIGNATURE_STATE);
    const sigLen: u32 = sig == SIG_PRESENT ? 65 : sig == SIG_EMPTY ? 1 : 0;
    // Source bytes: all of them inside the input region (lengths < 2^24 keep this in u64 range).
    const srcLen: u64 = 16 + (hasDt ? 12 : 0) + <u64>tailLen + <u64>cLen + (sig == SIG_PRESENT ? 64 : 0) + (hasMac ? 12 : 0);
    const srcOff = d(desc, EF_SRC);
    if (<u64>srcOff + srcLen > <u64>inputCap) return err(E_ENC_SOURCE, idx, ENC_FIELD_SOURCE);
    // Lengths and widths.
    if (tailLen >= 0x1000000) return err(E_ENC_LENGTH, idx, ENC_FIELD_OTHER_INFORMATION);
    const oiLen = 2 + tailLen;
    const oiW = width(oiLen, (widths >> 8) & 0xff);
    if (oiW == 0) return err(E_ENC_LENGTH, idx, ENC_FIELD_OTHER_INFORMATION);
    const routing: u32 = 28 + (hasDt ? 13 : 1) + oiW + oiLen; // 09..counter, 2 titles, dt, OI
    const cW = width(cLen, (widths >> 16) & 0xff);
    if (cW == 0) return err(E_ENC_LENGTH, idx, kind == K_GBT ? ENC_FIELD_BLOCK_DATA : ENC_FIELD_CONTENT);
    let total: u32;
    let csLen: u32 = 0;
    let csW: u32 = 0;
    if (kind == K_GBT) {
      const bn = d(desc, EF_GBT_NUMBER);
      const ack = d(desc, EF_GBT_ACK);
      if (bn > 0xffff) return err(E_ENC_RANGE, idx, ENC_FIELD_BLOCK_NUMBER);
      if (ack > 0xffff) return err(E_ENC_RANGE, idx, ENC_FIELD_BLOCK_ACK);
      if (d(desc, EF_GBT_CONTROL) > 0xff) return err(E_ENC_RANGE, idx, ENC_FIELD_BLOCK_CONTROL);
      csLen = 11 + cW + cLen;
      csW = width(csLen, widths & 0xff);
      if (csW == 0) return err(E_ENC_LENGTH, idx, ENC_FIELD_CIPHERED);
      total = 1 + routing + 1 + csW + csLen;
    } else {
      const df = 1 + routing + cW + cLen + sigLen;
      if (kind == K_GENERAL_SIGNING) {
        if (hasMac) return err(E_ENC_RANGE, idx, ENC_FIELD_SIGNATURE_STATE);
        total = df;
      } else {
        csLen = 5 + df + 12;
        csW = width(csLen, widths & 0xff);
        if (csW == 0) return err(E_ENC_LENGTH, idx, ENC_FIELD_CIPHERED);
        total = 7 + csW + csLen;
      }
    }
    // Bounds: the whole frame fits before a byte is written.
    if (<u64>o + <u64>total > <u64>outCap) {
      if (i == 0) {
        encNeed = total;
        return err(E_ENC_OUTPUT_FULL, idx, 0);
      }
      return i;
    }
    let s = inputBase + <usize>srcOff;
    const start = outBase + o;
    let p = start;
    // Outer header.
    if (kind == K_GENERAL_CIPHERING) {
      store<u64>(p, 0xdd); // DD 00 00 00 00 00 00 (8th byte overwritten by the length)
      p = putBer(p + 7, csLen, csW);
      store<u8>(p, <u8>d(desc, EF_SC));
      putU32be(p + 1, d(desc, EF_IC));
      p += 5;
      store<u8>(p++, 0xdf);
    } else if (kind == K_GENERAL_SIGNING) {
      store<u8>(p++, 0xdf);
    } else {
      store<u8>(p++, 0xdd);
    }
    // Routing fields.
    store<u8>(p, 9);
    store<u8>(p + 1, <u8>cra);
    putU32be(p + 2, d(desc, EF_COUNTER_HI));
    putU32be(p + 6, d(desc, EF_COUNTER_LO));
    store<u8>(p + 10, 8);
    store<u64>(p + 11, load<u64>(s));
    store<u8>(p + 19, 8);
    store<u64>(p + 20, load<u64>(s, 8));
    p += 28;
    s += 16;
    if (hasDt) {
      store<u8>(p, 12);
      store<u64>(p + 1, load<u64>(s));
      store<u32>(p + 9, load<u32>(s, 8));
      p += 13;
      s += 12;
    } else store<u8>(p++, 0);
    p = putBer(p, oiLen, oiW);
    store<u8>(p, <u8>(code >> 8));
    store<u8>(p + 1, <u8>code);
    p += 2;
    memory.copy(p, s, <usize>tailLen);
    p += <usize>tailLen;
    s += <usize>tailLen;
    if (kind == K_GBT) {
      store<u8>(p++, 0); // key-info absent
      p = putBer(p, csLen, csW);
      store<u8>(p, <u8>d(desc, EF_SC));
      putU32be(p + 1, d(desc, EF_IC));
      store<u8>(p + 5, 0xe0);
      store<u8>(p + 6, <u8>d(desc, EF_GBT_CONTROL));
      const bn = d(desc, EF_GBT_NUMBER);
      const ack = d(desc, EF_GBT_ACK);
      store<u8>(p + 7, <u8>(bn >> 8));
      store<u8>(p + 8, <u8>bn);
      store<u8>(p + 9, <u8>(ack >> 8));
      store<u8>(p + 10, <u8>ack);
      p = putBer(p + 11, cLen, cW);
      memory.copy(p, s, <usize>cLen);
      p += <usize>cLen;
    } else {
      p = putBer(p, cLen, cW);
      memory.copy(p, s, <usize>cLen);
      p += <usize>cLen;
      s += <usize>cLen;
      if (sig == SIG_PRESENT) {
        store<u8>(p++, 0x40);
        memory.copy(p, s, 64);
        p += 64;
        s += 64;
      } else if (sig == SIG_EMPTY) store<u8>(p++, 0);
      if (hasMac) {
        memory.copy(p, s, 12);
        p += 12;
      }
    }
    const t = tableBase + (<usize>i << 3);
    store<u32>(t, <u32>o);
    store<u32>(t, total, 4);
    o += <usize>total;
  }
  return count;
}
