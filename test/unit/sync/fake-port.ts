// An in-memory SupersetPort for unit tests of the apply step: it stores what it is sent, answers
// GETs with it, and can be told to refuse the next write of a kind.
import { KINDS } from '../../../src/superset/kinds.js';
import { toListedObject } from '../../../src/superset/list-row.js';
import type { ListedObject, SupersetKind, SupersetPort } from '../../../src/superset/port.js';

type Raw = Record<string, unknown>;

const NAME: Record<SupersetKind, string> = {
  database: 'database_name',
  dataset: 'table_name',
  chart: 'slice_name',
  dashboard: 'dashboard_title',
  css_template: 'template_name',
  theme: 'theme_name',
  saved_query: 'label',
  row_level_security: 'name',
  report: 'name',
  role: 'name',
};

export class FakePort implements SupersetPort {
  readonly calls = { list: 0, get: 0, write: 0 };
  readonly objects = new Map<string, Raw>();
  readonly writes: string[] = [];
  private nextId = 1;
  private refuse = new Map<string, string>();

  /** The next `op` (create/update) of `kind` fails with `message`. */
  failNext(op: 'create' | 'update', kind: SupersetKind, message: string): void {
    this.refuse.set(`${op} ${kind}`, message);
  }

  private check(op: string, kind: SupersetKind): void {
    const message = this.refuse.get(`${op} ${kind}`);
    if (message === undefined) return;
    this.refuse.delete(`${op} ${kind}`);
    throw new Error(message);
  }

  list(kind: SupersetKind): Promise<ListedObject[]> {
    this.calls.list++;
    const rows = [...this.objects.values()].filter((o) => o.kind === kind);
    return Promise.resolve(
      rows.map((o) => {
        // Listed as the client lists them: a kind Superset keeps no uuid for by its name, and one
        // without changed_on (CSS templates, RLS rules) with a stamp of its content instead.
        if (KINDS[kind].named) {
          const { changed_on: _stamp, kind: _kind, ...row } = o;
          const listed = toListedObject(kind, { ...row, id: o.id as number });
          return KINDS[kind].changedOnColumn ? { ...listed, changedOn: String(o.changed_on) } : listed;
        }
        return {
          id: o.id as number,
          uuid: o.uuid as string,
          name: typeof o[NAME[kind]] === 'string' ? (o[NAME[kind]] as string) : '',
          changedOn: String(o.changed_on),
          changedBy: null,
          raw: o,
        };
      }),
    );
  }

  listChangedSince(kind: SupersetKind): Promise<{ count: number; rows: ListedObject[] }> {
    return this.list(kind).then((rows) => ({ count: rows.length, rows }));
  }

  get(kind: SupersetKind, id: number): Promise<Raw> {
    this.calls.get++;
    const found = this.objects.get(`${kind}:${id}`);
    if (!found) return Promise.reject(new Error(`no ${kind} ${id}`));
    return Promise.resolve(structuredClone(found));
  }

  create(kind: SupersetKind, body: Raw): Promise<{ id: number; result: Raw }> {
    this.calls.write++;
    this.writes.push(`create ${kind}`);
    this.check('create', kind);
    const id = this.nextId++;
    this.objects.set(`${kind}:${id}`, { ...body, id, kind, changed_on: `t${this.calls.write}` });
    return Promise.resolve({ id, result: body });
  }

  update(kind: SupersetKind, id: number, body: Raw): Promise<Raw> {
    this.calls.write++;
    this.writes.push(`update ${kind} ${Object.keys(body).sort().join(',')}`);
    this.check('update', kind);
    const old = this.objects.get(`${kind}:${id}`);
    if (!old) return Promise.reject(new Error(`no ${kind} ${id}`));
    this.objects.set(`${kind}:${id}`, { ...old, ...body, changed_on: `t${this.calls.write}` });
    return Promise.resolve(body);
  }

  remove(kind: SupersetKind, id: number): Promise<void> {
    this.calls.write++;
    this.writes.push(`remove ${kind}`);
    this.objects.delete(`${kind}:${id}`);
    return Promise.resolve();
  }

  chartData(): never {
    throw new Error('not in the fake');
  }
  exportBundle(): never {
    throw new Error('not in the fake');
  }
  importBundle(): never {
    throw new Error('not in the fake');
  }
}
