import type { ObjectKind } from '../schema/index.js';
import type { PlannedChange } from '../plan/types.js';

/** API fields to send for the attributes that changed: an update touches nothing else. */
const FIELDS: Record<ObjectKind, Record<string, string[]>> = {
  // A secret goes in the field Superset keeps it in: the password inside the URI.
  database: {
    password: ['sqlalchemy_uri'],
    masked_encrypted_extra: ['masked_encrypted_extra'],
    ssh_tunnel: ['ssh_tunnel'],
  },
  dataset: { database: ['database_id'] },
  chart: {
    slice_name: ['slice_name'],
    dataset: ['datasource_id', 'datasource_type', 'params', 'query_context'],
    viz_type: ['viz_type', 'params', 'query_context'],
    params: ['params', 'query_context'],
  },
  // json_metadata is written whole, with the layout (it links the charts).
  dashboard: {
    layout: ['layout'],
    native_filters: ['layout'],
    metadata: ['layout'],
    color_scheme_domain: ['layout'],
    shared_label_colors: ['layout'],
    map_label_colors: ['layout'],
    chart_configuration: ['layout'],
    global_chart_configuration: ['layout'],
    timed_refresh_immune_slices: ['layout'],
    expanded_slices: ['layout'],
    theme: ['theme_id'],
  },
  // Written whole (a few small fields), create and update alike.
  css_template: {},
  theme: {},
  saved_query: {},
  row_level_security: {},
  report: {},
  role: {},
};

export function changedFields(change: PlannedChange): Set<string> {
  const out = new Set<string>();
  for (const c of change.changes) {
    const top = c.path.split(/[.[]/)[0] ?? c.path;
    for (const field of FIELDS[change.kind][top] ?? [top]) out.add(field);
  }
  return out;
}
