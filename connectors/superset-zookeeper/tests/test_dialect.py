"""shillelagh+zookeeper:// through SQLAlchemy, as Superset uses it: the ping behind "Test
connection", settings checked at connect, only this adapter loaded."""

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from support import HOSTS, Registry

from superset_zookeeper.errors import RegistryUnavailableError, SettingsError


def engine(**settings):
    return create_engine("shillelagh+zookeeper://", connect_args={"adapter_kwargs": {"zookeeper": settings}})


def ping(**settings) -> bool:
    eng = engine(**settings)
    with eng.connect() as conn:
        return eng.dialect.do_ping(conn.connection)


def test_ping_succeeds_against_the_live_registry(registry: Registry) -> None:
    registry.env("e")
    assert ping(hosts=HOSTS, root=registry.base) is True


def test_ping_fails_when_zookeeper_is_down(free_port: int) -> None:
    with pytest.raises(RegistryUnavailableError, match=f"ZooKeeper at 127.0.0.1:{free_port} did not answer within 1 s"):
        ping(hosts=f"127.0.0.1:{free_port}", connect_timeout_ms=1000)


def test_ping_fails_on_a_missing_root(registry: Registry) -> None:
    with pytest.raises(RegistryUnavailableError, match=f"{registry.base}/nope does not exist"):
        ping(hosts=HOSTS, root=f"{registry.base}/nope")


def test_unknown_settings_fail_at_connect() -> None:
    # SQLAlchemy wraps the DB-API error; the message is ours.
    with pytest.raises(ProgrammingError, match=r"unknown registry setting\(s\) host; known: hosts, root") as caught:
        engine(host="x").connect()
    assert isinstance(caught.value.orig, SettingsError)


def test_query_through_sqlalchemy(registry: Registry) -> None:
    registry.env("e")
    with engine(hosts=HOSTS, root=registry.base).connect() as conn:
        rows = conn.execute(text('SELECT environment, held FROM "registry://lock"')).fetchall()
    assert [tuple(r) for r in rows] == [("e", False)]


def test_lists_the_registry_tables() -> None:
    with engine(hosts=HOSTS).connect() as conn:
        names = inspect(conn).get_table_names()
    assert names == ["registry://applies", "registry://objects", "registry://drift", "registry://lock", "registry://znodes"]


def test_no_other_adapter_even_when_connect_args_ask(tmp_path) -> None:
    csv = tmp_path / "secrets.csv"
    csv.write_text('"a"\n1\n')
    eng = create_engine(
        "shillelagh+zookeeper://",
        connect_args={"adapters": ["csvfile", "zookeeper"], "safe": False, "adapter_kwargs": {}},
    )
    with eng.connect() as conn:
        with pytest.raises(ProgrammingError, match="Unsupported table"):
            conn.execute(text(f'SELECT * FROM "{csv}"')).fetchall()


def test_zookeeper_down_in_a_query_names_the_ensemble(free_port: int) -> None:
    with engine(hosts=f"127.0.0.1:{free_port}", connect_timeout_ms=500).connect() as conn:
        with pytest.raises(OperationalError, match=f"ZooKeeper at 127.0.0.1:{free_port} did not answer"):
            conn.execute(text('SELECT * FROM "registry://applies"')).fetchall()
