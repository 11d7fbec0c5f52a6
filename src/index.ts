// gbcs-codec public API.
export { decodeFrame, decodeFrames, type DecodeResult } from './decode.js';
export { encodeFrame, encodeGeneralSigning, encodeOtherInformation } from './encode.js';
export {
  GbcsFrame,
  parseOtherInformation,
  type Cra,
  type FrameInit,
  type FrameKind,
  type FrameLayout,
  type GbtBlock,
  type LengthWidths,
  type OtherInformation,
  type OtherInformationVariant,
  type PayloadFormat,
  type SecurityHeader,
  type SignatureState,
} from './frame.js';
export { GbcsDecodeError, GbcsEncodeError } from './errors.js';
export { decodeDateTime, encodeDateTime, type GbcsDateTime } from './dateTime.js';
export {
  MESSAGE_CODES,
  messageCodeInfo,
  messageCodesForUseCase,
  formatMessageCode,
  type MessageCodeInfo,
} from './messageCodes.js';
export { toBytes, toHex, fromHex, normalizeEui, type BinaryInput } from './bytes.js';
export { init } from './wasm/core.js';
export { segmentMessage, GBT_MAX_BLOCKS, type SegmentOptions } from './gbt/segment.js';
export {
  GbtReassembler,
  GbtReassemblyError,
  GBT_DEFAULTS,
  type GbtConversationKey,
  type GbtConversationState,
  type GbtDiscarded,
  type GbtErrorCode,
  type GbtGap,
  type GbtPushResult,
  type GbtReassemblerOptions,
} from './gbt/reassembler.js';
