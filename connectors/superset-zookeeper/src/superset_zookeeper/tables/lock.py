"""registry://lock: one row per environment: who holds the apply lock and since when. The holder
is the contender lock/<uuid>-lock-<seq> with the lowest sequence (src/registry/zk-lock.ts)."""

import re
from collections.abc import Iterator

from shillelagh.fields import Boolean, DateTime, Integer, String
from shillelagh.filters import Range

from ..bounds import Bounds, Row, time_predicate
from ..reads import children, get_many
from ..values import Corrupt, integer, load_object, text, timestamp
from .base import ReadContext, Table, environment_column, per_environment

_CONTENDER = re.compile(r"^[0-9a-f-]{36}-lock-(\d{10})$")


class LockTable(Table):
    columns = {
        "environment": environment_column(),
        "held": Boolean(),
        "holder_host": String(),
        "holder_pid": Integer(),
        "holder_user": String(),
        "run_url": String(),
        "since": DateTime(filters=[Range], exact=True),
        "sequence": Integer(),
        "waiters": Integer(),
        "error": String(),
    }

    def rows(self, ctx: ReadContext, bounds: Bounds) -> Iterator[Row]:
        keep = time_predicate(bounds, ["since"])
        def read(env: str, env_path: str) -> Iterator[Row]:
            row = _holder(ctx, env, f"{env_path}/lock")
            if row is not None:
                yield row

        return (row for row in per_environment(ctx, bounds, read) if keep(row))


def _holder(ctx: ReadContext, env: str, lock_path: str) -> Row | None:
    for _attempt in range(5):
        names = children(ctx.client, lock_path)
        if names is None:
            return None  # not a registry environment
        queue = sorted((n for n in names if _CONTENDER.match(n)), key=lambda n: n[-10:])
        base: Row = {"environment": env, "held": bool(queue), "waiters": max(len(queue) - 1, 0)}
        if not queue:
            return base
        path = f"{lock_path}/{queue[0]}"
        node = next(get_many(ctx.client, [path], ctx.timeout), None)
        if node is None:
            continue  # released between the listing and the read: look again
        base["sequence"] = int(queue[0][-10:])
        if node.error is not None:
            return {**base, "error": f"{path}: {node.error}"}
        try:
            holder = load_object(node.data)
            return {
                **base,
                "holder_host": text(holder, "host"),
                "holder_pid": integer(holder, "pid"),
                "holder_user": text(holder, "user", optional=True),
                "run_url": text(holder, "runUrl", optional=True),
                "since": timestamp(holder, "since"),
                "error": None,
            }
        except Corrupt as ex:
            return {**base, "error": f"{path}: {ex}"}
    return None
