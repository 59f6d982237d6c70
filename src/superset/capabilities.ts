/**
 * What each Superset version accepts over REST, in one table, and the one function that fits a write
 * to it. Pure: the client learns the version once per run (see probeServer in client.ts) and passes
 * the capabilities here; nothing else in the code asks which version it talks to.
 *
 * Facts from reading Superset 4.1.4, 5.0.0, 6.0.0 and 6.1.0 (their marshmallow schemas raise on unknown
 * keys, except the database schemas, which drop them).
 */

export type SupersetFamily = '4.1' | '5.0' | '6.0' | '6.1';
const ORDER: readonly SupersetFamily[] = ['4.1', '5.0', '6.0', '6.1'];

export interface Capabilities {
  family: SupersetFamily;
  /** As the server told it (`6.1.0`) or as the probe found it (`6.0 (probed)`). */
  version: string;
  /** POST/PUT of datasets, charts and dashboards take `uuid` (databases take it everywhere). */
  restUuid: boolean;
  /** The assets import takes `sparse=true`: a bundle may name existing objects by uuid without carrying them. */
  sparseImport: boolean;
  /** Themes and their API (`/api/v1/theme/`): Superset 6.0 on. */
  themes: boolean;
}

/** A field (or a json_metadata key) a version does not have, and the values that mean "not set". */
interface FieldRule {
  kind: 'database' | 'dataset' | 'chart' | 'dashboard';
  /** A field, `OBJECT.KEY` (json_metadata: a JSON string in REST bodies), or `LIST[].KEY`. */
  field: string;
  since: SupersetFamily;
  /** Values that are the same as leaving the field out: dropped without a word. */
  unset: (value: unknown) => boolean;
}

const isNullish = (v: unknown) => v === null || v === undefined;
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const isEmpty = (v: unknown) => isNullish(v) || (Array.isArray(v) && v.length === 0);
const isEmptyObject = (v: unknown) =>
  isNullish(v) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

const RULES: readonly FieldRule[] = [
  {
    kind: 'dashboard',
    field: 'json_metadata.show_chart_timestamps',
    since: '6.1',
    unset: (v) => v === false || isNullish(v),
  },
  { kind: 'dashboard', field: 'json_metadata.chart_customization_config', since: '6.1', unset: isEmpty },
  { kind: 'dashboard', field: 'theme_id', since: '6.0', unset: isNullish },
  { kind: 'dataset', field: 'currency_code_column', since: '6.1', unset: isNullish },
  { kind: 'dataset', field: 'folders', since: '6.0', unset: isEmpty },
  { kind: 'dataset', field: 'columns[].datetime_format', since: '6.1', unset: isNullish },
];

/**
 * The same for the YAML files of an assets bundle (`POST /api/v1/assets/import/`), whose import
 * schemas raise on unknown keys in every version, databases included.
 */
const BUNDLE_RULES: readonly FieldRule[] = [
  { kind: 'database', field: 'impersonate_user', since: '5.0', unset: (v) => v === false || isNullish(v) },
  { kind: 'database', field: 'encrypted_extra', since: '6.0', unset: isNullish },
  { kind: 'database', field: 'masked_encrypted_extra', since: '6.1', unset: isNullish },
  // Superset's own default: what a database made over REST without it is set to.
  {
    kind: 'database',
    field: 'configuration_method',
    since: '6.1',
    unset: (v) => isNullish(v) || v === 'sqlalchemy_form',
  },
  { kind: 'database', field: 'extra.schema_options', since: '5.0', unset: isEmptyObject },
  {
    kind: 'database',
    field: 'extra.per_user_caching',
    since: '6.1',
    unset: (v) => v === false || isNullish(v),
  },
  { kind: 'dataset', field: 'folders', since: '6.0', unset: isEmpty },
  { kind: 'dataset', field: 'currency_code_column', since: '6.1', unset: isNullish },
  { kind: 'dataset', field: 'source_db_engine', since: '6.1', unset: isNullish },
  { kind: 'dataset', field: 'data_file', since: '6.1', unset: isNullish },
  { kind: 'dataset', field: 'columns[].datetime_format', since: '6.1', unset: isNullish },
  { kind: 'dataset', field: 'metrics[].currency', since: '6.0', unset: isNullish },
  { kind: 'chart', field: 'tags', since: '6.0', unset: isEmpty },
  { kind: 'dashboard', field: 'tags', since: '6.0', unset: isEmpty },
  { kind: 'dashboard', field: 'theme_uuid', since: '6.0', unset: isNullish },
  { kind: 'dashboard', field: 'theme_id', since: '6.0', unset: isNullish },
];

const at = (family: SupersetFamily, since: SupersetFamily) => ORDER.indexOf(family) >= ORDER.indexOf(since);

export function capabilitiesOf(family: SupersetFamily, version: string = family): Capabilities {
  return {
    family,
    version,
    restUuid: at(family, '6.0'),
    sparseImport: at(family, '6.0'),
    themes: at(family, '6.0'),
  };
}

