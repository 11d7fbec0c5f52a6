// Alt HAN firmware (SEC change MP170): Alt HAN bridges join the SMHAN as PPMID variants
// B1-B4. This module models a premises' devices and builds/splits firmware packages for
// three designs:
//   per-bridge               every bridge with its own image, delivered to itself
//   bridge3-carries-bridge4  option A: bridges 3 and 4 packaged together, bridge 3
//                            fetches the image for the sleepy bridge 4
//   bridge1-orchestrates     option B: one package delivered to bridge 1, which
//                            orchestrates every bridge; a failure is reported by bridge 1
//                            for the package and cannot be attributed to one device
//
// Images: the PPMID image of SR 11.4 is a plain ZigBee OTA file WITHOUT the GBCS trailer
// (VERIFIED: the real sample 11.4_UPDATE_PPMID_FIRMWARE_REQUEST_DUIS.XML in
// @smartdcc/duis-templates is a 60-byte header + 235-byte image), so packages take images in
// any form the OTA module detects: 'gbcs' (signed trailer), 'gbcs-unsigned' (no trailer)
// or 'zigbee' (sub-elements).
import { createHash } from 'node:crypto';
import { normalizeEui } from '../bytes.js';
import { parseUpgradeImage, type UpgradeImage, type UpgradeImageForm } from '../ota/image.js';
import { GbcsDecodeError } from '../errors.js';
import { DEVICE_TYPES, type DeviceType } from './repository.js';

/** The Alt-HAN bridge variants B1..B4. */
export const ALT_HAN_VARIANTS = ['B1', 'B2', 'B3', 'B4'] as const;
/** One Alt-HAN bridge variant. */
export type AltHanVariant = (typeof ALT_HAN_VARIANTS)[number];

/**
 * UNCONFIRMED beyond what MP170 states: bridge 4 is sleepy (it cannot stay awake for a
 * HAN image transfer) and bridge 3 fetches its image; the other bridges fetch their own.
 */
export const ALT_HAN_BRIDGES: Readonly<Record<AltHanVariant, { readonly sleepy: boolean; readonly fetchedBy: AltHanVariant }>> = {
  B1: { sleepy: false, fetchedBy: 'B1' },
  B2: { sleepy: false, fetchedBy: 'B2' },
  B3: { sleepy: false, fetchedBy: 'B3' },
  B4: { sleepy: true, fetchedBy: 'B3' },
};

/**
 * Which bridges the SMI (the DCC's Smart Metering Inventory) shows, per design.
 * VERIFIED (issue 14, from MP170): under option A (bridge3-carries-bridge4) only B1-B3 are
 * visible, B4 being reached through B3. UNCONFIRMED (decision): under per-bridge every
 * bridge is visible; under option B (bridge1-orchestrates) only B1 is, the others being
 * managed by it.
 */
export const SMI_VISIBLE_BRIDGES: Readonly<Record<PackageDesign, readonly AltHanVariant[]>> = {
  'per-bridge': ['B1', 'B2', 'B3', 'B4'],
  'bridge3-carries-bridge4': ['B1', 'B2', 'B3'],
  'bridge1-orchestrates': ['B1'],
};

/** Who a failed installation is attributed to, per design (option B: the package only). */
export const FAILURE_ATTRIBUTION: Readonly<Record<PackageDesign, 'device' | 'package'>> = {
  'per-bridge': 'device',
  'bridge3-carries-bridge4': 'device',
  'bridge1-orchestrates': 'package',
};

/** The ways an Alt-HAN firmware package can be laid out. */
export const PACKAGE_DESIGNS = ['per-bridge', 'bridge3-carries-bridge4', 'bridge1-orchestrates'] as const;

/** The bridge a design delivers the image for `variant` to. */
export function deliveredTo(design: PackageDesign, variant: AltHanVariant): AltHanVariant {
  return design === 'per-bridge' ? variant : design === 'bridge1-orchestrates' ? 'B1' : ALT_HAN_BRIDGES[variant].fetchedBy;
}

