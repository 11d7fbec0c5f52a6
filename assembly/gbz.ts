// GBZ walker (GBCS.md 3.3): profile 0x0109, component count, the alert header for
// alerts, then components: control, cluster, length, [from-date-time], [additional
// header control, frame counter], ZCL frame control / sequence / command, payload.
// The ZCL payload itself (clear, little-endian) is decoded by src/payload/zcl.ts so
// the same code serves decrypted plaintext; here it is bounded and located.
import {
  E_GBZ_ALERT_CONTENT, E_GBZ_CIPHERED_LENGTH, E_GBZ_COMPONENT_LENGTH, E_GBZ_PROFILE, E_TRUNCATED,
  NC_GBZ, NC_GBZ_ALERT, NC_GBZ_COMPONENT,
} from '../src/wasm/layout';
import { fail, has, u16be, u8At } from './reader';
import { closeNode, newNode, setAux, setValue } from './nodes';

@inline function truncated(at: usize): usize {
  fail(E_TRUNCATED, at);
  return 0;
}

/** Smallest encrypted blob: `31` ‖ invocation counter(4) ‖ tag(12). */
const MIN_CIPHERED: u32 = 17;

function component(p: usize, end: usize): usize {
  if (!has(p, 5, end)) return truncated(end);
  const ctl = u8At(p);
  const n = newNode(NC_GBZ_COMPONENT, ctl, p);
  if (n < 0) return 0;
  setAux(n, u16be(p + 1));
  const len = <usize>u16be(p + 3);
  let q = p + 5;
  if (!has(q, len, end)) return truncated(end);
  const cEnd = q + len;
  // Decision (GBCS.md 3.3 UNCONFIRMED): when both flags are set the from-date-time
  // comes first, then the additional header (Wireshark's order).
  if (ctl & 0x10) q += 4;
  if (ctl & 0x02) q += 2;
  if (q + 3 > cEnd) { fail(E_GBZ_COMPONENT_LENGTH, p + 3); return 0; }
  setValue(n, q);
  q += 3;
  if (ctl & 0x02) {
    if (!has(q, 2, cEnd)) { fail(E_GBZ_CIPHERED_LENGTH, q); return 0; }
    const clen = u16be(q);
    if (clen < MIN_CIPHERED || q + 2 + <usize>clen != cEnd) { fail(E_GBZ_CIPHERED_LENGTH, q); return 0; }
  }
  closeNode(n, cEnd);
  return cEnd;
}

/** Alert-specific content after code and time; returns its end or 0. Sets *components. */
function alertContent(code: u32, q: usize, end: usize): usize {
  if (code == 0x8f66 || code == 0x8f67) {
    // `0E` ‖ message code(2) ‖ originator counter(8) ‖ cluster(2) ‖ frame control ‖ command
    if (q >= end) return truncated(q);
    if (u8At(q) != 0x0e) { fail(E_GBZ_ALERT_CONTENT, q); return 0; }
    if (!has(q, 15, end)) return truncated(end);
    return q + 15;
  }
  if (code == 0x8f72 || code == 0x8f1c) {
    // `09 20` ‖ SHA-256 of the manufacturer image
    if (!has(q, 2, end)) return truncated(end);
    if (u8At(q) != 0x09 || u8At(q + 1) != 0x20) { fail(E_GBZ_ALERT_CONTENT, q); return 0; }
    if (!has(q, 34, end)) return truncated(end);
    return q + 34;
  }
  if (code == 0x81a0) {
    if (!has(q, 2, end)) return truncated(end);
    return q + 2;
  }
  return q;
}

/** Alert codes whose specific content stands in place of the component list. */
@inline function contentReplacesComponents(code: u32): bool {
  return code == 0x8f66 || code == 0x8f67 || code == 0x8f72 || code == 0x8f1c || code == 0x81a0;
}

export function walkGbz(p: usize, end: usize, alert: bool): usize {
  if (!has(p, 3, end)) return truncated(end);
  if (u16be(p) != 0x0109) { fail(E_GBZ_PROFILE, p); return 0; }
  const root = newNode(NC_GBZ, 0, p);
  if (root < 0) return 0;
  let count = <i32>u8At(p + 2);
  setAux(root, <u32>count);
  let q = p + 3;
  setValue(root, q);
  if (alert) {
    if (!has(q, 6, end)) return truncated(end);
    const a = newNode(NC_GBZ_ALERT, 0, q);
    if (a < 0) return 0;
    const code = u16be(q);
    setAux(a, code);
    setValue(a, q + 6);
    q = alertContent(code, q + 6, end);
    if (q == 0) return 0;
    closeNode(a, q);
    if (contentReplacesComponents(code)) count = 0;
  }
  for (let i = 0; i < count; i++) {
    q = component(q, end);
    if (q == 0) return 0;
  }
  closeNode(root, q);
  return q;
}
