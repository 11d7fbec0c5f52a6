// GBCS ASN.1 (DER) message schemas as data: message code + CRA flag (+ root tag, for the
// use cases whose reply is a CHOICE) -> the named fields of the structure, with their
// enumerations, named bits, DEFAULT values and OPTIONAL context tags. asn1.ts applies a
// schema to a walked DER tree generically; nothing here runs per node except lookups.
//
// Sources: ../shared/spec/NAMES.md §4 (VERIFIED-RTDS: all 178 RTDS ASN.1 payloads,
// 97 distinct shapes, field assignments checked by hand; names SOURCE:GP asn1.ts) and
// GBCS.md §3.4, §5.3-5.5. Each table below is tagged VERIFIED (NAMES.md VERIFIED-RTDS)
// or UNCONFIRMED with the Decision taken.
//
// Schema notation (one `Asn1Field` per ASN.1 component):
//   name         the ASN.1 component name (stable: dotted field names are built from it)
//   tag          identifier octet when the component is OPTIONAL/DEFAULT or context-tagged
//                (e.g. 0x83 = [3] IMPLICIT primitive, 0xA2 = [2] IMPLICIT constructed);
//                a component with `tag` is skipped when the next element has another tag
//   implicit     the universal type a context-tagged primitive carries ('integer', 'octets')
//   fields / of  SEQUENCE components / SEQUENCE OF item
//   values       INTEGER / ENUMERATED value names
//   bits         BIT STRING named bits (X.509 numbering: bit 0 = MSB of the first byte)
//   default      the DEFAULT value (shown on the parent as `defaults` when absent)
//   raw          a deliberate raw blob (certificate, hash, CSR): why it is not expanded
//
// Byte diagram of the match (CS02b command, RTDS 6.15.1 IMMEDIATE SUCCESS):
//   30 82 .. SEQUENCE                         updateSecurityCredentials
//     30 1E    SEQUENCE                       authorisingRemotePartyControl
//       02 01 02                              credentialsReplacementMode = 2 supplierBySupplier
//       81 01 01                              [1] applyTimeBasedCPVChecks = 1 disapply
//       A2 07 02 01 02 03 02 07 80            [2] authorisingRemotePartyTACellIdentifier
//       83 02 03 E8                           [3] authorisingRemotePartySeqNumber = 1000
//       84 01 00                              [4] newRemotePartyFloorSeqNumber = 0
//       A5 08 30 06 02 01 00 02 01 00         [5] newRemotePartySpecialistFloorSeqNumbers
//     30 .. SEQUENCE OF TrustAnchorReplacement  replacements
//     30 .. SEQUENCE OF Certificate             certificationPathCertificates
//     18 0F 20300115000000Z                     executionDateTime (OPTIONAL)
import { ALERT_CODES } from './names.js';

/** How the value of an INTEGER / ENUMERATED is named: a table or a lookup. */
export type Asn1ValueNames = Readonly<Record<number, string>> | ((value: number) => string | undefined);

/** One ASN.1 component of a GBCS message (see the notation in the file header). */
export interface Asn1Field {
  readonly name: string;
  readonly tag?: number;
  readonly implicit?: 'integer' | 'octets';
  readonly fields?: readonly Asn1Field[];
  readonly of?: Asn1Field;
  readonly values?: Asn1ValueNames;
  readonly bits?: readonly string[];
  readonly default?: bigint;
  readonly raw?: string;
}

/** A GBCS ASN.1 message: the use cases (message codes) and direction it serves. */
export interface Asn1Structure {
  readonly codes: readonly number[];
  /** CRA flag: 1 command, 2 response, 3 alert. */
  readonly cra: 1 | 2 | 3;
  /** Identifier octet of the root when the message is a CHOICE (e.g. NULL or SEQUENCE). */
  readonly rootTag?: number;
  /** e.g. "CS06 activate firmware command". */
  readonly title: string;
  readonly schema: Asn1Field;
}

type Opt = Omit<Asn1Field, 'name' | 'fields'>;
/**
 * Speed (issue 12): every component has every member, in this order (undefined when absent):
 * one object shape, so the decoder's reads of `of`, `fields`, `tag`, `raw`, `values`... on any
 * component stay monomorphic (objects of a dozen shapes made each read a megamorphic lookup,
 * about a third of a DER decode).
 */
