import { kindsInUse, listLive, readLive, type Listing, type LiveState } from '../live/read-live.js';
import type { KeptRows } from '../live/cached-list.js';
import type { AnyDesired } from '../model/object.js';
import { desiredEntry } from '../plan/desired.js';
import { planChanges } from '../plan/plan.js';
import type { AppliedEntry, DesiredEntry, Plan, PlanOptions } from '../plan/types.js';
import type { AppliedRecord, AppliedState } from '../registry/registry.js';
import { checkRecord, type RecordTrust } from '../registry/record-mac.js';
import { OBJECT_KINDS, type ObjectKind } from '../schema/index.js';
import type { Services } from './services.js';
import type { EarlyListing } from './early-reads.js';
import { nextTurn } from './next-turn.js';
import { ReadsAhead, RecordTap } from '../live/read-ahead.js';
import { describeUnknownTargets, unknownTargets } from '../plan/targets.js';
import { UserError } from '../errors/user-error.js';
import { RECORD_KEY_VARIABLE } from './secret-book.js';
import { ATTRIBUTE_OPTIONS, attributeOptionsFor } from '../superset-map/attribute-options.js';
import { unknownPrincipals, type UnknownPrincipal } from '../plan/principals.js';
import type { Principals, SupersetPort } from '../superset/port.js';
import { readFile } from 'node:fs/promises';
import { parseFile, problemFor } from '../load/parse-file.js';

export function toAppliedEntry(r: AppliedRecord): AppliedEntry | undefined {
  if (!(OBJECT_KINDS as readonly string[]).includes(r.kind)) return undefined;
  return {
    kind: r.kind as ObjectKind,
    name: r.name,
    uuid: r.uuid,
    supersetId: r.supersetId,
    hash: r.hash,
    changedOn: r.changedOn ?? null,
    ...(r.protected ? { protected: true } : {}),
    ...(r.secrets ? { secrets: r.secrets } : {}),
  };
}

/** An applied record the tool will not act on: unreadable, or its MAC does not verify (or it has none). */
export interface UntrustedRecord {
  record: AppliedRecord;
  trust: Exclude<RecordTrust, 'verified'> | 'unreadable';
  path: string;
  /** For an unreadable record: what is wrong with it. */
  reason?: string;
}

export interface Ownership {
  applied: AppliedEntry[];
  /** The records behind `applied`, as read, for callers that write them back. */
  records: AppliedRecord[];
  untrusted: UntrustedRecord[];
}

/**
 * The applied records the tool trusts. With a key, only records whose MAC verifies: a record someone
 * wrote into ZooKeeper by hand (or one from before records were signed) is reported, never acted on.
 * Without a key nothing can be checked, and every record that reads back counts. A record that does
 * not read back is one finding; the others are read as usual.
 */
export type OwnershipSource = Pick<Services, 'registry' | 'registryRoot'> & {
  secrets: Pick<Services['secrets'], 'key'>;
};

export async function readOwnership(
  services: OwnershipSource,
  read: Promise<AppliedState> = services.registry.readAppliedState(),
): Promise<Ownership> {
  const { records, unreadable } = await read;
  const key = services.secrets.key?.key;
  const applied: AppliedEntry[] = [];
  const trusted: AppliedRecord[] = [];
  const untrusted: UntrustedRecord[] = unreadable.map((u) => ({
    record: {
      kind: u.kind,
      name: u.uuid,
      uuid: u.uuid,
      supersetId: 0,
      hash: '',
      appliedAt: '',
      commit: '',
    },
    trust: 'unreadable',
    path: u.path,
    reason: u.reason,
  }));
  for (const record of records) {
    const trust = key ? checkRecord(record, key, services.registryRoot) : 'verified';
    if (trust === 'verified') {
      const entry = toAppliedEntry(record);
      if (entry) {
        applied.push(entry);
        trusted.push(record);
      }
    } else {
      untrusted.push({
        record,
        trust,
        path: `${services.registryRoot}/applied/${record.kind}/${record.uuid}`,
      });
    }
  }
  return { applied, records: trusted, untrusted };
}

