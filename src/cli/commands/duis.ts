// gbcs duis <inspect|request>: DUIS XML files. `inspect` prints the service request, the
// parties and the decoded content (GBCS payloads decoded, an SR 11.1/11.4 image summarised);
// `request` writes the firmware service requests SR 11.1 (from an image file), 11.2 and 11.3.
import { writeFileSync } from 'node:fs';
import { toHex } from '../../bytes.js';
import { GbcsEncodeError } from '../../errors.js';
import { inspectDuis, readDuis, duisActivateFirmwareRequest, duisReadFirmwareVersionRequest, duisUpdateFirmwareRequest, type DuisInspection, type DuisMessage, type DuisRequestIdInit } from '../../duis/index.js';
import { parseUpgradeImage } from '../../ota/image.js';
import { toJsonSafe } from '../../payload/json.js';
import { formatFrameText } from '../format.js';
import { typedViewJson } from '../typedViews.js';
import { EXIT_MALFORMED, EXIT_OK, UsageError, parseArgs, readFileArg, runSubcommand, type Command, type Io } from '../io.js';

const USAGE = `gbcs duis inspect [--json] <file.xml>
       gbcs duis request 11.1 --request-id <orig:target:counter> --image <file> --device <eui>[,<eui>...] [--version <8 hex>] [-o <file>]
       gbcs duis request 11.2 --request-id <orig:target:counter> [-o <file>]
       gbcs duis request 11.3 --request-id <orig:target:counter> --hash <64 hex> [--at <date-time> | --cancel] [-o <file>]
exit status: 0 ok, 1 usage, 2 malformed XML or GBCS payload`;

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
  for (const f of i.fields) s += row(`  ${f.path}`, f.value.length > 96 ? `${f.value.slice(0, 96)}... (${f.value.length} characters)` : f.value);
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

async function inspect(args: string[], io: Io): Promise<number> {
  const { flags, positional } = parseArgs(args, { booleans: ['json'] });
  if (positional.length !== 1) throw new UsageError('give one DUIS XML file');
  const i = inspectDuis(readDuisFile(positional[0]!));
  io.stdout.write(flags.has('json') ? `${JSON.stringify(jsonOf(i))}\n` : textOf(i));
  return i.frames.some((f) => f.error) ? EXIT_MALFORMED : EXIT_OK;
}

function requestIdArg(v: string | true | undefined): DuisRequestIdInit {
  const m = typeof v === 'string' ? /^([0-9A-Fa-f-]+):([0-9A-Fa-f-]+):(\d+)$/.exec(v.trim()) : null;
  if (!m) throw new UsageError('--request-id must be <originator EUI>:<target EUI>:<counter>, e.g. 90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000');
  return { originatorId: m[1]!, targetId: m[2]!, counter: BigInt(m[3]!) };
}

async function request(args: string[], io: Io): Promise<number> {
  const [sr, ...rest] = args;
  const { flags, positional } = parseArgs(rest, { values: ['request-id', 'image', 'device', 'version', 'hash', 'at', 'o'], booleans: ['cancel'], aliases: { o: 'o' } });
  if (positional.length) throw new UsageError(`unexpected argument ${positional[0]}`);
  const requestId = requestIdArg(flags.get('request-id'));
  const str = (k: string) => (typeof flags.get(k) === 'string' ? (flags.get(k) as string) : undefined);
  let xml: string;
  try {
    if (sr === '11.1') {
      const image = str('image');
      const device = str('device');
      if (!image || !device) throw new UsageError('SR 11.1 needs --image <file> and --device <eui>');
      xml = duisUpdateFirmwareRequest({ requestId, image: new Uint8Array(readFileArg(image)), deviceIds: device.split(','), ...(str('version') && { firmwareVersion: str('version') }) });
    } else if (sr === '11.2') xml = duisReadFirmwareVersionRequest({ requestId });
    else if (sr === '11.3') {
      const hash = str('hash');
      if (!hash) throw new UsageError('SR 11.3 needs --hash <64 hex digits>');
      if (flags.has('cancel') && flags.has('at')) throw new UsageError('give --at or --cancel, not both');
      xml = duisActivateFirmwareRequest({ requestId, firmwareHash: hash, ...(str('at') && { executionDateTime: str('at') }), cancel: flags.has('cancel') });
    } else throw new UsageError('give the service request: 11.1, 11.2 or 11.3');
  } catch (e) {
    if (e instanceof GbcsEncodeError) throw new UsageError(e.message);
    throw e;
  }
  const out = str('o');
  if (out) {
    try {
      writeFileSync(out, xml);
    } catch (e) {
      throw new UsageError(`cannot write ${out}: ${(e as Error).message}`);
    }
  } else io.stdout.write(xml);
  return EXIT_OK;
}

export const duisCommand: Command = {
  name: 'duis',
  summary: 'DUIS XML: inspect a request, response or alert (GBCS payloads decoded); write SR 11.1/11.2/11.3',
  usage: USAGE,
  async run(args: string[], io: Io): Promise<number> {
    return runSubcommand(args, io, { inspect, request });
  },
};
