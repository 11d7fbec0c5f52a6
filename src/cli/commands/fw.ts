// gbcs fw: firmware lifecycle toolkit. `plan` (MP231 upgrade paths), `track` (MP105
// suspended-device recovery from a file of frames) and `package` (MP170 Alt HAN packages).
// Exit statuses: 3 a plan or package refused for a stated reason; 2 a repository, device list,
// premises file or frame that does not parse.
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFrame } from '../../decode.js';
import { GbcsDecodeError } from '../../errors.js';
import { AltHanPackageError, Premises, buildFirmwarePackage, splitFirmwarePackage, type PackageDesign } from '../../lifecycle/altHan.js';
import { FirmwareRepositoryError, loadRepositoryCsv, loadRepositoryJson, type DeviceType, type FirmwareRepository } from '../../lifecycle/repository.js';
import { FirmwareTracker, type DeviceFirmwareState } from '../../lifecycle/tracker.js';
import { trackDuis } from '../../duis/index.js';
import { looksLikeXml, readDuisFile } from './duis.js';
import { planUpgrade } from '../../lifecycle/upgradePath.js';
import { command, group, type CommandNode, type Invocation, type LeafCommand, type OptionTable } from '../args.js';
import {
  EXIT_CHECK_FAILED,
  EXIT_MALFORMED,
  EXIT_OK,
  MalformedInputError,
  Output,
  UsageError,
  frameLines,
  maxLineOption,
  outputProblem,
  parseJsonInput,
  readFileArg,
  reportDecodeError,
  writeFileOut,
  type Io,
} from '../io.js';
import { jsonRecord } from '../jsonRecord.js';

/** True when the file exists and its first non-blank byte is '<' (a DUIS message). */
function isXmlFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false; // the line reader reports the missing file
  }
  try {
    const head = new Uint8Array(64);
    return looksLikeXml(head.subarray(0, readSync(fd, head, 0, 64, 0)));
  } catch {
    return false; // a directory or unreadable file: the line reader reports it
  } finally {
    closeSync(fd);
  }
}

