"""registry://applies: one row per apply in each environment's history (history/h-<seq>)."""

import re
from collections.abc import Iterator

from shillelagh.fields import DateTime, Float, Integer, String
from shillelagh.filters import Range

from ..bounds import Bounds, Row, time_predicate
from ..reads import children, get_many
from ..values import Corrupt, integer, load_object, text, timestamp
from .base import ReadContext, Table, environment_column, per_environment

_ENTRY = re.compile(r"^h-(\d{10})$")
_RESULTS = ("success", "failure", "partial")
_TIMES = ["started_at", "finished_at"]


class AppliesTable(Table):
    columns = {
        "environment": environment_column(),
        "seq": Integer(),
        "commit_sha": String(),
        "author": String(),
        "message": String(),
        "started_at": DateTime(filters=[Range], exact=True),
        "finished_at": DateTime(filters=[Range], exact=True),
        "duration_s": Float(),
        "created": Integer(),
        "updated": Integer(),
        "deleted": Integer(),
        "failed": Integer(),
        "changes": Integer(),
        "result": String(),
        "error": String(),
    }

    def rows(self, ctx: ReadContext, bounds: Bounds) -> Iterator[Row]:
        keep = time_predicate(bounds, _TIMES)

        def read(env: str, env_path: str) -> Iterator[Row]:
            history = f"{env_path}/history"
            names = [n for n in children(ctx.client, history) or [] if _ENTRY.match(n)]
            names.sort(reverse=True)  # newest first, like `state history`
            for node in get_many(ctx.client, (f"{history}/{n}" for n in names), ctx.timeout):
                row = _row(env, node.path, node.data, node.error)
                if keep(row):  # a corrupt row has no times: only shown when time is not bounded
                    yield row

        return per_environment(ctx, bounds, read)


def _row(env: str, path: str, data: bytes | None, error: str | None) -> Row:
    seq = int(path.rsplit("-", 1)[1])
    base: Row = {"environment": env, "seq": seq, "error": None}
    if error is not None:
        return {**base, "error": f"{path}: {error}"}
    try:
        entry = load_object(data)
        started = timestamp(entry, "startedAt")
        finished = timestamp(entry, "finishedAt")
        counts = {k: integer(entry, k, minimum=0) for k in ("created", "updated", "deleted", "failed")}
        result = text(entry, "result")
        if result not in _RESULTS:
            raise Corrupt(f"result must be one of {', '.join(_RESULTS)}, got {result!r}")
        return {
            **base,
            "commit_sha": text(entry, "commit"),
            "author": text(entry, "author"),
            "message": text(entry, "message", optional=True),
            "started_at": started,
            "finished_at": finished,
            "duration_s": (finished - started).total_seconds() if started and finished else None,
            **counts,
            "changes": sum(counts[k] or 0 for k in ("created", "updated", "deleted")),
            "result": result,
        }
    except Corrupt as ex:
        return {**base, "error": f"{path}: {ex}"}
