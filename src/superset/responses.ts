// Schemas of the Superset responses the client relies on. Only the members it reads are checked;
// everything else passes through untouched. A mismatch is a clear bad-response error instead of
// an `undefined` deep in the planner.

import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Obj = Type.Record(Type.String(), Type.Unknown());

export const LoginResponse = Type.Object({
  access_token: Type.String({ minLength: 1 }),
  refresh_token: Type.Optional(Type.String()),
});
export const RefreshResponse = Type.Object({ access_token: Type.String({ minLength: 1 }) });
export const CsrfResponse = Type.Object({ result: Type.String({ minLength: 1 }) });

export const ListRow = Type.Object({ id: Type.Integer() }, { additionalProperties: true });
export const ListResponse = Type.Object({ count: Type.Integer({ minimum: 0 }), result: Type.Array(ListRow) });

export const ResultResponse = Type.Object({ result: Obj });
export const CreateResponse = Type.Object({ id: Type.Integer(), result: Obj });

export const ChartDataResponse = Type.Object({
  result: Type.Array(
    Type.Object({
      rowcount: Type.Integer(),
      colnames: Type.Array(Type.String()),
      data: Type.Array(Obj),
    }),
  ),
});

/** GET /api/v1/database/<id>/tables/: tables and views of one schema. */
export const TablesResponse = Type.Object({
  result: Type.Array(Type.Object({ value: Type.String() }, { additionalProperties: true })),
});

export type ListResponse = Static<typeof ListResponse>;

/** GET /api/v1/security/roles/<id>/permissions/: the role's permissions on resources, by name. */
export const RolePermissions = Type.Object({
  result: Type.Array(
    Type.Object(
      { id: Type.Integer(), permission_name: Type.String(), view_menu_name: Type.String() },
      { additionalProperties: true },
    ),
  ),
});

/** A page of a list outside the four kinds (security users and roles, tags) with the columns asked for. */
export const RowsPage = Type.Object({
  count: Type.Integer({ minimum: 0 }),
  result: Type.Array(
    Type.Object(
      { id: Type.Integer(), username: Type.Optional(Type.String()), name: Type.Optional(Type.String()) },
      { additionalProperties: true },
    ),
  ),
});

/** null when `value` fits `schema`, else "at /path: message" for the first problem. */
export function firstMismatch(schema: TSchema, value: unknown): string | null {
  if (Value.Check(schema, value)) return null;
  const first = Value.Errors(schema, value).First();
  return first === undefined ? 'does not match' : `at ${first.path || '/'}: ${first.message}`;
}
