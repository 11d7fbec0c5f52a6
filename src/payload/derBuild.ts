// Small constructors of Asn1Node trees for encodeDer, so typed builders (firmware
// messages) write DER through the payload encoder instead of concatenating TLVs.
import { GbcsEncodeError } from '../errors.js';
import { builtNode, encodeDer, type Asn1Node } from './asn1.js';

/** A primitive element (single-byte identifier). */
export const derPrimitive = (tag: number, value: Uint8Array): Asn1Node => builtNode(tag, value, undefined);
/** A constructed element (single-byte identifier); its length is the sum of its children's encodings. */
export const derConstructed = (tag: number, children: Asn1Node[]): Asn1Node => builtNode(tag | 0x20, undefined, children);
export const derSequence = (...children: Asn1Node[]): Asn1Node => derConstructed(0x30, children);
export const derOctetString = (b: Uint8Array): Asn1Node => derPrimitive(0x04, b);
export const derNull = (): Asn1Node => derPrimitive(0x05, new Uint8Array(0));

/** INTEGER holding an unsigned value up to 2^64-1 (minimal two's complement: 00 prefix when b7 is set). */
export function derUnsignedInteger(v: bigint | number, field: string): Asn1Node {
  let n: bigint;
  try {
    n = BigInt(v);
  } catch {
    throw new GbcsEncodeError(field, 'must be an unsigned 64-bit value');
  }
  if (n < 0n || n > 0xffffffffffffffffn) throw new GbcsEncodeError(field, 'must be an unsigned 64-bit value');
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  return derPrimitive(0x02, Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16)));
}

/** GeneralizedTime from its text (e.g. "20300115090000Z"). */
export const derGeneralizedTime = (text: string): Asn1Node => derPrimitive(0x18, Uint8Array.from(text, (ch) => ch.charCodeAt(0)));

export { encodeDer };
