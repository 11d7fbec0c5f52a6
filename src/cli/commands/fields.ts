// gbcs fields [--json]: every field name `gbcs decode --fields/--filter` and
// `frame.field()` know (fields/catalogue.ts: generated from the name tables), like
// tshark -G fields.
import { fieldCatalogue } from '../../fields/index.js';
import { command } from '../args.js';
import { jsonRecord } from '../jsonRecord.js';
import { EXIT_OK, UsageError, type Io } from '../io.js';

export const fieldsCommand = command({
  summary: 'list the field names for decode --fields and --filter (name, kind, description)',
  args: '[prefix]',
  options: {
    json: { type: 'boolean', help: 'one JSON record {schemaVersion, fields: [{name, kind, description}]} (schema/fields.schema.json)' },
  },
  notes: 'examples:\n  gbcs fields\n  gbcs fields zcl.prepayment\n  gbcs fields --json',
  async run({ values, positionals }, io: Io): Promise<number> {
    if (positionals.length > 1) throw new UsageError('give at most one name prefix');
    const prefix = positionals[0];
    const list = fieldCatalogue().filter((f) => prefix === undefined || f.name === prefix || f.name.startsWith(`${prefix}.`));
    if (prefix !== undefined && list.length === 0) throw new UsageError(`no field name starts with ${JSON.stringify(prefix)}`);
    if (values.json) io.stdout.write(jsonRecord({ fields: list }));
    else for (const f of list) io.stdout.write(`${f.name}\t${f.kind}\t${f.description}\n`);
    return EXIT_OK;
  },
});
