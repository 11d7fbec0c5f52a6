// Typed views appended by `gbcs decode` under the envelope: firmware messages
// (GBCS.md 5.3-5.5) and the ECS61c boost periods (section 6).
import { toHex } from '../bytes.js';
import { boostPeriodTimes } from '../boost/boostLog.js';
import { ECS61C_MESSAGE_CODE, decodeReadBoostButtonDataRequest, decodeReadBoostButtonDataResponse } from '../boost/readBoostButtonData.js';
import { GbcsDecodeError } from '../errors.js';
import { decodeFirmwareMessage, type FirmwareMessage } from '../firmware/firmwareMessage.js';
import type { GbcsFrame } from '../frame.js';
import { gbcsSecondsToDate } from '../typed/cursor.js';

const row = (k: string, v: string) => `  ${k.padEnd(18)} ${v}\n`;
const iso = (d: Date | undefined | null) => (d ? d.toISOString().replace('.000Z', 'Z') : 'unspecified');

function firmwareText(m: FirmwareMessage): string {
  switch (m.type) {
    case 'activate-firmware-command':
      return (
        row('activate firmware', m.executionDateTime ? (m.executionDateTime.cancel ? 'cancel the future-dated activation' : `future-dated ${iso(m.executionDateTime.date)}`) : 'immediate') +
        row('  image hash', toHex(m.manufacturerImageHash)) +
        row('  counter', m.originatorCounter.toString())
      );
    case 'activate-firmware-response':
      return m.response.kind === 'accepted'
        ? row('activation', 'accepted (future-dated or cancellation)')
        : row('activation', `${m.response.responseCodeName} (${m.response.responseCode}), firmware ${toHex(m.response.firmwareVersion)}`);
    case 'future-dated-activation-alert':
      return (
        row('activation alert', `0x${m.alertCode.toString(16).toUpperCase()} ${m.actioned ? 'actioned' : 'not actioned'} at ${iso(m.time.date)}`) +
        row('  result', `${m.responseCodeName} (${m.responseCode}), firmware ${toHex(m.firmwareVersion)}, command counter ${m.originatorCounter}`)
      );
    case 'firmware-version-request':
      return row('firmware version', `read request (${m.useCase})`);
    case 'firmware-version':
      return row('firmware version', `${m.ok ? toHex(m.version!) : 'read failed'} (${m.useCase}, ${m.deviceType}, status ${m.status})${m.time ? ` at ${iso(m.time.date)}` : ''}`);
    case 'firmware-receipt':
      return (
        row('firmware receipt', `${m.variant} 0x${m.alertCode.toString(16).toUpperCase()} ${m.status} at ${iso(m.time)}`) +
        (m.calculatedHash ? row('  calculated hash', toHex(m.calculatedHash)) : '') +
        (m.targetDevice ? row('  target device', m.targetDevice) : '') +
        (m.firmwareVersion ? row('  firmware', `${toHex(m.firmwareVersion)}, status ${m.transferStatusName} (${m.transferStatus})`) : '')
      );
  }
}

function boostText(f: GbcsFrame): string {
  if (f.cra === 'command') {
    const r = decodeReadBoostButtonDataRequest(f.content, f.contentOffset);
    return row('boost log read', `periods ending ${iso(gbcsSecondsToDate(r.from))} .. ${iso(gbcsSecondsToDate(r.to))}`);
  }
  const r = decodeReadBoostButtonDataResponse(f.content, f.contentOffset);
  if (!r.periods) return row('boost periods', `read failed (result ${r.logResult})`);
  let s = row('boost periods', `${r.periods.length}`);
  for (const p of r.periods) {
    const t = boostPeriodTimes(p);
    s += row('', `${iso(t.start)} .. ${t.end ? iso(t.end) : 'running'}${t.durationSeconds !== null ? ` (${Math.round(t.durationSeconds / 60)} min)` : ''}`);
  }
  return s;
}

/** Extra lines for frames with a typed view; '' otherwise. Payload errors are shown, not thrown. */
export function formatTypedView(f: GbcsFrame): string {
  if (f.kind === 'gbt') return '';
  try {
    if (f.messageCode === ECS61C_MESSAGE_CODE && f.payloadFormat === 'DLMS') return boostText(f);
    const m = decodeFirmwareMessage(f);
    return m ? firmwareText(m) : '';
  } catch (e) {
    if (!(e instanceof GbcsDecodeError)) throw e;
    return row('typed view', `payload does not match its message code: ${e.message}`);
  }
}
