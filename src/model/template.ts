/** A `${namespace.name}` reference inside a string. */
export interface TemplateRef {
  raw: string;
  namespace: string;
  name: string;
  fallback?: string;
  index: number;
}

/** Variables every environment has without declaring them (`zookeeper_connect`: its registry's connect string). */
export const BUILTIN_VARIABLES: readonly string[] = ['project_dir', 'environment', 'zookeeper_connect'];

const REF = /(\$?)\$\{([^}]*)\}/g;

export function findTemplateRefs(text: string): TemplateRef[] {
  const out: TemplateRef[] = [];
  for (const m of text.matchAll(REF)) {
    if (m[1] === '$') continue; // `$${` is an escaped literal
    const body = m[2] ?? '';
    const parsed = /^(env|var)\.([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s.exec(body);
    out.push({
      raw: m[0],
      namespace: parsed?.[1] ?? body,
      name: parsed?.[2] ?? '',
      fallback: parsed?.[3],
      index: m.index ?? 0,
    });
  }
  return out;
}

/** Replaces references; unknown or unresolvable ones are passed to `onMissing`, which returns a stand-in. */
export function substitute(
  text: string,
  resolve: (ref: TemplateRef) => string | undefined,
  onMissing: (ref: TemplateRef) => string,
): string {
  // Every reference (and every `$${` escape) holds `${`: most strings hold none and are kept as they are.
  if (!text.includes('${')) return text;
  return text.replace(REF, (raw: string, escape: string, _body: string, index: number) => {
    if (escape === '$') return raw.slice(1);
    const [ref] = findTemplateRefs(raw);
    if (!ref) return raw;
    return resolve({ ...ref, index }) ?? onMissing({ ...ref, index });
  });
}
