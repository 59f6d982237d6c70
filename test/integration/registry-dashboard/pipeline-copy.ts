// A copy of the pipeline dashboard's metadata (metadata/databases/registry.yaml, datasets/registry,
// charts/pipeline, dashboards/pipeline.yaml) for a test environment: every name carries the run id
// (so uuids, database names, slugs and dataset table names are the run's own) and every table reads
// the run's own registry base (registry://<table>?root=<base>).
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';

const REPO = path.resolve(import.meta.dirname, '../../..');
const SOURCES = [
  'databases/registry.yaml',
  'datasets/registry',
  'charts/pipeline',
  'dashboards/pipeline.yaml',
];

type Yaml = Record<string, unknown>;

export interface PipelineCopy {
  /** Chart, dataset, database and dashboard names in the copy, by their name in metadata/. */
  chart(name: string): string;
  dataset(name: string): string;
  database: string;
  dashboardSlug: string;
}

export function copyPipeline(metadataDir: string, runId: string, registryBase: string): PipelineCopy {
  const database = `registry_${runId}`;
  const dataset = (name: string) => `${name}_${runId}`;
  const chart = (name: string) => `${name} ${runId}`;
  // znodes takes the subtree as ?path=, the registry tables their base as ?root=.
  const table = (text: string) =>
    text.replace(
      /registry:\/\/(\w+)/g,
      (_, t: string) => `registry://${t}?${t === 'znodes' ? 'path' : 'root'}=${registryBase}`,
    );
  const dashboardSlug = `pipeline-${runId}`;

  for (const file of sourceFiles()) {
    const doc = parse(fs.readFileSync(path.join(REPO, 'metadata', file), 'utf8')) as Yaml;
    if (doc.kind === 'database') doc.name = database;
    if (doc.kind === 'dataset') {
      doc.name = dataset(String(doc.name));
      doc.database = database;
      if (typeof doc.table_name === 'string') doc.table_name = table(doc.table_name);
      if (typeof doc.sql === 'string') doc.sql = table(doc.sql);
    }
    if (doc.kind === 'chart') {
      doc.name = chart(String(doc.name));
      doc.dataset = dataset(String(doc.dataset));
    }
    if (doc.kind === 'dashboard') {
      doc.name = `pipeline_${runId}`;
      doc.title = `${String(doc.title)} ${runId}`;
      doc.slug = dashboardSlug;
      renameCharts(doc.layout, chart);
      for (const filter of (doc.native_filters ?? []) as Yaml[]) {
        for (const target of (filter.targets ?? []) as Yaml[])
          target.dataset = dataset(String(target.dataset));
        if (Array.isArray(filter.charts)) filter.charts = filter.charts.map((c) => chart(String(c)));
      }
    }
    const out = path.join(metadataDir, file);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, stringify(doc));
  }
  return { chart, dataset, database, dashboardSlug };
}

/** The variables registry.yaml needs, for the test environment's file. */
export function registryVariables(zkConnect: string, registryBase: string): string {
  return `variables:
  registry_zk_hosts: ${zkConnect}
  registry_zk_root: ${registryBase}
  registry_zk_session_timeout_ms: '10000'
  registry_zk_digest_env: ''
`;
}

function sourceFiles(): string[] {
  return SOURCES.flatMap((source) => {
    const full = path.join(REPO, 'metadata', source);
    if (!fs.statSync(full).isDirectory()) return [source];
    return fs
      .readdirSync(full)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `${source}/${f}`);
  });
}

/** Renames every `chart:` reference in a layout, at any depth. */
function renameCharts(node: unknown, rename: (name: string) => string): void {
  if (Array.isArray(node)) {
    for (const item of node) renameCharts(item, rename);
  } else if (node !== null && typeof node === 'object') {
    const obj = node as Yaml;
    if (typeof obj.chart === 'string') obj.chart = rename(obj.chart);
    for (const value of Object.values(obj)) renameCharts(value, rename);
  }
}
