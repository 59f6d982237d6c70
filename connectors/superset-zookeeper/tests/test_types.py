"""Column types as Superset sees them (SQLAlchemy's inspector on the shillelagh+zookeeper dialect):
timestamps are TIMESTAMP, counts INTEGER, so datasets get temporal and numeric columns."""

import pytest
from sqlalchemy import create_engine, inspect
from support import HOSTS

EXPECTED = {
    "applies": {
        "TEXT": {"environment", "commit_sha", "author", "message", "result", "error"},
        "INTEGER": {"seq", "created", "updated", "deleted", "failed", "changes"},
        "TIMESTAMP": {"started_at", "finished_at"},
        "REAL": {"duration_s"},
    },
    "objects": {
        "TEXT": {"environment", "kind", "name", "uuid", "applied_commit", "content_hash", "error"},
        "INTEGER": {"superset_id"},
        "TIMESTAMP": {"applied_at", "changed_on"},
        "BOOLEAN": {"protected"},
    },
    "drift": {
        "TEXT": {
            "environment", "kind", "name", "uuid", "object", "attribute", "expected", "actual",
            "differs_in", "changed_by", "message", "error",
        },
        "TIMESTAMP": {"detected_at", "changed_on", "written_at"},
    },  # fmt: skip
    "lock": {
        "TEXT": {"environment", "holder_host", "holder_user", "run_url", "error"},
        "INTEGER": {"holder_pid", "sequence", "waiters"},
        "TIMESTAMP": {"since"},
        "BOOLEAN": {"held"},
    },
    "znodes": {
        "TEXT": {"path", "parent", "name", "ephemeral_owner", "error"},
        "INTEGER": {"depth", "data_size", "version", "child_count"},
        "TIMESTAMP": {"created", "modified"},
    },
}


@pytest.mark.parametrize("table", sorted(EXPECTED))
def test_column_types(table: str) -> None:
    engine = create_engine(
        "shillelagh+zookeeper://", connect_args={"adapter_kwargs": {"zookeeper": {"hosts": HOSTS}}}
    )
    with engine.connect() as conn:
        columns = inspect(conn).get_columns(f"registry://{table}")
    got: dict[str, set[str]] = {}
    for column in columns:
        got.setdefault(str(column["type"]), set()).add(column["name"])
    assert got == EXPECTED[table]
