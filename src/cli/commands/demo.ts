// gbcs demo (what `npm start` runs): decodes the sample frames shipped in the package
// (samples/, also present in an installed package) and prints them, so a fresh checkout or a
// fresh install shows the codec working end to end. `--json`: one record per sample frame
// (the `gbcs decode --json` record plus `sample`, its title) and one for the OTA image
// (`{ schemaVersion, sample, ota }`, ota = the `gbcs ota inspect --json` record);
// schema/demo.schema.json.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeFrame } from '../../decode.js';
import { formatFrameText } from '../format.js';
import { renderFrame } from '../render.js';
import { command } from '../args.js';
import { jsonRecord } from '../jsonRecord.js';
import { EXIT_OK, type Io } from '../io.js';
import { checkUpgradeImageFile } from '../../ota/file.js';
import { folderKeyStore, formatInspection, inspectionJson } from './ota.js';

const SAMPLES = new URL('../../../samples/', import.meta.url);

export const demoCommand = command({
  summary: 'decode the sample frames shipped in the package and inspect the sample OTA image',
  options: {
    json: { type: 'boolean', help: 'one JSON record per sample frame and one for the OTA image (schema/demo.schema.json)' },
  },
  async run({ values }, io: Io): Promise<number> {
    const json = values.json === true;
    const lines = readFileSync(new URL('frames.hex', SAMPLES), 'utf8').split('\n');
    let title = '';
    let n = 0;
    for (const line of lines) {
      if (line.startsWith('#')) {
        title = line.slice(1).trim();
        continue;
      }
      if (line.trim() === '') continue;
      const frame = decodeFrame(line);
      if (json) {
        // The decode record (schemaVersion first), with the sample's title after it.
        const { schemaVersion: _v, ...record } = JSON.parse((await renderFrame(frame, true)).text) as Record<string, unknown>;
        io.stdout.write(jsonRecord({ sample: title, ...record }));
      } else io.stdout.write(`== ${title}\n${formatFrameText(frame)}\n`);
      n++;
    }
    if (!json) io.stdout.write(`decoded ${n} sample frames\n`);
    // An OTA upgrade image built by our builder and signed with the committed test-only key.
    const ota = fileURLToPath(new URL('sample-ota.bin', SAMPLES));
    const keys = folderKeyStore(fileURLToPath(new URL('ota-keys/', SAMPLES)));
    const check = await checkUpgradeImageFile(ota, { keys, signers: ['a0a0a0a0a0a0a0a0'] });
    if (json) io.stdout.write(jsonRecord({ sample: 'samples/sample-ota.bin', ota: inspectionJson(check) }));
    else io.stdout.write(`\n== OTA upgrade image samples/sample-ota.bin\n${formatInspection(check)}`);
    return EXIT_OK;
  },
});
