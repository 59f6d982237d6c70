import * as core from '@actions/core';
import type { Problem } from '../model/problem.js';

/** GitHub workflow commands (`::error file=...,line=...,col=...::`), printed by @actions/core. */
export function emitAnnotations(problems: readonly Problem[]): void {
  for (const p of problems) {
    const props = { file: p.file, startLine: p.line, startColumn: p.col, title: `superset-gitops ${p.rule}` };
    const message = p.path ? `${p.message} (${p.path})` : p.message;
    if (p.severity === 'error') core.error(message, props);
    else core.warning(message, props);
  }
}
