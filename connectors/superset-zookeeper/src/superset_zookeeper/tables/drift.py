"""registry://drift: the current drift findings of each environment. The `drift` node points at
one generation drift/<gen>/f-<i> written whole; we follow the pointer, as the tool does."""

import re
from collections.abc import Iterator

from shillelagh.fields import DateTime, String
from shillelagh.filters import Range

from ..bounds import Bounds, Row, time_predicate
from ..values import Corrupt, integer, json_text, load_object, text, timestamp
from ..reads import get_many
from .base import ReadContext, Table, environment_column, per_environment

_GENERATION = re.compile(r"^[0-9a-zA-Z_-]+$")
_WHERE = ("superset", "zookeeper", "not-applied", "missing", "unmanaged")


class DriftTable(Table):
    columns = {
        "environment": environment_column(),
        "kind": String(),
        "name": String(),
        "uuid": String(),
        "object": String(),
        "attribute": String(),
        "expected": String(),
        "actual": String(),
        "differs_in": String(),
        "detected_at": DateTime(filters=[Range], exact=True),
        "changed_by": String(),
        "changed_on": DateTime(),
        "message": String(),
        "written_at": DateTime(),
        "error": String(),
    }

    def rows(self, ctx: ReadContext, bounds: Bounds) -> Iterator[Row]:
        keep = time_predicate(bounds, ["detected_at"])
        rows = per_environment(ctx, bounds, lambda env, path: _findings(ctx, env, f"{path}/drift"))
        return (row for row in rows if keep(row))


def _findings(ctx: ReadContext, env: str, pointer_path: str) -> Iterator[Row]:
    pointer_node = next(get_many(ctx.client, [pointer_path], ctx.timeout), None)
    if pointer_node is None or (pointer_node.error is None and not pointer_node.data):
        return  # no drift node (not a registry) or no findings written yet
    if pointer_node.error is not None:
        yield {"environment": env, "error": f"{pointer_path}: {pointer_node.error}"}
        return
    try:
        pointer = load_object(pointer_node.data)
        generation = text(pointer, "generation")
        if not _GENERATION.match(generation or ""):
            raise Corrupt(f"generation is not a node name: {generation!r}")
        count = integer(pointer, "count", minimum=0) or 0
        written_at = timestamp(pointer, "writtenAt")
    except Corrupt as ex:
        yield {"environment": env, "error": f"{pointer_path}: {ex}"}
        return
    paths = [f"{pointer_path}/{generation}/f-{i:06d}" for i in range(count)]
    found = {node.path: node for node in get_many(ctx.client, paths, ctx.timeout)}
    for path in paths:
        node = found.get(path)
        base: Row = {"environment": env, "written_at": written_at}
        if node is None:
            # Replaced by a newer generation while we read, or removed by hand.
            yield {**base, "error": f"{path}: missing (the pointer says {count} findings)"}
        elif node.error is not None:
            yield {**base, "error": f"{path}: {node.error}"}
        else:
            yield _row(base, path, node.data)


def _row(base: Row, path: str, data: bytes | None) -> Row:
    try:
        finding = load_object(data)
        kind, name = text(finding, "kind"), text(finding, "name")
        where = text(finding, "where")
        if where not in _WHERE:
            raise Corrupt(f"where must be one of {', '.join(_WHERE)}, got {where!r}")
        return {
            **base,
            "kind": kind,
            "name": name,
            "uuid": text(finding, "uuid", optional=True),
            "object": f"{kind} {name}",
            "attribute": text(finding, "attribute", optional=True),
            "expected": json_text(finding.get("expected")),
            "actual": json_text(finding.get("actual")),
            "differs_in": where,
            "detected_at": timestamp(finding, "detectedAt"),
            "changed_by": text(finding, "changedBy", optional=True),
            "changed_on": timestamp(finding, "changedOn", optional=True),
            "message": text(finding, "message", optional=True),
            "error": None,
        }
    except Corrupt as ex:
        return {**base, "error": f"{path}: {ex}"}
