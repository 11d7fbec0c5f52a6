// The decoded GBCS frame: a thin object over the caller's bytes and the envelope index
// the WASM core wrote. Scalars are copied out eagerly (cheap); strings, bigints and
// sub-objects are built on first read and cached.
import { toHex } from './bytes.js';
import { decodeDateTime, type GbcsDateTime } from './dateTime.js';
import { messageCodeInfo, type MessageCodeInfo } from './messageCodes.js';
import * as L from './wasm/layout.js';
import { LazyPayload } from './payload/index.js';
import { JSON_WRITE, type JsonWriter } from './payload/json.js';
import {
  J_CONTENT,
  J_CONTENT_LENGTH,
  J_COUNTER,
  J_DATETIME,
  J_FORMAT,
  J_INVOCATION_COUNTER,
  J_LENGTH,
  J_MAC,
  J_NULL,
  J_OI,
  J_OI_10,
  J_OI_18,
  J_OI_2,
  J_OI_26,
  J_OI_ORIG_COUNTER,
  J_OI_RP_COUNTER,
  J_ORIGINATOR,
  J_RECIPIENT,
  J_SECURITY_HEADER,
  J_SIGNATURE,
  KIND_CRA_JSON,
  codeJson,
  writeDateTimeJson,
  writeU64,
} from './envelopeJson.js';
import type { FieldOccurrence } from './fields/dissect.js';
import { FieldCache } from './fields/frameFields.js';
import { CRA_NAMES, type Cra, type FrameKind, type PayloadFormat, type SignatureState } from './types.js';

// The shared names live in types.ts (payload/ reads them without importing this module).
export { CRA_NAMES, type Cra, type FrameKind, type PayloadFormat, type SignatureState };
export const KIND_NAMES: Record<number, FrameKind> = {
  [L.K_GENERAL_CIPHERING]: 'general-ciphering',
  [L.K_GENERAL_SIGNING]: 'general-signing',
  [L.K_GBT]: 'gbt',
};
export const FORMAT_NAMES: Record<number, PayloadFormat> = {
  [L.F_UNKNOWN]: 'unknown',
  [L.F_DLMS]: 'DLMS',
  [L.F_GBZ]: 'GBZ',
  [L.F_ASN1]: 'ASN.1',
};
const SIG_NAMES: Record<number, SignatureState> = {
  [L.SIG_ABSENT]: 'absent',
  [L.SIG_EMPTY]: 'empty',
  [L.SIG_PRESENT]: 'present',
};

/** Which Other Information form the frame uses (GBCS.md 1.4). */
export type OtherInformationVariant =
  | 'message-code' // 2 bytes
  | 'remote-party' // + supplementary RP id
  | 'remote-party-counter' // + supplementary RP id and counter
  | 'originator-counter' // + supplementary originator counter (URP responses)
  | 'certificate' // + DER KA certificate of the supplementary RP (URP commands)
  | 'unrecognised'; // any other length: the remainder is kept in `extra`

/** The Other Information header of a frame: message code, variant, counters and parties. */
export interface OtherInformation {
  readonly messageCode: number;
  readonly variant: OtherInformationVariant;
  readonly supplementaryRemotePartyId?: string;
  readonly supplementaryRemotePartyCounter?: bigint;
  readonly supplementaryOriginatorCounter?: bigint;
  /** DER X.509 certificate (key agreement) of the supplementary remote party. */
  readonly certificate?: Uint8Array;
  /** Bytes after the recognised fields when the length fits no known variant. */
  readonly extra?: Uint8Array;
}

/** MAC header security fields (and the same fields of a GBT routing header). */
export interface SecurityHeader {
  readonly securityControl: number;
  readonly invocationCounter: number;
}

/** The General Block Transfer header of a GBT-segmented frame. */
export interface GbtBlock {
  readonly blockControl: number;
  readonly lastBlock: boolean;
  readonly streaming: boolean;
  readonly window: number;
  readonly blockNumber: number;
  readonly blockNumberAck: number;
  /** Block data (a view of the frame bytes); empty for a pure acknowledgement. */
  readonly blockData: Uint8Array;
}

