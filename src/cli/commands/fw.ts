// gbcs fw: firmware lifecycle toolkit. `plan` (MP231 upgrade paths), `track` (MP105
// suspended-device recovery from a file of frames) and `package` (MP170 Alt HAN packages).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFrame } from '../../decode.js';
import { GbcsDecodeError } from '../../errors.js';
import { AltHanPackageError, Premises, buildFirmwarePackage, splitFirmwarePackage, type PackageDesign } from '../../lifecycle/altHan.js';
import { FirmwareRepositoryError, loadRepositoryCsv, loadRepositoryJson, type DeviceType, type FirmwareRepository } from '../../lifecycle/repository.js';
import { FirmwareTracker, type DeviceFirmwareState } from '../../lifecycle/tracker.js';
import { planUpgrade } from '../../lifecycle/upgradePath.js';
import { EXIT_CHECK_FAILED, EXIT_MALFORMED, EXIT_OK, Output, UsageError, frameLines, maxLineOption, parseArgs, readFileArg, reportDecodeError, runSubcommand, type Command, type Io } from '../io.js';

/** Exit status when a plan or a package is refused for a stated reason. */

const USAGE = `gbcs fw plan --repo <file.json|file.csv> --from <entry id> --to <entry id> [--reading alternatives|sequence] [--json]
       gbcs fw track [--devices <file.json>] [--repo <file>] [--retried-cs06] [--json] [--max-line BYTES] <frames-file | ->
       gbcs fw package build --premises <file.json> --design per-bridge|bridge3-carries-bridge4|bridge1-orchestrates --out <file> <image>...
       gbcs fw package split --premises <file.json> [--out-dir <dir>] [--json] <package>
exit status: 0 ok, 1 usage, 2 malformed input, 3 plan or package refused`;

function need(flags: Map<string, string | true>, name: string): string {
  const v = flags.get(name);
  if (typeof v !== 'string') throw new UsageError(`--${name} is required`);
  return v;
}

