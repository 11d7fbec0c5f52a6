// DUIS (DCC User Interface Specification) XML: read requests, responses, device alerts and
// DCC alerts; write the firmware service requests (SR 11.1, 11.2, 11.3). Browser-safe: text
// or bytes in, text out; file reading lives in the CLI.
import { decodeFrame } from '../decode.js';
import { GbcsDecodeError } from '../errors.js';
import type { GbcsFrame } from '../frame.js';
import type { DccAlertInput } from '../lifecycle/tracker.js';
import { duisFirmwareImage, duisGbcsPayloads, type DuisMessage, type DuisRequestId, type XmlData } from './read.js';

export * from './read.js';
export * from './write.js';

/** One party of a DUIS message: which role, and its EUI-64 (16 lower-case hex digits). */
export interface DuisParty {
  readonly role: 'originator' | 'target';
  /** From the RequestID or the ResponseID. */
  readonly from: 'RequestID' | 'ResponseID';
  readonly eui: string;
}

/** What `gbcs duis inspect` prints: the service request, the parties and the decoded content. */
export interface DuisInspection {
  readonly type: 'request' | 'response';
  /** SR and variant for requests and ResponseMessages; absent for alerts. */
  readonly serviceReference?: string;
  readonly serviceReferenceVariant?: string;
  readonly commandVariant?: number;
  /** Request body element (e.g. 'ActivateFirmware') or response body kind (e.g. 'DeviceAlertMessage'). */
  readonly content: string;
  readonly responseCode?: string;
  readonly responseDateTime?: string;
  /** DeviceAlertMessage AlertCode or DCCAlertMessage DCCAlertCode. */
  readonly alertCode?: string;
  readonly counter?: bigint;
  readonly parties: readonly DuisParty[];
  /** Every GBCSPayload, decoded (or the decode error for that payload). */
  readonly frames: readonly { readonly path: string; readonly frame?: GbcsFrame; readonly error?: GbcsDecodeError }[];
  /** SR 11.1 / 11.4 FirmwareImage bytes (the OTA file), when present. */
  readonly firmwareImage?: Uint8Array;
  /** The body's text fields other than payloads and images (path -> value), for display. */
  readonly fields: readonly { readonly path: string; readonly value: string }[];
}

const euiOf = (hyphenated: string) => hyphenated.replace(/-/g, '');

function parties(id: DuisRequestId | undefined, from: DuisParty['from']): DuisParty[] {
  return id ? [{ role: 'originator', from, eui: euiOf(id.originatorId) }, { role: 'target', from, eui: euiOf(id.targetId) }] : [];
}

function fieldsOf(body: XmlData): { path: string; value: string }[] {
  const out: { path: string; value: string }[] = [];
  const queue: { path: string; node: XmlData }[] = [{ path: '', node: body }];
  for (let q = 0; q < queue.length && out.length < 1000; q++) {
    for (const [k, v] of Object.entries(queue[q]!.node)) {
      // Payloads and images are decoded separately; SR and SRV are shown as the service request.
      if (k.startsWith('@_') || k === 'GBCSPayload' || k === 'FirmwareImage' || k === 'ServiceReference' || k === 'ServiceReferenceVariant') continue;
      const path = queue[q]!.path ? `${queue[q]!.path}/${k}` : k;
      for (const item of Array.isArray(v) ? v : [v]) {
        if (typeof item === 'string') out.push({ path, value: item });
        else if (item && typeof item === 'object') queue.push({ path, node: item as XmlData });
      }
    }
  }
  return out;
}

