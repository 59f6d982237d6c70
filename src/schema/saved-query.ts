import { Type, type Static } from '@sinclair/typebox';
import { kindField, namedObjectFields, tagsField } from './common.js';

export const SavedQuerySchema = Type.Object(
  {
    kind: kindField('saved_query'),
    ...namedObjectFields('saved query', 'label'),
    database: Type.String({ minLength: 1, description: 'Name of the database the query runs on.' }),
    catalog: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
        description: 'Catalog, for databases that have catalogs.',
      }),
    ),
    schema: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
        description: 'Schema SQL Lab selects when the query is opened.',
      }),
    ),
    sql: Type.String({ minLength: 1, description: 'The SQL.' }),
    description: Type.Optional(Type.String({ description: 'What the query is for.' })),
    tags: tagsField('saved query'),
  },
  {
    additionalProperties: false,
    description:
      'A query saved in SQL Lab. Superset lists a saved query only to the user who saved it: here, the user the tool logs in as.',
  },
);

export type SavedQuerySpec = Static<typeof SavedQuerySchema>;
