import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { spliceYaml } from '../../../src/pull/splice.js';
import type { Edit } from '../../../src/pull/edits.js';

const chart = `# yaml-language-server: $schema=../../schemas/chart.schema.json
# Revenue, per month.
kind: chart
name: Revenue # the name dashboards use

dataset: orders
viz_type: echarts_timeseries_bar
description: 'Revenue per month'
params:
  metrics: [revenue, orders]
  all_columns:
    [
      a,
      b,
    ]
  row_limit: 10000 # enough
  adhoc_filters:
    - clause: WHERE
      subject: order_date
      comparator: No filter
  note: |
    first line
    second line
`;

/** The lines of `after` that differ from `before`, compared line by line from both ends. */
function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  return { removed: a.slice(head, a.length - tail), added: b.slice(head, b.length - tail) };
}

const cases: { name: string; edits: Edit[]; removed: string[]; added: string[] }[] = [
  {
    name: 'a scalar keeps its quoting and the comment after it',
    edits: [{ op: 'set', path: ['params', 'row_limit'], value: 500 }],
    removed: ['  row_limit: 10000 # enough'],
    added: ['  row_limit: 500 # enough'],
  },
  {
    name: 'a single-quoted string stays single-quoted',
    edits: [{ op: 'set', path: ['description'], value: 'Revenue per month, net' }],
    removed: ["description: 'Revenue per month'"],
    added: ["description: 'Revenue per month, net'"],
  },
  {
    name: 'a new key goes after the key before it in Superset order',
    edits: [{ op: 'set', path: ['title'], value: 'Revenue (net)', after: 'name' }],
    removed: [],
    added: ['title: Revenue (net)'],
  },
  {
    name: 'a deleted key takes its line only',
    edits: [{ op: 'delete', path: ['params', 'row_limit'] }],
    removed: ['  row_limit: 10000 # enough'],
    added: [],
  },
  {
    name: 'an item of a one-line list rewrites that list only',
    edits: [{ op: 'set', path: ['params', 'metrics', 1], value: 'customers' }],
    removed: ['  metrics: [revenue, orders]'],
    added: ['  metrics: [revenue, customers]'],
  },
  {
    name: 'a key inside a list item keeps the item',
    edits: [{ op: 'set', path: ['params', 'adhoc_filters', 0, 'comparator'], value: 'Last week' }],
    removed: ['      comparator: No filter'],
    added: ['      comparator: Last week'],
  },
  {
    name: 'a block literal stays a block literal',
    edits: [{ op: 'set', path: ['params', 'note'], value: 'first line\nthird line\n' }],
    removed: ['    second line'],
    added: ['    third line'],
  },
  {
    name: 'a new nested map is written in block style at its depth',
    edits: [
      {
        op: 'set',
        path: ['params', 'x_axis'],
        value: { column: 'order_date', grain: 'P1M' },
        after: 'metrics',
      },
    ],
    removed: [],
    added: ['  x_axis:', '    column: order_date', '    grain: P1M'],
  },
];

describe('spliceYaml: the smallest text change', () => {
  it.each(cases)('$name', ({ edits, removed, added }) => {
    const result = spliceYaml(chart, edits);
    expect(result.inPlace).toBe(true);
    const diff = changedLines(chart, result.text);
    expect(diff.removed).toEqual(removed);
    expect(diff.added).toEqual(added);
  });

  it('several edits in one file, each where it stands', () => {
    const result = spliceYaml(chart, [
      { op: 'set', path: ['title'], value: 'Net revenue', after: 'name' },
      { op: 'set', path: ['description'], value: 'Net' },
      { op: 'set', path: ['params', 'row_limit'], value: 100 },
      { op: 'set', path: ['params', 'adhoc_filters', 0, 'subject'], value: 'shipped_at' },
    ]);
    expect(result.inPlace).toBe(true);
    const value = parse(result.text) as Record<string, unknown>;
    expect(value.title).toBe('Net revenue');
    expect((value.params as { row_limit: number }).row_limit).toBe(100);
    const lines = result.text.split('\n');
    expect(lines).toContain('# Revenue, per month.');
    expect(lines).toContain('name: Revenue # the name dashboards use');
    expect(lines[lines.indexOf('name: Revenue # the name dashboards use') + 1]).toBe('title: Net revenue');
    expect(lines).toContain("description: 'Net'");
    expect(lines).toContain('      subject: shipped_at');
    expect(lines.filter((l) => l === '')).toHaveLength(2); // the blank line and the final newline
  });

  it('two new keys after the same key keep their order', () => {
    const result = spliceYaml(chart, [
      { op: 'set', path: ['title'], value: 'T', after: 'name' },
      { op: 'set', path: ['certified_by'], value: 'Data team', after: 'name' },
    ]);
    const lines = result.text.split('\n');
    const at = lines.indexOf('name: Revenue # the name dashboards use');
    expect(lines.slice(at + 1, at + 3)).toEqual(['title: T', 'certified_by: Data team']);
  });

  it('a key of a one-line map rewrites that map', () => {
    const text = 'kind: chart\nname: A\nparams: { a: 1, b: 2 }\n';
    const result = spliceYaml(text, [{ op: 'delete', path: ['params', 'a'] }]);
    expect(result).toEqual({ text: 'kind: chart\nname: A\nparams: { b: 2 }\n', inPlace: true });
  });

  it('the last key of a map leaves an empty map, not a null', () => {
    const text = 'kind: chart\nname: A\nparams:\n  a: 1\n';
    const result = spliceYaml(text, [{ op: 'delete', path: ['params', 'a'] }]);
    expect(parse(result.text)).toEqual({ kind: 'chart', name: 'A', params: {} });
  });

  it('the first key of a list item is removed without breaking the item', () => {
    const text = 'kind: x\nitems:\n  - a: 1\n    b: 2\n  - a: 3\n';
    const result = spliceYaml(text, [{ op: 'delete', path: ['items', 0, 'a'] }]);
    expect(parse(result.text)).toEqual({ kind: 'x', items: [{ b: 2 }, { a: 3 }] });
    expect(result.text.split('\n').slice(-2)).toEqual(['  - a: 3', '']);
  });

  it('a file without a final newline gets a new last key', () => {
    const result = spliceYaml('kind: chart\nname: A', [
      { op: 'set', path: ['title'], value: 'B', after: 'name' },
    ]);
    expect(result.text).toBe('kind: chart\nname: A\ntitle: B');
  });

  it('strings that need quoting are quoted', () => {
    const text = 'kind: chart\nname: A\ndescription: plain\n';
    for (const value of ['yes', '123', 'a: b', '#x', "it's", 'multi\nline', '']) {
      const result = spliceYaml(text, [{ op: 'set', path: ['description'], value }]);
      expect((parse(result.text) as { description: string }).description).toBe(value);
    }
  });

  it('keeps CRLF line ends and a byte-order mark', () => {
    const text = '\uFEFFkind: chart\r\nname: A # n\r\nparams:\r\n  row_limit: 5\r\n';
    const result = spliceYaml(text, [
      { op: 'set', path: ['params', 'row_limit'], value: 6 },
      { op: 'set', path: ['title'], value: 'T', after: 'name' },
    ]);
    expect(result).toEqual({
      text: '\uFEFFkind: chart\r\nname: A # n\r\ntitle: T\r\nparams:\r\n  row_limit: 6\r\n',
      inPlace: true,
    });
  });
});
