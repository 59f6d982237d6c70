import { Type, type Static } from '@sinclair/typebox';
import { CacheTimeout, JsonObject, kindField, objectFields, ownersField } from './common.js';

const Column = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Column name as the database returns it (or an alias).' }),
    type: Type.Optional(Type.String({ description: 'Database type, e.g. `VARCHAR(32)` or `DATE`.' })),
    verbose_name: Type.Optional(Type.String({ description: 'Label shown in charts.' })),
    description: Type.Optional(Type.String({ description: 'Tooltip text for the column.' })),
    expression: Type.Optional(
      Type.String({ description: 'SQL expression for a calculated column; omit for a physical column.' }),
    ),
    is_dttm: Type.Optional(Type.Boolean({ description: 'The column holds dates or times.' })),
    groupby: Type.Optional(Type.Boolean({ description: 'Charts may group by this column.' })),
    filterable: Type.Optional(Type.Boolean({ description: 'Filters may use this column.' })),
    is_active: Type.Optional(Type.Boolean({ description: 'The column is shown in the explore view.' })),
    python_date_format: Type.Optional(
      Type.String({ description: 'strftime format of a date stored as text, or `epoch_s` / `epoch_ms`.' }),
    ),
    advanced_data_type: Type.Optional(Type.String({ description: 'Advanced data type name, if any.' })),
    extra: Type.Optional(JsonObject('Extra column settings Superset keeps as JSON.')),
  },
  { additionalProperties: false, description: 'A column of the dataset.' },
);

const Metric = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Metric name, unique in the dataset.' }),
    expression: Type.String({ minLength: 1, description: 'SQL aggregate expression, e.g. `SUM(amount)`.' }),
    verbose_name: Type.Optional(Type.String({ description: 'Label shown in charts.' })),
    description: Type.Optional(Type.String({ description: 'Tooltip text for the metric.' })),
    metric_type: Type.Optional(Type.String({ description: 'Free-form metric type, e.g. `sum` or `count`.' })),
    d3format: Type.Optional(Type.String({ description: 'd3 number format, e.g. `,.2f`.' })),
    warning_text: Type.Optional(Type.String({ description: 'Warning shown beside the metric.' })),
    currency: Type.Optional(JsonObject('Currency formatting: `{symbol, symbolPosition}`.')),
    extra: Type.Optional(JsonObject('Extra metric settings Superset keeps as JSON.')),
  },
  { additionalProperties: false, description: 'A saved metric of the dataset.' },
);

export const DatasetSchema = Type.Object(
  {
    kind: kindField('dataset'),
    ...objectFields('dataset'),
    database: Type.String({ minLength: 1, description: 'Name of the database this dataset reads from.' }),
    catalog: Type.Optional(Type.String({ description: 'Catalog, for engines that have catalogs.' })),
    schema: Type.Optional(Type.String({ description: 'Database schema of the table.' })),
    table_name: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Table name in Superset; defaults to `name`. For a virtual dataset it is only a label.',
      }),
    ),
    sql: Type.Optional(
      Type.String({ minLength: 1, description: 'SELECT statement; present means a virtual dataset.' }),
    ),
    description: Type.Optional(Type.String({ description: 'What the dataset holds.' })),
    main_dttm_col: Type.Optional(Type.String({ description: 'Default time column for time filters.' })),
    always_filter_main_dttm: Type.Optional(
      Type.Boolean({ description: 'Apply the time filter to the main time column even when not selected.' }),
    ),
    normalize_columns: Type.Optional(
      Type.Boolean({ description: 'Let Superset normalise column names from the source.' }),
    ),
    filter_select_enabled: Type.Optional(
      Type.Boolean({ description: 'Load values for filter dropdowns from this dataset.' }),
    ),
    fetch_values_predicate: Type.Optional(
      Type.String({ description: 'WHERE clause applied when loading filter values.' }),
    ),
    currency_code_column: Type.Optional(
      Type.String({
        description: "Column holding each row's currency code, for metrics with a dynamic currency.",
      }),
    ),
    default_endpoint: Type.Optional(Type.String({ description: 'URL to open instead of the explore view.' })),
    offset: Type.Optional(Type.Integer({ description: 'Timezone offset in hours applied to time columns.' })),
    cache_timeout: CacheTimeout,
    template_params: Type.Optional(JsonObject('Jinja template parameters for the SQL.')),
    extra: Type.Optional(
      JsonObject('Extra dataset settings Superset keeps as JSON (certification, warnings).'),
    ),
    columns: Type.Optional(
      Type.Array(Column, {
        description: 'Columns managed as code. Omit to let Superset read them from the source.',
      }),
    ),
    metrics: Type.Optional(
      Type.Array(Metric, { description: 'Saved metrics managed as code. Omit to keep what Superset has.' }),
    ),
    owners: ownersField('dataset'),
  },
  { additionalProperties: false, description: 'A dataset: a physical table or a virtual SQL query.' },
);

export type DatasetSpec = Static<typeof DatasetSchema>;
export type ColumnSpec = Static<typeof Column>;
export type MetricSpec = Static<typeof Metric>;
