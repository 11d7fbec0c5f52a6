// gbcs duis <inspect|request>: DUIS XML files. `inspect` prints the service request, the
// parties and the decoded content (GBCS payloads decoded, an SR 11.1/11.4 image summarised);
// `request` writes the firmware service requests SR 11.1 (from an image file), 11.2 and 11.3.
import { toHex } from '../../bytes.js';
import { GbcsEncodeError } from '../../errors.js';
import { inspectDuis, readDuis, duisActivateFirmwareRequest, duisReadFirmwareVersionRequest, duisUpdateFirmwareRequest, type DuisInspection, type DuisMessage, type DuisRequestIdInit } from '../../duis/index.js';
import { parseUpgradeImage } from '../../ota/image.js';
import { toJsonSafe } from '../../payload/json.js';
import { formatFrameText } from '../format.js';
import { typedViewJson } from '../typedViews.js';
import { command, group } from '../args.js';
import { jsonRecord } from '../jsonRecord.js';
import { EXIT_MALFORMED, EXIT_OK, UsageError, readFileArg, writeFileOut, type Io } from '../io.js';

/** Reads a DUIS file (bytes -> the browser-safe reader). */
export function readDuisFile(path: string): DuisMessage {
  return readDuis(new Uint8Array(readFileArg(path)));
}

/** True when a file's first non-blank byte is '<': a DUIS (XML) document rather than a frame or an image. */
export function looksLikeXml(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return bytes[i] === 0x3c;
}

function textOf(i: DuisInspection): string {
  const row = (k: string, v: string) => `${k.padEnd(22)} ${v}\n`;
  let s = '';
  s += row('DUIS', i.type);
  if (i.serviceReference !== undefined) s += row('service request', `SR ${i.serviceReference}${i.serviceReferenceVariant && i.serviceReferenceVariant !== i.serviceReference ? ` (variant ${i.serviceReferenceVariant})` : ''}`);
  if (i.commandVariant !== undefined) s += row('command variant', String(i.commandVariant));
  s += row('content', i.content);
  if (i.responseCode !== undefined) s += row('response code', i.responseCode);
  if (i.responseDateTime !== undefined) s += row('response date-time', i.responseDateTime);
  if (i.alertCode !== undefined) s += row('alert code', i.alertCode);
  for (const p of i.parties) s += row(`${p.role} (${p.from})`, p.eui);
  if (i.counter !== undefined) s += row('counter', i.counter.toString());
  if (i.fields.length) s += 'fields\n';
  const w = Math.max(0, ...i.fields.map((f) => f.path.length));
  for (const f of i.fields) s += `  ${f.path.padEnd(w)}  ${f.value.length > 96 ? `${f.value.slice(0, 96)}... (${f.value.length} characters)` : f.value}\n`;
  if (i.firmwareImage) {
    try {
      const u = parseUpgradeImage(i.firmwareImage);
      const h = u.header;
      s += row('firmware image', `${i.firmwareImage.length} bytes, form ${u.form}, manufacturer 0x${h.manufacturerCode.toString(16).padStart(4, '0')}, image type 0x${h.imageType.toString(16).padStart(4, '0')}, file version ${(h.fileVersion >>> 0).toString(16).padStart(8, '0')}`);
      s += row('', '(gbcs ota inspect|verify <this file> checks it)');
    } catch (e) {
      s += row('firmware image', `${i.firmwareImage.length} bytes, not an OTA upgrade image: ${(e as Error).message}`);
    }
  }
  i.frames.forEach((f, n) => {
    s += `\nGBCS payload ${n + 1} (${f.path}):\n`;
    s += f.frame ? formatFrameText(f.frame) : `  error ${f.error!.message}\n`;
  });
  return s;
}

function jsonOf(i: DuisInspection): unknown {
  return toJsonSafe({
    ...i,
    firmwareImage: i.firmwareImage ? { length: i.firmwareImage.length, hex: toHex(i.firmwareImage.subarray(0, 64)) } : undefined,
    frames: i.frames.map((f) =>
      f.frame
        ? { path: f.path, frame: { ...f.frame.toJSON(), payload: f.frame.payload && f.frame.payloadFormat !== 'unknown' ? safePayload(f.frame) : null, ...typedViewJson(f.frame) } }
        : { path: f.path, error: f.error!.code, offset: f.error!.offset, expected: f.error!.expected },
    ),
  });
}