const shape = (name: string, o: Partial<Asn1Field>): Asn1Field => ({
  name, tag: o.tag, implicit: o.implicit, fields: o.fields, of: o.of, values: o.values, bits: o.bits, default: o.default, raw: o.raw,
});
const f = (name: string, fields?: readonly Asn1Field[], opt: Opt = {}): Asn1Field => shape(name, { fields, ...opt });
const of = (name: string, item: Asn1Field, opt: Opt = {}): Asn1Field => shape(name, { of: item, ...opt });
const int = (name: string, values?: Asn1ValueNames, opt: Opt = {}): Asn1Field => shape(name, { values, ...opt });
const raw = (name: string, why: string, opt: Opt = {}): Asn1Field => shape(name, { raw: why, ...opt });

// ---- Shared types (NAMES.md §4.1) ----

/** VERIFIED (NAMES.md 4.1); 8 loadController INFERRED there (CS02f/CS02g use it with the load-controller RP): Decision: named. */
export const REMOTE_PARTY_ROLES: Readonly<Record<number, string>> = {
  0: 'root', 1: 'recovery', 2: 'supplier', 3: 'networkOperator', 4: 'accessControlBroker', 5: 'transitionalCoS',
  6: 'wanProvider', 7: 'issuingAuthority', 8: 'loadController', 127: 'other',
};
/**
 * KeyUsage named bits. VERIFIED for bits 0 and 4 (RTDS `03 02 07 80`, `03 02 03 08`), 5 and 6 NAMES.md;
 * the other positions are RFC 5280 §4.2.1.3 (UNCONFIRMED for GBCS; Decision: named as X.509 does).
 */
export const KEY_USAGE_BITS: readonly string[] = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
];
export const CELL_USAGES: Readonly<Record<number, string>> = { 0: 'management', 1: 'prePaymentTopUp' };
/** StatusCode ENUMERATED (NAMES.md 4.1; RTDS shows 0, 10, 25, 127). */
export const STATUS_CODES: Readonly<Record<number, string>> = {
  0: 'success', 5: 'badCertificate', 10: 'noTrustAnchor', 17: 'insufficientMemory', 25: 'trustAnchorNotFound', 30: 'resourcesBusy', 127: 'other',
};
/** CredentialsReplacementMode = message code - 0x0100 for CS02b (VERIFIED-RTDS 2-8); CS02g 10/11 (VERIFIED values, names from the folder names). */
export const CREDENTIALS_REPLACEMENT_MODES: Readonly<Record<number, string>> = {
  0: 'rootBySupplier', 1: 'rootByWanProvider', 2: 'supplierBySupplier', 3: 'networkOperatorByNetworkOperator',
  4: 'accessControlBrokerByACB', 5: 'wanProviderByWanProvider', 6: 'transCoSByTransCoS', 7: 'supplierByTransCoS',
  8: 'anyExceptAbnormalRootByRecovery', 9: 'anyByContingency', 10: 'loadControllerByLoadController', 11: 'loadControllerBySupplier',
};
export const DEVICE_TYPES: Readonly<Record<number, string>> = { 0: 'GSME', 1: 'ESME', 2: 'CHF', 3: 'GPF', 4: 'HCALCS', 5: 'PPMID', 6: 'type2Device' };
export const JOIN_RESPONSE_CODES: Readonly<Record<number, string>> = {
  0: 'success', 1: 'invalidMessageCodeForJoinMethodAndRole', 2: 'invalidJoinMethodAndRole', 3: 'incompatibleWithExistingEntry',
  4: 'deviceLogFull', 5: 'writeFailure', 6: 'keyAgreementNoResources', 7: 'keyAgreementUnknownIssuer', 8: 'keyAgreementUnsupportedSuite',
  9: 'keyAgreementBadMessage', 10: 'keyAgreementBadKeyConfirm', 11: 'invalidOrMissingCertificate', 12: 'noPartnerLinkKeyReceived', 13: 'noCBKEResponse',
};
/**
 * Alert codes carried in ASN.1 alerts (NAMES.md 2.6): the shared ALERT_CODES table first
 * (payload/names.ts, the DLMS/GBZ alert names), then the ASN.1 ones it may lack.
 */
