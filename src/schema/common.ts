import { Type } from '@sinclair/typebox';

/** `${env.NAME}` or `${env.NAME:-default}`: a value read from the process environment at apply time. */
export const ENV_REF_PATTERN = '^\\$\\{env\\.[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}$';

/** Fields every object kind shares; `kind` is added per kind as a literal. */
export function objectFields(kindLabel: string) {
  return {
    name: Type.String({
      minLength: 1,
      maxLength: 250,
      description: `Name of the ${kindLabel}, unique among ${kindLabel}s. Other objects refer to it by this name.`,
    }),
    uuid: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'Stable identity in Superset. Omit it to derive one from kind and name (the same in every environment).',
      }),
    ),
    protected: Type.Optional(
      Type.Boolean({ description: 'When true, `apply --prune` never deletes this object from Superset.' }),
    ),
  };
}

/**
 * Fields of a kind Superset keeps no uuid for (CSS templates, saved queries, row-level security rules):
 * its name is its identity, in YAML and in Superset, so there is no `uuid:`. Renaming one replaces it.
 */
export function namedObjectFields(kindLabel: string, supersetField: string) {
  return {
    name: Type.String({
      minLength: 1,
      maxLength: 250,
      description: `Name of the ${kindLabel} (Superset's \`${supersetField}\`), unique among ${kindLabel}s. Superset keeps no uuid for a ${kindLabel}, so the name is its identity: renaming one deletes the old and creates the new.`,
    }),
    protected: objectFields(kindLabel).protected,
  };
}

export function kindField(kind: string) {
  return Type.Literal(kind, { description: `Object kind; this file describes a ${kind}.` });
}

export const JsonObject = (description: string) =>
  Type.Record(Type.String(), Type.Unknown(), { description });

export const CacheTimeout = Type.Optional(
  Type.Union([Type.Integer({ minimum: -1 }), Type.Null()], {
    description: 'Seconds a query result stays cached; null uses the default, -1 disables caching.',
  }),
);

/**
 * `owners`: usernames. Absent: Superset's owners are left as they are (not compared). Present: the
 * owners are exactly these (order does not matter); an empty list makes an object without owners.
 */
export function ownersField(kindLabel: string) {
  return Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 100, description: 'A Superset username.' }), {
      uniqueItems: true,
      description: `Usernames of the ${kindLabel}'s owners, who may edit it in Superset. Leave out to keep the owners Superset has; a username Superset does not know is a plan error. Order does not matter.`,
    }),
  );
}

/**
 * `tags`: Superset's custom tags by name. Absent: not compared, not written. Present: exactly these
 * (order does not matter); a tag Superset does not have yet is created by apply.
 */
export function tagsField(kindLabel: string) {
  return Type.Optional(
    Type.Array(
      Type.String({
        minLength: 1,
        maxLength: 250,
        pattern: '^[^:]*$',
        description: 'A tag name (no `:`, which Superset keeps for its own owner: and type: tags).',
      }),
      {
        uniqueItems: true,
        description: `Custom tags on the ${kindLabel} (Superset's tags, shown and searched by in its lists). Leave out to keep the tags Superset has; a tag Superset does not have yet is created on apply. Order does not matter.`,
      },
    ),
  );
}
