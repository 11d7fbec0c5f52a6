// gbcs-codec: the main entry. Envelope, payload trees, typed views and security on WebCrypto.
// Browser-safe: no module in this entry's import graph imports a `node:` built-in or a
// Node-only package (test/entries.test.ts bundles it for the browser to prove it). Node-only
// helpers (key folders, files, streams, the decode pool) are in `gbcs-codec/node`; the firmware repository
// tools and CSV in `gbcs-codec/lifecycle`; unit-test helpers in `gbcs-codec/testing`.
export { nonMinimalPayloadLength } from './payload/strict.js';
export { decodeFrame, decodeFrames, decodeFrameBatch, FrameBatch, scanFrames, FrameCursor, MAX_FRAME_BYTES, nonMinimalLength, type DecodeResult, type DecodeFrameOptions, type DecodeOptions } from './decode.js';
export { toJsonSafe, jsonReplacer } from './payload/json.js';
export { encodeFrame, encodeFrames, encodeGeneralSigning, encodeOtherInformation, frameInitOf } from './encode.js';
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
export { GbcsDecodeError, GbcsEncodeError, GBCS_ERROR_CODES, type GbcsErrorCode } from './errors.js';
export { decodeDateTime, encodeDateTime, type GbcsDateTime } from './dateTime.js';
export {
  MESSAGE_CODES,
  messageCodeInfo,
  messageCodesForUseCase,
  formatMessageCode,
  type MessageCodeInfo,
} from './messageCodes.js';
export { toBytes, toHex, fromHex, fromBase64, normalizeEui, type BinaryInput } from './bytes.js';
export { init } from './wasm/core.js';
export {
  decodePayload,
  encodePayload,
  encodePayloads,
  LazyPayload,
  type DecodedPayload,
  type PayloadContext,
  type PayloadItem,
  type PayloadKind,
} from './payload/index.js';
export {
  decodeDlmsData,
  encodeDlmsData,
  encodeDlmsDataBatch,
  looksLikeDateTime,
  DLMS_TYPE_TAGS,
  type DlmsData,
  type DlmsDataType,
  type DlmsTypeDescription,
  type DlmsCompactArray,
  type DlmsOctetString,
  type DlmsList,
  type DlmsDate,
  type DlmsTime,
  type DlmsLocated,
  DLMS_NODES_PER_BYTE,
} from './payload/dlmsData.js';
export {
  longInvokeId,
  type DlmsAccessRequest,
  type DlmsAccessResponse,
  type DlmsDataNotification,
  type DlmsApdu,
  type DlmsRequestSpec,
  type DlmsResult,
  type LongInvokeId,
  type DlmsAlertContent,
} from './payload/dlms.js';
export type { DecryptedContent, DecryptionStatus, PlaintextDecodeError } from './payload/decrypted.js';
export type { GbzPayload, GbzComponent, GbzClearComponent, GbzEncryptedComponent, GbzAlert, GbzAlertContent, GbzTime } from './payload/gbz.js';
export {
  decodeZclPayload, encodeZclPayload, zclHeader, zclCommandFromValues, zclCommandValues, answeredCommandName, ZCL_OBJECTS_PER_BYTE,
  ZclClusterCommand, ZclField, ZclEntry,
  type ZclCommand, type ZclHeader, type ZclValue, type ZclReadRecord, type ZclFieldValue, type ZclEntryValue, type ZclFieldValues, type ZclLayoutError, type Positioned,
} from './payload/zcl.js';
export { ZCL_COMMAND_SPECS, zclCommandSpec, type ZclCommandSpec, type ZclLayoutItem, type ZclFieldSpec, type ZclFieldType } from './payload/zclCommands.js';
export { ZCL_ATTRIBUTES } from './payload/zclNames.js';
export { Asn1Node, decodeDer, encodeDer, DER_OBJECTS_PER_BYTE, type Asn1Default, type Asn1Payload, type CertificateSummary } from './payload/asn1.js';
export { ASN1_STRUCTURES, asn1StructureFor, CS06_SCHEMA, type Asn1Field, type Asn1Structure } from './payload/asn1Schemas.js';
export { decodeObis, encodeObis, type Obis } from './payload/obis.js';
export { obisInfo, type ObisInfo } from './payload/obisNames.js';
export { COSEM_CLASS_INFO, cosemClassName, cosemAttributeName, cosemMethodName, alertCodeName, alertCodeInfo, type CosemClassInfo } from './payload/dlmsNames.js';
export { DATA_ACCESS_RESULTS, ZCL_CLUSTERS, ZCL_STATUS, ALERT_CODES, zclCommandName } from './payload/names.js';
export type { KeyStore, KeyUsage, KeyLookupOptions } from './security/keyStore.js';
export { resolveKey, keyUnusableReason, KeyUnusableError, DEFAULT_KEY_TIMEOUT_MS, type ResolvedKey, type KeyResolveOptions } from './security/keyCheck.js';
export { webCryptoPrimitives, defaultPrimitives, type CryptoPrimitives, type PlatformKey } from './security/primitives.js';
export { kdf, kdfOtherInfo, EcdhCache, sharedEcdhCache, sharedSecret, CRA_ENCRYPTION, type KeyDerivationOptions } from './security/kdf.js';
export { agreeKey, type Agreement, type AgreementOptions } from './security/agreement.js';
export { buildMacedFrame, computeMac, macInputs, macParty, DEVICE_MACED_COMMANDS, MAC_LENGTH, type MacOptions } from './security/mac.js';
export {
  verifyFrame,
  verifySignature,
  verifyMac,
  type FrameVerification,
  type SignatureCheck,
  type MacCheck,
  type SignatureStatus,
  type MacStatus,
  type VerifyOptions,
} from './security/verify.js';
export {
  decryptFrame,
  encryptBlob,
  findEncryptedParts,
  openPayload,
  openFrame,
  encryptionParties,
  encryptionKey,
  type OpenedFrame,
  type DecryptedPart,
  type EncryptedLocation,
  type EncryptedPartKind,
  type FrameDecryption,
} from './security/decrypt.js';
export { signPreCommand, normalizeSignature, isLowS, type SignOptions } from './security/sign.js';
export * from './ota/index.js';
export { segmentMessage, GBT_MAX_BLOCKS, type SegmentOptions } from './gbt/segment.js';
export {
  GbtReassembler,
  GbtReassemblyError,
  GBT_DEFAULTS,
  GBT_BLOCK_OVERHEAD,
  GBT_CONVERSATION_OVERHEAD,
  type GbtConversationKey,
  type GbtConversationState,
  type GbtDiscarded,
  type GbtErrorCode,
  type GbtGap,
  type GbtPushResult,
  type GbtReassemblerOptions,
} from './gbt/reassembler.js';
export {
  BOOST_END_RUNNING,
  DEFAULT_BOOST_LOG_LAYOUT,
  boostLogReadSpec,
  boostPeriodTimes,
  boostRangeDescriptor,
  buildBoostLogReadRequest,
  decodeBoostLog,
  decodeBoostLogReadRequest,
  decodeBoostLogResponse,
  encodeBoostLog,
  encodeBoostLogResponse,
  encodeBoostLogResponses,
  buildBoostLogReadRequests,
  selectBoostPeriods,
  type BoostColumn,
  type BoostColumnType,
  type BoostLog,
  type BoostLogLayout,
  type BoostLogReadRequest,
  type BoostLogResponse,
  type BoostPeriod,
  type BoostPeriodTimes,
  type CaptureObject,
} from './boost/boostLog.js';
export {
  ECS61C_MESSAGE_CODE,
  buildReadBoostButtonDataRequest,
  decodeReadBoostButtonDataRequest,
  decodeReadBoostButtonDataResponse,
  type ReadBoostButtonData,
  type ReadBoostButtonDataCommand,
  type ReadBoostButtonDataRequest,
} from './boost/readBoostButtonData.js';
export {
  ACTIVATION_RESPONSE_CODES,
  CS06_MESSAGE_CODE,
  FUTURE_DATED_ACTIVATION_ALERT_CODE,
  activationResponseCodeName,
  buildActivateFirmwareCommand,
  buildActivateFirmwarePreCommand,
  encodeActivateFirmwareResponse,
  encodeFutureDatedActivationAlert,
  type ActivateFirmwareCommand,
  type ActivateFirmwareCommandInit,
  type ActivateFirmwareFrameInit,
  type ActivateFirmwareResponse,
  type ActivationResponseCodeName,
  type FutureDatedActivationAlert,
  type FutureDatedActivationAlertInit,
} from './firmware/activateFirmware.js';
export {
  FIRMWARE_VERSION_MESSAGE_CODES,
  buildReadFirmwareVersionRequest,
  encodeFirmwareVersion,
  readFirmwareVersionFrame,
  type FirmwareVersion,
  type FirmwareVersionUseCase,
  type ReadFirmwareVersionFrameInit,
} from './firmware/firmwareVersion.js';
export {
  CCS08_MESSAGE_CODE,
  CCS08_STATUS_NAMES,
  FDRA_DLMS_MESSAGE_CODE,
  FDRA_GBZ_MESSAGE_CODE,
  encodeFirmwareReceipt,
  type FirmwareReceipt,
  type FirmwareReceiptInit,
} from './firmware/receipt.js';
export { decodeFirmwareMessage, isFirmwareMessage, type FirmwareMessage } from './firmware/firmwareMessage.js';
export {
  USE_CASE_MODULES,
  genericModule,
  modulesForCode,
  readTypedView,
  useCaseModule,
  useCaseOf,
  useCaseTable,
  type TypedView,
} from './useCases/registry.js';
export { SpanRecorder, TextRows, jsonView, useCase, type BuildContext, type FieldSpan, type TextSink, type UseCaseModule, type ViewSpans } from './useCases/module.js';
export type { GenericView } from './useCases/generic.js';
export { ACTIVATE_IMAGE_RESULTS } from './useCases/firmwareVersion.js';
export type { GeneralizedTime } from './gbcsTime.js';
export {
  readDuis,
  parseDuisRequestId,
  duisGbcsPayloads,
  duisFirmwareImage,
  duisText,
  inspectDuis,
  dccAlertTrackerInput,
  trackDuis,
  type DuisTrackerSink,
  duisUpdateFirmwareRequest,
  duisReadFirmwareVersionRequest,
  duisActivateFirmwareRequest,
  duisDateTime,
  DUIS_LIMITS,
  DUIS_SCHEMA_VERSION,
  CANCEL_EXECUTION_DATE_TIME,
  type DuisMessage,
  type DuisRequest,
  type DuisResponse,
  type DuisRequestId,
  type DuisReadOptions,
  type DuisGbcsPayload,
  type DuisInspection,
  type DuisParty,
  type XmlData,
  type DuisRequestIdInit,
  type UpdateFirmwareInit,
  type ActivateFirmwareInit,
} from './duis/index.js';
export {
  compileFilter, compileFieldFilter, dissectFrame, fieldCatalogue, isFieldName, hexDump, FilterSyntaxError,
  type FrameFilter, type CompiledFilter, type FieldLookup, type FieldOccurrence, type FieldValue, type FieldInfo, type FieldKind,
  type DissectableFrame, type Occurrence,
} from './fields/index.js';
