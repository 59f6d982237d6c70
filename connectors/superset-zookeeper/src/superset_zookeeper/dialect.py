"""shillelagh+zookeeper:// — shillelagh's safe dialect limited to the ZooKeeper adapter.

- Loads no other adapter, whatever engine_params or connect_args say (the plain shillelagh
  dialects can open local files, which is why Superset refuses them by default).
- do_ping connects to ZooKeeper and looks at the root, so Superset's "Test connection" (and the
  check Superset makes before saving a database) fails with a readable message when ZooKeeper is
  down, instead of SQLite-in-memory's unconditional yes.
- Lists the registry tables, so SQL Lab and the dataset editor offer them.
"""

from typing import Any

from shillelagh.backends.apsw.dialects.safe import APSWSafeDialect

from .adapter import ZooKeeperAdapter
from .client import client_for, zookeeper_errors
from .errors import RegistryUnavailableError
from .settings import Settings
from .uri import SCHEME, TABLES

ADAPTER = "zookeeper"
_KEY = ZooKeeperAdapter.__name__.lower()  # shillelagh keys adapter kwargs by class name once loaded


class ZooKeeperDialect(APSWSafeDialect):
    driver = "zookeeper"
    supports_statement_cache = True

    def __init__(self, adapters: list[str] | None = None, adapter_kwargs: dict[str, Any] | None = None, **kwargs: Any):
        super().__init__([ADAPTER], adapter_kwargs, **kwargs)

    def connect(self, *cargs: Any, **cparams: Any) -> Any:
        # connect_args are merged over create_connect_args: pin what keeps the dialect safe.
        cparams.update(path=":memory:", adapters=[ADAPTER], safe=True)
        cparams.pop("apsw_connection_kwargs", None)
        # Checked here, where unknown keys are still visible (shillelagh drops them later).
        Settings.from_kwargs((cparams.get("adapter_kwargs") or {}).get(ADAPTER, {}))
        return super().connect(*cargs, **cparams)

    def do_ping(self, dbapi_connection: Any) -> bool:
        kwargs = getattr(dbapi_connection, "_adapter_kwargs", {}).get(_KEY, {})
        check_registry(Settings.from_kwargs(kwargs))
        return True

    def get_table_names(self, connection: Any, schema: str | None = None, **kw: Any) -> list[str]:
        return [f"{SCHEME}://{table}" for table in TABLES]


def check_registry(settings: Settings) -> None:
    """Raises RegistryUnavailableError unless ZooKeeper answers and the root can be listed."""
    with zookeeper_errors(settings):
        client = client_for(settings)
        if client.exists(settings.root) is None:
            raise RegistryUnavailableError(
                f"ZooKeeper at {settings.hosts} answers, but {settings.root} does not exist "
                "(nothing applied yet, or a wrong `root` in the registry database's settings)"
            )
        client.get_children(settings.root)
