// Payload dispatcher: walks the payload copied to the start of the input region with
// the walker the TypeScript side chose (it knows the message code and CRA), leaving
// the node index in the node region.
import { E_PAYLOAD_TRAILING, W_DER, W_DLMS, W_DLMS_DATA, W_GBZ, W_GBZ_ALERT } from '../src/wasm/layout';
import { walkDlms, walkDlmsData } from './dlms';
import { walkDer } from './der';
import { walkGbz } from './gbz';
import { nodeCount, resetNodes } from './nodes';
import { errCode, errPos, fail, resetError } from './reader';

let lastErrorOffset: u32 = 0;

/** Walks [p, p+len) in `mode`; returns 0 or an E_* code (offset: payloadErrorOffset()). */
export function walkAt(p: usize, len: usize, mode: i32): i32 {
  resetError();
  resetNodes(p);
  const end = p + len;
  let q: usize = 0;
  if (mode == W_DLMS) q = walkDlms(p, end);
  else if (mode == W_DLMS_DATA) q = walkDlmsData(p, end);
  else if (mode == W_GBZ) q = walkGbz(p, end, false);
  else if (mode == W_GBZ_ALERT) q = walkGbz(p, end, true);
  else if (mode == W_DER) q = walkDer(p, end);
  if (errCode == 0 && q != end) fail(E_PAYLOAD_TRAILING, q == 0 ? p : q);
  if (errCode != 0) {
    lastErrorOffset = <u32>(errPos - p);
    return errCode;
  }
  return 0;
}

export function walkedNodes(): i32 { return nodeCount; }
export function walkErrorOffset(): u32 { return lastErrorOffset; }
