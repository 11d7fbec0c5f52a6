// Human-readable rendering of decoded frames for `gbcs decode`.
import { toHex } from '../bytes.js';
import { GbcsDecodeError } from '../errors.js';
import type { GbcsFrame } from '../frame.js';
import type { DecodedPayload } from '../payload/index.js';
import { formatPayload } from './payloadText.js';
import { formatTypedView } from './typedViews.js';

const row = (k: string, v: string) => `  ${k.padEnd(18)} ${v}\n`;

function clip(hex: string, max = 96): string {
  return hex.length <= max ? hex : `${hex.slice(0, max)}... (${hex.length / 2} bytes)`;
}

/**
 * Multi-line text for one frame; extra sections (payload, security) append below.
 * `payload` replaces the frame's own decoded tree (the opened tree of `decode --keys`).
 */
export function formatFrameText(f: GbcsFrame, payload?: DecodedPayload): string {
  const info = f.messageInfo;
  const code = `0x${f.messageCode.toString(16).toUpperCase().padStart(4, '0')}`;
  let s = `${f.kind} ${f.cra} ${info ? `${info.useCase} (${code}) ${info.name}` : `unknown message code ${code}`}\n`;
  s += row('originator', f.originator);
  s += row('recipient', f.recipient);
  s += row('counter', f.originatorCounter.toString());
  const dt = f.dateTime;
  if (dt) s += row('date-time', dt.special ?? dt.iso ?? dt.hex);
  const oi = f.otherInformation;
  if (oi.variant !== 'message-code') {
    s += row('other-info', oi.variant);
    if (oi.supplementaryRemotePartyId) s += row('  supp. RP id', oi.supplementaryRemotePartyId);
    if (oi.supplementaryRemotePartyCounter !== undefined) s += row('  supp. RP counter', oi.supplementaryRemotePartyCounter.toString());
    if (oi.supplementaryOriginatorCounter !== undefined) s += row('  supp. orig. ctr', oi.supplementaryOriginatorCounter.toString());
    if (oi.certificate) s += row('  certificate', `${oi.certificate.length} bytes DER`);
    if (oi.extra) s += row('  extra', toHex(oi.extra));
  }
  const gbt = f.gbt;
  if (gbt) {
    s += row('block', `${gbt.blockNumber}${gbt.lastBlock ? ' (last)' : ''}, ack ${gbt.blockNumberAck}, window ${gbt.window}${gbt.streaming ? ', streaming' : ''}`);
    s += row('block data', gbt.blockData.length === 0 ? '(acknowledgement only)' : clip(toHex(gbt.blockData)));
  } else {
    s += row('payload', `${f.payloadFormat}, ${f.layout.contentLength} bytes at offset ${f.contentOffset}`);
    s += row('content', clip(toHex(f.content)));
    s += row('signature', f.signatureState === 'present' ? clip(toHex(f.signature!), 32) : f.signatureState);
  }
  if (f.mac) s += row('mac', toHex(f.mac));
  const p = f.payload;
  if (payload) s += formatPayload(payload);
  else if (p && f.payloadFormat !== 'unknown') {
    try {
      s += formatPayload(p.decoded);
    } catch (e) {
      if (!(e instanceof GbcsDecodeError)) throw e;
      s += row('payload error', `${e.code} at frame byte ${e.offset}: expected ${e.expected}`);
    }
  }
  s += formatTypedView(f);
  return s;
}
