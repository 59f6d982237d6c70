"""The shillelagh adapter: registry://<table> as a read-only virtual table.

Registered as the `zookeeper` entry point of shillelagh.adapter. Its settings are the adapter
kwargs of the connection (see settings.py); a table is read when a query runs, through the shared
kazoo session of client.py.
"""

from collections.abc import Iterator
from typing import Any

from shillelagh.adapters.base import Adapter
from shillelagh.fields import Field
from shillelagh.filters import Filter, Operator
from shillelagh.typing import RequestedOrder, Row

from .bounds import impossible
from .client import client_for, zookeeper_errors
from .settings import Settings
from .tables import TABLES
from .tables.base import ReadContext
from .uri import is_registry_uri, parse_table_uri


class ZooKeeperAdapter(Adapter):
    safe = True  # reads only ZooKeeper, never local files: allowed by the safe dialect
    # SQLite tells which columns a query uses: `SELECT kind, COUNT(*)` need not read record data.
    supports_requested_columns = True

    # pylint: disable=super-init-not-called, too-many-arguments
    def __init__(
        self,
        uri: str,
        hosts: str | None = None,
        root: str | None = None,
        session_timeout_ms: int | str | None = None,
        connect_timeout_ms: int | str | None = None,
        digest_env: str | None = None,
    ):
        # Adapter.__init__ only registers close() with atexit, which would keep every adapter of a
        # long-running Superset alive until exit; we hold no resources of our own to close.
        kwargs = {
            "hosts": hosts,
            "root": root,
            "session_timeout_ms": session_timeout_ms,
            "connect_timeout_ms": connect_timeout_ms,
            "digest_env": digest_env,
        }
        self.settings = Settings.from_kwargs({k: v for k, v in kwargs.items() if v is not None})
        self.name = parse_table_uri(uri)
        self.table = TABLES[self.name.table]()

    @staticmethod
    def supports(uri: str, fast: bool = True, **kwargs: Any) -> bool:
        # Claim every registry:// name, so a typo is reported by parse_table_uri, not as "no such table".
        return is_registry_uri(uri)

    @staticmethod
    def parse_uri(uri: str) -> tuple[str]:
        return (uri,)

    def get_columns(self) -> dict[str, Field]:
        return self.table.columns

    def get_cost(
        self,
        filtered_columns: list[tuple[str, Operator]],
        order: list[tuple[str, RequestedOrder]],
    ) -> float:
        # One environment (or kind, or node) is far cheaper than all: let SQLite prefer those plans.
        narrowing = {"environment", "kind", "path"}
        cost = 10_000.0
        for column, operator in filtered_columns:
            if column in narrowing and operator == Operator.EQ:
                cost /= 20
        return cost

    def get_data(
        self,
        bounds: dict[str, Filter],
        order: list[tuple[str, RequestedOrder]],
        **kwargs: Any,
    ) -> Iterator[Row]:
        if impossible(bounds):
            return
        with zookeeper_errors(self.settings):
            client = client_for(self.settings)
            requested = kwargs.get("requested_columns")
            ctx = ReadContext(
                client=client,
                root=self.name.path or self.settings.root,
                timeout=self.settings.session_timeout_ms / 1000,
                requested=None if requested is None else frozenset(requested),
            )
            for rowid, row in enumerate(self.table.rows(ctx, bounds)):
                yield {**row, "rowid": rowid}

    def close(self) -> None:
        """The kazoo session is shared by the process (client.py): nothing to release here."""
