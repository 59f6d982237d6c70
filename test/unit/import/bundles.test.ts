import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { convertBundle, readBundleFiles } from '../../../src/engine/import-run.js';
import { ATTRIBUTE_OPTIONS } from '../../../src/superset-map/attribute-options.js';
import { notInBundle, toBundle } from '../../../src/export/to-bundle.js';
import { writeObjects } from '../../../src/import/write-tree.js';
import { readZip, writeZip } from '../../../src/import/zip.js';
import { parseFile } from '../../../src/load/parse-file.js';
import { loadMetadata } from '../../../src/engine/load-metadata.js';
import { resolveEnvironment, substituteVariables } from '../../../src/environment/resolve.js';
import { desiredEntry } from '../../../src/plan/desired.js';
import { validateTree } from '../../../src/validate/validate-tree.js';
import type { AnyDesired } from '../../../src/model/object.js';
import { isNamedKind } from '../../../src/schema/index.js';
import { FIXTURES, realBundles } from '../../helpers/bundles.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** Validates converted objects the way `validate` would read the written files. */
function validateConverted(objects: ReturnType<typeof convertBundle>['objects']) {
  return validateTree(
    objects.map((o, i) => parseFile(`${o.kind}/${i}.yaml`, Buffer.from(stringify(o.spec)))),
  );
}

// Real bundles up to 358 objects: seconds of YAML work on a busy 2-core machine (no figure asserted).
describe('import --bundle on real export bundles', { timeout: 30_000 }, () => {
  const all = realBundles();

  it('finds the fixture bundles', () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
  });

  it.each(all.map((b) => [path.relative(FIXTURES, b), b]))(
    '%s converts to a valid tree',
    { timeout: 30_000 },
    (_name, bundle) => {
      const converted = convertBundle(readBundleFiles(bundle));
      expect(converted.objects.length).toBeGreaterThan(0);
      expect(validateConverted(converted.objects).problems.filter((p) => p.severity === 'error')).toEqual([]);
      for (const w of converted.warnings) expect(w).toMatch(/\S+: .+/);
    },
  );

  it('reports what it leaves out instead of dropping it silently (mitodl: datasets on a database not in the repo)', () => {
    const converted = convertBundle(readBundleFiles(path.join(FIXTURES, 'mitodl-ol-data-platform/src')));
    const missingDb = converted.warnings.filter((w) => w.includes('needs database 9a22a54c'));
    expect(missingDb).toHaveLength(3);
    expect(converted.warnings.some((w) => /same uuid as/.test(w))).toBe(true);
    expect(converted.warnings.some((w) => /is used by another chart/.test(w))).toBe(true);
  });

  it('keeps layout, native filters and masked passwords as references (Sales bundle)', () => {
    const converted = convertBundle(
      readBundleFiles(path.join(FIXTURES, 'apache-superset/bundle-sales-dashboard')),
    );
    const dash = converted.objects.find((o) => o.kind === 'dashboard')?.spec as {
      layout: unknown[];
      native_filters?: unknown[];
    };
    expect(dash.layout.length).toBeGreaterThan(0);
    expect(dash.native_filters).toHaveLength(7);
    const chatsky = convertBundle(readBundleFiles(path.join(FIXTURES, 'deeppavlov-chatsky/chatsky')));
    const db = chatsky.objects.find((o) => o.kind === 'database')?.spec as {
      sqlalchemy_uri: string;
      password?: string;
    };
    expect(db.sqlalchemy_uri).not.toContain('XXXXXXXXXX');
    expect(db.password).toMatch(/^\$\{env\.[A-Z0-9_]+_PASSWORD\}$/);
    expect(chatsky.secrets).toHaveLength(1);
  });

  it('writes nothing the second time (idempotent)', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'sg-import-'));
    const converted = convertBundle(
      readBundleFiles(path.join(FIXTURES, 'apache-superset/bundle-slack-dashboard')),
    );
    const first = await writeObjects(out, converted.objects);
    const second = await writeObjects(
      out,
      convertBundle(readBundleFiles(path.join(FIXTURES, 'apache-superset/bundle-slack-dashboard'))).objects,
    );
    expect(first.written.length).toBe(converted.objects.length);
    expect(second).toEqual({ written: [], unchanged: first.written });
    const tree = await loadMetadata(out, out);
    expect(tree.problems).toEqual([]);
    expect(readFileSync(path.join(out, first.written[0] ?? ''), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=/,
    );
  });

  it('in a content repository made by init, the schema lines point at the installed package', async () => {
    const repo = mkdtempSync(path.join(tmpdir(), 'sg-import-content-'));
    const schemas = path.join(repo, 'node_modules/superset-gitops/schemas');
    mkdirSync(schemas, { recursive: true });
    for (const kind of ['database', 'dataset', 'chart', 'dashboard'])
      writeFileSync(path.join(schemas, `${kind}.schema.json`), '{}');
    const converted = convertBundle(
      readBundleFiles(path.join(FIXTURES, 'apache-superset/bundle-slack-dashboard')),
    );
    const { written } = await writeObjects(path.join(repo, 'metadata'), converted.objects);
    expect(written.length).toBeGreaterThan(3);
    for (const file of written) {
      const full = path.join(repo, 'metadata', file);
      const ref = /^# yaml-language-server: \$schema=(\S+)/.exec(readFileSync(full, 'utf8'))?.[1] ?? '';
      expect(ref, file).toContain('node_modules/superset-gitops/schemas/');
      expect(existsSync(path.resolve(path.dirname(full), ref)), file).toBe(true);
    }
    rmSync(repo, { recursive: true, force: true });
  });
});

