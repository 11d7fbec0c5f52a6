// RTDS 4.5.0: decrypted content decoded like any other payload (GBCS.md 1.7, 3.3).
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodePayload, openFrame, toHex, type DlmsData, type ZclCommand } from '../src/index.js';
import { folderKeyStore } from '../src/node.js';
import { HAVE_RTDS, RTDS_KEYSTORE, RTDS_SKIP_REASON, rtdsFiles } from './rtds.js';

if (!HAVE_RTDS) console.warn(`[secure-payload] ${RTDS_SKIP_REASON}`);

const values = (d: DlmsData): unknown => (d.type === 'structure' || d.type === 'array' ? d.items.map(values) : (d as { value?: unknown }).value);
function records(c: ZclCommand | DlmsData | undefined): Array<[number, unknown]> {
  if (!c || !('command' in c) || c.command !== 'read-attributes-response') throw new Error('not a read attributes response');
  return c.records.map((r) => [r.id, r.value?.value ?? r.statusName]);
}

describe.skipIf(!HAVE_RTDS)('RTDS decrypted payloads', () => {
  const ks = folderKeyStore(RTDS_KEYSTORE);
  const files = rtdsFiles();
  const file = (name: string) => {
    const f = files.find((x) => x.name.endsWith(name));
    if (!f) throw new Error(`no RTDS file ${name}`);
    return f.bytes;
  };

  it('every encrypted part decrypts and decodes; opened trees re-encode byte-exactly', async () => {
    const counts: Record<string, number> = {};
    const commands: Record<string, number> = {};
    for (const f of files) {
      const frame = decodeFrame(f.bytes);
      if (frame.payloadFormat !== 'GBZ' && frame.payloadFormat !== 'DLMS') continue;
      const { payload, decryption } = await openFrame(frame, ks);
      if (!decryption.encrypted) continue;
      for (const p of decryption.parts) {
        const key = `${p.kind} ${p.status}${p.decoded ? ' decoded' : ''}`;
        counts[key] = (counts[key] ?? 0) + 1;
        expect([f.name, p.status, p.decodeError]).toEqual([f.name, 'decrypted', undefined]);
        const d = p.decoded!;
        const c = 'command' in d ? `${d.command}${d.command === 'other' && d.name ? ` ${d.name}` : ''}` : `dlms ${d.type}`;
        commands[c] = (commands[c] ?? 0) + 1;
      }
      expect(toHex(encodePayload(payload))).toBe(toHex(frame.content));
    }
    console.log(`[secure-payload] RTDS opened parts: ${JSON.stringify(counts)}; plaintexts: ${JSON.stringify(commands)}`);
    expect(counts['gbz-component decrypted decoded']).toBe(35);
    expect(counts['dlms-protected decrypted decoded']).toBe(16);
  });

  it('GCS13a response (GBCS.md 3.3): Read Attributes Response 0x0302=1000, 0x0301=1, 0x0300=1, 0x0000=12345', async () => {
    const { payload } = await openFrame(file('GCS13a_4.1.1_SUCCESS_RELIABLE_GSME_RESPONSE_GBCS.HEX'), ks);
    if (payload.format !== 'GBZ') throw new Error('GBZ expected');
    const c = payload.components[0]!;
    if (!c.encrypted) throw new Error('encrypted component expected');
    expect(c.clusterId).toBe(0x0702);
    expect(records(c.decrypted!.decoded)).toEqual([[0x0302, 1000], [0x0301, 1], [0x0300, 1], [0x0000, 12345]]);
    // The error response: the divisor read failed.
    const e = (await openFrame(file('GCS13a_4.1.1_ERROR_RESPONSE_GBCS.HEX'), ks)).decryption.parts[0]!;
    expect(records(e.decoded)[0]).toEqual([0x0302, 'HARDWARE_FAILURE']);
  });

  it('ECS17b responses: the protected attributes decode to DLMS Data', async () => {
    const single = (await openFrame(file('ECS17b_4.1.1_SINGLE_SUCCESS_RESPONSE_GBCS.HEX'), ks)).decryption.parts;
    expect(single).toHaveLength(1);
    expect(values(single[0]!.decoded as DlmsData)).toEqual([[10, [0, 30], 10, [0, 32]]]);
    const twin = (await openFrame(file('ECS17b_4.1.1_TWIN_SUCCESS_RESPONSE_GBCS.HEX'), ks)).decryption.parts;
    expect(values(twin[0]!.decoded as DlmsData)).toEqual([[10, [0, 30], 10, [0, 32], 10]]);
  });

  it('GCS16a success response: two encrypted components, one key and IC, both Publish Snapshot commands', async () => {
    const { payload, decryption } = await openFrame(file('GCS16a_4.6.1_SUCCESS_RESPONSE_GBCS.HEX'), ks);
    expect(decryption.parts).toHaveLength(2);
    expect(decryption.parts.map((p) => p.index)).toEqual([0, 1]);
    // Same invocation counter in both blobs (GBCS.md 1.7).
    expect(toHex(decryption.parts[0]!.ciphertext.subarray(0, 5))).toBe(toHex(decryption.parts[1]!.ciphertext.subarray(0, 5)));
    if (payload.format !== 'GBZ') throw new Error('GBZ expected');
    const enc = payload.components.filter((c) => c.encrypted);
    expect(enc.map((c) => payload.components.indexOf(c))).toEqual([0, 1]);
    for (const c of enc) {
      if (!c.encrypted) continue;
      expect(c.decrypted!.status).toBe('decrypted');
      expect(c.decrypted!.decoded).toMatchObject({ command: 'cluster-specific', name: 'Publish Snapshot', key: 'publish_snapshot' });
    }
  });
});
