// DLMS/COSEM A-XDR walker (GBCS.md 3.2): access-request (D9), access-response (DA),
// data-notification (0F) and the Data grammar, compact-array included. Validates
// bounds and structure and writes the node index; values are read by the TypeScript
// side from the offsets. Recursion is bounded by MAX_DEPTH, node count by MAX_NODES.
import {
  E_DLMS_APDU_TAG, E_DLMS_COMPACT_ARRAY, E_DLMS_DATA_TAG, E_DLMS_DATETIME_LENGTH, E_DLMS_RESULT_CHOICE,
  E_DLMS_COUNT_MISMATCH, E_DLMS_SPEC_CHOICE, E_DLMS_SPEC_PRESENCE, E_DLMS_TYPE_DESCRIPTION, E_NESTING_TOO_DEEP, E_TRUNCATED, MAX_DEPTH,
  NC_DLMS_APDU, NC_DLMS_CA_VALUE, NC_DLMS_DATA, NC_DLMS_DATA_LIST, NC_DLMS_DATETIME, NC_DLMS_RESULT,
  NC_DLMS_RESULT_LIST, NC_DLMS_SPEC, NC_DLMS_SPEC_LIST, NC_DLMS_TYPEDESC,
} from '../src/wasm/layout';
import { axdrLength, fail, has, lenWidth, u16be, u32be, u8At } from './reader';
import { auxOf, closeNode, newNode, nextOf, nodeCount, setAux, setValue, tagOf } from './nodes';

/** Bytes of a fixed-size Data value after its tag; -1 for variable or invalid tags. */
function fixedSize(tag: u32): i32 {
  switch (tag) {
    case 0x00: return 0; // null
    case 0x03: case 0x0d: case 0x0f: case 0x11: case 0x16: return 1; // boolean, bcd, integer, unsigned, enum
    case 0x10: case 0x12: return 2; // long, long-unsigned
    case 0x05: case 0x06: case 0x17: case 0x1b: return 4; // double-long(-unsigned), float32, time
    case 0x1a: return 5; // date
    case 0x14: case 0x15: case 0x18: return 8; // long64(-unsigned), float64
    case 0x19: return 12; // date-time
    default: return -1;
  }
}

@inline function truncated(at: usize): usize {
  fail(E_TRUNCATED, at);
  return 0;
}

/** Length-prefixed octets (bit-string counts bits). Returns the end or 0. */
function counted(n: i32, q: usize, end: usize, bits: bool): usize {
  const c = axdrLength(q, end);
  if (c < 0) return 0;
  q += <usize>lenWidth;
  setValue(n, q);
  setAux(n, <u32>c);
  const bytes = bits ? (<usize>c + 7) >> 3 : <usize>c;
  if (!has(q, bytes, end)) return truncated(end);
  return q + bytes;
}

/** One tagged Data value at p. Returns the position after it, or 0 on error. */
export function dlmsData(p: usize, end: usize, depth: i32): usize {
  if (depth > MAX_DEPTH) { fail(E_NESTING_TOO_DEEP, p); return 0; }
  if (p >= end) return truncated(p);
  const tag = u8At(p);
  const n = newNode(NC_DLMS_DATA, tag, p);
  if (n < 0) return 0;
  let q = p + 1;
  const fixed = fixedSize(tag);
  if (fixed >= 0) {
    setValue(n, q);
    if (!has(q, <usize>fixed, end)) return truncated(end);
    q += <usize>fixed;
  } else if (tag == 0x01 || tag == 0x02) {
    const c = axdrLength(q, end);
    if (c < 0) return 0;
    q += <usize>lenWidth;
    setValue(n, q);
    setAux(n, <u32>c);
    for (let i = 0; i < c; i++) {
      q = dlmsData(q, end, depth + 1);
      if (q == 0) return 0;
    }
  } else if (tag == 0x04) {
    q = counted(n, q, end, true);
  } else if (tag == 0x09 || tag == 0x0a || tag == 0x0c) {
    q = counted(n, q, end, false);
  } else if (tag == 0x13) {
    q = compactArray(n, q, end, depth);
  } else {
    fail(E_DLMS_DATA_TAG, p);
    return 0;
  }
  if (q == 0) return 0;
  closeNode(n, q);
  return q;
}

/**
 * Compact-array type description (Blue Book): structure `02 n types`, array `01 count(2) type`.
 * Decision (issue 10 item 1): an element type that takes no bytes (null, a structure of no
 * types, an array of count 0) is refused: rows of such types would turn a few input bytes
 * into thousands of nodes. GBCS never sends them (RTDS: every row is u32/u16/enum/arrays of u32).
 */
