// Entry points of the package (issue 15 item 1): each entry's export list is pinned here, so
// adding or removing a public name is a deliberate change to this file; the main entry bundles
// for the browser with no `node:` import and no Node-only package anywhere in its graph.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { exports: Record<string, unknown>; sideEffects: unknown };

/** Pinned export lists (sorted). Update deliberately when the public API changes. */
const EXPORTS: Record<string, string[]> = {
  '.': [
    'ACTIVATION_RESPONSE_CODES', 'ALERT_CODES', 'BOOST_END_RUNNING', 'BlockServer', 'CCS08_MESSAGE_CODE',
    'CCS08_STATUS_NAMES', 'CRA_ENCRYPTION', 'CS06_CANCEL_TIME', 'CS06_MESSAGE_CODE', 'CS06_RESPONSE_CODES',
    'DATA_ACCESS_RESULTS', 'DEFAULT_BOOST_LOG_LAYOUT', 'DEVICE_MACED_COMMANDS', 'DLMS_TYPE_TAGS',
    'ECS61C_MESSAGE_CODE', 'EcdhCache', 'FC_DESTINATION', 'FC_HARDWARE_VERSIONS', 'FC_SECURITY_CREDENTIAL',
    'FDRA_DLMS_MESSAGE_CODE', 'FDRA_GBZ_MESSAGE_CODE', 'FIRMWARE_VERSION_MESSAGE_CODES',
    'FUTURE_DATED_ACTIVATION_ALERT_CODE', 'FileSink', 'GBCS_TRAILER_LENGTH', 'GBT_DEFAULTS', 'GBT_MAX_BLOCKS',
    'GbcsDecodeError', 'GbcsEncodeError', 'GbcsFrame', 'GbtReassembler', 'GbtReassemblyError',
    'IMAGE_TRANSFER_CLASS_ID', 'IMAGE_TRANSFER_LN', 'IMAGE_TRANSFER_STATUS', 'ImageAssembler', 'LazyPayload',
    'MAC_LENGTH', 'MESSAGE_CODES', 'MemorySink', 'OTA_CLUSTER_ID', 'OTA_FILE_IDENTIFIER',
    'OTA_HEADER_FIXED_LENGTH', 'OtaDevice', 'TransferredBlocks', 'ZCL_CLUSTERS', 'ZCL_OTA_COMMANDS',
    'ZCL_OTA_STATUS', 'ZCL_STATUS', 'activationResponseCodeName', 'agreeKey', 'blockCount',
    'boostLogReadSpec', 'boostPeriodTimes', 'boostRangeDescriptor', 'buildActivateFirmwareCommand',
    'buildActivateFirmwarePreCommand', 'buildBoostLogReadRequest', 'buildMacedFrame',
    'buildReadBoostButtonDataRequest', 'buildReadFirmwareVersionRequest', 'buildUnsignedUpgradeImage',
    'buildUpgradeImage', 'buildZigbeeOtaFile', 'checkActivation', 'chunksOf', 'computeMac', 'createSha256',
    'cs06Payload', 'cutBlocks', 'decodeBoostLog', 'decodeBoostLogReadRequest', 'decodeBoostLogResponse',
    'decodeCs06Command', 'decodeDateTime', 'decodeDer', 'decodeDlmsData', 'decodeFirmwareMessage',
    'decodeFrame', 'decodeFrames', 'decodeImageBlockTransfer', 'decodeImageToActivateInfo',
    'decodeImageTransferInitiate', 'decodeImageVerifyOrActivate', 'decodeObis', 'decodePayload',
    'decodeReadBoostButtonDataRequest', 'decodeReadBoostButtonDataResponse', 'decodeZclOta',
    'decodeZclPayload', 'decryptFrame', 'defaultPrimitives', 'encodeActivateFirmwareResponse',
    'encodeBoostLog', 'encodeBoostLogResponse', 'encodeDateTime', 'encodeDer', 'encodeDlmsData',
    'encodeFirmwareReceipt', 'encodeFirmwareVersion', 'encodeFrame', 'encodeFutureDatedActivationAlert',
    'encodeGbcsTrailer', 'encodeGeneralSigning', 'encodeImageActivate', 'encodeImageBlockTransfer',
    'encodeImageToActivateInfo', 'encodeImageTransferInitiate', 'encodeImageVerify', 'encodeObis',
    'encodeOtaHeader', 'encodeOtherInformation', 'encodePayload', 'encodeZclOta', 'encodeZclPayload',
    'encryptBlob', 'encryptionKey', 'encryptionParties', 'fileSource', 'findEncryptedParts',
    'formatMessageCode', 'frameInitOf', 'fromHex', 'imageBlock', 'init', 'inspectUpgradeImage',
    'isFirmwareMessage', 'kdf', 'kdfOtherInfo', 'loadNodeCrypto', 'longInvokeId', 'looksLikeDateTime',
    'macInputs', 'macParty', 'memorySource', 'messageCodeInfo', 'messageCodesForUseCase', 'normalizeEui',
    'openFrame', 'openPayload', 'otaHeaderLength', 'parseOtaHeader', 'parseOtherInformation',
    'parseUpgradeImage', 'readFirmwareVersionFrame', 'segmentMessage', 'selectBoostPeriods', 'sha256',
    'sha256Hex', 'sharedEcdhCache', 'sharedSecret', 'signManufacturerImage', 'signPreCommand',
    'subElementName', 'toBytes', 'toHex', 'upgradeImageLayout', 'verifyFrame', 'verifyMac',
    'verifyManufacturerImage', 'verifySignature', 'verifyUpgradeImage', 'webCryptoPrimitives',
    'zclCommandName', 'zclHeader', 'zclOtaStatusName',
  ],
  './node': [
    'FILE_CHUNK', 'FileSink', 'checkUpgradeImageFile', 'createFrameLineStream', 'fileChunks', 'fileReader',
    'fileSource', 'folderKeyStore', 'keyFileStem', 'nodePrimitives', 'publicKeyFromPem',
    'upgradeImageFileLayout',
  ],
  './lifecycle': [
    'ALT_HAN_BRIDGES', 'ALT_HAN_VARIANTS', 'AltHanPackageError', 'DEVICE_TYPES', 'FirmwareRepository',
    'FirmwareRepositoryError', 'FirmwareTracker', 'FirmwareUpgradeError', 'Premises', 'buildFirmwarePackage',
    'checkUpgrade', 'loadRepositoryCsv', 'loadRepositoryJson', 'planUpgrade', 'repositoryToCsv',
    'splitFirmwarePackage', 'summarizePackageImage',
  ],
  './testing': [
    'frameForMatching', 'gbcsMatchers', 'loadHexFixtures', 'parseHexFixtures', 'subsetMismatch', 'toDecodeAs',
  ],
};

