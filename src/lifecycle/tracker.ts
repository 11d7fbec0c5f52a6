// Suspended-device recovery (SEC change MP105): a per-device firmware status tracker fed
// by decoded GBCS frames. A CS06 (SR 11.3) command suspends the device until its outcome
// is seen; when the response is lost, an SR 11.2 read that shows the version clears the
// suspension (the route MP105 adopts), and the tracker records how.
//
// Decision (MP105: a retried SR 11.3 response was only "to be investigated" and "does not
// update the SMI status"): the response to a RETRIED CS06 clears Suspended only when the
// caller opts in (`retriedCs06Reconciles: true`); by default it is recorded in the history
// and the device stays Suspended until an SR 11.2 read.
//
// Inputs besides frames: the DCC alert N52 (GSME firmware version mismatch), through
// `consumeDccAlert`; and, given the premises' devices, image-slot contention (see
// distribution.ts): an image received for one device that overwrites an image still
// waiting for activation on another is reported on the other device.
//
// Payloads are read through the use-case registry (useCases/registry.ts: the firmware
// modules' typed views, GBCS.md 5.3-5.5), and the tracker dispatches on the view it gets,
// never on message codes: a malformed payload fails with the module's GbcsDecodeError at
// the frame offset.
import { decodeFrame } from '../decode.js';
import { toHex, normalizeEui, type BinaryInput } from '../bytes.js';
import { GbcsDecodeError } from '../errors.js';
import { decodeFirmwareMessage, type FirmwareMessage } from '../firmware/firmwareMessage.js';
import type { FirmwareVersionUseCase } from '../useCases/firmwareVersion.js';
import type { GbcsFrame } from '../frame.js';
import type { Premises, SiteDevice } from './altHan.js';
import { imageSlot } from './distribution.js';
import type { DeviceType, FirmwareRepository } from './repository.js';

/** Where a device is in the firmware update cycle. */
export type FirmwareStatus =
  /** Nothing firmware-related seen yet (or only reads: see runningVersion). */
  | 'running'
  /** An image has been distributed and verified (FDRA 8F72 / CCS08 8F8A) and awaits CS06. */
  | 'image-pending'
  /** A CS06 command was sent; its outcome has not been seen. */
  | 'suspended'
  /** The device reported that activation failed (or a future-dated CS06 was not actioned). */
  | 'activation-failed'
  /** The image that awaited activation was overwritten by another device's image in the same slot. */
  | 'image-overwritten';

/** How a suspension (or activation) was settled. */
export type ReconciledVia =
  | 'CS06 response'
  | 'CS06 retry response'
  | 'alert 0x00CA 8F66'
  | 'alert 0x00CA 8F67'
  | 'SR 11.2 ECS52'
  | 'SR 11.2 GCS38'
  | 'SR 11.2 CS08'
  | 'CS09 alert 8F8B';

/**
 * A DCC alert as the tracker reads it (the DUIS DCCAlertMessage; see src/duis). Only N52
 * (GSME firmware version mismatch) is a tracker input today.
 */
export interface DccAlertInput {
  /** DCCAlertCode, e.g. 'N52'. */
  readonly code: string;
  /** EUI-64 of the device the alert is about. */
  readonly deviceId: string;
  /** Firmware version the alert reports, 8 hex digits, when it carries one. */
  readonly firmwareVersion?: string;
}

/** How a device's firmware state was reconciled and what it showed. */
export interface Reconciliation {
  readonly via: ReconciledVia;
  /** 'activated': the new image runs; 'not-activated': the old one still does;
   *  'unverified': a version was read but neither the expected nor the previous one is known. */
  readonly outcome: 'activated' | 'not-activated' | 'unverified' | 'failed';
  readonly version?: string;
  /** Header counter of the frame that settled it. */
  readonly counter: bigint;
  /** True when the CS06 outcome itself was never seen (MP105 recovery). */
  readonly recovered: boolean;
  /** CS06 response code when the device gave one (0 success, 1 noImageHeld, 2 hashMismatch, 3 activationFailure). */
  readonly responseCode?: number;
}

