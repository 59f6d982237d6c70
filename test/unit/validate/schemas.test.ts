import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { FILE_KINDS, schemaDocument, type FileKind } from '../../../src/schema/index.js';
import { validatorSource } from '../../../src/validate/validator-source.js';
import * as generated from '../../../src/validate/validators.generated.js';

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

describe('validators compiled at build time', () => {
  it('src/validate/validators.generated.ts is what the schemas compile to (run `npm run schemas`)', () => {
    const committed = readFileSync(path.join(ROOT, 'src/validate/validators.generated.ts'), 'utf8');
    expect(committed === validatorSource()).toBe(true);
  });

  // The same verdict and the same errors as ajv compiling the schema at run time, on the example
  // files and on each of them broken in a few ways.
  const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
  const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false, verbose: true }));
  const examples: { kind: FileKind; file: string; value: Record<string, unknown> }[] = [];
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
    );
  for (const file of walk(path.join(ROOT, 'metadata')).filter((f) => f.endsWith('.yaml'))) {
    const value = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const kind = (FILE_KINDS as readonly string[]).includes(String(value.kind))
      ? (value.kind as FileKind)
      : 'environment';
    examples.push({ kind, file: path.relative(ROOT, file), value });
  }
  const broken = (v: Record<string, unknown>): Record<string, unknown>[] => {
    const keys = Object.keys(v).filter((k) => k !== 'kind');
    return [
      { ...v, surplus: 1 },
      ...keys.slice(0, 3).map((k) => Object.fromEntries(Object.entries(v).filter(([key]) => key !== k))),
      ...keys.slice(0, 3).map((k) => ({ ...v, [k]: typeof v[k] === 'string' ? 42 : 'x'.repeat(300) })),
      { ...v, uuid: 'not-a-uuid' },
    ];
  };
  it.each(examples.map((e) => [e.file, e] as const))('%s and broken copies of it', (_file, example) => {
    const atRunTime =
      ajv.getSchema(String(schemaDocument(example.kind).$id)) ?? ajv.compile(schemaDocument(example.kind));
    const built = (generated as unknown as Record<FileKind, ValidateFunction>)[example.kind];
    let failures = 0;
    for (const value of [example.value, ...broken(example.value)]) {
      const ok = built(value);
      expect(ok).toBe(atRunTime(value));
      expect(built.errors ?? null).toEqual(atRunTime.errors ?? null);
      if (!ok) failures += 1;
    }
    expect(failures).toBeGreaterThan(0); // the broken copies were checked, not only the example
  });
});
