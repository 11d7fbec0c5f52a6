// CS06 Activate Firmware (GBCS.md 5.3): does a CS06 command activate this image? A device
// activates only when the command's 32-byte hash equals SHA-256 of its stored Manufacturer
// Image. The command is read by the one CS06 module (useCases/cs06.ts: decodeCs06Command,
// cs06Payload), re-exported here for the OTA API.
import { toBytes, toHex, type BinaryInput } from '../bytes.js';
import type { GbcsFrame } from '../frame.js';
import { cs06Payload, decodeCs06Command } from '../useCases/cs06.js';
import { sha256 } from './hash.js';
import { parseUpgradeImage, type UpgradeImage } from './image.js';

export { CS06_CANCEL_TIME, CS06_MESSAGE_CODE, cs06Payload, decodeCs06Command, type Cs06Command } from '../useCases/cs06.js';

/** Whether a CS06 activation would take the held image, and why. */
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
