import { Type, type Static } from '@sinclair/typebox';
import { ENV_REF_PATTERN, kindField } from './common.js';

const CredentialRef = (what: string) =>
  Type.String({
    pattern: ENV_REF_PATTERN,
    description: `Environment variable holding the ${what}, e.g. \`\${env.SUPERSET_PASSWORD}\`; \`:-default\` is allowed for a local demo.`,
  });

export const EnvironmentSchema = Type.Object(
  {
    kind: kindField('environment'),
    name: Type.String({
      pattern: '^[a-z][a-z0-9_-]*$',
      description: 'Environment name used with `--env`, e.g. `staging`.',
    }),
    description: Type.Optional(Type.String({ description: 'What this environment is for.' })),
    superset: Type.Object(
      {
        url: Type.String({
          minLength: 1,
          description: 'Base URL of Superset; may be an `${env.NAME}` reference.',
        }),
        username: CredentialRef('API user name'),
        password: CredentialRef('API password'),
        timeout_ms: Type.Optional(
          Type.Integer({ minimum: 100, description: 'Per-request timeout (default 30000).' }),
        ),
      },
      { additionalProperties: false, description: 'Where and as whom the tool talks to Superset.' },
    ),
    zookeeper: Type.Object(
      {
        connect: Type.String({
          minLength: 1,
          description: 'Connect string `host:port[,host:port]`; may be an `${env.NAME}` reference.',
        }),
        root: Type.String({
          pattern: '^(/[A-Za-z0-9_.-]+)+$',
          description: 'Root znode of this environment, e.g. `/superset-gitops/staging`.',
        }),
        session_timeout_ms: Type.Optional(
          Type.Integer({ minimum: 1000, description: 'Session timeout asked of ZooKeeper (default 10000).' }),
        ),
        username: Type.Optional(CredentialRef('ZooKeeper digest user')),
        password: Type.Optional(CredentialRef('ZooKeeper digest password')),
        reader_username: Type.Optional(
          Type.String({
            minLength: 1,
            description:
              'Digest identity that may only read the registry (the connector, dashboards); without it, nodes are readable by anyone. Needs `reader_password`.',
          }),
        ),
        reader_password: Type.Optional(CredentialRef("reader identity's password (only its digest is used)")),
        snapshots_keep: Type.Optional(
          Type.Integer({ minimum: 1, description: 'Desired snapshots kept (default 20).' }),
        ),
        history_keep: Type.Optional(
          Type.Integer({ minimum: 1, description: 'History entries kept (default 100).' }),
        ),
      },
      { additionalProperties: false, description: 'The registry of this environment.' },
    ),
    variables: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String(), {
        description: 'Values that objects use as `${var.NAME}`. Not for secrets.',
      }),
    ),
    env_defaults: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String(), {
        description:
          "Values for environment variables that are not set, e.g. a local demo database's password. Only for an environment whose Superset and ZooKeeper are on this machine (loopback); any other is refused, so a real environment always reads its secrets from the environment.",
      }),
    ),
  },
  { additionalProperties: false, description: 'A Superset environment the tool applies to.' },
);

export type EnvironmentSpec = Static<typeof EnvironmentSchema>;