/** Widths in bytes of the BER length fields, kept so re-encoding is byte-exact. */
export interface LengthWidths {
  readonly ciphered?: number;
  readonly otherInformation?: number;
  readonly content?: number;
  readonly blockData?: number;
}

/**
 * Offsets of every envelope field within `frame.bytes` (-1 when absent): what the
 * security layer needs to find the signed range, the MAC's AAD, and so on.
 */
export interface FrameLayout {
  readonly length: number;
  readonly cipheredLength: number;
  readonly mac: number;
  readonly generalSigning: number;
  readonly counter: number;
  readonly originator: number;
  readonly recipient: number;
  readonly dateTime: number;
  readonly otherInformation: number;
  readonly otherInformationLength: number;
  readonly content: number;
  readonly contentLength: number;
  readonly signature: number;
  readonly gbtApdu: number;
  readonly blockData: number;
  readonly blockDataLength: number;
}

/** The frame fields `encodeFrame` reads; a decoded `GbcsFrame` satisfies it. */
export interface FrameInit {
  readonly kind: FrameKind;
  readonly cra: Cra;
  readonly originatorCounter: bigint | number;
  readonly originator: string | Uint8Array;
  readonly recipient: string | Uint8Array;
  readonly dateTime?: GbcsDateTime | Uint8Array | undefined;
  readonly messageCode: number;
  readonly otherInformation?: Partial<Omit<OtherInformation, 'variant' | 'messageCode'>>;
  /** Payload; required except for GBT frames. */
  readonly content?: Uint8Array;
  /** 'empty' when omitted and no `signature` bytes are given. */
  readonly signatureState?: SignatureState;
  readonly signature?: Uint8Array | undefined;
  /** 12 bytes; required for general-ciphering. */
  readonly mac?: Uint8Array | undefined;
  readonly securityHeader?: SecurityHeader | undefined;
  readonly gbt?: (Omit<GbtBlock, 'blockControl' | 'lastBlock' | 'streaming' | 'window'> & Partial<Pick<GbtBlock, 'blockControl' | 'lastBlock' | 'streaming' | 'window'>>) | undefined;
  readonly lengthWidths?: LengthWidths | undefined;
}

const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Values made on first read, kept in one object so a frame starts with one slot for them all. */
class FrameCache {
  layout: FrameLayout | undefined = undefined;
  counter: bigint | undefined = undefined;
  originator: string | undefined = undefined;
  recipient: string | undefined = undefined;
  otherInformation: OtherInformation | undefined = undefined;
  payload: LazyPayload | undefined = undefined;
  content: Uint8Array | undefined = undefined;
  lengthWidths: LengthWidths | undefined = undefined;
  securityHeader: SecurityHeader | undefined = undefined;
  dateTime: GbcsDateTime | null | undefined = undefined;
  gbt: GbtBlock | undefined = undefined;
  fieldCache: FieldCache | undefined = undefined;
}

/** The GBT words of the record (segments only; other frames have none). */
interface GbtWords {
  readonly apdu: number;
  readonly blockData: number;
  readonly blockDataLength: number;
  readonly blockDataLenWidth: number;
  readonly control: number;
  readonly number: number;
  readonly ack: number;
}

// Bit fields of GbcsFrame#small: the three BER length widths of the record (1..4, or 7
// when the field is absent: NONE & 7), the security control byte, and the codes of kind,
// CRA flag, payload family and signature state (each < 4).
const W_BITS = 3;
const W_MASK = 7;
const SC_SHIFT = 9;
const KIND_SHIFT = 17;
const CRA_SHIFT = 19;
const FORMAT_SHIFT = 21;
const SIG_SHIFT = 23;

