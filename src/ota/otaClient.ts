// Device-side OTA model for simulators and tests, following SEC change IRP658:
//  - a device holds at most one un-activated image;
//  - a newly distributed image replaces an un-activated one (never refused because an older image
//    waits for activation);
//  - CS06 activation compares its hash with SHA-256 of the held Manufacturer Image and answers with
//    the CS06 response codes (0 success, 1 noImageHeld, 2 hashMismatch, 3 activationFailure);
//  - anyone (notably the incoming supplier after a change of supplier) can read what is held.
// Decision: the held image survives a change of supplier (IRP658's point is that the new supplier
// can see it and either activate it with a matching CS06 or replace it).
import type { BinaryInput } from '../bytes.js';
import { toBytes, toHex } from '../bytes.js';
import type { GbcsFrame } from '../frame.js';
import type { KeyStore } from '../security/keyStore.js';
import { ACTIVATION_RESPONSE_CODES, cs06Payload, decodeCs06Command } from '../useCases/cs06.js';
import { sha256 } from './hash.js';
import { parseUpgradeImage, verifyUpgradeImage, type UpgradeImage } from './image.js';

/** CS06 response codes by name (the CS06 module's ACTIVATION_RESPONSE_CODES, GBCS.md 5.3). */
export const CS06_RESPONSE_CODES = Object.freeze(Object.fromEntries(ACTIVATION_RESPONSE_CODES.map((n, i) => [n, i]))) as { readonly [K in (typeof ACTIVATION_RESPONSE_CODES)[number]]: number };
/** Name of a CS06 activation response code. */
export type Cs06ResponseName = (typeof ACTIVATION_RESPONSE_CODES)[number];
const CODE_NAMES: readonly Cs06ResponseName[] = ACTIVATION_RESPONSE_CODES;

/** The image a simulated device holds, awaiting activation. */
export interface HeldImage {
  readonly manufacturerCode: number;
  readonly imageType: number;
  readonly fileVersion: number;
  /** SHA-256 of the Manufacturer Image, hex (the FDRA value). */
  readonly hash: string;
  readonly size: number;
  /** EUI of the supplier whose signature verified, when checked. */
  readonly signedBy?: string;
}

/** Outcome of distributing an image to a simulated device. */
export interface DistributionResult {
  readonly accepted: boolean;
  readonly reason?: string;
  /** Calculated Manufacturer Image hash, as the Firmware Distribution Receipt Alert reports it. */
  readonly hash?: string;
  /** The un-activated image this one replaced. */
  readonly replaced?: HeldImage;
}

/** Outcome of an activation command on a simulated device. */
export type ActivationResult =
  | { readonly kind: 'immediate'; readonly code: number; readonly name: Cs06ResponseName; readonly firmwareVersion: number }
  | { readonly kind: 'scheduled'; readonly at: string }
  | { readonly kind: 'cancelled' };

/** Initial state of a simulated OTA device. */
export interface OtaDeviceOptions {
  readonly eui?: string;
  readonly manufacturerCode: number;
  readonly imageType: number;
  readonly firmwareVersion: number;
  readonly hardwareVersion?: number;
  /** Verify images with the current supplier's DS key (unsigned/invalid images are discarded). */
  readonly keys?: KeyStore;
  readonly supplier?: string;
  /** Simulates a device that cannot boot the image: activation answers activationFailure. */
  readonly failActivation?: (image: HeldImage) => boolean;
}

/** A simulated OTA client device: receives images and activates them as GBCS prescribes. */
export class OtaDevice {
  firmwareVersion: number;
  supplier?: string;
  private heldImage?: { info: HeldImage; image: UpgradeImage };
  private schedule?: { at: string; hash: string };

  constructor(private readonly options: OtaDeviceOptions) {
    this.firmwareVersion = options.firmwareVersion;
    if (options.supplier) this.supplier = options.supplier.toLowerCase();
  }

  /** The un-activated image held (version and hash), as the incoming supplier may read it. */
  held(): HeldImage | undefined {
    return this.heldImage?.info;
  }

  /** Makes `eui` the device's supplier (change of supplier). */
  changeSupplier(eui: string): void {
    this.supplier = eui.toLowerCase();
  }

