// Suspended-device recovery (SEC change MP105): a per-device firmware status tracker fed
// by decoded GBCS frames. A CS06 (SR 11.3) command suspends the device until its outcome
// is seen; when the response is lost, an SR 11.2 read or a retried SR 11.3 response that
// shows the version clears the suspension, and the tracker records how.
//
// The typed firmware message views (src/firmware/) had not landed when this was written,
// so the payloads are read here with the narrowest parse of the fields needed (GBCS.md
// 5.3-5.5), each bounds-checked and failing with a GbcsDecodeError at the frame offset.
import { decodeFrame } from '../decode.js';
import { toHex, normalizeEui, type BinaryInput } from '../bytes.js';
import { GbcsDecodeError } from '../errors.js';
import type { GbcsFrame } from '../frame.js';
import type { DeviceType, FirmwareRepository } from './repository.js';

export type FirmwareStatus =
  /** Nothing firmware-related seen yet (or only reads: see runningVersion). */
  | 'running'
  /** An image has been distributed and verified (FDRA 8F72 / CCS08 8F8A) and awaits CS06. */
  | 'image-pending'
  /** A CS06 command was sent; its outcome has not been seen. */
  | 'suspended'
  /** The device reported that activation failed (or a future-dated CS06 was not actioned). */
  | 'activation-failed';

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
  /** Frames (by index in the tracker's input) that changed this device, with a note. */
  readonly history: readonly { readonly frame: number; readonly note: string }[];
}

export interface TrackerOptions {
  /** Known devices; a read's use case must fit the originator's type when it is given. */
  readonly devices?: Iterable<{ readonly eui: string; readonly deviceType: DeviceType }>;
  /** Maps a Manufacturer Image hash to the firmware version it installs. */
  readonly repository?: FirmwareRepository;
}

/** A frame the tracker looked at but did not apply, and why. */
export interface TrackerNote {
  readonly frame: number;
  readonly messageCode: number;
  readonly note: string;
}

const CS06 = 0x0012;
const ECS52 = 0x0059;
const GCS38 = 0x0084;
const ALERT_00CA = 0x00ca;
const FDRA_DLMS = 0x00ce;
const FDRA_GBZ = 0x00cf;
const CCS08 = 0x0128;
const CS08 = 0x0129;
const CS09 = 0x012b;

/** Which device types each SR 11.2 read is addressed to (GBCS.md 5.4). */
const READ_TARGETS: Record<number, { via: ReconciledVia; types: readonly DeviceType[] }> = {
  [ECS52]: { via: 'SR 11.2 ECS52', types: ['ESME'] },
  [GCS38]: { via: 'SR 11.2 GCS38', types: ['GSME'] },
  [CS08]: { via: 'SR 11.2 CS08', types: ['PPMID', 'HCALCS'] },
  [CS09]: { via: 'CS09 alert 8F8B', types: ['PPMID', 'HCALCS'] },
};

/** Bounds-checked cursor over a frame's content; errors carry the frame offset. */
class Cursor {
  p = 0;
  constructor(
    readonly b: Uint8Array,
    readonly base: number,
    readonly what: string,
  ) {}
  fail(expected: string, at = this.p): never {
    throw new GbcsDecodeError('firmware-payload', this.base + at, expected, this.what);
  }
  byte(expected: string): number {
    if (this.p >= this.b.length) this.fail(expected);
    return this.b[this.p++]!;
  }
  expect(v: number, expected: string): void {
    if (this.byte(expected) !== v) this.fail(expected, this.p - 1);
  }
  take(n: number, expected: string): Uint8Array {
    if (this.p + n > this.b.length) this.fail(expected, this.b.length);
    return this.b.subarray(this.p, (this.p += n));
  }
  /** DER/BER definite length (short form or 81/82). */
  len(expected: string): number {
    const l = this.byte(expected);
    if (l < 0x80) return l;
    if (l === 0x81) return this.byte(expected);
    if (l === 0x82) return (this.byte(expected) << 8) | this.byte(expected);
    return this.fail(`${expected}: a DER length 00-7F, 81 nn or 82 nn nn`, this.p - 1);
  }
  /** DER tag + length + value. */
  tlv(tag: number, expected: string): Uint8Array {
    this.expect(tag, expected);
    return this.take(this.len(expected), expected);
  }
  /** DER INTEGER as a non-negative number (up to 8 bytes, returned as bigint). */
  integer(expected: string): bigint {
    const v = this.tlv(0x02, `INTEGER ${expected}`);
    if (v.length === 0 || v.length > 9) this.fail(`INTEGER ${expected} of 1-9 bytes`, this.p - v.length);
    let n = 0n;
    for (const x of v) n = (n << 8n) | BigInt(x);
    return n;
  }
  end(): void {
    if (this.p !== this.b.length) this.fail('end of payload');
  }
}

