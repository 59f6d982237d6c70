import { createRequire } from 'node:module';
import { problemFor } from '../../load/parse-file.js';
import type { Problem } from '../../model/problem.js';
import { ofKind, type RuleContext } from './context.js';

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
// Slack channel names: lower-case letters, digits, `-`, `_` and `.`, 80 at most; `#` in front optional.
const SLACK_CHANNEL = /^#?[a-z0-9._-]{1,80}$/;
// SlackV2 takes channel ids (C0123ABCD) as well as names.
const SLACK_V2_CHANNEL = /^#?[A-Za-z0-9._-]{1,80}$/;

/** The addresses of a target as Superset splits them (`,` and `;`), blanks left out. */
export function targetParts(target: string): string[] {
  return target
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

type CronParser = (typeof import('cron-parser'))['CronExpressionParser'];
let cronParser: CronParser | undefined;

/**
 * cron-parser, required the first time a report's crontab is checked. With luxon it is about 9,000
 * of the validation chunk's 17,600 lines; loaded with the rules, it cost every plan and apply, with
 * reports or none, its compile before the login could go out.
 */
function cron(): CronParser {
  cronParser ??= (createRequire(import.meta.url)('cron-parser') as typeof import('cron-parser'))
    .CronExpressionParser;
  return cronParser;
}

/** Whether an IANA time zone name is one this runtime (and so, in practice, pytz) knows. */
function knownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * A report sends one chart or one dashboard; an alert has a database, SQL and a validator, a report
 * none of them; the crontab and time zone are real; each recipient's target is e-mail addresses or
 * Slack channels by the recipient's type; CSV and TEXT are a chart's data, not a dashboard's.
 */
export function reports(ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  for (const r of ofKind(ctx, 'report')) {
    const say = (path: (string | number)[], rule: string, message: string) =>
      problems.push(problemFor(r.parsed, path, rule, message));
    const spec = r.spec;
    if ((spec.chart === undefined) === (spec.dashboard === undefined))
      say(
        spec.chart !== undefined ? ['dashboard'] : [],
        'report-target',
        spec.chart !== undefined
          ? 'A report sends either a chart or a dashboard, not both.'
          : 'A report needs `chart` or `dashboard`: what it sends.',
      );
    if (spec.dashboard !== undefined && (spec.format === 'CSV' || spec.format === 'TEXT'))
      say(
        ['format'],
        'report-format',
        `\`format: ${spec.format}\` sends a chart's data; a dashboard is sent as PNG or PDF.`,
      );
    const v = spec.validator;
    if (v?.type === 'operator')
      for (const field of ['op', 'threshold'] as const)
        if (v[field] === undefined)
          say(['validator'], 'alert-fields', `An \`operator\` validator needs \`${field}\`.`);
    if (v?.type === 'not null')
      for (const field of ['op', 'threshold'] as const)
        if (v[field] !== undefined)
          say(['validator', field], 'alert-fields', `A \`not null\` validator has no \`${field}\`.`);
    if (spec.type === 'Alert') {
      for (const field of ['database', 'sql', 'validator'] as const)
        if (spec[field] === undefined) say([], 'alert-fields', `An alert needs \`${field}\`.`);
    } else {
      for (const field of ['database', 'sql', 'validator'] as const)
        if (spec[field] !== undefined)
          say([field], 'alert-fields', `\`${field}\` is for alerts (\`type: Alert\`); a report has none.`);
    }
    try {
      cron().parse(spec.crontab);
      if (spec.crontab.trim().split(/\s+/).length !== 5)
        say(
          ['crontab'],
          'crontab',
          `\`${spec.crontab}\` is not five fields (minute hour day-of-month month day-of-week).`,
        );
    } catch (e) {
      say(['crontab'], 'crontab', `\`${spec.crontab}\` is not a cron expression: ${(e as Error).message}.`);
    }
    if (spec.timezone !== undefined && !knownTimeZone(spec.timezone))
      say(
        ['timezone'],
        'timezone',
        `Unknown time zone ${JSON.stringify(spec.timezone)}; use an IANA name such as "Europe/Berlin" or "UTC".`,
      );
    spec.recipients.forEach((recipient, i) => {
      const parts = targetParts(recipient.target);
      const check =
        recipient.type === 'Email' ? EMAIL : recipient.type === 'Slack' ? SLACK_CHANNEL : SLACK_V2_CHANNEL;
      const what = recipient.type === 'Email' ? 'an e-mail address' : 'a Slack channel';
      if (parts.length === 0)
        say(['recipients', i, 'target'], 'recipient', `The ${recipient.type} target is empty.`);
      for (const part of parts)
        if (!check.test(part))
          say(['recipients', i, 'target'], 'recipient', `${JSON.stringify(part)} is not ${what}.`);
    });
  }
  return problems;
}
