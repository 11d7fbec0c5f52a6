// Shared between the AssemblyScript core (assembly/) and the TypeScript glue (src/):
// plain integer constants only, so both compilers read the same file and the index
// layout cannot drift between the two sides.

/** u32 words per frame record in the envelope index. */
export const REC_WORDS = 32;

// Envelope record word positions. Offsets are relative to the frame's first byte;
// NONE (0xFFFFFFFF, read back as -1 before `>>> 0`) marks an absent field.
export const R_STATUS = 0; // 0 = ok, else an E_* error code
export const R_ERR_OFFSET = 1; // byte offset of the error
export const R_KIND = 2; // K_* frame kind
export const R_LENGTH = 3; // bytes consumed (== frame length when ok)
export const R_CS_LEN = 4; // ciphered-service / ciphered-content length value
export const R_CS_LEN_WIDTH = 5; // bytes used by that BER length field
export const R_SC = 6; // security control byte
export const R_IC = 7; // invocation counter (u32)
export const R_MAC = 8; // offset of the 12-byte MAC, or NONE
export const R_GS = 9; // offset of the DF tag (general-signing) or NONE for GBT
export const R_CRA = 10; // CRA flag 1/2/3
export const R_COUNTER = 11; // offset of the 8-byte originator counter
export const R_ORIGINATOR = 12; // offset of the 8-byte originator system title
export const R_RECIPIENT = 13; // offset of the 8-byte recipient system title
export const R_DATETIME = 14; // offset of the 12-byte date-time, or NONE
export const R_OI = 15; // offset of the other-information value
export const R_OI_LEN = 16; // its length
export const R_OI_LEN_WIDTH = 17; // bytes used by its BER length
export const R_MESSAGE_CODE = 18; // u16 message code
export const R_CONTENT = 19; // offset of the content (payload)
export const R_CONTENT_LEN = 20;
export const R_CONTENT_LEN_WIDTH = 21;
export const R_SIG_STATE = 22; // SIG_* below
export const R_SIG = 23; // offset of the signature length byte, or NONE when absent
export const R_FORMAT = 24; // F_* payload family
export const R_BLOCK_CONTROL = 25; // GBT block-control byte
export const R_BLOCK_NUMBER = 26;
export const R_BLOCK_ACK = 27;
export const R_BLOCK_DATA = 28; // offset of the block data
export const R_BLOCK_DATA_LEN = 29;
export const R_BLOCK_DATA_LEN_WIDTH = 30;
export const R_GBT_APDU = 31; // offset of the E0 tag

export const NONE = -1;

/** Frames per batch call (decodeBatch, OTA and encoder batches); the TypeScript side splits larger batches. */
export const MAX_BATCH = 8192;

// Batch columns (decodeBatch, issue 12 item 3). Besides record i, the batch kernel writes
// the words the cursor / columnar readers need into C_WORDS columns of MAX_BATCH slots
// each: column c of slot i at word c * MAX_BATCH + i from columnPtr(). A chunk's column
// is then one contiguous run, copied out with one typed-array copy (no per-frame reads).
export const C_STATUS = 0; // = R_STATUS
export const C_ERR_OFFSET = 1; // = R_ERR_OFFSET
export const C_KIND = 2; // = R_KIND
export const C_CRA = 3; // = R_CRA
export const C_MESSAGE_CODE = 4; // = R_MESSAGE_CODE
export const C_FORMAT = 5; // = R_FORMAT
export const C_ORIGINATOR = 6; // = R_ORIGINATOR
export const C_RECIPIENT = 7; // = R_RECIPIENT
export const C_COUNTER = 8; // = R_COUNTER
export const C_CONTENT = 9; // = R_CONTENT
export const C_CONTENT_LEN = 10; // = R_CONTENT_LEN
export const C_WORDS = 11;

