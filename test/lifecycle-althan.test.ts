import { describe, expect, it } from 'vitest';
import { GbcsDecodeError } from '../src/index.js';
import { AltHanPackageError, Premises, buildFirmwarePackage, summarizePackageImage, splitFirmwarePackage } from '../src/lifecycle/index.js';
import { sha256hex, upgradeImage } from './lifecycle-helpers.js';

// Alt HAN bridges of one manufacturer (0x1234), one image type per variant.
const TYPE = { B1: 0x0101, B2: 0x0102, B3: 0x0103, B4: 0x0104 } as const;
const site = () =>
  new Premises('flat-12', [
    { eui: '00db00000000b001', deviceType: 'PPMID', altHanVariant: 'B1', manufacturerCode: 0x1234, imageType: TYPE.B1, firmwareVersion: '00000001' },
    { eui: '00db00000000b003', deviceType: 'PPMID', altHanVariant: 'B3', manufacturerCode: 0x1234, imageType: TYPE.B3 },
    { eui: '00db00000000b004', deviceType: 'PPMID', altHanVariant: 'B4', manufacturerCode: 0x1234, imageType: TYPE.B4 },
    { eui: '00db00000000b005', deviceType: 'PPMID', altHanVariant: 'B4', manufacturerCode: 0x1234, imageType: TYPE.B4 },
    { eui: '00db1234567890a0', deviceType: 'ESME', manufacturerCode: 0x121d, imageType: 0x0000 },
  ]);
const img = (variant: keyof typeof TYPE, version = 2, extra: object = {}) =>
  upgradeImage({ manufacturerCode: 0x1234, imageType: TYPE[variant], fileVersion: version, seed: version * 10 + TYPE[variant], ...extra });

describe('GBCS 5.2 Upgrade Image summary', () => {
  it('GBCS 5.2: the Manufacturer Image hash is SHA-256 of the Manufacturer Image only', () => {
    const body = Uint8Array.from({ length: 77 }, (_, i) => i);
    const s = summarizePackageImage(upgradeImage({ manufacturerCode: 0x121d, imageType: 0, fileVersion: 0xacdcacdc, body, hwVersions: [0x1111, 0x1211] }));
    expect(s.headerLength).toBe(60);
    expect(s.fileVersion).toBe('acdcacdc');
    expect(s.manufacturerCode).toBe(0x121d);
    expect([...s.manufacturerImage]).toEqual([...body]);
    expect(s.manufacturerImageHash).toBe(sha256hex(body));
  });

  it('GBCS 5.2: reads the optional destination EUI-64', () => {
    expect(summarizePackageImage(img('B3', 2, { destination: '00db00000000b003' })).destination).toBe('00db00000000b003');
  });

  it('GBCS 5.2: malformed images raise GbcsDecodeError with the offset (bounded fuzz)', () => {
    const good = img('B1');
    expect(() => summarizePackageImage(good.subarray(0, 40))).toThrowError(GbcsDecodeError);
    const bad = good.slice();
    bad[0] = 0;
    expect(() => summarizePackageImage(bad)).toThrow(/byte 0 .*1E F1 EE 0B/);
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 1000) / 1000;
    for (let i = 0; i < 3000; i++) {
      const m = good.slice(0, Math.max(1, Math.floor(rnd() * (good.length + 1))));
      const k = Math.floor(rnd() * 4);
      for (let j = 0; j < k; j++) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
      try {
        const s = summarizePackageImage(m);
        expect(s.totalSize).toBe(m.length);
      } catch (e) {
        expect(e).toBeInstanceOf(GbcsDecodeError);
        expect((e as GbcsDecodeError).offset).toBeGreaterThanOrEqual(0);
        expect((e as GbcsDecodeError).offset).toBeLessThanOrEqual(m.length);
      }
    }
  });
});

