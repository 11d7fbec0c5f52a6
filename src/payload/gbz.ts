// GBZ payloads (GBCS.md 3.3) built from the WASM node index, and their encoder.
//
//   profile 0109(2) count(1) [alert code(2) time(4 BE) content] { component }*
//   component: control(1) cluster(2 BE) length(2 BE) [from-date-time(4 BE)]
//              [additional header control(1) frame counter(1)] ZCL header(3) payload
//
// Nodes are fixed-shape class instances with `offset` (in the frame: offsetBase + position
// in the payload) and `length`; names and ISO times are getters computed on first read.
// One Budget (limits.ts) bounds the nodes of a whole GBZ decode (zcl.ts counts its nodes).
import { GbcsDecodeError, GbcsEncodeError } from '../errors.js';
import { messageCodeInfo } from '../messageCodes.js';
import { Budget } from './limits.js';
import type { NodeIndex } from './nodes.js';
import { alertCodeName } from './dlmsNames.js';
import { ALERT_CODES, ZCL_CLUSTERS, secondsSince2000 } from './names.js';
import { ZclHeaderNode, ZclReader, jclose, jm, jn, jOffLen, decodeZclIn, scanZclIn, stageZclPayload, type ZclCommand, type ZclHeader } from './zcl.js';
import * as L from '../wasm/layout.js';
import { encodeProgram, F_GBZ_ADDITIONAL_HEADER, F_GBZ_ALERT_CODE, F_GBZ_ALERT_CONTENT, F_GBZ_ALERT_TIME, F_GBZ_CIPHERTEXT_LENGTH, F_GBZ_CLUSTER_ID, F_GBZ_COMPONENT, F_GBZ_COMPONENT_COUNT, F_GBZ_CONTROL, F_GBZ_FROM_DATETIME, F_GBZ_MESSAGE_CODE, F_GBZ_ORIGINATOR_COUNTER, F_GBZ_PROFILE, F_ZCL_COMMAND_ID, F_ZCL_FRAME_CONTROL, F_ZCL_SEQUENCE, type PayloadWriter } from './opWriter.js';
import { JSON_FRESH, JSON_WRITE, type JsonWriter } from './json.js';
import type { DecryptedContent } from './decrypted.js';

/** A GBZ time: seconds since 2000-01-01 and the same as ISO text. */
export interface GbzTime {
  /** Seconds since 2000-01-01T00:00Z (u32 BE on the wire). */
  readonly seconds: number;
  readonly iso: string;
  readonly offset?: number;
  readonly length?: number;
}