/** JSON when the file starts with [ or {, CSV otherwise. */
function loadRepository(path: string): FirmwareRepository {
  const text = readFileArg(path).toString('utf8');
  return /^\s*[[{]/.test(text) ? loadRepositoryJson(text) : loadRepositoryCsv(text);
}

async function plan(args: string[], io: Io): Promise<number> {
  const { flags, positional } = parseArgs(args, { values: ['repo', 'from', 'to', 'reading'], booleans: ['json'] });
  if (positional.length) throw new UsageError(`unexpected argument ${positional[0]}`);
  const reading = flags.get('reading') ?? 'alternatives';
  if (reading !== 'alternatives' && reading !== 'sequence') throw new UsageError('--reading must be alternatives or sequence');
  const repo = loadRepository(need(flags, 'repo'));
  const p = planUpgrade(repo, need(flags, 'from'), need(flags, 'to'), { reading });
  if (flags.has('json')) {
    io.stdout.write(`${JSON.stringify(p.ok ? { ok: true, steps: p.steps, warnings: p.warnings.map((w) => ({ kind: w.kind, entryId: w.entry.entryId, message: w.message })) } : { ok: false, block: p.error.block.kind, error: p.error.message })}\n`);
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
}

function stateLine(s: DeviceFirmwareState): string {
  const r = s.lastReconciliation;
  return [
    s.eui,
    (s.deviceType ?? '-').padEnd(6),
    s.status.padEnd(17),
    `running=${s.runningVersion ?? '?'}`,
    s.pendingImageHash ? `pending=${s.pendingImageHash.slice(0, 16)}…` : '',
    r ? `via=${JSON.stringify(r.via)} outcome=${r.outcome}${r.recovered ? ' recovered' : ''}` : '',
  ]
    .filter(Boolean)
    .join('  ');
}

async function track(args: string[], io: Io): Promise<number> {
  const { flags, positional } = parseArgs(args, { values: ['devices', 'repo', 'max-line'], booleans: ['json', 'retried-cs06'] });
  if (positional.length !== 1) throw new UsageError('give one frames file (one frame per line) or -');
  const devices = flags.has('devices') ? (JSON.parse(readFileArg(need(flags, 'devices')).toString('utf8')) as { eui: string; deviceType: DeviceType }[]) : undefined;
  const tracker = new FirmwareTracker({ devices, repository: flags.has('repo') ? loadRepository(need(flags, 'repo')) : undefined, retriedCs06Reconciles: flags.has('retried-cs06') });
  let status = EXIT_OK;
  // One frame per line, streamed through the CLI's line reader (bounded memory; an
  // over-long line is its own line-too-long error). A plain path is a file of lines.
  const src = positional[0] === '-' || positional[0]!.startsWith('@') ? positional[0]! : `@${positional[0]!}`;
  for await (const { text, where, error, line } of frameLines([src], io, { maxLineBytes: maxLineOption(flags.get('max-line')), binaryLead: [] })) {
    if (error) {
      reportDecodeError(io, error, `line ${line}`);
      status = EXIT_MALFORMED;
      continue;
    }
    try {
      tracker.consume(decodeFrame(text));
    } catch (e) {
      if (!(e instanceof GbcsDecodeError)) throw e;
      reportDecodeError(io, e, where === 'argument' ? undefined : `line ${line}`);
      status = EXIT_MALFORMED;
    }
  }
  const out = new Output(io.stdout);
  for (const s of tracker.states()) {
    await out.write(flags.has('json') ? `${JSON.stringify(s, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}\n` : `${stateLine(s)}\n`);
  }
  await out.flush();
  return status;
}

async function pkg(args: string[], io: Io): Promise<number> {
  const [verb, ...rest] = args;
  const { flags, positional } = parseArgs(rest, { values: ['premises', 'design', 'out', 'out-dir'], booleans: ['json'] });
  let premises: Premises;
  try {
    premises = Premises.fromJSON(readFileArg(need(flags, 'premises')).toString('utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) throw new UsageError(`premises file is not JSON: ${e.message}`);
    throw e;
  }
  if (verb === 'build') {
    const design = need(flags, 'design') as PackageDesign;
    if (design !== 'per-bridge' && design !== 'bridge3-carries-bridge4' && design !== 'bridge1-orchestrates') throw new UsageError('--design is per-bridge, bridge3-carries-bridge4 or bridge1-orchestrates');
    if (positional.length === 0) throw new UsageError('give the upgrade image files');
    const { bytes, manifest } = buildFirmwarePackage(premises, positional.map((p) => new Uint8Array(readFileArg(p))), design);
    writeFileSync(need(flags, 'out'), bytes);
    for (const e of manifest.images) io.stdout.write(`${e.variant}  v${e.fileVersion}  via ${e.deliveredTo}  for ${e.devices.join(', ')}  hash ${e.manufacturerImageHash}\n`);
    return EXIT_OK;
  }
  if (verb === 'split') {
    if (positional.length !== 1) throw new UsageError('give one package file');
    const { manifest, images } = splitFirmwarePackage(premises, new Uint8Array(readFileArg(positional[0]!)));
    const dir = flags.get('out-dir');
    if (typeof dir === 'string') mkdirSync(dir, { recursive: true });
    for (const [i, x] of images.entries()) {
      const file = typeof dir === 'string' ? join(dir, `${i}-${x.entry.variant}-${x.entry.fileVersion}.ota`) : undefined;
      if (file) writeFileSync(file, x.image);
      const row = { variant: x.entry.variant, version: x.entry.fileVersion, for: x.devices.map((d) => d.eui), deliveredTo: x.deliveredTo.map((d) => d.eui), hash: x.entry.manufacturerImageHash, file };
      io.stdout.write(flags.has('json') ? `${JSON.stringify(row)}\n` : `${row.variant}  v${row.version}  for ${row.for.join(', ')}  delivered to ${row.deliveredTo.join(', ')}${file ? `  -> ${file}` : ''}\n`);
    }
    if (!flags.has('json')) io.stdout.write(`design ${manifest.design}, premises ${manifest.premises}: ${images.length} image(s) match the devices on site\n`);
    return EXIT_OK;
  }
  throw new UsageError('gbcs fw package build|split ...');
}

export const fwCommand: Command = {
  name: 'fw',
  summary: 'firmware lifecycle: upgrade plans (MP231), suspended-device tracking (MP105), Alt HAN packages (MP170)',
  usage: USAGE,
  async run(args: string[], io: Io): Promise<number> {
    try {
      return await runSubcommand(args, io, { plan, track, package: pkg });
    } catch (e) {
      if (e instanceof FirmwareRepositoryError || e instanceof AltHanPackageError) {
        io.stderr.write(`gbcs fw ${args[0]}: ${e.message}\n`);
        return e instanceof AltHanPackageError && e.code !== 'premises' ? EXIT_CHECK_FAILED : EXIT_MALFORMED;
      }
      throw e;
    }
  },
};
