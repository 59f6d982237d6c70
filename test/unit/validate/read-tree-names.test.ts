// readTree names each file as path.relative would (from the working folder as shown, from the
// metadata folder as the parse cache's key), however the two folders are given and nested.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTree } from '../../../src/load/read-tree.js';

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'read-tree-names-')));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const meta = path.join(root, 'repo', 'metadata');
const FILES = ['a.yaml', 'charts/b.yaml', 'charts/deep/er/c.yml', 'datasets/wh/d.yaml'];
for (const f of FILES) {
  fs.mkdirSync(path.dirname(path.join(meta, f)), { recursive: true });
  fs.writeFileSync(path.join(meta, f), 'kind: chart\nname: x\n');
}
const cacheDir = path.join(root, 'cache');

const cases: [string, string, string][] = [
  ['absolute folder, cwd its parent', meta, path.join(root, 'repo')],
  ['absolute folder, cwd the folder', meta, meta],
  ['absolute folder, cwd a sibling', meta, path.join(root, 'elsewhere')],
  ['absolute folder with a trailing slash, cwd inside it', `${meta}/`, path.join(meta, 'charts')],
  ['folder with dot segments, cwd the root', path.join(root, 'repo', '.', 'x', '..', 'metadata'), root],
  [
    'folder relative to the process, cwd its parent',
    path.relative(process.cwd(), meta),
    path.join(root, 'repo'),
  ],
];

describe('readTree file names', () => {
  it.each(cases)('%s', async (_what, dir, cwd) => {
    const env = { SUPERSET_GITOPS_CACHE_DIR: cacheDir };
    // Twice: once parsing, once from the parse cache, whose keys are the paths from the folder.
    for (let i = 0; i < 2; i++) {
      const files = (await readTree(dir, cwd, env)).map((p) => p.file);
      expect(files).toEqual(FILES.map((f) => path.relative(cwd, path.join(meta, f))));
    }
    const [cacheFile] = fs.readdirSync(path.join(cacheDir, 'parse'));
    const keys = Object.keys(
      (JSON.parse(fs.readFileSync(path.join(cacheDir, 'parse', cacheFile!), 'utf8')) as { entries: object })
        .entries,
    );
    expect(keys.sort()).toEqual([...FILES].sort());
  });
});
