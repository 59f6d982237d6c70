import type { DriftFinding, DriftReport, DriftWhere } from '../drift/types.js';
import { driftSummaryLine, WHERE_LABEL } from './drift-text.js';
import { showValue } from './plan-text.js';
import { OBJECT_KINDS } from '../schema/index.js';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#1f2328;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.25rem}h2{font-size:1.15rem;margin-top:2rem}
.meta{color:#59636e}.cards{display:flex;gap:.75rem;flex-wrap:wrap;margin:1.25rem 0}
.card{border:1px solid #d1d9e0;border-radius:8px;padding:.6rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.6rem}.ok{color:#1a7f37}.bad{color:#cf222e}.dim{color:#59636e}
table{border-collapse:collapse;width:100%;margin-top:.5rem}th,td{border-bottom:1px solid #d1d9e0;text-align:left;padding:.35rem .5rem;vertical-align:top}
th{background:#f6f8fa}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;word-break:break-all}
td.who{white-space:nowrap}.tag{display:inline-block;border-radius:1em;padding:0 .6em;font-size:12px;background:#eee;white-space:nowrap}
.superset{background:#fff1c2}.zookeeper{background:#ffd6d6}.not-applied{background:#ddf4ff}.missing{background:#ffd6d6}.unmanaged{background:#eee}
.old{color:#cf222e}.new{color:#1a7f37}details{margin-top:2rem}summary{cursor:pointer;font-weight:600}`;

const KIND_ORDER: readonly string[] = ['registry', ...OBJECT_KINDS];
const WHERE_ORDER = Object.keys(WHERE_LABEL) as DriftWhere[];

/** `2026-11-26 01:17:35Z`, the full value on hover. */
function when(iso: string): string {
  const short = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return `<span class="dim" title="${esc(iso)}">${esc(short ? `${short[1]} ${short[2]}Z` : iso)}</span>`;
}

function row(f: DriftFinding, showKind: boolean): string {
  const value = (v: unknown) => `<code>${esc(showValue((v ?? undefined) as never, 300))}</code>`;
  const change = f.attribute
    ? `<code>${esc(f.attribute)}</code><br><span class="new">expected ${value(f.expected)}</span><br><span class="old">found ${value(f.actual)}</span>`
    : esc(f.message);
  const who = [f.changedBy ? esc(f.changedBy) : '', f.changedOn ? when(f.changedOn) : '']
    .filter(Boolean)
    .join('<br>');
  const kind = showKind ? ` <span class="dim">${esc(f.kind)}</span>` : '';
  return `<tr><td>${esc(f.name)}${kind}</td><td><span class="tag ${f.where}">${esc(WHERE_LABEL[f.where])}</span></td><td>${change}</td><td class="who">${who}</td></tr>`;
}

function table(findings: readonly DriftFinding[], showKind = false): string {
  const sorted = [...findings].sort(
    (a, b) =>
      a.name.localeCompare(b.name) ||
      WHERE_ORDER.indexOf(a.where) - WHERE_ORDER.indexOf(b.where) ||
      (a.attribute ?? '').localeCompare(b.attribute ?? ''),
  );
  return `<table><thead><tr><th>name</th><th>where</th><th>difference</th><th>changed by / on</th></tr></thead><tbody>
${sorted.map((f) => row(f, showKind)).join('\n')}
</tbody></table>`;
}

const kindRank = (kind: string) => (KIND_ORDER.includes(kind) ? KIND_ORDER.indexOf(kind) : KIND_ORDER.length);

/**
 * One self-contained page (no scripts, nothing fetched): summary counts, a table per kind with the
 * attribute diffs, and the objects the tool does not manage folded away at the end.
 */
export function driftAsHtml(report: DriftReport): string {
  const actionable = report.findings.filter((f) => f.where !== 'unmanaged');
  const unmanaged = report.findings.filter((f) => f.where === 'unmanaged');
  const kinds = [...new Set(actionable.map((f) => f.kind))].sort((a, b) => kindRank(a) - kindRank(b));
  const cards = WHERE_ORDER.map(
    (w) =>
      `<div class="card"><b class="${report.counts[w] ? (w === 'unmanaged' ? 'dim' : 'bad') : 'ok'}">${report.counts[w]}</b>${esc(WHERE_LABEL[w])}</div>`,
  ).join('');
  const tables = kinds
    .map((kind) => `<h2>${esc(kind)}</h2>\n${table(actionable.filter((f) => f.kind === kind))}`)
    .join('\n');
  const folded = unmanaged.length
    ? `<details><summary>${unmanaged.length} object(s) in Superset that this tool does not manage</summary>\n${table(unmanaged, true)}</details>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Drift: ${esc(report.environment)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body>
<h1>Drift report: ${esc(report.environment)}</h1>
<p class="meta">Generated ${esc(report.generatedAt)} · git <code>${esc(report.gitCommit?.slice(0, 12) ?? '-')}</code> · registry <code>${esc(report.registryCommit?.slice(0, 12) ?? '-')}</code> · ${report.objectsChecked} objects checked</p>
<p class="${actionable.length ? 'bad' : 'ok'}"><strong>${esc(driftSummaryLine(report))}</strong></p>
<div class="cards">${cards}</div>
${tables || '<p class="ok">Nothing to act on: git, the registry and Superset agree.</p>'}
${folded}
</body></html>
`;
}
