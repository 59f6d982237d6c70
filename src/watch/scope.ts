/**
 * Which parts of an environment's tree the agent follows: every node's data, except the findings it
 * writes itself (watching them would report its own writes), the history and lock entries (their
 * coming and going is the news), and the contents of snapshots other than the current one. Objects
 * shared by snapshots (objects/<kind>/<node>) are followed one by one: the current snapshot's are
 * among them.
 */
export function agentScope(
  root: string,
  currentSnapshot: () => string | null,
): (path: string) => { data: boolean; descend: boolean } | null {
  return (path) => {
    const rel = path.slice(root.length);
    if (rel === '/drift' || rel.startsWith('/drift/')) return null;
    // Pull-request previews keep their own registries under the root: not this environment's state.
    if (rel === '/previews' || rel.startsWith('/previews/')) return null;
    if (rel === '/history' || rel === '/snapshots' || rel === '/lock' || rel === '/agents')
      return { data: false, descend: true };
    if (rel === '/objects' || /^\/objects\/[^/]+$/.test(rel)) return { data: false, descend: true };
    if (rel.startsWith('/objects/')) return { data: true, descend: false };
    if (rel.startsWith('/history/')) return { data: false, descend: false };
    if (rel.startsWith('/snapshots/'))
      return { data: true, descend: rel.split('/')[2] === currentSnapshot() };
    return { data: true, descend: true };
  };
}

/** Whether a change under `root` can change the desired or applied state the agent compares with. */
export function changesRegistryState(root: string, path: string, currentSnapshot: string | null): boolean {
  const rel = path.slice(root.length);
  return (
    rel === '/current' ||
    rel === '/applied' ||
    rel.startsWith('/applied/') ||
    // An object's bytes changed (objects are never rewritten; a new one changes nothing until
    // `current` names a snapshot that has it).
    /^\/objects\/[^/]+\/[^/]+$/.test(rel) ||
    (currentSnapshot !== null &&
      (rel === `/snapshots/${currentSnapshot}` || rel.startsWith(`/snapshots/${currentSnapshot}/`)))
  );
}
