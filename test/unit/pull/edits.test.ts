import { describe, expect, it } from 'vitest';
import { canonicalJson, type Json } from '../../../src/model/canonical.js';
import { substituteVariables } from '../../../src/environment/resolve.js';
import { applyEdits, planEdits, type Edit } from '../../../src/pull/edits.js';

// A stand-in for the planner: compares `title` and `params` only, a missing row_limit means 10000, and a
// missing title means the name.
function differs(live: Json) {
  const view = (v: Json) => {
    const o = v as { name: string; title?: string; params?: Record<string, Json> };
    return { title: o.title ?? o.name, params: { row_limit: 10000, ...o.params } };
  };
  return (value: Json) => {
    const a = view(value);
    const b = view(live);
    return canonicalJson(
      Object.keys(a)
        .filter(
          (k) =>
            canonicalJson(a[k as keyof typeof a] as Json) !== canonicalJson(b[k as keyof typeof b] as Json),
        )
        .sort(),
    );
  };
}

describe('planEdits', () => {
  it('changes what differs, adds a key where Superset has one, keeps written-out defaults', () => {
    const file = { kind: 'chart', name: 'A', params: { row_limit: 10000, metric: 'x' } };
    const live = { kind: 'chart', name: 'A', title: 'B', params: { metric: 'y' } };
    const plan = planEdits(file, file, live, differs(live));
    expect(plan.edits).toEqual<Edit[]>([
      { op: 'set', path: ['title'], value: 'B', after: 'name' },
      { op: 'set', path: ['params', 'metric'], value: 'y' },
    ]);
    expect(plan.fromVariables).toEqual([]);
    expect(plan.after).toEqual({ ...file, title: 'B', params: { row_limit: 10000, metric: 'y' } });
  });

  it('does not add a default Superset reports', () => {
    const file = { kind: 'chart', name: 'A', params: { metric: 'x' } };
    const live = { kind: 'chart', name: 'A', params: { metric: 'x', row_limit: 10000 } };
    expect(planEdits(file, file, live, differs(live)).edits).toEqual([]);
  });

  it('removes a key Superset no longer has when that changes the meaning', () => {
    const file = { kind: 'chart', name: 'A', params: { row_limit: 5 } };
    const live = { kind: 'chart', name: 'A', params: {} };
    expect(planEdits(file, file, live, differs(live)).edits).toEqual([
      { op: 'delete', path: ['params', 'row_limit'] },
    ]);
  });

  it('reports a difference at a value from a variable and leaves it alone', () => {
    const file = { kind: 'chart', name: 'A', title: 'Sales ${var.region}', params: { row_limit: 5 } };
    const resolved = { ...file, title: 'Sales EU' };
    const live = { kind: 'chart', name: 'A', title: 'Sales EU!', params: { row_limit: 6 } };
    const plan = planEdits(file, resolved, live, differs(live));
    expect(plan.edits).toEqual([{ op: 'set', path: ['params', 'row_limit'], value: 6 }]);
    expect(plan.fromVariables).toEqual([{ path: ['title'], file: 'Sales EU', live: 'Sales EU!' }]);
  });

  it('writes a `${` Superset has as `$${`, so it is not read as a reference', () => {
    const file = { kind: 'chart', name: 'A' };
    const live = { kind: 'chart', name: 'A', title: 'Cost in ${currency}' };
    const plan = planEdits(file, file, live, differs(live));
    expect(plan.edits).toEqual([
      { op: 'set', path: ['title'], value: 'Cost in $${currency}', after: 'name' },
    ]);
    expect(plan.after).toEqual(live);
  });

  it('lists of another length are replaced whole; of the same length, item by item', () => {
    const file = { kind: 'x', name: 'A', params: { a: [1, 2], b: [1, 2] } } as Json;
    const live = { kind: 'x', name: 'A', params: { a: [1, 2, 3], b: [1, 5] } } as Json;
    const always = (v: Json) => canonicalJson(v) + canonicalJson(live); // every edit matters
    expect(planEdits(file, file, live, always).edits).toEqual([
      { op: 'set', path: ['params', 'a'], value: [1, 2, 3] },
      { op: 'set', path: ['params', 'b', 1], value: 5 },
    ]);
    expect(applyEdits(file, planEdits(file, file, live, always).edits)).toEqual(live);
  });

  it('never writes a new name, nor a value that holds a credential; says why', () => {
    const file = { kind: 'database', name: 'wh', sqlalchemy_uri: 'postgresql://u@h/db', extra: {} } as Json;
    const live = {
      kind: 'database',
      name: 'Warehouse (renamed)',
      sqlalchemy_uri: 'postgresql://u@h/db?sslmode=require&access_token=s3cr3t',
      extra: { engine_params: { connect_args: { password: 'hunter2' } } },
    } as Json;
    const plan = planEdits(file, file, live, (v) => canonicalJson(v) + canonicalJson(live));
    expect(plan.edits).toEqual([]);
    expect(plan.withheld.map((w) => [w.path.join('.'), w.why.split(';')[0]])).toEqual([
      ['name', 'renamed in Superset'],
      [
        'sqlalchemy_uri',
        'holds a credential, which is never written into a file: set it by hand as ${env.NAME}',
      ],
      [
        'extra.engine_params',
        'holds a credential, which is never written into a file: set it by hand as ${env.NAME}',
      ],
    ]);
    expect(JSON.stringify(plan)).not.toContain('s3cr3t');
    expect(JSON.stringify(plan)).not.toContain('hunter2');
    // A URI with Superset's mask is no credential.
    const masked = {
      ...(live as object),
      name: 'wh',
      extra: {},
      sqlalchemy_uri: 'postgresql://u:XXXXXXXXXX@h/db',
    } as Json;
    expect(planEdits(file, file, masked, (v) => canonicalJson(v) + canonicalJson(masked)).edits).toEqual([
      { op: 'set', path: ['sqlalchemy_uri'], value: 'postgresql://u:XXXXXXXXXX@h/db' },
    ]);
  });

  it.each([
    ['Cost in ${currency}', 'Cost in $${currency}'],
    ['open ${ and ${x}', 'open $${ and ${x}'],
    ['unclosed ${x', 'unclosed ${x'],
    ['already $${x}', 'already $$${x}'],
  ])("writes Superset's %j so that it reads back the same: %j", (text, written) => {
    const file = { kind: 'chart', name: 'A' };
    const live = { kind: 'chart', name: 'A', title: text };
    const plan = planEdits(file, file, live, differs(live));
    expect(plan.edits).toEqual([{ op: 'set', path: ['title'], value: written, after: 'name' }]);
    expect(substituteVariables(written, {})).toBe(text);
  });
});
