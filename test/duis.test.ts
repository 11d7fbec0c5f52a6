// DUIS XML (issue 14 items 8-9). Independent sources: the 297 sample requests of
// @smartdcc/duis-templates, and @smartdcc/duis-parser (its own fast-xml-parser set-up) as a
// second reader of every message, including the responses and alerts written here.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FirmwareTracker } from '../src/lifecycle/index.js';
import {
  GbcsDecodeError,
  dccAlertTrackerInput,
  decodeFirmwareMessage,
  duisActivateFirmwareRequest,
  duisFirmwareImage,
  duisGbcsPayloads,
  duisReadFirmwareVersionRequest,
  duisUpdateFirmwareRequest,
  encodeFrame,
  inspectDuis,
  parseUpgradeImage,
  readDuis,
  toHex,
  type DuisMessage,
} from '../src/index.js';
import { ecs52Response, fdra, hashFor } from './lifecycle-day.js';

const require = createRequire(import.meta.url);
const duisParser = require('@smartdcc/duis-parser') as typeof import('@smartdcc/duis-parser');
const TEMPLATES = join(dirname(require.resolve('@smartdcc/duis-templates/package.json')), 'templates');
const template = (name: string) => readFileSync(join(TEMPLATES, name), 'utf8');
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** Our reading compared with duis-parser's 'simplified' one (its CV / SRV lookups reduced to their numbers). */
function crossCheck(xml: string, ours: DuisMessage): void {
  const theirs = duisParser.parseDuis('simplified', xml);
  expect(ours.body).toEqual(theirs.body);
  if (theirs.header.type === 'request') {
    expect(ours.type).toBe('request');
    if (ours.type !== 'request') return;
    expect(ours.header.requestId).toEqual(theirs.header.requestId);
    expect(ours.header.commandVariant).toBe(theirs.header.commandVariant.number);
    expect(ours.header.serviceReference).toBe(theirs.header.serviceReference);
    expect(ours.header.serviceReferenceVariant).toBe(theirs.header.serviceReferenceVariant['Service Reference Variant']);
  } else {
    expect(ours.type).toBe('response');
    expect({ type: 'response', ...ours.header }).toEqual(theirs.header);
  }
}