/** What the tracker knows about one device's firmware. */
export interface DeviceFirmwareState {
  readonly eui: string;
  readonly deviceType?: DeviceType;
  readonly status: FirmwareStatus;
  readonly runningVersion?: string;
  /** Manufacturer Image hash of the distributed image awaiting activation. */
  readonly pendingImageHash?: string;
  /** Version of the pending image when known (CCS08, or the repository entry for its hash). */
  readonly pendingVersion?: string;
  /** Counters of the CS06 commands sent while suspended, oldest first. */
  readonly outstandingCommands: readonly bigint[];
  readonly futureDated?: boolean;
  readonly lastReconciliation?: Reconciliation;
  /** Set while the pending image is known to be overwritten (cleared by a new image). */
  readonly overwrittenBy?: { readonly eui: string; readonly frame: number };
  /** Set by DCC alert N52 until an SR 11.2 read reports the version again. */
  readonly versionMismatch?: { readonly frame: number; readonly version?: string };
  /** Frames (by index in the tracker's input) that changed this device, with a note. */
  readonly history: readonly { readonly frame: number; readonly note: string }[];
}

/** Options of the firmware tracker (known devices, ...). */
export interface TrackerOptions {
  /** Known devices; a read's use case must fit the originator's type when it is given. */
  readonly devices?: Iterable<{ readonly eui: string; readonly deviceType: DeviceType }>;
  /** Maps a Manufacturer Image hash to the firmware version it installs. */
  readonly repository?: FirmwareRepository;
  /**
   * MP105 investigation route, off by default: let the response to a retried CS06 clear
   * Suspended. Off, such a response is recorded and the device waits for an SR 11.2 read.
   */
  readonly retriedCs06Reconciles?: boolean;
  /** The premises' devices: enables image-slot contention reports (and gives device types). */
  readonly premises?: Iterable<Premises>;
}

/** A frame the tracker looked at but did not apply, and why. */
export interface TrackerNote {
  readonly frame: number;
  readonly messageCode: number;
  readonly note: string;
}

/** Which device types each SR 11.2 read (and the CS09 alert) is addressed to (GBCS.md 5.4), by the view's use case. */
const READ_TARGETS: Record<FirmwareVersionUseCase, { via: ReconciledVia; types: readonly DeviceType[] }> = {
  // ECS52 is "Read ESME/Comms Hub Firmware Version": the CHF answers it too.
  ECS52: { via: 'SR 11.2 ECS52', types: ['ESME', 'CHF'] },
  GCS38: { via: 'SR 11.2 GCS38', types: ['GSME'] },
  CS08: { via: 'SR 11.2 CS08', types: ['PPMID', 'HCALCS'] },
  CS09: { via: 'CS09 alert 8F8B', types: ['PPMID', 'HCALCS'] },
};

const hex = (b: Uint8Array) => toHex(b);

type View<T extends FirmwareMessage['type']> = Extract<FirmwareMessage, { type: T }>;

function readCs06Command(m: View<'activate-firmware-command'>): { hash: string; futureDated: boolean } {
  return { hash: hex(m.manufacturerImageHash), futureDated: m.executionDateTime !== undefined };
}

function readCs06Response(m: View<'activate-firmware-response'>): { code: number; version: string } | 'accepted' {
  const r = m.response;
  return r.kind === 'accepted' ? 'accepted' : { code: r.responseCode, version: hex(r.firmwareVersion) };
}

function readAlert00CA(a: View<'future-dated-activation-alert'>): { alertCode: number; counter: bigint; code: number; version: string } {
  return { alertCode: a.alertCode, counter: a.originatorCounter, code: a.responseCode, version: hex(a.firmwareVersion) };
}

/** FDRA 0x00CE / 0x00CF: only 8F72 (verified) and 8F1C (failed) are receipts. */
function readFdra(f: GbcsFrame, r: View<'firmware-receipt'>): { alertCode: number; hash: string } {
  if (r.status !== 'verified' && r.status !== 'verification-failed') throw new GbcsDecodeError('firmware', f.contentOffset, 'alert code 8F72 or 8F1C', `found 0x${r.alertCode.toString(16).toUpperCase()}`);
  return { alertCode: r.alertCode, hash: hex(r.calculatedHash!) };
}

function readCcs08(r: View<'firmware-receipt'>): { alertCode: number; target: string; version: string; code: number } {
  return { alertCode: r.alertCode, target: r.targetDevice!, version: hex(r.firmwareVersion!), code: r.transferStatus! };
}