const cursor = (f: GbcsFrame, what: string) => new Cursor(f.content, f.layout.content, what);
const hex = (b: Uint8Array) => toHex(b);

/** CS06 command: SEQUENCE { OCTET STRING(32) hash, INTEGER counter, [GeneralizedTime] }. */
function readCs06Command(f: GbcsFrame): { hash: string; futureDated: boolean } {
  const c = cursor(f, 'CS06 command');
  const body = c.tlv(0x30, 'SEQUENCE');
  const seq = new Cursor(body, c.base + c.p - body.length, 'CS06 command');
  const hash = seq.tlv(0x04, 'OCTET STRING manufacturerImageHash');
  if (hash.length !== 32) seq.fail('a 32-byte manufacturerImageHash', seq.p - hash.length);
  seq.integer('originatorCounter');
  let futureDated = false;
  if (seq.p < seq.b.length) {
    seq.tlv(0x18, 'GeneralizedTime executionDateTime');
    futureDated = true;
  }
  seq.end();
  c.end();
  return { hash: hex(hash), futureDated };
}

/** SEQUENCE { INTEGER code, OCTET STRING(4) version } (CS06 response and the tail of 0x00CA). */
function readActivationResult(c: Cursor): { code: number; version: string } {
  const inner = c.tlv(0x30, 'SEQUENCE {responseCode, firmwareVersion}');
  const s = new Cursor(inner, c.base + c.p - inner.length, c.what);
  const code = Number(s.integer('responseCode'));
  const v = s.tlv(0x04, 'OCTET STRING firmwareVersion');
  if (v.length !== 4) s.fail('a 4-byte firmwareVersion', s.p - v.length);
  s.end();
  return { code, version: hex(v) };
}

/** CS06 response: the activation result, or NULL (future-dated accepted / cancelled). */
function readCs06Response(f: GbcsFrame): { code: number; version: string } | 'accepted' {
  const c = cursor(f, 'CS06 response');
  if (f.content.length === 2 && f.content[0] === 0x05 && f.content[1] === 0x00) return 'accepted';
  const r = readActivationResult(c);
  c.end();
  return r;
}

/** 0x00CA: SEQUENCE { INTEGER alertCode, GeneralizedTime, INTEGER counter, SEQUENCE result }. */
function readAlert00CA(f: GbcsFrame): { alertCode: number; counter: bigint; code: number; version: string } {
  const c = cursor(f, 'alert 0x00CA');
  const body = c.tlv(0x30, 'SEQUENCE');
  const s = new Cursor(body, c.base + c.p - body.length, 'alert 0x00CA');
  const alertCode = Number(s.integer('alertCode'));
  if (alertCode !== 0x8f66 && alertCode !== 0x8f67) s.fail('alert code 8F66 or 8F67', 0);
  s.tlv(0x18, 'GeneralizedTime');
  const counter = s.integer('originatorCounter');
  const r = readActivationResult(s);
  s.end();
  c.end();
  return { alertCode, counter, ...r };
}

/** FDRA 0x00CE (DLMS) / 0x00CF (GBZ): alert code and the calculated Manufacturer Image hash. */
function readFdra(f: GbcsFrame): { alertCode: number; hash: string } {
  const c = cursor(f, f.messageCode === FDRA_DLMS ? 'FDRA 0x00CE' : 'FDRA 0x00CF');
  let alertCode: number;
  if (f.messageCode === FDRA_DLMS) {
    c.expect(0x0f, 'data-notification 0F');
    c.take(4, 'long-invoke-id');
    c.expect(0x00, 'date-time 00');
    c.expect(0x02, 'structure 02');
    c.expect(0x03, 'structure of 3 elements');
    c.expect(0x12, 'u16 alert code (12)');
    alertCode = (c.byte('alert code') << 8) | c.byte('alert code');
    c.expect(0x09, 'octet-string date-time (09)');
    c.expect(0x0c, 'date-time length 0C');
    c.take(12, 'date-time');
  } else {
    c.expect(0x01, 'GBZ profile 0109');
    c.expect(0x09, 'GBZ profile 0109');
    c.byte('component count');
    alertCode = (c.byte('alert code') << 8) | c.byte('alert code');
    c.take(4, 'alert time');
  }
  if (alertCode !== 0x8f72 && alertCode !== 0x8f1c) c.fail('alert code 8F72 or 8F1C', c.p - (f.messageCode === FDRA_DLMS ? 16 : 6));
  c.expect(0x09, 'octet-string hash (09)');
  c.expect(0x20, 'hash length 20');
  const hash = c.take(32, 'calculated Manufacturer Image hash');
  c.end();
  return { alertCode, hash: hex(hash) };
}

