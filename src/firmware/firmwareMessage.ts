// The typed firmware views (GBCS.md 5.3-5.5): the union of the firmware use-case modules'
// views, read through the use-case registry (useCases/registry.ts).
import type { GbcsFrame } from '../frame.js';
import type { ActivationAlertView, Cs06View } from '../useCases/cs06.js';
import type { FirmwareVersionView } from '../useCases/firmwareVersion.js';
import type { FirmwareReceiptView } from '../useCases/receipts.js';
import { modulesForCode, useCaseOf } from '../useCases/registry.js';

/** Typed view of any firmware-related frame (CS06, activation alert, version read, receipt). */
export type FirmwareMessage = Cs06View | ActivationAlertView | FirmwareVersionView | FirmwareReceiptView;

/** True when a firmware use-case module owns the frame's message code (any CRA). */
export function isFirmwareMessage(frame: Pick<GbcsFrame, 'messageCode' | 'kind'>): boolean {
  return frame.kind !== 'gbt' && modulesForCode(frame.messageCode).some((m) => m.family === 'firmware');
}

/**
 * The typed firmware view of a frame, or undefined when no firmware module owns its
 * message code and CRA. Throws GbcsDecodeError (offsets into the frame) when the payload
 * does not have the layout its message code requires.
 */
export function decodeFirmwareMessage(frame: GbcsFrame): FirmwareMessage | undefined {
  const m = useCaseOf(frame);
  return m.family === 'firmware' ? (m.read(frame) as FirmwareMessage) : undefined;
}
