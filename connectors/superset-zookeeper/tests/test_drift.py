"""registry://drift: the findings the `drift` pointer names."""

from datetime import datetime, timezone

from support import Registry, canonical, dicts

UTC = timezone.utc


def finding(name: str, where: str = "superset", **extra) -> dict:
    return {
        "environment": "local",
        "kind": "chart",
        "name": name,
        "uuid": "00000000-0000-4000-8000-000000000001",
        "attribute": "params.row_limit",
        "expected": 100,
        "actual": {"value": 500, "note": "é"},
        "where": where,
        "detectedAt": "2025-03-01T12:00:00.000Z",
        "changedBy": "Grace Hopper",
        "changedOn": "2025-03-01T11:00:00.000Z",
        "message": "row_limit changed in Superset",
        **extra,
    }


def test_rows_and_types(registry: Registry, query) -> None:
    registry.drift("local", [finding("Revenue"), finding("Orders", "missing", attribute=None, changedBy=None, changedOn=None, expected=None)])
    rows = dicts(query('SELECT * FROM "registry://drift"'))
    assert len(rows) == 2
    first, second = rows
    assert first["environment"] == "local" and first["object"] == "chart Revenue"
    assert first["attribute"] == "params.row_limit" and first["differs_in"] == "superset"
    assert first["expected"] == "100" and first["actual"] == '{"note":"é","value":500}'
    assert first["detected_at"] == datetime(2025, 3, 1, 12, tzinfo=UTC)
    assert first["changed_on"] == datetime(2025, 3, 1, 11, tzinfo=UTC)
    assert first["written_at"] == datetime(2025, 3, 1, 12, tzinfo=UTC)
    assert first["changed_by"] == "Grace Hopper" and first["error"] is None
    assert (second["differs_in"], second["attribute"], second["changed_by"], second["expected"]) == ("missing", None, None, None)


def test_no_findings(registry: Registry, query) -> None:
    registry.env("clean")  # drift node without data: nothing written yet
    registry.drift("fixed", [])  # a generation with zero findings
    assert query('SELECT * FROM "registry://drift"')[1] == []


def test_follows_the_pointer_only(registry: Registry, query) -> None:
    registry.drift("e", [finding("old")], generation="g1")
    registry.drift("e", [finding("new")], generation="g2")  # g1 left behind, as mid-write
    assert dicts(query('SELECT name FROM "registry://drift"')) == [{"name": "new"}]


def test_detected_at_range_and_environment(registry: Registry, query) -> None:
    registry.drift("a", [finding("early", detectedAt="2025-03-01T08:00:00Z"), finding("late", detectedAt="2025-03-01T18:00:00Z")])
    registry.drift("b", [finding("other")])
    rows = dicts(query("""SELECT name FROM "registry://drift" WHERE environment = 'a' AND detected_at > '2025-03-01 12:00:00'"""))
    assert rows == [{"name": "late"}]


def test_corrupt_findings_are_rows_with_an_error(zk, registry: Registry, query) -> None:
    registry.drift("e", [finding("ok"), None, finding("bad where", where="elsewhere"), finding("x")], raw={1: b"\x00"})
    zk.delete(f"{registry.base}/e/drift/g1/f-000003")  # the pointer promises 4
    rows = dicts(query('SELECT name, error FROM "registry://drift"'))
    root = f"{registry.base}/e/drift/g1"
    assert rows == [
        {"name": "ok", "error": None},
        {"name": None, "error": f"{root}/f-000001: not UTF-8 JSON (starts '\\x00')"},
        {"name": None, "error": f"{root}/f-000002: where must be one of superset, zookeeper, not-applied, missing, unmanaged, got 'elsewhere'"},
        {"name": None, "error": f"{root}/f-000003: missing (the pointer says 4 findings)"},
    ]


def test_corrupt_pointer(zk, registry: Registry, query) -> None:
    registry.env("e")
    zk.set(f"{registry.base}/e/drift", canonical({"generation": "../../x", "count": 1}))
    rows = dicts(query('SELECT environment, error FROM "registry://drift"'))
    assert rows == [{"environment": "e", "error": f"{registry.base}/e/drift: generation is not a node name: '../../x'"}]
