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