// Frame kinds.
export const K_GENERAL_CIPHERING = 1;
export const K_GENERAL_SIGNING = 2;
export const K_GBT = 3;

// Signature states.
export const SIG_ABSENT = 0;
export const SIG_EMPTY = 1;
export const SIG_PRESENT = 2;

// Payload families.
export const F_UNKNOWN = 0;
export const F_DLMS = 1;
export const F_GBZ = 2;
export const F_ASN1 = 3;

// Error codes: each names what the decoder expected at R_ERR_OFFSET
// (texts in src/errors.ts).
export const E_OK = 0;
export const E_TRUNCATED = 1;
export const E_FRAME_TAG = 2;
export const E_MAC_HEADER_EMPTY_FIELD = 3;
export const E_BER_LENGTH = 4;
export const E_SIGNING_TAG = 5;
export const E_TRANSACTION_ID_LENGTH = 6;
export const E_CRA_FLAG = 7;
export const E_SYSTEM_TITLE_LENGTH = 8;
export const E_DATE_TIME_LENGTH = 9;
export const E_OTHER_INFO_LENGTH = 10;
export const E_SIGNATURE_LENGTH = 11;
export const E_TRAILING_BYTES = 12;
export const E_MAC_LENGTH = 13;
export const E_CIPHERED_LENGTH = 14;
export const E_KEY_INFO = 15;
export const E_GBT_TAG = 16;
export const E_BLOCK_LENGTH = 17;
export const E_GBT_TRANSACTION_ID = 18;
export const E_INPUT_TOO_LARGE = 19;

// ---- Payload node index (assembly/payload.ts, src/payload/) ----
// The payload walkers write NODE_WORDS u32 per node into a node region allocated at
// start-up. Offsets are relative to the first payload byte. Nodes are in pre-order;
// `next` is the index just past the node's subtree, so siblings chain without pointers.
export const NODE_WORDS = 6;
export const N_KIND = 0; // (node class << 8) | tag byte
export const N_START = 1; // first byte of the node (its tag)
export const N_VALUE = 2; // first byte after the tag and length/count fields
export const N_END = 3; // one past the last byte
export const N_NEXT = 4; // index of the next sibling (one past the subtree)
export const N_AUX = 5; // class-specific: element count, bit count, result code, cluster id...

/** Node capacity of one walk; more nodes is a 'too-many-nodes' GbcsDecodeError. */
export const MAX_NODES = 65536;
/** Nesting limit (DLMS Data, compact-array types, DER): deeper is 'nesting-too-deep'. */
export const MAX_DEPTH = 32;

// Node classes.
export const NC_DLMS_APDU = 1; // tag D9 / DA / 0F; aux = long-invoke-id-and-priority
export const NC_DLMS_DATETIME = 2; // APDU date-time field; aux = its length (0 or 12)
export const NC_DLMS_SPEC_LIST = 3; // aux = count
export const NC_DLMS_SPEC = 4; // tag = choice; children: selector parameters (04/05)
export const NC_DLMS_DATA_LIST = 5; // aux = count
export const NC_DLMS_RESULT_LIST = 6; // aux = count
export const NC_DLMS_RESULT = 7; // tag = choice; aux = data-access-result
export const NC_DLMS_DATA = 8; // tag = Data type; aux = element / bit / byte count
export const NC_DLMS_TYPEDESC = 9; // compact-array type description; aux = array count
export const NC_DLMS_CA_VALUE = 10; // untagged compact-array value; tag = type; aux as NC_DLMS_DATA
export const NC_GBZ = 16; // aux = component count
export const NC_GBZ_ALERT = 17; // alert header; aux = alert code; value = alert-specific content
export const NC_GBZ_COMPONENT = 18; // tag = control byte; aux = cluster id; value = ZCL header
export const NC_DER = 32; // tag = identifier octet; aux = tag number