const ASN1_ALERT_CODES: Readonly<Record<number, string>> = {
  0x8071: 'GPF Device Log Changed', 0x8f66: 'Future-date HAN Interface Command Successfully Actioned',
  0x8f67: 'Future-date HAN Interface Command not Successfully Actioned', 0x8f89: 'Firmware transfer alert FAIL',
  0x8f8a: 'Firmware transfer alert SUCCESS', 0x8f8b: 'Read Firmware version alert',
};
export const alertCodeName = (v: number): string | undefined => ALERT_CODES[v] ?? ASN1_ALERT_CODES[v];

const remotePartyRole = (name = 'remotePartyRole', opt: Opt = {}) => int(name, REMOTE_PARTY_ROLES, opt);
const keyUsage = (name = 'keyUsage') => f(name, undefined, { bits: KEY_USAGE_BITS });
const cellUsage = () => int('cellUsage', CELL_USAGES, { tag: 0x02, default: 0n });
const trustAnchorCellIdentifier = (name: string, opt: Opt = {}) => f(name, [remotePartyRole(), keyUsage(), cellUsage()], opt);
const seqNumber = (name: string, opt: Opt = {}) => int(name, undefined, opt);
const specialistSeqNumber = f('specialistSeqNumber', [int('seqNumberUsage', { 0: 'prepaymentTopUp' }), seqNumber('seqNumber')]);
const remotePartySeqNumberChange = f('remotePartySeqNumberChange', [
  remotePartyRole(), seqNumber('floorSeqNumber'), of('specialistFloorSeqNumbers', specialistSeqNumber, { tag: 0x30 }),
]);
const deviceLogEntry = f('deviceLogEntry', [f('deviceId'), int('deviceType', DEVICE_TYPES)]);
const alertCode = () => int('alertCode', alertCodeName);
const certificate = (name: string, opt: Opt = {}) => raw(name, 'X.509 certificate (summarised as `certificate`)', opt);
const credentialsReplacementMode = () => int('credentialsReplacementMode', CREDENTIALS_REPLACEMENT_MODES);

// ---- CS02 security credentials (NAMES.md 4.2, VERIFIED-RTDS) ----

/** CS02b/CS02g ExecutionOutcome (response and future-dated alert). */
const credentialsExecutionOutcome = f('executionOutcome', [
  seqNumber('authorisingRemotePartySeqNumber'),
  credentialsReplacementMode(),
  of('remotePartySeqNumberChanges', remotePartySeqNumberChange),
  of('replacementOutcomes', f('replacementOutcome', [
    trustAnchorCellIdentifier('affectedTrustAnchorCell'), int('statusCode', STATUS_CODES),
    f('existingSubjectUniqueID'), f('existingSubjectKeyID'), f('replacingSubjectUniqueID'), f('replacingSubjectKeyID'),
  ])),
], { tag: 0x30 });

const CS02B_CODES = [0x0100, 0x0101, 0x0102, 0x0103, 0x0104, 0x0105, 0x0106, 0x0107, 0x0108, 0x0109, 0x0125, 0x0126];

