// What `preview` says: per copy, what it is, where Superset shows it, and its PNGs.
import path from 'node:path';
import type { PreviewOutcome } from '../engine/preview-run.js';

const json = (v: unknown) => JSON.stringify(v);

export function previewAsText(outcome: PreviewOutcome): string {
  const lines = [
    `Preview ${outcome.id}: ${outcome.created} created, ${outcome.updated} updated, ${outcome.deleted} deleted.`,
  ];
  if (!outcome.objects.length)
    lines.push('The change touches no dataset, chart or dashboard: nothing to preview.');
  for (const o of outcome.objects) {
    lines.push(
      `  ${o.kind} ${json(o.name)}${o.touched ? '' : ' (shown by a changed dashboard)'}: ${o.url ?? 'not in Superset'}${o.originalUrl ? ` (current: ${o.originalUrl})` : ' (new)'}`,
    );
    if (o.png) lines.push(`    png: ${o.png}`);
    if (o.originalPng) lines.push(`    png of the current one: ${o.originalPng}`);
  }
  for (const n of outcome.notes) lines.push(`note: ${n}`);
  for (const e of outcome.screenshotErrors) lines.push(`screenshot failed: ${e}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The "Preview" section of the pull request's comment: links to the copies, and the images by file
 * name (the workflow uploads them as an artifact; `imageBase` makes them inline where they are served).
 */
export function previewAsMarkdown(
  outcome: PreviewOutcome,
  imageBase?: string,
  artifactsUrl?: string,
): string {
  const image = (file: string | undefined, alt: string) => {
    if (!file) return '';
    const name = path.basename(file);
    return imageBase
      ? `![${alt}](${imageBase.replace(/\/+$/, '')}/${encodeURIComponent(name)})`
      : `\`${name}\``;
  };
  const lines = [
    '### Preview',
    '',
    `Preview copies of what this pull request changes (${outcome.created} created, ${outcome.updated} updated, ${outcome.deleted} deleted), titled \`[PR ${outcome.id}]\`; the real objects are not touched.`,
    '',
  ];
  if (!outcome.objects.length) lines.push('Nothing to preview: no dataset, chart or dashboard changes.');
  else {
    lines.push('| object | preview | current | images |', '|---|---|---|---|');
    for (const o of outcome.objects) {
      const images = [image(o.png, 'preview'), image(o.originalPng, 'current')].filter(Boolean).join(' ');
      lines.push(
        `| ${o.kind} ${json(o.name)}${o.touched ? '' : ' (on a changed dashboard)'} | ${o.url ? `[open](${o.url})` : '—'} | ${o.originalUrl ? `[open](${o.originalUrl})` : 'new'} | ${images} |`,
      );
    }
  }
  if (artifactsUrl && outcome.objects.some((o) => o.png))
    lines.push('', `The images are in the run's [\`preview\` artifact](${artifactsUrl}).`);
  for (const n of outcome.notes) lines.push('', `Note: ${n}`);
  if (outcome.screenshotErrors.length)
    lines.push('', `Screenshots that failed: ${outcome.screenshotErrors.map((e) => `\`${e}\``).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