/** A GBZ header time (u32 BE seconds since 2000); `iso` is made on first read. */
export class GbzTimeNode implements GbzTime {
  readonly length = 4;
  #iso: string | undefined;
  constructor(readonly seconds: number, readonly offset: number) {
    this.#iso = undefined;
  }
  get iso(): string {
    return (this.#iso ??= secondsSince2000(this.seconds));
  }
  /** Writes the toJSON() members straight into a JsonWriter (json.ts JSON_WRITE). */
  [JSON_WRITE](w: JsonWriter): void {
    const at = w.pos;
    w.key('seconds'); w.num(this.seconds);
    w.key('iso'); w.str(this.iso);
    jOffLen(w, this.offset, this.length);
    jclose(w, at);
  }
  toJSON(): Record<string, unknown> {
    return { seconds: this.seconds, iso: this.iso, offset: this.offset, length: this.length };
  }
}

type Pos = { readonly offset?: number; readonly length?: number };
/** The decoded content of a GBZ alert, by kind. */
export type GbzAlertContent = Pos & (
  | { readonly kind: 'none' }
  /** 8F66/8F67: the future-dated command that was (not) actioned. */
  | {
      readonly kind: 'future-dated';
      readonly messageCode: number;
      readonly useCase?: string;
      readonly originatorCounter: bigint;
      readonly clusterId: number;
      readonly frameControl: number;
      readonly commandId: number;
    }
  /** 8F72/8F1C: the calculated manufacturer image hash. */
  | { readonly kind: 'firmware-hash'; readonly hash: Uint8Array }
  /** 81A0: integrity warning code (7 = metrology firmware). */
  | { readonly kind: 'code'; readonly code: number }
);

/** A GBZ alert: code, name and content. */
export interface GbzAlert {
  readonly alertCode: number;
  readonly alertName?: string;
  readonly time: GbzTime;
  readonly content: GbzAlertContent;
  readonly offset?: number;
  readonly length?: number;
}

interface GbzComponentBase {
  readonly control: number;
  readonly lastComponent: boolean;
  readonly clusterId: number;
  readonly clusterName?: string | undefined;
  /** Present when control bit 4 is set. */
  readonly fromDateTime?: GbzTime | undefined;
  readonly zcl: ZclHeader;
  /** Offset of the control byte in the frame (always set on decoded trees). */
  readonly offset?: number | undefined;
  /** Length of the whole component (control byte included). */
  readonly length?: number | undefined;
}
/** A GBZ component carried in the clear. */
export interface GbzClearComponent extends GbzComponentBase {
  readonly encrypted: false;
  /** The clear ZCL payload (after the ZCL header). */
  readonly payload: Uint8Array;
  readonly command: ZclCommand;
}
/** A GBZ component whose ZCL payload is encrypted. */
export interface GbzEncryptedComponent extends GbzComponentBase {
  readonly encrypted: true;
  readonly additionalHeader: { readonly control: number; readonly frameCounter: number; readonly offset?: number; readonly length?: number };
  /** `31 ‖ invocation counter(4) ‖ ciphertext ‖ tag(12)`; the security module decrypts it. */
  readonly ciphertext: Uint8Array;
  /** Set by openPayload (security module): the plaintext as a ZCL command, or why not. */
  readonly decrypted?: DecryptedContent<ZclCommand>;
}
/** One GBZ component, clear or encrypted. */
export type GbzComponent = GbzClearComponent | GbzEncryptedComponent;

/** A decoded GBZ payload: header, optional alert and its components. */
export interface GbzPayload {
  readonly format: 'GBZ';
  readonly type: 'gbz';
  readonly profileId: number;
  /** The count byte as sent (for 8F66/8F67/81A0 alerts it counts the alert content). */
  readonly componentCount: number;
  readonly alert?: GbzAlert;
  readonly components: GbzComponent[];
  readonly offset?: number;
  readonly length?: number;
}

const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Uint8Array, o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

class GbzAlertNode implements GbzAlert {
  constructor(
    readonly alertCode: number,
    readonly time: GbzTimeNode,
    readonly content: GbzAlertContent,
    readonly offset: number,
    readonly length: number,
  ) {}
  /** The alert's name: GBZ's own short names first, then the GBCS alert-code table (NAMES.md 2.6). */
  get alertName(): string | undefined {
    return ALERT_CODES[this.alertCode] ?? alertCodeName(this.alertCode);
  }
  /** Writes the toJSON() members straight into a JsonWriter (json.ts JSON_WRITE). */
  [JSON_WRITE](w: JsonWriter): void {
    const at = w.pos;
    w.key('alertCode'); w.num(this.alertCode);
    jn(w, 'alertName', this.alertName);
    w.key('time'); w.value(this.time);
    w.key('content'); w.value(this.content);
    jOffLen(w, this.offset, this.length);
    jclose(w, at);
  }
  toJSON(): Record<string, unknown> {
    return { alertCode: this.alertCode, alertName: this.alertName, time: this.time, content: this.content, offset: this.offset, length: this.length };
  }
}

function buildAlert(ix: NodeIndex, a: number, base: number): GbzAlertNode {
  return alertAt(ix.bytes, ix.start(a), base);
}

/** The alert header at payload position `s` (code, time, content; checked by the walk). */
function alertAt(b: Uint8Array, s: number, base: number): GbzAlertNode {
  const v = s + 6;
  const alertCode = u16(b, s);
  let content: GbzAlertContent = { kind: 'none', offset: base + v, length: 0 };
  let end = v;
  if (alertCode === 0x8f66 || alertCode === 0x8f67) {
    const mc = u16(b, v + 1);
    content = {
      kind: 'future-dated',
      messageCode: mc,
      useCase: messageCodeInfo(mc)?.useCase,
      originatorCounter: new DataView(b.buffer, b.byteOffset).getBigUint64(v + 3),
      clusterId: u16(b, v + 11),
      frameControl: b[v + 13]!,
      commandId: b[v + 14]!,
      offset: base + v,
      length: 15,
    };
    end = v + 15;
  } else if (alertCode === 0x8f72 || alertCode === 0x8f1c) {
    content = { kind: 'firmware-hash', hash: b.subarray(v + 2, v + 34), offset: base + v, length: 34 };
    end = v + 34;
  } else if (alertCode === 0x81a0) {
    content = { kind: 'code', code: u16(b, v), offset: base + v, length: 2 };
    end = v + 2;
  }
  return new GbzAlertNode(alertCode, new GbzTimeNode(u32(b, s + 2), base + s + 2), content, base + s, end - s);
}

const cn = (id: number) => ZCL_CLUSTERS[id];
function componentJson(c: GbzClearComponentNode | GbzEncryptedComponentNode): Record<string, unknown> {
  return {
    control: c.control, lastComponent: c.lastComponent, clusterId: c.clusterId, clusterName: c.clusterName,
    fromDateTime: c.fromDateTime, zcl: c.zcl, offset: c.offset, length: c.length,
  };
}

function componentMembers(w: JsonWriter, c: GbzClearComponentNode | GbzEncryptedComponentNode): void {
  w.key('control'); w.num(c.control);
  w.key('lastComponent'); w.raw(c.lastComponent ? 'true' : 'false');
  w.key('clusterId'); w.num(c.clusterId);
  jn(w, 'clusterName', c.clusterName);
  jm(w, 'fromDateTime', c.fromDateTime);
  w.key('zcl'); w.value(c.zcl);
  jOffLen(w, c.offset, c.length);
}

/**
 * Fields shared by both component kinds: the header bytes are read from the payload, and
 * the ZCL header and from-date-time nodes are made on first read (cached).
 */
abstract class GbzComponentNodeBase {
  #b: Uint8Array;
  /** Position of the ZCL header in the payload bytes. */
  #h: number;
  #base: number;
  #zcl: ZclHeaderNode | undefined;
  #from: GbzTimeNode | undefined;
  constructor(
    readonly control: number,
    readonly clusterId: number,
    readonly offset: number,
    readonly length: number,
    b: Uint8Array,
    h: number,
    base: number,
  ) {
    this.#b = b;
    this.#h = h;
    this.#base = base;
    this.#zcl = undefined;
    this.#from = undefined;
  }
  get lastComponent(): boolean {
    return (this.control & 0x01) !== 0;
  }
  get clusterName(): string | undefined {
    return cn(this.clusterId);
  }
  /** Present when control bit 4 is set (it follows the length field). */
  get fromDateTime(): GbzTimeNode | undefined {
    if ((this.control & 0x10) === 0) return undefined;
    const q = this.offset - this.#base + 5;
    return (this.#from ??= new GbzTimeNode(u32(this.#b, q), this.#base + q));
  }
  get zcl(): ZclHeaderNode {
    const b = this.#b;
    const h = this.#h;
    return (this.#zcl ??= new ZclHeaderNode(this.clusterId, b[h]!, b[h + 1]!, b[h + 2]!, this.#base + h));
  }
  protected get bytes(): Uint8Array { return this.#b; }
  protected get zclAt(): number { return this.#h; }
  protected get base(): number { return this.#base; }
}

/** A clear GBZ component: the ZCL command, checked at decode and built on first read. */
export class GbzClearComponentNode extends GbzComponentNodeBase implements GbzClearComponent {
  readonly encrypted = false as const;
  #command: ZclCommand | undefined;
  constructor(control: number, clusterId: number, offset: number, length: number, b: Uint8Array, h: number, base: number) {
    super(control, clusterId, offset, length, b, h, base);
    this.#command = undefined;
  }
  /**
   * The decoded ZCL command, built on first read (cached). The decode that made this node
   * already checked the payload (scanZclIn: same errors and Budget), so this cannot fail.
   */
  get command(): ZclCommand {
    if (this.#command !== undefined) return this.#command;
    const b = this.bytes;
    const h = this.zclAt;
    const end = this.offset - this.base + this.length;
    // The scan reader serves (decodes run to the end synchronously and never nest).
    const r = SCAN;
    r.b = b;
    r.base = this.base;
    r.budget.nodes = 0;
    try {
      return (this.#command = decodeZclIn(r, h + 3, end, this.clusterId, b[h]!, b[h + 2]!));
    } finally {
      r.b = NO_BYTES;
    }
  }
  /** The clear ZCL payload (after the ZCL header), a view of the payload bytes. */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.zclAt + 3, this.offset - this.base + this.length);
  }
  /** Writes the toJSON() members straight into a JsonWriter (json.ts JSON_WRITE). */
  [JSON_WRITE](w: JsonWriter): void {
    const at = w.pos;
    componentMembers(w, this);
    w.key('encrypted'); w.raw('false');
    w.key('payload'); w.hex(this.bytes, this.zclAt + 3, this.offset - this.base + this.length);
    w.key('command'); w.value(this.command);
    jclose(w, at);
  }
  toJSON(): Record<string, unknown> {
    const o = componentJson(this);
    o.encrypted = false;
    o.payload = this.payload;
    o.command = this.command;
    return o;
  }
}

/** An encrypted GBZ component: the blob, and `decrypted` once openPayload has run. */
export class GbzEncryptedComponentNode extends GbzComponentNodeBase implements GbzEncryptedComponent {
  readonly encrypted = true as const;
  /** Set by openPayload (security module); absent until then. */
  declare decrypted?: DecryptedContent<ZclCommand>;
  #ah: { readonly control: number; readonly frameCounter: number; readonly offset: number; readonly length: number } | undefined;
  constructor(control: number, clusterId: number, offset: number, length: number, b: Uint8Array, h: number, base: number) {
    super(control, clusterId, offset, length, b, h, base);
    this.#ah = undefined;
  }
  /** Additional header control and frame counter (the 2 bytes before the ZCL header). */
  get additionalHeader(): { readonly control: number; readonly frameCounter: number; readonly offset: number; readonly length: number } {
    const b = this.bytes;
    const q = this.zclAt - 2;
    return (this.#ah ??= { control: b[q]!, frameCounter: b[q + 1]!, offset: this.base + q, length: 2 });
  }
  /** `31 ‖ invocation counter(4) ‖ ciphertext ‖ tag(12)`, a view of the payload bytes. */
  get ciphertext(): Uint8Array {
    return this.bytes.subarray(this.zclAt + 5, this.offset - this.base + this.length);
  }
  /** Writes the toJSON() members straight into a JsonWriter (json.ts JSON_WRITE). */
  [JSON_WRITE](w: JsonWriter): void {
    const at = w.pos;
    componentMembers(w, this);
    w.key('encrypted'); w.raw('true');
    w.key('additionalHeader'); w.value(this.additionalHeader);
    w.key('ciphertext'); w.hex(this.bytes, this.zclAt + 5, this.offset - this.base + this.length);
    jm(w, 'decrypted', this.decrypted);
    jclose(w, at);
  }
  toJSON(): Record<string, unknown> {
    const o = componentJson(this);
    o.encrypted = true;
    o.additionalHeader = this.additionalHeader;
    o.ciphertext = this.ciphertext;
    if (this.decrypted !== undefined) o.decrypted = this.decrypted;
    return o;
  }
}

/**
 * Builds component node `c`; offsets are `offsetBase` + payload positions. A clear
 * component's ZCL payload is checked here (scanZclIn: Budget, truncation, data types,
 * trailing bytes, errors at their offsets) and its command built on first read.
 */
export function buildGbzComponent(ix: NodeIndex, c: number, offsetBase: number, reader?: ZclReader): GbzComponent {
  const b = ix.bytes;
  const r = reader ?? new ZclReader(b, offsetBase, new Budget());
  const s = ix.start(c);
  const control = ix.tag(c);
  const clusterId = ix.aux(c);
  const end = ix.end(c);
  r.budget.take(3, offsetBase + s);
  const h = ix.value(c);
  if (control & 0x02) return new GbzEncryptedComponentNode(control, clusterId, offsetBase + s, end - s, b, h, offsetBase);
  scanZclIn(r, h + 3, end, clusterId, b[h]!, b[h + 2]!);
  return new GbzClearComponentNode(control, clusterId, offsetBase + s, end - s, b, h, offsetBase);
}

/** Builds the GBZ payload tree from its walked node index (one Budget for the whole payload). */
export function buildGbz(ix: NodeIndex, offsetBase = 0): GbzPayload {
  const b = ix.bytes;
  const reader = new ZclReader(b, offsetBase, new Budget());
  const components: GbzComponent[] = [];
  let alert: GbzAlert | undefined;
  const stop = ix.next(0);
  for (let c = 1; c < stop; c = ix.next(c)) {
    if (ix.cls(c) === 17) alert = buildAlert(ix, c, offsetBase);
    else components.push(buildGbzComponent(ix, c, offsetBase, reader));
  }
  return {
    format: 'GBZ', type: 'gbz', profileId: u16(b, 0), componentCount: ix.aux(0), alert, components,
    offset: offsetBase + ix.start(0), length: ix.end(0) - ix.start(0),
  };
}

// ---- full decode straight from the bytes (issue 12 item 2) ----
//
// Decision: a full GBZ decode does not walk in WASM. The GBZ envelope is a flat list of
// length-prefixed components (at most 255), so walkGbzJs below does the checks of
// assembly/gbz.ts (walkGbz) in TypeScript, in the same order with the same error codes and
// offsets (test/gbz-walk.test.ts compares both on mutated RTDS payloads), before anything is
// built; copying the payload into WASM memory and reading the node words back cost more than
// the walk. The lazy path (`payload.get(i)`) still reads the WASM node index.

const fail = (status: number, at: number): never => {
  throw GbcsDecodeError.fromStatus(status, at);
};
/** Payload positions of the components the last walkGbzJs found (one scratch array). */
const COMPONENTS = new Int32Array(256);

/** Checks the GBZ framing of `b` (walkGbz in assembly/gbz.ts); returns the component count. */
function walkGbzJs(b: Uint8Array, alert: boolean, base: number): number {
  const end = b.length;
  if (end < 3) fail(L.E_TRUNCATED, base + end);
  if (u16(b, 0) !== 0x0109) fail(L.E_GBZ_PROFILE, base);
  let count = b[2]!;
  let q = 3;
  if (alert) {
    if (end - q < 6) fail(L.E_TRUNCATED, base + end);
    const code = u16(b, q);
    q += 6;
    if (code === 0x8f66 || code === 0x8f67) {
      if (q >= end) fail(L.E_TRUNCATED, base + q);
      if (b[q] !== 0x0e) fail(L.E_GBZ_ALERT_CONTENT, base + q);
      if (end - q < 15) fail(L.E_TRUNCATED, base + end);
      q += 15;
      count = 0;
    } else if (code === 0x8f72 || code === 0x8f1c) {
      if (end - q < 2) fail(L.E_TRUNCATED, base + end);
      if (b[q] !== 0x09 || b[q + 1] !== 0x20) fail(L.E_GBZ_ALERT_CONTENT, base + q);
      if (end - q < 34) fail(L.E_TRUNCATED, base + end);
      q += 34;
      count = 0;
    } else if (code === 0x81a0) {
      if (end - q < 2) fail(L.E_TRUNCATED, base + end);
      q += 2;
      count = 0;
    }
  }
  for (let i = 0; i < count; i++) {
    const p = q;
    COMPONENTS[i] = p;
    if (end - p < 5) fail(L.E_TRUNCATED, base + end);
    const ctl = b[p]!;
    const len = u16(b, p + 3);
    q = p + 5;
    if (end - q < len) fail(L.E_TRUNCATED, base + end);
    const cEnd = q + len;
    if (ctl & 0x10) q += 4;
    if (ctl & 0x02) q += 2;
    if (q + 3 > cEnd) fail(L.E_GBZ_COMPONENT_LENGTH, base + p + 3);
    q += 3;
    if (ctl & 0x02) {
      if (cEnd - q < 2) fail(L.E_GBZ_CIPHERED_LENGTH, base + q);
      const clen = u16(b, q);
      if (clen < 17 || q + 2 + clen !== cEnd) fail(L.E_GBZ_CIPHERED_LENGTH, base + q);
    }
    q = cEnd;
  }
  if (q !== end) fail(L.E_PAYLOAD_TRAILING, base + q);
  return count;
}

/**
 * Decodes a whole GBZ payload `b` (a frame's content; `alert` for alert frames) to its tree:
 * the framing checked first (walkGbzJs), then every clear ZCL payload checked against one
 * Budget (scanZclIn); commands, names and times are built on first read.
 */
export function decodeGbzBytes(b: Uint8Array, alert: boolean, offsetBase = 0): GbzPayload {
  const count = walkGbzJs(b, alert, offsetBase);
  // One scan reader for every decode (scans run to the end synchronously; the caller's
  // bytes are let go when the decode ends).
  const reader = SCAN;
  reader.b = b;
  reader.base = offsetBase;
  const budget = reader.budget;
  budget.nodes = 0;
  try {
    return gbzTree(b, alert, offsetBase, count, reader, budget);
  } finally {
    reader.b = NO_BYTES;
  }
}
const NO_BYTES = new Uint8Array(0);
const SCAN = new ZclReader(NO_BYTES, 0, new Budget());

function gbzTree(b: Uint8Array, alert: boolean, offsetBase: number, count: number, reader: ZclReader, budget: Budget): GbzPayload {
  for (let i = 0; i < count; i++) {
    const s = COMPONENTS[i]!;
    const control = b[s]!;
    budget.take(3, offsetBase + s);
    if (control & 0x02) continue;
    const h = s + 5 + (control & 0x10 ? 4 : 0);
    scanZclIn(reader, h + 3, s + 5 + u16(b, s + 3), u16(b, s + 1), b[h]!, b[h + 2]!);
  }
  return new GbzPayloadNode(b, alert, count, offsetBase);
}

/**
 * A GBZ payload decoded from its bytes (decodeGbzBytes): checked whole at decode; the alert
 * and the component nodes are built on first read (cached).
 */
class GbzPayloadNode implements GbzPayload {
  readonly format = 'GBZ' as const;
  readonly type = 'gbz' as const;
  readonly profileId = 0x0109;
  readonly componentCount: number;
  readonly offset: number;
  readonly length: number;
  #b: Uint8Array;
  #isAlert: boolean;
  #count: number;
  #alert: GbzAlertNode | undefined;
  #components: GbzComponent[] | undefined;
  constructor(b: Uint8Array, isAlert: boolean, count: number, offsetBase: number) {
    this.componentCount = b[2]!;
    this.offset = offsetBase;
    this.length = b.length;
    this.#b = b;
    this.#isAlert = isAlert;
    this.#count = count;
    this.#alert = undefined;
    this.#components = undefined;
  }
  /** The alert header (alert frames only). */
  get alert(): GbzAlert | undefined {
    if (!this.#isAlert) return undefined;
    return (this.#alert ??= alertAt(this.#b, 3, this.offset));
  }
  /** The components in wire order (built on first read; the decode checked them). */
  get components(): GbzComponent[] {
    if (this.#components !== undefined) return this.#components;
    const b = this.#b;
    const base = this.offset;
    const n = this.#count;
    const out = new Array<GbzComponent>(n);
    // After the 3-byte header (and the 6-byte alert header: alerts whose content replaces
    // the components have none).
    let s = this.#isAlert ? 9 : 3;
    for (let i = 0; i < n; i++) {
      const control = b[s]!;
      const clusterId = u16(b, s + 1);
      const end = s + 5 + u16(b, s + 3);
      const h = s + 5 + (control & 0x10 ? 4 : 0) + (control & 0x02 ? 2 : 0);
      out[i] = control & 0x02
        ? new GbzEncryptedComponentNode(control, clusterId, base + s, end - s, b, h, base)
        : new GbzClearComponentNode(control, clusterId, base + s, end - s, b, h, base);
      s = end;
    }
    return (this.#components = out);
  }
  toJSON(): Record<string, unknown> {
    return {
      format: this.format, type: this.type, profileId: this.profileId, componentCount: this.componentCount, alert: this.alert,
      components: this.components, offset: this.offset, length: this.length,
    };
  }
  /** Writes the toJSON() members straight into a JsonWriter (json.ts JSON_WRITE). */
  [JSON_WRITE](w: JsonWriter): void {
    const at = w.pos;
    w.key('format'); w.name(this.format);
    w.key('type'); w.name(this.type);
    w.key('profileId'); w.num(this.profileId);
    w.key('componentCount'); w.num(this.componentCount);
    jm(w, 'alert', this.alert);
    w.key('components'); w.value(this.components);
    w.key('offset'); w.num(this.offset);
    w.key('length'); w.num(this.length);
    jclose(w, at);
  }
}

/**
 * Stages a GBZ payload as a core encoder program (opWriter.ts): the core range-checks
 * every header field and writes each component's length from the bytes staged.
 */
export function stageGbz(w: PayloadWriter, g: GbzPayload): void {
  w.u(g.profileId ?? 0x0109, 2, F_GBZ_PROFILE).u(g.componentCount ?? g.components.length, 1, F_GBZ_COMPONENT_COUNT);
  if (g.alert) {
    const a = g.alert;
    w.u(a.alertCode, 2, F_GBZ_ALERT_CODE).u(a.time.seconds, 4, F_GBZ_ALERT_TIME);
    const c = a.content;
    if (c.kind === 'future-dated') {
      w.u(0x0e, 1, F_GBZ_ALERT_CONTENT).u(c.messageCode, 2, F_GBZ_MESSAGE_CODE);
      w.u64(c.originatorCounter, F_GBZ_ORIGINATOR_COUNTER);
      w.u(c.clusterId, 2, F_GBZ_CLUSTER_ID).u(c.frameControl, 1, F_ZCL_FRAME_CONTROL).u(c.commandId, 1, F_ZCL_COMMAND_ID);
    } else if (c.kind === 'firmware-hash') {
      if (c.hash.length !== 32) throw new GbcsEncodeError('GBZ alert hash', 'must be 32 bytes');
      w.u(0x09, 1, F_GBZ_ALERT_CONTENT).u(0x20, 1, F_GBZ_ALERT_CONTENT).bytes(c.hash);
    } else if (c.kind === 'code') {
      w.u(c.code, 2, F_GBZ_ALERT_CONTENT);
    }
  }
  for (const comp of g.components) {
    // The flags are derived from the content so the two cannot disagree.
    const control = (comp.control & ~0x12) | (comp.fromDateTime ? 0x10 : 0) | (comp.encrypted ? 0x02 : 0);
    w.u(control, 1, F_GBZ_CONTROL).u(comp.clusterId, 2, F_GBZ_CLUSTER_ID);
    // The core writes the component length (u16, longer than 65535 is a GbcsEncodeError).
    w.open(L.LK_U16BE, F_GBZ_COMPONENT);
    if (comp.fromDateTime) w.u(comp.fromDateTime.seconds, 4, F_GBZ_FROM_DATETIME);
    if (comp.encrypted) w.u(comp.additionalHeader.control, 1, F_GBZ_ADDITIONAL_HEADER).u(comp.additionalHeader.frameCounter, 1, F_GBZ_ADDITIONAL_HEADER);
    w.u(comp.zcl.frameControl, 1, F_ZCL_FRAME_CONTROL).u(comp.zcl.sequenceNumber, 1, F_ZCL_SEQUENCE).u(comp.zcl.commandId, 1, F_ZCL_COMMAND_ID);
    if (comp.encrypted) w.u(comp.ciphertext.length, 2, F_GBZ_CIPHERTEXT_LENGTH).bytes(comp.ciphertext);
    else stageZclPayload(w, comp.command);
    w.close();
  }
}

/** Encodes a GBZ payload through the WASM core (decode then encode gives the same bytes). */
export function encodeGbz(g: GbzPayload): Uint8Array {
  return encodeProgram((w) => stageGbz(w, g));
}

// toJSON() of these nodes returns a new plain object each call (json.ts converts it in place).
markFresh(GbzTimeNode);
markFresh(GbzPayloadNode);
markFresh(GbzAlertNode);
markFresh(GbzClearComponentNode);
markFresh(GbzEncryptedComponentNode);
function markFresh(c: { prototype: object }): void {
  Object.defineProperty(c.prototype, JSON_FRESH, { value: true });
}
