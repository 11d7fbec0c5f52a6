// Typed errors. Every decode failure names the byte offset and what was expected there,
// so a fixture author can go straight to the bad byte.
import * as L from './wasm/layout.js';

/** What the decoder expected, per WASM error code. */
const EXPECTED: Record<number, [code: GbcsErrorCode, expected: string]> = {
  [L.E_TRUNCATED]: ['truncated', 'more bytes (the frame ends inside a field)'],
  [L.E_FRAME_TAG]: ['frame-tag', 'frame tag 0xDD (general-ciphering / GBT) or 0xDF (general-signing)'],
  [L.E_MAC_HEADER_EMPTY_FIELD]: ['mac-header', 'MAC Header empty field 0x00 (DD 00 00 00 00 00 00) or 0x09 (GBT routing header)'],
  [L.E_BER_LENGTH]: ['ber-length', 'BER definite length (00-7F, 81 nn, 82 nn nn or 83 nn nn nn)'],
  [L.E_SIGNING_TAG]: ['general-signing-tag', 'general-signing tag 0xDF'],
  [L.E_TRANSACTION_ID_LENGTH]: ['transaction-id', 'transaction-id length 0x09 (CRA flag + 8-byte originator counter)'],
  [L.E_CRA_FLAG]: ['cra-flag', 'CRA flag 01 (command), 02 (response) or 03 (alert)'],
  [L.E_SYSTEM_TITLE_LENGTH]: ['system-title', 'system title length 0x08 (EUI-64)'],
  [L.E_DATE_TIME_LENGTH]: ['date-time', 'date-time length 0x00 (absent) or 0x0C (12-byte DLMS date-time)'],
  [L.E_OTHER_INFO_LENGTH]: ['other-information', 'other-information of at least 2 bytes (the message code)'],
  [L.E_SIGNATURE_LENGTH]: ['signature', 'signature length 0x00 (empty) or 0x40 (64-byte r||s)'],
  [L.E_TRAILING_BYTES]: ['trailing-bytes', 'end of frame (bytes follow the last field)'],
  [L.E_MAC_LENGTH]: ['mac', 'a 12-byte MAC right after the general-signing APDU (ciphered-service length disagrees)'],
  [L.E_CIPHERED_LENGTH]: ['ciphered-length', 'ciphered-service length covering security header (5), APDU and MAC (12)'],
  [L.E_KEY_INFO]: ['key-info', 'key-info 0x00 (absent) in the GBT routing header'],
  [L.E_GBT_TAG]: ['gbt-tag', 'general-block-transfer tag 0xE0'],
  [L.E_BLOCK_LENGTH]: ['block-data-length', 'block-data length ending exactly at the end of the ciphered content'],
  [L.E_GBT_TRANSACTION_ID]: ['gbt-transaction-id', 'GBT transaction-id length 0x09'],
  [L.E_INPUT_TOO_LARGE]: ['input-too-large', 'a frame below 4 GiB'],
  [L.E_TOO_MANY_NODES]: ['too-many-nodes', `a payload of at most ${L.MAX_NODES} structural elements`],
  [L.E_NESTING_TOO_DEEP]: ['nesting-too-deep', `nesting at most ${L.MAX_DEPTH} levels deep`],
  [L.E_PAYLOAD_TRAILING]: ['payload-trailing-bytes', 'end of payload (bytes follow the last decoded element)'],
  [L.E_DLMS_APDU_TAG]: ['dlms-apdu-tag', 'DLMS APDU tag 0xD9 (access-request), 0xDA (access-response) or 0x0F (data-notification)'],
  [L.E_DLMS_DATETIME_LENGTH]: ['dlms-date-time', 'DLMS APDU date-time length 0x00 (absent) or 0x0C'],
  [L.E_DLMS_SPEC_CHOICE]: ['dlms-request-spec', 'access-request-specification choice 1 (get), 2 (set), 3 (action), 4 (get-with-selection) or 5 (set-with-selection)'],
  [L.E_DLMS_DATA_TAG]: ['dlms-data-tag', 'a DLMS Data type tag (0x00-0x06, 0x09-0x1B except 0x0B, 0x0E)'],
  [L.E_DLMS_RESULT_CHOICE]: ['dlms-response-spec', 'access-response-specification choice 1 (get), 2 (set) or 3 (action)'],
  [L.E_DLMS_COMPACT_ARRAY]: ['dlms-compact-array', 'compact-array rows that each take at least one byte'],
  [L.E_DLMS_TYPE_DESCRIPTION]: ['dlms-type-description', 'a compact-array type description (simple type other than null, 01 count(2) type with count >= 1, or 02 n types with n >= 1)'],
  [L.E_DLMS_LENGTH]: ['dlms-length', 'an A-XDR length (00-7F, or 81-84 followed by 1 to 4 length bytes, below 2^31)'],
  [L.E_DLMS_SPEC_PRESENCE]: ['dlms-spec-presence', 'the presence byte of the OPTIONAL echoed access-request-specification: 00 (absent) or 01 (present)'],
  [L.E_DLMS_COUNT_MISMATCH]: ['dlms-count-mismatch', 'as many items in this list as in the list before it (access-response: one result per data item; access-request: one data item per specification)'],
  [L.E_GBZ_PROFILE]: ['gbz-profile', 'GBZ profile id 0x0109'],
  [L.E_GBZ_COMPONENT_LENGTH]: ['gbz-component-length', 'a GBZ component length covering its headers and the 3-byte ZCL header'],
  [L.E_GBZ_ALERT_CONTENT]: ['gbz-alert-content', 'the alert-specific GBZ content (0x0E for 8F66/8F67, 09 20 for 8F72/8F1C)'],
  [L.E_GBZ_CIPHERED_LENGTH]: ['gbz-ciphered-length', 'an encrypted ZCL payload length (>= 17) ending exactly at the component end'],
  [L.E_DER_TAG]: ['der-tag', 'a DER identifier with a tag number of at most 4 bytes'],
  [L.E_DER_LENGTH]: ['der-length', 'a DER definite length (indefinite form 0x80 is not DER)'],
  [L.E_DER_CONTENTS]: ['der-contents', 'constructed DER contents ending exactly at the length given'],
};

