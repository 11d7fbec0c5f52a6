// Generates the project's own security fixtures, so the security tests need nothing
// from ../shared:
//   test/fixtures/keys/        P-256 keys (node:crypto) named like the RTDS keystore:
//                              <eui>-<ds|ka>.key PKCS#8, <eui>-<ds|ka>.pem certificate
//                              (self-signed with openssl when available, else SPKI)
//   test/fixtures/security.hex signed / MACed / encrypted frames built with our encoder,
//                              signPreCommand, buildMacedFrame and encryptBlob.
// Run after `npm run build`: node scripts/make-security-fixtures.mjs [--keys]
// (--keys regenerates the keys too; otherwise existing keys are reused).
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMacedFrame, encodeFrame, encryptBlob, fromHex, signPreCommand, toHex } from '../dist/index.js';
import { folderKeyStore } from '../dist/node.js';

const root = new URL('..', import.meta.url).pathname;
const KEYS = join(root, 'test/fixtures/keys');

const SUPPLIER = '90b3d51f30010000';
const ACB = '90b3d51f30000002';
const ESME = '00db1234567890a0';
const GSME = '00db1234567890a1';
const PPMID = '00db1234567890a4';

// [eui, usage, write certificate?, prepayment]
const PARTIES = [
  [SUPPLIER, 'ds', true],
  [SUPPLIER, 'ka', true],
  [SUPPLIER, 'ka', false, true], // prepayment KA: SPKI public key file
  [ACB, 'ka', true],
  [ACB, 'ds', true],
  [ESME, 'ds', true],
  [ESME, 'ka', true],
  [GSME, 'ka', true],
  [PPMID, 'ka', null], // private key only: the store derives the public key
];

function writeKeys() {
  mkdirSync(KEYS, { recursive: true });
  const haveOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  const tmp = mkdtempSync(join(tmpdir(), 'gbcs-keys-'));
  for (const [eui, usage, cert, pp] of PARTIES) {
    const stem = join(KEYS, `${eui}${pp ? '-pp' : ''}-${usage}`);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' });
    writeFileSync(`${stem}.key`, pkcs8);
    if (cert === null) continue;
    if (cert && haveOpenssl) {
      const keyFile = join(tmp, 'k.pem');
      writeFileSync(keyFile, pkcs8);
      const pem = execFileSync('openssl', ['req', '-new', '-x509', '-key', keyFile, '-subj', `/CN=${eui}-${usage}`, '-days', '36500', '-sha256'], { encoding: 'utf8' });
      writeFileSync(`${stem}.pem`, pem);
    } else {
      writeFileSync(`${stem}.pem`, publicKey.export({ type: 'spki', format: 'pem' }));
    }
  }
  rmSync(tmp, { recursive: true, force: true });
}

if (process.argv.includes('--keys') || !existsSync(join(KEYS, `${ESME}-ka.key`))) writeKeys();
const ks = folderKeyStore(KEYS);

const frames = [];
const add = (title, bytes) => frames.push([title, bytes]);

// 1. Non-critical command and its response: ACB MAC / device MAC, empty signatures.
const ecs52Cmd = {
  kind: 'general-ciphering', cra: 'command', originatorCounter: 0x1000n, originator: SUPPLIER, recipient: ESME,
  messageCode: 0x0059, content: fromHex('D9 20001000 00 01 01 0001 0000000201FF 02 01 00'), signatureState: 'empty',
};
add('ECS52 command, ACB MAC', await buildMacedFrame(ecs52Cmd, ks, { acb: ACB }));
add('ECS52 response, ESME MAC', await buildMacedFrame({
  ...ecs52Cmd, cra: 'response', originator: ESME, recipient: SUPPLIER,
  content: fromHex('DA 20001000 00 00 01 09 04 01020304 01 01 00'),
}, ks));

// 2. Critical command: supplier-signed pre-command, then ACB MAC; device-signed response.
const cs06Pre = encodeFrame({
  kind: 'general-signing', cra: 'command', originatorCounter: 0x1001n, originator: SUPPLIER, recipient: ESME,
  messageCode: 0x0012, content: fromHex(`30 26 04 20 ${'A5'.repeat(32)} 02 02 1001`), signatureState: 'absent',
});
add('CS06 pre-command (no signature field)', cs06Pre);
const cs06Signed = await signPreCommand(cs06Pre, SUPPLIER, ks);
add('CS06 signed pre-command (general-signing, supplier signature)', cs06Signed);
const { decodeFrame } = await import('../dist/index.js');
add('CS06 command, supplier signature and ACB MAC', await buildMacedFrame(decodeFrame(cs06Signed), ks, { acb: ACB }));
const cs06Rsp = encodeFrame({
  kind: 'general-signing', cra: 'response', originatorCounter: 0x1001n, originator: ESME, recipient: SUPPLIER,
  messageCode: 0x0012, content: fromHex('30 09 02 01 00 04 04 01020304'), signatureState: 'absent',
});
// A device response is signed the same way (bytes after DF to the end of the payload).
const { sign } = await import('node:crypto');
const esmeDs = await ks(ESME, 'DS', { privateKey: true });
const cs06RspFrame = decodeFrame(cs06Rsp);
add('CS06 response, ESME signature, no MAC', encodeFrame({
  ...plainOf(cs06RspFrame), signature: sign('sha256', cs06RspFrame.signedBytes, { key: esmeDs, dsaEncoding: 'ieee-p1363' }),
}));

