// Constructors of the decoded-payload shapes for encodePayload, so typed builders
// (firmware, boost log) write DLMS and GBZ through the payload encoders.
import { GbcsEncodeError } from '../errors.js';
import { longInvokeId, type DlmsRequestSpec, type DlmsResult } from './dlms.js';
import type { DlmsData } from './dlmsData.js';
import type { GbzClearComponent } from './gbz.js';
import { encodePayload, type DecodedPayload } from './index.js';
import { DATA_ACCESS_RESULTS } from './names.js';
import { decodeObis } from './obis.js';
import { zclHeader, type ZclCommand } from './zcl.js';

/** GBCS long-invoke-id for a counter: 0x20000000 | (counter & 0xFFFFFF) (GBCS.md 1.3, VERIFIED). */
export function invokeIdFor(counter: bigint | number): number {
  let n: bigint;
  try {
    n = BigInt(counter);
  } catch {
    throw new GbcsEncodeError('originatorCounter', 'must be an unsigned 64-bit value');
  }
  if (n < 0n || n > 0xffffffffffffffffn) throw new GbcsEncodeError('originatorCounter', 'must be an unsigned 64-bit value');
  return (0x20000000 | Number(n & 0xffffffn)) >>> 0;
}

/** A get (attribute) spec; with `selection`, a get-with-selection. */
export function getSpec(classId: number, obis: Uint8Array, attribute: number, selection?: { selector: number; parameters: DlmsData }): DlmsRequestSpec {
  const base = { classId, obis: decodeObis(obis), attribute };
  return selection ? { kind: 'get-with-selection', ...base, selector: selection.selector, selectorParameters: selection.parameters } : { kind: 'get', ...base };
}

/** The access-request payload object (for encodePayload / encodePayloads). */
export function accessRequest(invokeId: number, specs: DlmsRequestSpec[], data: DlmsData[]): DecodedPayload {
  return { format: 'DLMS', type: 'access-request', invokeId: longInvokeId(invokeId), specs, data };
}

/** The access-response payload object (for encodePayload / encodePayloads). */
export function accessResponse(invokeId: number, data: DlmsData[], results: { kind: DlmsResult['kind']; result: number }[]): DecodedPayload {
  const rs = results.map((r) => ({ ...r, resultName: DATA_ACCESS_RESULTS[r.result] ?? `reserved-${r.result}` }));
  return { format: 'DLMS', type: 'access-response', invokeId: longInvokeId(invokeId), specs: [], data, results: rs };
}

export function encodeAccessRequest(invokeId: number, specs: DlmsRequestSpec[], data: DlmsData[]): Uint8Array {
  return encodePayload(accessRequest(invokeId, specs, data));
}

export function encodeAccessResponse(invokeId: number, data: DlmsData[], results: { kind: DlmsResult['kind']; result: number }[]): Uint8Array {
  return encodePayload(accessResponse(invokeId, data, results));
}

/** A single clear, last GBZ component payload (profile 0x0109, count 1). */
export function encodeGbzSingle(clusterId: number, frameControl: number, sequenceNumber: number, commandId: number, command: ZclCommand): Uint8Array {
  const component: GbzClearComponent = {
    control: 0x01,
    lastComponent: true,
    clusterId,
    zcl: zclHeader(clusterId, frameControl, sequenceNumber, commandId),
    encrypted: false,
    payload: new Uint8Array(0),
    command,
  };
  return encodePayload({ format: 'GBZ', type: 'gbz', profileId: 0x0109, componentCount: 1, components: [component] });
}