/**
 * The version an SR 11.2 read (or CS09 alert) reports, or undefined when the read failed
 * (ECS52 / GCS38 carry no version then; CS08 / CS09 always carry one, whatever the status).
 */
function readVersion(v: View<'firmware-version'>): string | undefined {
  return v.version ? hex(v.version) : undefined;
}

interface MutableState {
  eui: string;
  deviceType?: DeviceType;
  status: FirmwareStatus;
  runningVersion?: string;
  pendingImageHash?: string;
  pendingVersion?: string;
  outstandingCommands: bigint[];
  futureDated?: boolean;
  lastReconciliation?: Reconciliation;
  overwrittenBy?: { eui: string; frame: number };
  versionMismatch?: { frame: number; version?: string };
  history: { frame: number; note: string }[];
}

/**
 * Tracks each device's firmware status from the frames it sees (commands sent, responses
 * and alerts received, in the order given). Devices are identified by EUI-64: the device
 * a response, alert or read speaks for is the frame's originator, and the device a command
 * acts on is its recipient. So a read answered by a GSME's proxy function (GPF) updates
 * the GPF, never the GSME: only the GSME's own GCS38 response reconciles the GSME.
 */
export class FirmwareTracker {
  readonly #devices = new Map<string, MutableState>();
  readonly #types = new Map<string, DeviceType>();
  readonly #repo?: FirmwareRepository;
  readonly #retries: boolean;
  /** Site devices by EUI, with their premises id (image-slot contention). */
  readonly #site = new Map<string, { premises: string; device: SiteDevice }>();
  readonly #notes: TrackerNote[] = [];
  #index = 0;

  constructor(options: TrackerOptions = {}) {
    for (const p of options.premises ?? []) {
      for (const d of p.devices) {
        this.#site.set(d.eui, { premises: p.id, device: d });
        this.#types.set(d.eui, d.deviceType);
      }
    }
    for (const d of options.devices ?? []) this.#types.set(normalizeEui(d.eui), d.deviceType);
    this.#repo = options.repository;
    this.#retries = options.retriedCs06Reconciles === true;
  }

  /** Frames looked at but not applied (unrelated codes, wrong device type, GBT segments...). */
  get notes(): readonly TrackerNote[] {
    return this.#notes.slice();
  }

  /** The firmware state of one device, if seen. */
  state(eui: string): DeviceFirmwareState | undefined {
    const s = this.#devices.get(normalizeEui(eui));
    return s && snapshot(s);
  }

