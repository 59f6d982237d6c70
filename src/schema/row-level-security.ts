import { Type, type Static } from '@sinclair/typebox';
import { kindField, namedObjectFields } from './common.js';

export const RowLevelSecuritySchema = Type.Object(
  {
    kind: kindField('row_level_security'),
    ...namedObjectFields('row-level security rule', 'name'),
    filter_type: Type.Union([Type.Literal('Regular'), Type.Literal('Base')], {
      description:
        '`Regular`: the clause is added to queries of users in `roles`. `Base`: it is added for everyone except users in `roles`.',
    }),
    tables: Type.Array(Type.String({ minLength: 1, description: 'A dataset name.' }), {
      minItems: 1,
      uniqueItems: true,
      description: 'Names of the datasets the rule filters. Order does not matter.',
    }),
    roles: Type.Array(Type.String({ minLength: 1, description: 'A Superset role name.' }), {
      uniqueItems: true,
      description:
        'Role names: those the rule applies to (`Regular`) or exempts (`Base`). A role Superset does not have is a plan error. Order does not matter.',
    }),
    clause: Type.String({
      minLength: 1,
      description: "The SQL condition added to the query's WHERE, e.g. `region = 'EMEA'`.",
    }),
    group_key: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Rules with the same group key are combined with OR, the groups with AND. Leave out to AND the rule with all others.',
      }),
    ),
    description: Type.Optional(Type.String({ description: 'What the rule is for.' })),
  },
  { additionalProperties: false, description: 'A row-level security filter on datasets, by role.' },
);

export type RowLevelSecuritySpec = Static<typeof RowLevelSecuritySchema>;