describe('MP170 Alt HAN premises', () => {
  it('MP170: an Alt HAN bridge joins as a PPMID variant (B1-B4)', () => {
    expect(() => new Premises('p', [{ eui: '00db000000000001', deviceType: 'ESME', altHanVariant: 'B1', manufacturerCode: 1, imageType: 1 }])).toThrow(/joins as a PPMID/);
    expect(() => new Premises('p', [{ eui: '00db000000000001', deviceType: 'PPMID', altHanVariant: 'B5' as never, manufacturerCode: 1, imageType: 1 }])).toThrow(/B1-B4/);
    expect(() => new Premises('p', [{ eui: '00db00000000000', deviceType: 'PPMID', manufacturerCode: 1, imageType: 1 }])).toThrow(/16 hex/);
    expect(site().bridges('B4').map((d) => d.eui)).toEqual(['00db00000000b004', '00db00000000b005']);
    const p = Premises.fromJSON(JSON.stringify({ id: 'x', devices: [{ eui: '00DB00000000B001', deviceType: 'ppmid', altHanVariant: 'B1', manufacturerCode: '0x1234', imageType: '0101' }] }));
    expect(p.devices[0]).toMatchObject({ eui: '00db00000000b001', deviceType: 'PPMID', manufacturerCode: 0x1234, imageType: 0x101 });
  });
});