  /** The firmware state of every device seen, sorted by EUI. */
  states(): DeviceFirmwareState[] {
    return [...this.#devices.values()].map(snapshot).sort((a, b) => (a.eui < b.eui ? -1 : a.eui > b.eui ? 1 : 0));
  }

  /** Decodes and applies one frame (bytes, hex or base64). */
  consumeBytes(input: BinaryInput): void {
    this.consume(decodeFrame(input));
  }

  /**
   * Applies one decoded frame. A malformed firmware payload raises GbcsDecodeError (at
   * the frame offset) and leaves every state unchanged.
   */
  consume(f: GbcsFrame): void {
    const index = this.#index++;
    const note = (n: string) => void this.#notes.push({ frame: index, messageCode: f.messageCode, note: n });
    if (f.kind === 'gbt') return note('GBT segment: reassemble before tracking');
    // The firmware view through the registry (undefined: no firmware module for this code and CRA).
    const m = decodeFirmwareMessage(f);

    if (m?.type === 'activate-firmware-command') {
      const { hash, futureDated } = readCs06Command(m);
      const d = this.#device(f.recipient);
      const retry = d.status === 'suspended';
      d.status = 'suspended';
      d.pendingImageHash = hash;
      d.pendingVersion ??= this.#versionOf(hash);
      d.futureDated = futureDated;
      d.outstandingCommands.push(f.originatorCounter);
      return void d.history.push({ frame: index, note: `${retry ? 'retried ' : ''}CS06 (SR 11.3)${futureDated ? ' future-dated' : ''}: Suspended` });
    }
    if (m?.type === 'activate-firmware-response') {
      const r = readCs06Response(m);
      const d = this.#device(f.originator);
      if (r === 'accepted') return void d.history.push({ frame: index, note: 'CS06 future-dated command accepted: awaiting 0x00CA' });
      const cmds = d.outstandingCommands;
      const i = cmds.indexOf(f.originatorCounter);
      if (i > 0 && !this.#retries) {
        return void d.history.push({
          frame: index,
          note: `response to the retried CS06 (counter ${f.originatorCounter}) shows ${r.version} (code ${r.code}): not used to clear Suspended (MP105 adopts SR 11.2; opt in with retriedCs06Reconciles)`,
        });
      }
      const via: ReconciledVia = i > 0 ? 'CS06 retry response' : 'CS06 response';
      return this.#settle(d, index, via, f.originatorCounter, r.code === 0, r.version, r.code, i > 0);
    }
    if (m?.type === 'future-dated-activation-alert') {
      const a = readAlert00CA(m);
      const d = this.#device(f.originator);
      const ok = a.alertCode === 0x8f66 && a.code === 0;
      return this.#settle(d, index, a.alertCode === 0x8f66 ? 'alert 0x00CA 8F66' : 'alert 0x00CA 8F67', a.counter, ok, a.version, a.code, false);
    }
    if (m?.type === 'firmware-receipt' && m.variant !== 'CCS08') {
      const a = readFdra(f, m);
      const d = this.#device(f.originator);
      if (a.alertCode === 0x8f1c) return void d.history.push({ frame: index, note: `image verification failed (8F1C), hash ${a.hash}` });
      if (d.status === 'image-pending' && d.pendingImageHash !== undefined && d.pendingImageHash !== a.hash) {
        d.history.push({ frame: index, note: `pending image ${d.pendingImageHash} overwritten by ${a.hash} before activation` });
      }
      if (d.status !== 'suspended') d.status = 'image-pending';
      d.pendingImageHash = a.hash;
      d.pendingVersion = this.#versionOf(a.hash);
      d.overwrittenBy = undefined;
      d.history.push({ frame: index, note: `image distributed and verified (8F72): pending ${a.hash}` });
      return this.#overwriteOthers(d.eui, index);
    }
    if (m?.type === 'firmware-receipt') {
      const a = readCcs08(m);
      const d = this.#device(a.target);
      if (a.alertCode !== 0x8f8a || a.code !== 0) return void d.history.push({ frame: index, note: `CCS08 transfer failed (code ${a.code})` });
      if (d.status !== 'suspended') d.status = 'image-pending';
      d.pendingVersion = a.version;
      d.overwrittenBy = undefined;
      d.history.push({ frame: index, note: `image ${a.version} transferred by the CHF (CCS08 8F8A)` });
      return this.#overwriteOthers(d.eui, index);
    }
    const read = m?.type === 'firmware-version' ? READ_TARGETS[m.useCase] : undefined;
    if (m?.type === 'firmware-version' && read) {
      const type = this.#types.get(f.originator);
      if (type && !read.types.includes(type)) {
        return note(`${read.via} from ${f.originator}, a ${type}: that read reports a ${read.types.join('/')} version, ignored`);
      }
      const version = readVersion(m);
      const d = this.#device(f.originator);
      if (version === undefined) return void d.history.push({ frame: index, note: `${read.via}: read failed, no version` });
      if (d.versionMismatch) (d.versionMismatch = undefined), d.history.push({ frame: index, note: `${read.via}: version read again, N52 mismatch cleared` });
      if (d.status !== 'suspended') {
        d.runningVersion = version;
        if (d.pendingVersion === version) (d.status = 'running'), (d.pendingImageHash = d.pendingVersion = undefined);
        return void d.history.push({ frame: index, note: `${read.via}: running ${version}` });
      }
      const expected = d.pendingVersion;
      const previous = d.runningVersion;
      const outcome: Reconciliation['outcome'] =
        expected !== undefined ? (version === expected ? 'activated' : 'not-activated') : previous !== undefined ? (version !== previous ? 'activated' : 'not-activated') : 'unverified';
      d.lastReconciliation = { via: read.via, outcome, version, counter: f.originatorCounter, recovered: true };
      d.runningVersion = version;
      d.outstandingCommands = [];
      if (outcome === 'not-activated') d.status = 'image-pending';
      else (d.status = 'running'), (d.pendingImageHash = d.pendingVersion = undefined);
      return void d.history.push({ frame: index, note: `${read.via} shows ${version}: Suspended cleared (${outcome})` });
    }
    note('not a firmware lifecycle message');
  }

  /**
   * Applies one DCC alert (DUIS DCCAlertMessage). N52, GSME firmware version mismatch:
   * the version on record for the GSME is stale. Decision (UNCONFIRMED, no seed text on its
   * effect): it sets `versionMismatch` (with the version when the alert carries one) and
   * changes nothing else; Suspended is still cleared only by an SR 11.2 read (GCS38), which
   * also clears the mismatch. Other codes are noted and ignored.
   */
  consumeDccAlert(alert: DccAlertInput): void {
    const index = this.#index++;
    const note = (n: string) => void this.#notes.push({ frame: index, messageCode: 0, note: n });
    if (alert.code !== 'N52') return note(`DCC alert ${alert.code}: not a firmware lifecycle input`);
    let eui: string;
    try {
      eui = normalizeEui(alert.deviceId);
    } catch {
      return note(`DCC alert N52: device id ${JSON.stringify(String(alert.deviceId).slice(0, 40))} is not an EUI-64`);
    }
    const type = this.#types.get(eui);
    if (type && type !== 'GSME') return note(`DCC alert N52 for ${eui}, a ${type}: N52 is about a GSME, ignored`);
    const version = alert.firmwareVersion !== undefined && /^[0-9a-fA-F]{8}$/.test(alert.firmwareVersion) ? alert.firmwareVersion.toLowerCase() : undefined;
    const d = this.#device(eui);
    d.versionMismatch = { frame: index, ...(version !== undefined && { version }) };
    d.history.push({ frame: index, note: `DCC alert N52: GSME firmware version mismatch${version ? ` (reported ${version})` : ''}; the version on record is stale until an SR 11.2 read (GCS38)` });
  }

  /** An image just received for `eui` overwrites images still waiting in the same slot at its premises. */
  #overwriteOthers(eui: string, index: number): void {
    const me = this.#site.get(eui);
    if (!me) return;
    const slot = imageSlot(me.device);
    for (const [other, o] of this.#site) {
      if (other === eui || o.premises !== me.premises || imageSlot(o.device) !== slot) continue;
      const d = this.#devices.get(other);
      if (!d) continue;
      const waiting = d.status === 'image-pending' || (d.status === 'suspended' && d.futureDated === true);
      if (!waiting) continue;
      d.overwrittenBy = { eui, frame: index };
      if (d.status === 'image-pending') d.status = 'image-overwritten';
      d.history.push({
        frame: index,
        note: `pending image${d.pendingImageHash ? ` ${d.pendingImageHash}` : d.pendingVersion ? ` ${d.pendingVersion}` : ''} overwritten by an image for ${eui} (shared slot ${slot}): distribute it again before activation`,
      });
    }
  }

