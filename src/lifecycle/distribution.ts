// Image-slot contention at a premises (issue 14 item 6): a device's OTA client holds ONE
// image. An image distributed for one device can overwrite an image still waiting for
// activation on another, so distributions and activations at one premises must be ordered.
//
//   slot key                      devices whose images share it
//   ----------------------------  ------------------------------------------------
//   device:<eui>                  ESME, CHF, GPF, SAPC: each holds its own image
//   premises:GSME+ALT-HAN         the GSME and the Alt HAN bridges (PPMID variants B1-B4)
//   premises:PPMID+HCALCS         PPMIDs (not Alt HAN bridges) and HCALCSs
//
// VERIFIED against the issue only: "a GSME image overwrites one waiting for an Alt HAN
// device, and PPMID and HCALCS images overwrite each other". UNCONFIRMED (decision): the
// sharing is premises-wide per group (every GSME and every bridge at the premises contend),
// and the groups are disjoint (a PPMID image does not overwrite a bridge's image). The
// table is data (SLOT_GROUPS): correct it there if the seeds say otherwise.
import type { Premises, SiteDevice } from './altHan.js';
import type { DeviceType } from './repository.js';

/** The OTA client class of a device: its device type, or 'ALT-HAN' for an Alt HAN bridge. */
export type OtaClientClass = DeviceType | 'ALT-HAN';

/** Classes whose images share one slot per premises (see the table above). */
export const SLOT_GROUPS: readonly (readonly OtaClientClass[])[] = [
  ['GSME', 'ALT-HAN'],
  ['PPMID', 'HCALCS'],
];

/** The OTA client class of a device: 'ALT-HAN' for Alt-HAN bridges, else its device type. */
export function otaClientClass(d: Pick<SiteDevice, 'deviceType' | 'altHanVariant'>): OtaClientClass {
  return d.altHanVariant !== undefined ? 'ALT-HAN' : d.deviceType;
}

/** The slot an image for `d` is held in (equal keys at one premises overwrite each other). */
export function imageSlot(d: Pick<SiteDevice, 'eui' | 'deviceType' | 'altHanVariant'>): string {
  const c = otaClientClass(d);
  const g = SLOT_GROUPS.find((x) => x.includes(c));
  return g ? `premises:${g.join('+')}` : `device:${d.eui}`;
}

/** One image to distribute (SR 11.1 / 11.4) and then activate (SR 11.3) on some devices. */
export interface Distribution {
  /** A name for reports; defaults to "distribution <index>". */
  readonly id?: string;
  /** EUI-64s of the devices at the premises that take this image. */
  readonly devices: readonly string[];
  /** Manufacturer Image hash, carried through to the steps when given. */
  readonly imageHash?: string;
}

/** One step of a distribution plan: the wave and the device it targets. */
export interface DistributionStep {
  /** Waves run one after another: every activation of wave n precedes every distribution of wave n+1. */
  readonly wave: number;
  readonly action: 'distribute' | 'activate';
  /** Index of the distribution in the input. */
  readonly distribution: number;
  readonly id: string;
  readonly devices: readonly string[];
  readonly slots: readonly string[];
  readonly imageHash?: string;
}

/** Thrown when a firmware distribution cannot be planned. */
export class DistributionPlanError extends Error {
  override readonly name = 'DistributionPlanError';
  readonly distribution: number;
  constructor(distribution: number, message: string) {
    super(message);
    this.distribution = distribution;
  }
}

/**
 * Orders the distributions of one premises so that no image waiting for activation is
 * overwritten: distributions are grouped into waves, in input order, such that no two in a
 * wave use the same slot; each wave distributes its images, then activates them. The
 * given order is kept among distributions that share a slot. Cost: O(waves x distributions).
 */
export function planDistributions(premises: Premises, distributions: readonly Distribution[]): { steps: DistributionStep[]; waves: number } {
  const byEui = new Map(premises.devices.map((d) => [d.eui, d]));
  const info = distributions.map((dist, i) => {
    const id = dist.id ?? `distribution ${i}`;
    if (!Array.isArray(dist.devices) || dist.devices.length === 0) throw new DistributionPlanError(i, `${id}: no devices`);
    const devices = dist.devices.map((e) => {
      const d = byEui.get(String(e).toLowerCase().replace(/[-:\s]/g, ''));
      if (!d) throw new DistributionPlanError(i, `${id}: device ${e} is not at premises ${premises.id}`);
      return d;
    });
    return { id, devices: devices.map((d) => d.eui), slots: [...new Set(devices.map(imageSlot))], imageHash: dist.imageHash };
  });
  const steps: DistributionStep[] = [];
  const left = info.map((_, i) => i);
  let wave = 0;
  while (left.length) {
    wave++;
    const taken = new Set<string>();
    const chosen: number[] = [];
    // In input order; a distribution blocked by an earlier one's slot also blocks later
    // users of its own slots, so the order among distributions sharing a slot is kept.
    for (const i of left) {
      const blocked = info[i]!.slots.some((s) => taken.has(s));
      for (const s of info[i]!.slots) taken.add(s);
      if (!blocked) chosen.push(i);
    }
    for (const action of ['distribute', 'activate'] as const) {
      for (const i of chosen) steps.push({ wave, action, distribution: i, ...info[i]! });
    }
    for (const i of chosen) left.splice(left.indexOf(i), 1);
  }
  return { steps, waves: wave };
}
