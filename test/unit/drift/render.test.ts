import { describe, expect, it } from 'vitest';
import { computeDrift } from '../../../src/drift/compute.js';
import { contentHash } from '../../../src/model/canonical.js';
import type { DesiredEntry } from '../../../src/plan/types.js';
import { driftAsHtml } from '../../../src/report/drift-html.js';
import { driftAsMarkdown, driftAsText } from '../../../src/report/drift-text.js';

const attributes = { viz_type: 'pie', params: { row_limit: 100 } };
const chart: DesiredEntry = {
  kind: 'chart',
  name: 'Sales <b>| "Q1"',
  uuid: 'u1',
  attributes,
  hash: contentHash(attributes),
  protected: false,
  dependsOn: [],
};
const report = computeDrift({
  environment: 'prod',
  now: '2026-01-01T00:00:00.000Z',
  gitCommit: 'abc',
  desired: [chart],
  snapshot: { commit: 'abc', hashes: new Map([['u1', chart.hash]]) },
  applied: [{ kind: 'chart', name: chart.name, uuid: 'u1', supersetId: 3, hash: chart.hash }],
  live: [
    {
      kind: 'chart',
      uuid: 'u1',
      id: 3,
      name: chart.name,
      changedBy: 'Eve <script>',
      changedOn: '2026-01-01T09:30:00.123456Z',
      attributes: { viz_type: 'pie', params: { row_limit: 7 } },
    },
    { kind: 'dashboard', uuid: 'u9', id: 9, name: 'Scratch', changedBy: null, changedOn: null },
  ],
});

describe('drift renderers', () => {
  it('html: one escaped, self-contained page with the diff, who and when, unmanaged folded away', () => {
    const page = driftAsHtml(report);
    expect(page).toContain('<h2>chart</h2>');
    expect(page).toContain('Sales &lt;b&gt;| &quot;Q1&quot;');
    expect(page).toContain(
      'Eve &lt;script&gt;<br><span class="dim" title="2026-01-01T09:30:00.123456Z">2026-01-01 09:30:00Z</span>',
    );
    expect(page).toContain('<code>params.row_limit</code><br><span class="new">expected <code>100</code>');
    expect(page).toMatch(
      /<details><summary>1 object\(s\) in Superset that this tool does not manage<\/summary>/,
    );
    expect(page).not.toMatch(/<script|<link|src=|https?:\/\//i);
  });

  it('text and markdown: the attribute, expected and found, who and when; markdown cells escaped', () => {
    expect(driftAsText(report)).toContain(
      'chart "Sales <b>| \\"Q1\\"": params.row_limit: expected 100, found 7 (changed in Superset by Eve <script> at 2026-01-01T09:30:00.123456Z)',
    );
    expect(driftAsMarkdown(report)).toContain(
      '| edited in Superset | chart | Sales &lt;b>\\| "Q1" | params.row_limit | 100 | 7 | Eve &lt;script> / 2026-01-01T09:30:00.123456Z |',
    );
  });
});
