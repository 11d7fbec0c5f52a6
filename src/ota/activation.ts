// CS06 Activate Firmware (GBCS.md 5.3): does a CS06 command activate this image? The command
// payload is `30 L 04 20 <hash> 02 n <counter> [18 0F <time>]`; a device activates only when the
// 32-byte hash equals SHA-256 of its stored Manufacturer Image. The DER is walked by the
// payload module (decodeDer); the INTEGER is read signed, as DER defines it.
import { toBytes, toHex, type BinaryInput } from '../bytes.js';
import { decodeFrame } from '../decode.js';
import { GbcsDecodeError } from '../errors.js';
import { GbcsFrame } from '../frame.js';
import { decodeDer, type Asn1Node } from '../payload/asn1.js';
import { sha256 } from './hash.js';
import { parseUpgradeImage, type UpgradeImage } from './image.js';

export const CS06_MESSAGE_CODE = 0x0012;
/** GeneralizedTime meaning "cancel the pending future-dated activation" (GBCS.md 3.4). */
export const CS06_CANCEL_TIME = '99991231235959Z';

export interface Cs06Command {
  /** 32-byte Manufacturer Image hash (view). */
  readonly hash: Uint8Array;
  readonly hashHex: string;
  /** The INTEGER after the hash (the command's originator counter). */
  readonly counter: bigint;
  /** GeneralizedTime text when future-dated (or the cancel value). */
  readonly executionDateTime?: string;
  readonly cancel: boolean;
}

const hex2 = (v: number) => v.toString(16).padStart(2, '0');

/** Decodes the CS06 command payload (ASN.1), strictly: nothing may follow the SEQUENCE. */
export function decodeCs06Command(input: BinaryInput): Cs06Command {
  const b = toBytes(input);
  let root: Asn1Node;
  try {
    root = decodeDer(b);
  } catch (e) {
    if (e instanceof GbcsDecodeError && e.code === 'payload-trailing-bytes') throw new GbcsDecodeError('trailing-bytes', e.offset, 'end of the CS06 payload');
    throw e;
  }
  if (root.tag !== 0x30) throw new GbcsDecodeError('asn1-tag', 0, 'SEQUENCE tag 30 (CS06 Activate Firmware)', `found 0x${hex2(root.tag)}`);
  const end = b.length;
  const [hashNode, intNode, timeNode, extra] = root.children!;
  const field = (n: Asn1Node | undefined, tag: number, what: string): Asn1Node => {
    if (!n) throw new GbcsDecodeError('truncated', end, what);
    if (n.tag !== tag) throw new GbcsDecodeError('asn1-tag', n.offset, what, `found 0x${hex2(n.tag)}`);
    return n;
  };
  const hash = field(hashNode, 0x04, 'OCTET STRING tag 04 (Manufacturer Image hash)').value!;
  if (hash.length !== 32) throw new GbcsDecodeError('cs06-hash', hashNode!.offset + 1, 'a 32-byte hash (04 20)', `length ${hash.length}`);
  const int = field(intNode, 0x02, 'INTEGER tag 02 (originator counter)');
  if (int.length === 0 || int.length > 9) throw new GbcsDecodeError('cs06-counter', int.offset + 1, 'an INTEGER of 1-9 bytes');
  let executionDateTime: string | undefined;
  if (timeNode) {
    const t = field(timeNode, 0x18, 'GeneralizedTime tag 18 (execution date-time) or the end of the SEQUENCE');
    if (t.length !== 15) throw new GbcsDecodeError('cs06-time', t.offset + 1, 'GeneralizedTime of 15 characters (18 0F YYYYMMDDhhmmssZ)', `length ${t.length}`);
    executionDateTime = t.text!;
    if (!/^\d{14}Z$/.test(executionDateTime)) throw new GbcsDecodeError('cs06-time', t.offset + 2, 'YYYYMMDDhhmmssZ', JSON.stringify(executionDateTime));
  }
  if (extra) throw new GbcsDecodeError('trailing-bytes', extra.offset, 'end of the CS06 SEQUENCE');
  return { hash, hashHex: toHex(hash), counter: int.integer!, ...(executionDateTime !== undefined && { executionDateTime }), cancel: executionDateTime === CS06_CANCEL_TIME };
}

/** The CS06 payload from a frame, frame bytes/hex/base64, or the ASN.1 payload itself. */
export function cs06Payload(cs06: GbcsFrame | BinaryInput): Uint8Array {
  let frame: GbcsFrame | undefined;
  if (cs06 instanceof GbcsFrame) frame = cs06;
  else {
    const b = toBytes(cs06);
    if (b[0] === 0x30) return b;
    frame = decodeFrame(b);
  }
  if (frame.messageCode !== CS06_MESSAGE_CODE) {
    throw new GbcsDecodeError('message-code', frame.layout.otherInformation, 'message code 0x0012 (CS06 Activate Firmware)', `found 0x${frame.messageCode.toString(16).padStart(4, '0')}`);
  }
  if (frame.cra !== 'command') throw new GbcsDecodeError('cra-flag', 0, 'a CS06 command (CRA flag 01)', `found a ${frame.cra}`);
  return frame.content;
}

export interface ActivationCheck {
  /** True when an immediate CS06 would activate the image now (hash equal, not a cancel). */
  readonly activates: boolean;
  readonly hashMatches: boolean;
  readonly imageHash: string;
  readonly commandHash: string;
  readonly counter: bigint;
  readonly executionDateTime?: string;
  readonly futureDated: boolean;
  readonly cancel: boolean;
  /** CS06 response code a device holding this image would answer: 0 success or 2 hashMismatch (cancel: undefined). */
  readonly responseCode?: 0 | 2;
}

/**
 * Would `cs06` activate `image`? The image may be a parsed image, image bytes, or the 32-byte
 * Manufacturer Image hash itself. A future-dated command matching the hash "activates" at its
 * execution time (activates is true, futureDated says when); a cancel never activates.
 */
export async function checkActivation(image: UpgradeImage | BinaryInput, cs06: GbcsFrame | BinaryInput): Promise<ActivationCheck> {
  const cmd = decodeCs06Command(cs06Payload(cs06));
  let imageHash: Uint8Array;
  if (typeof image === 'object' && 'manufacturerImage' in image) imageHash = await sha256(image.manufacturerImage);
  else {
    const b = toBytes(image);
    imageHash = b.length === 32 ? b : await sha256(parseUpgradeImage(b).manufacturerImage);
  }
  const hashMatches = toHex(imageHash) === cmd.hashHex;
  return {
    activates: hashMatches && !cmd.cancel,
    hashMatches,
    imageHash: toHex(imageHash),
    commandHash: cmd.hashHex,
    counter: cmd.counter,
    ...(cmd.executionDateTime !== undefined && { executionDateTime: cmd.executionDateTime }),
    futureDated: cmd.executionDateTime !== undefined && !cmd.cancel,
    cancel: cmd.cancel,
    ...(!cmd.cancel && { responseCode: hashMatches ? (0 as const) : (2 as const) }),
  };
}
