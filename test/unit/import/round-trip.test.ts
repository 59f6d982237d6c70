// Field for field: every real export bundle the tests keep goes through `import --bundle` and
// `export --bundle`, and each object of the result is compared with the original, field by field.
// Ids (numeric ids, layout node ids, filter ids made from ids) and timestamps may differ; what two
// sides say in different but equal words (absent, null, "" and Superset's default) counts as the
// same. Every other difference fails the test, unless it is one of the few things the YAML does not
// hold, each named (with why) in test/helpers/bundle-compare.ts; those are printed so the list stays honest.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertBundle, readBundleFiles } from '../../../src/engine/import-run.js';
import { substituteVariables } from '../../../src/environment/resolve.js';
import { toBundle } from '../../../src/export/to-bundle.js';
import { readBundle } from '../../../src/import/bundle-read.js';
import type { AnyDesired } from '../../../src/model/object.js';
import { compareBundles } from '../../helpers/bundle-compare.js';
import { FIXTURES, realBundles } from '../../helpers/bundles.js';

// The largest bundle (358 objects) takes 2.4-5.5 s on this project's 2-core machines, most of it YAML
// parsing and writing: past vitest's default 5 s when the machine is busy. No figure is asserted here.
describe(
  'import --bundle, then export --bundle: the same bundle, field for field',
  { timeout: 30_000 },
  () => {
    const sources = realBundles();

    it('has the real bundles to compare', () => {
      expect(sources.length).toBeGreaterThanOrEqual(8);
    });

    it.each(sources.map((s) => [path.relative(FIXTURES, s), s] as const))('%s', (_name, source) => {
      const files = readBundleFiles(source);
      const original = readBundle(files).docs;
      const converted = convertBundle(files);
      // Export resolves each object for an environment; `$${` (a literal `${`) becomes `${` again there.
      const objects = converted.objects.map(
        (o) =>
          ({
            ...o,
            name: o.spec.name,
            spec: substituteVariables(o.spec, {}),
            source: { file: '', line: 1, col: 1 },
          }) as AnyDesired,
      );
      const back = readBundle(toBundle(objects)).docs;
      const { compared, failures, held } = compareBundles(original, back);
      if (held.length) console.log(`${path.basename(source)}: not held, by design:\n  ${held.join('\n  ')}`);
      expect(compared).toBeGreaterThan(0);
      expect(failures, failures.join('\n')).toEqual([]);
    });
  },
);
