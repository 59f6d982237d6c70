import { describe, expect, it } from 'vitest';
import { BASE_TREE, validateWith } from '../../helpers/tree.js';

interface Case {
  name: string;
  files: Record<string, string | Uint8Array | null>;
  expect: { file: string; line: number; col: number; rule: string; message: RegExp; path?: string };
}

const chart = (body: string) => `kind: chart\nname: Revenue\ndataset: orders\nviz_type: pie\n${body}`;
const RECIPIENTS = 'recipients:\n  - type: Email\n    target: sales@example.com\n';
const report = (body: string) =>
  `kind: report\nname: weekly\ntype: Report\ndescription: Weekly\ncrontab: '0 9 * * 1'\nchart: Revenue\n${body}`;
const rls = (body: string) => `kind: row_level_security\nname: north\n${body}`;
const dash = (layout: string, extra = '') =>
  `kind: dashboard\nname: sales\ntitle: Sales\nlayout:\n${layout}${extra}`;

const CASES: Case[] = [
  {
    name: 'YAML syntax error (bad indentation)',
    files: { 'charts/revenue.yaml': 'kind: chart\nname: Revenue\n  dataset: orders\n' },
    expect: {
      file: 'charts/revenue.yaml',
      line: 2,
      col: 7,
      rule: 'yaml-syntax',
      message: /YAML syntax error/,
    },
  },
  {
    name: 'unclosed quote',
    files: { 'charts/revenue.yaml': 'kind: chart\nname: "Revenue\n' },
    expect: {
      file: 'charts/revenue.yaml',
      line: 3,
      col: 1,
      rule: 'yaml-syntax',
      message: /Missing closing "quote/,
    },
  },
  {
    name: 'duplicate key',
    files: { 'charts/revenue.yaml': chart('viz_type: bar\n') },
    expect: { file: 'charts/revenue.yaml', line: 5, col: 1, rule: 'yaml-syntax', message: /unique/ },
  },
  {
    name: 'empty file',
    files: { 'charts/empty.yaml': '' },
    expect: { file: 'charts/empty.yaml', line: 1, col: 1, rule: 'empty-file', message: /empty/ },
  },
  {
    name: 'only comments',
    files: { 'charts/empty.yaml': '# nothing here\n# still nothing\n' },
    expect: { file: 'charts/empty.yaml', line: 1, col: 1, rule: 'empty-file', message: /empty/ },
  },
  {
    name: 'not UTF-8',
    files: { 'charts/latin1.yaml': new Uint8Array([...Buffer.from('kind: chart\nname: Caf'), 0xe9, 0x0a]) },
    expect: { file: 'charts/latin1.yaml', line: 2, col: 10, rule: 'encoding', message: /UTF-8/ },
  },
  {
    name: 'two documents in one file',
    files: { 'charts/two.yaml': chart('') + '---\nkind: chart\nname: Other\n' },
    expect: {
      file: 'charts/two.yaml',
      line: 5,
      col: 1,
      rule: 'multiple-documents',
      message: /One object per file/,
    },
  },
  {
    name: 'a list instead of a mapping',
    files: { 'charts/list.yaml': '- kind: chart\n' },
    expect: { file: 'charts/list.yaml', line: 1, col: 1, rule: 'not-a-mapping', message: /mapping/ },
  },
  {
    name: 'a bare scalar',
    files: { 'charts/scalar.yaml': 'just text\n' },
    expect: { file: 'charts/scalar.yaml', line: 1, col: 1, rule: 'not-a-mapping', message: /mapping/ },
  },
  {
    name: 'missing kind',
    files: { 'charts/nokind.yaml': 'name: Revenue\n' },
    expect: { file: 'charts/nokind.yaml', line: 1, col: 1, rule: 'missing-kind', message: /no `kind:`/ },
  },
  {
    name: 'unknown kind',
    files: { 'charts/odd.yaml': 'name: x\nkind: annotation_layer\n' },
    expect: {
      file: 'charts/odd.yaml',
      line: 2,
      col: 7,
      rule: 'unknown-kind',
      message: /Unknown kind "annotation_layer"/,
    },
  },
  {
    name: 'missing required field',
    files: { 'charts/revenue.yaml': 'kind: chart\nname: Revenue\nviz_type: pie\n' },
    expect: {
      file: 'charts/revenue.yaml',
      line: 1,
      col: 1,
      rule: 'missing-field',
      message: /Missing required field `dataset`/,
    },
  },
  {
    name: 'missing nested required field',
    files: {
      'datasets/warehouse/orders.yaml':
        'kind: dataset\nname: orders\ndatabase: warehouse\nmetrics:\n  - name: revenue\n',
    },
    expect: {
      file: 'datasets/warehouse/orders.yaml',
      line: 5,
      col: 5,
      rule: 'missing-field',
      message: /`expression` in `metrics.0`/,
    },
  },
  {
    name: 'unknown field with a suggestion',
    files: {
      'charts/revenue.yaml': 'kind: chart\nname: Revenue\ndataset: orders\nviz_type: pie\nvizz_typ: bar\n',
    },
    expect: {
      file: 'charts/revenue.yaml',
      line: 5,
      col: 1,
      rule: 'unknown-field',
      message: /did you mean `viz_type`/,
    },
  },
  {
    name: 'unknown nested field',
    files: {
      'datasets/warehouse/orders.yaml':
        'kind: dataset\nname: orders\ndatabase: warehouse\ncolumns:\n  - name: a\n    colour: red\n',
    },
    expect: {
      file: 'datasets/warehouse/orders.yaml',
      line: 6,
      col: 5,
      rule: 'unknown-field',
      message: /Unknown field `colour`/,
      path: 'columns[0].colour',
    },
  },
  {
    name: 'wrong type: string for boolean',
    files: { 'databases/warehouse.yaml': BASE_TREE['databases/warehouse.yaml'] + 'allow_dml: "no"\n' },
    expect: {
      file: 'databases/warehouse.yaml',
      line: 5,
      col: 12,
      rule: 'wrong-type',
      message: /should be true or false/,
    },
  },
  {
    name: 'wrong type: params as a string',
    files: { 'charts/revenue.yaml': chart('params: "{\\"metric\\": 1}"\n') },
    expect: {
      file: 'charts/revenue.yaml',
      line: 5,
      col: 9,
      rule: 'wrong-type',
      message: /should be a mapping/,
    },
  },
  {
    name: 'wrong type in a union',
    files: { 'charts/revenue.yaml': chart('cache_timeout: soon\n') },
    expect: {
      file: 'charts/revenue.yaml',
      line: 5,
      col: 16,
      rule: 'wrong-type',
      message: /whole number or null/,
    },
  },
  {
    name: 'empty name',
    files: { 'charts/revenue.yaml': 'kind: chart\nname: ""\ndataset: orders\nviz_type: pie\n' },
    expect: {
      file: 'charts/revenue.yaml',
      line: 2,
      col: 7,
      rule: 'wrong-value',
      message: /must not be empty/,
    },
  },
  {
    name: 'invalid uuid',
    files: { 'charts/revenue.yaml': chart('uuid: 1234\n') },
    expect: { file: 'charts/revenue.yaml', line: 5, col: 7, rule: 'wrong-type', message: /should be text/ },
  },
  {
    name: 'malformed uuid string',
    files: { 'charts/revenue.yaml': chart('uuid: not-a-uuid\n') },
    expect: {
      file: 'charts/revenue.yaml',
      line: 5,
      col: 7,
      rule: 'wrong-format',
      message: /not a valid uuid/,
    },
  },
  {
    name: 'bad slug',
    files: {
      'dashboards/sales.yaml': 'kind: dashboard\nname: sales\ntitle: Sales\nslug: sales/2025!\nlayout: []\n',
    },
    expect: {
      file: 'dashboards/sales.yaml',
      line: 4,
      col: 7,
      rule: 'wrong-format',
      message: /letters, digits/,
    },
  },
  {
    name: 'width beyond the grid',
    files: { 'dashboards/sales.yaml': dash('  - chart: Revenue\n    width: 13\n') },
    expect: { file: 'dashboards/sales.yaml', line: 6, col: 12, rule: 'wrong-value', message: /at most 12/ },
  },
  {
    name: 'inline password in a secret field',
    files: {
      'databases/warehouse.yaml':
        'kind: database\nname: warehouse\nsqlalchemy_uri: postgresql://reader@db/sales\npassword: hunter2hunter2\n',
    },
    expect: {
      file: 'databases/warehouse.yaml',
      line: 4,
      col: 11,
      rule: 'inline-secret',
      message: /must not hold a secret/,
    },
  },
  {
    name: 'password inside the URI',
    files: {
      'databases/warehouse.yaml':
        'kind: database\nname: warehouse\nsqlalchemy_uri: postgresql://reader:s3cret@db/sales\n',
    },
    expect: {
      file: 'databases/warehouse.yaml',
      line: 3,
      col: 17,
      rule: 'inline-secret',
      message: /password in clear text/,
    },
  },
  {
    name: 'masked password from an export',
    files: {
      'databases/warehouse.yaml':
        'kind: database\nname: warehouse\nsqlalchemy_uri: postgresql://reader:XXXXXXXXXX@db/sales\n',
    },
    expect: {
      file: 'databases/warehouse.yaml',
      line: 3,
      col: 17,
      rule: 'inline-secret',
      message: /masked password/,
    },
  },
  {
    name: 'env reference outside a secret field',
    files: { 'charts/revenue.yaml': chart('description: made by ${env.USER}\n') },
    expect: {
      file: 'charts/revenue.yaml',
      line: 5,
      col: 14,
      rule: 'env-outside-secret',
      message: /stored in Superset/,
    },
  },
  {
    name: 'undefined variable',
    files: {
      'databases/warehouse.yaml':
        'kind: database\nname: warehouse\nsqlalchemy_uri: postgresql://reader@${var.hots}/sales\n',
    },
    expect: {
      file: 'databases/warehouse.yaml',
      line: 3,
      col: 17,
      rule: 'undefined-variable',
      message: /`hots` is not defined in environment local/,
    },
  },
  {
    name: 'unknown template namespace',
    files: { 'charts/revenue.yaml': chart('description: ${secret.x}\n') },
    expect: {
      file: 'charts/revenue.yaml',
      line: 5,
      col: 14,
      rule: 'bad-template',
      message: /not a reference/,
    },
  },
  {
    name: 'unknown template namespace in a list item',
    files: { 'charts/revenue.yaml': chart('params:\n  groupby:\n    - region\n    - ${secret.x}\n') },
    expect: {
      file: 'charts/revenue.yaml',
      line: 8,
      col: 7,
      rule: 'bad-template',
      message: /not a reference/,
      path: 'params.groupby[1]',
    },
  },
  {
    name: 'unknown template namespace in a key after a list',
    files: { 'charts/revenue.yaml': chart('params:\n  groupby:\n    - region\n  label: ${secret.x}\n') },
    expect: {
      file: 'charts/revenue.yaml',
      line: 8,
      col: 10,
      rule: 'bad-template',
      message: /not a reference/,
      path: 'params.label',
    },
  },
  {
    name: 'dangling dataset reference from a chart',
    files: { 'charts/revenue.yaml': 'kind: chart\nname: Revenue\ndataset: order\nviz_type: pie\n' },
    expect: {
      file: 'charts/revenue.yaml',
      line: 3,
      col: 10,
      rule: 'dangling-reference',
      message: /No dataset is named "order"; did you mean "orders"/,
    },
  },
  {
    name: 'dangling database reference from a dataset',
    files: { 'datasets/warehouse/orders.yaml': 'kind: dataset\nname: orders\ndatabase: lake\n' },
    expect: {
      file: 'datasets/warehouse/orders.yaml',
      line: 3,
      col: 11,
      rule: 'dangling-reference',
      message: /No database is named "lake"/,
    },
  },
  {
    name: 'dangling chart in a layout',
    files: { 'dashboards/sales.yaml': dash('  - row:\n      - chart: Profit\n') },
    expect: {
      file: 'dashboards/sales.yaml',
      line: 6,
      col: 16,
      rule: 'dangling-reference',
      message: /No chart is named "Profit"/,
      path: 'layout[0].row[0].chart',
    },
  },
  {
    name: 'dangling dataset in a filter',
    files: {
      'dashboards/sales.yaml': dash(
        '  - chart: Revenue\n',
        'native_filters:\n  - name: R\n    type: filter_select\n    targets:\n      - dataset: nope\n        column: region\n',
      ),
    },
    expect: {
      file: 'dashboards/sales.yaml',
      line: 10,
      col: 18,
      rule: 'dangling-reference',
      message: /No dataset is named "nope"/,
    },
  },
  {
    name: 'duplicate name',
    files: { 'charts/revenue-copy.yaml': BASE_TREE['charts/revenue.yaml'] as string },
    expect: {
      file: 'charts/revenue.yaml',
      line: 2,
      col: 7,
      rule: 'duplicate-name',
      message: /already named "Revenue"/,
    },
  },
  {
    name: 'duplicate uuid across kinds',
    files: {
      'charts/revenue.yaml': chart('uuid: 0b6e2c9a-1c7e-4d3a-8f00-aaaaaaaaaaaa\n'),
      'dashboards/sales.yaml': dash('  - chart: Revenue\n', 'uuid: 0b6e2c9a-1c7e-4d3a-8f00-aaaaaaaaaaaa\n'),
    },
    expect: {
      file: 'dashboards/sales.yaml',
      line: 6,
      col: 7,
      rule: 'duplicate-uuid',
      message: /already used by chart "Revenue"/,
    },
  },
  {
    name: 'duplicate slug',
    files: {
      'dashboards/other.yaml': 'kind: dashboard\nname: other\ntitle: Other\nslug: sales\nlayout: []\n',
    },
    expect: {
      file: 'dashboards/sales.yaml',
      line: 4,
      col: 7,
      rule: 'duplicate-slug',
      message: /already used by dashboard "other"/,
    },
  },
  {
    name: 'chart placed twice',
    files: {
      'dashboards/sales.yaml': dash('  - row:\n      - chart: Revenue\n  - row:\n      - chart: Revenue\n'),
    },
    expect: {
      file: 'dashboards/sales.yaml',
      line: 8,
      col: 16,
      rule: 'chart-placed-twice',
      message: /already placed at layout\[0\]\.row\[0\]/,
    },
  },
  {
    name: 'layout item that is two things',
    files: { 'dashboards/sales.yaml': dash('  - chart: Revenue\n    markdown: hi\n') },
    expect: {
      file: 'dashboards/sales.yaml',
      line: 5,
      col: 5,
      rule: 'layout-item-shape',
      message: /several things at once/,
    },
  },
  {
    name: 'layout item that is nothing',
    files: { 'dashboards/sales.yaml': dash('  - width: 4\n') },
    expect: {
      file: 'dashboards/sales.yaml',
      line: 5,
      col: 5,
      rule: 'layout-item-shape',
      message: /says nothing it is/,
    },
  },
  {
    name: 'option that does not fit the node',
    files: { 'dashboards/sales.yaml': dash('  - header: Hi\n    width: 4\n') },
    expect: {
      file: 'dashboards/sales.yaml',
      line: 6,
      col: 5,
      rule: 'layout-item-shape',
      message: /`width` has no meaning on a header/,
    },
  },
  {
    name: 'row wider than the grid',
    files: {
      'dashboards/sales.yaml': dash(
        '  - row:\n      - chart: Revenue\n        width: 8\n      - markdown: note\n        width: 6\n',
      ),
    },
    expect: {
      file: 'dashboards/sales.yaml',
      line: 6,
      col: 7,
      rule: 'row-too-wide',
      message: /14 columns wide/,
    },
  },
  {
    name: 'duplicate column',
    files: {
      'datasets/warehouse/orders.yaml':
        'kind: dataset\nname: orders\ndatabase: warehouse\ncolumns:\n  - name: region\n  - name: region\n',
    },
    expect: {
      file: 'datasets/warehouse/orders.yaml',
      line: 6,
      col: 11,
      rule: 'duplicate-name',
      message: /column of this dataset is named "region"/,
    },
  },
  {
    name: 'main time column not among columns',
    files: {
      'datasets/warehouse/orders.yaml':
        'kind: dataset\nname: orders\ndatabase: warehouse\nmain_dttm_col: created\ncolumns:\n  - name: region\n',
    },
    expect: {
      file: 'datasets/warehouse/orders.yaml',
      line: 4,
      col: 16,
      rule: 'unknown-column',
      message: /"created" is not among/,
    },
  },
  {
    name: 'filter on a column the dataset lacks',
    files: {
      'dashboards/sales.yaml': dash(
        '  - chart: Revenue\n',
        'native_filters:\n  - name: R\n    type: filter_select\n    targets:\n      - dataset: orders\n        column: country\n',
      ),
    },
    expect: {
      file: 'dashboards/sales.yaml',
      line: 11,
      col: 17,
      rule: 'unknown-column',
      message: /no column "country"/,
    },
  },
  {
    name: 'filter scoped to a chart not on the dashboard',
    files: {
      'charts/other.yaml': 'kind: chart\nname: Other\ndataset: orders\nviz_type: table\n',
      'dashboards/sales.yaml': dash(
        '  - chart: Revenue\n',
        'native_filters:\n  - name: R\n    type: filter_time\n    charts: [Other]\n',
      ),
    },
    expect: {
      file: 'dashboards/sales.yaml',
      line: 9,
      col: 14,
      rule: 'filter-scope',
      message: /does not place/,
    },
  },
  {
    name: 'environment password written inline',
    files: {
      'environments/local.yaml': (BASE_TREE['environments/local.yaml'] as string).replace(
        '${env.SUPERSET_PASSWORD:-admin}',
        'admin',
      ),
    },
    expect: {
      file: 'environments/local.yaml',
      line: 6,
      col: 13,
      rule: 'inline-secret',
      message: /must not hold a secret/,
    },
  },
  {
    name: 'environment root not a znode path',
    files: {
      'environments/local.yaml': (BASE_TREE['environments/local.yaml'] as string).replace(
        '/superset-gitops/local',
        'superset',
      ),
    },
    expect: {
      file: 'environments/local.yaml',
      line: 9,
      col: 9,
      rule: 'wrong-format',
      message: /absolute znode path/,
    },
  },
  {
    name: 'RLS rule naming a dataset that does not exist',
    files: {
      'row-level-security/north.yaml': rls(
        'filter_type: Regular\ntables: [order]\nroles: [Gamma]\nclause: "x = 1"\n',
      ),
    },
    expect: {
      file: 'row-level-security/north.yaml',
      line: 4,
      col: 10,
      rule: 'dangling-reference',
      message: /No dataset is named "order"; did you mean "orders"\?/,
      path: 'tables[0]',
    },
  },
  {
    name: 'RLS filter type other than Regular or Base',
    files: {
      'row-level-security/north.yaml': rls(
        'filter_type: Everyone\ntables: [orders]\nroles: []\nclause: "x = 1"\n',
      ),
    },
    expect: {
      file: 'row-level-security/north.yaml',
      line: 3,
      col: 14,
      rule: 'wrong-type',
      message: /`filter_type` should be "Regular" or "Base", not the text "Everyone"/,
    },
  },
  {
    name: 'RLS rule on no dataset',
    files: {
      'row-level-security/north.yaml': rls('filter_type: Base\ntables: []\nroles: []\nclause: "x = 1"\n'),
    },
    expect: {
      file: 'row-level-security/north.yaml',
      line: 4,
      col: 9,
      rule: 'schema',
      message: /`tables` must NOT have fewer than 1 items/,
    },
  },
  {
    name: 'a uuid on a CSS template (its name is its identity)',
    files: {
      'css-templates/brand.yaml':
        'kind: css_template\nname: brand\nuuid: 5d7c4f0e-2b1a-4c3e-9f6d-8a1b2c3d4e5f\ncss: ".a {}"\n',
    },
    expect: {
      file: 'css-templates/brand.yaml',
      line: 3,
      col: 1,
      rule: 'unknown-field',
      message: /Unknown field `uuid`; allowed: kind, name, protected, css/,
    },
  },
  {
    name: 'saved query on a database that does not exist',
    files: { 'saved-queries/q.yaml': 'kind: saved_query\nname: q\ndatabase: warehous\nsql: SELECT 1\n' },
    expect: {
      file: 'saved-queries/q.yaml',
      line: 3,
      col: 11,
      rule: 'dangling-reference',
      message: /No database is named "warehous"; did you mean "warehouse"\?/,
    },
  },
  {
    name: 'saved query without SQL',
    files: { 'saved-queries/q.yaml': 'kind: saved_query\nname: q\ndatabase: warehouse\n' },
    expect: {
      file: 'saved-queries/q.yaml',
      line: 1,
      col: 1,
      rule: 'missing-field',
      message: /Missing required field `sql`/,
    },
  },
  {
    name: 'theme algorithm Superset does not have',
    files: {
      'themes/brand.yaml':
        'kind: theme\nname: brand\nconfig:\n  token:\n    colorPrimary: "#0b3d91"\n  algorithm: darkk\n',
    },
    expect: {
      file: 'themes/brand.yaml',
      line: 6,
      col: 14,
      rule: 'wrong-type',
      message:
        /`algorithm` should be "default" or "dark" or "compact" or "system" or a list, not the text "darkk"/,
    },
  },
  {
    name: 'theme font URL over http (Superset takes https only)',
    files: {
      'themes/brand.yaml':
        'kind: theme\nname: brand\nconfig:\n  token:\n    fontUrls:\n      - http://fonts.example.com/a.css\n',
    },
    expect: {
      file: 'themes/brand.yaml',
      line: 6,
      col: 9,
      rule: 'wrong-format',
      message: /`fontUrls\[0\]` must be an https address/,
    },
  },
  {
    name: 'dashboard theme the YAML does not have',
    files: {
      'themes/brand.yaml': 'kind: theme\nname: Brand\nconfig: {}\n',
      'dashboards/sales.yaml': 'kind: dashboard\nname: sales\ntitle: Sales\nlayout: []\ntheme: Brnad\n',
    },
    expect: {
      file: 'dashboards/sales.yaml',
      line: 5,
      col: 8,
      rule: 'dangling-reference',
      message: /No theme is named "Brnad"; did you mean "Brand"\?/,
    },
  },
  {
    name: 'theme without config',
    files: { 'themes/brand.yaml': 'kind: theme\nname: brand\n' },
    expect: {
      file: 'themes/brand.yaml',
      line: 1,
      col: 1,
      rule: 'missing-field',
      message: /Missing required field `config`/,
    },
  },
  {
    name: 'two themes with one name',
    files: {
      'themes/a.yaml': 'kind: theme\nname: brand\nconfig: {}\n',
      'themes/b.yaml': 'kind: theme\nname: brand\nconfig: {algorithm: dark}\n',
    },
    expect: {
      file: 'themes/b.yaml',
      line: 2,
      col: 7,
      rule: 'duplicate-name',
      message: /Another theme is already named "brand" \(themes\/a.yaml\)/,
    },
  },
  {
    name: 'two CSS templates with one name',
    files: {
      'css-templates/a.yaml': 'kind: css_template\nname: brand\ncss: ".a {}"\n',
      'css-templates/b.yaml': 'kind: css_template\nname: brand\ncss: ".b {}"\n',
    },
    expect: {
      file: 'css-templates/b.yaml',
      line: 2,
      col: 7,
      rule: 'duplicate-name',
      message: /Another css_template is already named "brand" \(css-templates\/a.yaml\)/,
    },
  },
  {
    name: 'report recipient that is not an e-mail address',
    files: {
      'reports/weekly.yaml': report('recipients:\n  - type: Email\n    target: a@example.com; bob@example\n'),
    },
    expect: {
      file: 'reports/weekly.yaml',
      line: 9,
      col: 13,
      rule: 'recipient',
      message: /"bob@example" is not an e-mail address/,
      path: 'recipients[0].target',
    },
  },
  {
    name: 'report Slack target that is not a channel',
    files: { 'reports/weekly.yaml': report('recipients:\n  - type: Slack\n    target: "#Sales Team"\n') },
    expect: {
      file: 'reports/weekly.yaml',
      line: 9,
      col: 13,
      rule: 'recipient',
      message: /"#Sales Team" is not a Slack channel/,
    },
  },
  {
    name: 'report crontab that is not one',
    files: {
      'reports/weekly.yaml': report(RECIPIENTS).replace("crontab: '0 9 * * 1'", "crontab: '61 9 * * 1'"),
    },
    expect: {
      file: 'reports/weekly.yaml',
      line: 5,
      col: 10,
      rule: 'crontab',
      message: /`61 9 \* \* 1` is not a cron expression: Constraint error/,
    },
  },
  {
    name: 'report crontab with seconds (Superset takes five fields)',
    files: {
      'reports/weekly.yaml': report(RECIPIENTS).replace("crontab: '0 9 * * 1'", "crontab: '0 0 9 * * 1'"),
    },
    expect: { file: 'reports/weekly.yaml', line: 5, col: 10, rule: 'crontab', message: /not five fields/ },
  },
  {
    name: 'report time zone that does not exist',
    files: { 'reports/weekly.yaml': report(RECIPIENTS + 'timezone: Europe/Atlantis\n') },
    expect: {
      file: 'reports/weekly.yaml',
      line: 10,
      col: 11,
      rule: 'timezone',
      message: /Unknown time zone "Europe\/Atlantis"/,
    },
  },
  {
    name: 'report of both a chart and a dashboard',
    files: { 'reports/weekly.yaml': report(RECIPIENTS + 'dashboard: sales\n') },
    expect: {
      file: 'reports/weekly.yaml',
      line: 10,
      col: 12,
      rule: 'report-target',
      message: /either a chart or a dashboard, not both/,
    },
  },
  {
    name: 'report with an alert field',
    files: { 'reports/weekly.yaml': report(RECIPIENTS + 'sql: SELECT 1\n') },
    expect: {
      file: 'reports/weekly.yaml',
      line: 10,
      col: 6,
      rule: 'alert-fields',
      message: /`sql` is for alerts/,
    },
  },
  {
    name: 'alert without a validator',
    files: {
      'reports/weekly.yaml': report(RECIPIENTS + 'database: warehouse\nsql: SELECT 1\n').replace(
        'type: Report',
        'type: Alert',
      ),
    },
    expect: {
      file: 'reports/weekly.yaml',
      line: 1,
      col: 1,
      rule: 'alert-fields',
      message: /An alert needs `validator`/,
    },
  },
  {
    name: 'report of a chart that does not exist',
    files: { 'reports/weekly.yaml': report(RECIPIENTS).replace('chart: Revenue', 'chart: Revenu') },
    expect: {
      file: 'reports/weekly.yaml',
      line: 6,
      col: 8,
      rule: 'dangling-reference',
      message: /No chart is named "Revenu"; did you mean "Revenue"\?/,
    },
  },
  {
    name: 'alert validator operator that Superset does not know',
    files: {
      'reports/weekly.yaml': report(
        RECIPIENTS +
          "database: warehouse\nsql: SELECT 1\nvalidator:\n  type: operator\n  op: '=>'\n  threshold: 1\n",
      ).replace('type: Report', 'type: Alert'),
    },
    expect: {
      file: 'reports/weekly.yaml',
      line: 14,
      col: 7,
      rule: 'wrong-type',
      message: /`op` should be "<" or "<=" or ">" or ">=" or "==" or "!=", not the text "=>"/,
    },
  },
  {
    name: 'alert operator validator without a threshold',
    files: {
      'reports/weekly.yaml': report(
        RECIPIENTS + "database: warehouse\nsql: SELECT 1\nvalidator:\n  type: operator\n  op: '>'\n",
      ).replace('type: Report', 'type: Alert'),
    },
    expect: {
      file: 'reports/weekly.yaml',
      line: 13,
      col: 3,
      rule: 'alert-fields',
      message: /An `operator` validator needs `threshold`/,
    },
  },
];

