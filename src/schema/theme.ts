import { Type, type Static } from '@sinclair/typebox';
import { kindField, objectFields } from './common.js';

const MODES = ['default', 'dark', 'compact', 'system'].map((m) => Type.Literal(m));
const MODE = Type.Union(MODES, { description: "One of Superset's theme modes." });

export const ThemeSchema = Type.Object(
  {
    kind: kindField('theme'),
    name: Type.String({
      minLength: 1,
      maxLength: 250,
      description:
        "Name of the theme (Superset's `theme_name`), unique among themes. Superset makes a new theme's uuid itself (its create takes none), so the name is the identity: renaming one deletes the old and creates the new.",
    }),
    protected: objectFields('theme').protected,
    config: Type.Object(
      {
        token: Type.Optional(
          Type.Object(
            {
              fontUrls: Type.Optional(
                Type.Array(
                  Type.String({
                    pattern: '^https://\\S+$',
                    description: 'An https URL of a font stylesheet, on a domain Superset allows.',
                  }),
                  { description: 'Font stylesheets to load (Superset refuses anything but https).' },
                ),
              ),
            },
            {
              additionalProperties: true,
              description: 'Ant Design design tokens (`colorPrimary`, `fontFamily`, `borderRadius`, ...).',
            },
          ),
        ),
        components: Type.Optional(
          Type.Record(Type.String(), Type.Unknown(), { description: 'Tokens per Ant Design component.' }),
        ),
        algorithm: Type.Optional(
          Type.Union([...MODES, Type.Array(MODE, { minItems: 1 })], {
            description: 'The base the tokens apply to: one mode or several (e.g. `[dark, compact]`).',
          }),
        ),
        hashed: Type.Optional(Type.Boolean({ description: "Ant Design's hashed class names." })),
        inherit: Type.Optional(Type.Boolean({ description: 'Inherit the enclosing theme.' })),
      },
      {
        additionalProperties: true,
        description:
          "The theme's JSON configuration (Superset's `json_data`), as Superset's theme editor shows it. Compared as JSON: key order and formatting do not matter.",
      },
    ),
  },
  {
    additionalProperties: false,
    description:
      "A theme (Superset 6.0 and newer; an older Superset has no theme API, and a plan that has themes stops with an error). Superset's own system themes are never read or written.",
  },
);

export type ThemeSpec = Static<typeof ThemeSchema>;