describe('export --bundle', () => {
  it('round-trips the shipped metadata: export, import, same attributes for every object', async () => {
    const tree = await loadMetadata(path.join(ROOT, 'metadata'), ROOT);
    const env = tree.environments.find((e) => e.spec.name === 'local')?.spec;
    if (!env) throw new Error('metadata/environments/local.yaml is missing');
    const { variables } = resolveEnvironment(env, {}, ROOT);
    // CSS templates, saved queries and RLS rules are not in Superset's assets bundles.
    const all = tree.objects.map((o) => ({
      ...o,
      spec: substituteVariables(o.spec, variables),
    })) as AnyDesired[];
    const objects = all.filter((o) => !isNamedKind(o.kind));
    expect(objects.length).toBeLessThan(all.length);
    const zip = writeZip(toBundle(all));
    const back = convertBundle(readZip(zip), new Map(objects.map((o) => [o.uuid, o.name])));
    expect(back.objects).toHaveLength(objects.length);
    for (const original of objects) {
      const imported = back.objects.find((o) => o.uuid === original.uuid);
      expect(imported, `${original.kind} ${original.name}`).toBeDefined();
      const a = desiredEntry(original, ATTRIBUTE_OPTIONS);
      const b = desiredEntry(
        { ...original, name: imported!.spec.name, spec: imported!.spec } as typeof original,
        ATTRIBUTE_OPTIONS,
      );
      // Superset's bundles have no owners or roles (its import makes the importing user an owner), and
      // tags only when its TAGGING_SYSTEM flag is on; our bundles write none of the three.
      const { owners: _owners, roles: _roles, tags: _tags, ...kept } = a.attributes;
      expect(b.attributes, `${original.kind} ${original.name}`).toEqual(kept);
    }
  });

  it('writes only fields Superset 6.1 import schemas know (an unknown one fails the whole import)', async () => {
    // Field names of ImportV1{Database,Dataset,Chart,Dashboard}Schema in superset 6.1.0 (allow_file_upload
    // is renamed to allow_csv_upload by the database schema's pre_load).
    const known: Record<string, string[]> = {
      databases:
        'database_name sqlalchemy_uri password encrypted_extra masked_encrypted_extra cache_timeout expose_in_sqllab allow_run_async allow_ctas allow_cvas allow_dml allow_csv_upload allow_file_upload impersonate_user extra uuid version is_managed_externally external_url ssh_tunnel configuration_method'.split(
          ' ',
        ),
      datasets:
        'table_name main_dttm_col currency_code_column description default_endpoint offset cache_timeout schema catalog sql source_db_engine params template_params filter_select_enabled fetch_values_predicate extra uuid columns metrics version database_uuid data is_managed_externally external_url normalize_columns always_filter_main_dttm folders data_file'.split(
          ' ',
        ),
      charts:
        'slice_name description certified_by certification_details viz_type params query_context cache_timeout uuid version dataset_uuid is_managed_externally external_url tags'.split(
          ' ',
        ),
      dashboards:
        'dashboard_title description css slug uuid position metadata version is_managed_externally external_url certified_by certification_details published tags theme_uuid theme_id'.split(
          ' ',
        ),
    };
    const tree = await loadMetadata(path.join(ROOT, 'metadata'), ROOT);
    const files = toBundle(tree.objects);
    let checked = 0;
    for (const [file, text] of files) {
      const folder = file.split('/')[1] ?? '';
      if (!known[folder]) continue;
      const keys = Object.keys(parse(text) as Record<string, unknown>);
      expect(
        keys.filter((k) => !known[folder]?.includes(k)),
        file,
      ).toEqual([]);
      checked++;
    }
    expect(checked).toBe(tree.objects.filter((o) => !isNamedKind(o.kind)).length);
    // What the bundle leaves out is named, each object by kind and name (the export prints them).
    expect(notInBundle(tree.objects)).toEqual(
      tree.objects.filter((o) => isNamedKind(o.kind)).map((o) => `${o.kind} ${JSON.stringify(o.name)}`),
    );
    expect(notInBundle(tree.objects)).toContain('saved_query "Revenue by region, shipped orders"');
  });

  it('writes the layout Superset expects: metadata.yaml of type assets, one file per object', () => {
    const files = toBundle([]);
    const [meta] = [...files.entries()];
    expect(meta?.[0]).toMatch(/^superset_gitops_export_\d{8}T\d{6}\/metadata\.yaml$/);
    expect(meta?.[1]).toMatch(/type: assets/);
  });
});