// Walk modes for walkPayload().
export const W_DLMS = 1;
export const W_GBZ = 2;
export const W_DER = 3;
export const W_DLMS_DATA = 4; // a single A-XDR Data value
export const W_GBZ_ALERT = 5; // GBZ with the alert header (CRA alert)

// Payload error codes (a separate range so envelope codes can grow independently).
export const E_TOO_MANY_NODES = 100;
export const E_NESTING_TOO_DEEP = 101;
export const E_PAYLOAD_TRAILING = 102;
export const E_DLMS_APDU_TAG = 103;
export const E_DLMS_DATETIME_LENGTH = 104;
export const E_DLMS_SPEC_CHOICE = 105;
export const E_DLMS_DATA_TAG = 106;
export const E_DLMS_RESULT_CHOICE = 107;
export const E_DLMS_COMPACT_ARRAY = 108;
export const E_DLMS_TYPE_DESCRIPTION = 109;
export const E_GBZ_PROFILE = 110;
export const E_GBZ_COMPONENT_LENGTH = 111;
export const E_GBZ_ALERT_CONTENT = 112;
export const E_GBZ_CIPHERED_LENGTH = 113;
export const E_DER_TAG = 114;
export const E_DER_LENGTH = 115;
export const E_DER_CONTENTS = 116;
/** Never written by the core: the JS glue's status for a core call that trapped (a core bug, not input). */
export const E_TRAP = 127;
// DLMS codes from 130 up (issue 19, issue 10 item 2).
export const E_DLMS_LENGTH = 130; // A-XDR length: short form or 81..84 long form
export const E_DLMS_SPEC_PRESENCE = 131; // OPTIONAL echoed access-request-specification: presence byte 00 or 01
export const E_DLMS_COUNT_MISMATCH = 132; // access-response data count != result count (request: spec count != data count)

// ---- Encoders (assembly/encode.ts, src/encode.ts; issue 17) ----
// The TypeScript side writes one ENC_WORDS descriptor per frame into the descriptor
// region and the frame's variable bytes into the input region at EF_SRC, in this order:
//   originator(8) ‖ recipient(8) ‖ [date-time(12)] ‖ OI tail ‖ content/block data ‖
//   [signature(64)] ‖ [MAC(12)]
// The core lays out each frame (lengths computed, never taken from the caller),
// writes them back to back into the output region and records (offset, length) pairs
// in the batch table. Frames that do not fit stay for the next call (streaming).
export const ENC_WORDS = 16;
export const EF_KIND = 0; // K_* frame kind
export const EF_CRA = 1; // 1..3
export const EF_COUNTER_HI = 2; // originator counter, high 32 bits
export const EF_COUNTER_LO = 3;
export const EF_MESSAGE_CODE = 4; // 0..0xFFFF
export const EF_SRC = 5; // offset of the variable bytes in the input region
export const EF_FLAGS = 6; // EFL_* below
export const EF_OI_TAIL_LEN = 7; // other-information bytes after the message code
export const EF_CONTENT_LEN = 8; // content (DF) or block data (GBT)
export const EF_WIDTHS = 9; // requested BER widths: ciphered | OI << 8 | content << 16 (0 = minimal)
export const EF_SC = 10; // security control
export const EF_IC = 11; // invocation counter
export const EF_GBT_CONTROL = 12; // block-control byte
export const EF_GBT_NUMBER = 13; // 0..0xFFFF
export const EF_GBT_ACK = 14; // 0..0xFFFF
export const EF_RESERVED = 15;

export const EFL_DATETIME = 1; // 12-byte date-time present
export const EFL_SIG_SHIFT = 1; // bits 1-2: SIG_* state of the general-signing signature field
export const EFL_MAC = 8; // 12-byte MAC present (general-ciphering)

