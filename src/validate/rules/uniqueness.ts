import { problemFor } from '../../load/parse-file.js';
import { deriveUuid } from '../../model/object.js';
import type { Problem } from '../../model/problem.js';
import { OBJECT_KINDS } from '../../schema/index.js';
import { ofKind, type CheckedFile, type RuleContext } from './context.js';

/** Names per kind, uuids across kinds, dashboard slugs and environment names must be unique. */
export function uniqueness(ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  const firstSeen = (seen: Map<string, CheckedFile>, key: string, file: CheckedFile) => {
    const first = seen.get(key);
    if (!first) seen.set(key, file);
    return first;
  };
  const uuids = new Map<string, CheckedFile>();
  for (const kind of [...OBJECT_KINDS, 'environment'] as const) {
    const names = new Map<string, CheckedFile>();
    for (const file of ofKind(ctx, kind)) {
      const name = file.spec.name;
      const first = firstSeen(names, name, file);
      if (first) {
        problems.push(
          problemFor(
            file.parsed,
            ['name'],
            'duplicate-name',
            `Another ${kind} is already named ${JSON.stringify(name)} (${first.parsed.file}); names must be unique per kind.`,
          ),
        );
      }
      if (kind === 'environment') continue;
      const spec = file.spec as { uuid?: string };
      const uuid = (spec.uuid ?? deriveUuid(kind, name)).toLowerCase();
      const owner = firstSeen(uuids, uuid, file);
      if (owner) {
        problems.push(
          problemFor(
            file.parsed,
            spec.uuid ? ['uuid'] : ['name'],
            'duplicate-uuid',
            `uuid ${uuid} is already used by ${owner.kind} ${JSON.stringify(owner.parsed.value?.name)} (${owner.parsed.file}).`,
          ),
        );
      }
    }
  }
  const slugs = new Map<string, CheckedFile>();
  for (const file of ofKind(ctx, 'dashboard')) {
    if (file.spec.slug === undefined) continue;
    const first = firstSeen(slugs, file.spec.slug, file);
    if (first) {
      problems.push(
        problemFor(
          file.parsed,
          ['slug'],
          'duplicate-slug',
          `Slug ${JSON.stringify(file.spec.slug)} is already used by dashboard ${JSON.stringify(first.spec.name)} (${first.parsed.file}).`,
        ),
      );
    }
  }
  return problems;
}
