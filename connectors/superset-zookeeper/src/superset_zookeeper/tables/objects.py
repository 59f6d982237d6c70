"""registry://objects: what the tool owns now, one row per applied/<kind>/<uuid> record."""

from collections.abc import Iterator

from shillelagh.fields import Boolean, DateTime, Integer, String
from shillelagh.filters import Equal, Range

from ..bounds import Bounds, Row, equal_to, time_predicate
from ..names import decode_or_raw, encode_name
from ..reads import children, get_many, list_many
from ..values import Corrupt, flag, integer, load_object, text, timestamp
from .base import ReadContext, Table, environment_column, per_environment


_FROM_PATHS = frozenset({"environment", "kind", "uuid"})


class ObjectsTable(Table):
    columns = {
        "environment": environment_column(),
        # Equality reads only that kind's records.
        "kind": String(filters=[Equal], exact=True),
        "name": String(),
        "uuid": String(),
        "superset_id": Integer(),
        "applied_commit": String(),
        "applied_at": DateTime(filters=[Range], exact=True),
        "content_hash": String(),
        "changed_on": DateTime(),
        "protected": Boolean(),
        "error": String(),
    }

    def rows(self, ctx: ReadContext, bounds: Bounds) -> Iterator[Row]:
        keep = time_predicate(bounds, ["applied_at"])
        wanted_kind = equal_to(bounds, "kind")

        def read(env: str, env_path: str) -> Iterator[Row]:
            applied = f"{env_path}/applied"
            if wanted_kind is not None:
                kinds = [encode_name(str(wanted_kind))]
            else:
                kinds = children(ctx.client, applied) or []
            paths: list[str] = []
            for listing in list_many(ctx.client, (f"{applied}/{k}" for k in kinds), ctx.timeout):
                if listing.error is not None:
                    kind = decode_or_raw(listing.path.rsplit("/", 1)[1])
                    row = {"environment": env, "kind": kind, "error": f"{listing.path}: {listing.error}"}
                    if keep(row):
                        yield row
                paths.extend(f"{listing.path}/{u}" for u in listing.children)
            if ctx.requested is not None and ctx.requested <= _FROM_PATHS:
                # Counting or grouping by kind: the paths say all the query needs.
                for path in paths:
                    kind_node, uuid_node = path.rsplit("/", 2)[1:]
                    yield {"environment": env, "kind": decode_or_raw(kind_node), "uuid": decode_or_raw(uuid_node)}
                return
            for node in get_many(ctx.client, paths, ctx.timeout):
                row = _row(env, node.path, node.data, node.error)
                if keep(row):
                    yield row

        return per_environment(ctx, bounds, read)


def _row(env: str, path: str, data: bytes | None, error: str | None) -> Row:
    kind_node, uuid_node = path.rsplit("/", 2)[1:]
    base: Row = {"environment": env, "kind": decode_or_raw(kind_node), "uuid": decode_or_raw(uuid_node)}
    if error is not None:
        return {**base, "error": f"{path}: {error}"}
    try:
        record = load_object(data)
        kind, uuid = text(record, "kind"), text(record, "uuid")
        if (kind, uuid) != (base["kind"], base["uuid"]):
            raise Corrupt(f"record is for {kind} {uuid}, not the {base['kind']} {base['uuid']} its path names")
        return {
            **base,
            "name": text(record, "name"),
            "superset_id": integer(record, "supersetId"),
            "applied_commit": text(record, "commit"),
            "applied_at": timestamp(record, "appliedAt"),
            "content_hash": text(record, "hash"),
            "changed_on": timestamp(record, "changedOn", optional=True),
            "protected": flag(record, "protected") or False,
            "error": None,
        }
    except Corrupt as ex:
        return {**base, "error": f"{path}: {ex}"}