// 3. GBZ response with an encrypted component (GCS13a shape), GSME MAC.
const gcs13 = { kind: 'general-ciphering', cra: 'response', originatorCounter: 0x1002n, originator: GSME, recipient: SUPPLIER, messageCode: 0x0074 };
const zclPlain = fromHex('0203 00 22 E80300 0103 00 22 010000 0003 00 30 01');
const gbzBlob = await encryptBlob(gcs13, zclPlain, ks);
const gbz = fromHex(`01 09 01 03 0702 ${hex16(2 + 3 + 2 + gbzBlob.length)} 00 00 18 00 01 ${hex16(gbzBlob.length)} ${toHex(gbzBlob)}`);
add('GCS13a-shaped response, encrypted GBZ component, GSME MAC', await buildMacedFrame({ ...gcs13, content: gbz, signatureState: 'empty' }, ks));

// 4. DLMS get_protected_attributes response (ECS17b shape), ESME MAC.
const ecs17 = { kind: 'general-ciphering', cra: 'response', originatorCounter: 0x1003n, originator: ESME, recipient: SUPPLIER, messageCode: 0x0027 };
const dlmsPlain = fromHex('02 01 02 04 06 0000000A 02 02 0F 00 16 1E 06 0000000A 02 02 0F 00 16 20');
const dlmsBlob = await encryptBlob(ecs17, dlmsPlain, ks);
add('ECS17b-shaped response, DLMS protected attributes, ESME MAC', await buildMacedFrame({ ...ecs17, signatureState: 'empty', content: dlmsProtected(0x1003n, ESME, SUPPLIER, dlmsBlob) }, ks));

// 5. URP response (26-byte Other Information): recipient ACB, content for the supplier.
const urp = {
  kind: 'general-ciphering', cra: 'response', originatorCounter: 0x1004n, originator: ESME, recipient: ACB, messageCode: 0x0034,
  otherInformation: { supplementaryRemotePartyId: SUPPLIER, supplementaryRemotePartyCounter: 0x0fffn, supplementaryOriginatorCounter: 0x2004n },
};
const urpBlob = await encryptBlob(urp, dlmsPlain, ks);
add('ECS21b-shaped URP response, DLMS protected attributes, ESME MAC', await buildMacedFrame({ ...urp, signatureState: 'empty', content: dlmsProtected(0x1004n, ESME, ACB, urpBlob) }, ks));

// 6. PCS01-shaped command over the HAN: MACed by the PPMID itself, not the ACB.
add('PCS01-shaped command, PPMID MAC', await buildMacedFrame({
  kind: 'general-ciphering', cra: 'command', originatorCounter: 0x1005n, originator: PPMID, recipient: GSME, messageCode: 0x009b,
  content: fromHex('01 09 01 01 0705 0003 01 00 00'), signatureState: 'empty',
}, ks));

function hex16(n) {
  return n.toString(16).padStart(4, '0');
}
function plainOf(f) {
  return {
    kind: f.kind, cra: f.cra, originatorCounter: f.originatorCounter, originator: f.originator, recipient: f.recipient,
    messageCode: f.messageCode, otherInformation: f.otherInformation, content: f.content, signatureState: f.signatureState,
  };
}
/** DA access-response with one get_protected_attributes result (GBCS.md 1.7 / RTDS ECS17b). */
function dlmsProtected(counter, from, to, blob) {
  const ctr = counter.toString(16).padStart(16, '0');
  const len = blob.length < 0x80 ? blob.length.toString(16).padStart(2, '0') : `81${blob.length.toString(16).padStart(2, '0')}`;
  return fromHex(
    `DA 2000${ctr.slice(-4)} 00 00 01 02 02 01 01 02 02 16 02 02 05 09 09 04 ${ctr} 09 08 ${from} 09 08 ${to} 09 00 02 02 16 02 02 02 09 01 02 09 00 09 ${len} ${toHex(blob)} 01 03 00`,
  );
}

const out = ['# Security fixtures: generated by scripts/make-security-fixtures.mjs with the keys in test/fixtures/keys.', ''];
for (const [title, bytes] of frames) out.push(`# ${title}`, toHex(bytes).toUpperCase(), '');
writeFileSync(join(root, 'test/fixtures/security.hex'), out.join('\n'));
console.log(`wrote ${frames.length} frames to test/fixtures/security.hex, keys in ${KEYS}`);