// Encoder statuses: the failing descriptor index is in encErrorIndex(), the field in
// encErrorField() (ENC_FIELD_* below, named in src/encode.ts).
export const E_ENC_LENGTH = 140; // a length does not fit a 3-byte BER length (< 2^24)
export const E_ENC_RANGE = 141; // a value outside its field's range
export const E_ENC_SOURCE = 142; // descriptor points outside the input region (glue bug)
export const E_ENC_OUTPUT_FULL = 143; // not one frame fits the output region: grow it (encNeeded() bytes)

export const ENC_FIELD_KIND = 1;
export const ENC_FIELD_CRA = 2;
export const ENC_FIELD_MESSAGE_CODE = 3;
export const ENC_FIELD_OTHER_INFORMATION = 4;
export const ENC_FIELD_CONTENT = 5;
export const ENC_FIELD_CIPHERED = 6;
export const ENC_FIELD_BLOCK_DATA = 7;
export const ENC_FIELD_BLOCK_NUMBER = 8;
export const ENC_FIELD_BLOCK_ACK = 9;
export const ENC_FIELD_BLOCK_CONTROL = 10;
export const ENC_FIELD_SIGNATURE_STATE = 11;
export const ENC_FIELD_SECURITY_CONTROL = 12;
export const ENC_FIELD_SOURCE = 13;

// OTA block runs (assembly/otaBlocks.ts, src/ota/blockStream.ts): one message per block
// of an image chunk in the input region, written back to back into the output region.
export const OB_ZCL = 1; // ZigBee OTA Image Block Response, status SUCCESS
export const OB_IC18 = 2; // DLMS IC 18 image_block_transfer parameter (A-XDR)
export const ENC_FIELD_FILE_OFFSET = 14;
export const ENC_FIELD_DATA_SIZE = 15;
export const ENC_FIELD_SEQUENCE = 16;
export const ENC_FIELD_IMAGE_ID = 17;

// Image Block Responses for many requests (assembly/otaBlocks.ts encodeBlockResponses):
// one ENC_WORDS descriptor per response, data bytes (SUCCESS) in the input region at BR_SRC.
export const BR_STATUS = 0; // 0x00 SUCCESS (with data), 0x97 WAIT_FOR_DATA, else status only
export const BR_SEQUENCE = 1;
export const BR_FILE_OFFSET = 2;
export const BR_DATA_LEN = 3; // 0..255
export const BR_SRC = 4;
export const BR_CURRENT_TIME = 5;
export const BR_REQUEST_TIME = 6;
export const BR_PERIOD = 7; // minimum block period, always written with WAIT_FOR_DATA
export const BR_MANUFACTURER = 8;
export const BR_IMAGE_TYPE = 9;
export const BR_FILE_VERSION = 10;
export const ENC_FIELD_STATUS = 18;
export const ENC_FIELD_PERIOD = 19;

// ---- Payload encoder programs (assembly/payloadEncode.ts, src/payload/opWriter.ts; issue 17) ----
// The TypeScript encoders of DLMS Data/APDUs and GBZ/ZCL payloads stage a program of
// PO_BYTES-byte ops in the input region (from offset 0); the core executes it, checking
// every integer's range and every length, and writes the payloads back to back into the
// output region ((offset, length) pairs in the batch table). Op layout (u32 words):
//   w0 = op | field << 8 | width << 16 | reqWidth << 24     (field: caller's id, echoed on error)
//   PO_RAW: w1 = byte count; the bytes follow the op inline, padded to PO_BYTES
//   integer / length ops: f64 value in bytes 8..15 (so range checks see the caller's number)
export const PO_BYTES = 16;
export const PO_END = 0; // end of one payload
export const PO_RAW = 1; // inline bytes
export const PO_UBE = 2; // unsigned, `width` bytes (1..6), big-endian
export const PO_SBE = 3; // signed two's complement, width 1..6, big-endian
export const PO_ULE = 4; // unsigned, little-endian
export const PO_SLE = 5; // signed, little-endian
export const PO_BER = 6; // A-XDR/BER length or count < 2^32; reqWidth = recorded total width (0 = minimal)
export const PO_OPEN = 7; // opens a length slot (width = LK_*, reqWidth as PO_BER) for the bytes up to PO_CLOSE
export const PO_CLOSE = 8;
export const LK_BER = 0; // the slot holds an A-XDR/BER length (never narrower than needed)
export const LK_U16BE = 1; // the slot holds a big-endian u16 (GBZ component length); longer is a range error
/** Nesting of PO_OPEN slots (compact-array rows, GBZ components). */
export const PO_MAX_OPEN = 8;
export const E_ENC_PROGRAM = 144; // malformed program (glue bug): unknown op, unbalanced PO_OPEN/PO_CLOSE

