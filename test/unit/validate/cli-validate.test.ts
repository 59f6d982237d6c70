import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { BASE_TREE, recorder, writeTree } from '../../helpers/tree.js';

describe('superset-gitops validate', () => {
  it('exits 0 on the shipped metadata/', async () => {
    const out = recorder();
    expect(await main(['validate', path.resolve(import.meta.dirname, '../../../metadata')], out)).toBe(0);
    expect(out.out).toMatch(/files valid/);
  });

  it('exits 1 and prints file:line:col in text form', async () => {
    const dir = writeTree({
      ...BASE_TREE,
      'charts/revenue.yaml': 'kind: chart\nname: Revenue\ndataset: nope\nviz_type: pie\n',
    });
    const out = recorder();
    expect(await main(['validate', dir], out)).toBe(1);
    expect(out.out).toContain('3:10');
    expect(out.out).toContain('No dataset is named "nope"');
    expect(out.out).toMatch(/✖ 1 error in 1 of 5 files/);
  });

  it('prints GitHub annotations with --format github', async () => {
    const dir = writeTree({
      ...BASE_TREE,
      'charts/revenue.yaml': 'kind: chart\nname: Revenue\ndataset: nope\nviz_type: pie\n',
    });
    const out = recorder();
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string) => (lines.push(String(chunk)), true);
    try {
      expect(await main(['validate', dir, '--format', 'github'], out)).toBe(1);
    } finally {
      process.stdout.write = write;
    }
    const annotation = lines
      .join('')
      .split('\n')
      .find((l) => l.startsWith('::error'));
    expect(annotation).toMatch(
      /^::error title=superset-gitops dangling-reference,file=.*charts\/revenue\.yaml,line=3,col=10::No dataset is named "nope"/,
    );
  });

  it('gives machine-readable JSON with --format json', async () => {
    const dir = writeTree({ ...BASE_TREE, 'charts/empty.yaml': '' });
    const out = recorder();
    expect(await main(['validate', dir, '--format', 'json'], out)).toBe(1);
    const report = JSON.parse(out.out) as { valid: boolean; problems: { rule: string; line: number }[] };
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ rule: 'empty-file', line: 1 })]);
  });

  it('says clearly when the directory does not exist', async () => {
    const out = recorder();
    expect(await main(['validate', '/nonexistent/metadata'], out)).toBe(1);
    expect(out.err).toBe('error: Metadata directory "/nonexistent/metadata" does not exist.\n');
  });
});
