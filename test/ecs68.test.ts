// ECS68 billing-data-log alert (message code 0x0061, alert 0x8F0A): its body carries the
// protection parameters and a ciphered block as the last two elements of the alert
// structure (GBCS.md 1.7, NAMES.md 2.5). Round-trip tests: the frames are built here with
// the project's encoder and encryptBlob (the RTDS subset holds no ECS68 frame; the
// conformance suite checks that it still holds none, so a new RTDS release is noticed).
import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  decryptFrame,
  encodeFrame,
  encodePayload,
  encryptBlob,
  findEncryptedParts,
  fromHex,
  openFrame,
  toHex,
  type DlmsData,
  type DlmsList,
  type DlmsOctetString,
  type FrameInit,
} from '../src/index.js';
import { folderKeyStore } from '../src/node.js';
import { HAVE_RTDS, RTDS_KEYSTORE, rtdsFiles } from './rtds.js';

const KEYS = new URL('./fixtures/keys', import.meta.url).pathname;
const ks = folderKeyStore(KEYS);
const SUPPLIER = '90b3d51f30010000';
const ESME = '00db1234567890a0';

const h = (n: number, bytes: number) => n.toString(16).padStart(bytes * 2, '0');
const dlu = (v: number) => h(v, 4);

/**
 * ECS68 plaintext (NAMES.md 2.5, single element): structure{compact-array of one entry
 * {u32 time, u32 total import, array48 TOU registers, 4 x array8 block counters}}.
 */
function billingLogPlaintext(): Uint8Array {
  const td = `02 07 06 06 01 ${h(48, 2)} 06 ${`01 ${h(8, 2)} 06 `.repeat(4)}`;
  const row = [dlu(0x2eb4f73c), dlu(123456)];
  for (let i = 0; i < 48; i++) row.push(dlu(i * 10));
  for (let i = 0; i < 32; i++) row.push(dlu(1000 + i));
  const contents = row.join('');
  return fromHex(`02 01 13 ${td} 82 ${h(contents.length / 2, 2)} ${contents}`);
}

/** The alert payload: 0F invoke(4) 00 structure{0x8F0A, date-time, protection parameters, ciphered block}. */
function ecs68Payload(counter: bigint, blob: Uint8Array): Uint8Array {
  const ctr = h(Number(counter), 8);
  const pp = `01 01 02 02 16 02 02 05 09 09 04 ${ctr} 09 08 ${ESME} 09 08 ${SUPPLIER} 09 00 02 02 16 02 02 02 09 01 02 09 00`;
  const len = blob.length < 0x80 ? h(blob.length, 1) : blob.length < 0x100 ? `81 ${h(blob.length, 1)}` : `82 ${h(blob.length, 2)}`;
  return fromHex(`0F 00000001 00 02 04 12 8F0A 09 0C 07E6 0B 1E 03 0C 00 00 00 00 00 00 ${pp} 09 ${len} ${toHex(blob)}`);
}

async function ecs68Frame(tamper = false, keys = ks): Promise<{ bytes: Uint8Array; plaintext: Uint8Array }> {
  const init: FrameInit = { kind: 'general-signing', cra: 'alert', originatorCounter: 0x68n, originator: ESME, recipient: SUPPLIER, messageCode: 0x0061, signatureState: 'empty' };
  const plaintext = billingLogPlaintext();
  const blob = await encryptBlob(init, plaintext, keys, { invocationCounter: 7 });
  if (tamper) blob[10]! ^= 1;
  return { bytes: encodeFrame({ ...init, content: ecs68Payload(0x68n, blob) }), plaintext };
}

