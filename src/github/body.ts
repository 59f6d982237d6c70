import { GitHubError } from './errors.js';

/** GitHub refuses comment and issue bodies longer than this. */
export const MAX_BODY = 65_536;

const KEY = /^[A-Za-z0-9_.:-]{1,100}$/;

/** The hidden line that finds our comment or issue again: `<!-- superset-gitops:KEY -->`. */
export function markerFor(key: string): string {
  if (!KEY.test(key))
    throw new GitHubError(
      `Marker ${JSON.stringify(key)} may only hold letters, digits and _ . : - (1 to 100).`,
    );
  return `<!-- superset-gitops:${key} -->`;
}

/**
 * Marker, content and footer within GitHub's limit: a long content is cut at a line boundary and
 * says so, and the footer (where the full report is) always survives.
 */
export function composeBody(marker: string, content: string, footer = ''): string {
  const tail = footer ? `\n\n${footer}` : '';
  const room = MAX_BODY - marker.length - tail.length - 1;
  let text = content.trimEnd();
  if (text.length > room) {
    const note = `\n\n… cut: ${text.length} characters, GitHub allows ${MAX_BODY}; the full text is in the run's summary and artifacts.`;
    const cut = text.slice(0, room - note.length - '\n```'.length);
    const lastLine = cut.lastIndexOf('\n');
    const kept = lastLine > 0 ? cut.slice(0, lastLine) : cut;
    text = kept + closeFence(kept) + note;
  }
  return `${marker}\n${text}${tail}`;
}

/** A cut inside a ``` block would swallow the note: close it. */
function closeFence(text: string): string {
  return (text.match(/^```/gm)?.length ?? 0) % 2 === 1 ? '\n```' : '';
}
