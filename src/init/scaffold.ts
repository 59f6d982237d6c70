/**
 * The files `superset-gitops init` writes into a content repository. Pure: it returns paths and texts;
 * the CLI decides which of them are missing and writes only those.
 */

/** Where the reusable GitHub Action of this project lives (`uses: <this>@v<version>`). */
export const ACTION_REPOSITORY = 'superset-gitops/superset-gitops';

/** The kinds that have a folder of their own under metadata/ and a JSON Schema in the package. */
const KIND_FOLDERS = [
  ['database', 'databases'],
  ['dataset', 'datasets'],
  ['chart', 'charts'],
  ['dashboard', 'dashboards'],
  ['environment', 'environments'],
] as const;

/** The schemas as the content repository sees them, once `npm install` has put the package there. */
const SCHEMAS = 'node_modules/superset-gitops/schemas';

export interface ScaffoldOptions {
  /** The tool's version: pinned in package.json and in the workflows' `version` input. */
  version: string;
  /** The environment the scaffold deploys to (a file under metadata/environments/). */
  environment: string;
  /** Superset's URL; absent: read from SUPERSET_URL at run time. */
  supersetUrl?: string;
  /** ZooKeeper connect string; absent: read from ZK_CONNECT at run time. */
  zkConnect?: string;
  /** The registry's root znode of the environment. */
  zkRoot?: string;
  /** The package name written into a new package.json (the folder's name, made npm-safe). */
  packageName: string;
  /** `owner/name@ref` of the action the workflows use (default: this project's, at the version's tag). */
  action?: string;
  /** Also a scheduled workflow that turns edits made in Superset's UI into a pull request. */
  propose?: boolean;
}

export interface ScaffoldFile {
  path: string;
  content: string;
  /** What the file is for, printed by init. */
  purpose: string;
}

const ENV_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** Problems with the options, in the user's terms; empty when they are fine. */
export function checkScaffoldOptions(options: ScaffoldOptions): string[] {
  const problems: string[] = [];
  if (!ENV_NAME.test(options.environment))
    problems.push(
      `--env ${JSON.stringify(options.environment)}: an environment name is lower-case letters, digits, - and _, starting with a letter`,
    );
  if (options.supersetUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(options.supersetUrl))
    problems.push(`--superset-url ${JSON.stringify(options.supersetUrl)}: not an http(s) URL`);
  if (options.supersetUrl !== undefined && /^https?:\/\/[^/]*@/.test(options.supersetUrl))
    problems.push(
      '--superset-url: no user or password in the URL; they come from SUPERSET_USERNAME/SUPERSET_PASSWORD',
    );
  if (options.zkConnect !== undefined && !/^[\w.-]+:\d+(,[\w.-]+:\d+)*(\/[\w/.-]*)?$/.test(options.zkConnect))
    problems.push(
      `--zk-connect ${JSON.stringify(options.zkConnect)}: expected host:port[,host:port...] (as ZooKeeper's connect string)`,
    );
  if (options.zkRoot !== undefined && !/^(\/[\w.-]+)+$/.test(options.zkRoot))
    problems.push(
      `--zk-root ${JSON.stringify(options.zkRoot)}: expected an absolute znode path such as /superset-gitops/staging`,
    );
  if (options.action !== undefined && !/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[\w./-]+$/.test(options.action))
    problems.push(`--action ${JSON.stringify(options.action)}: expected owner/name@ref`);
  return problems;
}

/** A quoted YAML scalar when the value needs one (a URL with `:`, a `$` placeholder never does here). */
function scalar(value: string): string {
  return /^[\w$./:{},-]+$/.test(value) && !value.includes(': ') && !value.startsWith('{')
    ? value
    : JSON.stringify(value);
}

