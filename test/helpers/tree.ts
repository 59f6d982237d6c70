import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Output } from '../../src/cli/output.js';
import { parseFile } from '../../src/load/parse-file.js';
import { validateTree, type ValidationResult } from '../../src/validate/validate-tree.js';

/** A small valid tree, one object of each kind; tests override or add files. */
export const BASE_TREE: Record<string, string> = {
  'environments/local.yaml': `kind: environment
name: local
superset:
  url: http://127.0.0.1:8088
  username: \${env.SUPERSET_USER:-admin}
  password: \${env.SUPERSET_PASSWORD:-admin}
zookeeper:
  connect: 127.0.0.1:2181
  root: /superset-gitops/local
variables:
  host: localhost
`,
  'databases/warehouse.yaml': `kind: database
name: warehouse
sqlalchemy_uri: postgresql://reader@\${var.host}/sales
password: \${env.WAREHOUSE_PASSWORD}
`,
  'datasets/warehouse/orders.yaml': `kind: dataset
name: orders
database: warehouse
columns:
  - name: order_date
    is_dttm: true
  - name: region
metrics:
  - name: revenue
    expression: SUM(amount)
`,
  'charts/revenue.yaml': `kind: chart
name: Revenue
dataset: orders
viz_type: pie
params:
  metric: revenue
  groupby: [region]
`,
  'dashboards/sales.yaml': `kind: dashboard
name: sales
title: Sales
slug: sales
layout:
  - row:
      - chart: Revenue
        width: 6
native_filters:
  - name: Region
    type: filter_select
    targets:
      - dataset: orders
        column: region
`,
};

export function validateFiles(files: Record<string, string | Uint8Array>): ValidationResult {
  const parsed = Object.entries(files)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, content]) =>
      parseFile(file, typeof content === 'string' ? Buffer.from(content, 'utf8') : content),
    );
  return validateTree(parsed);
}

export function validateWith(overrides: Record<string, string | Uint8Array | null>): ValidationResult {
  const files: Record<string, string | Uint8Array> = { ...BASE_TREE };
  for (const [file, content] of Object.entries(overrides)) {
    if (content === null) delete files[file];
    else files[file] = content;
  }
  return validateFiles(files);
}

/** An Output that keeps what the CLI printed. */
export function recorder(): Output & { out: string; err: string } {
  const r = { out: '', err: '', color: false, isTTY: false } as Output & { out: string; err: string };
  r.stdout = (t) => void (r.out += t);
  r.stderr = (t) => void (r.err += t);
  return r;
}

/** Writes `files` (path -> content) into a new temporary folder; returns it. */
export function writeTree(files: Record<string, string>, label = 'sg-tree-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), label));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}
