// gbcs demo (what `npm start` runs): decodes the sample frames shipped in the package
// (samples/, also present in an installed package) and prints them, so a fresh checkout or a
// fresh install shows the codec working end to end.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeFrame } from '../../decode.js';
import { formatFrameText } from '../format.js';
import { command } from '../args.js';
import { EXIT_OK, type Io } from '../io.js';
import { checkUpgradeImageFile } from '../../ota/file.js';
import { folderKeyStore, formatInspection } from './ota.js';

const SAMPLES = new URL('../../../samples/', import.meta.url);

export const demoCommand = command({
  summary: 'decode the sample frames shipped in the package and inspect the sample OTA image',
  options: {},
  async run(_inv, io: Io): Promise<number> {
    const lines = readFileSync(new URL('frames.hex', SAMPLES), 'utf8').split('\n');
    let title = '';
    let n = 0;
    for (const line of lines) {
      if (line.startsWith('#')) {
        title = line.slice(1).trim();
        continue;
      }
      if (line.trim() === '') continue;
      io.stdout.write(`== ${title}\n${formatFrameText(decodeFrame(line))}\n`);
      n++;
    }
    io.stdout.write(`decoded ${n} sample frames\n`);
    // An OTA upgrade image built by our builder and signed with the committed test-only key.
    const ota = fileURLToPath(new URL('sample-ota.bin', SAMPLES));
    const keys = folderKeyStore(fileURLToPath(new URL('ota-keys/', SAMPLES)));
    const check = await checkUpgradeImageFile(ota, { keys, signers: ['a0a0a0a0a0a0a0a0'] });
    io.stdout.write(`\n== OTA upgrade image samples/sample-ota.bin\n${formatInspection(check)}`);
    return EXIT_OK;
  },
});
