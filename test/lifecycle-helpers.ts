// Test helpers for the firmware lifecycle toolkit: GBCS Upgrade Images built per
// GBCS.md 5.2 (OTA header, Manufacturer Image, 00 40 r||s signed with a P-256 key).
import { createHash, generateKeyPairSync, sign } from 'node:crypto';

const supplier = generateKeyPairSync('ec', { namedCurve: 'P-256' });

export interface ImageSpec {
  manufacturerCode: number;
  imageType: number;
  fileVersion: number;
  /** Manufacturer Image bytes; default: deterministic filler of `size` bytes. */
  body?: Uint8Array;
  size?: number;
  seed?: number;
  destination?: string;
  hwVersions?: [number, number];
}

export function upgradeImage(spec: ImageSpec): Uint8Array {
  const body = spec.body ?? Uint8Array.from({ length: spec.size ?? 200 }, (_, i) => (i * 31 + (spec.seed ?? 1) * 17) & 0xff);
  const fc = (spec.destination ? 2 : 0) | (spec.hwVersions ? 4 : 0);
  const headerLength = 56 + (spec.destination ? 8 : 0) + (spec.hwVersions ? 4 : 0);
  const total = headerLength + body.length + 66;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x0beef11e, true);
  dv.setUint16(4, 0x0100, true);
  dv.setUint16(6, headerLength, true);
  dv.setUint16(8, fc, true);
  dv.setUint16(10, spec.manufacturerCode, true);
  dv.setUint16(12, spec.imageType, true);
  dv.setUint32(14, spec.fileVersion, true);
  dv.setUint16(18, 0x0002, true);
  out.set(new TextEncoder().encode('gbcs-codec test image'.padEnd(32, ' ')), 20);
  dv.setUint32(52, total, true);
  let p = 56;
  // ZigBee OTA header fields are little-endian, the destination IEEE address included.
  if (spec.destination) (out.set(Buffer.from(spec.destination, 'hex').reverse(), p), (p += 8));
  if (spec.hwVersions) (dv.setUint16(p, spec.hwVersions[0], true), dv.setUint16(p + 2, spec.hwVersions[1], true));
  out.set(body, headerLength);
  out[headerLength + body.length] = 0x00;
  out[headerLength + body.length + 1] = 0x40;
  out.set(sign('sha256', body, { key: supplier.privateKey, dsaEncoding: 'ieee-p1363' }), headerLength + body.length + 2);
  return out;
}

export const sha256hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
