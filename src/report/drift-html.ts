import type { DriftFinding, DriftReport, DriftWhere } from '../drift/types.js';
import { driftSummaryLine, WHERE_LABEL } from './drift-text.js';
import { showValue } from './plan-text.js';

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
.tag{display:inline-block;border-radius:1em;padding:0 .6em;font-size:12px;background:#eee}
.superset{background:#fff1c2}.zookeeper{background:#ffd6d6}.not-applied{background:#ddf4ff}.missing{background:#ffd6d6}.unmanaged{background:#eee}
.old{color:#cf222e}.new{color:#1a7f37}`;

function row(f: DriftFinding): string {
  const value = (v: unknown) => `<code>${esc(showValue((v ?? undefined) as never, 300))}</code>`;
  const change = f.attribute
    ? `<code>${esc(f.attribute)}</code><br><span class="new">expected ${value(f.expected)}</span><br><span class="old">found ${value(f.actual)}</span>`
    : esc(f.message);
  return `<tr><td>${esc(f.name)}</td><td><span class="tag ${f.where}">${esc(WHERE_LABEL[f.where])}</span></td><td>${change}</td><td>${esc(f.changedBy ?? '')}${f.changedOn ? `<br><span class="dim">${esc(f.changedOn)}</span>` : ''}</td></tr>`;
}

/** One self-contained page: summary counts, a table per kind, the attribute diffs. No scripts, no fetches. */
export function driftAsHtml(report: DriftReport): string {
  const kinds = [...new Set(report.findings.map((f) => f.kind))];
  const cards = (Object.keys(WHERE_LABEL) as DriftWhere[])
    .map(
      (w) =>
        `<div class="card"><b class="${report.counts[w] ? (w === 'unmanaged' ? 'dim' : 'bad') : 'ok'}">${report.counts[w]}</b>${esc(WHERE_LABEL[w])}</div>`,
    )
    .join('');
  const tables = kinds
    .map((kind) => {
      const rows = report.findings
        .filter((f) => f.kind === kind)
        .map(row)
        .join('\n');
      return `<h2>${esc(kind)}</h2>\n<table><thead><tr><th>name</th><th>where</th><th>difference</th><th>changed by / on</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Drift: ${esc(report.environment)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body>
<h1>Drift report: ${esc(report.environment)}</h1>
<p class="meta">Generated ${esc(report.generatedAt)} · git <code>${esc(report.gitCommit?.slice(0, 12) ?? '-')}</code> · registry <code>${esc(report.registryCommit?.slice(0, 12) ?? '-')}</code> · ${report.objectsChecked} objects checked</p>
<p class="${report.findings.some((f) => f.where !== 'unmanaged') ? 'bad' : 'ok'}"><strong>${esc(driftSummaryLine(report))}</strong></p>
<div class="cards">${cards}</div>
${tables || '<p class="ok">Nothing differs.</p>'}
</body></html>
`;
}