/** One line per untrusted record, for plan, apply and drift output. */
export function describeUntrusted(u: UntrustedRecord): string {
  if (u.trust === 'unreadable') {
    return `registry: unreadable record at ${u.path}: ${u.reason ?? 'unexpected content'}; apply skips that ${u.record.kind} until the record is repaired (deleted, then \`apply --adopt\`).`;
  }
  const why =
    u.trust === 'forged'
      ? 'its signature does not match (written or edited without the record key)'
      : 'it is not signed (written by hand, or by a version without signed records)';
  return `registry tampered: applied record for ${u.record.kind} ${JSON.stringify(u.record.name)} (uuid ${u.record.uuid}, Superset id ${u.record.supersetId}) is not trusted: ${why}; the tool neither changes nor deletes that object because of it. Remove the node, run \`state sign\` if the tool made it before records were signed, or adopt it with \`apply --adopt\`.`;
}

export interface PlanRun {
  plan: Plan;
  live: LiveState;
  entries: DesiredEntry[];
  applied: AppliedEntry[];
  untrusted: UntrustedRecord[];
  /** The applied records behind `applied`, as read before the plan. */
  records: AppliedRecord[];
  /** Things to say once (stderr): untrusted records, secrets that cannot be compared. */
  notices: string[];
}

/** The planner's entry for an object, with its secret fields and their digests. */
export function entryWithSecrets(
  obj: AnyDesired,
  services: Pick<Services, 'secrets' | 'managed'>,
): DesiredEntry {
  const entry = desiredEntry(obj, attributeOptionsFor(services.managed));
  const fields = services.secrets.fields(obj);
  if (fields.length === 0) return entry;
  const digests = services.secrets.digests(obj);
  return { ...entry, secrets: { fields, ...(digests ? { digests } : {}) } };
}