function entryFile(name: string): string {
  const e = pkg.exports[name] as { default: string };
  return new URL(e.default, ROOT).pathname;
}

describe('package entries', () => {
  for (const [name, expected] of Object.entries(EXPORTS)) {
    it(`${name} exports exactly the pinned names`, async () => {
      const m = (await import(entryFile(name))) as Record<string, unknown>;
      expect(Object.keys(m).sort()).toEqual(expected);
    });
  }

  it('every entry has types, and the main entry a browser condition; the package is side-effect free', () => {
    for (const name of Object.keys(EXPORTS)) expect((pkg.exports[name] as { types?: string }).types, name).toMatch(/\.d\.ts$/);
    expect((pkg.exports['.'] as { browser?: string }).browser).toBe('./dist/index.js');
    expect(pkg.sideEffects).toBe(false);
  });

  it('the main entry bundles for the browser: no node: import, no Node-only package, no Buffer', async () => {
    const r = await build({ entryPoints: [entryFile('.')], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(r.metafile.inputs);
    const imports = Object.values(r.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
    expect(imports.filter((p) => p.startsWith('node:') || /^(fs|path|crypto|stream|os|worker_threads)$/.test(p))).toEqual([]);
    expect(inputs.filter((p) => p.includes('node_modules'))).toEqual([]);
    // Buffer only behind a `typeof Buffer` guard (bytes.ts, wasm/core.ts), never called unguarded.
    const code = r.outputFiles[0]!.text;
    const uses = code.match(/[^.\w]Buffer\.\w+/g) ?? [];
    const guards = code.match(/typeof Buffer !== "undefined"/g) ?? [];
    expect(uses.length).toBeLessThanOrEqual(guards.length);
    expect(code).not.toMatch(/\brequire\(/);
  });
});