function typeDescription(p: usize, end: usize, depth: i32): usize {
  if (depth > MAX_DEPTH) { fail(E_NESTING_TOO_DEEP, p); return 0; }
  if (p >= end) return truncated(p);
  const tag = u8At(p);
  const n = newNode(NC_DLMS_TYPEDESC, tag, p);
  if (n < 0) return 0;
  let q = p + 1;
  if (tag == 0x02) {
    const c = axdrLength(q, end);
    if (c < 0) return 0;
    if (c == 0) { fail(E_DLMS_TYPE_DESCRIPTION, p); return 0; }
    q += <usize>lenWidth;
    setAux(n, <u32>c);
    setValue(n, q);
    for (let i = 0; i < c; i++) {
      q = typeDescription(q, end, depth + 1);
      if (q == 0) return 0;
    }
  } else if (tag == 0x01) {
    if (!has(q, 2, end)) return truncated(end);
    if (u16be(q) == 0) { fail(E_DLMS_TYPE_DESCRIPTION, p); return 0; }
    setAux(n, u16be(q));
    q += 2;
    setValue(n, q);
    q = typeDescription(q, end, depth + 1);
    if (q == 0) return 0;
  } else if (tag == 0x00 || (fixedSize(tag) < 0 && tag != 0x04 && tag != 0x09 && tag != 0x0a && tag != 0x0c)) {
    fail(E_DLMS_TYPE_DESCRIPTION, p);
    return 0;
  } else {
    setValue(n, q);
  }
  closeNode(n, q);
  return q;
}

/** One untagged value of the type described by node td. */
function untagged(td: i32, p: usize, end: usize, depth: i32): usize {
  if (depth > MAX_DEPTH) { fail(E_NESTING_TOO_DEEP, p); return 0; }
  const tag = tagOf(td);
  const n = newNode(NC_DLMS_CA_VALUE, tag, p);
  if (n < 0) return 0;
  let q = p;
  if (tag == 0x02 || tag == 0x01) {
    const c = auxOf(td);
    setAux(n, c);
    let child = td + 1;
    for (let i: u32 = 0; i < c; i++) {
      q = untagged(child, q, end, depth + 1);
      if (q == 0) return 0;
      if (tag == 0x02) child = nextOf(child);
    }
  } else if (tag == 0x04) {
    q = counted(n, q, end, true);
  } else if (tag == 0x09 || tag == 0x0a || tag == 0x0c) {
    q = counted(n, q, end, false);
  } else {
    const size = <usize>fixedSize(tag);
    if (!has(q, size, end)) return truncated(end);
    q += size;
  }
  if (q == 0) return 0;
  closeNode(n, q);
  return q;
}

/** `13` ‖ type-description ‖ contents-length ‖ rows of untagged values (p after the tag). */
function compactArray(n: i32, p: usize, end: usize, depth: i32): usize {
  const td = nodeCount;
  let q = typeDescription(p, end, depth + 1);
  if (q == 0) return 0;
  const len = axdrLength(q, end);
  if (len < 0) return 0;
  q += <usize>lenWidth;
  if (!has(q, <usize>len, end)) return truncated(end);
  setValue(n, q);
  setAux(n, <u32>len);
  const cEnd = q + <usize>len;
  while (q < cEnd) {
    const r = untagged(td, q, cEnd, depth + 1);
    if (r == 0) return 0;
    // A row of zero bytes (empty structure, null type) would never reach the end.
    if (r == q) { fail(E_DLMS_COMPACT_ARRAY, q); return 0; }
    q = r;
  }
  return cEnd;
}

/**
 * Access-request-specification list: count ‖ specs in an access-request; in an
 * access-response the list is OPTIONAL (issue 19): presence `00` (absent) or `01` ‖
 * count ‖ specs. Node tag: 0 = request list, 1 = response list absent, 2 = present.
 */
