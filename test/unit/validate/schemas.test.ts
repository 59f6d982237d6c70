import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FILE_KINDS, schemaDocument } from '../../../src/schema/index.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('committed JSON Schemas', () => {
  it.each(FILE_KINDS)('schemas/%s.schema.json matches src/schema (run `npm run schemas`)', (kind) => {
    const committed = JSON.parse(
      readFileSync(path.join(ROOT, 'schemas', `${kind}.schema.json`), 'utf8'),
    ) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(schemaDocument(kind))));
  });

  it.each(FILE_KINDS)('every property of %s has a description', (kind) => {
    const missing: string[] = [];
    const visit = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.properties && typeof n.properties === 'object') {
        for (const [key, prop] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
          if (typeof prop.description !== 'string' || prop.description === '') missing.push(`${at}.${key}`);
          visit(prop, `${at}.${key}`);
        }
      }
      for (const [key, child] of Object.entries(n)) if (key !== 'properties') visit(child, `${at}/${key}`);
    };
    visit(schemaDocument(kind), kind);
    expect(missing).toEqual([]);
  });

  it.each(FILE_KINDS)('%s rejects unknown keys at the top level', (kind) => {
    expect((schemaDocument(kind) as { additionalProperties?: boolean }).additionalProperties).toBe(false);
  });
});