/**
 * A decoded GBCS frame. Views share memory with the decoded input: nothing is copied.
 *
 * Decision (issue 12): the frame keeps the envelope record as a few number slots (small
 * values packed into one), builds `layout`, `lengthWidths`, strings and bigints on first
 * read, and keeps those in one cache object made on the first such read. Building a frame
 * is then less than half the stores of one with a layout object, a slot per cached value
 * and eager names (measured on RTDS: 48 ns -> about 30 ns per frame, the bulk of
 * decodeFrame outside WASM; and a batch keeps less memory per frame).
 */
export class GbcsFrame implements FrameInit {
  /** The whole frame. */
  readonly bytes: Uint8Array;
  readonly messageCode: number;
  // Record words (offsets into `bytes`, -1 when absent).
  #small: number;
  // The invocation counter in two 16-bit halves: a u32 of 2^30 or more is no small integer
  // for V8, and one such frame would make the slot a boxed number in every frame.
  #icHi: number;
  #icLo: number;
  #csLen: number;
  #gs: number;
  #counterAt: number;
  #dateTimeAt: number;
  #oi: number;
  #oiLen: number;
  #contentAt: number;
  #contentLen: number;
  #gbtWords: GbtWords | undefined;
  #cache: FrameCache | undefined;

  /** @internal Built by the decoders from an envelope record at word `w` of `i32`. */
  constructor(bytes: Uint8Array, i32: Int32Array, w: number) {
    this.bytes = bytes;
    this.messageCode = i32[w + L.R_MESSAGE_CODE]!;
    const kind = i32[w + L.R_KIND]!;
    this.#small =
      (i32[w + L.R_CS_LEN_WIDTH]! & W_MASK) |
      ((i32[w + L.R_OI_LEN_WIDTH]! & W_MASK) << W_BITS) |
      ((i32[w + L.R_CONTENT_LEN_WIDTH]! & W_MASK) << (2 * W_BITS)) |
      ((i32[w + L.R_SC]! & 0xff) << SC_SHIFT) |
      (kind << KIND_SHIFT) |
      (i32[w + L.R_CRA]! << CRA_SHIFT) |
      (i32[w + L.R_FORMAT]! << FORMAT_SHIFT) |
      (i32[w + L.R_SIG_STATE]! << SIG_SHIFT);
    const ic = i32[w + L.R_IC]!;
    this.#icHi = ic >>> 16;
    this.#icLo = ic & 0xffff;
    this.#csLen = i32[w + L.R_CS_LEN]!;
    this.#gs = i32[w + L.R_GS]!;
    this.#counterAt = i32[w + L.R_COUNTER]!;
    this.#dateTimeAt = i32[w + L.R_DATETIME]!;
    this.#oi = i32[w + L.R_OI]!;
    this.#oiLen = i32[w + L.R_OI_LEN]!;
    this.#contentAt = i32[w + L.R_CONTENT]!;
    this.#contentLen = i32[w + L.R_CONTENT_LEN]!;
    this.#gbtWords =
      kind === L.K_GBT
        ? {
            apdu: i32[w + L.R_GBT_APDU]!,
            blockData: i32[w + L.R_BLOCK_DATA]!,
            blockDataLength: i32[w + L.R_BLOCK_DATA_LEN]!,
            blockDataLenWidth: i32[w + L.R_BLOCK_DATA_LEN_WIDTH]!,
            control: i32[w + L.R_BLOCK_CONTROL]!,
            number: i32[w + L.R_BLOCK_NUMBER]!,
            ack: i32[w + L.R_BLOCK_ACK]!,
          }
        : undefined;
  }

