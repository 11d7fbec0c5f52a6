// gbcs ota <inspect|build|hash|blocks|verify>: upgrade images on disk, streamed (any size, bounded
// memory). A progress bar goes to stderr for jobs over a second, only when stderr is a terminal.
import { closeSync, existsSync, mkdtempSync, openSync, readSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { duisFirmwareImage } from '../../duis/read.js';
import { looksLikeXml, readDuisFile } from './duis.js';
import { toHex } from '../../bytes.js';
import { encodeImageBlockTransfer, encodeImageTransferInitiate } from '../../ota/dlmsImageTransfer.js';
import { checkUpgradeImageFile, fileChunks, upgradeImageFileLayout } from '../../ota/file.js';
import {
  GBCS_TRAILER_LENGTH,
  IMAGE_SIGNATURE_UNCOVERED,
  encodeGbcsTrailer,
  encodeOtaHeader,
  otaHeaderLength,
  signManufacturerImage,
  subElementName,
  type OtaHeaderInit,
  type UpgradeImageForm,
} from '../../ota/image.js';
import { encodeZclOta } from '../../ota/zclOta.js';
import { checkImageAgainstRepository } from '../../lifecycle/imageCheck.js';
import { FirmwareRepositoryError, loadRepositoryCsv, loadRepositoryJson, type FirmwareRepository } from '../../lifecycle/repository.js';
import type { KeyStore } from '../../security/keyStore.js';
import { folderKeyStore as pemFolderKeyStore } from '../../security/pemKeyStore.js';
import { command, group } from '../args.js';
import { jsonRecord } from '../jsonRecord.js';
import { EXIT_CHECK_FAILED, EXIT_KEY, EXIT_MALFORMED, EXIT_OK, KeyError, UsageError, argText, openOutput, readFileArg, requireFile, type Io } from '../io.js';

/** The security module's PEM folder key store, with a missing folder reported as a usage error. */
export function folderKeyStore(dir: string): KeyStore {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`key folder ${dir} does not exist`);
  return pemFolderKeyStore(dir);
}

/** Every EUI with a DS certificate/public key in the folder: the candidate signers. */
function folderSigners(dir: string): string[] {
  return readdirSync(dir)
    .map((f) => /^([0-9a-f]{16})-ds\.pem$/i.exec(f)?.[1]?.toLowerCase())
    .filter((e): e is string => e !== undefined)
    .sort();
}

/** Progress on stderr: only on a terminal, only once the job has run for a second. */
export function progressBar(io: Io, label: string): { update: (done: number, total: number) => void; end: () => void } {
  const start = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      if (!io.isTTY) return;
      const now = Date.now();
      if (now - start < 1000 || now - last < 100) return;
      last = now;
      shown = true;
      const f = total > 0 ? done / total : 1;
      const width = 30;
      const bar = '#'.repeat(Math.round(f * width)).padEnd(width, '.');
      // \r then erase to the end of the line: a shorter redraw leaves no residue.
      io.stderr.write(`\r\x1b[K${label} [${bar}] ${(f * 100).toFixed(0).padStart(3)}% ${(done / 1048576).toFixed(0)}/${(total / 1048576).toFixed(0)} MiB`);
    },
    end() {
      if (shown) io.stderr.write('\r\x1b[K');
    },
  };
}

function fileArg(positional: string[]): string {
  if (positional.length !== 1) throw new UsageError('give exactly one image file');
  return requireFile(positional[0]!);
}

/**
 * The image file argument, where a DUIS SR 11.1 / 11.4 request file stands for its
 * FirmwareImage: that image is written to a private temporary file for the check and removed.
 */
