import { Type, type Static } from '@sinclair/typebox';
import { JsonObject, kindField, objectFields, ownersField, tagsField } from './common.js';

const Width = Type.Integer({
  minimum: 1,
  maximum: 12,
  description: 'Width in grid columns (the grid is 12 wide).',
});
const Height = Type.Integer({
  minimum: 1,
  description: 'Height in grid units (8 px each; 50 is a typical chart).',
});
const Background = Type.Union([Type.Literal('BACKGROUND_TRANSPARENT'), Type.Literal('BACKGROUND_WHITE')], {
  description: 'Background of a row, column or header.',
});

/**
 * One node of the layout. The key that is present says what it is (`chart`, `row`, `column`, `tabs`,
 * `markdown`, `header`, `divider`); a named rule checks that exactly one is present, which gives clearer
 * errors than a schema union would.
 */
export const LayoutItemSchema = Type.Recursive(
  (Item) =>
    Type.Object(
      {
        chart: Type.Optional(Type.String({ minLength: 1, description: 'Name of a chart to place here.' })),
        row: Type.Optional(Type.Array(Item, { description: 'A row: items placed side by side.' })),
        column: Type.Optional(Type.Array(Item, { description: 'A column: items stacked inside a row.' })),
        tabs: Type.Optional(
          Type.Array(
            Type.Object(
              {
                title: Type.String({ description: 'Tab title.' }),
                children: Type.Array(Item, { description: 'What the tab holds.' }),
              },
              { additionalProperties: false, description: 'One tab.' },
            ),
            { description: 'A set of tabs.' },
          ),
        ),
        in_grid: Type.Optional(
          Type.Boolean({
            description:
              "For a set of tabs that is the whole layout: keep it in the page grid instead of making it the dashboard's top-level tabs.",
          }),
        ),
        markdown: Type.Optional(Type.String({ description: 'A markdown text block.' })),
        header: Type.Optional(Type.String({ description: 'A section header.' })),
        divider: Type.Optional(Type.Literal(true, { description: 'A horizontal divider line.' })),
        title: Type.Optional(Type.String({ description: 'For a chart: a title shown instead of its name.' })),
        width: Type.Optional(Width),
        height: Type.Optional(Height),
        size: Type.Optional(
          Type.Union(
            [Type.Literal('SMALL_HEADER'), Type.Literal('MEDIUM_HEADER'), Type.Literal('LARGE_HEADER')],
            {
              description: 'For a header: its size.',
            },
          ),
        ),
        background: Type.Optional(Background),
      },
      {
        additionalProperties: false,
        description: 'A layout node: exactly one of chart, row, column, tabs, markdown, header, divider.',
      },
    ),
  { $id: 'LayoutItem' },
);

const FilterTarget = Type.Object(
  {
    dataset: Type.String({ minLength: 1, description: 'Name of the dataset the filter reads values from.' }),
    column: Type.Optional(Type.String({ description: 'Column the filter applies to.' })),
  },
  { additionalProperties: false, description: 'Dataset and column of a filter.' },
);

const NativeFilter = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Filter label, unique in the dashboard.' }),
    id: Type.Optional(
      Type.String({
        pattern: '^NATIVE_FILTER-[A-Za-z0-9_-]+$',
        description: 'Superset filter id; derived from the name when omitted.',
      }),
    ),
    type: Type.String({
      minLength: 1,
      description:
        'Filter type: `filter_select`, `filter_range`, `filter_time`, `filter_timegrain`, `filter_timecolumn`.',
    }),
    description: Type.Optional(Type.String({ description: 'Help text for the filter.' })),
    targets: Type.Optional(
      Type.Array(FilterTarget, {
        description:
          'What the filter reads: one dataset and column, or several (a filter that applies the same column of several datasets).',
      }),
    ),
    tabs: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'Tabs (by title) the scope starts at, instead of the whole dashboard: charts under them are in scope, and so are charts added to them later.',
      }),
    ),
    charts: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'Charts the filter applies to; omit for every chart in its scope (the dashboard, or its `tabs`).',
      }),
    ),
    control_values: Type.Optional(
      JsonObject('Filter options: multiSelect, enableEmptyFilter, inverseSelection, ...'),
    ),
    default_value: Type.Optional(
      Type.Unknown({ description: 'Default filter value (a list for select filters).' }),
    ),
    time_range: Type.Optional(
      Type.String({ description: 'For a filter on a time range: the range, e.g. `Last year`.' }),
    ),
    cascade_parents: Type.Optional(Type.Array(Type.String(), { description: 'Names of parent filters.' })),
    adhoc_filters: Type.Optional(
      Type.Array(JsonObject('One pre-filter clause, as Superset keeps it.'), {
        description:
          "Pre-filters: clauses that limit the values the filter offers (Superset's `adhoc_filters`, kept as they are; they name columns, not ids).",
      }),
    ),
  },
  { additionalProperties: false, description: 'A native filter of the dashboard.' },
);

