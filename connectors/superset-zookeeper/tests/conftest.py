"""Fixtures against the live ZooKeeper (ZK_HOST / ZK_PORT, default 127.0.0.1:2181): every test gets
its own scratch base /superset-gitops-test/py-<random>, deleted afterwards."""

import secrets
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from kazoo.client import KazooClient
from shillelagh.backends.apsw.db import connect
from support import HOSTS, OWNER, Registry

from superset_zookeeper import client as pool


@pytest.fixture(scope="session")
def zk() -> Iterator[KazooClient]:
    client = KazooClient(hosts=HOSTS, timeout=10)
    client.start(timeout=10)
    # Tests restrict some nodes to digest "owner:pw"; this session may still clean them up.
    client.add_auth("digest", OWNER)
    yield client
    client.stop()
    client.close()


@pytest.fixture
def registry(zk: KazooClient) -> Iterator[Registry]:
    base = f"/superset-gitops-test/py-{secrets.token_hex(4)}"
    zk.ensure_path(base)
    yield Registry(zk, base)
    zk.delete(base, recursive=True)


@pytest.fixture(autouse=True, scope="session")
def _close_pool() -> Iterator[None]:
    yield
    pool.close_all()


@pytest.fixture
def query(registry: Registry):
    """query(sql, **adapter_kwargs) -> (column names, rows) through shillelagh, root = the scratch base."""

    def run(sql: str, params: tuple[Any, ...] | None = None, **settings: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
        kwargs = {"hosts": HOSTS, "root": registry.base, **settings}
        conn = connect(":memory:", adapters=["zookeeper"], adapter_kwargs={"zookeeper": kwargs}, safe=True)
        try:
            cursor = conn.cursor()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            return [d[0] for d in cursor.description], rows
        finally:
            conn.close()

    return run


@pytest.fixture
def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