const SUPPLIER = '90-B3-D5-1F-30-01-00-00';
const DCC = '90-B3-D5-1F-30-00-00-02';
const response = (header: string, body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<sr:Response xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" schemaVersion="5.4"><sr:Header>${header}</sr:Header><sr:Body>${body}</sr:Body></sr:Response>\n`;

describe('DUIS requests: the 297 duis-templates samples', () => {
  const files = readdirSync(TEMPLATES).filter((f) => /\.XML$/i.test(f));

  it('DUIS read: every sample request is read, and agrees with duis-parser field by field', () => {
    expect(files.length).toBe(297);
    let crossChecked = 0;
    for (const f of files) {
      const xml = template(f);
      const m = readDuis(xml);
      expect(m.type, f).toBe('request');
      if (m.type !== 'request') continue;
      expect(m.header.serviceReference, f).toMatch(/^\d+\.\d+/);
      expect(m.serviceRequest.length, f).toBeGreaterThan(0);
      expect(m.signed, f).toBe(true);
      expect(m.schemaVersion).toBe('5.4');
      let theirs: unknown;
      try {
        theirs = duisParser.parseDuis('simplified', xml);
      } catch {
        continue; // duis-parser does not know every SRV of the newer templates
      }
      if (theirs) (crossCheck(xml, m), crossChecked++);
    }
    expect(crossChecked).toBeGreaterThan(250);
  });

  it('DUIS read: SR 11.1 FirmwareImage is the OTA upgrade image of GBCS.md 5.2 (361 bytes, hash 7542f475...)', () => {
    const m = readDuis(template('11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML'));
    const img = duisFirmwareImage(m)!;
    expect(img.path).toBe('UpdateFirmware/FirmwareImage');
    expect(img.bytes.length).toBe(361);
    const u = parseUpgradeImage(img.bytes);
    expect(u.form).toBe('gbcs');
    expect(require('node:crypto').createHash('sha256').update(u.manufacturerImage).digest('hex')).toBe('7542f475e3f12eae887d81e32c46d313741d67076b13caec2f82e00ba5e1bb36');
    const i = inspectDuis(m);
    expect(i).toMatchObject({ type: 'request', serviceReference: '11.1', commandVariant: 8, content: 'UpdateFirmware', counter: 1000n });
    expect(i.parties).toEqual([
      { role: 'originator', from: 'RequestID', eui: '90b3d51f30010000' },
      { role: 'target', from: 'RequestID', eui: '90b3d51f30000002' },
    ]);
    expect(i.fields).toContainEqual({ path: 'UpdateFirmware/DeviceIDList', value: '00-DB-12-34-56-78-90-A0' });
  });
});

describe('DUIS responses and alerts (written here, cross-checked with duis-parser)', () => {
  const frame = encodeFrame(ecs52Response('00db1234567890a0', 1001n, '00020003'));
  const alert = encodeFrame(fdra('00db1234567890a0', false, 77n, hashFor('v2')));

  it('DUIS read: ResponseMessage with GBCSPayload: header, parties and the decoded frame', () => {
    const xml = response(
      `<sr:RequestID>${SUPPLIER}:00-DB-12-34-56-78-90-A0:1001</sr:RequestID><sr:ResponseCode>I0</sr:ResponseCode><sr:ResponseDateTime>2025-11-21T09:00:00.000Z</sr:ResponseDateTime>`,
      `<sr:ResponseMessage><sr:ServiceReference>11.2</sr:ServiceReference><sr:ServiceReferenceVariant>11.2</sr:ServiceReferenceVariant><sr:GBCSPayload>${b64(frame)}</sr:GBCSPayload></sr:ResponseMessage>`,
    );
    const m = readDuis(xml);
    crossCheck(xml, m);
    expect(duisParser.isSimplifiedDuisResponseBody_ResponseMessage_X('GBCSPayload', m.body)).toBe(true);
    const i = inspectDuis(m);
    expect(i).toMatchObject({ type: 'response', serviceReference: '11.2', content: 'ResponseMessage', responseCode: 'I0', counter: 1001n });
    expect(i.frames).toHaveLength(1);
    expect(toHex(i.frames[0]!.frame!.bytes)).toBe(toHex(frame));
    expect(decodeFirmwareMessage(i.frames[0]!.frame!)).toMatchObject({ type: 'firmware-version' });
    // The README's fixture reads the same way with both readers.
    const fixture = readFileSync(new URL('./fixtures/duis-ecs52-response.xml', import.meta.url), 'utf8');
    crossCheck(fixture, readDuis(fixture));
  });

  it('DUIS read: ResponseMessage PreCommand { GBCSVersion, GBCSPayload }', () => {
    const xml = response(
      `<sr:RequestID>${SUPPLIER}:00-DB-12-34-56-78-90-A0:1002</sr:RequestID><sr:ResponseCode>I99</sr:ResponseCode><sr:ResponseDateTime>2025-11-21T09:00:01.000Z</sr:ResponseDateTime>`,
      `<sr:ResponseMessage><sr:ServiceReference>11.3</sr:ServiceReference><sr:ServiceReferenceVariant>11.3</sr:ServiceReferenceVariant><sr:PreCommand><sr:GBCSVersion>4.0</sr:GBCSVersion><sr:GBCSPayload>${b64(frame)}</sr:GBCSPayload></sr:PreCommand></sr:ResponseMessage>`,
    );
    const m = readDuis(xml);
    crossCheck(xml, m);
    expect(duisParser.isSimplifiedDuisResponseBody_ResponseMessage_X('PreCommand', m.body)).toBe(true);
    expect(duisGbcsPayloads(m).map((p) => p.path)).toEqual(['ResponseMessage/PreCommand/GBCSPayload']);
  });

  it('DUIS read: DeviceAlertMessage { AlertCode, GBCSPayload } carries the device-signed alert', () => {
    const xml = response(
      `<sr:ResponseID>00-DB-12-34-56-78-90-A0:${SUPPLIER}:77</sr:ResponseID><sr:ResponseCode>I0</sr:ResponseCode><sr:ResponseDateTime>2025-11-21T09:00:02.000Z</sr:ResponseDateTime>`,
      `<sr:DeviceAlertMessage><sr:AlertCode>8F72</sr:AlertCode><sr:GBCSPayload>${b64(alert)}</sr:GBCSPayload></sr:DeviceAlertMessage>`,
    );
    const m = readDuis(xml);
    crossCheck(xml, m);
    expect(duisParser.isSimplifiedDuisResponseBody_DeviceAlertMessage(m.body)).toBe(true);
    const i = inspectDuis(m);
    expect(i).toMatchObject({ content: 'DeviceAlertMessage', alertCode: '8F72', counter: 77n });
    expect(i.parties[0]).toEqual({ role: 'originator', from: 'ResponseID', eui: '00db1234567890a0' });
    expect(i.frames[0]!.frame!.messageCode).toBe(0x00ce);
  });

  it('DUIS read: DCCAlertMessage N52 becomes a tracker input (GSME firmware version mismatch)', () => {
    const xml = response(
      `<sr:ResponseID>${DCC}:${SUPPLIER}:9</sr:ResponseID><sr:ResponseCode>I0</sr:ResponseCode><sr:ResponseDateTime>2025-11-21T09:00:03.000Z</sr:ResponseDateTime>`,
      `<sr:DCCAlertMessage><sr:DCCAlertCode>N52</sr:DCCAlertCode><sr:DCCAlert><sr:FirmwareVersionMismatch><sr:GSMEDeviceID>00-DB-12-34-56-78-90-A1</sr:GSMEDeviceID><sr:FirmwareVersion>0000000A</sr:FirmwareVersion></sr:FirmwareVersionMismatch></sr:DCCAlert></sr:DCCAlertMessage>`,
    );
    const m = readDuis(xml);
    crossCheck(xml, m);
    expect(duisParser.isSimplifiedDuisResponseBody_DCCAlertMessage(m.body)).toBe(true);
    const input = dccAlertTrackerInput(m)!;
    expect(input).toEqual({ code: 'N52', deviceId: '00db1234567890a1', firmwareVersion: '0000000a' });
    const t = new FirmwareTracker({ devices: [{ eui: '00db1234567890a1', deviceType: 'GSME' }] });
    t.consumeDccAlert(input);
    expect(t.state('00db1234567890a1')!.versionMismatch).toMatchObject({ version: '0000000a' });
    expect(inspectDuis(m)).toMatchObject({ content: 'DCCAlertMessage', alertCode: 'N52' });
  });

  it('DUIS read: one malformed GBCSPayload is reported on its own; bad base64 is a typed error', () => {
    const bad = response(
      `<sr:RequestID>${SUPPLIER}:00-DB-12-34-56-78-90-A0:1</sr:RequestID><sr:ResponseCode>I0</sr:ResponseCode><sr:ResponseDateTime>x</sr:ResponseDateTime>`,
      `<sr:ResponseMessage><sr:ServiceReference>11.2</sr:ServiceReference><sr:ServiceReferenceVariant>11.2</sr:ServiceReferenceVariant><sr:GBCSPayload>${b64(frame.subarray(0, 20))}</sr:GBCSPayload></sr:ResponseMessage>`,
    );
    const i = inspectDuis(readDuis(bad));
    expect(i.frames[0]!.error).toBeInstanceOf(GbcsDecodeError);
    expect(() => duisGbcsPayloads(readDuis(bad.replace(/<sr:GBCSPayload>[^<]*/, '<sr:GBCSPayload>not base64!')))).toThrow(/base64 in ResponseMessage\/GBCSPayload/);
  });
});

describe('DUIS hostile input', () => {
  const expectDecodeError = (f: () => unknown, code: string) => {
    try {
      f();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GbcsDecodeError);
      expect((e as GbcsDecodeError).code).toBe(code);
    }
  };
  it('DUIS hostile: nesting, element count and size are bounded before parsing; DOCTYPE (entity expansion) is refused', () => {
    expectDecodeError(() => readDuis(`<sr:Request>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</sr:Request>`), 'duis-too-deep');
    expectDecodeError(() => readDuis(`<sr:Request>${'<a/>'.repeat(200_000)}</sr:Request>`), 'duis-too-many-elements');
    expectDecodeError(() => readDuis('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><r>&b;</r>'), 'duis-doctype');
    expectDecodeError(() => readDuis('<r>x</r>', { maxLength: 4 }), 'input-too-large');
    // Comments and attribute values containing '<' or '>' do not fool the pre-scan.
    expect(readDuis(template('ECS52_11.2_SUCCESS_REQUEST_DUIS.XML').replace('<sr:Header>', '<!-- <<< >>> --><sr:Header>')).type).toBe('request');
  });

  it('DUIS hostile: malformed XML and wrong shapes are GbcsDecodeError with the character offset', () => {
    const xml = template('ECS52_11.2_SUCCESS_REQUEST_DUIS.XML');
    const broken = xml.replace('</sr:Header>', '</sr:Headr>');
    try {
      readDuis(broken);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GbcsDecodeError);
      expect((e as GbcsDecodeError).code).toBe('duis-xml');
      expect(Math.abs((e as GbcsDecodeError).offset - broken.indexOf('</sr:Headr>'))).toBeLessThan(40);
    }
    expectDecodeError(() => readDuis('<x/>'), 'duis-shape');
    expectDecodeError(() => readDuis(xml.replace(/<sr:CommandVariant>1</, '<sr:CommandVariant>9<')), 'duis-shape');
    expectDecodeError(() => readDuis(xml.replace(/<sr:RequestID>[^<]*/, '<sr:RequestID>nope')), 'duis-request-id');
    // Random truncations and byte flips: either read or a GbcsDecodeError, never another error.
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let k = 0; k < 300; k++) {
      const chars = xml.slice(0, Math.floor(rnd() * xml.length)).split('');
      for (let j = 0; j < 3; j++) chars[Math.floor(rnd() * chars.length)] = '<>/"=a '[Math.floor(rnd() * 7)]!;
      try {
        readDuis(chars.join(''));
      } catch (e) {
        expect(e).toBeInstanceOf(GbcsDecodeError);
      }
    }
  });
});

