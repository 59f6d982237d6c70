"""Table names: registry://<table>[?root=<znode path>] for the registry tables (root: the base whose
children are environments, default the connection's root) and registry://znodes[?path=<subtree>]."""

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from .errors import SettingsError
from .paths import check_path

SCHEME = "registry"
REGISTRY_TABLES = ("applies", "objects", "drift", "lock")
TABLES = (*REGISTRY_TABLES, "znodes")


@dataclass(frozen=True)
class TableName:
    table: str
    #: root= (registry tables) or path= (znodes); None: the connection's root.
    path: str | None


def is_registry_uri(uri: str) -> bool:
    return uri.startswith(f"{SCHEME}://")


def parse_table_uri(uri: str) -> TableName:
    parts = urlsplit(uri)
    table = parts.netloc
    if parts.scheme != SCHEME or table not in TABLES or parts.path not in ("", "/") or parts.fragment:
        raise SettingsError(
            f"unknown registry table {uri!r}: use registry://<table> with <table> one of {', '.join(TABLES)}"
        )
    allowed = "path" if table == "znodes" else "root"
    params = parse_qsl(parts.query, keep_blank_values=True)
    for key, _value in params:
        if key != allowed:
            raise SettingsError(f"{uri!r}: registry://{table} takes only ?{allowed}=<znode path>, not ?{key}=")
    if len(params) > 1:
        raise SettingsError(f"{uri!r}: give ?{allowed}= once")
    path = check_path(params[0][1], f"{allowed} in {uri!r}") if params else None
    return TableName(table, path)
