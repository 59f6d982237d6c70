/**
 * A layout or filter list that cannot be turned into Superset's JSON: an unresolved chart, dataset or
 * parent filter, or an item that says nothing it is. The validator reports all of these first, so
 * reaching one here means a caller skipped validation; the message names the value and what to change.
 */
export class SupersetMapError extends Error {
  constructor(
    message: string,
    readonly code:
      | 'unresolved-chart'
      | 'unresolved-tab'
      | 'unresolved-dataset'
      | 'unresolved-filter'
      | 'layout-item-shape',
    /** Where in the dashboard spec, e.g. `layout[2].row[0]` or `native_filters[1].charts[0]`. */
    readonly path: string,
  ) {
    super(message);
    this.name = 'SupersetMapError';
  }
}
