// Shared types of the base layer (HOUSE.md "base/"): names the envelope and the payload
// layer both use. Kept here, not in frame.ts, so payload/ never imports frame.ts
// (frame.ts builds its lazy payload from payload/: importing back would be a cycle).

/** Envelope kind (GBCS.md 1.2). */
export type FrameKind = 'general-ciphering' | 'general-signing' | 'gbt';
/** CRA flag of the transaction-id: command 01, response 02, alert 03 (GBCS.md 1.3). */
export type Cra = 'command' | 'response' | 'alert';
/** Payload format, from the message code and the first payload byte (GBCS.md 3). */
export type PayloadFormat = 'DLMS' | 'GBZ' | 'ASN.1' | 'unknown';
/** Signature field of a general-signing APDU: absent (pre-command), empty `00`, or `40` + 64 bytes. */
export type SignatureState = 'absent' | 'empty' | 'present';

/** CRA flag 1..3 -> name. */
export const CRA_NAMES: readonly Cra[] = ['command', 'response', 'alert'];
