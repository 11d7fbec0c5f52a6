// Generates test/fixtures/payloads.txt with the project's payload encoders: one payload
// per line as `<format> <cra> <messageCode hex> <payload hex>`, named by the comment
// above it. Values are this project's own, shaped like the GBCS use cases.
// Run after `npm run build`: node scripts/make-payload-fixtures.mjs
import { writeFileSync } from 'node:fs';
import { encodePayload, decodeDer, fromHex, toHex, longInvokeId, decodeObis } from '../dist/index.js';

const obis = (hex) => decodeObis(fromHex(hex));
const u32 = (value) => ({ type: 'double-long-unsigned', value });
const u16 = (value) => ({ type: 'long-unsigned', value });
const os = (hex) => ({ type: 'octet-string', bytes: fromHex(hex) });
const dt = fromHex('07E9 0B 15 05 0C 1E 00 00 0000 00');

const payloads = [
  ['DLMS access-request: get + get-with-selection (range on a profile buffer) + action', 'DLMS', 'command', 0x00b9, {
    format: 'DLMS', type: 'access-request', invokeId: longInvokeId(0x20001234),
    specs: [
      { kind: 'get', classId: 1, obis: obis('0000000201FF'), attribute: 2 },
      { kind: 'get-with-selection', classId: 7, obis: obis('0000636204FF'), attribute: 2, selector: 1,
        selectorParameters: { type: 'structure', items: [
          { type: 'structure', items: [u16(1), os('00005E2C64FF'), { type: 'integer', value: 2 }, u16(0)] },
          u32(0x2eb4f700), u32(0x2ebe3180), { type: 'array', items: [] }] } },
      { kind: 'action', classId: 9, obis: obis('00000A0064FF'), method: 1 },
    ],
    data: [{ type: 'null' }, { type: 'null' }, u16(7)],
  }],
  ['DLMS access-response: compact-array log, failure, every scalar type', 'DLMS', 'response', 0x00b9, {
    format: 'DLMS', type: 'access-response', invokeId: longInvokeId(0x20001234), specs: [],
    data: [
      { type: 'compact-array', typeDescription: { type: 'structure', items: [{ type: 'double-long-unsigned' }, { type: 'long-unsigned' }, { type: 'octet-string' }] },
        rows: [
          { type: 'structure', items: [u32(0x2eb4f700), u16(0x8002), os('0102')] },
          { type: 'structure', items: [u32(0x2eb4f73c), u16(0x8003), os('')] },
        ] },
      { type: 'null' },
      { type: 'structure', items: [
        { type: 'boolean', value: true }, { type: 'bit-string', bitCount: 10, bytes: fromHex('A5C0'), bits: '1010010111' },
        { type: 'double-long', value: -5 }, { type: 'visible-string', value: 'GBCS' }, { type: 'utf8-string', value: 'smärt' },
        { type: 'bcd', value: 0x12 }, { type: 'integer', value: -1 }, { type: 'long', value: -300 }, { type: 'unsigned', value: 200 },
        { type: 'long64', value: -2n }, { type: 'long64-unsigned', value: 2n ** 63n }, { type: 'enum', value: 3 },
        { type: 'float32', value: 1.5 }, { type: 'float64', value: -0.25 }, { type: 'date-time', bytes: dt },
        { type: 'date', bytes: fromHex('07E90B1505') }, { type: 'time', bytes: fromHex('0C1E0000') }, os(toHex(dt)),
        { type: 'array', items: [u16(1), u16(2)] },
      ] },
    ],
    results: [{ kind: 'get', result: 0 }, { kind: 'get', result: 1 }, { kind: 'get', result: 0 }],
  }],
  ['DLMS data-notification: firmware distribution receipt (8F72)', 'DLMS', 'alert', 0x00ce, {
    format: 'DLMS', type: 'data-notification', invokeId: longInvokeId(0x200007d0),
    body: { type: 'structure', items: [u16(0x8f72), os(toHex(dt)), os('11'.repeat(32))] },
  }],
  ['GBZ: read attributes, read attributes response and default response', 'GBZ', 'response', 0x0084, {
    format: 'GBZ', type: 'gbz', profileId: 0x0109, componentCount: 2, components: [
      { control: 0x00, clusterId: 0x0702, encrypted: false, zcl: { frameControl: 0x08, sequenceNumber: 0, commandId: 0x01 },
        command: { command: 'read-attributes-response', records: [
          { id: 0x0206, status: 0, value: { dataType: 0x41, raw: fromHex('0401020304') } },
          { id: 0x0000, status: 0, value: { dataType: 0x25, raw: fromHex('393000000000') } },
          { id: 0x0300, status: 0x86 },
        ] } },
      { control: 0x11, clusterId: 0x0705, fromDateTime: { seconds: 0x1c374a80 }, encrypted: false,
        zcl: { frameControl: 0x08, sequenceNumber: 1, commandId: 0x0b }, command: { command: 'default-response', commandId: 0x04, status: 0 } },
    ],
  }],
  ['GBZ: encrypted component (31 ‖ IC ‖ ciphertext ‖ tag kept as bytes)', 'GBZ', 'response', 0x0082, {
    format: 'GBZ', type: 'gbz', profileId: 0x0109, componentCount: 1, components: [
      { control: 0x03, clusterId: 0x0702, encrypted: true, additionalHeader: { control: 0, frameCounter: 0 },
        zcl: { frameControl: 0x18, sequenceNumber: 0, commandId: 0x01 }, ciphertext: fromHex('31 00000000' + 'AB'.repeat(20) + 'CD'.repeat(12)) },
    ],
  }],
  ['GBZ alert 8F66: future-dated command actioned', 'GBZ', 'alert', 0x00cd, {
    format: 'GBZ', type: 'gbz', profileId: 0x0109, componentCount: 1,
    alert: { alertCode: 0x8f66, time: { seconds: 0x38818890 }, content: { kind: 'future-dated', messageCode: 0x006b, originatorCounter: 0x1234n, clusterId: 0x0707, frameControl: 0x09, commandId: 0x00 } },
    components: [],
  }],
  ['ASN.1 CS06 activate firmware command (future-dated)', 'ASN.1', 'command', 0x0012, {
    format: 'ASN.1', type: 'asn1',
    root: decodeDer(fromHex('30 37 04 20' + '5A'.repeat(32) + '02 02 2000 18 0F' + toHex(new TextEncoder().encode('20300115090000Z')))),
  }],
];

let out = '# gbcs-codec payload fixtures, generated by scripts/make-payload-fixtures.mjs with the project encoders.\n';
out += '# <format> <cra> <message code> <payload hex>; the comment above each line names it.\n';
for (const [name, format, cra, code, p] of payloads) {
  out += `# ${name}\n${format} ${cra} ${code.toString(16).padStart(4, '0')} ${toHex(encodePayload(p)).toUpperCase()}\n`;
}
writeFileSync(new URL('../test/fixtures/payloads.txt', import.meta.url), out);
console.log(`wrote ${payloads.length} payloads`);
