"""registry://znodes: a subtree with each node's stat."""

from datetime import datetime, timedelta, timezone

from support import Registry, dicts


def test_subtree_rows_and_types(zk, registry: Registry, query) -> None:
    base = registry.base
    zk.create(f"{base}/a", b"12345")
    zk.create(f"{base}/a/b", b"")
    zk.set(f"{base}/a", b"123456789")  # version 1
    eph = zk.create(f"{base}/a/e", b"x", ephemeral=True)

    rows = dicts(query(f'SELECT * FROM "registry://znodes?path={base}"'))
    by_path = {r["path"]: r for r in rows}
    assert list(by_path) == [base, f"{base}/a", f"{base}/a/b", eph]  # breadth first, sorted
    a = by_path[f"{base}/a"]
    assert a["parent"] == base and a["name"] == "a" and a["depth"] == base.count("/") + 1
    assert (a["data_size"], a["version"], a["child_count"]) == (9, 1, 2)
    now = datetime.now(timezone.utc)
    assert isinstance(a["created"], datetime) and a["created"].tzinfo is not None
    assert now - timedelta(minutes=1) < a["created"] <= a["modified"] <= now + timedelta(seconds=5)
    assert a["ephemeral_owner"] is None
    assert by_path[eph]["ephemeral_owner"] == f"0x{zk.client_id[0] & (2**64 - 1):016x}"
    assert by_path[f"{base}/a/b"]["child_count"] == 0 and by_path[base]["error"] is None


def test_default_subtree_is_the_connection_root(zk, registry: Registry, query) -> None:
    zk.create(f"{registry.base}/x")
    rows = dicts(query('SELECT path FROM "registry://znodes"'))
    assert [r["path"] for r in rows] == [registry.base, f"{registry.base}/x"]


def test_path_equality_reads_one_node(zk, registry: Registry, query) -> None:
    zk.create(f"{registry.base}/one/two", b"ab", makepath=True)
    rows = dicts(query(f"""SELECT path, data_size FROM "registry://znodes" WHERE path = '{registry.base}/one/two'"""))
    assert rows == [{"path": f"{registry.base}/one/two", "data_size": 2}]
    outside = dicts(query("""SELECT path FROM "registry://znodes" WHERE path = '/zookeeper'"""))
    assert outside == []


def test_depth_bound_stops_descending(zk, registry: Registry, query) -> None:
    zk.create(f"{registry.base}/1/2/3/4", makepath=True)
    top = registry.base.count("/")
    rows = dicts(query(f'SELECT path FROM "registry://znodes" WHERE depth <= {top + 2}'))
    assert [r["path"] for r in rows] == [registry.base, f"{registry.base}/1", f"{registry.base}/1/2"]
    rows = dicts(query(f'SELECT path FROM "registry://znodes" WHERE depth > {top + 2} AND depth < {top + 4}'))
    assert [r["path"] for r in rows] == [f"{registry.base}/1/2/3"]


def test_missing_subtree_is_empty(registry: Registry, query) -> None:
    assert query(f'SELECT * FROM "registry://znodes?path={registry.base}/nope"')[1] == []
