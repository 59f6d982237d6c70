import { Type, type Static } from '@sinclair/typebox';
import { CacheTimeout, JsonObject, kindField, objectFields, ownersField, tagsField } from './common.js';

export const ChartSchema = Type.Object(
  {
    kind: kindField('chart'),
    ...objectFields('chart'),
    title: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 250,
        description:
          'Title Superset shows (its `slice_name`); defaults to `name`. Titles may repeat, names may not: dashboards refer to a chart by `name`.',
      }),
    ),
    dataset: Type.String({ minLength: 1, description: 'Name of the dataset the chart queries.' }),
    viz_type: Type.String({
      minLength: 1,
      description:
        'Superset visualisation type, e.g. `pie`, `table`, `echarts_timeseries_bar`, `big_number_total`.',
    }),
    description: Type.Optional(Type.String({ description: 'What the chart shows.' })),
    params: Type.Optional(
      JsonObject('Chart form data (metrics, groupby, time range, ...), exactly as Superset stores it.'),
    ),
    query_context: Type.Optional(
      JsonObject(
        'Query context used by the chart data API. Omit to have one built from `params` for the common viz types.',
      ),
    ),
    cache_timeout: CacheTimeout,
    certified_by: Type.Optional(Type.String({ description: 'Who certified the chart.' })),
    certification_details: Type.Optional(Type.String({ description: 'Why or how the chart is certified.' })),
    owners: ownersField('chart'),
    tags: tagsField('chart'),
  },
  { additionalProperties: false, description: 'A chart bound to one dataset.' },
);

export type ChartSpec = Static<typeof ChartSchema>;
