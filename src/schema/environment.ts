import { Type, type Static } from '@sinclair/typebox';
import { ENV_REF_PATTERN, kindField } from './common.js';

/**
 * An http(s) address with a host and no credentials, query or fragment (they would end up in every
 * object's `external_url` in Superset). Written out: no `${...}` reference (checked by a rule).
 */
export const REPOSITORY_URL_PATTERN = '^https?://[^\\s/?#@]+(/[^\\s?#]*)?$';

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
        imports_at_once: Type.Optional(
          Type.Integer({
            minimum: 1,
            maximum: 8,
            description:
              "How many of a large create's imports Superset is sent at once (default 2): each runs in a worker of its own. 1 sends them one after another, for a Superset whose metadata database takes one writer at a time (SQLite).",
          }),
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
    mark_managed: Type.Optional(
      Type.Boolean({
        description:
          "Mark every database, dataset, chart and dashboard the tool creates or updates as managed outside Superset (Superset's own `is_managed_externally`: its UI then refuses to save edits to the object, saying it is managed externally; the REST API still takes them), with `external_url` set to the object's YAML file in `repository_url` at the commit applied. An existing object that is not marked gets one update; turning this off later leaves objects marked. Default false.",
      }),
    ),
    repository_url: Type.Optional(
      Type.String({
        pattern: REPOSITORY_URL_PATTERN,
        description:
          "Web address of the git repository holding this metadata, e.g. `https://github.com/acme/analytics`; with `mark_managed`, each object's `external_url` is `<repository_url>/blob/<commit>/<path of its YAML file in the repository>`. Without it, objects are marked but get no link.",
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