describe('validator: a table of bad inputs', () => {
  it('the base tree is valid', () => {
    expect(validateWith({}).problems).toEqual([]);
  });

  it.each(CASES)('$name', ({ files, expect: want }) => {
    const { problems } = validateWith(files);
    const match = problems.find((p) => p.rule === want.rule && p.file === want.file);
    expect(match, JSON.stringify(problems, null, 2)).toBeDefined();
    expect({ line: match?.line, col: match?.col }).toEqual({ line: want.line, col: want.col });
    expect(match?.message).toMatch(want.message);
    if (want.path) expect(match?.path).toBe(want.path);
    expect(match?.severity).toBe('error');
  });

  it('reports every problem at once, not only the first', () => {
    const { problems } = validateWith({
      'charts/revenue.yaml': 'kind: chart\nname: Revenue\ndataset: nope\nviz_type: pie\nfoo: 1\n',
      'charts/empty.yaml': '',
      'dashboards/sales.yaml': dash('  - chart: Missing\n'),
    });
    expect(problems.map((p) => p.rule).sort()).toEqual(['dangling-reference', 'empty-file', 'unknown-field']);
    // `foo` is reported; the dangling dataset of the same (schema-invalid) file is left for the next run,
    // the dashboard's dangling chart is found.
    expect(problems.filter((p) => p.rule === 'dangling-reference')[0]?.file).toBe('dashboards/sales.yaml');
  });
});
