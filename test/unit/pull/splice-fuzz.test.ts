// Property test: whatever the file and the edits, the spliced text reads back as exactly the edited
// value, and pull never throws on a valid YAML file.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Json } from '../../../src/model/canonical.js';
import { applyEdits, getAt, type Edit, type EditPath } from '../../../src/pull/edits.js';
import { spliceYaml } from '../../../src/pull/splice.js';

const key = fc.constantFrom('a', 'b', 'name', 'params', 'x y', 'yes', '1', 'k:v');
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('multi\nline\n', 'No filter', '#hash', "it's", '', 'true', '12'),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(key, tie('v'), { maxKeys: 3 }),
  ),
})).v;
const root = fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 });

/** Every path in a value, leaves and collections. */
function paths(v: Json, at: EditPath = []): EditPath[] {
  if (Array.isArray(v)) return [at, ...v.flatMap((x, i) => paths(x, [...at, i]))];
  if (v && typeof v === 'object') return [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))];
  return [at];
}

describe('spliceYaml on generated files and edits', () => {
  it('reads back as the edited value, in block and flow styles', () => {
    fc.assert(
      fc.property(
        root,
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.nat(2), value, key), { maxLength: 4 }),
        (doc, flow, picks) => {
          const text = stringify(doc, { collectionStyle: flow ? 'flow' : 'any', lineWidth: 0 });
          const all = paths(doc).filter((p) => p.length > 0);
          const edits: Edit[] = [];
          const touched: EditPath[] = [];
          for (const [n, op, v, k] of picks) {
            const path = all[n % all.length] as EditPath;
            // Edits never nest (pull's edits are disjoint): skip a path above or below one already edited.
            if (touched.some((t) => t.every((p, i) => path[i] === p) || path.every((p, i) => t[i] === p)))
              continue;
            const parent = getAt(doc, path.slice(0, -1));
            if (op === 0) edits.push({ op: 'set', path, value: v });
            else if (op === 1 && !Array.isArray(parent)) edits.push({ op: 'delete', path });
            else if (
              op === 2 &&
              parent &&
              typeof parent === 'object' &&
              !Array.isArray(parent) &&
              !(k in parent)
            ) {
              const newPath = [...path.slice(0, -1), k];
              const same = (t: EditPath) =>
                t.length === newPath.length && t.every((p, i) => newPath[i] === p);
              if (touched.some(same)) continue;
              edits.push({ op: 'set', path: newPath, value: v, after: String(path[path.length - 1]) });
              touched.push(newPath);
            }
            touched.push(path);
          }
          const result = spliceYaml(text, edits);
          const target = applyEdits(doc, edits);
          expect(parse(result.text)).toEqual(target);
          // In block style every edit is made in place, unless it empties the whole document.
          if (!flow && Object.keys(target as object).length > 0) expect(result.inPlace, text).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
