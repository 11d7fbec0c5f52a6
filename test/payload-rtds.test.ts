// RTDS conformance for payloads: every message's payload decodes to its last byte and
// re-encodes to the same bytes; plus spot checks of decoded values.
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodePayload, toHex, GbcsDecodeError, type DecodedPayload, type DlmsData, type DlmsList } from '../src/index.js';
import { HAVE_RTDS, RTDS_SKIP_REASON, rtdsFiles } from './rtds.js';

const files = rtdsFiles();
const byName = (part: string) => {
  const f = files.find((x) => x.name.includes(part));
  if (!f) throw new Error(`RTDS file ${part} not found`);
  return decodeFrame(f.bytes);
};

describe.skipIf(!HAVE_RTDS)('RTDS payloads', () => {
  if (!HAVE_RTDS) console.warn(RTDS_SKIP_REASON);

  it('covers the whole corpus', () => {
    expect(files.length).toBeGreaterThan(1000);
  });

  it('every payload decodes with zero unparsed bytes and re-encodes byte-exact', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const f of files) {
      const frame = decodeFrame(f.bytes);
      if (!frame.payload) continue;
      try {
        const p = frame.payload.decoded;
        const again = encodePayload(p);
        if (toHex(again) !== toHex(frame.content)) failures.push(`${f.name}: re-encoding differs`);
        checked++;
      } catch (e) {
        if (!(e instanceof GbcsDecodeError)) throw e;
        failures.push(`${f.name}: ${e.code} at frame byte ${e.offset} (payload byte ${e.offset - frame.contentOffset}): expected ${e.expected}`);
      }
    }
    if (failures.length) console.error(`payload failures:\n${failures.join('\n')}`);
    expect(failures).toEqual([]);
    expect(checked).toBe(files.filter((f) => !decodeFrame(f.bytes).gbt).length);
  });

  it('decodes the ECS52 response firmware version (GBCS.md 7.A)', () => {
    const p = byName('ECS52_11.2_SUCCESS_RESPONSE').payload!.decoded as Extract<DecodedPayload, { type: 'access-response' }>;
    expect(p.invokeId.value).toBe(0x200003e8);
    expect(p.data[0]).toMatchObject({ type: 'octet-string' });
    expect(toHex((p.data[0] as { bytes: Uint8Array }).bytes)).toBe('0123abcd');
    expect(p.results).toMatchObject([{ kind: 'get', result: 0, resultName: 'success' }]);
  });

  it('decodes the GCS38 response attribute 0x0206 (GBCS.md 7.C)', () => {
    const p = byName('GCS38_11.2_SUCCESS_RESPONSE').payload!.decoded as Extract<DecodedPayload, { format: 'GBZ' }>;
    const c = p.components[0]!;
    expect(c).toMatchObject({ clusterId: 0x0702, lastComponent: true, encrypted: false });
    expect(!c.encrypted && c.command).toMatchObject({ command: 'read-attributes-response', records: [{ id: 0x0206, status: 0, value: { dataType: 0x41 } }] });
  });

  it('decodes the ECS35e power event log as compact-array rows (GBCS.md 3.2)', () => {
    const p = byName('ECS35e_6.13_SUCCESS_RESPONSE').payload!.decoded as Extract<DecodedPayload, { type: 'access-response' }>;
    const ca = p.data[0] as Extract<DlmsData, { type: 'compact-array' }>;
    expect(ca.typeDescription).toEqual({ type: 'structure', items: [{ type: 'double-long-unsigned' }, { type: 'long-unsigned' }, { type: 'double-long-unsigned' }] });
    expect(ca.rows.length).toBeGreaterThan(1);
    expect(ca.rows[0]).toMatchObject({ type: 'structure', items: [{ value: 0x1c35f900 }, { type: 'long-unsigned' }, { type: 'double-long-unsigned' }] });
  });

  it('marks get_protected_attributes results (ECS17b) without decrypting them', () => {
    const p = byName('ECS17b_4.1.1_SINGLE_SUCCESS_RESPONSE').payload!.decoded as Extract<DecodedPayload, { type: 'access-response' }>;
    const s = p.data[0] as DlmsList;
    expect(s.protectedAttributes).toBe(true);
    expect(s.items[1]).toMatchObject({ type: 'octet-string', encrypted: true });
    expect((s.items[1] as { bytes: Uint8Array }).bytes[0]).toBe(0x31);
  });

  it('keeps GCS13a encrypted components structurally (GBCS.md 3.3)', () => {
    const p = byName('GCS13a_4.1.1_SUCCESS_RELIABLE_GSME_RESPONSE').payload!.decoded as Extract<DecodedPayload, { format: 'GBZ' }>;
    const c = p.components[0]!;
    expect(c).toMatchObject({ encrypted: true, clusterId: 0x0702, zcl: { commandId: 0x01, frameControl: 0x18 } });
    if (c.encrypted) expect(c.ciphertext[0]).toBe(0x31);
  });

  it('names CS06 and CS02b ASN.1 fields and summarises certificates', () => {
    const cs06 = byName('CS06_11.3_IMMEDIATE_SUCCESS_COMMAND').payload!.decoded as Extract<DecodedPayload, { format: 'ASN.1' }>;
    expect(cs06.root.children!.map((c) => c.name)).toEqual(['manufacturerImageHash', 'originatorCounter']);
    expect(cs06.root.children![1]!.integer).toBe(1000n);
    const cs02 = byName('CS02bSupplierBySupplier_6.15.1_CANCELLATION_SUCCESS_COMMAND').payload!.decoded as Extract<DecodedPayload, { format: 'ASN.1' }>;
    const [control, replacements, path, exec] = cs02.root.children!;
    expect(control!.name).toBe('authorisingRemotePartyControl');
    expect(exec).toMatchObject({ name: 'executionDateTime', special: 'cancel' });
    const cert = replacements!.children![0]!.children![0]!;
    expect(cert.name).toBe('replacementCertificate');
    expect(cert.certificate).toMatchObject({ subject: expect.stringContaining('x500UniqueIdentifier=90b3d51f30010000') });
    expect(path!.children![0]!.certificate!.serial).toMatch(/^[0-9a-f]+$/);
  });

  it('decodes the GBZ 8F66 future-dated alert header', () => {
    const p = byName('GCS01a_1.1.1_8F66_FUTURE_DATED_BLOCK_SUCCESS_ALERT_PUBLISH_CALENDAR').payload!.decoded as Extract<DecodedPayload, { format: 'GBZ' }>;
    expect(p.alert).toMatchObject({ alertCode: 0x8f66, content: { kind: 'future-dated', messageCode: 0x006b, clusterId: 0x0707, commandId: 0 } });
  });
});
