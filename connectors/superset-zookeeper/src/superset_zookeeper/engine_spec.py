"""Superset's engine spec for shillelagh+zookeeper:// (entry point superset.db_engine_specs).

SQLite behaviour (time grains, quoting) comes from Superset's shillelagh spec; this adds a name in
the database list and turns the connector's errors into clean Superset errors: without it, "Test
connection" shows them wrapped as "(builtins.NoneType) None [SQL: ...]".
"""

import re
from typing import Any

from superset.db_engine_specs.shillelagh import ShillelaghEngineSpec
from superset.errors import SupersetErrorType

# One line of ours, up to SQLAlchemy's "[SQL: ...]" wrapping ("]" or a line end).
_MESSAGE = r"(?P<message>{}[^\n\]]*)"


def _error(start: str, error_type: SupersetErrorType) -> tuple[re.Pattern[str], tuple[str, SupersetErrorType, dict[str, Any]]]:
    return re.compile(_MESSAGE.format(start)), ("%(message)s", error_type, {})


class ZooKeeperEngineSpec(ShillelaghEngineSpec):
    engine_name = "ZooKeeper registry (superset-gitops)"
    drivers = {"zookeeper": "the superset-gitops registry in ZooKeeper"}
    default_driver = "zookeeper"
    sqlalchemy_uri_placeholder = "shillelagh+zookeeper://"

    custom_errors = dict(
        [
            _error(r"ZooKeeper at \S+ did not answer", SupersetErrorType.CONNECTION_HOST_DOWN_ERROR),
            _error(r"lost the connection to ZooKeeper", SupersetErrorType.CONNECTION_HOST_DOWN_ERROR),
            _error(r"ZooKeeper at \S+ answers, but", SupersetErrorType.CONNECTION_UNKNOWN_DATABASE_ERROR),
            _error(r"ZooKeeper at \S+ (?:denied|refused)", SupersetErrorType.CONNECTION_ACCESS_DENIED_ERROR),
            _error(
                r"(?:unknown registry |hosts must |root must |digest_env must |environment variable SUPERSET_GITOPS_ZK_"
                r"|\w+_timeout_ms must )",
                SupersetErrorType.CONNECTION_INVALID_HOSTNAME_ERROR,
            ),
        ]
    )
