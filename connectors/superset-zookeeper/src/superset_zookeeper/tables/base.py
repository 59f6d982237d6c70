"""What every table gets: the client, where to read, and the environments a query asks for."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kazoo.client import KazooClient
from kazoo.exceptions import NoAuthError
from shillelagh.fields import Field, String
from shillelagh.filters import Equal

from ..bounds import Bounds, Row, equal_to
from ..names import decode_or_raw, encode_name
from ..paths import join
from ..reads import children


@dataclass(frozen=True)
class ReadContext:
    client: KazooClient
    #: Registry tables: the base whose children are environments. znodes: the subtree's root.
    root: str
    #: Per-request wait (seconds) for a pipelined read.
    timeout: float
    #: Columns the query uses (SQLite's colUsed), when shillelagh says; None: all of them.
    requested: frozenset[str] | None = None


class Table:
    """One registry://<name> table: typed columns, in display order, and its rows."""

    columns: dict[str, Field] = {}

    def rows(self, ctx: ReadContext, bounds: Bounds) -> Iterator[Row]:
        raise NotImplementedError


def environment_column() -> String:
    """Equality is answered by reading only that environment's subtree."""
    return String(filters=[Equal], exact=True)


def environments(ctx: ReadContext, bounds: Bounds) -> Iterator[tuple[str, str]]:
    """(environment name, its znode path) for each environment the query may touch."""
    wanted = equal_to(bounds, "environment")
    if wanted is not None:
        path = join(ctx.root, encode_name(str(wanted)))
        if ctx.client.exists(path) is not None:
            yield str(wanted), path
        return
    for name in children(ctx.client, ctx.root) or []:
        yield decode_or_raw(name), join(ctx.root, name)


def per_environment(
    ctx: ReadContext, bounds: Bounds, read: Callable[[str, str], Iterator[Row]]
) -> Iterator[Row]:
    """Rows of read(env, env_path) for each environment; one the credentials may not list shows as
    an error row, so the other environments still show."""
    for env, path in environments(ctx, bounds):
        try:
            yield from read(env, path)
        except NoAuthError:
            yield {"environment": env, "error": f"{path}: not readable with these credentials (NOAUTH)"}