function safePayload(f: NonNullable<DuisInspection['frames'][number]['frame']>): unknown {
  try {
    return f.payload!.toJSON();
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const inspect = command({
  summary: 'print the service request, the parties and the decoded content (GBCS payloads, an SR 11.1/11.4 image)',
  args: '<file.xml>',
  options: { json: { type: 'boolean', help: 'print the inspection as JSON (frames with their payload tree and typed view; schema/duis.schema.json)' } },
  run: async ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('give one DUIS XML file');
    const i = inspectDuis(readDuisFile(positionals[0]!));
    io.stdout.write(values.json ? jsonRecord(jsonOf(i) as object) : textOf(i));
    return i.frames.some((f) => f.error) ? EXIT_MALFORMED : EXIT_OK;
  },
});

function requestIdArg(v: string): DuisRequestIdInit {
  const m = /^([0-9A-Fa-f-]+):([0-9A-Fa-f-]+):(\d+)$/.exec(v.trim());
  if (!m) throw new UsageError('--request-id must be <originator EUI>:<target EUI>:<counter>, e.g. 90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000');
  return { originatorId: m[1]!, targetId: m[2]!, counter: BigInt(m[3]!) };
}

/**
 * The request XML to stdout, or to -o <file>; with --json one record
 * `{ schemaVersion, serviceReference, xml }` (`file` instead of `xml` with -o).
 */
function emit(xml: string, out: string | undefined, io: Io, json: { serviceReference: string } | undefined): number {
  if (out !== undefined) writeFileOut(out, xml);
  if (json) io.stdout.write(jsonRecord({ serviceReference: json.serviceReference, ...(out !== undefined ? { file: out } : { xml }) }));
  else if (out === undefined) io.stdout.write(xml);
  return EXIT_OK;
}

/** Encoder refusals (bad EUI, hash, date) are usage errors: the values came from the command line. */
function build(make: () => string): string {
  try {
    return make();
  } catch (e) {
    if (e instanceof GbcsEncodeError) throw new UsageError(e.message);
    throw e;
  }
}

const REQUEST_ID = { type: 'string', value: '<orig:target:counter>', required: true, help: 'the DUIS RequestID, e.g. 90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000' } as const;
const OUT = { type: 'string', short: 'o', value: '<file>', help: 'write the XML to this file (default stdout)' } as const;
const JSON_OPT = { type: 'boolean', help: 'print {schemaVersion, serviceReference, xml} (file with -o) as JSON (schema/duis.schema.json)' } as const;
const noArgs = (positionals: string[]) => {
  if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
};

const request11_1 = command({
  summary: 'SR 11.1 Update Firmware (unsigned XML) from an upgrade image file',
  options: {
    'request-id': REQUEST_ID,
    image: { type: 'string', value: '<file>', required: true, help: 'the OTA upgrade image (GBCS.md 5.2)' },
    device: { type: 'string', value: '<eui>[,<eui>...]', required: true, help: 'the devices to distribute to (DeviceIDList)' },
    version: { type: 'string', value: '<8 hex>', help: "FirmwareVersion (default: the image header's file version)" },
    o: OUT,
    json: JSON_OPT,
  },
  run: async ({ values, positionals }, io) => {
    noArgs(positionals);
    const image = new Uint8Array(readFileArg(values.image));
    const xml = build(() => duisUpdateFirmwareRequest({ requestId: requestIdArg(values['request-id']), image, deviceIds: values.device.split(','), ...(values.version !== undefined && { firmwareVersion: values.version }) }));
    return emit(xml, values.o, io, values.json ? { serviceReference: '11.1' } : undefined);
  },
});

const request11_2 = command({
  summary: 'SR 11.2 Read Firmware Version (unsigned XML)',
  options: { 'request-id': REQUEST_ID, o: OUT, json: JSON_OPT },
  run: async ({ values, positionals }, io) => {
    noArgs(positionals);
    return emit(build(() => duisReadFirmwareVersionRequest({ requestId: requestIdArg(values['request-id']) })), values.o, io, values.json ? { serviceReference: '11.2' } : undefined);
  },
});

const request11_3 = command({
  summary: 'SR 11.3 Activate Firmware (unsigned XML): now, at a date-time, or cancel a pending one',
  options: {
    'request-id': REQUEST_ID,
    hash: { type: 'string', value: '<64 hex>', required: true, help: 'the Manufacturer Image hash' },
    at: { type: 'string', value: '<date-time>', help: 'future-dated activation (ISO-8601)' },
    cancel: { type: 'boolean', help: 'cancel a pending future-dated activation' },
    o: OUT,
    json: JSON_OPT,
  },
  run: async ({ values, positionals }, io) => {
    noArgs(positionals);
    if (values.cancel && values.at !== undefined) throw new UsageError('give --at or --cancel, not both');
    const xml = build(() =>
      duisActivateFirmwareRequest({ requestId: requestIdArg(values['request-id']), firmwareHash: values.hash, ...(values.at !== undefined && { executionDateTime: values.at }), cancel: values.cancel === true }),
    );
    return emit(xml, values.o, io, values.json ? { serviceReference: '11.3' } : undefined);
  },
});

/** gbcs duis inspect | request 11.1 | 11.2 | 11.3 */
export const duisCommand = group('DUIS XML: inspect a request, response or alert (GBCS payloads decoded); write SR 11.1/11.2/11.3', {
  inspect,
  request: group('write a firmware service request as unsigned DUIS XML', { '11.1': request11_1, '11.2': request11_2, '11.3': request11_3 }),
});
