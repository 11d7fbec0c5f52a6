// GBZ payloads (GBCS.md 3.3) built from the WASM node index, and their encoder.
import { GbcsEncodeError } from '../errors.js';
import { messageCodeInfo } from '../messageCodes.js';
import type { NodeIndex } from './nodes.js';
import { ALERT_CODES, ZCL_CLUSTERS, secondsSince2000 } from './names.js';
import { decodeZclPayload, encodeZclPayload, zclHeader, type ZclCommand, type ZclHeader } from './zcl.js';
import { ByteWriter } from './writer.js';
import type { DecryptedContent } from './decrypted.js';

export interface GbzTime {
  /** Seconds since 2000-01-01T00:00Z (u32 BE on the wire). */
  readonly seconds: number;
  readonly iso: string;
}

export type GbzAlertContent =
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
  | { readonly kind: 'code'; readonly code: number };

export interface GbzAlert {
  readonly alertCode: number;
  readonly alertName?: string;
  readonly time: GbzTime;
  readonly content: GbzAlertContent;
}

interface GbzComponentBase {
  readonly control: number;
  readonly lastComponent: boolean;
  readonly clusterId: number;
  readonly clusterName?: string;
  /** Present when control bit 4 is set. */
  readonly fromDateTime?: GbzTime;
  readonly zcl: ZclHeader;
}
export interface GbzClearComponent extends GbzComponentBase {
  readonly encrypted: false;
  /** The clear ZCL payload (after the ZCL header). */
  readonly payload: Uint8Array;
  readonly command: ZclCommand;
}
export interface GbzEncryptedComponent extends GbzComponentBase {
  readonly encrypted: true;
  readonly additionalHeader: { readonly control: number; readonly frameCounter: number };
  /** `31 ‖ invocation counter(4) ‖ ciphertext ‖ tag(12)`; the security module decrypts it. */
  readonly ciphertext: Uint8Array;
  /** Set by openPayload (security module): the plaintext as a ZCL command, or why not. */
  readonly decrypted?: DecryptedContent<ZclCommand>;
}
export type GbzComponent = GbzClearComponent | GbzEncryptedComponent;

export interface GbzPayload {
  readonly format: 'GBZ';
  readonly type: 'gbz';
  readonly profileId: number;
  /** The count byte as sent (for 8F66/8F67/81A0 alerts it counts the alert content). */
  readonly componentCount: number;
  readonly alert?: GbzAlert;
  readonly components: GbzComponent[];
}

const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Uint8Array, o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
const time = (s: number): GbzTime => ({ seconds: s, iso: secondsSince2000(s) });

function buildAlert(ix: NodeIndex, a: number): GbzAlert {
  const b = ix.bytes;
  const s = ix.start(a);
  const v = ix.value(a);
  const alertCode = ix.aux(a);
  const name = ALERT_CODES[alertCode];
  let content: GbzAlertContent = { kind: 'none' };
  if (alertCode === 0x8f66 || alertCode === 0x8f67) {
    const mc = u16(b, v + 1);
    const uc = messageCodeInfo(mc)?.useCase;
    content = {
      kind: 'future-dated',
      messageCode: mc,
      ...(uc ? { useCase: uc } : {}),
      originatorCounter: new DataView(b.buffer, b.byteOffset).getBigUint64(v + 3),
      clusterId: u16(b, v + 11),
      frameControl: b[v + 13]!,
      commandId: b[v + 14]!,
    };
  } else if (alertCode === 0x8f72 || alertCode === 0x8f1c) {
    content = { kind: 'firmware-hash', hash: b.subarray(v + 2, v + 34) };
  } else if (alertCode === 0x81a0) {
    content = { kind: 'code', code: u16(b, v) };
  }
  return { alertCode, ...(name ? { alertName: name } : {}), time: time(u32(b, s + 2)), content };
}