describe('import --bundle: selections and repeated titles', () => {
  const sales = () => readBundleFiles(path.join(FIXTURES, 'apache-superset/bundle-sales-dashboard'));

  it('--kinds keeps only those kinds and what they need; --dashboard only that dashboard and its parts', () => {
    const all = convertBundle(sales());
    const databases = convertBundle(sales(), new Map(), { kinds: ['database'] });
    expect(databases.objects.map((o) => o.kind)).toEqual(['database']);
    const charts = convertBundle(sales(), new Map(), { kinds: ['chart'] });
    expect(new Set(charts.objects.map((o) => o.kind))).toEqual(new Set(['database', 'dataset', 'chart']));
    const slug = all.objects.find((o) => o.kind === 'dashboard')?.spec as { slug?: string; name: string };
    const one = convertBundle(sales(), new Map(), { dashboards: [slug.slug ?? slug.name] });
    expect(one.objects.length).toBe(all.objects.length);
    expect(() => convertBundle(sales(), new Map(), { dashboards: ['no-such-dashboard'] })).toThrow(
      /--dashboard names no dashboard: no-such-dashboard/,
    );
  });

  it('a repeated chart title gets a suffixed name and keeps its title; a re-import keeps the names', () => {
    const files = new Map(sales());
    // Two charts with the same title: the second file is the first one with another uuid.
    const [chartPath, chartText] = [...files].find(([p]) => p.includes('charts/'))!;
    const doc = parse(chartText) as Record<string, unknown>;
    const twin = { ...doc, uuid: '11111111-2222-4333-8444-555555555555' };
    files.set(chartPath.replace(/\.yaml$/, '_twin.yaml'), stringify(twin));
    const converted = convertBundle(files);
    const same = converted.objects.filter(
      (o) => o.kind === 'chart' && ((o.spec as { title?: string }).title ?? o.spec.name) === doc.slice_name,
    );
    expect(same).toHaveLength(2);
    const names = same.map((o) => o.spec.name).sort();
    expect(new Set(names).size).toBe(2);
    // The suffixed one carries the title Superset shows, so applying it renames nothing.
    const suffixed = same.find((o) => o.spec.name !== doc.slice_name)!;
    expect((suffixed.spec as { title?: string }).title).toBe(doc.slice_name);
    expect(
      converted.warnings.some((w) =>
        /is used by another chart too; named .* its title in Superset unchanged/.test(w),
      ),
    ).toBe(true);
    // A tree that already names these uuids keeps its names.
    const existing = new Map(same.map((o, i) => [o.uuid, `kept name ${i}`]));
    const again = convertBundle(files, existing);
    expect(
      again.objects
        .filter((o) => existing.has(o.uuid))
        .map((o) => o.spec.name)
        .sort(),
    ).toEqual(['kept name 0', 'kept name 1']);
  });
});