const Metadata = Type.Object(
  {
    color_scheme: Type.Optional(Type.String({ description: 'Categorical colour scheme name.' })),
    color_namespace: Type.Optional(Type.String({ description: 'Colour namespace.' })),
    label_colors: Type.Optional(JsonObject('Fixed colours per label.')),
    shared_label_colors: Type.Optional(
      Type.Array(Type.String(), { description: 'Labels that share colours.' }),
    ),
    map_label_colors: Type.Optional(JsonObject('Colour per label, as Superset computed it.')),
    color_scheme_domain: Type.Optional(Type.Array(Type.String(), { description: 'Colours of the scheme.' })),
    refresh_frequency: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Auto-refresh period in seconds.' }),
    ),
    stagger_refresh: Type.Optional(Type.Boolean({ description: 'Spread chart refreshes over time.' })),
    stagger_time: Type.Optional(Type.Integer({ minimum: 0, description: 'Milliseconds between refreshes.' })),
    cross_filters_enabled: Type.Optional(
      Type.Boolean({ description: 'Clicking a chart filters the others.' }),
    ),
    show_chart_timestamps: Type.Optional(
      Type.Boolean({ description: 'Show when each chart was last queried.' }),
    ),
    filter_bar_orientation: Type.Optional(
      Type.Union([Type.Literal('VERTICAL'), Type.Literal('HORIZONTAL')], {
        description: 'Where filters are shown.',
      }),
    ),
    chart_configuration: Type.Optional(
      Type.Record(Type.String(), JsonObject("One chart's settings: `crossFilters` {scope, chartsInScope}."), {
        description:
          'Cross-filter settings per chart, by chart name, as Superset keeps them, with chart names for chart ids (`chartsInScope`, `scope.excluded`) and tab titles for tab ids (`scope.rootPath`, `ROOT_ID` as it is). Compared only when set.',
      }),
    ),
    global_chart_configuration: Type.Optional(
      JsonObject(
        'The dashboard-wide cross-filter scope `{scope: {rootPath, excluded}, chartsInScope}`, with chart names and tab titles as in `chart_configuration`. Compared only when set.',
      ),
    ),
    timed_refresh_immune_slices: Type.Optional(
      Type.Array(Type.String(), {
        description: 'Charts (by name) the timed refresh leaves alone. Compared only when set.',
      }),
    ),
    expanded_slices: Type.Optional(
      Type.Record(Type.String(), Type.Boolean(), {
        description: 'Charts (by name) shown expanded. Compared only when set.',
      }),
    ),
  },
  { additionalProperties: false, description: 'Other dashboard settings Superset keeps in json_metadata.' },
);

export const DashboardSchema = Type.Object(
  {
    kind: kindField('dashboard'),
    ...objectFields('dashboard'),
    title: Type.String({ minLength: 1, description: 'Dashboard title shown in Superset.' }),
    slug: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]+$',
        description: 'URL slug: letters, digits, `_` and `-` (Superset drops other characters).',
      }),
    ),
    published: Type.Optional(
      Type.Boolean({ description: 'Listed for all users with access (default false).' }),
    ),
    css: Type.Optional(Type.String({ description: 'Custom CSS for the dashboard.' })),
    certified_by: Type.Optional(Type.String({ description: 'Who certified the dashboard.' })),
    certification_details: Type.Optional(
      Type.String({ description: 'Why or how the dashboard is certified.' }),
    ),
    layout: Type.Array(LayoutItemSchema, { description: 'Rows, tabs, headers and charts, top to bottom.' }),
    native_filters: Type.Optional(Type.Array(NativeFilter, { description: 'Filters in the filter bar.' })),
    metadata: Type.Optional(Metadata),
    owners: ownersField('dashboard'),
    tags: tagsField('dashboard'),
    theme: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
        description:
          "The theme the dashboard shows in (Superset 6.0 and newer), by the name of a theme in the YAML. `null`: none (Superset's default theme). Leave out to keep what Superset has.",
      }),
    ),
    roles: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64, description: 'A Superset role name.' }), {
        uniqueItems: true,
        description:
          "Roles that may see the dashboard when Superset's DASHBOARD_RBAC feature flag is on (its `roles`). Leave out to keep what Superset has; an empty list gives the dashboard no roles (access then follows its datasets' permissions). A role Superset does not have is a plan error.",
      }),
    ),
  },
  { additionalProperties: false, description: 'A dashboard placing charts in a layout.' },
);

export type DashboardSpec = Static<typeof DashboardSchema>;
export type LayoutItem = Static<typeof LayoutItemSchema>;
export type NativeFilterSpec = Static<typeof NativeFilter>;
