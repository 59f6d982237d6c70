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
    configuration_method: Type.Optional(
      Type.Union([Type.Literal('sqlalchemy_form'), Type.Literal('dynamic_form')], {
        description:
          "How Superset's UI shows the connection for editing: the SQLAlchemy URI form (default) or the engine's own form.",
      }),
    ),
    impersonate_user: Type.Optional(
      Type.Boolean({ description: 'Run queries as the logged-in user where the engine supports it.' }),
    ),
    extra: Type.Optional(
      JsonObject(
        'Engine settings Superset keeps in `extra` (metadata_params, engine_params, ...). Stored in clear text: never a credential (keys such as `password`, `token` or `private_key` are refused; use `masked_encrypted_extra`).',
      ),
    ),
    masked_encrypted_extra: Type.Optional(
      Type.Union(
        [
          Type.String({
            pattern: ENV_REF_PATTERN,
            description:
              'An environment variable holding the whole JSON document, e.g. `${env.BIGQUERY_ENCRYPTED_EXTRA}`.',
          }),
          JsonObject(
            'The JSON document, where every credential (a key such as `private_key`, `client_secret`, `credentials_info`) is an `${env.NAME}` reference.',
          ),
        ],
        {
          description:
            "Superset's encrypted engine settings: BigQuery `credentials_info`, Snowflake key-pair `auth_params`, OAuth2 `oauth2_client_info` and other credentials kept encrypted. Sent to Superset at apply time, shown in plans as `(sensitive value)`.",
        },
      ),
    ),
    ssh_tunnel: Type.Optional(
      Type.Object(
        {
          server_address: Type.String({ minLength: 1, description: 'SSH server host.' }),
          server_port: Type.Integer({ minimum: 1, maximum: 65535, description: 'SSH server port.' }),
          username: Type.String({ minLength: 1, description: 'SSH user name.' }),
          password: Type.Optional(
            Type.String({
              pattern: ENV_REF_PATTERN,
              description: 'Environment variable holding the SSH password.',
            }),
          ),
          private_key: Type.Optional(
            Type.String({
              pattern: ENV_REF_PATTERN,
              description: 'Environment variable holding the SSH private key (PEM).',
            }),
          ),
          private_key_password: Type.Optional(
            Type.String({
              pattern: ENV_REF_PATTERN,
              description: "Environment variable holding the private key's passphrase.",
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            "An SSH tunnel to the database (Superset's SSH_TUNNELING feature). Secrets come from `${env.*}` only.",
        },
      ),
    ),
  },
  { additionalProperties: false, description: 'A database connection in Superset.' },
);

export type DatabaseSpec = Static<typeof DatabaseSchema>;
