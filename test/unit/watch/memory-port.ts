// An in-memory SupersetPort that keeps list rows only (what a poll reads), with Superset's ordering:
// changed_on (ISO UTC with microseconds) from a clock the test moves, newest first for recent lists.
import type { ListedObject, SupersetKind, SupersetPort } from '../../../src/superset/port.js';

const unsupported = (what: string) => () => Promise.reject(new Error(`MemoryPort: ${what} is not used here`));

export class MemoryPort implements SupersetPort {
  readonly calls = { list: 0, get: 0, write: 0 };
  private rows = new Map<string, ListedObject & { kind: SupersetKind }>();
  private clock = Date.parse('2026-01-01T00:00:00Z');
  private nextId = 1;

  /** Superset's clock: every write stamps changed_on with it, then it moves on 1 ms. */
  stamp(offsetMs = 0): string {
    const at = new Date(this.clock + offsetMs).toISOString().slice(0, 23);
    this.clock += 1;
    return `${at}000Z`;
  }

  add(kind: SupersetKind, name: string, changedOn = this.stamp()): ListedObject {
    const id = this.nextId++;
    const row = { kind, id, uuid: `uuid-${kind}-${id}`, name, changedOn, changedBy: 'Ada', raw: {} };
    this.rows.set(row.uuid, row);
    return row;
  }

  edit(uuid: string, changedOn = this.stamp(), changedBy = 'Bob'): void {
    const row = this.rows.get(uuid);
    if (!row) throw new Error(`no row ${uuid}`);
    this.rows.set(uuid, { ...row, changedOn, changedBy });
  }

  delete(uuid: string): void {
    this.rows.delete(uuid);
  }

  /** Rows as of now, per kind (what a full listing returns). */
  snapshot(): Record<SupersetKind, ListedObject[]> {
    const out: Record<SupersetKind, ListedObject[]> = {
      database: [],
      dataset: [],
      chart: [],
      dashboard: [],
      css_template: [],
      theme: [],
      saved_query: [],
      row_level_security: [],
      report: [],
      role: [],
    };
    for (const row of this.rows.values()) out[row.kind].push(row);
    return out;
  }

  list(kind: SupersetKind): Promise<ListedObject[]> {
    this.calls.list++;
    return Promise.resolve([...this.rows.values()].filter((r) => r.kind === kind));
  }

  listChangedSince(
    kind: SupersetKind,
    since: string | null,
  ): Promise<{ count: number; rows: ListedObject[] }> {
    this.calls.list++;
    const all = [...this.rows.values()].filter((r) => r.kind === kind);
    const rows = all
      .filter((r) => since === null || (r.changedOn !== null && r.changedOn > since))
      .sort((a, b) => ((a.changedOn ?? '') < (b.changedOn ?? '') ? 1 : -1));
    return Promise.resolve({ count: all.length, rows });
  }

  get = unsupported('get');
  create = unsupported('create');
  update = unsupported('update');
  remove = unsupported('remove');
  chartData = unsupported('chartData');
  exportBundle = unsupported('exportBundle');
  importBundle = unsupported('importBundle');
}