/** JSON when the file starts with [ or {, CSV otherwise. */
function loadRepository(path: string): FirmwareRepository {
  const text = readFileArg(path).toString('utf8');
  return /^\s*[[{]/.test(text) ? loadRepositoryJson(text) : loadRepositoryCsv(text);
}

const plan = command({
  summary: 'the MP231 upgrade path from one repository entry to another (exit 3 when refused)',
  options: {
    repo: { type: 'string', value: '<file.json|file.csv>', required: true, help: 'the firmware repository (JSON, or CSV)' },
    from: { type: 'string', value: '<entry id>', required: true, help: 'the entry the device runs now' },
    to: { type: 'string', value: '<entry id>', required: true, help: 'the target entry' },
    reading: { type: 'string', value: 'alternatives|sequence', help: 'how to read an upgrade path list (default alternatives)' },
    json: { type: 'boolean', help: 'print the plan as JSON (schema/fw.schema.json)' },
  },
  run: async ({ values, positionals }, io) => {
    if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const reading = values.reading ?? 'alternatives';
    if (reading !== 'alternatives' && reading !== 'sequence') throw new UsageError('--reading must be alternatives or sequence');
    const repo = loadRepository(values.repo);
    const p = planUpgrade(repo, values.from, values.to, { reading });
    if (values.json) {
      io.stdout.write(
        jsonRecord(p.ok ? { ok: true, steps: p.steps, warnings: p.warnings.map((w) => ({ kind: w.kind, entryId: w.entry.entryId, message: w.message })) } : { ok: false, block: p.error.block.kind, error: p.error.message }),
      );
      return p.ok ? EXIT_OK : EXIT_CHECK_FAILED;
    }
    if (!p.ok) {
      io.stderr.write(`gbcs fw plan: refused: ${p.error.message}\n`);
      return EXIT_CHECK_FAILED;
    }
    for (const w of p.warnings) io.stderr.write(`gbcs fw plan: warning: ${w.message}\n`);
    if (p.steps.length === 0) io.stdout.write(`${p.current.entryId} is already the target: nothing to apply\n`);
    let from = p.current;
    p.steps.forEach((s, i) => {
      io.stdout.write(`${String(i + 1).padStart(3)}. ${s.entryId}  v${from.firmwareVersion} -> v${s.firmwareVersion}  image ${s.manufacturerImageHash}\n`);
      from = s;
    });
    return EXIT_OK;
  },
});

function stateLine(s: DeviceFirmwareState): string {
  const r = s.lastReconciliation;
  return [
    s.eui,
    (s.deviceType ?? '-').padEnd(6),
    s.status.padEnd(17),
    `running=${s.runningVersion ?? '?'}`,
    s.pendingImageHash ? `pending=${s.pendingImageHash.slice(0, 16)}…` : '',
    r ? `via=${JSON.stringify(r.via)} outcome=${r.outcome}${r.recovered ? ' recovered' : ''}` : '',
    s.overwrittenBy ? `overwritten-by=${s.overwrittenBy.eui}` : '',
    s.versionMismatch ? `N52-version-mismatch${s.versionMismatch.version ? `=${s.versionMismatch.version}` : ''}` : '',
  ]
    .filter(Boolean)
    .join('  ');
}

/** The --devices file: a JSON array of { eui, deviceType }; anything else is malformed input (exit 2). */
function loadDevices(path: string): { eui: string; deviceType: DeviceType }[] {
  const v = parseJsonInput(readFileArg(path).toString('utf8'), `--devices ${path}`);
  if (!Array.isArray(v) || !v.every((d) => d !== null && typeof d === 'object' && typeof (d as { eui?: unknown }).eui === 'string')) {
    throw new MalformedInputError(`--devices ${path}: expected a JSON array of { "eui", "deviceType" } objects`);
  }
  return v as { eui: string; deviceType: DeviceType }[];
}

const track = command({
  summary: 'MP105 suspended-device tracking over files of frames (one hex frame per line) and DUIS XML messages, in order',
  args: '<frames-file | file.xml>... | -',
  notes: 'A DUIS file (XML) gives its GBCS payloads as frames and a DCCAlertMessage (N52) as a DCC alert.',
  options: {
    devices: { type: 'string', value: '<file.json>', help: 'the devices on site: [{ "eui", "deviceType" }]' },
    repo: { type: 'string', value: '<file>', help: 'the firmware repository (JSON or CSV)' },
    'retried-cs06': { type: 'boolean', help: 'let a retried CS06 reconcile a suspended device (MP105 retry route, off by default)' },
    premises: { type: 'string', value: '<file.json>', help: 'a premises file (as for fw package): reports pending images overwritten in a shared slot' },
    json: { type: 'boolean', help: 'one JSON object per device (schema/fw.schema.json)' },
    'max-line': { type: 'string', value: '<bytes>', help: 'longest input line; a longer one is a line-too-long error (default 8 MiB)' },
  },
  run: async ({ values, positionals }, io) => {
    if (positionals.length === 0) throw new UsageError('give frames files (one frame per line), DUIS XML files, or -');
    if (positionals.length > 1 && positionals.includes('-')) throw new UsageError('- (stdin) is the only input when given');
    const devices = values.devices !== undefined ? loadDevices(values.devices) : undefined;
    const tracker = new FirmwareTracker({
      devices,
      repository: values.repo !== undefined ? loadRepository(values.repo) : undefined,
      retriedCs06Reconciles: values['retried-cs06'] === true,
      ...(values.premises !== undefined && { premises: [loadPremises(values.premises)] }),
    });
    let status = EXIT_OK;
    for (const input of positionals) {
      // A DUIS message: its payloads and DCC alert, through the browser-safe reader.
      if (input !== '-' && isXmlFile(input.replace(/^@/, ''))) {
        try {
          trackDuis(tracker, readDuisFile(input.replace(/^@/, '')));
        } catch (e) {
          if (!(e instanceof GbcsDecodeError)) throw e;
          reportDecodeError(io, e, input);
          status = EXIT_MALFORMED;
        }
        continue;
      }
      // One frame per line, streamed through the CLI's line reader (bounded memory; an
      // over-long line is its own line-too-long error). A plain path is a file of lines.
      const src = input === '-' || input.startsWith('@') ? input : `@${input}`;
      for await (const { text, error, line } of frameLines([src], io, { maxLineBytes: maxLineOption(values['max-line']), binaryLead: [] })) {
        if (error) {
          reportDecodeError(io, error, `${positionals.length > 1 ? `${input} ` : ''}line ${line}`);
          status = EXIT_MALFORMED;
          continue;
        }
        try {
          tracker.consume(decodeFrame(text));
        } catch (e) {
          if (!(e instanceof GbcsDecodeError)) throw e;
          reportDecodeError(io, e, `${positionals.length > 1 ? `${input} ` : ''}line ${line}`);
          status = EXIT_MALFORMED;
        }
      }
    }
    const out = new Output(io.stdout);
    for (const s of tracker.states()) {
      await out.write(values.json ? jsonRecord(s) : `${stateLine(s)}\n`);
    }
    await out.flush();
    return status;
  },
});

/** The premises file for fw package: not JSON is malformed input (exit 2). */
function loadPremises(path: string): Premises {
  const text = readFileArg(path).toString('utf8');
  try {
    return Premises.fromJSON(text);
  } catch (e) {
    if (e instanceof SyntaxError) throw new MalformedInputError(`premises file ${path} is not JSON: ${e.message}`);
    throw e;
  }
}

const PREMISES = { type: 'string', value: '<file.json>', required: true, help: 'the premises: devices on site and their bridges' } as const;

const packageBuild = command({
  summary: 'build an MP170 Alt HAN firmware package from upgrade images (exit 3 when refused)',
  args: '<image>...',
  options: {
    premises: PREMISES,
    design: { type: 'string', value: 'per-bridge|bridge3-carries-bridge4|bridge1-orchestrates', required: true, help: 'the package design' },
    out: { type: 'string', value: '<file>', required: true, help: 'the package file to write' },
    json: { type: 'boolean', help: 'print {schemaVersion, file, length, manifest} as JSON (schema/fw.schema.json)' },
  },
  run: async ({ values, positionals }, io) => {
    const design = values.design as PackageDesign;
    if (design !== 'per-bridge' && design !== 'bridge3-carries-bridge4' && design !== 'bridge1-orchestrates') throw new UsageError('--design is per-bridge, bridge3-carries-bridge4 or bridge1-orchestrates');
    if (positionals.length === 0) throw new UsageError('give the upgrade image files');
    const premises = loadPremises(values.premises);
    const { bytes, manifest } = buildFirmwarePackage(premises, positionals.map((p: string) => new Uint8Array(readFileArg(p))), design);
    writeFileOut(values.out, bytes);
    if (values.json) {
      io.stdout.write(jsonRecord({ file: values.out, length: bytes.length, manifest }));
      return EXIT_OK;
    }
    for (const e of manifest.images) io.stdout.write(`${e.variant}  v${e.fileVersion}  via ${e.deliveredTo}  for ${e.devices.join(', ')}  hash ${e.manufacturerImageHash}\n`);
    return EXIT_OK;
  },
});

const packageSplit = command({
  summary: 'split an MP170 package into the images for the devices on site',
  args: '<package>',
  options: {
    premises: PREMISES,
    'out-dir': { type: 'string', value: '<dir>', help: 'write each matching image into this folder' },
    json: { type: 'boolean', help: 'one JSON object per image (schema/fw.schema.json)' },
  },
  run: async ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('give one package file');
    const premises = loadPremises(values.premises);
    const { manifest, images } = splitFirmwarePackage(premises, new Uint8Array(readFileArg(positionals[0]!)));
    const dir = values['out-dir'];
    if (typeof dir === 'string') {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (e) {
        throw outputProblem(dir, e);
      }
    }
    for (const [i, x] of images.entries()) {
      const file = typeof dir === 'string' ? join(dir, `${i}-${x.entry.variant}-${x.entry.fileVersion}.ota`) : undefined;
      if (file) writeFileOut(file, x.image);
      const row = { variant: x.entry.variant, version: x.entry.fileVersion, for: x.devices.map((d) => d.eui), deliveredTo: x.deliveredTo.map((d) => d.eui), hash: x.entry.manufacturerImageHash, file };
      io.stdout.write(values.json ? jsonRecord(row) : `${row.variant}  v${row.version}  for ${row.for.join(', ')}  delivered to ${row.deliveredTo.join(', ')}${file ? `  -> ${file}` : ''}\n`);
    }
    if (!values.json) io.stdout.write(`design ${manifest.design}, premises ${manifest.premises}: ${images.length} image(s) match the devices on site\n`);
    return EXIT_OK;
  },
});

/** Lifecycle errors as exit statuses: a refused package is 3, a bad repository or premises content 2. */
function lifecycleErrors<O extends OptionTable>(c: LeafCommand<O>, verb: string): LeafCommand<O> {
  return {
    ...c,
    async run(inv: Invocation<O>, io: Io): Promise<number> {
      try {
        return await c.run(inv, io);
      } catch (e) {
        if (e instanceof FirmwareRepositoryError || e instanceof AltHanPackageError) {
          io.stderr.write(`gbcs fw ${verb}: ${e.message}\n`);
          return e instanceof AltHanPackageError && e.code !== 'premises' ? EXIT_CHECK_FAILED : EXIT_MALFORMED;
        }
        throw e;
      }
    },
  };
}

export const fwCommand: CommandNode = group('firmware lifecycle: upgrade plans (MP231), suspended-device tracking (MP105), Alt HAN packages (MP170)', {
  plan: lifecycleErrors(plan, 'plan'),
  track: lifecycleErrors(track, 'track'),
  package: group('MP170 Alt HAN firmware packages: build or split', {
    build: lifecycleErrors(packageBuild, 'package'),
    split: lifecycleErrors(packageSplit, 'package'),
  }),
});
