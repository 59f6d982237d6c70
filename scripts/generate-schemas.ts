// Writes schemas/<kind>.schema.json from the TypeBox definitions in src/schema (the one source of truth).
import { writeFileSync } from 'node:fs';
import { FILE_KINDS, schemaDocument } from '../src/schema/index.js';

for (const kind of FILE_KINDS) {
  writeFileSync(`schemas/${kind}.schema.json`, JSON.stringify(schemaDocument(kind), null, 2) + '\n');
}
console.log(`wrote ${FILE_KINDS.length} schemas`);