/** Why this server cannot hold objects of `kind` (a kind newer than it), or undefined when it can. */
export function kindRefusal(kind: string, caps: Capabilities): string | undefined {
  if (kind === 'theme' && !caps.themes)
    return `Superset ${caps.version} has no themes (they came with 6.0): take the theme files out of the YAML for this environment, or upgrade Superset`;
  return undefined;
}

/** The newest behaviour this tool knows: what a server of unknown or newer version is taken to be. */
export const LATEST: Capabilities = capabilitiesOf('6.1', '6.1 (assumed)');

/** `6.1.0`, `6.0.0rc1`, `5.0.0` -> their family; older than 4.1 -> undefined; newer -> the latest known. */
export function familyOf(version: string): SupersetFamily | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!m) return undefined;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const known = ORDER.filter((f) => {
    const [a, b] = f.split('.').map(Number) as [number, number];
    return a < major || (a === major && b <= minor);
  });
  return known.at(-1);
}

export interface Fitted {
  body: Record<string, unknown>;
  /** Fields dropped because the version lacks them and they held "not set". */
  dropped: string[];
  /** Fields the version lacks that hold a real value: the write would lose it. */
  refused: string[];
}

/** Fits a create or update body of `kind` to the server: drops what it lacks when nothing is lost. */
export function fitBody(
  kind: string,
  op: 'create' | 'update',
  body: Record<string, unknown>,
  caps: Capabilities,
): Fitted {
  const fit = fitWith(RULES, kind, body, caps);
  // A metric's currency is an object from 6.0 on; before, a string (Superset keeps the JSON text).
  if (kind === 'dataset' && !at(caps.family, '6.0') && Array.isArray(fit.body.metrics))
    fit.body.metrics = (fit.body.metrics as Record<string, unknown>[]).map((metric) =>
      isObject(metric?.currency) ? { ...metric, currency: JSON.stringify(metric.currency) } : metric,
    );
  if (!caps.restUuid && 'uuid' in fit.body && ['dataset', 'chart', 'dashboard'].includes(kind))
    fit.refused.push(op === 'create' ? 'uuid' : 'uuid (update)');
  return fit;
}

/** Fits one YAML document of an assets bundle (a database, dataset, chart or dashboard file). */
export function fitBundleDoc(kind: string, doc: Record<string, unknown>, caps: Capabilities): Fitted {
  return fitWith(BUNDLE_RULES, kind, doc, caps);
}

function fitWith(
  rules: readonly FieldRule[],
  kind: string,
  input: Record<string, unknown>,
  caps: Capabilities,
): Fitted {
  const out: Record<string, unknown> = { ...input };
  const dropped = new Set<string>();
  const refused = new Set<string>();
  const judge = (field: string, value: unknown, rule: FieldRule, remove: () => void) => {
    if (rule.unset(value)) {
      remove();
      dropped.add(field);
    } else refused.add(field);
  };
  for (const rule of rules) {
    if (rule.kind !== kind || at(caps.family, rule.since)) continue;
    const [head, key] = rule.field.split('.') as [string, string | undefined];
    if (head.endsWith('[]') && key) {
      const list = head.slice(0, -2);
      if (!Array.isArray(out[list])) continue;
      const items = (out[list] as unknown[]).map((c) =>
        c && typeof c === 'object' ? { ...(c as Record<string, unknown>) } : c,
      );
      out[list] = items;
      for (const item of items)
        if (item && typeof item === 'object' && key in item) {
          const entry = item as Record<string, unknown>;
          judge(rule.field, entry[key], rule, () => delete entry[key]);
        }
    } else if (key) {
      // A nested mapping: a JSON string (json_metadata in REST bodies) or an object (bundle YAML).
      const holder = out[head];
      const asString = typeof holder === 'string';
      const nested = asString ? parseObject(holder) : isObject(holder) ? { ...holder } : undefined;
      if (!nested || !(key in nested)) continue;
      judge(rule.field, nested[key], rule, () => {
        delete nested[key];
        out[head] = asString ? JSON.stringify(nested) : nested;
      });
    } else if (head in out) {
      judge(rule.field, out[head], rule, () => delete out[head]);
    }
  }
  return { body: out, dropped: [...dropped], refused: [...refused] };
}

/** The sentence for refused fields, naming the object and the version. */
export function refusalMessage(
  kind: string,
  name: string | undefined,
  refused: string[],
  caps: Capabilities,
): string {
  const what = `${kind}${name ? ` "${name}"` : ''}`;
  const uuid = refused.some((f) => f.startsWith('uuid'));
  // Named as the YAML names them: a dashboard's `theme` is sent as `theme_id`.
  const fields = refused.filter((f) => !f.startsWith('uuid')).map((f) => (f === 'theme_id' ? 'theme' : f));
  const parts: string[] = [];
  if (fields.length)
    parts.push(
      `Superset ${caps.version} has no ${fields.map((f) => `\`${f}\``).join(', ')}; remove ${fields.length === 1 ? 'it' : 'them'} from the YAML of ${what} or upgrade Superset`,
    );
  if (uuid)
    parts.push(
      `Superset ${caps.version} refuses uuids when ${kind}s are created or updated over REST (6.0 and later accept them); this version of superset-gitops cannot write ${what} there without losing its uuid`,
    );
  return parts.join('. ') + '.';
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