/** Summarises a DUIS message and decodes the GBCS frames it carries (each on its own: one bad payload does not hide the others). */
export function inspectDuis(m: DuisMessage): DuisInspection {
  const frames = duisGbcsPayloads(m).map(({ path, bytes }) => {
    try {
      return { path, frame: decodeFrame(bytes) };
    } catch (e) {
      if (e instanceof GbcsDecodeError) return { path, error: e };
      throw e;
    }
  });
  const image = duisFirmwareImage(m);
  const common = { frames, fields: fieldsOf(m.body), ...(image && { firmwareImage: image.bytes }) };
  if (m.type === 'request') {
    return {
      type: 'request',
      serviceReference: m.header.serviceReference,
      serviceReferenceVariant: m.header.serviceReferenceVariant,
      commandVariant: m.header.commandVariant,
      content: m.serviceRequest,
      counter: m.header.requestId.counter,
      parties: parties(m.header.requestId, 'RequestID'),
      ...common,
    };
  }
  const inner = m.body[m.bodyKind] as XmlData | undefined;
  const get = (k: string) => (inner && typeof inner === 'object' && typeof inner[k] === 'string' ? (inner[k] as string) : undefined);
  const sr = get('ServiceReference');
  const srv = get('ServiceReferenceVariant');
  const alertCode = get('AlertCode') ?? get('DCCAlertCode');
  const id = m.header.requestId ?? m.header.responseId;
  return {
    type: 'response',
    ...(sr !== undefined && { serviceReference: sr }),
    ...(srv !== undefined && { serviceReferenceVariant: srv }),
    content: m.bodyKind,
    responseCode: m.header.responseCode,
    responseDateTime: m.header.responseDateTime,
    ...(alertCode !== undefined && { alertCode }),
    ...(id && { counter: id.counter }),
    parties: [...parties(m.header.requestId, 'RequestID'), ...parties(m.header.responseId, 'ResponseID')],
    ...common,
  };
}

/**
 * The tracker input of a DCC alert (DCCAlertMessage), or undefined for any other message.
 * Decision (UNCONFIRMED: the DUIS DCCAlert body of N52 is not in the seeds): the device is
 * the first EUI-64 found in an element whose name ends in 'DeviceID' (e.g. DeviceID,
 * GSMEDeviceID) inside DCCAlert (no device found: undefined); the version, when present,
 * is the first 8-hex-digit 'FirmwareVersion' element.
 */
export function dccAlertTrackerInput(m: DuisMessage): DccAlertInput | undefined {
  if (m.type !== 'response' || m.bodyKind !== 'DCCAlertMessage') return undefined;
  const msg = m.body.DCCAlertMessage as XmlData;
  const code = typeof msg?.DCCAlertCode === 'string' ? msg.DCCAlertCode.trim() : '';
  let deviceId: string | undefined;
  let version: string | undefined;
  const alert = msg?.DCCAlert;
  const queue: XmlData[] = alert && typeof alert === 'object' && !Array.isArray(alert) ? [alert as XmlData] : [];
  for (let q = 0; q < queue.length; q++) {
    for (const [k, v] of Object.entries(queue[q]!)) {
      for (const item of Array.isArray(v) ? v : [v]) {
        if (typeof item === 'string') {
          const eui = item.replace(/[-:\s]/g, '');
          if (deviceId === undefined && /DeviceID$/.test(k) && /^[0-9a-fA-F]{16}$/.test(eui)) deviceId = eui.toLowerCase();
          if (version === undefined && k === 'FirmwareVersion' && /^[0-9a-fA-F]{8}$/.test(item.trim())) version = item.trim().toLowerCase();
        } else if (item && typeof item === 'object') queue.push(item as XmlData);
      }
    }
  }
  if (!code || !deviceId) return undefined;
  return { code, deviceId, ...(version !== undefined && { firmwareVersion: version }) };
}

/** What `trackDuis` needs of a FirmwareTracker (gbcs-codec/lifecycle). */
export interface DuisTrackerSink {
  /** Takes a decoded frame (a response or alert) into the tracker. */
  consume(frame: GbcsFrame): void;
  /** Takes a DCC alert (from a DUIS response) into the tracker. */
  consumeDccAlert(alert: DccAlertInput): void;
}

/**
 * Feeds one DUIS message to a firmware tracker: every GBCSPayload as a frame (responses,
 * device alerts, pre-commands), and a DCCAlertMessage (N52) as a DCC alert. Returns how many
 * inputs were applied. A malformed payload throws its GbcsDecodeError after the earlier ones
 * were applied (the tracker itself changes nothing for the bad one).
 */
export function trackDuis(tracker: DuisTrackerSink, m: DuisMessage): number {
  let n = 0;
  for (const p of duisGbcsPayloads(m)) {
    tracker.consume(decodeFrame(p.bytes));
    n++;
  }
  const alert = dccAlertTrackerInput(m);
  if (alert) {
    tracker.consumeDccAlert(alert);
    n++;
  }
  return n;
}
