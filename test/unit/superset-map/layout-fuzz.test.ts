import path from 'node:path';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { LayoutItem } from '../../../src/schema/index.js';
import {
  layoutToPosition,
  normalizeLayout,
  positionToLayout,
  type ChartNodeRef,
} from '../../../src/superset-map/layout/layout.js';
import { FIXTURES } from '../../helpers/bundles.js';

const NAMES = ['Revenue', 'Orders', 'Customers', 'Région ✓', ''];
const chartRef = (name: string) => ({ id: 10 + NAMES.indexOf(name), uuid: `uuid:${name}` });
const resolveChart = (ref: ChartNodeRef) => (ref.uuid?.startsWith('uuid:') ? ref.uuid.slice(5) : undefined);

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const width = opt(fc.integer({ min: 1, max: 12 }));
const height = opt(fc.integer({ min: 1, max: 300 }));
const background = opt(fc.constantFrom('BACKGROUND_TRANSPARENT' as const, 'BACKGROUND_WHITE' as const));
const size = opt(fc.constantFrom('SMALL_HEADER' as const, 'MEDIUM_HEADER' as const, 'LARGE_HEADER' as const));
const strip = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Any layout the schema accepts, nesting included (Superset's nesting rules are the validator's job). */
const { item } = fc.letrec<{ item: LayoutItem }>((tie) => ({
  item: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .record({
        chart: fc.constantFrom(...NAMES),
        title: opt(fc.oneof(fc.string(), fc.constantFrom(...NAMES))),
        width,
        height,
      })
      .map(strip),
    fc.record({ markdown: fc.string(), width, height }).map(strip),
    fc.record({ header: fc.string(), size, background }).map(strip),
    fc.constant({ divider: true as const }),
    fc.record({ row: fc.array(tie('item'), { maxLength: 4 }), background }).map(strip),
    fc.record({ column: fc.array(tie('item'), { maxLength: 4 }), width, background }).map(strip),
    fc.record({
      tabs: fc.array(fc.record({ title: fc.string(), children: fc.array(tie('item'), { maxLength: 3 }) }), {
        maxLength: 3,
      }),
    }),
  ),
}));
const layout = fc.array(item, { maxLength: 5 });

describe('layout round trip (property)', () => {
  it('positionToLayout(layoutToPosition(L)) is normalizeLayout(L), with no warnings', () => {
    fc.assert(
      fc.property(fc.string(), layout, (title, l) => {
        const position = layoutToPosition(title, l, chartRef);
        const back = positionToLayout(position, resolveChart);
        expect(back.warnings).toEqual([]);
        expect(back.layout).toEqual(normalizeLayout(l));
        expect(layoutToPosition(title, l, chartRef)).toEqual(position);
        // Through JSON text, as the REST API stores it.
        expect(positionToLayout(JSON.stringify(position), resolveChart).layout).toEqual(back.layout);
      }),
      { numRuns: 300 },
    );
  });

  it('every component lists its full ancestry and every child exists', () => {
    fc.assert(
      fc.property(layout, (l) => {
        const position = layoutToPosition('t', l, chartRef);
        for (const [key, node] of Object.entries(position)) {
          if (typeof node === 'string') continue;
          expect(node.id).toBe(key);
          for (const child of node.children ?? []) {
            const c = position[child];
            expect(typeof c === 'object' && c.parents).toEqual([...(node.parents ?? []), key]);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('positionToLayout never throws', () => {
  const real = YAML.parse(
    readFileSync(
      path.join(FIXTURES, 'apache-superset/bundle-sales-dashboard/dashboards/Sales_Dashboard.yaml'),
      'utf8',
    ),
  ) as { position: Record<string, unknown> };

  it('on anything at all', () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true }),
        (junk) => {
          const r = positionToLayout(junk, resolveChart);
          expect(Array.isArray(r.layout)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('on random graphs of components (dangling ids, cycles, odd types and meta)', () => {
    const ids = ['ROOT_ID', 'GRID_ID', 'HEADER_ID', 'A', 'B', 'C', 'D', 'E'];
    const component = fc.record(
      {
        id: fc.constantFrom(...ids),
        type: fc.oneof(
          fc.constantFrom(
            'ROOT',
            'GRID',
            'HEADER',
            'ROW',
            'COLUMN',
            'CHART',
            'MARKDOWN',
            'DIVIDER',
            'TABS',
            'TAB',
            'DYNAMIC',
          ),
          fc.anything(),
        ),
        children: fc.oneof(
          fc.array(fc.oneof(fc.constantFrom(...ids, 'GONE'), fc.anything()), { maxLength: 4 }),
          fc.anything(),
        ),
        parents: fc.anything(),
        meta: fc.oneof(
          fc.record(
            {
              chartId: fc.oneof(fc.integer(), fc.anything()),
              uuid: fc.oneof(fc.constantFrom('uuid:Revenue', 'uuid:x'), fc.anything()),
              width: fc.anything(),
              height: fc.double(),
              text: fc.anything(),
              code: fc.anything(),
              background: fc.anything(),
              headerSize: fc.anything(),
              sliceNameOverride: fc.anything(),
            },
            { requiredKeys: [] },
          ),
          fc.anything(),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...ids, 'DASHBOARD_VERSION_KEY'), fc.oneof(component, fc.anything())),
        (position) => {
          const r = positionToLayout(position, resolveChart);
          expect(Array.isArray(r.warnings)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('on a real position with components deleted or replaced by junk', () => {
    const keys = Object.keys(real.position);
    fc.assert(
      fc.property(
        fc.subarray(keys),
        fc.dictionary(fc.constantFrom(...keys), fc.anything()),
        (removed, replaced) => {
          const p: Record<string, unknown> = { ...real.position, ...replaced };
          for (const k of removed) delete p[k];
          positionToLayout(p, (ref) => ref.sliceName);
        },
      ),
      { numRuns: 300 },
    );
  });
});
