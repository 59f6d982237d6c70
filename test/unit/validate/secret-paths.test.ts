// Every way a secret could reach git, the registry or Superset's clear-text fields: `validate` exits 1
// and names file:line:col, the field and what to write instead. And every legitimate way passes.
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { isSecretKey, uriSecrets } from '../../../src/model/secrets.js';
import { BASE_TREE, recorder, validateWith, writeTree } from '../../helpers/tree.js';

const ENV = BASE_TREE['environments/local.yaml'] as string;
const db = (body: string) => `kind: database\nname: warehouse\n${body}`;
const envWith = (variables: string) =>
  ENV.replace('variables:\n  host: localhost\n', `variables:\n  host: localhost\n${variables}`);

interface Case {
  name: string;
  files: Record<string, string>;
  file: string;
  line: number;
  col: number;
  rule: string;
  path: string;
  message: RegExp;
}

const EXTRA_KEYS = [
  'password',
  'passwd',
  'pwd',
  'secret',
  'token',
  'private_key',
  'private_key_passphrase',
  'credentials',
  'credentials_info',
  'access_key',
  'api_key',
  'client_secret',
  'Password',
  'AWS_SECRET_ACCESS_KEY',
  'refresh-token',
];

const CASES: Case[] = [
  {
    name: 'URI user-info password, literal',
    files: { 'databases/warehouse.yaml': db('sqlalchemy_uri: postgresql://reader:hunter22@db/sales\n') },
    file: 'databases/warehouse.yaml',
    line: 3,
    col: 17,
    rule: 'inline-secret',
    path: 'sqlalchemy_uri',
    message: /password in clear text; remove it from the URI and set `password: \$\{env\.NAME\}`/,
  },
  {
    name: 'URI user-info password, masked as Superset exports it',
    files: { 'databases/warehouse.yaml': db('sqlalchemy_uri: postgresql://reader:XXXXXXXXXX@db/sales\n') },
    file: 'databases/warehouse.yaml',
    line: 3,
    col: 17,
    rule: 'inline-secret',
    path: 'sqlalchemy_uri',
    message: /masked password/,
  },
  {
    name: 'URI query-string password',
    files: {
      'databases/warehouse.yaml': db(
        'sqlalchemy_uri: postgresql://reader@db/sales?sslmode=require&password=hunter22\n',
      ),
    },
    file: 'databases/warehouse.yaml',
    line: 3,
    col: 17,
    rule: 'inline-secret',
    path: 'sqlalchemy_uri',
    message: /secret in its query string \(`password=\.\.\.`\)/,
  },
  {
    name: 'URI query-string token (Databricks style)',
    files: {
      'databases/warehouse.yaml': db(
        'sqlalchemy_uri: databricks://host:443?http_path=/sql&access_token=dapi123\n',
      ),
    },
    file: 'databases/warehouse.yaml',
    line: 3,
    col: 17,
    rule: 'inline-secret',
    path: 'sqlalchemy_uri',
    message: /`access_token=\.\.\.`/,
  },
  {
    name: 'URI password through ${var.*} (the variable is reported too)',
    files: {
      'environments/local.yaml': envWith('  warehouse_uri: postgresql://admin:pw12345@db/x\n'),
      'databases/warehouse.yaml': db('sqlalchemy_uri: ${var.warehouse_uri}\n'),
    },
    file: 'databases/warehouse.yaml',
    line: 3,
    col: 17,
    rule: 'inline-secret',
    path: 'sqlalchemy_uri',
    message:
      /In environment local \(environments\/local\.yaml\), the URI resolved through \$\{var\.warehouse_uri\} holds a password in clear text/,
  },
  {
    name: 'the variable holding a URI with a password',
    files: { 'environments/local.yaml': envWith('  warehouse_uri: postgresql://admin:pw12345@db/x\n') },
    file: 'environments/local.yaml',
    line: 12,
    col: 18,
    rule: 'inline-secret',
    path: 'variables.warehouse_uri',
    message: /Variable `warehouse_uri` holds a URI with a password in clear text/,
  },
  {
    name: 'URI query-string secret through ${var.*}',
    files: {
      'environments/local.yaml': envWith('  query: sslmode=require&password=pw12345\n'),
      'databases/warehouse.yaml': db('sqlalchemy_uri: postgresql://reader@db/sales?${var.query}\n'),
    },
    file: 'databases/warehouse.yaml',
    line: 3,
    col: 17,
    rule: 'inline-secret',
    path: 'sqlalchemy_uri',
    message: /resolved through \$\{var\.query\} holds a secret in its query string/,
  },
  {
    name: '${env.*} inside variables',
    files: { 'environments/local.yaml': envWith('  pw: ${env.WAREHOUSE_PASSWORD}\n') },
    file: 'environments/local.yaml',
    line: 12,
    col: 7,
    rule: 'env-in-variable',
    path: 'variables.pw',
    message: /variables are not for secrets/,
  },
  {
    name: 'extra.connect_args.password through ${var.*} whose variable reads ${env.*}',
    files: {
      'environments/local.yaml': envWith('  pw: ${env.WAREHOUSE_PASSWORD}\n'),
      'databases/warehouse.yaml': db(
        'sqlalchemy_uri: postgresql://reader@db/sales\nextra:\n  engine_params:\n    connect_args:\n      password: ${var.pw}\n',
      ),
    },
    file: 'databases/warehouse.yaml',
    line: 7,
    col: 17,
    rule: 'inline-secret',
    path: 'extra.engine_params.connect_args.password',
    message: /move it to `masked_encrypted_extra`/,
  },
  ...EXTRA_KEYS.map((key): Case => ({
    name: `extra.engine_params.connect_args.${key}, literal`,
    files: {
      'databases/warehouse.yaml': db(
        `sqlalchemy_uri: postgresql://reader@db/sales\nextra:\n  engine_params:\n    connect_args:\n      ${key}: some-literal-value\n`,
      ),
    },
    file: 'databases/warehouse.yaml',
    line: 7,
    col: 9 + key.length,
    rule: 'inline-secret',
    path: `extra.engine_params.connect_args.${key}`,
    message: new RegExp(`\`${key}\` under \`extra\` is a credential`),
  })),
  {
    name: 'a secret key at the top of extra (a whole object, BigQuery style)',
    files: {
      'databases/warehouse.yaml': db(
        'sqlalchemy_uri: bigquery://project\nextra:\n  credentials_info:\n    type: service_account\n    private_key: abc\n',
      ),
    },
    file: 'databases/warehouse.yaml',
    line: 6,
    col: 5,
    rule: 'inline-secret',
    path: 'extra.credentials_info',
    message: /`credentials_info` under `extra` is a credential/,
  },
  {
    name: '${env.*} under extra (its value would be stored in clear text)',
    files: {
      'databases/warehouse.yaml': db(
        'sqlalchemy_uri: postgresql://reader@db/sales\nextra:\n  engine_params:\n    connect_args:\n      sslkey: ${env.SSL_KEY}\n',
      ),
    },
    file: 'databases/warehouse.yaml',
    line: 7,
    col: 15,
    rule: 'env-outside-secret',
    path: 'extra.engine_params.connect_args.sslkey',
    message: /stored in Superset/,
  },
  {
    name: 'masked_encrypted_extra with a literal credential',
    files: {
      'databases/warehouse.yaml': db(
        'sqlalchemy_uri: bigquery://project\nmasked_encrypted_extra:\n  credentials_info:\n    private_key: -----BEGIN-----\n',
      ),
    },
    file: 'databases/warehouse.yaml',
    line: 6,
    col: 18,
    rule: 'inline-secret',
    path: 'masked_encrypted_extra.credentials_info.private_key',
    message: /write a reference to an environment variable, like `\$\{env\.WAREHOUSE_CREDENTIALS_INFO\}`/,
  },
  {
    name: 'masked_encrypted_extra with an OAuth2 client secret written in',
    files: {
      'databases/warehouse.yaml': db(
        'sqlalchemy_uri: gsheets://\nmasked_encrypted_extra:\n  oauth2_client_info:\n    id: my-client\n    secret: s3cr3t-value\n',
      ),
    },
    file: 'databases/warehouse.yaml',
    line: 7,
    col: 13,
    rule: 'inline-secret',
    path: 'masked_encrypted_extra.oauth2_client_info.secret',
    message: /`secret` is a credential/,
  },
  {
    name: 'masked_encrypted_extra as a literal string',
    files: {
      'databases/warehouse.yaml': db(
        'sqlalchemy_uri: bigquery://project\nmasked_encrypted_extra: \'{"credentials_info": {}}\'\n',
      ),
    },
    file: 'databases/warehouse.yaml',
    line: 4,
    col: 25,
    rule: 'wrong-type',
    path: 'masked_encrypted_extra',
    message: /masked_encrypted_extra/,
  },
  ...(['password', 'private_key', 'private_key_password'] as const).map((field): Case => ({
    name: `ssh_tunnel.${field}, literal`,
    files: {
      'databases/warehouse.yaml': db(
        `sqlalchemy_uri: postgresql://reader@db/sales\nssh_tunnel:\n  server_address: bastion\n  server_port: 22\n  username: tunnel\n  ${field}: literal-value\n`,
      ),
    },
    file: 'databases/warehouse.yaml',
    line: 8,
    col: 5 + field.length,
    rule: 'inline-secret',
    path: `ssh_tunnel.${field}`,
    message: /must not hold a secret: write a reference to an environment variable/,
  })),
  {
    name: 'database password, literal',
    files: {
      'databases/warehouse.yaml': db('sqlalchemy_uri: postgresql://reader@db/sales\npassword: hunter22\n'),
    },
    file: 'databases/warehouse.yaml',
    line: 4,
    col: 11,
    rule: 'inline-secret',
    path: 'password',
    message: /must not hold a secret/,
  },
];

