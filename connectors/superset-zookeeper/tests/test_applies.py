"""registry://applies: history entries as typed rows, filters, corrupt entries."""

from datetime import datetime, timezone

from kazoo.security import make_digest_acl
from support import Registry, dicts

UTC = timezone.utc


def entry(commit: str, started: str, finished: str, result: str = "success", **counts: int) -> dict:
    return {
        "commit": commit,
        "author": "Ada <ada@example.com>",
        "startedAt": started,
        "finishedAt": finished,
        "created": counts.get("created", 0),
        "updated": counts.get("updated", 0),
        "deleted": counts.get("deleted", 0),
        "failed": counts.get("failed", 0),
        "result": result,
    }


def test_rows_and_types(registry: Registry, query) -> None:
    registry.history("staging", **entry("a" * 40, "2025-03-01T10:00:00.000Z", "2025-03-01T10:00:02.500Z", created=3, updated=1))
    registry.history(
        "staging",
        **entry("b" * 40, "2025-03-02T10:00:00.000Z", "2025-03-02T10:00:01.000Z", "partial", updated=2, failed=1),
        message="chart X: 422",
    )
    registry.history("prod", **entry("c" * 40, "2025-03-03T09:00:00Z", "2025-03-03T09:01:00Z", deleted=4))

    names, rows = query('SELECT * FROM "registry://applies" ORDER BY environment, seq')
    assert names == [
        "environment", "seq", "commit_sha", "author", "message", "started_at", "finished_at", "duration_s",
        "created", "updated", "deleted", "failed", "changes", "result", "error",
    ]  # fmt: skip
    got = dicts((names, rows))
    assert [(r["environment"], r["commit_sha"][:1], r["result"]) for r in got] == [
        ("prod", "c", "success"),
        ("staging", "a", "success"),
        ("staging", "b", "partial"),
    ]
    first = got[1]
    assert first["started_at"] == datetime(2025, 3, 1, 10, 0, 0, tzinfo=UTC)
    assert first["finished_at"] == datetime(2025, 3, 1, 10, 0, 2, 500000, tzinfo=UTC)
    assert first["duration_s"] == 2.5
    assert (first["created"], first["updated"], first["deleted"], first["failed"], first["changes"]) == (3, 1, 0, 0, 4)
    assert first["message"] is None and first["error"] is None
    assert got[2]["message"] == "chart X: 422" and got[2]["changes"] == 2 and got[2]["failed"] == 1
    assert isinstance(first["seq"], int) and isinstance(first["created"], int)
    assert isinstance(first["duration_s"], float)


def test_newest_first_within_an_environment(registry: Registry, query) -> None:
    for i in range(3):
        registry.history("e", **entry(f"{i}" * 40, f"2025-03-0{i + 1}T00:00:00Z", f"2025-03-0{i + 1}T00:00:01Z"))
    rows = dicts(query('SELECT seq, commit_sha FROM "registry://applies"'))
    assert [r["commit_sha"][0] for r in rows] == ["2", "1", "0"]


def test_environment_filter_reads_only_that_subtree(zk, registry: Registry, query) -> None:
    registry.history("open", **entry("a" * 40, "2025-03-01T10:00:00Z", "2025-03-01T10:00:01Z"))
    registry.history("closed", **entry("b" * 40, "2025-03-01T10:00:00Z", "2025-03-01T10:00:01Z"))
    # Nobody but "owner" may list closed/history: a read of it shows as an error row.
    zk.set_acls(f"{registry.base}/closed/history", [make_digest_acl("owner", "pw", all=True)])

    everything = dicts(query('SELECT environment, commit_sha, error FROM "registry://applies" ORDER BY environment'))
    assert [(r["environment"], r["commit_sha"]) for r in everything] == [("closed", None), ("open", "a" * 40)]
    assert "NOAUTH" in everything[0]["error"]

    one = dicts(query("""SELECT environment, commit_sha, error FROM "registry://applies" WHERE environment = 'open'"""))
    assert one == [{"environment": "open", "commit_sha": "a" * 40, "error": None}]
    several = dicts(query("""SELECT environment FROM "registry://applies" WHERE environment IN ('open', 'gone')"""))
    assert several == [{"environment": "open"}]


def test_time_filters_compare_times_not_strings(registry: Registry, query) -> None:
    registry.history("e", **entry("1" * 40, "2025-03-01T11:58:00Z", "2025-03-01T11:59:00Z"))
    registry.history("e", **entry("2" * 40, "2025-03-01T12:00:30Z", "2025-03-01T12:01:00Z"))
    registry.history("e", **entry("3" * 40, "2025-03-02T08:00:00+02:00", "2025-03-02T08:00:05+02:00"))

    def commits(where: str) -> list[str]:
        rows = dicts(query(f'SELECT commit_sha FROM "registry://applies" WHERE {where} ORDER BY seq'))
        return [r["commit_sha"][0] for r in rows]

    # Superset's SQLite literals: "YYYY-MM-DD HH:MM:SS", naive, meaning UTC.
    assert commits("finished_at >= '2025-03-01 12:00:00'") == ["2", "3"]
    assert commits("finished_at < '2025-03-01 12:00:00'") == ["1"]
    assert commits("started_at >= '2025-03-01 12:00:00' AND started_at < '2025-03-02 06:00:00'") == ["2"]
    assert commits("started_at = '2025-03-02 06:00:00'") == ["3"]  # 08:00+02:00 is 06:00 UTC
    assert commits("finished_at > '2025-03-03 00:00:00'") == []


def test_corrupt_entries_are_rows_with_an_error(registry: Registry, query) -> None:
    registry.history("e", **entry("a" * 40, "2025-03-01T10:00:00Z", "2025-03-01T10:00:01Z"))
    not_json = registry.history_raw("e", b"\xff\xfe not json")
    wrong_type = registry.history("e", **{**entry("b" * 40, "2025-03-01T10:00:00Z", "2025-03-01T10:00:01Z"), "created": -1})
    bad_time = registry.history("e", **entry("c" * 40, "yesterday", "2025-03-01T10:00:01Z"))
    bad_result = registry.history("e", **entry("d" * 40, "2025-03-01T10:00:00Z", "2025-03-01T10:00:01Z", "maybe"))

    rows = dicts(query('SELECT seq, commit_sha, result, error FROM "registry://applies" ORDER BY seq'))
    assert len(rows) == 5
    assert rows[0]["error"] is None and rows[0]["result"] == "success"
    errors = {r["seq"]: r["error"] for r in rows[1:]}
    assert all(r["commit_sha"] is None for r in rows[1:])
    assert errors[int(not_json[-10:])].startswith(f"{not_json}: not UTF-8 JSON")
    assert errors[int(wrong_type[-10:])] == f"{wrong_type}: created must be an integer >= 0, got int -1"
    assert errors[int(bad_time[-10:])] == f"{bad_time}: startedAt is not an ISO time: 'yesterday'"
    assert errors[int(bad_result[-10:])] == f"{bad_result}: result must be one of success, failure, partial, got 'maybe'"

    # With a time bound, rows without times do not match (as NULL would not in SQL).
    bounded = dicts(query("""SELECT seq FROM "registry://applies" WHERE finished_at >= '2025-01-01 00:00:00'"""))
    assert [r["seq"] for r in bounded] == [rows[0]["seq"]]
