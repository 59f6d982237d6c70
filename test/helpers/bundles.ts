import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The real export bundles the tests read, kept in the repository with their licences (SOURCES.md). */
export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/superset-bundles');

/** Every real bundle in the fixtures: unzipped folders and the original ZIPs. */
export function realBundles(): string[] {
  const out = [
    'apache-superset/bundle-sales-dashboard',
    'apache-superset/bundle-covid-vaccine-dashboard',
    'apache-superset/bundle-slack-dashboard',
    'deeppavlov-chatsky/chatsky',
    'mitodl-ol-data-platform/src',
  ].map((p) => path.join(FIXTURES, p));
  const demos = path.join(FIXTURES, 'stackabletech-demos/demos');
  if (existsSync(demos))
    for (const d of readdirSync(demos)) out.push(path.join(demos, d, 'superset-assets.zip'));
  return out.filter((p) => existsSync(p));
}