/** CCS08 0x0128: SEQUENCE { INTEGER alert, GeneralizedTime, OCTET STRING(8) target, OCTET STRING(4) version, INTEGER code }. */
function readCcs08(f: GbcsFrame): { alertCode: number; target: string; version: string; code: number } {
  const c = cursor(f, 'CCS08 alert');
  const body = c.tlv(0x30, 'SEQUENCE');
  const s = new Cursor(body, c.base + c.p - body.length, 'CCS08 alert');
  const alertCode = Number(s.integer('alertCode'));
  s.tlv(0x18, 'GeneralizedTime');
  const t = s.tlv(0x04, 'OCTET STRING target EUI-64');
  if (t.length !== 8) s.fail('an 8-byte target EUI-64', s.p - t.length);
  const v = s.tlv(0x04, 'OCTET STRING firmwareVersion');
  if (v.length !== 4) s.fail('a 4-byte firmwareVersion', s.p - v.length);
  const code = Number(s.integer('transfer result'));
  s.end();
  c.end();
  return { alertCode, target: hex(t), version: hex(v), code };
}

/** The version an SR 11.2 read (or CS09 alert) reports, or undefined when the read failed. */
function readVersion(f: GbcsFrame): string | undefined {
  const what = f.messageCode === ECS52 ? 'ECS52 response' : f.messageCode === GCS38 ? 'GCS38 response' : f.messageCode === CS08 ? 'CS08 response' : 'CS09 alert';
  const c = cursor(f, what);
  if (f.messageCode === ECS52) {
    // DA invoke(4) 00 00 | 01 | 09 04 ver | 01 | 01 result
    c.expect(0xda, 'access-response DA');
    c.take(4, 'long-invoke-id');
    c.expect(0x00, 'date-time 00');
    c.expect(0x00, 'no echoed specs (00)');
    c.expect(0x01, 'one Data item');
    const tag = c.byte('Data');
    if (tag === 0x00) return undefined; // failed get: Data null, result explains
    if (tag !== 0x09) c.fail('octet-string 09 (firmware version) or null 00', c.p - 1);
    c.expect(0x04, 'firmware version length 04');
    const v = c.take(4, 'firmware version');
    c.expect(0x01, 'one result');
    c.expect(0x01, 'result choice get (01)');
    const result = c.byte('result');
    c.end();
    return result === 0 ? hex(v) : undefined;
  }
  if (f.messageCode === GCS38) {
    // 01 09 | n | control cluster(2) len(2) [from-date(4)] | fc seq 01 | 06 02 00 41 04 ver
    c.expect(0x01, 'GBZ profile 0109');
    c.expect(0x09, 'GBZ profile 0109');
    c.byte('component count');
    const control = c.byte('component control');
    if (control & 0x02) c.fail('a clear (unencrypted) component', c.p - 1);
    const cluster = (c.byte('cluster') << 8) | c.byte('cluster');
    if (cluster !== 0x0702) c.fail('Metering cluster 0702', c.p - 2);
    const len = (c.byte('component length') << 8) | c.byte('component length');
    const comp = new Cursor(c.take(len, 'component'), c.base + c.p - len, what);
    if (control & 0x10) comp.take(4, 'from-date-time');
    comp.byte('ZCL frame control');
    comp.byte('ZCL sequence number');
    comp.expect(0x01, 'Read Attributes Response (01)');
    while (comp.p < comp.b.length) {
      const id = comp.byte('attribute id') | (comp.byte('attribute id') << 8);
      const status = comp.byte('attribute status');
      if (status !== 0) {
        if (id === 0x0206) return undefined;
        continue;
      }
      const type = comp.byte('attribute type');
      if (type !== 0x41) comp.fail('octet-string attribute type 41', comp.p - 1);
      const v = comp.take(comp.byte('octet-string length'), 'attribute value');
      if (id === 0x0206) {
        if (v.length !== 4) comp.fail('a 4-byte firmware version', comp.p - v.length);
        return hex(v);
      }
    }
    return comp.fail('attribute 0x0206 (firmware version)');
  }
  const body = c.tlv(0x30, 'SEQUENCE');
  const s = new Cursor(body, c.base + c.p - body.length, what);
  if (f.messageCode === CS09) {
    s.integer('alertCode');
    s.tlv(0x18, 'GeneralizedTime');
  }
  const v = s.tlv(0x04, 'OCTET STRING firmwareVersion');
  if (v.length !== 4) s.fail('a 4-byte firmwareVersion', s.p - v.length);
  s.integer('result');
  s.end();
  c.end();
  return hex(v);
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
  readonly #notes: TrackerNote[] = [];
  #index = 0;

  constructor(options: TrackerOptions = {}) {
    for (const d of options.devices ?? []) this.#types.set(normalizeEui(d.eui), d.deviceType);
    this.#repo = options.repository;
  }

  /** Frames looked at but not applied (unrelated codes, wrong device type, GBT segments...). */
  get notes(): readonly TrackerNote[] {
    return this.#notes.slice();
  }

  state(eui: string): DeviceFirmwareState | undefined {
    const s = this.#devices.get(normalizeEui(eui));
    return s && snapshot(s);
  }

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
    const code = f.messageCode;
    const cra = f.cra;

    if (code === CS06 && cra === 'command') {
      const { hash, futureDated } = readCs06Command(f);
      const d = this.#device(f.recipient);
      const retry = d.status === 'suspended';
      d.status = 'suspended';
      d.pendingImageHash = hash;
      d.pendingVersion ??= this.#versionOf(hash);
      d.futureDated = futureDated;
      d.outstandingCommands.push(f.originatorCounter);
      return void d.history.push({ frame: index, note: `${retry ? 'retried ' : ''}CS06 (SR 11.3)${futureDated ? ' future-dated' : ''}: Suspended` });
    }
    if (code === CS06 && cra === 'response') {
      const r = readCs06Response(f);
      const d = this.#device(f.originator);
      if (r === 'accepted') return void d.history.push({ frame: index, note: 'CS06 future-dated command accepted: awaiting 0x00CA' });
      const cmds = d.outstandingCommands;
      const i = cmds.indexOf(f.originatorCounter);
      const via: ReconciledVia = i > 0 ? 'CS06 retry response' : 'CS06 response';
      return this.#settle(d, index, via, f.originatorCounter, r.code === 0, r.version, r.code, i > 0);
    }
    if (code === ALERT_00CA) {
      const a = readAlert00CA(f);
      const d = this.#device(f.originator);
      const ok = a.alertCode === 0x8f66 && a.code === 0;
      return this.#settle(d, index, a.alertCode === 0x8f66 ? 'alert 0x00CA 8F66' : 'alert 0x00CA 8F67', a.counter, ok, a.version, a.code, false);
    }
    if (code === FDRA_DLMS || code === FDRA_GBZ) {
      const a = readFdra(f);
      const d = this.#device(f.originator);
      if (a.alertCode === 0x8f1c) return void d.history.push({ frame: index, note: `image verification failed (8F1C), hash ${a.hash}` });
      if (d.status !== 'suspended') d.status = 'image-pending';
      d.pendingImageHash = a.hash;
      d.pendingVersion = this.#versionOf(a.hash);
      return void d.history.push({ frame: index, note: `image distributed and verified (8F72): pending ${a.hash}` });
    }
    if (code === CCS08) {
      const a = readCcs08(f);
      const d = this.#device(a.target);
      if (a.alertCode !== 0x8f8a || a.code !== 0) return void d.history.push({ frame: index, note: `CCS08 transfer failed (code ${a.code})` });
      if (d.status !== 'suspended') d.status = 'image-pending';
      d.pendingVersion = a.version;
      return void d.history.push({ frame: index, note: `image ${a.version} transferred by the CHF (CCS08 8F8A)` });
    }
    const read = READ_TARGETS[code];
    if (read && (cra === 'response' || (code === CS09 && cra === 'alert'))) {
      const type = this.#types.get(f.originator);
      if (type && !read.types.includes(type)) {
        return note(`${read.via} from ${f.originator}, a ${type}: that read reports a ${read.types.join('/')} version, ignored`);
      }
      const version = readVersion(f);
      const d = this.#device(f.originator);
      if (version === undefined) return void d.history.push({ frame: index, note: `${read.via}: read failed, no version` });
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