function specList(p: usize, end: usize, optional: bool): usize {
  let tag: u32 = 0;
  let lp = p;
  if (optional) {
    if (p >= end) return truncated(p);
    const presence = u8At(p);
    if (presence > 1) { fail(E_DLMS_SPEC_PRESENCE, p); return 0; }
    tag = presence + 1;
    lp = p + 1;
  }
  const n = newNode(NC_DLMS_SPEC_LIST, tag, p);
  if (n < 0) return 0;
  if (tag == 1) {
    setValue(n, lp);
    closeNode(n, lp);
    return lp;
  }
  const c = axdrLength(lp, end);
  if (c < 0) return 0;
  let q = lp + <usize>lenWidth;
  setValue(n, q);
  setAux(n, <u32>c);
  for (let i = 0; i < c; i++) {
    if (q >= end) return truncated(q);
    const choice = u8At(q);
    const s = newNode(NC_DLMS_SPEC, choice, q);
    if (s < 0) return 0;
    if (choice < 1 || choice > 5) { fail(E_DLMS_SPEC_CHOICE, q); return 0; }
    // class-id(2) ‖ OBIS(6) ‖ attribute or method id(1)
    if (!has(q + 1, 9, end)) return truncated(end);
    setValue(s, q + 1);
    q += 10;
    if (choice >= 4) {
      // access-selector(1) ‖ access-parameters Data
      if (q >= end) return truncated(q);
      setAux(s, u8At(q));
      q = dlmsData(q + 1, end, 2);
      if (q == 0) return 0;
    }
    closeNode(s, q);
  }
  closeNode(n, q);
  return q;
}

function dataList(p: usize, end: usize): usize {
  const n = newNode(NC_DLMS_DATA_LIST, 0, p);
  if (n < 0) return 0;
  const c = axdrLength(p, end);
  if (c < 0) return 0;
  let q = p + <usize>lenWidth;
  setValue(n, q);
  setAux(n, <u32>c);
  for (let i = 0; i < c; i++) {
    q = dlmsData(q, end, 2);
    if (q == 0) return 0;
  }
  closeNode(n, q);
  return q;
}

function resultList(p: usize, end: usize): usize {
  const n = newNode(NC_DLMS_RESULT_LIST, 0, p);
  if (n < 0) return 0;
  const c = axdrLength(p, end);
  if (c < 0) return 0;
  let q = p + <usize>lenWidth;
  setValue(n, q);
  setAux(n, <u32>c);
  for (let i = 0; i < c; i++) {
    if (!has(q, 2, end)) return truncated(end);
    const choice = u8At(q);
    const r = newNode(NC_DLMS_RESULT, choice, q);
    if (r < 0) return 0;
    if (choice < 1 || choice > 3) { fail(E_DLMS_RESULT_CHOICE, q); return 0; }
    setValue(r, q + 1);
    setAux(r, u8At(q + 1));
    q += 2;
    closeNode(r, q);
  }
  closeNode(n, q);
  return q;
}

/** A whole DLMS APDU at [p, end). Returns the position after it or 0. */
export function walkDlms(p: usize, end: usize): usize {
  if (p >= end) return truncated(p);
  const tag = u8At(p);
  if (tag != 0xd9 && tag != 0xda && tag != 0x0f) { fail(E_DLMS_APDU_TAG, p); return 0; }
  const root = newNode(NC_DLMS_APDU, tag, p);
  if (root < 0) return 0;
  if (!has(p + 1, 4, end)) return truncated(end);
  setAux(root, u32be(p + 1));
  let q = p + 5;
  if (q >= end) return truncated(q);
  const dt = newNode(NC_DLMS_DATETIME, 0, q);
  if (dt < 0) return 0;
  const dl = u8At(q);
  if (dl != 0 && dl != 12) { fail(E_DLMS_DATETIME_LENGTH, q); return 0; }
  if (!has(q + 1, <usize>dl, end)) return truncated(end);
  setValue(dt, q + 1);
  setAux(dt, dl);
  q += 1 + <usize>dl;
  closeNode(dt, q);
  setValue(root, q);
  if (tag == 0x0f) {
    q = dlmsData(q, end, 1);
  } else {
    // Issue 10 item 2 (GBCS.md 3.2): one Data per spec in a request, one result per
    // Data in a response; any other count is refused here, so the full tree and the
    // lazy view (both built from this walk) see the same error.
    const sl = nodeCount;
    q = specList(q, end, tag == 0xda);
    const dl = nodeCount;
    const dp = q;
    if (q != 0) q = dataList(q, end);
    if (q != 0 && tag == 0xd9 && auxOf(sl) != auxOf(dl)) { fail(E_DLMS_COUNT_MISMATCH, dp); return 0; }
    if (q != 0 && tag == 0xda) {
      const rl = nodeCount;
      const rp = q;
      q = resultList(q, end);
      if (q != 0 && auxOf(dl) != auxOf(rl)) { fail(E_DLMS_COUNT_MISMATCH, rp); return 0; }
    }
  }
  if (q == 0) return 0;
  closeNode(root, q);
  return q;
}

/** A single Data value (decodeDlmsData). */
export function walkDlmsData(p: usize, end: usize): usize {
  return dlmsData(p, end, 1);
}