/** One device installed at the premises. */
export interface SiteDevice {
  /** EUI-64, 16 lower-case hex digits. */
  readonly eui: string;
  readonly deviceType: DeviceType;
  /** Set for Alt HAN bridges, which always join as PPMIDs. */
  readonly altHanVariant?: AltHanVariant;
  /** ZigBee manufacturer code and image type, as in the OTA header of its images. */
  readonly manufacturerCode: number;
  readonly imageType: number;
  /** Running firmware version (8 hex digits) when known. */
  readonly firmwareVersion?: string;
}

/** Thrown when an Alt-HAN firmware package cannot be built or checked; `code` says why. */
export class AltHanPackageError extends Error {
  override readonly name = 'AltHanPackageError';
  readonly code: 'premises' | 'no-device-on-site' | 'ambiguous-device' | 'design' | 'hash-mismatch' | 'manifest-mismatch' | 'correction';
  /** Index of the image concerned, when one is. */
  readonly image?: number;
  constructor(code: AltHanPackageError['code'], message: string, image?: number) {
    super(message);
    this.code = code;
    this.image = image;
  }
}

const u16 = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff;

/** Who corrected a device record and why (`when` defaults to the time of the call). */
export interface PremisesAuthor {
  readonly who: string;
  readonly why: string;
  readonly when?: Date | string;
}

/** One audited correction of a device's PPMID (Alt HAN) variant after commissioning. */
export interface VariantCorrection {
  readonly seq: number;
  readonly eui: string;
  /** Variant before and after; undefined = a plain PPMID, not an Alt HAN bridge. */
  readonly before?: AltHanVariant;
  readonly after?: AltHanVariant;
  readonly who: string;
  /** ISO-8601 UTC. */
  readonly when: string;
  readonly why: string;
}

/** The devices of one premises (validated and copied; the caller's objects are not kept). */
export class Premises {
  readonly id: string;
  #devices: readonly SiteDevice[];
  readonly #audit: VariantCorrection[] = [];

  /** The devices as they stand now (after any variant correction). */
  get devices(): readonly SiteDevice[] {
    return this.#devices;
  }

  /** Variant corrections, oldest first. */
  get audit(): readonly VariantCorrection[] {
    return this.#audit.slice();
  }

  /**
   * Corrects the Alt HAN variant a PPMID was commissioned with (MP170: a bridge joined as
   * the wrong variant, or a plain PPMID that is really a bridge, or the reverse). Requires
   * who and why; every correction is kept in `audit`. Only PPMIDs have a variant.
   */
  correctAltHanVariant(eui: string | Uint8Array, variant: AltHanVariant | undefined, author: PremisesAuthor): SiteDevice {
    let id: string;
    try {
      id = normalizeEui(eui);
    } catch (e) {
      throw new AltHanPackageError('correction', `correct variant: ${(e as Error).message}`);
    }
    const where = `correct variant of ${id} at premises ${this.id}`;
    if (typeof author?.who !== 'string' || author.who.trim() === '') throw new AltHanPackageError('correction', `${where}: who made the correction is required`);
    if (typeof author.why !== 'string' || author.why.trim() === '') throw new AltHanPackageError('correction', `${where}: why it was made is required`);
    const when = author.when === undefined ? new Date() : new Date(author.when);
    if (Number.isNaN(when.getTime())) throw new AltHanPackageError('correction', `${where}: when must be a valid date`);
    const i = this.#devices.findIndex((d) => d.eui === id);
    if (i < 0) throw new AltHanPackageError('correction', `${where}: no such device on site`);
    const before = this.#devices[i]!;
    if (before.deviceType !== 'PPMID') throw new AltHanPackageError('correction', `${where}: a ${before.deviceType} has no PPMID variant`);
    if (variant !== undefined && !ALT_HAN_VARIANTS.includes(variant)) throw new AltHanPackageError('correction', `${where}: variant must be B1-B4 or none, got ${JSON.stringify(variant)}`);
    if (before.altHanVariant === variant) throw new AltHanPackageError('correction', `${where}: the device already has variant ${variant ?? 'none'}`);
    const after: SiteDevice = Object.freeze({ ...before, altHanVariant: variant });
    const list = this.#devices.slice();
    list[i] = after;
    this.#devices = Object.freeze(list);
    this.#audit.push(Object.freeze({ seq: this.#audit.length + 1, eui: id, before: before.altHanVariant, after: variant, who: author.who.trim(), when: when.toISOString(), why: author.why.trim() }));
    return after;
  }

