// Regenerates test/fields-names.txt, the pinned list of field names (issue 13 item 3):
// run after `npm run build` when a change to the names is deliberate, and commit the diff.
//   node scripts/fields-list.mjs
import { writeFileSync } from 'node:fs';
import { fieldCatalogue } from '../dist/index.js';

const out = new URL('../test/fields-names.txt', import.meta.url);
writeFileSync(out, fieldCatalogue().map((f) => `${f.name}\t${f.kind}`).join('\n') + '\n');
console.log(`wrote ${fieldCatalogue().length} names to test/fields-names.txt`);
