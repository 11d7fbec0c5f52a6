// Plain-JavaScript envelope walk, for comparison only: the same checks and the same
// index record as assembly/envelope.ts, written the way a careful JS author would.
import * as L from '../dist/wasm/layout.js';

class Fail extends Error {
  constructor(code, pos) {
    super('decode');
    this.code = code;
    this.pos = pos;
  }
}

function ber(b, p, end, out) {
  if (p >= end) throw new Fail(L.E_TRUNCATED, p);
  const f = b[p];
  if (f < 0x80) {
    out.w = 1;
    return f;
  }
  const n = f & 0x7f;
  if (n === 0 || n > 3) throw new Fail(L.E_BER_LENGTH, p);
  if (p + 1 + n > end) throw new Fail(L.E_TRUNCATED, end);
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + b[p + 1 + i];
  out.w = n + 1;
  return v;
}

const lw = { w: 0 };

function signing(b, p, limit, needSig, r) {
  if (p >= limit) throw new Fail(L.E_TRUNCATED, p);
  if (b[p] !== 0xdf) throw new Fail(L.E_SIGNING_TAG, p);
  r[L.R_GS] = p;
  p++;
  if (p + 10 > limit) throw new Fail(L.E_TRUNCATED, limit);
  if (b[p] !== 9) throw new Fail(L.E_TRANSACTION_ID_LENGTH, p);
  const cra = b[p + 1];
  if (cra < 1 || cra > 3) throw new Fail(L.E_CRA_FLAG, p + 1);
  r[L.R_CRA] = cra;
  r[L.R_COUNTER] = p + 2;
  p += 10;
  for (const word of [L.R_ORIGINATOR, L.R_RECIPIENT]) {
    if (p + 9 > limit) throw new Fail(L.E_TRUNCATED, limit);
    if (b[p] !== 8) throw new Fail(L.E_SYSTEM_TITLE_LENGTH, p);
    r[word] = p + 1;
    p += 9;
  }
  if (p >= limit) throw new Fail(L.E_TRUNCATED, p);
  if (b[p] === 12) {
    if (p + 13 > limit) throw new Fail(L.E_TRUNCATED, limit);
    r[L.R_DATETIME] = p + 1;
    p += 13;
  } else if (b[p] === 0) p++;
  else throw new Fail(L.E_DATE_TIME_LENGTH, p);
  const oiLen = ber(b, p, limit, lw);
  if (oiLen < 2) throw new Fail(L.E_OTHER_INFO_LENGTH, p);
  const oi = p + lw.w;
  if (oi + oiLen > limit) throw new Fail(L.E_TRUNCATED, limit);
  r[L.R_OI_LEN_WIDTH] = lw.w;
  r[L.R_OI_LEN] = oiLen;
  r[L.R_OI] = oi;
  r[L.R_MESSAGE_CODE] = (b[oi] << 8) | b[oi + 1];
  p = oi + oiLen;
  const clen = ber(b, p, limit, lw);
  const c = p + lw.w;
  if (c + clen > limit) throw new Fail(L.E_TRUNCATED, limit);
  r[L.R_CONTENT_LEN_WIDTH] = lw.w;
  r[L.R_CONTENT_LEN] = clen;
  r[L.R_CONTENT] = c;
  const b0 = b[c];
  r[L.R_FORMAT] = clen === 0 ? L.F_UNKNOWN : b0 === 0xd9 || b0 === 0xda || b0 === 0x0f ? L.F_DLMS : clen >= 2 && b0 === 1 && b[c + 1] === 9 ? L.F_GBZ : L.F_ASN1;
  p = c + clen;
  if (p === limit && !needSig) return p;
  if (p >= limit) throw new Fail(L.E_TRUNCATED, p);
  r[L.R_SIG] = p;
  if (b[p] === 0) {
    r[L.R_SIG_STATE] = L.SIG_EMPTY;
    return p + 1;
  }
  if (b[p] !== 0x40) throw new Fail(L.E_SIGNATURE_LENGTH, p);
  if (p + 65 > limit) throw new Fail(L.E_TRUNCATED, limit);
  r[L.R_SIG_STATE] = L.SIG_PRESENT;
  return p + 65;
}

/** Walks one MAC-headered or bare general-signing frame into `r` (Int32Array(32)). */
export function plainWalk(b, r) {
  r.fill(-1);
  r[L.R_STATUS] = 0;
  r[L.R_SIG_STATE] = L.SIG_ABSENT;
  const end = b.length;
  try {
    let stop;
    if (end === 0) throw new Fail(L.E_TRUNCATED, 0);
    if (b[0] === 0xdd) {
      if (end < 7) throw new Fail(L.E_TRUNCATED, end);
      for (let i = 1; i < 7; i++) if (b[i] !== 0) throw new Fail(L.E_MAC_HEADER_EMPTY_FIELD, i);
      r[L.R_KIND] = L.K_GENERAL_CIPHERING;
      const len = ber(b, 7, end, lw);
      const cs = 7 + lw.w;
      r[L.R_CS_LEN] = len;
      r[L.R_CS_LEN_WIDTH] = lw.w;
      if (len < 17) throw new Fail(L.E_CIPHERED_LENGTH, 7);
      if (cs + len > end) throw new Fail(L.E_TRUNCATED, end);
      r[L.R_SC] = b[cs];
      r[L.R_IC] = (b[cs + 1] << 24) | (b[cs + 2] << 16) | (b[cs + 3] << 8) | b[cs + 4];
      const macAt = cs + len - 12;
      const gsEnd = signing(b, cs + 5, macAt, true, r);
      if (gsEnd !== macAt) throw new Fail(L.E_MAC_LENGTH, gsEnd);
      r[L.R_MAC] = macAt;
      stop = cs + len;
    } else if (b[0] === 0xdf) {
      r[L.R_KIND] = L.K_GENERAL_SIGNING;
      stop = signing(b, 0, end, false, r);
    } else throw new Fail(L.E_FRAME_TAG, 0);
    if (stop !== end) throw new Fail(L.E_TRAILING_BYTES, stop);
    r[L.R_LENGTH] = end;
    return 0;
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    r[L.R_STATUS] = e.code;
    r[L.R_ERR_OFFSET] = e.pos;
    return e.code;
  }
}
