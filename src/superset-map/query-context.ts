/**
 * Superset's chart data API runs a chart's stored `query_context`, which the web UI builds in the
 * browser. For charts defined in YAML without one, this builds an equivalent from the form data for
 * the common viz types (aggregate charts, time series, tables), enough for `/api/v1/chart/<id>/data/`.
 */
export function buildQueryContext(
  vizType: string,
  params: Record<string, unknown>,
  datasetId: number,
): Record<string, unknown> {
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
  const metrics = [...list(params.metrics), ...list(params.metric)];
  const groupby = list(params.groupby);
  const xAxis = params.x_axis;
  const timeGrain = params.time_grain_sqla;
  const columns: unknown[] = [];
  if (typeof xAxis === 'string') {
    columns.push({
      columnType: 'BASE_AXIS',
      sqlExpression: xAxis,
      label: xAxis,
      expressionType: 'SQL',
      ...(timeGrain ? { timeGrain } : {}),
    });
  }
  if (vizType === 'table' && params.query_mode === 'raw') columns.push(...list(params.all_columns));
  else columns.push(...groupby);

  const filters: { col: unknown; op: unknown; val?: unknown }[] = [];
  const where: string[] = [];
  for (const f of list(params.adhoc_filters) as Record<string, unknown>[]) {
    if (f.expressionType === 'SIMPLE' && f.clause !== 'HAVING')
      filters.push({ col: f.subject, op: f.operator, val: f.comparator });
    else if (f.expressionType === 'SQL' && f.clause === 'WHERE' && typeof f.sqlExpression === 'string')
      where.push(`(${f.sqlExpression})`);
  }
  const orderDesc = params.order_desc !== false;
  const query = {
    columns,
    metrics: vizType === 'table' && params.query_mode === 'raw' ? [] : metrics,
    filters,
    extras: { having: '', where: where.join(' AND '), ...(timeGrain ? { time_grain_sqla: timeGrain } : {}) },
    orderby: metrics.length && typeof xAxis !== 'string' ? [[metrics[0], !orderDesc]] : [],
    row_limit: typeof params.row_limit === 'number' ? params.row_limit : 10000,
    series_limit: 0,
    order_desc: orderDesc,
    time_range: typeof params.time_range === 'string' ? params.time_range : 'No filter',
    annotation_layers: [],
    applied_time_extras: {},
    url_params: {},
    custom_params: {},
    custom_form_data: {},
  };
  return {
    datasource: { id: datasetId, type: 'table' },
    force: false,
    queries: [query],
    form_data: { ...params, viz_type: vizType, datasource: `${datasetId}__table` },
    result_format: 'json',
    result_type: 'full',
  };
}
