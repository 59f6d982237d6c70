"""An empty registry, ZooKeeper down, wrong settings, and digest credentials."""

import base64
import time

import pytest
from kazoo.security import make_digest_acl
from support import HOSTS, Registry, dicts

from superset_zookeeper.errors import RegistryUnavailableError, SettingsError

TABLES = ["applies", "objects", "drift", "lock", "znodes"]


@pytest.mark.parametrize("table", TABLES)
def test_missing_root_is_an_empty_registry(registry: Registry, query, table: str) -> None:
    assert query(f'SELECT * FROM "registry://{table}"', root=f"{registry.base}/never-applied")[1] == []


@pytest.mark.parametrize("table", ["applies", "objects", "drift", "lock"])
def test_root_without_environments_is_empty(registry: Registry, query, table: str) -> None:
    assert query(f'SELECT * FROM "registry://{table}"')[1] == []


def test_environment_with_an_empty_layout(registry: Registry, query) -> None:
    registry.env("fresh")
    for table in ("applies", "objects", "drift"):
        assert query(f'SELECT * FROM "registry://{table}"')[1] == []
    assert dicts(query('SELECT environment, held FROM "registry://lock"')) == [{"environment": "fresh", "held": False}]


@pytest.mark.parametrize("table", TABLES)
def test_zookeeper_down_is_a_clear_error(query, free_port: int, table: str) -> None:
    started = time.monotonic()
    with pytest.raises(RegistryUnavailableError) as caught:
        query(f'SELECT * FROM "registry://{table}"', hosts=f"127.0.0.1:{free_port}", connect_timeout_ms=1000)
    assert str(caught.value) == (
        f"ZooKeeper at 127.0.0.1:{free_port} did not answer within 1 s (is it running and reachable from "
        "the Superset server? check `hosts` in the registry database's settings)"
    )
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"hosts": "a b"}, "hosts must be host:port[,host:port...], got 'a b'"),
        ({"root": "relative"}, "root must be an absolute znode path like /superset-gitops, got 'relative'"),
        ({"root": "/a//b"}, "root must be an absolute znode path like /superset-gitops, got '/a//b'"),
        ({"session_timeout_ms": "soon"}, "session_timeout_ms must be an integer number of milliseconds (100..600000), got 'soon'"),
        ({"digest_env": "SECRET_KEY"}, "digest_env must name an environment variable starting with SUPERSET_GITOPS_ZK_, got 'SECRET_KEY'"),
    ],
)
def test_wrong_settings_are_named(query, settings: dict, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        query('SELECT * FROM "registry://applies"', **settings)
    assert str(caught.value) == message


def test_settings_from_yaml_variables_may_be_strings(registry: Registry, query) -> None:
    registry.env("e")
    assert query('SELECT * FROM "registry://lock"', session_timeout_ms="10000", connect_timeout_ms="3000")[1] != []


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("registry://nope", "unknown registry table 'registry://nope': use registry://<table> with <table> one of applies, objects, drift, lock, znodes"),
        ("registry://applies?path=/x", "'registry://applies?path=/x': registry://applies takes only ?root=<znode path>, not ?path="),
        ("registry://znodes?path=x", "path in 'registry://znodes?path=x' must be an absolute znode path like /superset-gitops, got 'x'"),
    ],
)
def test_wrong_table_names_are_named(query, table: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        query(f'SELECT * FROM "{table}"')
    assert str(caught.value) == message


def test_root_in_the_table_name(zk, registry: Registry, query) -> None:
    other = f"{registry.base}/elsewhere"
    zk.create(f"{other}/e/lock", makepath=True)
    rows = dicts(query(f'SELECT environment FROM "registry://lock?root={other}"', root="/unused"))
    assert rows == [{"environment": "e"}]


def test_digest_from_the_named_environment_variable(zk, registry: Registry, query, monkeypatch) -> None:
    registry.history("e", commit="a" * 40, author="x", startedAt="2025-03-01T10:00:00Z", finishedAt="2025-03-01T10:00:01Z",
                     created=0, updated=0, deleted=0, failed=0, result="success")  # fmt: skip
    zk.set_acls(f"{registry.base}/e/history", [make_digest_acl("reader", "s3cret", read=True), make_digest_acl("owner", "pw", all=True)])

    anonymous = dicts(query('SELECT commit_sha, error FROM "registry://applies"'))
    assert anonymous[0]["commit_sha"] is None and "NOAUTH" in anonymous[0]["error"]

    with pytest.raises(SettingsError, match="SUPERSET_GITOPS_ZK_TEST_DIGEST .* is not set"):
        query('SELECT * FROM "registry://applies"', digest_env="SUPERSET_GITOPS_ZK_TEST_DIGEST")

    monkeypatch.setenv("SUPERSET_GITOPS_ZK_TEST_DIGEST", "reader:s3cret")
    authorised = dicts(query('SELECT commit_sha, error FROM "registry://applies"', digest_env="SUPERSET_GITOPS_ZK_TEST_DIGEST"))
    assert authorised == [{"commit_sha": "a" * 40, "error": None}]


def test_no_secret_in_the_virtual_table_definition(registry: Registry, monkeypatch) -> None:
    """shillelagh writes adapter arguments into CREATE VIRTUAL TABLE: only the variable's name is there."""
    from shillelagh.backends.apsw.db import connect

    registry.env("e")
    monkeypatch.setenv("SUPERSET_GITOPS_ZK_TEST_DIGEST", "reader:TOPSECRET")
    kwargs = {"hosts": HOSTS, "root": registry.base, "digest_env": "SUPERSET_GITOPS_ZK_TEST_DIGEST"}
    conn = connect(":memory:", adapters=["zookeeper"], adapter_kwargs={"zookeeper": kwargs}, safe=True)
    cursor = conn.cursor()
    cursor.execute('SELECT * FROM "registry://lock"')
    sql = " ".join(r[0] for r in cursor.execute("SELECT sql FROM sqlite_master").fetchall())
    conn.close()
    assert "CREATE VIRTUAL TABLE" in sql
    decoded = b" ".join(base64.b64decode(part) for part in sql.split("'")[1::2] if part)
    assert b"TOPSECRET" not in decoded and b"SUPERSET_GITOPS_ZK_TEST_DIGEST" in decoded


def test_nothing_is_written(registry: Registry, query) -> None:
    from shillelagh.exceptions import NotSupportedError

    registry.env("e")
    with pytest.raises(NotSupportedError):
        query("""INSERT INTO "registry://lock" (environment) VALUES ('x')""")
    assert registry.zk.get_children(registry.base) == ["e"]