describe('validate: every secret path is refused with file:line:col', () => {
  it.each(CASES)('$name', async (c) => {
    const { problems } = validateWith(c.files);
    const match = problems.find((p) => p.rule === c.rule && p.file === c.file && p.path === c.path);
    expect(match, JSON.stringify(problems, null, 2)).toBeDefined();
    expect({ line: match?.line, col: match?.col }).toEqual({ line: c.line, col: c.col });
    expect(match?.message).toMatch(c.message);
    // The CLI: exit 1, the place printed.
    const out = recorder();
    expect(await main(['validate', writeTree({ ...BASE_TREE, ...c.files })], out)).toBe(1);
    // Text output groups problems under their file, each line starting with line:col.
    expect(out.out).toContain(c.file);
    expect(out.out).toMatch(new RegExp(`^\\s+${c.line}:${c.col}\\s+error`, 'm'));
  });
});

describe('validate: the legitimate secret fields pass', () => {
  it.each([
    ['password from the environment', 'password: ${env.WAREHOUSE_PASSWORD}\n'],
    [
      'encrypted extra whose credentials are references',
      'masked_encrypted_extra:\n  auth_method: keypair\n  auth_params:\n    privatekey_body: ${env.SF_KEY}\n    privatekey_pass: ${env.SF_KEY_PASS}\n',
    ],
    ['encrypted extra from one variable', 'masked_encrypted_extra: ${env.BQ_ENCRYPTED_EXTRA}\n'],
    [
      'an SSH tunnel with every secret from the environment',
      'ssh_tunnel:\n  server_address: bastion\n  server_port: 22\n  username: tunnel\n  password: ${env.SSH_PW}\n  private_key: ${env.SSH_KEY}\n  private_key_password: ${env.SSH_KEY_PW}\n',
    ],
    [
      'an extra with ordinary keys',
      'extra:\n  engine_params:\n    connect_args:\n      sslmode: require\n      token_url_path: /oauth\n  metadata_params: {}\n',
    ],
  ])('%s', (_name, body) => {
    const { problems } = validateWith({
      'databases/warehouse.yaml': db(`sqlalchemy_uri: postgresql://reader@db/sales\n${body}`),
    });
    expect(problems).toEqual([]);
  });

  it('the built-in ${var.zookeeper_connect} replaces ${env.*} in variables', () => {
    const { problems } = validateWith({
      'environments/local.yaml': envWith('  zk: ${var.zookeeper_connect}\n'),
    });
    expect(problems).toEqual([]);
  });
});

describe('what counts as a secret', () => {
  it.each([
    ['password', true],
    ['db_password', true],
    ['privatekey_pass', true],
    ['aws_secret_access_key', true],
    ['token_url', false],
    ['bypass', false],
    ['username', false],
    ['digest_env', false],
  ])('%s -> %s', (key, want) => expect(isSecretKey(key)).toBe(want));

  it('finds user-info and query secrets, and nothing in a plain URI', () => {
    expect(uriSecrets('postgresql://u@h/db?sslmode=require')).toEqual([]);
    expect(uriSecrets('postgresql://u:p@h/db').map((s) => s.where)).toEqual(['userinfo']);
    expect(uriSecrets('snowflake://u@acct/db?private_key_passphrase=x').map((s) => s.param)).toEqual([
      'private_key_passphrase',
    ]);
  });
});
