// ASN.1 DER walker (GBCS.md 3.4): identifier (low or high tag number form), definite
// length, and for constructed encodings the children, which must end exactly at the
// parent's end. Indefinite lengths are refused (not DER).
import { E_DER_CONTENTS, E_DER_LENGTH, E_DER_TAG, E_NESTING_TOO_DEEP, E_TRUNCATED, MAX_DEPTH, NC_DER } from '../src/wasm/layout';
import { berLength, fail, has, lenWidth, u8At } from './reader';
import { closeNode, newNode, setAux, setValue } from './nodes';

function derNode(p: usize, end: usize, depth: i32): usize {
  if (depth > MAX_DEPTH) { fail(E_NESTING_TOO_DEEP, p); return 0; }
  if (p >= end) { fail(E_TRUNCATED, p); return 0; }
  const id = u8At(p);
  const n = newNode(NC_DER, id, p);
  if (n < 0) return 0;
  let q = p + 1;
  let tagNumber: u32 = id & 0x1f;
  if (tagNumber == 0x1f) {
    tagNumber = 0;
    let i = 0;
    while (true) {
      if (q >= end) { fail(E_TRUNCATED, q); return 0; }
      const b = u8At(q++);
      tagNumber = (tagNumber << 7) | (b & 0x7f);
      if ((b & 0x80) == 0) break;
      if (++i == 4) { fail(E_DER_TAG, p); return 0; }
    }
  }
  setAux(n, tagNumber);
  if (q >= end) { fail(E_TRUNCATED, q); return 0; }
  if (u8At(q) == 0x80) { fail(E_DER_LENGTH, q); return 0; }
  const len = berLength(q, end);
  if (len < 0) return 0;
  q += <usize>lenWidth;
  if (!has(q, <usize>len, end)) { fail(E_TRUNCATED, end); return 0; }
  setValue(n, q);
  const vEnd = q + <usize>len;
  if (id & 0x20) {
    while (q < vEnd) {
      q = derNode(q, vEnd, depth + 1);
      if (q == 0) return 0;
    }
    if (q != vEnd) { fail(E_DER_CONTENTS, q); return 0; }
  }
  closeNode(n, vEnd);
  return vEnd;
}

/** One DER value at p; bytes after it are reported by the dispatcher. */
export function walkDer(p: usize, end: usize): usize {
  return derNode(p, end, 1);
}