describe('MP170 Alt HAN firmware packages', () => {
  it('MP170: per-bridge design: a bridge gets its own image, delivered to itself, and the split reports the device', () => {
    const i1 = img('B1', 7);
    const { bytes, manifest } = buildFirmwarePackage(site(), [i1], 'per-bridge');
    expect(manifest.images).toEqual([
      expect.objectContaining({ variant: 'B1', deliveredTo: 'B1', fileVersion: '00000007', manufacturerImageHash: summarizePackageImage(i1).manufacturerImageHash, devices: ['00db00000000b001'] }),
    ]);
    const split = splitFirmwarePackage(site(), bytes);
    expect(split.images).toHaveLength(1);
    expect([...split.images[0]!.image]).toEqual([...i1]);
    expect(split.images[0]!.devices.map((d) => d.eui)).toEqual(['00db00000000b001']);
    expect(split.images[0]!.deliveredTo.map((d) => d.eui)).toEqual(['00db00000000b001']);
  });

  it('MP170: per-bridge design holds exactly one bridge image', () => {
    expect(() => buildFirmwarePackage(site(), [img('B1'), img('B3')], 'per-bridge')).toThrow(/one bridge's image/);
  });

  it('MP170: combined design: bridges 3 and 4 packaged together, bridge 3 fetches for the sleepy bridge 4', () => {
    const b3 = img('B3', 5);
    const b4 = img('B4', 9);
    const { bytes, manifest } = buildFirmwarePackage(site(), [b3, b4], 'bridge3-carries-bridge4');
    expect(manifest.images.map((e) => [e.variant, e.deliveredTo, e.devices.length])).toEqual([
      ['B3', 'B3', 1],
      ['B4', 'B3', 2],
    ]);
    const split = splitFirmwarePackage(site(), bytes);
    const forB4 = split.images.find((x) => x.entry.variant === 'B4')!;
    expect([...forB4.image]).toEqual([...b4]);
    expect(forB4.devices.map((d) => d.eui)).toEqual(['00db00000000b004', '00db00000000b005']);
    expect(forB4.deliveredTo.map((d) => d.eui)).toEqual(['00db00000000b003']);
  });

  it('MP170: combined design refuses anything but one B3 and one B4 image', () => {
    expect(() => buildFirmwarePackage(site(), [img('B3')], 'bridge3-carries-bridge4')).toThrow(/exactly the B3 and B4/);
    expect(() => buildFirmwarePackage(site(), [img('B3'), img('B4'), img('B4', 3)], 'bridge3-carries-bridge4')).toThrow(/two images for bridge B4/);
  });

  it('MP170: refuses the combined design at premises without a bridge 3 to fetch for bridge 4', () => {
    const noB3 = new Premises('p2', site().devices.filter((d) => d.altHanVariant !== 'B3'));
    const b3elsewhere = img('B3');
    expect(() => buildFirmwarePackage(noB3, [b3elsewhere, img('B4')], 'bridge3-carries-bridge4')).toThrowError(AltHanPackageError);
  });

  it('MP170: refuses an image that matches no device on site, naming the image', () => {
    const alien = upgradeImage({ manufacturerCode: 0x9999, imageType: TYPE.B1, fileVersion: 1 });
    try {
      buildFirmwarePackage(site(), [alien], 'per-bridge');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AltHanPackageError);
      expect((e as AltHanPackageError).code).toBe('no-device-on-site');
      expect((e as Error).message).toMatch(/manufacturer 0x9999.*matches no device at premises flat-12/);
    }
    // B2 is a real variant but none is installed at this premises.
    expect(() => buildFirmwarePackage(site(), [img('B2')], 'per-bridge')).toThrow(/matches no device/);
    // An image for the ESME is not an Alt HAN bridge image.
    expect(() => buildFirmwarePackage(site(), [upgradeImage({ manufacturerCode: 0x121d, imageType: 0, fileVersion: 1 })], 'per-bridge')).toThrow(/not an Alt HAN bridge/);
  });

  it('MP170: an image addressed to one EUI is for that device only', () => {
    const { manifest } = buildFirmwarePackage(site(), [img('B3'), img('B4', 2, { destination: '00db00000000b005' })], 'bridge3-carries-bridge4');
    expect(manifest.images[1]!.devices).toEqual(['00db00000000b005']);
    expect(() => buildFirmwarePackage(site(), [img('B1', 2, { destination: '00db00000000ffff' })], 'per-bridge')).toThrow(/addressed to 00db00000000ffff/);
  });

  it('MP170: the splitter refuses a package that does not match the devices on site', () => {
    const { bytes } = buildFirmwarePackage(site(), [img('B3'), img('B4')], 'bridge3-carries-bridge4');
    const otherSite = new Premises('flat-14', [{ eui: '00db00000000c001', deviceType: 'PPMID', altHanVariant: 'B1', manufacturerCode: 0x1234, imageType: TYPE.B1 }]);
    expect(() => splitFirmwarePackage(otherSite, bytes)).toThrow(/matches no device at premises flat-14/);
  });

  it('MP170: the splitter refuses an image whose Manufacturer Image hash differs from the manifest', () => {
    const { bytes, manifest } = buildFirmwarePackage(site(), [img('B1')], 'per-bridge');
    const tampered = bytes.slice();
    const imageStart = tampered.length - manifest.images[0]!.length;
    tampered[imageStart + 100] ^= 0xff; // inside the Manufacturer Image
    try {
      splitFirmwarePackage(site(), tampered);
      expect.unreachable();
    } catch (e) {
      expect((e as AltHanPackageError).code).toBe('hash-mismatch');
    }
    expect([...splitFirmwarePackage(site(), bytes).images[0]!.image]).toEqual([...bytes.subarray(imageStart)]); // original untouched
  });

  it('MP170: the splitter refuses a manifest that lies about the variant or delivery', () => {
    const { bytes, manifest } = buildFirmwarePackage(site(), [img('B3'), img('B4')], 'bridge3-carries-bridge4');
    const rewrite = (m: object) => {
      const json = new TextEncoder().encode(JSON.stringify(m));
      const images = bytes.subarray(9 + new DataView(bytes.buffer).getUint32(5));
      const out = new Uint8Array(9 + json.length + images.length);
      out.set(bytes.subarray(0, 5));
      new DataView(out.buffer).setUint32(5, json.length);
      out.set(json, 9);
      out.set(images, 9 + json.length);
      return out;
    };
    const lieDelivery = { ...manifest, images: manifest.images.map((e) => ({ ...e, deliveredTo: e.variant })) };
    expect(() => splitFirmwarePackage(site(), rewrite(lieDelivery))).toThrow(/delivers it to B4/);
    const lieVariant = { ...manifest, images: manifest.images.map((e, i) => (i === 1 ? { ...e, variant: 'B1' } : e)) };
    expect(() => splitFirmwarePackage(site(), rewrite(lieVariant))).toThrow(/manifest says bridge B1/);
    expect(splitFirmwarePackage(site(), rewrite(manifest)).images).toHaveLength(2);
  });

  it('MP170: malformed packages raise GbcsDecodeError with the offset (bounded fuzz)', () => {
    const { bytes } = buildFirmwarePackage(site(), [img('B3'), img('B4')], 'bridge3-carries-bridge4');
    expect(() => splitFirmwarePackage(site(), bytes.subarray(0, 5))).toThrowError(GbcsDecodeError);
    const extra = new Uint8Array(bytes.length + 1);
    extra.set(bytes);
    expect(() => splitFirmwarePackage(site(), extra)).toThrow(/end of package/);
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 100000) / 100000;
    for (let i = 0; i < 2000; i++) {
      const m = bytes.slice(0, Math.max(1, Math.floor(rnd() * (bytes.length + 1))));
      for (let j = 0; j < 3; j++) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
      try {
        splitFirmwarePackage(site(), m);
      } catch (e) {
        expect(e instanceof GbcsDecodeError || e instanceof AltHanPackageError).toBe(true);
      }
    }
  });
});
