// The parse cache: a second read gives the same values without parsing YAML again, an edited file is
// parsed again, nothing with a problem or a value JSON cannot carry is kept, callers' edits never
// reach the cache, and a file a rule points into still gets its line and column.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTree } from '../../../src/load/read-tree.js';
import { locate } from '../../../src/load/parse-file.js';

let dir: string;
let cache: string;
let env: NodeJS.ProcessEnv;

const CHART = `kind: chart
name: Revenue
dataset: orders
viz_type: pie
params:
  metric: revenue
  row_limit: 10
`;

beforeEach(() => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'parse-cache-'));
  dir = path.join(root, 'metadata');
  cache = path.join(root, 'cache');
  fs.mkdirSync(path.join(dir, 'charts'), { recursive: true });
  env = { SUPERSET_GITOPS_CACHE_DIR: cache };
});
afterEach(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
const byFile = async () => new Map((await readTree(dir, dir, env)).map((p) => [p.file, p]));
/** The cache file's entries (one cache file per metadata folder). */
function entries(): Record<string, { hash: string; json: string }> {
  const [file] = fs.readdirSync(path.join(cache, 'parse'));
  return (JSON.parse(fs.readFileSync(path.join(cache, 'parse', file!), 'utf8')) as { entries: never })
    .entries;
}

describe('parse cache', () => {
  it('gives the same values on the next read, and parses an edited file again', async () => {
    write('charts/revenue.yaml', CHART);
    const first = (await byFile()).get('charts/revenue.yaml')!;
    expect(Object.keys(entries())).toEqual(['charts/revenue.yaml']);
    const second = (await byFile()).get('charts/revenue.yaml')!;
    expect(second.value).toEqual(first.value);
    expect(second.kind).toBe('chart');

    write('charts/revenue.yaml', CHART.replace('row_limit: 10', 'row_limit: 25'));
    const edited = (await byFile()).get('charts/revenue.yaml')!;
    expect((edited.value?.params as Record<string, unknown>).row_limit).toBe(25);
    expect(
      (JSON.parse(entries()['charts/revenue.yaml']!.json) as { params: { row_limit: number } }).params
        .row_limit,
    ).toBe(25);
  });

  it('keeps no file with a problem, and reports the problem on every read', async () => {
    write('charts/bad.yaml', 'kind: chart\nname: [unclosed\n');
    for (let i = 0; i < 2; i++) {
      const bad = (await byFile()).get('charts/bad.yaml')!;
      expect(bad.problems.map((p) => p.rule)).toEqual(['yaml-syntax']);
    }
    expect(fs.existsSync(path.join(cache, 'parse')) ? Object.keys(entries()) : []).toEqual([]);
  });

  it('keeps no value JSON would change (.nan, .inf, -0)', async () => {
    write('charts/odd.yaml', CHART + '  a: .nan\n  b: -.inf\n  c: -0.0\n');
    for (let i = 0; i < 2; i++) {
      const params = (await byFile()).get('charts/odd.yaml')!.value?.params as Record<string, number>;
      expect(params.a).toBeNaN();
      expect(params.b).toBe(-Infinity);
      expect(Object.is(params.c, -0)).toBe(true);
    }
  });

  it("never lets a caller's edit of a value reach the next read", async () => {
    write('charts/revenue.yaml', CHART);
    await byFile();
    const hit = (await byFile()).get('charts/revenue.yaml')!;
    (hit.value!.params as Record<string, unknown>).metric = 'edited';
    const again = (await byFile()).get('charts/revenue.yaml')!;
    expect((again.value!.params as Record<string, unknown>).metric).toBe('revenue');
  });

  it('still points at the line and column of a field in a file read from the cache', async () => {
    write('charts/revenue.yaml', CHART);
    await byFile();
    const hit = (await byFile()).get('charts/revenue.yaml')!;
    expect(locate(hit, ['params', 'row_limit'])).toEqual({ line: 7, col: 14 });
  });

  it('reads past a corrupt cache file, and writes none when turned off', async () => {
    write('charts/revenue.yaml', CHART);
    await byFile();
    const [file] = fs.readdirSync(path.join(cache, 'parse'));
    fs.writeFileSync(
      path.join(cache, 'parse', file!),
      '{"parser": "x", "entries": {"charts/revenue.yaml": 7}',
    );
    expect((await byFile()).get('charts/revenue.yaml')!.value?.name).toBe('Revenue');
    fs.writeFileSync(
      path.join(cache, 'parse', file!),
      JSON.stringify({
        parser: 'someone else',
        entries: { 'charts/revenue.yaml': { hash: 'x', kind: 'chart', json: '{}' } },
      }),
    );
    expect((await byFile()).get('charts/revenue.yaml')!.value?.name).toBe('Revenue');

    fs.rmSync(cache, { recursive: true });
    env = { SUPERSET_GITOPS_CACHE_DIR: 'off' };
    expect((await byFile()).get('charts/revenue.yaml')!.value?.name).toBe('Revenue');
    expect(fs.existsSync(cache)).toBe(false);
  });
});