function environmentFile(o: ScaffoldOptions): string {
  const root = o.zkRoot ?? `/superset-gitops/${o.environment}`;
  return `# yaml-language-server: $schema=../../${SCHEMAS}/environment.schema.json
# The Superset this repository deploys to, and the ZooKeeper registry that records what was applied.
# Secrets come only from environment variables (in GitHub Actions: this environment's secrets).
kind: environment
name: ${o.environment}
superset:
  url: ${scalar(o.supersetUrl ?? '${env.SUPERSET_URL}')}
  username: \${env.SUPERSET_USERNAME}
  password: \${env.SUPERSET_PASSWORD}
zookeeper:
  connect: ${scalar(o.zkConnect ?? '${env.ZK_CONNECT}')}
  root: ${root}
  # With ZooKeeper digest authentication (recommended for a shared ensemble):
  # username: \${env.ZK_USERNAME}
  # password: \${env.ZK_PASSWORD}
# Values the object files use as \${var.NAME}, one set per environment:
variables: {}
`;
}

function vscodeSettings(): string {
  const schemas: Record<string, string[]> = {};
  for (const [kind, folder] of KIND_FOLDERS)
    schemas[`./${SCHEMAS}/${kind}.schema.json`] = [
      `metadata/${folder}/**/*.yaml`,
      `metadata/${folder}/**/*.yml`,
    ];
  return JSON.stringify({ 'yaml.schemas': schemas }, null, 2) + '\n';
}

function packageJson(o: ScaffoldOptions): string {
  return (
    JSON.stringify(
      {
        name: o.packageName,
        private: true,
        description: 'Apache Superset content as code, deployed with superset-gitops',
        scripts: {
          validate: 'superset-gitops validate metadata',
          plan: `superset-gitops plan --env ${o.environment}`,
        },
        devDependencies: { 'superset-gitops': o.version },
      },
      null,
      2,
    ) + '\n'
  );
}

const SECRETS_ENV = `SUPERSET_URL: \${{ secrets.SUPERSET_URL }}
          SUPERSET_USERNAME: \${{ secrets.SUPERSET_USERNAME }}
          SUPERSET_PASSWORD: \${{ secrets.SUPERSET_PASSWORD }}
          ZK_CONNECT: \${{ secrets.ZK_CONNECT }}
          ZK_USERNAME: \${{ secrets.ZK_USERNAME }}
          ZK_PASSWORD: \${{ secrets.ZK_PASSWORD }}`;

function pullRequestWorkflow(o: ScaffoldOptions, action: string): string {
  return `# Every pull request: validate the YAML (annotations on the changed lines) and post the plan for
# ${o.environment} as one comment that is edited in place on every push. Forks get no secrets, so they get
# the validation only.
name: superset plan

on:
  pull_request:
    paths: ['metadata/**', '.github/workflows/superset-*.yml']

permissions:
  contents: read

concurrency:
  group: superset-gitops-pr-\${{ github.event.pull_request.number }}
  cancel-in-progress: true

jobs:
  validate:
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@v5
      - uses: ${action}
        with:
          command: validate
          version: ${o.version}

  plan:
    needs: validate
    if: github.event.pull_request.head.repo.full_name == github.repository
    runs-on: ubuntu-24.04
    timeout-minutes: 15
    environment:
      name: ${o.environment}
      deployment: false
    permissions:
      contents: read
      pull-requests: write
    steps:
      - uses: actions/checkout@v5
      - uses: ${action}
        with:
          command: plan
          environment: ${o.environment}
          version: ${o.version}
          comment: true
        env:
          ${SECRETS_ENV}
`;
}

