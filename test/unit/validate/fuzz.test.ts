import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE_TREE, validateWith } from '../../helpers/tree.js';
import { FIXTURES } from '../../helpers/bundles.js';

const BUNDLES = FIXTURES;

function realYamlFiles(): string[] {
  try {
    return readdirSync(BUNDLES, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => readFileSync(path.join(BUNDLES, f), 'utf8'));
  } catch {
    return [];
  }
}

function assertWellFormed(result: ReturnType<typeof validateWith>): void {
  for (const p of result.problems) {
    expect(p.line).toBeGreaterThanOrEqual(1);
    expect(p.col).toBeGreaterThanOrEqual(1);
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.rule).toMatch(/^[a-z-]+$/);
  }
}

// Generous timeouts: these run thousands of validations and CI machines are shared.
describe('validator under random and truncated input', { timeout: 60_000 }, () => {
  it('never throws on random text in place of a chart file', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        assertWellFormed(validateWith({ 'charts/revenue.yaml': text }));
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        assertWellFormed(validateWith({ 'charts/revenue.yaml': bytes }));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on every file of the tree cut at a random point', () => {
    const files = Object.keys(BASE_TREE);
    fc.assert(
      fc.property(fc.constantFrom(...files), fc.double({ min: 0, max: 1, noNaN: true }), (file, at) => {
        const text = BASE_TREE[file] as string;
        const result = validateWith({ [file]: text.slice(0, Math.floor(text.length * at)) });
        assertWellFormed(result);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random YAML-shaped values in place of a dashboard', () => {
    const yamlish = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ maxLength: 8 }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.constantFrom('chart', 'row', 'tabs', 'title', 'width', 'name', 'x'), tie('value'), {
          maxKeys: 4,
        }),
      ),
    })).value;
    fc.assert(
      fc.property(yamlish, (layout) => {
        const doc = `kind: dashboard\nname: sales\ntitle: T\nlayout: ${JSON.stringify(layout)}\n`;
        assertWellFormed(validateWith({ 'dashboards/sales.yaml': doc }));
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on real Superset export files, whole or truncated', () => {
    const real = realYamlFiles();
    expect(real.length).toBeGreaterThan(50);
    const files: Record<string, string> = {};
    real.forEach((text, i) => {
      files[`imported/${i}.yaml`] = text;
      files[`imported/${i}-cut.yaml`] = text.slice(0, (i * 7919) % (text.length + 1));
    });
    const result = validateWith(files);
    assertWellFormed(result);
    // Export files carry no `kind`: each must be reported, not accepted silently.
    real.forEach((_, i) => expect(result.problems.some((p) => p.file === `imported/${i}.yaml`)).toBe(true));
  });
});