async function withImageFile<T>(positional: string[], run: (path: string) => Promise<T>): Promise<T> {
  const f = fileArg(positional);
  const head = new Uint8Array(64);
  const fd = openSync(f, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, 64, 0);
  } finally {
    closeSync(fd);
  }
  if (!looksLikeXml(head.subarray(0, n))) return run(f);
  const image = duisFirmwareImage(readDuisFile(f));
  if (!image) throw new UsageError(`${f} is a DUIS file without a FirmwareImage (SR 11.1 or 11.4)`);
  const dir = mkdtempSync(join(tmpdir(), 'gbcs-duis-image-'));
  try {
    const path = join(dir, 'image.ota');
    writeFileSync(path, image.bytes, { mode: 0o600 });
    return await run(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function formArg(v: string | undefined): UpgradeImageForm | undefined {
  if (v === undefined) return undefined;
  if (v === 'gbcs' || v === 'gbcs-unsigned' || v === 'zigbee') return v;
  throw new UsageError(`--form must be gbcs, gbcs-unsigned or zigbee`);
}

function signersArg(s: string | undefined, dir: string | undefined): string[] {
  if (typeof s === 'string') {
    if (!/^[0-9a-fA-F]{16}$/.test(s.replace(/[-:\s]/g, ''))) throw new UsageError(`--signer must be an EUI-64 (16 hex digits)`);
    return [s.replace(/[-:\s]/g, '').toLowerCase()];
  }
  return dir ? folderSigners(dir) : [];
}

const FORM = { type: 'string', value: 'gbcs|gbcs-unsigned|zigbee', help: 'the image form (default: detected)' } as const;
const SIGNER = { type: 'string', value: '<eui>', help: 'the supplier EUI-64 that signed the image (default: every DS key in --keys)' } as const;

/** A Firmware Information Repository file: JSON when it starts with [ or {, CSV otherwise. */
function loadRepositoryFile(path: string): FirmwareRepository {
  const text = readFileArg(path).toString('utf8');
  return /^\s*[[{]/.test(text) ? loadRepositoryJson(text) : loadRepositoryCsv(text);
}

const hex4 = (v: number, w = 4) => `0x${v.toString(16).padStart(w, '0')}`;

const inspect = command({
  summary: 'print the header, layout, manufacturer image hash and (with --keys) the signature check',
  args: '<file>',
  notes: '<file> may be a DUIS SR 11.1 / 11.4 request (XML): its FirmwareImage is inspected.',
  options: {
    keys: { type: 'string', value: '<dir>', help: 'PEM key folder to check the supplier signature' },
    signer: SIGNER,
    form: FORM,
    json: { type: 'boolean', help: 'print the inspection as JSON (schema/ota.schema.json)' },
  },
  run: async ({ values, positionals }, io) => {
  const dir = values.keys;
  const keys = dir ? folderKeyStore(dir) : undefined;
  const bar = progressBar(io, 'hashing');
  const r = await withImageFile(positionals, (file) => checkUpgradeImageFile(file, { ...(keys && { keys }), signers: signersArg(values.signer, dir), form: formArg(values.form), onProgress: bar.update }));
  bar.end();
  io.stdout.write(values.json ? jsonRecord(inspectionJson(r), 2) : formatInspection(r));
  return EXIT_OK;
  },
});

/** The `ota inspect --json` record (without schemaVersion; also the demo's OTA record). */
export function inspectionJson(r: Awaited<ReturnType<typeof checkUpgradeImageFile>>): Record<string, unknown> {
  const { layout } = r;
  const { headerStringBytes: _h, headerExtra, ...header } = layout.header;
  return {
    form: layout.form,
    header: { ...header, headerExtra: toHex(headerExtra) },
    manufacturerImage: { offset: layout.manufacturerImageOffset, length: layout.manufacturerImageLength },
    manufacturerImageHash: r.manufacturerImageHash,
    ...(layout.trailerOffset !== undefined && { trailerOffset: layout.trailerOffset }),
    ...(layout.subElements && { subElements: layout.subElements.map((s) => ({ ...s, name: subElementName(s.tag) })) }),
    signature: r.signature,
  };
}

/** Text rendering of a file check (also used by the demo). */
export function formatInspection(r: Awaited<ReturnType<typeof checkUpgradeImageFile>>): string {
  const { layout } = r;
  const h = layout.header;
  const lines = [
    `form                     ${layout.form}`,
    `file identifier          ${hex4(h.fileIdentifier, 8)}`,
    `header version           ${hex4(h.headerVersion)}`,
    `header length            ${h.headerLength}`,
    `field control            ${hex4(h.fieldControl)}`,
    `manufacturer code        ${hex4(h.manufacturerCode)}`,
    `image type               ${hex4(h.imageType)}`,
    `file version             ${hex4(h.fileVersion, 8)}`,
    `zigbee stack version     ${hex4(h.zigbeeStackVersion)}`,
    `header string            ${JSON.stringify(h.headerString)}`,
    `total image size         ${h.totalImageSize}`,
  ];
  if (h.securityCredentialVersion !== undefined) lines.push(`security credential ver  ${h.securityCredentialVersion}`);
  if (h.upgradeFileDestination !== undefined) lines.push(`upgrade file destination ${h.upgradeFileDestination}`);
  if (h.minimumHardwareVersion !== undefined) lines.push(`hardware versions        ${hex4(h.minimumHardwareVersion)}..${hex4(h.maximumHardwareVersion!)}`);
  if (h.headerExtra.length) lines.push(`header extra bytes       ${toHex(h.headerExtra)}`);
  lines.push(`manufacturer image       ${layout.manufacturerImageLength} bytes at ${layout.manufacturerImageOffset}`);
  for (const s of layout.subElements ?? []) lines.push(`sub-element              tag ${hex4(s.tag)} (${subElementName(s.tag)}), ${s.length} bytes at ${s.offset}`);
  if (layout.trailerOffset !== undefined) lines.push(`trailer                  at ${layout.trailerOffset} (flag, 40, 64-byte r||s)`);
  lines.push(`manufacturer image hash  ${r.manufacturerImageHash}`);
  const s = r.signature;
  lines.push(`supplier signature       ${s.state}${s.signer ? ` (${s.signer})` : s.tried ? ` (tried ${s.tried.join(', ')})` : ''}`);
  return `${lines.join('\n')}\n`;
}

const build = command({
  summary: 'build a GBCS upgrade image: header + manufacturer image + supplier signature trailer',
  options: {
    header: { type: 'string', value: '<json | @file.json>', required: true, help: 'OTA header fields (manufacturerCode, imageType, fileVersion, ...)' },
    image: { type: 'string', value: '<file>', required: true, help: 'the manufacturer image' },
    keys: { type: 'string', value: '<dir>', required: true, help: 'PEM key folder holding the signer DS private key' },
    signer: { type: 'string', value: '<eui>', required: true, help: 'the supplier EUI-64 that signs' },
    o: { type: 'string', value: '<file>', required: true, help: 'the output image file' },
    json: { type: 'boolean', help: 'print {schemaVersion, file, length, manufacturerImageLength, signer} as JSON (schema/ota.schema.json)' },
  },
  run: async ({ values, positionals }, io) => {
    if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
    let header: OtaHeaderInit;
    try {
      header = JSON.parse(argText(values.header)) as OtaHeaderInit;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`--header is not JSON: ${(e as Error).message}`);
    }
    if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new UsageError('--header must be a JSON object');
    for (const k of ['manufacturerCode', 'imageType', 'fileVersion'] as const) {
      const v = header[k] as unknown;
      if (typeof v === 'string') (header as unknown as Record<string, unknown>)[k] = Number(v);
      if (!Number.isInteger((header as unknown as Record<string, unknown>)[k])) throw new UsageError(`--header needs ${k} (a number)`);
    }
    const image = requireFile(values.image);
    const keys = folderKeyStore(values.keys);
    const [signer] = signersArg(values.signer, undefined);
    const size = statSync(image).size;
    const total = otaHeaderLength(header) + size + GBCS_TRAILER_LENGTH;
    // Encoded before the (long) signing pass: an out-of-range field is a usage error up front.
    let head: Uint8Array;
    try {
      head = encodeOtaHeader(header, total);
    } catch (e) {
      if (e instanceof RangeError || e instanceof TypeError || (e as Error).name === 'GbcsEncodeError') throw new UsageError(`--header: ${(e as Error).message}`);
      throw e;
    }
    const out = openOutput(values.o);
    const bar = progressBar(io, 'signing');
    let signature: Uint8Array;
    try {
      signature = await signManufacturerImage(fileChunks(image, 0, size, { onProgress: bar.update }), keys, signer!);
      if (signature.length !== 64) throw new Error(`it is not an EC P-256 key (a ${signature.length}-byte signature)`);
    } catch (e) {
      // Only key problems come out of signing a readable file: missing, unparsable or not a P-256 DS key.
      throw new KeyError(`the DS private key of ${signer} cannot be used: ${(e as Error).message.split('\n')[0]}`);
    } finally {
      bar.end();
    }
    await out.write(head);
    // Copied per chunk: fileChunks reuses its buffer, the stream may still hold the last one.
    for await (const c of fileChunks(image, 0, size)) await out.write(c.slice());
    await out.write(encodeGbcsTrailer(signature));
    await out.close();
    io.stdout.write(values.json ? jsonRecord({ file: values.o, length: total, manufacturerImageLength: size, signer }) : `wrote ${values.o}: ${total} bytes, manufacturer image ${size} bytes, signed by ${signer}\n`);
    return EXIT_OK;
  },
});

const hash = command({
  summary: 'print the manufacturer image hash (SHA-256, GBCS.md 5.2)',
  args: '<file>',
  options: { form: FORM, json: { type: 'boolean', help: 'print {schemaVersion, form, manufacturerImage, manufacturerImageHash} as JSON (schema/ota.schema.json)' } },
  run: async ({ values, positionals }, io) => {
    const bar = progressBar(io, 'hashing');
    const r = await withImageFile(positionals, (file) => checkUpgradeImageFile(file, { form: formArg(values.form), onProgress: bar.update }));
    bar.end();
    const { layout } = r;
    io.stdout.write(
      values.json
        ? jsonRecord({ form: layout.form, manufacturerImage: { offset: layout.manufacturerImageOffset, length: layout.manufacturerImageLength }, manufacturerImageHash: r.manufacturerImageHash })
        : `${r.manufacturerImageHash}\n`,
    );
    return EXIT_OK;
  },
});

const blocks = command({
  summary: 'cut an image into blocks: a table, DLMS image-block-transfer APDUs or ZCL image block responses',
  args: '<file>',
  options: {
    size: { type: 'string', value: '<n>', required: true, help: 'block size in bytes' },
    dlms: { type: 'boolean', help: 'print the DLMS image transfer initiate and block APDUs (hex)' },
    zcl: { type: 'boolean', help: 'print ZCL OTA image block responses (hex, at most 255 bytes a block)' },
    json: { type: 'boolean', help: 'one JSON record per block {schemaVersion, block, offset, length[, dlms | zcl]} (schema/ota.schema.json)' },
  },
  run: async ({ values, positionals }, io) => {
  const file = fileArg(positionals);
  const n = /^\d+$/.test(values.size) ? Number(values.size) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 0x7fffffff) throw new UsageError('--size must be a positive integer');
  if (values.dlms && values.zcl) throw new UsageError('give --dlms or --zcl, not both');
  const zcl = values.zcl === true;
  if (zcl && n > 255) throw new UsageError('--zcl blocks are at most 255 bytes (one-byte data size)');
  const size = statSync(file).size;
  const id = zcl ? upgradeImageFileLayout(file).header : undefined;
  const json = values.json === true;
  if (values.dlms) {
    const identifier = file.split('/').pop()!;
    const apdu = toHex(encodeImageTransferInitiate({ identifier: new TextEncoder().encode(identifier), size }));
    io.stdout.write(json ? jsonRecord({ initiate: apdu, identifier, size }) : `initiate ${apdu}\n`);
  } else if (!zcl && !json) io.stdout.write('block   offset     length\n');
  let index = 0;
  const bar = progressBar(io, 'cutting');
  // Chunks are a multiple of the block size, so blocks never straddle two reads.
  const chunkSize = n * Math.max(1, Math.floor((1 << 20) / n));
  let lines: string[] = [];
  for await (const c of fileChunks(file, 0, size, { chunkSize, onProgress: bar.update })) {
    for (let o = 0; o < c.length; o += n) {
      const data = c.subarray(o, o + n);
      const offset = index * n;
      if (zcl) {
        const f = encodeZclOta({ command: 'image-block-response', status: 0, manufacturerCode: id!.manufacturerCode, imageType: id!.imageType, fileVersion: id!.fileVersion, fileOffset: offset, data }, { sequence: index & 0xff });
        lines.push(json ? blockJson(index, offset, data.length, { zcl: toHex(f) }) : toHex(f));
      } else if (values.dlms) {
        const apdu = toHex(encodeImageBlockTransfer({ blockNumber: index, data }));
        lines.push(json ? blockJson(index, offset, data.length, { dlms: apdu }) : apdu);
      } else if (json) lines.push(blockJson(index, offset, data.length, {}));
      else lines.push(`${String(index).padStart(5)}   ${String(offset).padStart(9)}  ${String(data.length).padStart(6)}`);
      index++;
    }
    io.stdout.write(`${lines.join('\n')}\n`);
    lines = [];
  }
  bar.end();
  return EXIT_OK;
  },
});

/** One `ota blocks --json` line (without its newline: lines are joined per chunk). */
function blockJson(block: number, offset: number, length: number, apdu: { dlms?: string; zcl?: string }): string {
  return jsonRecord({ block, offset, length, ...apdu }).slice(0, -1);
}

const verify = command({
  summary: 'verify the supplier signature (--keys) and/or the repository entry (--repo) of an image (exit 3 when not valid)',
  args: '<file>',
  options: {
    keys: { type: 'string', value: '<dir>', help: 'PEM key folder with the supplier DS public keys' },
    signer: SIGNER,
    form: FORM,
    repo: { type: 'string', value: '<fir.json|fir.csv>', help: 'check the header against the repository entry for the image hash' },
    json: { type: 'boolean', help: 'print {schemaVersion, valid, manufacturerImageHash, signature?, repository?, notCoveredBySignature} as JSON (schema/ota.schema.json)' },
  },
  notes: 'Give --keys, --repo or both. <file> may be a DUIS SR 11.1 / 11.4 request (XML): its FirmwareImage is checked.',
  run: async ({ values, positionals }, io) => {
    fileArg(positionals);
    const dir = values.keys;
    const repoFile = values.repo;
    if (dir === undefined && repoFile === undefined) throw new UsageError('--keys <dir> or --repo <file> is required');
    // Loaded first: a malformed repository is reported before the image is hashed.
    let repo: FirmwareRepository | undefined;
    try {
      repo = repoFile !== undefined ? loadRepositoryFile(repoFile) : undefined;
    } catch (e) {
      if (!(e instanceof FirmwareRepositoryError)) throw e;
      io.stderr.write(`gbcs ota verify: ${repoFile}: ${e.message}\n`);
      return EXIT_MALFORMED;
    }
    const signers = dir !== undefined ? signersArg(values.signer, dir) : [];
    const bar = progressBar(io, 'verifying');
    const keys = dir !== undefined ? folderKeyStore(dir) : undefined;
    const r = await withImageFile(positionals, (file) => checkUpgradeImageFile(file, { ...(keys && { keys }), signers, form: formArg(values.form), onProgress: bar.update }));
    bar.end();
    let repoOk = true;
    const json = values.json === true;
    const repoCheck = repo ? checkImageAgainstRepository(repo, r.layout.header, r.manufacturerImageHash) : undefined;
    const s = r.signature;
    if (json) {
      // One record with both checks; the exit status and the stderr notes are those of the text form.
      const valid = (repoCheck?.ok ?? true) && (dir === undefined || s.state === 'valid');
      io.stdout.write(
        jsonRecord({
          valid,
          manufacturerImageHash: r.manufacturerImageHash,
          ...(dir !== undefined && { signature: s }),
          ...(repoCheck && { repository: repoCheck }),
          notCoveredBySignature: IMAGE_SIGNATURE_UNCOVERED,
        }),
      );
    }
    if (repoCheck) {
      // The header is outside the signature: only the repository entry for the hash vouches for it.
      repoOk = repoCheck.ok;
      if (!json) io.stdout.write(`${repoCheck.ok ? 'matches repository' : 'REPOSITORY MISMATCH'}: ${repoCheck.message}\n`);
      if (dir === undefined) return repoOk ? EXIT_OK : EXIT_CHECK_FAILED;
    }
    if (!json) io.stdout.write(`${s.state === 'valid' ? 'valid' : 'NOT VALID'}: supplier signature ${s.state}${s.signer ? ` by ${s.signer}` : ''}, manufacturer image hash ${r.manufacturerImageHash}\n`);
    // GBCS.md 5.2: the signature covers the Manufacturer Image only (issue 10.10).
    if (!json) io.stdout.write(`not covered by the signature: ${IMAGE_SIGNATURE_UNCOVERED.join(', ')}${repo ? ' (the header is vouched for by --repo only)' : ' (check the header with --repo)'}\n`);
    if (s.state === 'valid') return repoOk ? EXIT_OK : EXIT_CHECK_FAILED;
    if (s.state === 'key-unusable') {
      io.stderr.write(`gbcs ota verify: a DS key in ${dir} cannot be used (unparsable, not EC P-256, or not a regular file)\n`);
      return EXIT_KEY;
    }
    if (s.state === 'key-unknown' || s.state === 'not-checked') io.stderr.write(`gbcs ota verify: no DS key in ${dir} could check the signature (tried ${signers.length})\n`);
    return EXIT_CHECK_FAILED;
  },
});

export const otaCommand = group('OTA upgrade images: inspect, build (sign), hash, cut into blocks, verify', { inspect, build, hash, blocks, verify });