  /** `{ id, devices, audit }`: what `fromJSON` reads back, corrections included. */
  toJSON(): { id: string; devices: readonly SiteDevice[]; audit: VariantCorrection[] } {
    return { id: this.id, devices: this.#devices, audit: this.#audit.slice() };
  }

  constructor(id: string, devices: Iterable<Partial<SiteDevice> & { eui: string | Uint8Array }>) {
    this.id = id;
    const list: SiteDevice[] = [];
    let i = 0;
    for (const d of devices) {
      const where = `premises ${id} device ${i++}`;
      let eui: string;
      try {
        eui = normalizeEui(d.eui);
      } catch (e) {
        throw new AltHanPackageError('premises', `${where}: ${(e as Error).message}`);
      }
      if (list.some((x) => x.eui === eui)) throw new AltHanPackageError('premises', `${where}: EUI ${eui} listed twice`);
      const deviceType = String(d.deviceType ?? '').toUpperCase() as DeviceType;
      if (!DEVICE_TYPES.includes(deviceType)) throw new AltHanPackageError('premises', `${where}: unknown device type ${JSON.stringify(d.deviceType)}`);
      const v = d.altHanVariant;
      if (v !== undefined && !ALT_HAN_VARIANTS.includes(v)) throw new AltHanPackageError('premises', `${where}: Alt HAN variant must be B1-B4, got ${JSON.stringify(v)}`);
      if (v !== undefined && deviceType !== 'PPMID') throw new AltHanPackageError('premises', `${where}: an Alt HAN bridge joins as a PPMID, not ${deviceType}`);
      if (!u16(d.manufacturerCode) || !u16(d.imageType)) throw new AltHanPackageError('premises', `${where}: manufacturerCode and imageType must be 16-bit integers`);
      const fw = d.firmwareVersion?.toLowerCase();
      if (fw !== undefined && !/^[0-9a-f]{8}$/.test(fw)) throw new AltHanPackageError('premises', `${where}: firmwareVersion must be 8 hex digits`);
      list.push(Object.freeze({ eui, deviceType, altHanVariant: v, manufacturerCode: d.manufacturerCode!, imageType: d.imageType!, firmwareVersion: fw }));
    }
    this.#devices = Object.freeze(list);
  }

  /**
   * Loads `{ "id": "...", "devices": [ ... ], "audit"?: [...] }` (manufacturerCode/imageType
   * as numbers or "0x..." text). A saved audit trail is checked against the devices: each
   * correction's `after` must be what the device now has when it is the last one for it.
   */
  static fromJSON(doc: unknown): Premises {
    const d = (typeof doc === 'string' ? JSON.parse(doc) : doc) as { id?: unknown; devices?: unknown; audit?: unknown };
    if (!d || typeof d.id !== 'string' || !Array.isArray(d.devices)) throw new AltHanPackageError('premises', 'premises JSON must be { "id": string, "devices": [...] }');
    const num = (v: unknown) => (typeof v === 'string' && /^(0x)?[0-9a-f]+$/i.test(v) ? parseInt(v.replace(/^0x/i, ''), 16) : v);
    const p = new Premises(
      d.id,
      d.devices.map((x: Record<string, unknown>) => ({ ...x, manufacturerCode: num(x.manufacturerCode), imageType: num(x.imageType) }) as SiteDevice),
    );
    if (d.audit !== undefined) {
      if (!Array.isArray(d.audit)) throw new AltHanPackageError('premises', 'premises audit must be an array of corrections');
      const last = new Map<string, AltHanVariant | undefined>();
      d.audit.forEach((r: Partial<VariantCorrection> | null, i) => {
        const ok =
          r && typeof r.eui === 'string' && /^[0-9a-f]{16}$/.test(r.eui) && typeof r.who === 'string' && r.who !== '' && typeof r.why === 'string' && r.why !== '' &&
          typeof r.when === 'string' && !Number.isNaN(Date.parse(r.when)) &&
          (r.before === undefined || ALT_HAN_VARIANTS.includes(r.before)) && (r.after === undefined || ALT_HAN_VARIANTS.includes(r.after));
        if (!ok) throw new AltHanPackageError('premises', `premises audit ${i}: expected { eui, before?, after?, who, when, why }`);
        last.set(r.eui!, r.after);
        p.#audit.push(Object.freeze({ seq: i + 1, eui: r.eui!, before: r.before, after: r.after, who: r.who!, when: new Date(r.when!).toISOString(), why: r.why! }));
      });
      for (const [eui, v] of last) {
        const dev = p.#devices.find((x) => x.eui === eui);
        if (!dev || dev.altHanVariant !== v) throw new AltHanPackageError('premises', `premises audit: the last correction of ${eui} says ${v ?? 'none'}, the device record disagrees`);
      }
    }
    return p;
  }

  /** The Alt-HAN bridges on site, optionally only those of one variant. */
  bridges(variant?: AltHanVariant): SiteDevice[] {
    return this.devices.filter((d) => d.altHanVariant !== undefined && (variant === undefined || d.altHanVariant === variant));
  }
}

/**
 * What a firmware package needs from an Upgrade Image (GBCS.md 5.2): the OTA header
 * fields that identify the target and the Manufacturer Image, whose SHA-256 is the
 * Manufacturer Image Hash. Parsing is the OTA module's `parseUpgradeImage` with its form
 * detection (a PPMID image of SR 11.4 has no GBCS trailer: form 'gbcs-unsigned'); the
 * signature is not verified here (that needs the Supplier's DS certificate: see the OTA
 * module).
 */
export interface UpgradeImageSummary {
  /** 'gbcs' (signature trailer), 'gbcs-unsigned' (plain OTA file, no trailer) or 'zigbee' (sub-elements). */
  readonly form: UpgradeImageForm;
  readonly manufacturerCode: number;
  readonly imageType: number;
  /** File version, 8 lower-case hex digits (the version devices report; UNCONFIRMED in 5.2). */
  readonly fileVersion: string;
  readonly headerLength: number;
  readonly totalSize: number;
  /** Destination EUI-64 from the optional header field (field control b1), if present. */
  readonly destination?: string;
  /** View of the Manufacturer Image within the given bytes. */
  readonly manufacturerImage: Uint8Array;
  /** SHA-256 of the Manufacturer Image, 64 lower-case hex digits. */
  readonly manufacturerImageHash: string;
}

/**
 * Reads an Upgrade Image; malformed input is a GbcsDecodeError naming the byte offset
 * (offset by `base` when the image sits inside a larger buffer such as a package).
 */
export function summarizePackageImage(img: Uint8Array, base = 0, options: { form?: UpgradeImageForm } = {}): UpgradeImageSummary {
  let u: UpgradeImage;
  try {
    u = parseUpgradeImage(img, options.form ? { form: options.form } : {});
  } catch (e) {
    if (e instanceof GbcsDecodeError && base !== 0) {
      throw new GbcsDecodeError(e.code, e.offset + base, e.expected, 'inside a packaged image');
    }
    throw e;
  }
  if (u.header.totalImageSize !== img.length) {
    throw new GbcsDecodeError('ota-total-size', base + 52, `total image size equal to the image length ${img.length}`, `got ${u.header.totalImageSize}`);
  }
  return {
    form: u.form,
    manufacturerCode: u.header.manufacturerCode,
    imageType: u.header.imageType,
    fileVersion: (u.header.fileVersion >>> 0).toString(16).padStart(8, '0'),
    headerLength: u.header.headerLength,
    totalSize: u.header.totalImageSize,
    destination: u.header.upgradeFileDestination,
    manufacturerImage: u.manufacturerImage,
    manufacturerImageHash: createHash('sha256').update(u.manufacturerImage).digest('hex'),
  };
}

/** See the file header: per-bridge, option A (bridge3-carries-bridge4), option B (bridge1-orchestrates). */
export type PackageDesign = 'per-bridge' | 'bridge3-carries-bridge4' | 'bridge1-orchestrates';

/** Manifest entry for one image of a package. */
export interface PackageImage {
  readonly variant: AltHanVariant;
  readonly deviceType: 'PPMID';
  readonly manufacturerCode: number;
  readonly imageType: number;
  readonly fileVersion: string;
  readonly manufacturerImageHash: string;
  /** Offset in the image area and length in bytes. */
  readonly offset: number;
  readonly length: number;
  /** The bridge that receives the package and installs (or forwards) this image. */
  readonly deliveredTo: AltHanVariant;
  /** EUIs of the site devices the image is for, when the package was built. */
  readonly devices: readonly string[];
  /** Image form (absent in packages written before forms were recorded: read as 'gbcs'). */
  readonly form?: UpgradeImageForm;
  /** Whether the SMI shows the bridge this image is for, under the package's design. */
  readonly smiVisible?: boolean;
}

/** The manifest written into an Alt-HAN firmware package. */
export interface PackageManifest {
  readonly format: 'gbcs-althan-fw-package/1';
  readonly design: PackageDesign;
  readonly premises: string;
  readonly images: readonly PackageImage[];
}

/** Container magic "GBFP" and format version 1. */
const MAGIC = [0x47, 0x42, 0x46, 0x50];
const VERSION = 1;
const PREFIX = 9; // magic(4) version(1) manifest length(4, BE)

/** Site devices an image is for: same manufacturer code and image type, destination honoured. */
function devicesFor(premises: Premises, s: UpgradeImageSummary, index: number): { variant: AltHanVariant; devices: SiteDevice[] } {
  const id = `image ${index} (manufacturer 0x${s.manufacturerCode.toString(16).padStart(4, '0')}, image type 0x${s.imageType.toString(16).padStart(4, '0')}, version ${s.fileVersion})`;
  let devices = premises.devices.filter((d) => d.manufacturerCode === s.manufacturerCode && d.imageType === s.imageType);
  if (s.destination) devices = devices.filter((d) => d.eui === s.destination);
  if (devices.length === 0) {
    throw new AltHanPackageError('no-device-on-site', `${id}${s.destination ? ` addressed to ${s.destination}` : ''} matches no device at premises ${premises.id}`, index);
  }
  const notBridge = devices.find((d) => d.altHanVariant === undefined);
  if (notBridge) throw new AltHanPackageError('no-device-on-site', `${id} is for ${notBridge.deviceType} ${notBridge.eui}, not an Alt HAN bridge`, index);
  const variants = [...new Set(devices.map((d) => d.altHanVariant!))];
  if (variants.length > 1) throw new AltHanPackageError('ambiguous-device', `${id} matches bridges of variants ${variants.join(', ')}; an image must be for one variant`, index);
  return { variant: variants[0]!, devices };
}

function checkDesign(design: PackageDesign, premises: Premises, variants: AltHanVariant[]): void {
  const dup = variants.find((v, i) => variants.indexOf(v) !== i);
  if (dup) throw new AltHanPackageError('design', `two images for bridge ${dup} in one package`);
  if (design === 'bridge3-carries-bridge4') {
    if (variants.length !== 2 || !variants.includes('B3') || !variants.includes('B4')) {
      throw new AltHanPackageError('design', `design bridge3-carries-bridge4 packages exactly the B3 and B4 images, got [${variants.join(', ')}]`);
    }
  } else if (design === 'bridge1-orchestrates') {
    // Option B: one package for every bridge installed, delivered to bridge 1.
    const installed = ALT_HAN_VARIANTS.filter((v) => premises.bridges(v).length > 0);
    const missing = installed.filter((v) => !variants.includes(v));
    if (missing.length) throw new AltHanPackageError('design', `design bridge1-orchestrates packages an image for every bridge installed at premises ${premises.id}; missing [${missing.join(', ')}]`);
  } else if (design === 'per-bridge') {
    // Each bridge gets its own package with its own image, delivered to that bridge.
    if (variants.length !== 1) throw new AltHanPackageError('design', `design per-bridge packages one bridge's image, got [${variants.join(', ')}]`);
  } else {
    throw new AltHanPackageError('design', `unknown design ${JSON.stringify(design)}`);
  }
  for (const v of variants) {
    const via = deliveredTo(design, v);
    if (premises.bridges(via).length === 0) throw new AltHanPackageError('no-device-on-site', `the ${v} image is delivered to bridge ${via}, which is not installed at premises ${premises.id}`);
  }
}

/**
 * Builds a package from GBCS Upgrade Images. Refuses an image that matches no Alt HAN
 * bridge at the premises, or a set of images that does not fit the design.
 */
export function buildFirmwarePackage(premises: Premises, images: readonly Uint8Array[], design: PackageDesign): { bytes: Uint8Array; manifest: PackageManifest } {
  if (images.length === 0) throw new AltHanPackageError('design', 'a package needs at least one image');
  const found = images.map((img, i) => {
    const s = summarizePackageImage(img);
    return { s, ...devicesFor(premises, s, i) };
  });
  checkDesign(design, premises, found.map((f) => f.variant));
  let offset = 0;
  const entries: PackageImage[] = found.map(({ s, variant, devices }) => {
    const e: PackageImage = {
      variant,
      deviceType: 'PPMID',
      manufacturerCode: s.manufacturerCode,
      imageType: s.imageType,
      fileVersion: s.fileVersion,
      manufacturerImageHash: s.manufacturerImageHash,
      offset,
      length: s.totalSize,
      deliveredTo: deliveredTo(design, variant),
      devices: devices.map((d) => d.eui),
      form: s.form,
      smiVisible: SMI_VISIBLE_BRIDGES[design].includes(variant),
    };
    offset += s.totalSize;
    return e;
  });
  const manifest: PackageManifest = { format: 'gbcs-althan-fw-package/1', design, premises: premises.id, images: entries };
  const json = new TextEncoder().encode(JSON.stringify(manifest));
  const out = new Uint8Array(PREFIX + json.length + offset);
  out.set(MAGIC, 0);
  out[4] = VERSION;
  new DataView(out.buffer).setUint32(5, json.length, false);
  out.set(json, PREFIX);
  let p = PREFIX + json.length;
  for (const img of images) (out.set(img, p), (p += img.length));
  return { bytes: out, manifest };
}

/** One image out of a package, with the devices it is for. */
export interface PackagedImage {
  readonly entry: PackageImage;
  /** View of the Upgrade Image within the package bytes. */
  readonly image: Uint8Array;
  /** Site devices the image is for (matched again at split time). */
  readonly devices: readonly SiteDevice[];
  /** Site bridges that receive it (B3 for a B4 image in option A, B1 for all in option B). */
  readonly deliveredTo: readonly SiteDevice[];
  /** Whether the SMI shows the bridge(s) this image is for, under the package's design. */
  readonly smiVisible: boolean;
  /** 'device': a failure names the bridge; 'package' (option B): only the package is known to have failed. */
  readonly failureAttributedTo: 'device' | 'package';
}

function manifestError(offset: number, expected: string): never {
  throw new GbcsDecodeError('package-manifest', offset, expected);
}

/** Checks the manifest JSON's shape; offsets are those of the manifest in the package. */
function readManifest(b: Uint8Array, len: number): PackageManifest {
  let m: PackageManifest;
  try {
    m = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(PREFIX, PREFIX + len)));
  } catch {
    return manifestError(PREFIX, 'a UTF-8 JSON manifest');
  }
  if (!m || m.format !== 'gbcs-althan-fw-package/1') manifestError(PREFIX, 'manifest format "gbcs-althan-fw-package/1"');
  if (!PACKAGE_DESIGNS.includes(m.design)) manifestError(PREFIX, `manifest design ${PACKAGE_DESIGNS.join(', ')}`);
  if (!Array.isArray(m.images) || m.images.length === 0) manifestError(PREFIX, 'a non-empty manifest images list');
  for (const e of m.images) {
    const ok =
      e && ALT_HAN_VARIANTS.includes(e.variant) && ALT_HAN_VARIANTS.includes(e.deliveredTo) && u16(e.manufacturerCode) && u16(e.imageType) &&
      /^[0-9a-f]{8}$/.test(e.fileVersion) && /^[0-9a-f]{64}$/.test(e.manufacturerImageHash) &&
      Number.isSafeInteger(e.offset) && e.offset >= 0 && Number.isSafeInteger(e.length) && e.length > 0 && Array.isArray(e.devices) &&
      (e.form === undefined || ['gbcs', 'gbcs-unsigned', 'zigbee'].includes(e.form));
    if (!ok) manifestError(PREFIX, 'manifest image entries {variant, deliveredTo, manufacturerCode, imageType, fileVersion, manufacturerImageHash, offset, length, devices}');
  }
  return m;
}

