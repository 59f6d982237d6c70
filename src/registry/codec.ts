// What we store in znodes, as schemas: every read is parsed and checked before use, so a node that
// someone edited by hand (or a half-written one) is a CorruptNodeError naming its path, not a crash
// or an `undefined` deep in the planner.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { canonicalJson, type Json } from '../model/canonical.js';
import { CorruptNodeError } from './errors.js';
import type { SnapshotObject } from './registry.js';

const Str = Type.String();
const Count = Type.Integer({ minimum: 0 });
const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' });
/** Becomes a path segment: only what encodeName and snapshotId produce, never "/" or "..". */
const SnapshotId = Type.String({ pattern: '^[A-Za-z0-9_%-]+$' });

export const PointerSchema = Type.Object({
  snapshotId: SnapshotId,
  commit: Str,
  author: Str,
  message: Type.Optional(Str),
  time: Str,
  objectCount: Count,
  contentHash: Hash,
  movedAt: Str,
});

export const SnapshotMetaSchema = Type.Object({
  id: SnapshotId,
  commit: Str,
  author: Str,
  message: Type.Optional(Str),
  time: Str,
  objectCount: Count,
  contentHash: Hash,
  complete: Type.Boolean(),
  /** 2: objects shared under objects/, a manifest under the snapshot; absent: objects under the snapshot. */
  layout: Type.Optional(Type.Literal(2)),
});
export type SnapshotMeta = Static<typeof SnapshotMetaSchema>;

/** One node of a snapshot's manifest: its objects, each with the sha256 of its stored bytes. */
export const ManifestSchema = Type.Array(
  Type.Object({ kind: Str, name: Str, uuid: Str, hash: Hash }, { additionalProperties: false }),
);

export const StoredObjectSchema = Type.Object({
  kind: Str,
  name: Str,
  uuid: Str,
  body: Type.Unknown(),
});

export const AppliedSchema = Type.Object({
  kind: Str,
  name: Str,
  uuid: Str,
  supersetId: Type.Integer(),
  hash: Str,
  appliedAt: Str,
  commit: Str,
  changedOn: Type.Optional(Type.Union([Str, Type.Null()])),
  protected: Type.Optional(Type.Boolean()),
  /** HMAC-SHA-256 digests of the secrets sent, by field: rotation is detected without storing them. */
  secrets: Type.Optional(Type.Record(Str, Hash)),
  /** HMAC-SHA-256 over the record and the registry root: a record nobody with the key wrote fails it. */
  mac: Type.Optional(Hash),
});

export const HolderSchema = Type.Object({
  host: Str,
  pid: Type.Integer(),
  runUrl: Type.Optional(Str),
  user: Type.Optional(Str),
  since: Str,
});

export const HistorySchema = Type.Object({
  commit: Str,
  author: Str,
  startedAt: Str,
  finishedAt: Str,
  created: Count,
  updated: Count,
  deleted: Count,
  failed: Count,
  result: Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('partial')]),
  message: Type.Optional(Str),
  runUrl: Type.Optional(Str),
  /** Whether this apply moved `current` to what it applied ('kept': a --target or unfinished apply). */
  current: Type.Optional(Type.Union([Type.Literal('moved'), Type.Literal('kept')])),
  /** The --target keys of a targeted apply. */
  targets: Type.Optional(Type.Array(Str)),
});

export const DriftPointerSchema = Type.Object({
  generation: Type.String({ pattern: '^[0-9a-zA-Z_-]+$' }),
  count: Count,
  contentHash: Hash,
  writtenAt: Str,
});
export type DriftPointer = Static<typeof DriftPointerSchema>;

/** Any JSON value: what JSON.parse returns is JSON by construction. */
export function decodeJson(path: string, data: Buffer): Json {
  return decode(path, data, Type.Unknown()) as Json;
}

/** One snapshot object. */
export function decodeObject(path: string, data: Buffer): SnapshotObject {
  const { kind, name, uuid, body } = decode(path, data, StoredObjectSchema);
  return { kind, name, uuid, body: body as Json };
}

export function encode(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Each schema compiled once: a run checks thousands of records, and Value.Check walks the schema each time. */
const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();
function checker<S extends TSchema>(schema: S): TypeCheck<S> {
  let check = compiled.get(schema);
  if (!check) compiled.set(schema, (check = TypeCompiler.Compile(schema)));
  return check as TypeCheck<S>;
}

/** Parses and checks one node's data; throws CorruptNodeError naming `path`. */
export function decode<S extends TSchema>(path: string, data: Buffer, schema: S): Static<S> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(data));
  } catch (err) {
    const preview = JSON.stringify(data.subarray(0, 40).toString('utf8'));
    throw new CorruptNodeError(path, `not UTF-8 JSON (starts ${preview})`, { cause: err });
  }
  if (!checker(schema).Check(value)) {
    const first = Value.Errors(schema, value).First();
    const where = first ? `${first.path || '/'}: ${first.message}` : 'unexpected shape';
    throw new CorruptNodeError(path, `unexpected content at ${where}`);
  }
  return value;
}