/**
 * Every GbcsDecodeError code. The first group comes from the WASM walkers (see EXPECTED); the
 * rest from the TypeScript decoders: text input, payload trees, OTA images, Alt HAN packages,
 * and the typed views (a view's error code names its use case or family: 'cs06', 'firmware',
 * 'ecs61c', 'boost-log', ...). A new code is one line here.
 */
export const GBCS_ERROR_CODES = [
  'truncated',
  'frame-tag',
  'mac-header',
  'ber-length',
  'general-signing-tag',
  'transaction-id',
  'cra-flag',
  'system-title',
  'date-time',
  'other-information',
  'signature',
  'trailing-bytes',
  'mac',
  'ciphered-length',
  'key-info',
  'gbt-tag',
  'block-data-length',
  'gbt-transaction-id',
  'input-too-large',
  'non-minimal-length',
  'too-many-nodes',
  'nesting-too-deep',
  'payload-trailing-bytes',
  'dlms-apdu-tag',
  'dlms-date-time',
  'dlms-request-spec',
  'dlms-data-tag',
  'dlms-response-spec',
  'dlms-compact-array',
  'dlms-type-description',
  'dlms-length',
  'dlms-spec-presence',
  'dlms-count-mismatch',
  'gbz-profile',
  'gbz-component-length',
  'gbz-alert-content',
  'gbz-ciphered-length',
  'der-tag',
  'der-length',
  'der-contents',
  'internal',
  'text-input',
  'hex-input',
  'message-code',
  'payload-format',
  'too-deep',
  'dlms-shape',
  'zcl-data-type',
  'zcl-direction',
  'zcl-frame-type',
  'zcl-layout',
  'zcl-ota-command',
  'zcl-ota-field',
  'ota-file-identifier',
  'ota-header-length',
  'ota-sub-elements',
  'ota-total-size',
  'ota-trailer',
  'package-magic',
  'package-manifest',
  'package-truncated',
  'package-version',
  'boost-log',
  'ecs61c',
  'cs06',
  'firmware',
  'read-boost-button-data-command',
  'duis-base64',
  'duis-doctype',
  'duis-request-id',
  'duis-shape',
  'duis-too-deep',
  'duis-too-many-elements',
  'duis-xml',
  'line-too-long',
  'gbt-not-a-segment',
  'gbt-block-number',
  'gbt-conflicting-duplicate',
  'gbt-second-last-block',
  'gbt-block-after-last',
  'gbt-routing-mismatch',
  'gbt-message-too-large',
  'gbt-too-many-conversations',
  'gbt-buffer-full',
  'gbt-expired',
  'gbt-incomplete',
  'gbt-reassembled-invalid',
  'gbt-message-mismatch',
] as const;

/** The `code` of a GbcsDecodeError: a union of string literals (switch on it exhaustively). */
export type GbcsErrorCode = (typeof GBCS_ERROR_CODES)[number];

/** Thrown when input cannot be decoded; names the byte offset and what was expected. */
export class GbcsDecodeError extends Error {
  override readonly name = 'GbcsDecodeError';
  /** Byte offset in the frame (or character offset in text input, see `code`). */
  readonly offset: number;
  /** What the decoder expected at `offset`. */
  readonly expected: string;
  /** Stable identifier of the failure, e.g. 'truncated', 'signature', 'hex-input' (GBCS_ERROR_CODES). */
  readonly code: GbcsErrorCode;
  /** Position of the frame in a batch call, when there is one. */
  frameIndex?: number;

  constructor(code: GbcsErrorCode, offset: number, expected: string, detail?: string) {
    super(
      `GBCS decode error at byte ${offset} (0x${offset.toString(16).toUpperCase()}): expected ${expected}` +
        (detail ? ` (${detail})` : ''),
    );
    this.code = code;
    this.offset = offset;
    this.expected = expected;
  }

  /** Builds the error for a WASM status code. */
  static fromStatus(status: number, offset: number, detail?: string): GbcsDecodeError {
    if (status === L.E_TRAP) return new GbcsDecodeError('internal', 0, 'a frame the core can walk', `WASM trap: ${detail ?? 'unknown'}`);
    const e = EXPECTED[status] ?? ['internal', `a valid frame (unknown decoder status ${status})`];
    return new GbcsDecodeError(e[0], offset, e[1], detail);
  }
}

/** Thrown when a value given to an encoder cannot be represented. */
export class GbcsEncodeError extends Error {
  override readonly name = 'GbcsEncodeError';
  readonly field: string;
  constructor(field: string, message: string) {
    super(`cannot encode ${field}: ${message}`);
    this.field = field;
  }
}