/** Reads the applied state and live Superset, and plans; the only IO is in the readers. */
export async function runPlan(
  environment: string,
  objects: readonly AnyDesired[],
  services: Services,
  options: PlanOptions & {
    readAll?: boolean;
    /**
     * Objects in `objects` only so that others can refer to them (a preview uses the real datasets):
     * never created, changed or deleted, by uuid with why.
     */
    reuse?: ReadonlyMap<string, string>;
    /** Called with the desired entries (hashed) once the registry is read, while Superset may still be listed. */
    onEntries?: (entries: readonly DesiredEntry[]) => void;
    /** Called when some objects may differ (they are read in full): an apply is then likely to write. */
    onFullRead?: () => void;
  },
): Promise<PlanRun> {
  // Superset is listed (the login first) while the registry is read: neither waits on the other. Both
  // may have started before the tree was read (EarlyReads); --read-all lists afresh.
  const early = services.early?.take() ?? {};
  const ahead = options.readAll ? undefined : early.listing;
  const kept = options.readAll ? undefined : (ahead?.kept ?? services.listStore?.read());
  // Each record is handed to the reads ahead (below) as it arrives, whoever started the reading.
  let { records: reading, tap } = early;
  if (!reading) {
    const own = new RecordTap();
    reading = services.registry.readAppliedState({ onRecord: own.push });
    tap = own;
  }
  const ownership = readOwnership(services, reading);
  const listing = listInUse(services.port, kept, objects, ownership, ahead);
  const principals = objects.some(namesPrincipals) ? readPrincipals(services.port) : undefined;
  // Roles are written by permission ids: Superset's permissions are read with its users and roles.
  const permissions =
    objects.some((o) => o.kind === 'role') && services.port.permissions
      ? services.port.permissions()
      : undefined;
  // The desired side is hashed while those requests are out (handled below; never left unhandled).
  for (const pending of [listing, ownership, principals, permissions]) pending?.catch(() => undefined);
  // One turn of the event loop first, so those requests are on the wire before the hashing holds it.
  await nextTurn();
  const entries = objects.map((o) => entryWithSecrets(o, services));
  // Handed over once the applied records are read: what it starts (an apply writing its snapshot)
  // then does not hold the event loop while the thousand record reads come back. Unless a record
  // shows a change first: that write then waits for the snapshot, which is better written by then.
  const { onEntries } = options;
  let changeSeen!: () => void;
  const changing = new Promise<void>((resolve) => (changeSeen = resolve));
  const handing = onEntries ? Promise.race([ownership, changing]).then(() => onEntries(entries)) : undefined;
  handing?.catch(() => undefined);
  // Objects whose desired hash is not their record's are read in full as their records come in.
  const readsAhead = options.readAll
    ? undefined
    : new ReadsAhead(services.port, new Map(entries.map((e) => [e.uuid, e])), () => {
        changeSeen();
        options.onFullRead?.();
      });
  if (readsAhead) tap?.subscribe(readsAhead.consider);
  const [{ applied, untrusted, records }] = await Promise.all([ownership, listing]);
  await handing; // its failure, should it throw, is this run's
  if (options.targets?.length) {
    const known = [...entries, ...applied, ...untrusted.map((u) => u.record)].map(
      (o) => `${o.kind}/${o.name}`,
    );
    const unknown = unknownTargets(options.targets, known);
    if (unknown.length) throw new UserError(describeUnknownTargets(unknown), 'unknown-target');
  }
  if (principals) {
    const known = await principals;
    const unknown = unknownPrincipals(objects, {
      users: known.users.map((u) => u.username),
      roles: known.roles.map((r) => r.name),
      ...(permissions ? { permissions: (await permissions).map((p) => p.name) } : {}),
    });
    if (unknown.length) throw new UserError(await describeUnknownPrincipals(unknown), 'unknown-principal');
  }
  // --read-all lists everything too; either way the listing is kept for the next run.
  const live = await readLive(services.port, entries, applied, ATTRIBUTE_OPTIONS, {
    fetchAll: options.readAll ?? false,
    listing,
    ...(principals ? { principals } : {}),
    ...(options.onFullRead ? { onFullRead: options.onFullRead } : {}),
    ...(readsAhead ? { ahead: readsAhead.started } : {}),
  });
  if (live.listingChanged) services.listStore?.write(live.listed);
  // An object whose record is unreadable or not trusted is left alone, and the plan says why.
  const skip = new Map(
    untrusted.map((u) => [
      u.record.uuid,
      u.trust === 'unreadable'
        ? `its applied record at ${u.path} is unreadable; repair it (delete the node, then apply --adopt)`
        : `its applied record is ${u.trust === 'forged' ? 'forged (the signature does not match)' : 'not signed'}; run \`state sign\` if the tool made it, or apply with --adopt`,
    ]),
  );
  const plan = planChanges(
    environment,
    entries,
    live.entries,
    applied,
    options,
    [...(options.adopt ? [] : skip), ...(options.reuse ?? [])].reduce(
      (m, [k, v]) => m.set(k, v),
      new Map<string, string>(),
    ),
  );
  const notices = untrusted.map(describeUntrusted);
  if (!services.secrets.key && !options.rotateSecrets && entries.some((e) => e.secrets)) {
    notices.push(
      `No ${RECORD_KEY_VARIABLE}: a changed database secret is not detected (nothing stores it to compare with); apply with --rotate-secrets to send every secret.`,
    );
  }
  return { plan, live, entries, applied, untrusted, records, notices };
}

/**
 * The listing of the kinds in use: those of the YAML at once, and a kind only owned objects have (a
 * CSS template taken out of the YAML, say) once the registry says so. With a listing started early
 * (`ahead`), only the kinds it lacks are listed; a kind it listed that is not in use is left out.
 */
