import { composeBody, markerFor } from './body.js';
import type { GitHubPort } from './port.js';

export interface StickyResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url: string;
  /** Duplicates (left by runs that raced) deleted. */
  removed: number;
}

/**
 * One comment per pull request and key, edited in place on every push instead of a new comment
 * each time. The comment is found again by its hidden marker.
 */
export async function upsertStickyComment(
  github: GitHubPort,
  issue: number,
  key: string,
  content: string,
  footer = '',
): Promise<StickyResult> {
  const marker = markerFor(key);
  const body = composeBody(marker, content, footer);
  const ours = (await github.listComments(issue)).filter((c) => c.body.startsWith(marker));
  const [first, ...rest] = ours;
  if (!first) {
    const created = await github.createComment(issue, body);
    return { action: 'created', id: created.id, url: created.url, removed: 0 };
  }
  // Only our own duplicates go: a person's comment that happens to quote the marker stays.
  const duplicates = rest.filter((c) => c.author === first.author);
  for (const d of duplicates) await github.deleteComment(d.id);
  if (first.body === body)
    return { action: 'unchanged', id: first.id, url: first.url, removed: duplicates.length };
  const updated = await github.updateComment(first.id, body);
  return { action: 'updated', id: updated.id, url: updated.url, removed: duplicates.length };
}
