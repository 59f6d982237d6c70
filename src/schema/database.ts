import { Type, type Static } from '@sinclair/typebox';
import { CacheTimeout, ENV_REF_PATTERN, JsonObject, kindField, objectFields } from './common.js';

export const DatabaseSchema = Type.Object(
  {
    kind: kindField('database'),
    ...objectFields('database'),
    sqlalchemy_uri: Type.String({
      minLength: 1,
      description:
        'SQLAlchemy URI without a password, e.g. `postgresql://reader@${var.warehouse_host}/sales`. The password goes in `password`.',
    }),
    password: Type.Optional(
      Type.String({
        pattern: ENV_REF_PATTERN,
        description:
          'Reference to the environment variable that holds the password, e.g. `${env.WAREHOUSE_PASSWORD}`. Never the password itself.',
      }),
    ),
    expose_in_sqllab: Type.Optional(Type.Boolean({ description: 'Show this database in SQL Lab.' })),
    allow_run_async: Type.Optional(Type.Boolean({ description: 'Run SQL Lab queries asynchronously.' })),
    allow_ctas: Type.Optional(Type.Boolean({ description: 'Allow CREATE TABLE AS in SQL Lab.' })),
    allow_cvas: Type.Optional(Type.Boolean({ description: 'Allow CREATE VIEW AS in SQL Lab.' })),
    allow_dml: Type.Optional(
      Type.Boolean({ description: 'Allow DML statements (INSERT, UPDATE, ...) in SQL Lab.' }),
    ),
    allow_file_upload: Type.Optional(Type.Boolean({ description: 'Allow uploading CSV or Excel files.' })),
    cache_timeout: CacheTimeout,
    force_ctas_schema: Type.Optional(
      Type.Union([Type.String(), Type.Null()], { description: 'Schema that CREATE TABLE AS writes into.' }),
    ),
    impersonate_user: Type.Optional(
      Type.Boolean({ description: 'Run queries as the logged-in user where the engine supports it.' }),
    ),
    extra: Type.Optional(
      JsonObject('Engine settings Superset keeps in `extra` (metadata_params, engine_params, ...).'),
    ),
  },
  { additionalProperties: false, description: 'A database connection in Superset.' },
);

export type DatabaseSpec = Static<typeof DatabaseSchema>;
