import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GbcsDecodeError } from '../src/index.js';
import { FAILURE_ATTRIBUTION, SMI_VISIBLE_BRIDGES, AltHanPackageError, Premises, buildFirmwarePackage, summarizePackageImage, splitFirmwarePackage } from '../src/lifecycle/index.js';
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

/** The real SR 11.4 sample's FirmwareImage (independent source: @smartdcc/duis-templates). */
function ppmidSampleImage(): Uint8Array {
  const dir = join(dirname(createRequire(import.meta.url).resolve('@smartdcc/duis-templates/package.json')), 'templates');
  const xml = readFileSync(join(dir, '11.4_UPDATE_PPMID_FIRMWARE_REQUEST_DUIS.XML'), 'utf8');
  return new Uint8Array(Buffer.from(/<sr:FirmwareImage>([^<]+)</.exec(xml)![1]!, 'base64'));
}

describe('MP170 PPMID images without the GBCS trailer, option B, SMI visibility, variant corrections', () => {
  it('MP170: the real SR 11.4 PPMID sample (60 + 235 bytes, no GBCS trailer) is accepted by the Alt HAN packager', () => {
    const image = ppmidSampleImage();
    expect(image.length).toBe(295);
    const s = summarizePackageImage(image);
    expect(s).toMatchObject({ form: 'gbcs-unsigned', headerLength: 60, totalSize: 295, manufacturerCode: 0x121d, imageType: 0x0084, fileVersion: 'acdcacdc' });
    expect(s.manufacturerImage.length).toBe(235);
    expect(s.manufacturerImageHash).toBe(sha256hex(image.subarray(60)));
    const premises = new Premises('sample', [{ eui: '00db1234567890a4', deviceType: 'PPMID', altHanVariant: 'B1', manufacturerCode: 0x121d, imageType: 0x0084 }]);
    const { bytes, manifest } = buildFirmwarePackage(premises, [image], 'per-bridge');
    expect(manifest.images[0]).toMatchObject({ form: 'gbcs-unsigned', variant: 'B1', length: 295 });
    const split = splitFirmwarePackage(premises, bytes);
    expect([...split.images[0]!.image]).toEqual([...image]);
  });

  it('MP170: option B (bridge1-orchestrates): one package for every bridge installed, all delivered to bridge 1, failures attributed to the package', () => {
    const premises = new Premises('flat-7', [
      { eui: '00db00000000b001', deviceType: 'PPMID', altHanVariant: 'B1', manufacturerCode: 0x1234, imageType: TYPE.B1 },
      { eui: '00db00000000b003', deviceType: 'PPMID', altHanVariant: 'B3', manufacturerCode: 0x1234, imageType: TYPE.B3 },
      { eui: '00db00000000b004', deviceType: 'PPMID', altHanVariant: 'B4', manufacturerCode: 0x1234, imageType: TYPE.B4 },
    ]);
    const { bytes, manifest } = buildFirmwarePackage(premises, [img('B1'), img('B3'), img('B4')], 'bridge1-orchestrates');
    expect(manifest.images.map((e) => [e.variant, e.deliveredTo])).toEqual([['B1', 'B1'], ['B3', 'B1'], ['B4', 'B1']]);
    const split = splitFirmwarePackage(premises, bytes);
    for (const i of split.images) {
      expect(i.deliveredTo.map((d) => d.eui)).toEqual(['00db00000000b001']);
      expect(i.failureAttributedTo).toBe('package');
    }
    expect(FAILURE_ATTRIBUTION['per-bridge']).toBe('device');
    // Every installed bridge must be in the package.
    expect(() => buildFirmwarePackage(premises, [img('B1'), img('B3')], 'bridge1-orchestrates')).toThrow(/missing \[B4\]/);
    // No bridge 1 on site: nobody to orchestrate.
    const noB1 = new Premises('flat-8', [{ eui: '00db00000000b003', deviceType: 'PPMID', altHanVariant: 'B3', manufacturerCode: 0x1234, imageType: TYPE.B3 }]);
    expect(() => buildFirmwarePackage(noB1, [img('B3')], 'bridge1-orchestrates')).toThrow(/delivered to bridge B1, which is not installed/);
  });

  it('MP170: SMI visibility per design (option A: only B1-B3 are visible)', () => {
    expect(SMI_VISIBLE_BRIDGES['bridge3-carries-bridge4']).toEqual(['B1', 'B2', 'B3']);
    expect(SMI_VISIBLE_BRIDGES['per-bridge']).toEqual(['B1', 'B2', 'B3', 'B4']);
    expect(SMI_VISIBLE_BRIDGES['bridge1-orchestrates']).toEqual(['B1']);
    const { bytes, manifest } = buildFirmwarePackage(site(), [img('B3'), img('B4')], 'bridge3-carries-bridge4');
    expect(manifest.images.map((e) => [e.variant, e.smiVisible])).toEqual([['B3', true], ['B4', false]]);
    expect(splitFirmwarePackage(site(), bytes).images.map((i) => i.smiVisible)).toEqual([true, false]);
  });

  it('MP170: a PPMID variant corrected after commissioning is audited (who, when, why) and changes what the packager matches', () => {
    const p = site();
    // 00db00000000b005 was commissioned as B4; it is really a plain PPMID.
    const author = { who: 'installer-42', why: 'commissioned with the wrong variant', when: '2026-01-02T03:04:05Z' };
    const after = p.correctAltHanVariant('00-DB-00-00-00-00-B0-05', undefined, author);
    expect(after.altHanVariant).toBeUndefined();
    expect(p.audit).toEqual([{ seq: 1, eui: '00db00000000b005', before: 'B4', after: undefined, who: 'installer-42', when: '2026-01-02T03:04:05.000Z', why: 'commissioned with the wrong variant' }]);
    // The B4 image now matches one bridge and one plain PPMID: refused, naming the PPMID.
    expect(() => buildFirmwarePackage(p, [img('B3'), img('B4')], 'bridge3-carries-bridge4')).toThrow(/not an Alt HAN bridge/);
    p.correctAltHanVariant('00db00000000b005', 'B4', { who: 'installer-42', why: 'it was a B4 after all' });
    expect(p.audit.map((r) => [r.before, r.after])).toEqual([['B4', undefined], [undefined, 'B4']]);
    // Refused without who/why, on a non-PPMID, to the same variant; the record is untouched.
    expect(() => p.correctAltHanVariant('00db00000000b005', 'B3', { who: '', why: 'x' })).toThrow(/who made the correction/);
    expect(() => p.correctAltHanVariant('00db1234567890a0', 'B1', author)).toThrow(/a ESME has no PPMID variant/);
    expect(() => p.correctAltHanVariant('00db00000000b005', 'B4', author)).toThrow(/already has variant B4/);
    expect(() => p.correctAltHanVariant('00db00000000b005', 'B9' as never, author)).toThrow(/B1-B4 or none/);
    expect(p.audit).toHaveLength(2);
    // The trail survives a JSON save and load, and must agree with the device records.
    const back = Premises.fromJSON(JSON.stringify(p));
    expect(back.audit).toEqual(p.audit);
    expect(back.devices).toEqual(p.devices);
    const doc = JSON.parse(JSON.stringify(p));
    doc.audit[1].after = 'B2';
    expect(() => Premises.fromJSON(doc)).toThrow(/the device record disagrees/);
  });
});
