// Writes schemas/<kind>.schema.json from the TypeBox definitions in src/schema (the one source of truth),
// and the validators compiled from them (src/validate/validators.generated.ts).
import { writeFileSync } from 'node:fs';
import { FILE_KINDS, schemaDocument } from '../src/schema/index.js';
import { validatorSource } from '../src/validate/validator-source.js';

for (const kind of FILE_KINDS) {
  writeFileSync(`schemas/${kind}.schema.json`, JSON.stringify(schemaDocument(kind), null, 2) + '\n');
}
console.log(`wrote ${FILE_KINDS.length} schemas`);
writeFileSync('src/validate/validators.generated.ts', validatorSource());
console.log('wrote src/validate/validators.generated.ts');
