import { Type, type Static } from '@sinclair/typebox';
import { kindField, namedObjectFields } from './common.js';

export const CssTemplateSchema = Type.Object(
  {
    kind: kindField('css_template'),
    ...namedObjectFields('CSS template', 'template_name'),
    css: Type.String({
      description: 'The CSS. Dashboard editors pick the template from the CSS menu of the dashboard editor.',
    }),
  },
  { additionalProperties: false, description: 'A CSS template dashboard editors can apply.' },
);

export type CssTemplateSpec = Static<typeof CssTemplateSchema>;