/** CS02b (0x0100-0x0109) / CS02g (0x0125, 0x0126) Update Security Credentials command. */
export const CS02B_COMMAND_SCHEMA = f('updateSecurityCredentials', [
  f('authorisingRemotePartyControl', [
    credentialsReplacementMode(),
    f('plaintextSymmetricKey', undefined, { tag: 0x80, implicit: 'octets' }),
    int('applyTimeBasedCPVChecks', { 0: 'apply', 1: 'disapply' }, { tag: 0x81, implicit: 'integer' }),
    trustAnchorCellIdentifier('authorisingRemotePartyTACellIdentifier', { tag: 0xa2 }),
    seqNumber('authorisingRemotePartySeqNumber', { tag: 0x83, implicit: 'integer' }),
    seqNumber('newRemotePartyFloorSeqNumber', { tag: 0x84, implicit: 'integer' }),
    of('newRemotePartySpecialistFloorSeqNumbers', specialistSeqNumber, { tag: 0xa5 }),
    of('otherRemotePartySeqNumberChanges', remotePartySeqNumberChange, { tag: 0xa6 }),
  ]),
  of('replacements', f('trustAnchorReplacement', [certificate('replacementCertificate'), trustAnchorCellIdentifier('targetTrustAnchorCell')])),
  of('certificationPathCertificates', certificate('certificate')),
  f('executionDateTime', undefined, { tag: 0x18 }),
]);
/** CS02b / CS02g response: commandAccepted NULL, then the outcome of an immediate command. */
export const CS02B_RESPONSE_SCHEMA = f('updateSecurityCredentialsResponse', [f('commandAccepted', undefined, { tag: 0x05 }), credentialsExecutionOutcome]);
/** 0x00CB (CS02b) / 0x0124 (CS02g) future-dated credentials alert. */
export const CS02B_ALERT_SCHEMA = f('futureDatedCredentialsAlert', [alertCode(), f('executionDateTime'), credentialsExecutionOutcome]);

/** CS02a (0x0008) / CS02f (0x011B) Provide Security Credential Details. */
export const CS02A_COMMAND_SCHEMA = f('provideSecurityCredentialDetails', [
  trustAnchorCellIdentifier('authorisingRemotePartyTACellIdentifier'),
  of('remotePartyRolesCredentialsRequired', remotePartyRole()),
]);
export const CS02A_RESPONSE_SCHEMA = of('remotePartyDetailsList', f('remotePartyDetails', [
  remotePartyRole(),
  int('statusCode', STATUS_CODES),
  seqNumber('currentSeqNumber', { tag: 0x02 }),
  of('trustAnchorCellDetails', f('trustAnchorCellContents', [keyUsage(), cellUsage(), f('subjectUniqueID'), f('subjectKeyIdentifier')]), { tag: 0x30 }),
]));

/**
 * CS02c (0x000A) response: a PKCS#10 CertificationRequest (NAMES.md 4.2; not in the RTDS
 * subset: UNCONFIRMED. Decision: the CertificationRequestInfo fields are named and the
 * extension-request attributes stay a raw blob).
 */
const CS02C_CSR_SCHEMA = f('certificationRequest', [
  f('certificationRequestInfo', [
    int('version'),
    raw('subject', 'X.501 Name (empty in GBCS)'),
    f('subjectPKInfo', [f('algorithm', [f('algorithm'), f('parameters')]), f('subjectPublicKey')]),
    raw('attributes', 'PKCS#9 extensionRequest (keyUsage, subjectAltName)', { tag: 0xa0 }),
  ]),
  f('signatureAlgorithm', [f('algorithm')]),
  raw('signature', 'ECDSA signature'),
]);

// ---- CS06 (GBCS.md 5.3, NAMES.md 4.2, VERIFIED-RTDS) ----

const CS06_RESPONSE_CODES: Readonly<Record<number, string>> = { 0: 'success', 1: 'noImageHeld', 2: 'hashMismatch', 3: 'activationFailure' };
const cs06ExecutionOutcome = f('executionOutcome', [int('responseCode', CS06_RESPONSE_CODES), f('firmwareVersion')]);

/**
 * CS06 Activate Firmware command (0x0012, GBCS.md 5.3): the use-case registry's CS06
 * module and the OTA activation check read this schema.
 */
export const CS06_SCHEMA = f('activateFirmware', [
  raw('manufacturerImageHash', 'SHA-256 of the manufacturer image (GBCS.md 5.5)'),
  seqNumber('originatorCounter'),
  f('executionDateTime', undefined, { tag: 0x18 }),
]);
/** CS06 response, immediate: ExecutionOutcome SEQUENCE. */
export const CS06_RESPONSE_SCHEMA = cs06ExecutionOutcome;
/** CS06 response, future-dated or cancel accepted: NULL. */
export const CS06_ACCEPTED_SCHEMA = f('commandAccepted');
/** 0x00CA future-dated firmware activation alert. */
export const CS06_ALERT_SCHEMA = f('futureDatedActivationAlert', [alertCode(), f('executionDateTime'), seqNumber('originatorCounter'), cs06ExecutionOutcome]);

