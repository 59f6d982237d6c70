// Tests and sources read nothing outside the repository: no path into a sibling folder (the shared
// fixtures now live in test/fixtures with their licences) and no absolute path of one machine.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SELF = path.relative(ROOT, import.meta.filename);

function files(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter(
      (f) => /\.(ts|mts|js|mjs|py|sh|json|ya?ml)$/.test(f) && !f.startsWith(path.join('test', 'fixtures')),
    );
}

// Built from parts, so this file does not name them itself.
const OUTSIDE = [
  new RegExp(['\\.\\./', 'shared\\b'].join('')),
  new RegExp(`['"\`](/${['work', 'home', 'root', 'Users'].join('|/')})/`),
];

describe('the repository is self-contained', () => {
  it('no file under src/ or test/ names a path outside it', () => {
    const offenders: string[] = [];
    for (const file of [...files('src'), ...files('test')]) {
      if (file === SELF) continue;
      readFileSync(path.join(ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (OUTSIDE.some((re) => re.test(line))) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });

  it('the real bundles are in the repository, each with its licence', () => {
    const dir = path.join(ROOT, 'test/fixtures/superset-bundles');
    const projects = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(projects.map((p) => p.name).sort()).toEqual([
      'apache-superset',
      'deeppavlov-chatsky',
      'mitodl-ol-data-platform',
      'stackabletech-demos',
    ]);
    for (const p of projects)
      expect(readFileSync(path.join(dir, p.name, 'LICENSE'), 'utf8').length).toBeGreaterThan(1000);
    expect(readFileSync(path.join(dir, 'SOURCES.md'), 'utf8')).toContain('BSD-3-Clause');
  });
});
