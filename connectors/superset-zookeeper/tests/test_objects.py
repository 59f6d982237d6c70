"""registry://objects: the applied records, one row per owned object."""

from datetime import datetime, timezone

import pytest
from kazoo.security import make_digest_acl
from support import Registry, canonical, dicts

UTC = timezone.utc


def record(kind: str, name: str, uuid: str, superset_id: int, applied_at: str = "2025-03-01T10:00:00.000Z", **extra) -> dict:
    return {
        "kind": kind,
        "name": name,
        "uuid": uuid,
        "supersetId": superset_id,
        "hash": "ab" * 32,
        "appliedAt": applied_at,
        "commit": "c" * 40,
        **extra,
    }


U1 = "00000000-0000-4000-8000-000000000001"
U2 = "00000000-0000-4000-8000-000000000002"
U3 = "00000000-0000-4000-8000-000000000003"


def test_rows_and_types(registry: Registry, query) -> None:
    registry.applied("local", record("chart", "Revenue / région", U1, 7, changedOn="2025-03-01T09:59:58.123456", protected=True))
    registry.applied("local", record("dataset", "orders", U2, 3))
    registry.applied("prod", record("chart", "Revenue / région", U1, 70))

    rows = dicts(query('SELECT * FROM "registry://objects" ORDER BY environment, kind, uuid'))
    assert [(r["environment"], r["kind"], r["superset_id"]) for r in rows] == [
        ("local", "chart", 7),
        ("local", "dataset", 3),
        ("prod", "chart", 70),
    ]
    chart = rows[0]
    assert chart["name"] == "Revenue / région"
    assert chart["uuid"] == U1
    assert chart["applied_commit"] == "c" * 40 and chart["content_hash"] == "ab" * 32
    assert chart["applied_at"] == datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    assert chart["changed_on"] == datetime(2025, 3, 1, 9, 59, 58, 123456, tzinfo=UTC)
    assert chart["protected"] is True and rows[1]["protected"] is False
    assert rows[1]["changed_on"] is None and chart["error"] is None


def test_kind_and_environment_filters_read_less(zk, registry: Registry, query) -> None:
    registry.applied("a", record("chart", "c", U1, 1))
    registry.applied("a", record("dataset", "d", U2, 2))
    registry.applied("b", record("chart", "c", U1, 3))
    # Only "owner" may list a/applied/dataset and b/applied: reading them shows as error rows.
    zk.set_acls(f"{registry.base}/a/applied/dataset", [make_digest_acl("owner", "pw", all=True)])
    zk.set_acls(f"{registry.base}/b/applied", [make_digest_acl("owner", "pw", all=True)])

    everything = dicts(query('SELECT environment, kind, error FROM "registry://objects" ORDER BY environment, kind'))
    assert sum(r["error"] is not None for r in everything) == 2

    charts = dicts(query("""SELECT environment, superset_id, error FROM "registry://objects" WHERE environment = 'a' AND kind = 'chart'"""))
    assert charts == [{"environment": "a", "superset_id": 1, "error": None}]


def test_applied_at_range(registry: Registry, query) -> None:
    registry.applied("e", record("chart", "old", U1, 1, "2025-01-01T00:00:00Z"))
    registry.applied("e", record("chart", "new", U2, 2, "2025-03-01T00:00:00Z"))
    rows = dicts(query("""SELECT name FROM "registry://objects" WHERE applied_at >= '2025-02-01 00:00:00'"""))
    assert rows == [{"name": "new"}]


def test_corrupt_records_are_rows_with_an_error(registry: Registry, query) -> None:
    registry.applied("e", record("chart", "fine", U1, 1))
    bad_id = registry.applied("e", record("chart", "x", U2, 2), data=canonical(record("chart", "x", U2, "2")))
    moved = registry.applied("e", record("chart", "y", U3, 3), data=canonical(record("dataset", "y", U3, 3)))
    garbage = registry.applied("e", record("dashboard", "z", U1, 4), data=b"{")

    rows = {(r["kind"], r["uuid"]): r for r in dicts(query('SELECT * FROM "registry://objects"'))}
    assert len(rows) == 4 and rows[("chart", U1)]["error"] is None
    assert rows[("chart", U2)]["error"] == f"{bad_id}: supersetId must be an integer, got str \"2\""
    assert rows[("chart", U2)]["name"] is None
    assert rows[("chart", U3)]["error"] == (
        f"{moved}: record is for dataset {U3}, not the chart {U3} its path names"
    )
    assert rows[("dashboard", U1)]["error"] == f"{garbage}: not UTF-8 JSON (starts '{{')"


def test_counting_by_kind_reads_no_record(registry: Registry, query, monkeypatch) -> None:
    """SQLite says which columns a query uses; kind and uuid come from the paths alone."""
    from superset_zookeeper.tables import objects

    registry.applied("e", record("chart", "a", U1, 1))
    registry.applied("e", record("chart", "b", U2, 2))
    registry.applied("e", record("dataset", "c", U3, 3))

    def no_reads(*_args, **_kwargs):
        raise AssertionError("record data was read")

    monkeypatch.setattr(objects, "get_many", no_reads)
    counts = query('SELECT kind, COUNT(*) FROM "registry://objects" GROUP BY kind ORDER BY kind')[1]
    assert counts == [("chart", 2), ("dataset", 1)]
    with pytest.raises(AssertionError, match="record data was read"):
        query('SELECT kind, name FROM "registry://objects"')
