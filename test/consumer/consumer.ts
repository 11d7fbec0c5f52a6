import { decodeFrame, jsonReplacer, GbcsDecodeError, type GbcsErrorCode, type GbcsFrame } from 'gbcs-codec';
import { folderKeyStore, frameLines } from 'gbcs-codec/node';
import { loadRepositoryCsv, planUpgrade } from 'gbcs-codec/lifecycle';
import { parseHexFixtures, toDecodeAs } from 'gbcs-codec/testing';
const f: GbcsFrame = decodeFrame('DD00', { copy: true });
const code: GbcsErrorCode = new GbcsDecodeError('truncated', 0, 'x').code;
console.log(f.kind, code, JSON.stringify({}, jsonReplacer), typeof folderKeyStore, typeof frameLines, typeof loadRepositoryCsv, typeof planUpgrade, parseHexFixtures('').length, toDecodeAs('DD', { useCase: 'ECS52' }).pass);