/**
 * Splits a package into its images for the given premises. Refuses a package whose
 * images do not match the devices on site, whose hashes or headers disagree with the
 * manifest, or that does not fit its design; reports which devices each image is for.
 */
export function splitFirmwarePackage(premises: Premises, pkg: Uint8Array): { manifest: PackageManifest; images: PackagedImage[] } {
  if (pkg.length < PREFIX) throw new GbcsDecodeError('package-truncated', pkg.length, `a ${PREFIX}-byte package prefix`);
  for (let i = 0; i < 4; i++) if (pkg[i] !== MAGIC[i]) throw new GbcsDecodeError('package-magic', i, 'package magic "GBFP"');
  if (pkg[4] !== VERSION) throw new GbcsDecodeError('package-version', 4, `package format version ${VERSION}`);
  const mlen = new DataView(pkg.buffer, pkg.byteOffset, pkg.byteLength).getUint32(5, false);
  if (PREFIX + mlen > pkg.length) throw new GbcsDecodeError('package-truncated', pkg.length, `a manifest of ${mlen} bytes`);
  const manifest = readManifest(pkg, mlen);
  const area = PREFIX + mlen;
  let expectOffset = 0;
  const images: PackagedImage[] = manifest.images.map((e, i) => {
    if (e.offset !== expectOffset) throw new GbcsDecodeError('package-manifest', PREFIX, `image ${i} at offset ${expectOffset} (images are contiguous)`);
    if (area + e.offset + e.length > pkg.length) throw new GbcsDecodeError('package-truncated', pkg.length, `image ${i} of ${e.length} bytes`);
    expectOffset += e.length;
    const image = pkg.subarray(area + e.offset, area + e.offset + e.length);
    // Packages written before forms were recorded held signed images only.
    const s = summarizePackageImage(image, area + e.offset, { form: e.form ?? 'gbcs' });
    if (s.manufacturerImageHash !== e.manufacturerImageHash) {
      throw new AltHanPackageError('hash-mismatch', `image ${i}: Manufacturer Image hash ${s.manufacturerImageHash} differs from the manifest's ${e.manufacturerImageHash}`, i);
    }
    if (s.manufacturerCode !== e.manufacturerCode || s.imageType !== e.imageType || s.fileVersion !== e.fileVersion) {
      throw new AltHanPackageError('manifest-mismatch', `image ${i}: OTA header (manufacturer, image type, version) differs from the manifest`, i);
    }
    const { variant, devices } = devicesFor(premises, s, i);
    if (variant !== e.variant) throw new AltHanPackageError('manifest-mismatch', `image ${i}: manifest says bridge ${e.variant}, but it matches ${variant} devices at premises ${premises.id}`, i);
    const via = deliveredTo(manifest.design, variant);
    if (e.deliveredTo !== via) throw new AltHanPackageError('manifest-mismatch', `image ${i}: manifest delivers it to ${e.deliveredTo}, design ${manifest.design} delivers it to ${via}`, i);
    return {
      entry: e,
      image,
      devices,
      deliveredTo: premises.bridges(via),
      smiVisible: SMI_VISIBLE_BRIDGES[manifest.design].includes(variant),
      failureAttributedTo: FAILURE_ATTRIBUTION[manifest.design],
    };
  });
  if (area + expectOffset !== pkg.length) throw new GbcsDecodeError('trailing-bytes', area + expectOffset, 'end of package after the last image');
  checkDesign(manifest.design, premises, images.map((x) => x.entry.variant));
  return { manifest, images };
}
