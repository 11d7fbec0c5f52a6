// gbcs duis inspect | request, gbcs decode @file.xml, gbcs ota inspect|verify <DUIS file>.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { duisFirmwareImage, encodeFrame, readDuis } from '../src/index.js';
import { runCli } from './cliHarness.js';
import { ecs52Response } from './lifecycle-day.js';

const tmp = mkdtempSync(join(tmpdir(), 'gbcs-duis-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const TEMPLATES = join(dirname(createRequire(import.meta.url).resolve('@smartdcc/duis-templates/package.json')), 'templates');
const T = (name: string) => join(TEMPLATES, name);
const frame = encodeFrame(ecs52Response('00db1234567890a0', 1001n, '00020003'));
const responseFile = join(tmp, 'ecs52-response.xml');
writeFileSync(
  responseFile,
  `<?xml version="1.0" encoding="UTF-8"?>
<sr:Response xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4">
  <sr:Header><sr:RequestID>90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1001</sr:RequestID><sr:ResponseCode>I0</sr:ResponseCode><sr:ResponseDateTime>2025-11-21T09:00:00.000Z</sr:ResponseDateTime></sr:Header>
  <sr:Body><sr:ResponseMessage><sr:ServiceReference>11.2</sr:ServiceReference><sr:ServiceReferenceVariant>11.2</sr:ServiceReferenceVariant><sr:GBCSPayload>${Buffer.from(frame).toString('base64')}</sr:GBCSPayload></sr:ResponseMessage></sr:Body>
</sr:Response>
`,
);

describe('gbcs duis', () => {
  it('DUIS CLI: duis inspect prints the service request, the parties and the decoded GBCS payload', async () => {
    const r = await runCli(['duis', 'inspect', responseFile]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/service request +SR 11\.2/);
    expect(r.stdout).toMatch(/response code +I0/);
    expect(r.stdout).toMatch(/originator \(RequestID\) 90b3d51f30010000/);
    expect(r.stdout).toMatch(/target \(RequestID\) +00db1234567890a0/);
    expect(r.stdout).toMatch(/GBCS payload 1 \(ResponseMessage\/GBCSPayload\):\n.*ECS52/);
    expect(r.stdout).toMatch(/00020003/);
    const j = JSON.parse((await runCli(['duis', 'inspect', '--json', responseFile])).stdout);
    expect(j).toMatchObject({ type: 'response', serviceReference: '11.2', counter: '1001' });
    expect(j.frames[0].frame.messageCode).toBe(0x0059);
    expect(j.frames[0].frame.firmware).toMatchObject({ type: 'firmware-version' });
  });

  it('DUIS CLI: the README fixture (test/fixtures/duis-ecs52-response.xml) inspects to the ECS52 version', async () => {
    const fixture = new URL('./fixtures/duis-ecs52-response.xml', import.meta.url).pathname;
    const r = await runCli(['duis', 'inspect', fixture]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/firmware version +01020304 \(ECS52/);
    expect(r.stdout).not.toMatch(/fields\n/); // SR and SRV are shown once, as the service request
    const d = await runCli(['decode', `@${fixture}`]);
    expect(d.stdout).toContain(readFileSync(new URL('./fixtures/ecs52-response.hex', import.meta.url), 'utf8').trim().slice(-24).toLowerCase());
  });

  it('DUIS CLI: duis inspect on an SR 11.1 request summarises the FirmwareImage', async () => {
    const r = await runCli(['duis', 'inspect', T('11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/firmware image +361 bytes, form gbcs, manufacturer 0x121d, image type 0x0000, file version acdcacdc/);
    expect(r.stdout).toMatch(/fields\n  UpdateFirmware\/FirmwareVersion  00000000\n  UpdateFirmware\/DeviceIDList     00-DB-12-34-56-78-90-A0\n/);
  });

  it('DUIS CLI: malformed XML exits 2 with the offset; a missing file or subcommand exits 1', async () => {
    const bad = join(tmp, 'bad.xml');
    writeFileSync(bad, '<sr:Request><sr:Header></sr:Request>');
    const r = await runCli(['duis', 'inspect', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/byte|offset|duis-xml|well-formed XML/);
    expect((await runCli(['duis', 'inspect', join(tmp, 'none.xml')])).status).toBe(1);
    expect((await runCli(['duis'])).status).toBe(1);
  });

  it('DUIS CLI: gbcs decode @file.xml decodes the GBCS payloads inside a DUIS file', async () => {
    const r = await runCli(['decode', `@${responseFile}`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^# ResponseMessage\/GBCSPayload\n/);
    expect(r.stdout).toMatch(/ECS52/);
    const j = await runCli(['decode', '--json', `@${responseFile}`]);
    expect(JSON.parse(j.stdout)).toMatchObject({ messageCode: 0x0059, originatorCounter: '1001' });
    // A DUIS request without payloads says so.
    const none = await runCli(['decode', `@${T('ECS52_11.2_SUCCESS_REQUEST_DUIS.XML')}`]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/holds no GBCSPayload/);
  });

  it('DUIS CLI: SR 11.1 FirmwareImage goes straight to ota inspect|hash|verify', async () => {
    const r = await runCli(['ota', 'inspect', T('11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/manufacturer image hash +7542f475e3f12eae887d81e32c46d313741d67076b13caec2f82e00ba5e1bb36/);
    expect((await runCli(['ota', 'hash', T('11.4_UPDATE_PPMID_FIRMWARE_REQUEST_DUIS.XML')])).stdout.trim()).toBe('7542f475e3f12eae887d81e32c46d313741d67076b13caec2f82e00ba5e1bb36');
    const repo = join(tmp, 'fir.json');
    writeFileSync(repo, JSON.stringify([{ entryId: 'E', deviceType: 'ESME', manufacturer: 'GFI', model: 'M', firmwareVersion: 'acdcacdc', manufacturerImageHash: '7542f475e3f12eae887d81e32c46d313741d67076b13caec2f82e00ba5e1bb36', manufacturerCode: 0x121d, imageType: 0 }]));
    const v = await runCli(['ota', 'verify', T('11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML'), '--repo', repo]);
    expect(v.stdout).toMatch(/matches repository/);
    expect(v.status).toBe(0);
    const noImage = await runCli(['ota', 'inspect', T('ECS52_11.2_SUCCESS_REQUEST_DUIS.XML')]);
    expect(noImage.status).toBe(1);
    expect(noImage.stderr).toMatch(/without a FirmwareImage/);
  });

  it('DUIS CLI: duis request 11.1 from an image file, 11.2 and 11.3 (at, cancel) write what the templates hold', async () => {
    const tpl = (n: string) => readDuis(readFileSync(T(n), 'utf8'));
    const image = join(tmp, 'sample.ota');
    writeFileSync(image, duisFirmwareImage(tpl('11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML'))!.bytes);
    const out = join(tmp, 'sr11.1.xml');
    const w = await runCli(['duis', 'request', '11.1', '--request-id', '90-B3-D5-1F-30-01-00-00:90-B3-D5-1F-30-00-00-02:1000', '--image', image, '--device', '00-DB-12-34-56-78-90-A0', '--version', '00000000', '-o', out]);
    expect(w.status).toBe(0);
    expect(readDuis(readFileSync(out, 'utf8')).body).toEqual(tpl('11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML').body);
    const id = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0';
    expect(readDuis((await runCli(['duis', 'request', '11.2', '--request-id', `${id}:1000`])).stdout)).toEqual({ ...tpl('ECS52_11.2_SUCCESS_REQUEST_DUIS.XML'), signed: false });
    const hash = 'AA758690730934FF0685AA758690730934FF0685657788990011223344556677';
    expect(readDuis((await runCli(['duis', 'request', '11.3', '--request-id', `${id}:1001`, '--hash', hash, '--at', '2030-01-15T09:00:00Z'])).stdout)).toEqual({ ...tpl('CS06_11.3_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML'), signed: false });
    expect(readDuis((await runCli(['duis', 'request', '11.3', '--request-id', `${id}:1002`, '--hash', hash, '--cancel'])).stdout)).toEqual({ ...tpl('CS06_11.3_CANCELLATION_SUCCESS_REQUEST_DUIS.XML'), signed: false });
    expect((await runCli(['duis', 'request', '11.3', '--request-id', `${id}:1`, '--hash', 'zz'])).status).toBe(1);
    expect((await runCli(['duis', 'request', '11.3', '--request-id', 'nope', '--hash', hash])).status).toBe(1);
    expect((await runCli(['duis', 'request', '11.9', '--request-id', `${id}:1`])).status).toBe(1);
  });
});

describe('gbcs fw track with DUIS files', () => {
  it('DUIS CLI: fw track takes DUIS messages beside frame files, in order (N52 DCC alert, device alert, response)', async () => {
    const { fdra, hashFor, cs06Command, gcs38Response } = await import('./lifecycle-day.js');
    const { toHex } = await import('../src/index.js');
    const GSME = '00db1234567890a1';
    const frames = join(tmp, 'gsme.hex');
    writeFileSync(frames, [gcs38Response(GSME, 1n, '00000001'), fdra(GSME, true, 2n, hashFor('g2'))].map((f) => toHex(encodeFrame(f))).join('\n'));
    const n52 = join(tmp, 'n52.xml');
    writeFileSync(
      n52,
      `<sr:Response xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"><sr:Header><sr:ResponseID>90-B3-D5-1F-30-00-00-02:90-B3-D5-1F-30-01-00-00:9</sr:ResponseID><sr:ResponseCode>I0</sr:ResponseCode><sr:ResponseDateTime>2025-11-21T09:00:03.000Z</sr:ResponseDateTime></sr:Header><sr:Body><sr:DCCAlertMessage><sr:DCCAlertCode>N52</sr:DCCAlertCode><sr:DCCAlert><sr:GSMEDeviceID>00-DB-12-34-56-78-90-A1</sr:GSMEDeviceID></sr:DCCAlert></sr:DCCAlertMessage></sr:Body></sr:Response>`,
    );
    const cmd = join(tmp, 'cs06.hex');
    writeFileSync(cmd, toHex(encodeFrame(cs06Command(GSME, 3n, hashFor('g2')))));
    const r = await runCli(['fw', 'track', '--json', frames, n52, cmd]);
    expect(r.status).toBe(0);
    const state = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((s) => s.eui === GSME);
    expect(state).toMatchObject({ status: 'suspended', runningVersion: '00000001', versionMismatch: { frame: 2 } });
    // A DUIS response carrying the GCS38 read settles it.
    const read = join(tmp, 'gcs38.xml');
    writeFileSync(
      read,
      `<sr:Response xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"><sr:Header><sr:RequestID>90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A1:5</sr:RequestID><sr:ResponseCode>I0</sr:ResponseCode><sr:ResponseDateTime>x</sr:ResponseDateTime></sr:Header><sr:Body><sr:ResponseMessage><sr:ServiceReference>11.2</sr:ServiceReference><sr:ServiceReferenceVariant>11.2</sr:ServiceReferenceVariant><sr:GBCSPayload>${Buffer.from(encodeFrame(gcs38Response(GSME, 5n, '00000002'))).toString('base64')}</sr:GBCSPayload></sr:ResponseMessage></sr:Body></sr:Response>`,
    );
    const s = await runCli(['fw', 'track', frames, n52, cmd, read]);
    expect(s.stdout.split('\n').find((l) => l.startsWith(GSME))).toMatch(/running .*running=00000002 .*SR 11.2 GCS38/);
    const bad = join(tmp, 'bad-track.xml');
    writeFileSync(bad, '<sr:Response><oops></sr:Response>');
    expect((await runCli(['fw', 'track', frames, bad])).status).toBe(2);
  });
});
