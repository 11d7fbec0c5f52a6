import { describe, expect, it } from 'vitest';
import { toHex } from '../src/bytes.js';
import { encodeFrame } from '../src/encode.js';
import { buildActivateFirmwareCommand } from '../src/firmware/activateFirmware.js';
import { runCli } from './cliHarness.js';

const frame = (messageCode: number, cra: 'command' | 'response' | 'alert', content: Uint8Array) =>
  toHex(encodeFrame({ kind: 'general-signing', cra, originatorCounter: 1000n, originator: '00db1234567890a0', recipient: '90b3d51f30010000', messageCode, content, signatureState: 'empty' }));

describe('gbcs decode typed views', () => {
  it('shows the CS06 command fields', async () => {
    const hash = new Uint8Array(32).fill(0xab);
    const r = await runCli(['decode', frame(0x12, 'command', buildActivateFirmwareCommand({ manufacturerImageHash: hash, originatorCounter: 1000n, executionDateTime: new Date('2030-01-15T09:00:00Z') }))]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/activate firmware\s+future-dated 2030-01-15T09:00:00Z/);
    expect(r.stdout).toContain(`image hash       ${'ab'.repeat(32)}`);
  });

  it('lists boost periods of an ECS61c response', async () => {
    const content = Uint8Array.from(Buffer.from('DA200003E8000002' + '130202060610' + '1C2F61801C2F747C' + '1C30B3001C30B684' + '03FF' + '0201000100', 'hex'));
    const r = await runCli(['decode', frame(0x5e, 'response', content)]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/boost periods\s+2/);
    expect(r.stdout).toContain('2014-12-26T00:00:00Z .. 2014-12-26T01:21:00Z (81 min)');
  });

  it('shows a gas-meter receipt (FDRA 0x00CF, real layout 01 09 01 8F72 <time> 09 20 <hash>) and its JSON', async () => {
    const content = Uint8Array.from(Buffer.from('0109018F72' + '2D6B6F40' + '0920' + '5a'.repeat(32), 'hex'));
    const r = await runCli(['decode', frame(0xcf, 'alert', content)]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/firmware receipt\s+FDRA-GBZ 0x8F72 verified at 20\d\d-/);
    expect(r.stdout).toContain(`calculated hash  ${'5a'.repeat(32)}`);
    const j = JSON.parse((await runCli(['decode', '--json', frame(0xcf, 'alert', content)])).stdout);
    expect(j.firmware).toMatchObject({ type: 'firmware-receipt', variant: 'FDRA-GBZ', status: 'verified', componentCount: 1, calculatedHash: '5a'.repeat(32) });
  });

  it('shows a payload that does not match its message code without failing the frame', async () => {
    const r = await runCli(['decode', frame(0x12, 'response', Uint8Array.of(0x30, 0x05, 0x02))]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/typed view\s+payload does not match its message code: GBCS decode error at byte/);
  });

  it('puts the typed views under firmware / boost in --json', async () => {
    const hash = new Uint8Array(32).fill(0xab);
    const cmd = await runCli(['decode', '--json', frame(0x12, 'command', buildActivateFirmwareCommand({ manufacturerImageHash: hash, originatorCounter: 1000n, executionDateTime: new Date('2030-01-15T09:00:00Z') }))]);
    expect(cmd.status).toBe(0);
    const j = JSON.parse(cmd.stdout);
    // The view's field spans ride along (useCases-spans.test.ts checks their bytes on RTDS).
    const { spans, ...view } = j.firmware;
    expect(Object.keys(spans).sort()).toEqual(['executionDateTime', 'manufacturerImageHash', 'originatorCounter']);
    expect(view).toEqual({
      type: 'activate-firmware-command',
      manufacturerImageHash: 'ab'.repeat(32),
      originatorCounter: '1000',
      executionDateTime: { text: '20300115090000Z', date: '2030-01-15T09:00:00Z', cancel: false },
    });
    expect(j.boost).toBeUndefined();
    const content = Uint8Array.from(Buffer.from('DA200003E8000002' + '130202060610' + '1C2F61801C2F747C' + '1C30B3001C30B684' + '03FF' + '0201000100', 'hex'));
    const rsp = JSON.parse((await runCli(['decode', '--json', frame(0x5e, 'response', content)])).stdout);
    expect(rsp.firmware).toBeUndefined();
    expect(rsp.boost.type).toBe('read-boost-button-data-response');
    expect(rsp.boost.periods).toHaveLength(2);
    expect(rsp.boost.periods[0]).toEqual({ start: 0x1c2f6180, end: 0x1c2f747c, startTime: '2014-12-26T00:00:00Z', endTime: '2014-12-26T01:21:00Z', durationSeconds: 4860 });
    expect(rsp.boost.objects).toEqual([{ index: 1, result: 0, value: true }]);
    // A firmware payload that does not fit its message code is reported under the key.
    const bad = JSON.parse((await runCli(['decode', '--json', frame(0x84, 'response', Uint8Array.of(0x01, 0x09, 0x01, 0x01, 0x07, 0x00, 0x00, 0x03, 0x08, 0x00, 0x01))])).stdout);
    expect(bad.firmware).toMatchObject({ error: 'firmware', expected: 'cluster 0x0702 (Metering)' });
  });
});
