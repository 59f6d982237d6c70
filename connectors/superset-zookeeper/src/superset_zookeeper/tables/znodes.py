"""registry://znodes[?path=/some/subtree]: every znode of a subtree with its stat, breadth first.
`path = '...'` reads that one node; `depth <= n` stops descending below depth n."""

import math
from collections.abc import Iterator

from shillelagh.fields import DateTime, Integer, String
from shillelagh.filters import Equal, Range

from ..bounds import Bounds, Row, equal_to, range_of
from ..paths import depth_of, join, parent_of
from ..reads import NodeListing, list_many
from ..values import from_millis
from .base import ReadContext, Table


class ZnodesTable(Table):
    columns = {
        # Not exact: SQLite checks these again; we only use them to read less.
        "path": String(filters=[Equal], exact=False),
        "parent": String(),
        "name": String(),
        "depth": Integer(filters=[Range], exact=False),
        "data_size": Integer(),
        "version": Integer(),
        "created": DateTime(),
        "modified": DateTime(),
        "ephemeral_owner": String(),
        "child_count": Integer(),
        "error": String(),
    }

    def rows(self, ctx: ReadContext, bounds: Bounds) -> Iterator[Row]:
        only = equal_to(bounds, "path")
        if only is not None:
            if _within(str(only), ctx.root):
                for listing in list_many(ctx.client, [str(only)], ctx.timeout):
                    yield _row(listing)
            return
        max_depth = _max_depth(bounds)
        level = [ctx.root]
        while level:
            below: list[str] = []
            for listing in list_many(ctx.client, level, ctx.timeout):
                yield _row(listing)
                if max_depth is None or depth_of(listing.path) < max_depth:
                    below.extend(join(listing.path, c) for c in listing.children)
            level = below


def _within(path: str, root: str) -> bool:
    return root == "/" or path == root or path.startswith(root + "/")


def _max_depth(bounds: Bounds) -> int | None:
    depth = range_of(bounds, "depth")
    if depth is None or depth.end is None:
        return None
    end = float(depth.end)
    return math.floor(end) if depth.include_end else math.ceil(end) - 1


def _row(listing: NodeListing) -> Row:
    path, stat = listing.path, listing.stat
    row: Row = {
        "path": path,
        "parent": parent_of(path),
        "name": path.rsplit("/", 1)[1] if path != "/" else "",
        "depth": depth_of(path),
        "error": None if listing.error is None else f"{path}: {listing.error}",
    }
    if stat is not None:
        row.update(
            data_size=stat.dataLength,
            version=stat.version,
            created=from_millis(stat.ctime),
            modified=from_millis(stat.mtime),
            ephemeral_owner=f"0x{stat.ephemeralOwner & (2**64 - 1):016x}" if stat.ephemeralOwner else None,
            child_count=stat.numChildren,
        )
    return row