export function buildGbzComponent(ix: NodeIndex, c: number, offsetBase: number): GbzComponent {
  const b = ix.bytes;
  const s = ix.start(c);
  const control = ix.tag(c);
  const clusterId = ix.aux(c);
  const end = ix.end(c);
  let q = s + 5;
  let fromDateTime: GbzTime | undefined;
  if (control & 0x10) {
    fromDateTime = time(u32(b, q));
    q += 4;
  }
  const additional = control & 0x02 ? { control: b[q]!, frameCounter: b[q + 1]! } : undefined;
  const h = ix.value(c);
  const zcl = zclHeader(clusterId, b[h]!, b[h + 1]!, b[h + 2]!);
  const cn = ZCL_CLUSTERS[clusterId];
  // Built as one literal with optional fields assigned after: object spreads cost ~1 µs each.
  const out = { control, lastComponent: (control & 0x01) !== 0, clusterId } as Record<string, unknown>;
  if (cn) out.clusterName = cn;
  if (fromDateTime) out.fromDateTime = fromDateTime;
  out.zcl = zcl;
  if (additional) {
    out.encrypted = true;
    out.additionalHeader = additional;
    out.ciphertext = b.subarray(h + 5, end);
  } else {
    const payload = b.subarray(h + 3, end);
    out.encrypted = false;
    out.payload = payload;
    out.command = decodeZclPayload(payload, { clusterId, frameControl: zcl.frameControl, commandId: zcl.commandId }, offsetBase + h + 3);
  }
  return out as unknown as GbzComponent;
}

export function buildGbz(ix: NodeIndex, offsetBase = 0): GbzPayload {
  const b = ix.bytes;
  const components: GbzComponent[] = [];
  let alert: GbzAlert | undefined;
  const stop = ix.next(0);
  for (let c = 1; c < stop; c = ix.next(c)) {
    if (ix.cls(c) === 17) alert = buildAlert(ix, c);
    else components.push(buildGbzComponent(ix, c, offsetBase));
  }
  return { format: 'GBZ', type: 'gbz', profileId: u16(b, 0), componentCount: ix.aux(0), ...(alert ? { alert } : {}), components };
}

export function encodeGbz(g: GbzPayload): Uint8Array {
  const w = new ByteWriter();
  w.u16be(g.profileId ?? 0x0109).u8(g.componentCount ?? g.components.length);
  if (g.alert) {
    const a = g.alert;
    w.u16be(a.alertCode).u32be(a.time.seconds);
    const c = a.content;
    if (c.kind === 'future-dated') {
      w.u8(0x0e).u16be(c.messageCode);
      const cb = new Uint8Array(8);
      new DataView(cb.buffer).setBigUint64(0, BigInt(c.originatorCounter));
      w.bytes(cb).u16be(c.clusterId).u8(c.frameControl).u8(c.commandId);
    } else if (c.kind === 'firmware-hash') {
      if (c.hash.length !== 32) throw new GbcsEncodeError('GBZ alert hash', 'must be 32 bytes');
      w.u8(0x09).u8(0x20).bytes(c.hash);
    } else if (c.kind === 'code') {
      w.u16be(c.code);
    }
  }
  for (const comp of g.components) {
    const body = new ByteWriter();
    if (comp.fromDateTime) body.u32be(comp.fromDateTime.seconds);
    if (comp.encrypted) body.u8(comp.additionalHeader.control).u8(comp.additionalHeader.frameCounter);
    body.u8(comp.zcl.frameControl).u8(comp.zcl.sequenceNumber).u8(comp.zcl.commandId);
    if (comp.encrypted) body.u16be(comp.ciphertext.length).bytes(comp.ciphertext);
    else body.bytes(encodeZclPayload(comp.command));
    const bytes = body.finish();
    if (bytes.length > 0xffff) throw new GbcsEncodeError('GBZ component', 'longer than 65535 bytes');
    // The flags are derived from the content so the two cannot disagree.
    const control = (comp.control & ~0x12) | (comp.fromDateTime ? 0x10 : 0) | (comp.encrypted ? 0x02 : 0);
    w.u8(control).u16be(comp.clusterId).u16be(bytes.length).bytes(bytes);
  }
  return w.finish();
}
