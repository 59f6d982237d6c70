/** A problem found in the metadata tree, always tied to a place in a file. */
export interface Problem {
  file: string;
  line: number;
  col: number;
  /** Field path inside the object, e.g. `columns[2].name`; empty for the whole file. */
  path: string;
  /** Stable rule code, e.g. `dangling-reference`; tests and tools match on it. */
  rule: string;
  message: string;
  severity: 'error' | 'warning';
}

export type PathSegment = string | number;

/** `['columns', 2, 'name']` -> `columns[2].name` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.rule.localeCompare(b.rule),
  );
}
