import { Type, type Static } from '@sinclair/typebox';
import { kindField, namedObjectFields } from './common.js';

const Recipient = Type.Object(
  {
    type: Type.Union([Type.Literal('Email'), Type.Literal('Slack'), Type.Literal('SlackV2')], {
      description:
        '`Email`, or `Slack` / `SlackV2` (Superset needs a Slack token in its config to send these).',
    }),
    target: Type.String({
      minLength: 1,
      description:
        'Email: addresses separated by `,` or `;`. Slack: channel names (`#sales` or `sales`) separated by `,`. SlackV2: channel ids or names. Addresses are not secrets.',
    }),
  },
  { additionalProperties: false, description: 'Where the report or alert is sent.' },
);

const Validator = Type.Object(
  {
    type: Type.Union([Type.Literal('not null'), Type.Literal('operator')], {
      description:
        '`not null`: fires when the SQL returns a value that is not null. `operator`: when the SQL value compared with `threshold` by `op` holds.',
    }),
    op: Type.Optional(
      Type.Union(
        ['<', '<=', '>', '>=', '==', '!='].map((op) => Type.Literal(op)),
        { description: '`operator` only: the comparison of the SQL value with the threshold.' },
      ),
    ),
    threshold: Type.Optional(
      Type.Number({ description: '`operator` only: the number the SQL value is compared with.' }),
    ),
  },
  { additionalProperties: false, description: "An alert's condition on the single value its SQL returns." },
);

export const ReportSchema = Type.Object(
  {
    kind: kindField('report'),
    ...namedObjectFields('report', 'name'),
    type: Type.Union([Type.Literal('Report'), Type.Literal('Alert')], {
      description:
        '`Report`: sent on the schedule. `Alert`: the SQL is run on the schedule and sent when `validator` holds.',
    }),
    description: Type.Optional(Type.String({ description: 'What the report or alert is for.' })),
    crontab: Type.String({
      minLength: 1,
      description:
        'When it runs, as a cron expression (minute hour day-of-month month day-of-week), e.g. `0 9 * * 1`.',
    }),
    timezone: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Time zone of the crontab (IANA name, e.g. `Europe/Berlin`); default UTC.',
      }),
    ),
    chart: Type.Optional(
      Type.String({ minLength: 1, description: 'Name of the chart sent (this or `dashboard`).' }),
    ),
    dashboard: Type.Optional(
      Type.String({ minLength: 1, description: 'Name of the dashboard sent (this or `chart`).' }),
    ),
    format: Type.Optional(
      Type.Union([Type.Literal('PNG'), Type.Literal('CSV'), Type.Literal('PDF'), Type.Literal('TEXT')], {
        description:
          "What is sent (Superset's report_format): PNG (default), PDF, or a chart's data as CSV or TEXT.",
      }),
    ),
    recipients: Type.Array(Recipient, { minItems: 1, description: 'Where it is sent.' }),
    active: Type.Optional(Type.Boolean({ description: 'Whether it runs; default true.' })),
    grace_period: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Alerts: seconds after firing before it may fire again; default 14400.',
      }),
    ),
    working_timeout: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Seconds a run may take before it is marked failed; default 3600.',
      }),
    ),
    log_retention: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Days the execution log is kept; default 90.' }),
    ),
    database: Type.Optional(
      Type.String({ minLength: 1, description: "Alerts: name of the database the alert's SQL runs on." }),
    ),
    sql: Type.Optional(Type.String({ minLength: 1, description: 'Alerts: SQL that returns one value.' })),
    validator: Type.Optional(Validator),
  },
  {
    additionalProperties: false,
    description:
      "A scheduled report or alert (Superset's Alerts & Reports, which needs its ALERT_REPORTS feature flag; Celery workers send them).",
  },
);

export type ReportSpec = Static<typeof ReportSchema>;
