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

  it('shows a payload that does not match its message code without failing the frame', async () => {
    const r = await runCli(['decode', frame(0x12, 'response', Uint8Array.of(0x30, 0x05, 0x02))]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/typed view\s+payload does not match its message code: GBCS decode error at byte/);
  });
});