// ---- ZigBee OTA cluster command index (assembly/otaDecode.ts, src/ota/zclOta.ts; issue 17) ----
// One record of OTA_WORDS u32 per frame in the record region (frames described by
// (offset, length) pairs in the batch table, like decodeBatch). Little-endian fields are
// stored as values; the IEEE address and block data as offsets into the frame.
export const OTA_WORDS = 32;
export const OR_STATUS = 0; // 0 = ok, else E_ZCL_* below
export const OR_ERR_OFFSET = 1;
export const OR_ERR_WHAT = 2; // OW_* id of the field expected (truncation)
export const OR_FRAME_CONTROL = 3;
export const OR_MS_CODE = 4; // manufacturer code of a manufacturer-specific frame (ORP_MS)
export const OR_SEQUENCE = 5;
export const OR_COMMAND = 6; // command id (0x0B with frame type 00: the global Default Response)
export const OR_PRESENT = 7; // ORP_* bits
export const OR_FIELD_CONTROL = 8;
export const OR_MANUFACTURER = 9;
export const OR_IMAGE_TYPE = 10;
export const OR_FILE_VERSION = 11;
export const OR_FILE_OFFSET = 12;
export const OR_MAX_DATA_SIZE = 13;
export const OR_IEEE = 14; // offset of the 8-byte IEEE address (little-endian on the wire)
export const OR_PERIOD = 15; // minimum block period (ORP_PERIOD)
export const OR_PAGE_SIZE = 16;
export const OR_RESPONSE_SPACING = 17;
export const OR_CMD_STATUS = 18; // status field of the command
export const OR_HW_VERSION = 19;
export const OR_IMAGE_SIZE = 20;
export const OR_TIME1 = 21; // current time
export const OR_TIME2 = 22; // request time / upgrade time
export const OR_DATA = 23; // offset of the block data
export const OR_DATA_LEN = 24;
export const OR_END = 25; // offset after the last field (trailing bytes follow)
export const OR_PAYLOAD_TYPE = 26;
export const OR_QUERY_JITTER = 27;
export const OR_STACK_VERSION = 28;
export const OR_ANSWERED = 29; // command id a Default Response answers
export const OR_LENGTH = 30;
export const OR_MODE = 31;
export const ORP_MS = 1;
export const ORP_PERIOD = 2; // minimum block period present
export const ORP_PERIOD_QUIRK = 4; // field control bit 1 set but the period absent (tolerated)

// Decoder statuses (texts in src/ota/zclOta.ts).
export const E_ZCL_OTA_TRUNCATED = 150;
export const E_ZCL_FRAME_TYPE = 151;
export const E_ZCL_GLOBAL_COMMAND = 152;
export const E_ZCL_OTA_COMMAND = 153;
export const E_ZCL_DIRECTION = 154;
export const E_ZCL_OTA_PAYLOAD_TYPE = 155;
// IC 18 image_block_transfer batch (OD_IC18_BLOCK): 02 02 06 bn(4) 09 len data, exactly.
export const E_IC18_BLOCK_SHAPE = 156;

/** Decode modes of decodeOtaFrames(). */
export const OD_ZCL = 1;
export const OD_IC18_BLOCK = 2;