  #settle(d: MutableState, index: number, via: ReconciledVia, counter: bigint, ok: boolean, version: string, responseCode: number, retry: boolean): void {
    const wasSuspended = d.status === 'suspended';
    const lost = wasSuspended && (retry || d.outstandingCommands.length > 1);
    d.runningVersion = version;
    d.outstandingCommands = [];
    d.futureDated = undefined;
    if (ok) {
      d.status = 'running';
      d.pendingImageHash = d.pendingVersion = undefined;
    } else {
      d.status = 'activation-failed';
    }
    d.lastReconciliation = { via, outcome: ok ? 'activated' : 'failed', version, counter, recovered: lost, responseCode };
    d.history.push({ frame: index, note: `${via}: ${ok ? `activated ${version}` : `activation failed (code ${responseCode}), running ${version}`}${wasSuspended ? '' : ' (device was not Suspended)'}` });
  }

  #versionOf(hash: string): string | undefined {
    const e = this.#repo?.byHash(hash);
    return e && e.length > 0 ? e[0]!.firmwareVersion : undefined;
  }

  #device(eui: string): MutableState {
    let d = this.#devices.get(eui);
    if (!d) {
      d = { eui, deviceType: this.#types.get(eui), status: 'running', outstandingCommands: [], history: [] };
      this.#devices.set(eui, d);
    }
    return d;
  }
}

function snapshot(s: MutableState): DeviceFirmwareState {
  return Object.freeze({ ...s, outstandingCommands: Object.freeze(s.outstandingCommands.slice()), history: Object.freeze(s.history.slice()) });
}