function applyWorkflow(o: ScaffoldOptions, action: string): string {
  return `# Every push to main: apply what changed to ${o.environment}, under the registry's apply lock. Applies
# queue behind each other and are never cancelled half way. Add \`args: --prune\` to also delete the
# objects this repository owns once their files are removed.
name: superset apply

on:
  push:
    branches: [main]
    paths: ['metadata/**']
  workflow_dispatch:

permissions:
  contents: read

jobs:
  apply:
    runs-on: ubuntu-24.04
    timeout-minutes: 30
    environment: ${o.environment}
    concurrency:
      group: superset-gitops-apply-${o.environment}
      cancel-in-progress: false
    steps:
      - uses: actions/checkout@v5
      - uses: ${action}
        with:
          command: apply
          environment: ${o.environment}
          version: ${o.version}
          args: --lock-timeout 900
        env:
          ${SECRETS_ENV}
          # Database passwords the YAML reads as \${env.NAME}, and the key that signs applied records:
          SUPERSET_GITOPS_RECORD_KEY: \${{ secrets.SUPERSET_GITOPS_RECORD_KEY }}
`;
}

function proposeWorkflow(o: ScaffoldOptions, action: string): string {
  return `# Every six hours: edits made in Superset's UI to objects this repository manages in ${o.environment}
# become one pull request (branch superset-gitops/pull/${o.environment}), updated when new edits come.
# Pull requests opened with the workflow's token start no other workflow: give a token with contents
# and pull-requests write as the secret SUPERSET_GITOPS_PROPOSE_TOKEN to get the plan comment on it.
name: superset propose

on:
  schedule:
    - cron: '41 */6 * * *'
  workflow_dispatch:

permissions:
  contents: read

jobs:
  propose:
    runs-on: ubuntu-24.04
    timeout-minutes: 20
    environment:
      name: ${o.environment}
      deployment: false
    concurrency:
      group: superset-gitops-propose-${o.environment}
      cancel-in-progress: false
    permissions:
      contents: write
      pull-requests: write
    steps:
      - uses: actions/checkout@v5
        with:
          token: \${{ secrets.SUPERSET_GITOPS_PROPOSE_TOKEN || github.token }}
      - id: tool
        uses: ${action}
        with:
          command: validate
          version: ${o.version}
      - name: propose
        shell: bash
        env:
          CLI: \${{ steps.tool.outputs.cli }}
          GITHUB_TOKEN: \${{ secrets.SUPERSET_GITOPS_PROPOSE_TOKEN || github.token }}
          ${SECRETS_ENV}
          SUPERSET_GITOPS_RECORD_KEY: \${{ secrets.SUPERSET_GITOPS_RECORD_KEY }}
          GIT_AUTHOR_NAME: github-actions[bot]
          GIT_AUTHOR_EMAIL: 41898282+github-actions[bot]@users.noreply.github.com
        run: '"$CLI" github propose --env ${o.environment}'
`;
}

function driftWorkflow(o: ScaffoldOptions, action: string): string {
  return `# Every hour: compare git, the registry and live Superset for ${o.environment}. The run fails when
# something drifted (edited in the UI, missing, not applied), so the repository's failure
# notifications say so; the report is in the run's summary.
name: superset drift

on:
  schedule:
    - cron: '23 * * * *'
  workflow_dispatch:

permissions:
  contents: read

jobs:
  drift:
    runs-on: ubuntu-24.04
    timeout-minutes: 20
    environment:
      name: ${o.environment}
      deployment: false
    steps:
      - uses: actions/checkout@v5
      - uses: ${action}
        with:
          command: drift
          environment: ${o.environment}
          version: ${o.version}
          fail-on-drift: true
        env:
          ${SECRETS_ENV}
          SUPERSET_GITOPS_RECORD_KEY: \${{ secrets.SUPERSET_GITOPS_RECORD_KEY }}
`;
}