  /** Receives a distributed image (SR 11.1). A valid one always replaces the un-activated one. */
  async distribute(input: BinaryInput): Promise<DistributionResult> {
    let image: UpgradeImage;
    try {
      // Copied: the device keeps the image after the caller's buffer is reused.
      // new Uint8Array copies (on a Node Buffer `slice` would be a view of the caller's bytes).
      image = parseUpgradeImage(new Uint8Array(toBytes(input)));
    } catch (e) {
      return { accepted: false, reason: `malformed image: ${(e as Error).message}` };
    }
    const h = image.header;
    const hash = toHex(await sha256(image.manufacturerImage));
    const reject = (reason: string): DistributionResult => ({ accepted: false, reason, hash });
    if (h.manufacturerCode !== this.options.manufacturerCode || h.imageType !== this.options.imageType) {
      return reject(`image is for manufacturer 0x${h.manufacturerCode.toString(16)} type 0x${h.imageType.toString(16)}`);
    }
    const hw = this.options.hardwareVersion;
    if (hw !== undefined && h.minimumHardwareVersion !== undefined && (hw < h.minimumHardwareVersion || hw > h.maximumHardwareVersion!)) {
      return reject(`hardware version 0x${hw.toString(16)} is outside 0x${h.minimumHardwareVersion.toString(16)}..0x${h.maximumHardwareVersion!.toString(16)}`);
    }
    if (h.upgradeFileDestination !== undefined && this.options.eui && h.upgradeFileDestination !== this.options.eui.toLowerCase()) {
      return reject(`image is addressed to ${h.upgradeFileDestination}`);
    }
    let signedBy: string | undefined;
    if (this.options.keys) {
      const check = await verifyUpgradeImage(image, this.options.keys, this.supplier ? [this.supplier] : []);
      if (check.state !== 'valid') return reject(`supplier signature ${check.state}`);
      signedBy = check.signer;
    }
    const replaced = this.heldImage?.info;
    const info: HeldImage = {
      manufacturerCode: h.manufacturerCode,
      imageType: h.imageType,
      fileVersion: h.fileVersion,
      hash,
      size: image.bytes.length,
      ...(signedBy && { signedBy }),
    };
    this.heldImage = { info, image };
    // A schedule made for the replaced image no longer applies.
    if (this.schedule && this.schedule.hash !== hash) this.schedule = undefined;
    return { accepted: true, hash, ...(replaced && { replaced }) };
  }

  private activateNow(hash: string): ActivationResult {
    const respond = (name: Cs06ResponseName): ActivationResult => ({ kind: 'immediate', code: CS06_RESPONSE_CODES[name], name, firmwareVersion: this.firmwareVersion });
    const held = this.heldImage;
    if (!held) return respond('noImageHeld');
    if (held.info.hash !== hash) return respond('hashMismatch');
    if (this.options.failActivation?.(held.info)) return respond('activationFailure');
    this.firmwareVersion = held.info.fileVersion;
    this.heldImage = undefined;
    return respond('success');
  }

  /** Handles CS06 (frame, frame bytes or ASN.1 payload): immediate, future-dated or cancel. */
  activate(cs06: GbcsFrame | BinaryInput): ActivationResult {
    const cmd = decodeCs06Command(cs06Payload(cs06));
    if (cmd.cancel) {
      this.schedule = undefined;
      return { kind: 'cancelled' };
    }
    if (cmd.executionDateTime !== undefined) {
      this.schedule = { at: cmd.executionDateTime, hash: cmd.hashHex };
      return { kind: 'scheduled', at: cmd.executionDateTime };
    }
    return this.activateNow(cmd.hashHex);
  }

  /** Runs a due future-dated activation (GeneralizedTime compare); its result feeds alert 8F66/8F67. */
  runSchedule(now: string): ActivationResult | undefined {
    if (!this.schedule || this.schedule.at > now) return undefined;
    const { hash } = this.schedule;
    this.schedule = undefined;
    return this.activateNow(hash);
  }

  /** Name of a CS06 response code, if defined. */
  static responseName(code: number): Cs06ResponseName | undefined {
    return CODE_NAMES[code];
  }
}
