// One entry point for the typed firmware views: picks the layout from the frame's
// message code and CRA flag (GBCS.md 5.3-5.5).
import type { GbcsFrame } from '../frame.js';
import { Cursor } from '../typed/cursor.js';
import {
  CS06_MESSAGE_CODE,
  FUTURE_DATED_ACTIVATION_ALERT_CODE,
  decodeActivateFirmwareCommand,
  decodeActivateFirmwareResponse,
  decodeFutureDatedActivationAlert,
  type ActivateFirmwareCommand,
  type ActivateFirmwareResponse,
  type FutureDatedActivationAlert,
} from './activateFirmware.js';
import { FIRMWARE_VERSION_MESSAGE_CODES, decodeCs08Response, decodeCs09Alert, decodeEcs52Response, decodeGcs38Response, type FirmwareVersion, type FirmwareVersionUseCase } from './firmwareVersion.js';
import { CCS08_MESSAGE_CODE, FDRA_DLMS_MESSAGE_CODE, FDRA_GBZ_MESSAGE_CODE, decodeCcs08, decodeFdraDlms, decodeFdraGbz, type FirmwareReceipt } from './receipt.js';

export type FirmwareMessage =
  | ({ readonly type: 'activate-firmware-command' } & ActivateFirmwareCommand)
  | { readonly type: 'activate-firmware-response'; readonly response: ActivateFirmwareResponse }
  | ({ readonly type: 'future-dated-activation-alert' } & FutureDatedActivationAlert)
  | { readonly type: 'firmware-version-request'; readonly useCase: FirmwareVersionUseCase }
  | ({ readonly type: 'firmware-version' } & FirmwareVersion)
  | ({ readonly type: 'firmware-receipt' } & FirmwareReceipt);

const VERSION_CODES = new Map(Object.entries(FIRMWARE_VERSION_MESSAGE_CODES).map(([k, v]) => [v, k as FirmwareVersionUseCase]));

/** True when decodeFirmwareMessage has a typed view for this frame. */
export function isFirmwareMessage(frame: Pick<GbcsFrame, 'messageCode' | 'kind'>): boolean {
  if (frame.kind === 'gbt') return false;
  const c = frame.messageCode;
  return c === CS06_MESSAGE_CODE || c === FUTURE_DATED_ACTIVATION_ALERT_CODE || VERSION_CODES.has(c) || c === FDRA_DLMS_MESSAGE_CODE || c === FDRA_GBZ_MESSAGE_CODE || c === CCS08_MESSAGE_CODE;
}

/**
 * The typed firmware view of a frame, or undefined when the message code is not a
 * firmware one. Throws GbcsDecodeError (offsets into the frame) when the payload does
 * not have the layout its message code requires.
 */
export function decodeFirmwareMessage(frame: GbcsFrame): FirmwareMessage | undefined {
  if (!isFirmwareMessage(frame)) return undefined;
  const content = frame.content;
  const c = new Cursor(content, 0, content.length, frame.contentOffset, 'firmware');
  const code = frame.messageCode;
  const cra = frame.cra;
  if (code === CS06_MESSAGE_CODE) {
    if (cra === 'command') return { type: 'activate-firmware-command', ...decodeActivateFirmwareCommand(c) };
    if (cra === 'response') return { type: 'activate-firmware-response', response: decodeActivateFirmwareResponse(c) };
    return undefined;
  }
  if (code === FUTURE_DATED_ACTIVATION_ALERT_CODE) return cra === 'alert' ? { type: 'future-dated-activation-alert', ...decodeFutureDatedActivationAlert(c) } : undefined;
  const useCase = VERSION_CODES.get(code);
  if (useCase) {
    if (cra === 'command') return { type: 'firmware-version-request', useCase };
    if (useCase === 'CS09') return cra === 'alert' ? { type: 'firmware-version', ...decodeCs09Alert(c) } : undefined;
    if (cra !== 'response') return undefined;
    const v = useCase === 'ECS52' ? decodeEcs52Response(c) : useCase === 'GCS38' ? decodeGcs38Response(c) : decodeCs08Response(c);
    return { type: 'firmware-version', ...v };
  }
  if (cra !== 'alert') return undefined;
  const r = code === FDRA_DLMS_MESSAGE_CODE ? decodeFdraDlms(c) : code === FDRA_GBZ_MESSAGE_CODE ? decodeFdraGbz(c) : decodeCcs08(c);
  return { type: 'firmware-receipt', ...r, targetDevice: r.targetDevice ?? frame.originator };
}