function readme(o: ScaffoldOptions, action: string): string {
  return `# Superset content

This repository holds Apache Superset content as YAML under \`metadata/\`, deployed with
[superset-gitops](https://github.com/${ACTION_REPOSITORY}) ${o.version}.

## Set up

\`\`\`bash
npm install                                               # the tool, and the JSON Schemas your editor uses
npx superset-gitops import --env ${o.environment} --out metadata   # bring what Superset already has under git
npx superset-gitops validate                              # offline: schema, references, secrets
npx superset-gitops plan --env ${o.environment}                    # what apply would change (exit 0 none, 2 changes)
\`\`\`

The commands read their credentials from environment variables, never from files:
\`SUPERSET_USERNAME\`, \`SUPERSET_PASSWORD\` (and \`SUPERSET_URL\`, \`ZK_CONNECT\` where
\`metadata/environments/${o.environment}.yaml\` reads them), \`ZK_USERNAME\`/\`ZK_PASSWORD\` with ZooKeeper digest
authentication, the database passwords your database files name as \`\${env.NAME}\`, and
\`SUPERSET_GITOPS_RECORD_KEY\`, which signs the registry's applied records.

## Layout

| folder | what |
| --- | --- |
| \`metadata/environments/\` | one file per Superset you deploy to |
| \`metadata/databases/\` | database connections (passwords only as \`\${env.NAME}\`) |
| \`metadata/datasets/\` | datasets, by database |
| \`metadata/charts/\` | charts, by dataset |
| \`metadata/dashboards/\` | dashboards: layout, native filters, charts by name |

Editors with the YAML language server (VS Code's YAML extension) check each file against the
schemas in \`node_modules/superset-gitops/schemas/\` (see \`.vscode/settings.json\`).

## GitHub Actions

- \`.github/workflows/superset-pull-request.yml\`: validation and a sticky plan comment on every pull request.
- \`.github/workflows/superset-apply.yml\`: applies \`main\` to ${o.environment} on every push.
- \`.github/workflows/superset-drift.yml\`: hourly drift check; the run fails when Superset drifted.
${o.propose ? "- `.github/workflows/superset-propose.yml`: every six hours, edits made in Superset's UI become one pull request.\n" : ''}
They use \`${action}\`. Create a GitHub environment named \`${o.environment}\` with the secrets
\`SUPERSET_URL\`, \`SUPERSET_USERNAME\`, \`SUPERSET_PASSWORD\`, \`ZK_CONNECT\` (and \`ZK_USERNAME\`,
\`ZK_PASSWORD\`, \`SUPERSET_GITOPS_RECORD_KEY\` and your database passwords where you use them).
`;
}

/** Every file of a new content repository, in the order init reports them. */
export function scaffoldFiles(o: ScaffoldOptions): ScaffoldFile[] {
  const action = o.action ?? `${ACTION_REPOSITORY}@v${o.version}`;
  return [
    {
      path: `metadata/environments/${o.environment}.yaml`,
      content: environmentFile(o),
      purpose: `environment ${o.environment}`,
    },
    {
      path: 'package.json',
      content: packageJson(o),
      purpose: `superset-gitops ${o.version} as a dev dependency`,
    },
    { path: '.gitignore', content: 'node_modules/\n', purpose: 'keeps node_modules out of git' },
    { path: '.vscode/settings.json', content: vscodeSettings(), purpose: 'schemas for metadata/**/*.yaml' },
    {
      path: '.github/workflows/superset-pull-request.yml',
      content: pullRequestWorkflow(o, action),
      purpose: 'validate and plan comment on pull requests',
    },
    {
      path: '.github/workflows/superset-apply.yml',
      content: applyWorkflow(o, action),
      purpose: 'apply on push to main',
    },
    {
      path: '.github/workflows/superset-drift.yml',
      content: driftWorkflow(o, action),
      purpose: 'hourly drift check',
    },
    ...(o.propose
      ? [
          {
            path: '.github/workflows/superset-propose.yml',
            content: proposeWorkflow(o, action),
            purpose: "edits made in Superset's UI as a pull request, every six hours",
          },
        ]
      : []),
    { path: 'README.md', content: readme(o, action), purpose: 'how this repository works' },
  ];
}

/** An npm package name from a folder name: lower case, only the characters npm allows. */
export function packageNameFor(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[-]+$/g, '')
    .slice(0, 214);
  return name || 'superset-content';
}