export async function listInUse(
  port: SupersetPort,
  kept: KeptRows | undefined,
  objects: readonly AnyDesired[],
  ownership: Promise<{
    applied: readonly { kind: string }[];
    untrusted: readonly { record: { kind: string } }[];
  }>,
  ahead?: EarlyListing,
): Promise<Listing> {
  const listed: readonly ObjectKind[] = ahead?.kinds ?? [];
  const first = kindsInUse(objects);
  const parts: { kinds: readonly ObjectKind[]; listing: Promise<Listing> }[] = [];
  const list = (kinds: readonly ObjectKind[]) => {
    const listing = listLive(port, kept, kinds);
    listing.catch(() => undefined);
    parts.push({ kinds, listing });
  };
  if (ahead) parts.push({ kinds: ahead.kinds, listing: ahead.listing });
  const missing = first.filter((k) => !listed.includes(k));
  if (!ahead || missing.length) list(missing);
  const { applied, untrusted } = await ownership;
  const inUse = kindsInUse(
    objects,
    applied,
    untrusted.map((u) => u.record),
  );
  const more = inUse.filter((k) => !first.includes(k) && !listed.includes(k));
  if (more.length) list(more);
  const done = await Promise.all(parts.map((p) => p.listing));
  const out: Listing = { listed: {} as Listing['listed'], listingChanged: false };
  for (const kind of OBJECT_KINDS) out.listed[kind] = [];
  done.forEach((listing, i) => {
    for (const kind of parts[i]!.kinds) if (inUse.includes(kind)) out.listed[kind] = listing.listed[kind];
    out.listingChanged ||= listing.listingChanged;
  });
  // A kind listed early that is no longer in use leaves the kept rows, so the next run lists it no more.
  if (listed.some((k) => !inUse.includes(k))) out.listingChanged = true;
  return out;
}

/** Whether an object names owners or dashboard roles (Superset's users and roles are then read). */
export function namesPrincipals(o: AnyDesired): boolean {
  if (o.kind === 'row_level_security' || o.kind === 'role') return true;
  if (o.kind !== 'dataset' && o.kind !== 'chart' && o.kind !== 'dashboard') return false;
  return o.spec.owners !== undefined || (o.kind === 'dashboard' && o.spec.roles !== undefined);
}

/** Superset's users and roles; a port without them (or a Superset that refuses) is a clear error. */
export async function readPrincipals(port: SupersetPort): Promise<Principals> {
  if (!port.principals)
    throw new UserError('owners and dashboard roles need Superset users, which this port does not have.');
  try {
    return await port.principals();
  } catch (e) {
    const status = (e as { status?: unknown } | null)?.status;
    if (status === 404 || status === 405 || status === 403 || status === 401)
      throw new UserError(
        `owners and dashboard roles are written by id, and reading Superset's users and roles failed (${(e as Error).message}). They need an admin user and Superset's security API (FAB_ADD_SECURITY_API = True in superset_config.py; Superset 6.1 has it on by default, 5.0 and 4.1 off).`,
        'principals-unavailable',
        { cause: e },
      );
    throw e;
  }
}

/** `file:line:col field: message` per unknown name, the line found in the file when it still reads. */
async function describeUnknownPrincipals(unknown: readonly UnknownPrincipal[]): Promise<string> {
  const lines: string[] = [];
  const parsed = new Map<string, ReturnType<typeof parseFile> | undefined>();
  for (const u of unknown) {
    const file = u.object.source.file;
    if (!parsed.has(file)) {
      parsed.set(
        file,
        await readFile(file).then(
          (bytes) => parseFile(file, bytes),
          () => undefined,
        ),
      );
    }
    const found = parsed.get(file);
    const p = found
      ? problemFor(found, u.path, 'unknown-principal', u.message)
      : { file, line: u.object.source.line, col: u.object.source.col, path: u.path.join('.') };
    lines.push(
      `${p.file}:${p.line}:${p.col} ${u.object.kind} ${JSON.stringify(u.object.name)} ${p.path}: ${u.message}`,
    );
  }
  return `Plan stopped: ${unknown.length} owner${unknown.length === 1 ? '' : 's'} or role${unknown.length === 1 ? '' : 's'} unknown to Superset:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}
