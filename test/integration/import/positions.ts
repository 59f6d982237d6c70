/** A dashboard position as Superset's editor saves it: a header and one row of charts. */
export function oneRowPosition(title: string, chartIds: number[]): Record<string, unknown> {
  const charts: [string, Record<string, unknown>][] = chartIds.map((id, i) => [
    `CHART-${i + 1}`,
    {
      type: 'CHART',
      id: `CHART-${i + 1}`,
      children: [],
      parents: ['ROOT_ID', 'GRID_ID', 'ROW-1'],
      meta: { chartId: id, width: 6, height: 50 },
    },
  ]);
  return {
    DASHBOARD_VERSION_KEY: 'v2',
    ROOT_ID: { type: 'ROOT', id: 'ROOT_ID', children: ['GRID_ID'] },
    GRID_ID: { type: 'GRID', id: 'GRID_ID', children: ['ROW-1'], parents: ['ROOT_ID'] },
    HEADER_ID: { type: 'HEADER', id: 'HEADER_ID', meta: { text: title } },
    'ROW-1': {
      type: 'ROW',
      id: 'ROW-1',
      children: charts.map(([id]) => id),
      parents: ['ROOT_ID', 'GRID_ID'],
      meta: { background: 'BACKGROUND_TRANSPARENT' },
    },
    ...Object.fromEntries(charts),
  };
}