const CS03_CODES = [0x000d, 0x000e, 0x00ab, 0x00af];
const CS04_CODES = [0x000f, 0x0010];

/**
 * Every GBCS ASN.1 message the codec names (NAMES.md 4.2). VERIFIED-RTDS unless the
 * title says otherwise; CS02a (0x0008) and CS02c (0x000A) are not in the RTDS subset
 * (UNCONFIRMED; Decision: NAMES.md layouts, which GP and the DUIS match give).
 */
export const ASN1_STRUCTURES: readonly Asn1Structure[] = [
  { codes: [0x0008, 0x011b], cra: 1, title: 'CS02a/CS02f provide security credential details command', schema: CS02A_COMMAND_SCHEMA },
  { codes: [0x0008, 0x011b], cra: 2, title: 'CS02a/CS02f provide security credential details response', schema: CS02A_RESPONSE_SCHEMA },
  { codes: CS02B_CODES, cra: 1, title: 'CS02b/CS02g update security credentials command', schema: CS02B_COMMAND_SCHEMA },
  { codes: CS02B_CODES, cra: 2, title: 'CS02b/CS02g update security credentials response', schema: CS02B_RESPONSE_SCHEMA },
  { codes: [0x00cb, 0x0124], cra: 3, title: 'CS02b/CS02g future-dated security credentials alert', schema: CS02B_ALERT_SCHEMA },
  { codes: [0x000a], cra: 1, title: 'CS02c issue security credentials command', schema: f('issueSecurityCredentials', [keyUsage()]) },
  { codes: [0x000a], cra: 2, rootTag: 0x30, title: 'CS02c certification request', schema: CS02C_CSR_SCHEMA },
  {
    codes: [0x000a], cra: 2, rootTag: 0x02, title: 'CS02c response code',
    schema: int('responseCode', { 1: 'invalidKeyUsage', 2: 'keyPairGenerationFailed', 3: 'crProductionFailed' }),
  },
  { codes: [0x000b], cra: 1, title: 'CS02d update device certificate command', schema: certificate('deviceCertificate') },
  {
    codes: [0x000b], cra: 2, rootTag: 0x02, title: 'CS02d response code',
    schema: int('responseCode', {
      0: 'success', 1: 'invalidCertificate', 2: 'wrongDeviceIdentity', 3: 'invalidKeyUsage', 4: 'noCorrespondingKeyPairGenerated',
      5: 'wrongPublicKey', 6: 'certificateStorageFailed', 7: 'privateKeyChangeFailed',
    }),
  },
  { codes: [0x000c], cra: 1, title: 'CS02e provide device certificate command', schema: f('provideDeviceCertificate', [keyUsage()]) },
  { codes: [0x000c], cra: 2, rootTag: 0x30, title: 'CS02e device certificate', schema: certificate('deviceCertificate') },
  {
    codes: [0x000c], cra: 2, rootTag: 0x02, title: 'CS02e response code',
    schema: int('responseCode', { 1: 'invalidKeyUsage', 2: 'noCertificateHeld', 3: 'certificateRetrievalFailure' }),
  },
  {
    codes: CS03_CODES, cra: 1, title: 'CS03 join command',
    schema: f('join', [
      int('joinMethodAndRole', { 0: 'methodAInitiator', 1: 'methodAResponder', 2: 'methodB', 3: 'methodC' }),
      f('entityId'), int('deviceType', DEVICE_TYPES), certificate('certificate', { tag: 0x30 }),
    ]),
  },
  { codes: CS03_CODES, cra: 2, title: 'CS03 join response', schema: int('joinResponseCode', JOIN_RESPONSE_CODES) },
  { codes: CS04_CODES, cra: 1, title: 'CS04 unjoin command', schema: f('entityId') },
  { codes: CS04_CODES, cra: 2, title: 'CS04 unjoin response', schema: int('responseCode', { 0: 'success', 1: 'notInDeviceLog', 2: 'otherFailure' }) },
  { codes: [0x0012], cra: 1, title: 'CS06 activate firmware command', schema: CS06_SCHEMA },
  { codes: [0x0012], cra: 2, rootTag: 0x30, title: 'CS06 activate firmware response', schema: CS06_RESPONSE_SCHEMA },
  { codes: [0x0012], cra: 2, rootTag: 0x05, title: 'CS06 future-dated/cancel accepted', schema: CS06_ACCEPTED_SCHEMA },
  { codes: [0x00ca], cra: 3, title: 'CS06 future-dated firmware activation alert', schema: CS06_ALERT_SCHEMA },
  { codes: [0x0013], cra: 1, title: 'CS07 read device join details command', schema: f('readDeviceJoinDetails') },
  {
    codes: [0x0013], cra: 2, title: 'CS07 read device join details response',
    schema: f('readDeviceJoinDetailsResponse', [int('responseCode', { 0: 'success', 1: 'readFailure' }), of('deviceLogEntries', deviceLogEntry, { tag: 0x30 })]),
  },
  { codes: [0x0129], cra: 1, title: 'CS08 read firmware version command', schema: f('readFirmwareVersion') },
  {
    codes: [0x0129], cra: 2, title: 'CS08 read firmware version response',
    schema: f('firmwareVersionResponse', [f('firmwareVersion'), int('responseCode', { 0: 'readSuccess', 1: 'readFailure' })]),
  },
  {
    codes: [0x012b], cra: 3, title: 'CS09 firmware version alert',
    schema: f('firmwareActivationAlert', [alertCode(), f('executionDateTime'), f('firmwareVersion'), int('activateImageResult', { 0: 'success', 1: 'failure' })]),
  },
  {
    codes: [0x0128], cra: 3, title: 'CCS08 firmware transfer alert',
    schema: f('firmwareTransferAlert', [
      alertCode(), f('executionDateTime'), f('entityId'), f('firmwareVersion'),
      int('responseCode', { 0: 'success', 1: 'imageDiscarded', 2: 'hardwareVersionMismatch', 3: 'fileTransferFailure' }),
    ]),
  },
  { codes: [0x007f], cra: 1, title: 'GCS28 set clock command', schema: f('setClock', [f('validityIntervalStart'), f('validityIntervalEnd')]) },
  {
    codes: [0x007f], cra: 2, title: 'GCS28 set clock response',
    schema: f('setClockResponse', [f('deviceTime'), int('deviceTimeStatus', { 0: 'reliable', 1: 'invalid', 2: 'unreliable' })]),
  },
  { codes: [0x008c], cra: 1, title: 'GCS59 restore GPF device log command', schema: f('restoreDeviceLog', [of('deviceLogEntries', deviceLogEntry)]) },
  {
    codes: [0x008c], cra: 2, title: 'GCS59 restore GPF device log response',
    schema: f('restoreDeviceLogResponse', [of('restoreOutcomes', f('restoreOutcome', [deviceLogEntry, int('joinResponseCode', JOIN_RESPONSE_CODES)]))]),
  },
  { codes: [0x00b2], cra: 3, title: 'GCS62 backup GPF device log alert', schema: f('backupDeviceLogAlert', [alertCode(), f('backupDateTime'), of('deviceLogEntries', deviceLogEntry)]) },
];

const byKey = new Map<number, Asn1Structure[]>();
for (const s of ASN1_STRUCTURES) {
  for (const code of s.codes) {
    const k = code * 4 + s.cra;
    const list = byKey.get(k);
    if (list) list.push(s);
    else byKey.set(k, [s]);
  }
}

/**
 * The GBCS structure of an ASN.1 payload: by message code and CRA flag (1 command,
 * 2 response, 3 alert), and the root's identifier octet where the message is a CHOICE.
 */
export function asn1StructureFor(messageCode: number, cra: number, rootTag: number): Asn1Structure | undefined {
  const list = byKey.get(messageCode * 4 + cra);
  if (!list) return undefined;
  for (const s of list) if (s.rootTag === undefined || s.rootTag === rootTag) return s;
  return undefined;
}

/** The name of an INTEGER / ENUMERATED value under a field's table, if it has one. */
export function valueName(field: Asn1Field, value: number): string | undefined {
  const v = field.values;
  if (!v) return undefined;
  return typeof v === 'function' ? v(value) : v[value];
}