  get kind(): FrameKind {
    return KIND_NAMES[(this.#small >> KIND_SHIFT) & 3]!;
  }
  /** CRA flag: 1 command, 2 response, 3 alert. */
  get craFlag(): 1 | 2 | 3 {
    return ((this.#small >> CRA_SHIFT) & 3) as 1 | 2 | 3;
  }
  get payloadFormat(): PayloadFormat {
    return FORMAT_NAMES[(this.#small >> FORMAT_SHIFT) & 3]!;
  }
  get signatureState(): SignatureState {
    return SIG_NAMES[(this.#small >> SIG_SHIFT) & 3]!;
  }

  // Offsets the walker's fixed field order determines (assembly/envelope.ts), not kept in a
  // slot of their own. Decision (issue 12): four fewer slots per frame (5-10% less CPU time
  // for decodeFrame and decodeFrames, interleaved A/B on RTDS); test/batch-differential.test.ts
  // checks them against the record words on every corpus frame. 09 CRA counter(8) ‖
  // 08 originator(8) ‖ 08 recipient(8): originator = counter + 9, recipient = counter + 18.
  get #originatorAt(): number {
    return this.#counterAt + 9;
  }
  get #recipientAt(): number {
    return this.#counterAt + 18;
  }
  /** The MAC is the last 12 bytes of a general-ciphering frame (the walker refuses trailing bytes). */
  get #mac(): number {
    return ((this.#small >> KIND_SHIFT) & 3) === L.K_GENERAL_CIPHERING ? this.bytes.length - 12 : -1;
  }
  /** The signature field follows the content when present (empty or 64 bytes); absent in GBT segments and bare pre-commands. */
  get #sig(): number {
    return ((this.#small >> SIG_SHIFT) & 3) === L.SIG_ABSENT ? -1 : this.#contentAt + this.#contentLen;
  }

  #c(): FrameCache {
    return (this.#cache ??= new FrameCache());
  }

  /** Width of a packed BER length field (`shift` in W_BITS steps); -1 when absent. */
  #width(shift: number): number {
    const v = (this.#small >> shift) & W_MASK;
    return v === W_MASK ? -1 : v;
  }

  /**
   * Offsets of every envelope field within `bytes` (-1 when absent): what the security
   * layer needs to find the signed range, the MAC's AAD, and so on. Made on first read.
   */
  get layout(): FrameLayout {
    const c = this.#c();
    if (c.layout !== undefined) return c.layout;
    const g = this.#gbtWords;
    return (c.layout = {
      length: this.bytes.length,
      cipheredLength: this.#csLen,
      mac: this.#mac,
      generalSigning: this.#gs,
      counter: this.#counterAt,
      originator: this.#originatorAt,
      recipient: this.#recipientAt,
      dateTime: this.#dateTimeAt,
      otherInformation: this.#oi,
      otherInformationLength: this.#oiLen,
      content: this.#contentAt,
      contentLength: this.#contentLen,
      signature: this.#sig,
      gbtApdu: g ? g.apdu : -1,
      blockData: g ? g.blockData : -1,
      blockDataLength: g ? g.blockDataLength : -1,
    });
  }

  /** Widths in bytes of the BER length fields (byte-exact re-encoding). */
  get lengthWidths(): LengthWidths {
    const cache = this.#c();
    if (cache.lengthWidths !== undefined) return cache.lengthWidths;
    const g = this.#gbtWords;
    return (cache.lengthWidths = {
      ciphered: this.kind === 'general-signing' ? undefined : this.#width(0),
      otherInformation: this.#width(W_BITS),
      content: g ? undefined : this.#width(2 * W_BITS),
      blockData: g ? g.blockDataLenWidth : undefined,
    });
  }

  /** MAC header (or GBT routing header) security fields; undefined for general-signing. */
  get securityHeader(): SecurityHeader | undefined {
    if (this.kind === 'general-signing') return undefined;
    const cache = this.#c();
    return (cache.securityHeader ??= { securityControl: (this.#small >> SC_SHIFT) & 0xff, invocationCounter: this.#icHi * 0x10000 + this.#icLo });
  }

  get cra(): Cra {
    return CRA_NAMES[this.craFlag - 1]!;
  }

  /** Use case id of the message code, e.g. "ECS52"; undefined for an unknown code. */
  get useCase(): string | undefined {
    return messageCodeInfo(this.messageCode)?.useCase;
  }

  get messageInfo(): MessageCodeInfo | undefined {
    return messageCodeInfo(this.messageCode);
  }

  get originatorCounter(): bigint {
    const cache = this.#c();
    return (cache.counter ??= dv(this.bytes).getBigUint64(this.#counterAt));
  }

  /** Originator system title: 16 lower-case hex digits. */
  get originator(): string {
    const o = this.#originatorAt;
    const cache = this.#c();
    return (cache.originator ??= toHex(this.bytes, o, o + 8));
  }

  /** Recipient system title: 16 lower-case hex digits. */
  get recipient(): string {
    const o = this.#recipientAt;
    const cache = this.#c();
    return (cache.recipient ??= toHex(this.bytes, o, o + 8));
  }

  get dateTime(): GbcsDateTime | undefined {
    const cache = this.#c();
    if (cache.dateTime === undefined) cache.dateTime = this.#dateTimeAt < 0 ? null : decodeDateTime(this.bytes, this.#dateTimeAt);
    return cache.dateTime ?? undefined;
  }

  get otherInformation(): OtherInformation {
    const cache = this.#c();
    return (cache.otherInformation ??= parseOtherInformation(this.bytes.subarray(this.#oi, this.#oi + this.#oiLen)));
  }

  /** The payload bytes (empty for GBT segments: see `gbt.blockData`). */
  get content(): Uint8Array {
    const cache = this.#c();
    if (cache.content !== undefined) return cache.content;
    const c = this.#contentAt;
    return (cache.content = c < 0 ? new Uint8Array(0) : this.bytes.subarray(c, c + this.#contentLen));
  }

  /**
   * The payload, decoded lazily: nothing is walked until a member is read
   * (`payload.decoded` for the full typed tree; `kind`, `length`, `get(i)` for cheap
   * navigation). GBT segments carry no payload of their own (undefined).
   */
  get payload(): LazyPayload | undefined {
    if (this.kind === 'gbt') return undefined;
    const cache = this.#c();
    return (cache.payload ??= new LazyPayload(this.content, { format: this.payloadFormat, messageCode: this.messageCode, cra: this.cra }, this.#contentAt));
  }

  /** Offset of the payload within `bytes`, -1 for GBT segments. */
  get contentOffset(): number {
    return this.#contentAt;
  }

  /** The 64-byte r||s signature when `signatureState` is 'present'. */
  get signature(): Uint8Array | undefined {
    const s = this.#sig;
    return this.signatureState === 'present' ? this.bytes.subarray(s + 1, s + 65) : undefined;
  }

  /** The 12-byte MAC of a general-ciphering frame. */
  get mac(): Uint8Array | undefined {
    const m = this.#mac;
    return m < 0 ? undefined : this.bytes.subarray(m, m + 12);
  }

  get gbt(): GbtBlock | undefined {
    const g = this.#gbtWords;
    if (g === undefined) return undefined;
    const cache = this.#c();
    if (cache.gbt !== undefined) return cache.gbt;
    const c = g.control;
    const d = g.blockData;
    return (cache.gbt = {
      blockControl: c,
      lastBlock: (c & 0x80) !== 0,
      streaming: (c & 0x40) !== 0,
      window: c & 0x3f,
      blockNumber: g.number,
      blockNumberAck: g.ack,
      blockData: this.bytes.subarray(d, d + g.blockDataLength),
    });
  }

  /** Bytes covered by the signature: from the byte after DF to the last payload byte. */
  get signedBytes(): Uint8Array | undefined {
    if (this.#gs < 0) return undefined;
    return this.bytes.subarray(this.#gs + 1, this.#contentAt + this.#contentLen);
  }

  /**
   * Every named field of the frame in tree order (`gbcs fields` lists the names): value,
   * byte offset and length (decrypted parts: in their plaintext), nesting depth. Computed
   * on first call and kept beside the frame; throws the payload's GbcsDecodeError.
   */
  fieldList(): readonly FieldOccurrence[] {
    return (this.#c().fieldCache ??= new FieldCache(this)).list;
  }

  /** The occurrences of a field, e.g. `frame.fields('dlms.spec.obis')` ([] when absent). */
  fields(name: string): readonly FieldOccurrence[] {
    return (this.#c().fieldCache ??= new FieldCache(this)).get(name);
  }

  /** The first occurrence of a field, e.g. `frame.field('gbcs.envelope.originator')?.value`. */
  field(name: string): FieldOccurrence | undefined {
    return this.fields(name)[0];
  }

  /**
   * Writes the members of toJSON() (each preceded by a comma, no braces) straight into a
   * JsonWriter: the same text as JSON.stringify(toJSON()) without its braces and with a
   * leading comma (tests compare the two on every RTDS frame and on seeded random
   * envelopes: test/envelope-json.test.ts). Keep the two in step.
   */
  writeJsonMembers(w: JsonWriter): void {
    // Straight from the bytes and the envelope index (issue 12 item 5): constant fragments,
    // one cached fragment per known message code, hex and decimal digits written in place;
    // no strings, bigints or header objects made (the getters stay lazy for the caller).
    const b = this.bytes;
    w.frag(KIND_CRA_JSON[this.kind][this.craFlag]!);
    w.frag(codeJson(this.messageCode));
    w.frag(J_ORIGINATOR);
    w.hex(b, this.#originatorAt, this.#originatorAt + 8);
    w.frag(J_RECIPIENT);
    w.hex(b, this.#recipientAt, this.#recipientAt + 8);
    w.frag(J_COUNTER);
    writeU64(w, b, this.#counterAt);
    w.frag(J_DATETIME);
    if (this.#dateTimeAt < 0) w.frag(J_NULL);
    else writeDateTimeJson(w, b, this.#dateTimeAt);
    w.frag(J_OI);
    const oi = this.#oi;
    const oiLen = this.#oiLen;
    if (oiLen === 2) w.frag(J_OI_2);
    else if (oiLen === 10 || oiLen === 18 || oiLen === 26) {
      w.frag(oiLen === 10 ? J_OI_10 : oiLen === 18 ? J_OI_18 : J_OI_26);
      w.hex(b, oi + 2, oi + 10);
      if (oiLen > 10) {
        w.frag(J_OI_RP_COUNTER);
        writeU64(w, b, oi + 10);
        if (oiLen === 26) {
          w.frag(J_OI_ORIG_COUNTER);
          writeU64(w, b, oi + 18);
        }
      }
      w.byte(125);
    } else this.#writeOtherInformation(w);
    w.frag(J_FORMAT[this.payloadFormat]!);
    w.num(this.contentOffset);
    w.frag(J_CONTENT_LENGTH);
    const gbt = this.kind === 'gbt';
    w.num(gbt ? 0 : this.#contentLen);
    w.frag(J_CONTENT);
    if (this.#contentAt < 0) w.hex(b, 0, 0);
    else w.hex(b, this.#contentAt, this.#contentAt + this.#contentLen);
    w.frag(J_SIGNATURE);
    if (this.signatureState === 'present') w.hex(b, this.#sig + 1, this.#sig + 65);
    else w.str(this.signatureState);
    w.frag(J_MAC);
    if (this.#mac >= 0) w.hex(b, this.#mac, this.#mac + 12);
    else w.frag(J_NULL);
    if (this.kind !== 'general-signing') {
      w.frag(J_SECURITY_HEADER);
      w.num((this.#small >> SC_SHIFT) & 0xff);
      w.frag(J_INVOCATION_COUNTER);
      w.num(this.#icHi * 0x10000 + this.#icLo);
      w.byte(125);
    }
    if (gbt) (w.key('gbt'), w.value(this.gbt));
    w.frag(J_LENGTH);
    w.num(b.length);
  }

  /** `otherInformation` of a length no fast path of writeJsonMembers takes (certificate, unrecognised). */
  #writeOtherInformation(w: JsonWriter): void {
    const oi = this.otherInformation;
    w.raw('{"variant":');
    w.str(oi.variant);
    if (oi.supplementaryRemotePartyId !== undefined) (w.key('supplementaryRemotePartyId'), w.str(oi.supplementaryRemotePartyId));
    if (oi.supplementaryRemotePartyCounter !== undefined) (w.key('supplementaryRemotePartyCounter'), w.value(oi.supplementaryRemotePartyCounter));
    if (oi.supplementaryOriginatorCounter !== undefined) (w.key('supplementaryOriginatorCounter'), w.value(oi.supplementaryOriginatorCounter));
    if (oi.certificate !== undefined) (w.key('certificate'), w.hex(oi.certificate));
    if (oi.extra !== undefined) (w.key('extra'), w.hex(oi.extra));
    w.byte(125);
  }

  /** Writes JSON.stringify(toJSON()) into a JsonWriter (json.ts JSON_WRITE protocol). */
  [JSON_WRITE](w: JsonWriter): void {
    const start = w.pos;
    this.writeJsonMembers(w);
    w.buf[start] = 123; // the first member's comma becomes the opening brace
    w.byte(125);
  }

  /** A JSON-safe plain view (bigints as decimal strings, bytes as hex). */
  toJSON(): Record<string, unknown> {
    const info = this.messageInfo;
    const oi = this.otherInformation;
    const gbt = this.gbt;
    const dt = this.dateTime;
    return {
      kind: this.kind,
      cra: this.cra,
      messageCode: this.messageCode,
      messageCodeHex: this.messageCode.toString(16).toUpperCase().padStart(4, '0'),
      useCase: info?.useCase ?? null,
      messageName: info?.name ?? null,
      originator: this.originator,
      recipient: this.recipient,
      originatorCounter: this.originatorCounter.toString(),
      dateTime: dt ? (dt.special ?? dt.iso ?? dt.hex) : null,
      otherInformation: {
        variant: oi.variant,
        ...(oi.supplementaryRemotePartyId !== undefined ? { supplementaryRemotePartyId: oi.supplementaryRemotePartyId } : {}),
        ...(oi.supplementaryRemotePartyCounter !== undefined ? { supplementaryRemotePartyCounter: oi.supplementaryRemotePartyCounter.toString() } : {}),
        ...(oi.supplementaryOriginatorCounter !== undefined ? { supplementaryOriginatorCounter: oi.supplementaryOriginatorCounter.toString() } : {}),
        ...(oi.certificate !== undefined ? { certificate: toHex(oi.certificate) } : {}),
        ...(oi.extra !== undefined ? { extra: toHex(oi.extra) } : {}),
      },
      payloadFormat: this.payloadFormat,
      contentOffset: this.contentOffset,
      contentLength: this.kind === 'gbt' ? 0 : this.#contentLen,
      content: toHex(this.content),
      signature: this.signatureState === 'present' ? toHex(this.signature!) : this.signatureState,
      mac: this.mac ? toHex(this.mac) : null,
      ...(this.securityHeader ? { securityHeader: this.securityHeader } : {}),
      ...(gbt ? { gbt: { ...gbt, blockData: toHex(gbt.blockData) } } : {}),
      length: this.bytes.length,
    };
  }
}

/** Splits the Other Information value into its GBCS.md 1.4 variant. */
export function parseOtherInformation(v: Uint8Array): OtherInformation {
  const messageCode = (v[0]! << 8) | v[1]!;
  const n = v.length;
  const d = dv(v);
  const rp = n >= 10 ? toHex(v, 2, 10) : undefined;
  if (n === 2) return { messageCode, variant: 'message-code' };
  if (n === 10) return { messageCode, variant: 'remote-party', supplementaryRemotePartyId: rp };
  if (n < 18) return { messageCode, variant: 'unrecognised', ...(rp ? { supplementaryRemotePartyId: rp } : {}), extra: v.subarray(rp ? 10 : 2) };
  const base = { messageCode, supplementaryRemotePartyId: rp, supplementaryRemotePartyCounter: d.getBigUint64(10) };
  if (n === 18) return { ...base, variant: 'remote-party-counter' };
  if (n === 26) return { ...base, variant: 'originator-counter', supplementaryOriginatorCounter: d.getBigUint64(18) };
  if (v[18] === 0x30) return { ...base, variant: 'certificate', certificate: v.subarray(18) };
  return { ...base, variant: 'unrecognised', extra: v.subarray(18) };
}