/** Opening tags in order, up to the XMLDSig signature (which the writer leaves to the signer). */
const tagSequence = (xml: string) => [...xml.slice(0, xml.search(/<ds:Signature|<\/sr:Request>/)).matchAll(/<(sr:[A-Za-z]+)/g)].map((m) => m[1]);

describe('DUIS write: firmware service requests, checked against the templates field by field', () => {
  const sameAsTemplate = (ours: string, name: string) => {
    const tpl = template(name);
    expect(tagSequence(ours)).toEqual(tagSequence(tpl));
    const a = readDuis(ours);
    const b = readDuis(tpl);
    expect(a.header).toEqual(b.header);
    expect(a.body).toEqual(b.body);
    expect(a.schemaVersion).toBe(b.schemaVersion);
    expect(a.signed).toBe(false); // unsigned: the service user's XMLDSig step signs it
    crossCheck(ours, a); // duis-parser reads our output the same way
  };

  it('DUIS write: SR 11.1 from an image file equals the 11.1 template', () => {
    const image = duisFirmwareImage(readDuis(template('11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML')))!.bytes;
    const xml = duisUpdateFirmwareRequest({ requestId: { originatorId: '90b3d51f30010000', targetId: '90b3d51f30000002', counter: 1000n }, image, firmwareVersion: '00000000', deviceIds: ['00db1234567890a0'] });
    sameAsTemplate(xml, '11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML');
    // Default FirmwareVersion: the image header's file version.
    expect(duisUpdateFirmwareRequest({ requestId: { originatorId: '90b3d51f30010000', targetId: '90b3d51f30000002', counter: 1 }, image, deviceIds: ['00db1234567890a0'] })).toContain('<sr:FirmwareVersion>ACDCACDC</sr:FirmwareVersion>');
    expect(() => duisUpdateFirmwareRequest({ requestId: { originatorId: '90b3d51f30010000', targetId: '90b3d51f30000002', counter: 1 }, image: image.subarray(0, 30), deviceIds: ['00db1234567890a0'] })).toThrow(GbcsDecodeError);
  });

  it('DUIS write: SR 11.2 equals the ECS52 / GCS38 templates', () => {
    sameAsTemplate(duisReadFirmwareVersionRequest({ requestId: { originatorId: '90b3d51f30010000', targetId: '00db1234567890a0', counter: 1000 } }), 'ECS52_11.2_SUCCESS_REQUEST_DUIS.XML');
    sameAsTemplate(duisReadFirmwareVersionRequest({ requestId: { originatorId: '90-B3-D5-1F-30-01-00-00', targetId: '00:db:12:34:56:78:90:a1', counter: 1000 } }), 'GCS38_11.2_SUCCESS_REQUEST_DUIS.XML');
  });

  it('DUIS write: SR 11.3 immediate, with an execution date-time, and cancel equal the CS06 templates', () => {
    const hash = 'aa758690730934ff0685aa758690730934ff0685657788990011223344556677';
    const id = (counter: number) => ({ originatorId: '90b3d51f30010000', targetId: '00db1234567890a0', counter });
    sameAsTemplate(duisActivateFirmwareRequest({ requestId: id(1000), firmwareHash: hash }), 'CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML');
    sameAsTemplate(duisActivateFirmwareRequest({ requestId: id(1001), firmwareHash: hash, executionDateTime: '2030-01-15T09:00:00Z' }), 'CS06_11.3_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML');
    sameAsTemplate(duisActivateFirmwareRequest({ requestId: id(1002), firmwareHash: hash, cancel: true }), 'CS06_11.3_CANCELLATION_SUCCESS_REQUEST_DUIS.XML');
    expect(() => duisActivateFirmwareRequest({ requestId: id(1), firmwareHash: 'ab' })).toThrow(/64 hex digits/);
    expect(() => duisActivateFirmwareRequest({ requestId: id(1), firmwareHash: hash, executionDateTime: 'soon' })).toThrow(/valid date/);
    expect(() => duisActivateFirmwareRequest({ requestId: id(1), firmwareHash: hash, cancel: true, executionDateTime: new Date() })).toThrow(/no execution date-time with cancel/);
    expect(() => duisActivateFirmwareRequest({ requestId: { ...id(1), targetId: 'xyz' }, firmwareHash: hash })).toThrow(/EUI-64/);
  });
});

describe('DUIS browser safety', () => {
  it('DUIS browser-safe: nothing src/duis imports (transitively, statically) is a node: module', () => {
    const { readFileSync: read } = require('node:fs') as typeof import('node:fs');
    const path = require('node:path') as typeof import('node:path');
    const start = path.resolve(dirname(new URL(import.meta.url).pathname), '../src/duis/index.ts');
    const STATIC = /^\s*(?:import|export)\s+(?!type\b)[^'";]*?\bfrom\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
    const seen = new Set<string>();
    const nodeImports: string[] = [];
    const queue = [start];
    while (queue.length) {
      const f = queue.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      for (const m of read(f, 'utf8').matchAll(STATIC)) {
        const spec = (m[1] ?? m[2])!;
        if (spec.startsWith('node:')) nodeImports.push(`${path.relative(path.dirname(start), f)}: ${spec}`);
        else if (spec.startsWith('.')) queue.push(path.resolve(path.dirname(f), spec.replace(/\.js$/, '.ts')));
      }
    }
    expect(seen.size).toBeGreaterThan(5);
    expect(nodeImports).toEqual([]);
  });
});