describe('ECS68 alert: the ciphered block is found, decrypted and decoded (round-trip)', () => {
  it('findEncryptedParts locates the blob at its frame offset', async () => {
    const { bytes } = await ecs68Frame();
    const f = decodeFrame(bytes);
    expect(f.messageCode).toBe(0x0061);
    const [loc, ...rest] = findEncryptedParts(f);
    expect(rest).toEqual([]);
    expect(loc).toMatchObject({ kind: 'dlms-protected', index: 0 });
    expect(bytes[loc!.offset]).toBe(0x31);
    // The blob runs to the end of the payload (the last element of the alert structure).
    expect(loc!.offset + loc!.length).toBe(f.contentOffset + f.content.length);
  });

  it('decryptFrame gives the plaintext and its DLMS Data (the billing log compact-array)', async () => {
    const { bytes, plaintext } = await ecs68Frame();
    const d = await decryptFrame(bytes, ks);
    expect(d.encrypted).toBe(true);
    const p = d.parts[0]!;
    expect(p).toMatchObject({ status: 'decrypted', reason: 'AES-128-GCM tag verified' });
    expect(toHex(p.plaintext!)).toBe(toHex(plaintext));
    const data = p.decoded as DlmsData;
    expect(data.type).toBe('structure');
    const ca = (data as DlmsList).items[0] as Extract<DlmsData, { type: 'compact-array' }>;
    expect(ca.type).toBe('compact-array');
    expect(ca.rows).toHaveLength(1);
    const row = ca.rows[0] as DlmsList;
    expect(row.items[0]).toMatchObject({ value: 0x2eb4f73c });
    expect(row.items[1]).toMatchObject({ value: 123456 });
    expect((row.items[2] as DlmsList).items).toHaveLength(48);
  });

  it('openFrame puts the decoded plaintext on the octet-string; the tree re-encodes to the wire bytes', async () => {
    const { bytes } = await ecs68Frame();
    const f = decodeFrame(bytes);
    const { payload, decryption } = await openFrame(f, ks);
    expect(decryption.parts[0]!.status).toBe('decrypted');
    if (payload.format !== 'DLMS' || payload.type !== 'data-notification') throw new Error('not a data-notification');
    const body = payload.body as DlmsList;
    const block = body.items[3] as DlmsOctetString;
    expect(block.decrypted?.status).toBe('decrypted');
    expect((block.decrypted?.decoded as DlmsData).type).toBe('structure');
    expect(toHex(encodePayload(payload))).toBe(toHex(f.content));
  });

  it('a tampered block is invalid, not a throw', async () => {
    const { bytes } = await ecs68Frame(true);
    const d = await decryptFrame(bytes, ks);
    expect(d.parts[0]).toMatchObject({ status: 'invalid' });
  });

  it('an alert structure without the trailing {array, 31-blob} pair has no encrypted part', () => {
    const f = decodeFrame(encodeFrame({
      kind: 'general-signing', cra: 'alert', originatorCounter: 1n, originator: ESME, recipient: SUPPLIER, messageCode: 0x1001, signatureState: 'empty',
      content: fromHex('0F 00000001 00 02 04 12 810E 09 0C 07E60B1E030C000000000000 01 00 09 03 010203'),
    }));
    expect(findEncryptedParts(f)).toEqual([]);
  });

  it.skipIf(!HAVE_RTDS)('with the RTDS keystore (supplier KA private key, ESME 00DB1234567890A0 KA certificate): sealed and opened', async () => {
    const rtdsKeys = folderKeyStore(RTDS_KEYSTORE);
    const { bytes, plaintext } = await ecs68Frame(false, rtdsKeys);
    const p = (await decryptFrame(bytes, rtdsKeys)).parts[0]!;
    expect(p.status).toBe('decrypted');
    expect(toHex(p.plaintext!)).toBe(toHex(plaintext));
    // The fixture keys are other keys: the same frame does not open with them.
    expect((await decryptFrame(bytes, ks)).parts[0]!.status).toBe('invalid');
  });

  it.skipIf(!HAVE_RTDS)('the RTDS subset holds no ECS68 frame (a new release with one must be tested against it)', () => {
    const ecs68 = rtdsFiles().filter((x) => decodeFrame(x.bytes).messageCode === 0x0061);
    expect(ecs68.map((x) => x.name)).toEqual([]);
  });
});
