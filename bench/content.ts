// The generated content both benchmarks deploy: a Superset export bundle (assets, version 1.0.0) of N
// objects (1 database, datasets on tables of their own in the PostgreSQL warehouse, charts, dashboards
// of up to 12 charts), with uuids derived from the run id, so every run is its own.
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { deriveUuid } from '../src/model/object.js';
import { warehouseSql, warehouseUri } from '../test/integration/warehouse.js';

const VIZ = ['table', 'pie', 'big_number_total', 'echarts_timeseries_bar'];

export interface Content {
  N: number;
  runId: string;
  bundleDir: string;
  DATASETS: number;
  DASHBOARDS: number;
  CHARTS: number;
  PER_DASHBOARD: number;
  dbName: string;
  dbUuid: string;
  chartTitle: (i: number) => string;
  /** The chart's file in the bundle, relative to it. */
  chartFile: (i: number) => string;
}

/** Writes the bundle under `bundleDir` and makes the datasets' tables in the warehouse. */
export function makeContent(N: number, runId: string, bundleDir: string): Content {
  if (!(N >= 30)) throw new Error(`N=${N} is too small; use at least 30`);
  const DATASETS = Math.min(50, Math.max(1, Math.floor(N / 20)));
  const DASHBOARDS = Math.min(5, Math.max(1, Math.floor(N / 200)));
  const CHARTS = N - 1 - DATASETS - DASHBOARDS;
  const PER_DASHBOARD = Math.min(12, Math.floor(CHARTS / DASHBOARDS));
  const dbName = `db_${runId}`;
  const u = (what: string) => deriveUuid('chart', `bench/${runId}/${what}`);
  const dbUuid = u('db');
  function writeDoc(file: string, doc: unknown): void {
    const full = path.join(bundleDir, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, stringify(doc));
  }

  const chartTitle = (i: number) => `Chart ${i} ${runId}`;
  const chartFile = (i: number) => `charts/chart_${i}.yaml`;

  function chartParams(i: number, rowLimit: number): Record<string, unknown> {
    const viz = VIZ[i % VIZ.length]!;
    const base = { viz_type: viz, row_limit: rowLimit, time_range: 'No filter' };
    if (viz === 'echarts_timeseries_bar')
      return { ...base, x_axis: 'day', time_grain_sqla: 'P1D', metrics: ['total'], groupby: ['region'] };
    if (viz === 'table') return { ...base, query_mode: 'aggregate', groupby: ['region'], metrics: ['total'] };
    if (viz === 'pie') return { ...base, groupby: ['region'], metric: 'total' };
    return { ...base, metric: 'total' };
  }

  function chartDoc(i: number, title: string, rowLimit: number) {
    const viz = VIZ[i % VIZ.length]!;
    return {
      slice_name: title,
      description: null,
      certified_by: null,
      certification_details: null,
      viz_type: viz,
      params: chartParams(i, rowLimit),
      query_context: null,
      cache_timeout: null,
      uuid: u(`c${i}`),
      version: '1.0.0',
      dataset_uuid: u(`ds${i % DATASETS}`),
    };
  }

  function makeBundle(): void {
    writeDoc('metadata.yaml', { version: '1.0.0', type: 'assets', timestamp: '2026-12-05T00:00:00+00:00' });
    writeDoc(`databases/${dbName}.yaml`, {
      database_name: dbName,
      sqlalchemy_uri: warehouseUri().replace('warehouse@', 'warehouse:XXXXXXXXXX@'),
      cache_timeout: null,
      expose_in_sqllab: true,
      allow_run_async: false,
      allow_ctas: false,
      allow_cvas: false,
      allow_dml: false,
      allow_file_upload: false,
      extra: {
        metadata_params: {},
        engine_params: {},
        metadata_cache_timeout: {},
        schemas_allowed_for_file_upload: [],
      },
      uuid: dbUuid,
      version: '1.0.0',
    });
    const column = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
      column_name: name,
      verbose_name: null,
      is_dttm: false,
      is_active: true,
      type,
      advanced_data_type: null,
      groupby: true,
      filterable: true,
      expression: null,
      description: null,
      python_date_format: null,
      extra: {},
      ...extra,
    });
    for (let d = 0; d < DATASETS; d++)
      writeDoc(`datasets/${dbName}/t${d}_${runId}.yaml`, {
        table_name: `t${d}_${runId}`,
        main_dttm_col: 'day',
        description: null,
        default_endpoint: null,
        offset: 0,
        cache_timeout: null,
        schema: 'public',
        sql: null,
        params: null,
        template_params: null,
        filter_select_enabled: true,
        fetch_values_predicate: null,
        extra: null,
        normalize_columns: false,
        always_filter_main_dttm: false,
        uuid: u(`ds${d}`),
        metrics: [
          {
            metric_name: 'total',
            verbose_name: 'Total',
            metric_type: null,
            expression: 'SUM(amount)',
            description: null,
            d3format: null,
            currency: null,
            extra: {},
            warning_text: null,
          },
        ],
        columns: [
          column('id', 'INTEGER', { groupby: false }),
          column('day', 'TIMESTAMP WITHOUT TIME ZONE', { is_dttm: true, verbose_name: 'Day' }),
          column('region', 'TEXT', { verbose_name: 'Region' }),
          column('amount', 'DOUBLE PRECISION', { groupby: false }),
        ],
        version: '1.0.0',
        database_uuid: dbUuid,
      });
    for (let i = 0; i < CHARTS; i++) writeDoc(chartFile(i), chartDoc(i, chartTitle(i), 100));
    for (let b = 0; b < DASHBOARDS; b++) {
      const members = Array.from({ length: PER_DASHBOARD }, (_, k) => b * PER_DASHBOARD + k);
      const position: Record<string, unknown> = {
        DASHBOARD_VERSION_KEY: 'v2',
        ROOT_ID: { type: 'ROOT', id: 'ROOT_ID', children: ['GRID_ID'] },
        GRID_ID: { type: 'GRID', id: 'GRID_ID', children: [] as string[], parents: ['ROOT_ID'] },
        HEADER_ID: { type: 'HEADER', id: 'HEADER_ID', meta: { text: `Dashboard ${b} ${runId}` } },
      };
      const grid = position.GRID_ID as { children: string[] };
      for (let k = 0; k < members.length; k += 3) {
        const row = `ROW-${k / 3}`;
        grid.children.push(row);
        const cells = members.slice(k, k + 3).map((i) => `CHART-${i}`);
        position[row] = {
          type: 'ROW',
          id: row,
          children: cells,
          parents: ['ROOT_ID', 'GRID_ID'],
          meta: { background: 'BACKGROUND_TRANSPARENT' },
        };
        for (const i of members.slice(k, k + 3))
          position[`CHART-${i}`] = {
            type: 'CHART',
            id: `CHART-${i}`,
            children: [],
            parents: ['ROOT_ID', 'GRID_ID', row],
            meta: { chartId: i + 1, uuid: u(`c${i}`), width: 4, height: 50, sliceName: chartTitle(i) },
          };
      }
      writeDoc(`dashboards/dash_${b}.yaml`, {
        dashboard_title: `Dashboard ${b} ${runId}`,
        description: null,
        css: '',
        slug: `d-${b}-${runId}`.replace(/_/g, '-'),
        certified_by: null,
        certification_details: null,
        published: true,
        uuid: u(`dash${b}`),
        position,
        metadata: {
          color_scheme: null,
          refresh_frequency: 0,
          expanded_slices: {},
          timed_refresh_immune_slices: [],
          cross_filters_enabled: false,
          native_filter_configuration: [],
        },
        version: '1.0.0',
      });
    }
  }

  function createTables(): void {
    const sql = Array.from(
      { length: DATASETS },
      (
        _,
        t,
      ) => `CREATE TABLE "t${t}_${runId}" (id integer PRIMARY KEY, day timestamp, region text, amount double precision);
  INSERT INTO "t${t}_${runId}" SELECT i, make_timestamp(2025, 1, 1 + i % 28, 0, 0, 0), substr('nesw', 1 + i % 4, 1), i * 1.5 FROM generate_series(0, 19) AS i;`,
    );
    warehouseSql(sql.join('\n'));
  }

  createTables();
  makeBundle();
  return {
    N,
    runId,
    bundleDir,
    DATASETS,
    DASHBOARDS,
    CHARTS,
    PER_DASHBOARD,
    dbName,
    dbUuid,
    chartTitle,
    chartFile,
  };
}

/** Gives the first chart file (by path) under `metadataDir` a new row_limit: a person's one-line edit. */
export function setFirstChartRowLimit(metadataDir: string, rowLimit: number): void {
  const dir = path.join(metadataDir, 'charts');
  const file = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .sort()[0];
  if (!file) throw new Error(`no chart file under ${dir}`);
  const full = path.join(dir, file);
  const doc = parseDocument(fs.readFileSync(full, 'utf8'));
  doc.setIn(['params', 'row_limit'], rowLimit);
  fs.writeFileSync(full, doc.toString());
}
