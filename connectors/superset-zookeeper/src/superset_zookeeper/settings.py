"""Connection settings of the registry database: the adapter kwargs Superset passes in
(extra.engine_params.connect_args.adapter_kwargs.zookeeper), checked once, with clear messages.

The digest secret is never part of the settings: they carry only the NAME of an environment
variable of the Superset process (``digest_env``), read when connecting. The name must start with
SUPERSET_GITOPS_ZK_ so that someone who may edit the connection cannot have any other variable of
the process (SECRET_KEY, database URLs) sent to a ZooKeeper host of their choosing.
"""

import os
import re
from dataclasses import dataclass
from typing import Any

from .errors import SettingsError
from .paths import check_path

DEFAULT_HOSTS = "127.0.0.1:2181"
DEFAULT_ROOT = "/superset-gitops"
DIGEST_ENV_PREFIX = "SUPERSET_GITOPS_ZK_"
_HOSTS = re.compile(r"^[A-Za-z0-9._:\[\]-]+(,[A-Za-z0-9._:\[\]-]+)*(/[^,]*)?$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
KNOWN = ("hosts", "root", "session_timeout_ms", "connect_timeout_ms", "digest_env")


@dataclass(frozen=True)
class Settings:
    hosts: str = DEFAULT_HOSTS
    root: str = DEFAULT_ROOT
    session_timeout_ms: int = 10_000
    connect_timeout_ms: int = 5_000
    digest_env: str | None = None

    @classmethod
    def from_kwargs(cls, kwargs: dict[str, Any]) -> "Settings":
        unknown = sorted(set(kwargs) - set(KNOWN))
        if unknown:
            raise SettingsError(
                f"unknown registry setting(s) {', '.join(unknown)}; known: {', '.join(KNOWN)}"
            )
        hosts = kwargs.get("hosts") or DEFAULT_HOSTS
        if not isinstance(hosts, str) or not _HOSTS.match(hosts):
            raise SettingsError(f"hosts must be host:port[,host:port...], got {hosts!r}")
        digest_env = kwargs.get("digest_env") or None
        if digest_env is not None and (
            not isinstance(digest_env, str)
            or not _ENV_NAME.match(digest_env)
            or not digest_env.startswith(DIGEST_ENV_PREFIX)
        ):
            raise SettingsError(
                f"digest_env must name an environment variable starting with {DIGEST_ENV_PREFIX}, "
                f"got {digest_env!r}"
            )
        return cls(
            hosts=hosts,
            root=check_path(kwargs.get("root") or DEFAULT_ROOT, "root"),
            session_timeout_ms=_millis(kwargs, "session_timeout_ms", 10_000),
            connect_timeout_ms=_millis(kwargs, "connect_timeout_ms", 5_000),
            digest_env=digest_env,
        )

    def digest(self) -> str | None:
        """``user:password`` from the environment, or None without digest_env."""
        if self.digest_env is None:
            return None
        value = os.environ.get(self.digest_env)
        if not value:
            raise SettingsError(
                f"environment variable {self.digest_env} (digest_env of the registry database) is not set "
                "in the Superset process; set it to user:password of the ZooKeeper digest identity"
            )
        if ":" not in value:
            raise SettingsError(f"environment variable {self.digest_env} must be user:password")
        return value


def _millis(kwargs: dict[str, Any], key: str, default: int) -> int:
    value = kwargs.get(key, default)
    if value in (None, ""):
        return default
    # ${var.*} substitution in YAML gives strings: accept "10000" as well as 10000.
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 600_000:
        raise SettingsError(f"{key} must be an integer number of milliseconds (100..600000), got {value!r}")
    return value
