import { Type, type Static } from '@sinclair/typebox';
import { kindField, namedObjectFields } from './common.js';

export const RoleSchema = Type.Object(
  {
    kind: kindField('role'),
    ...namedObjectFields('role', 'name'),
    permissions: Type.Array(
      Type.String({
        pattern: '^\\S.* on \\S.*$',
        description:
          "A permission on a resource as Superset names them, `<permission> on <resource>`, e.g. `can_read on Dashboard`, `menu_access on SQL Lab`, `datasource_access on [warehouse].[orders](id:12)` (the id is the dataset's in that Superset).",
      }),
      {
        uniqueItems: true,
        description:
          'Everything the role may do, exactly: a permission Superset does not have is a plan error. Order does not matter.',
      },
    ),
  },
  {
    additionalProperties: false,
    description:
      "A Superset role and its permissions (through Superset's security API, FAB_ADD_SECURITY_API). Dashboards' `roles` and RLS rules may name it.",
  },
);

export type RoleSpec = Static<typeof RoleSchema>;
