"""registry://lock: one row per environment, the lowest contender holds."""

from datetime import datetime, timezone

from support import Registry, dicts

UTC = timezone.utc
HOLDER = {"host": "ci-runner-7", "pid": 4242, "user": "ada", "runUrl": "https://ci.example/run/9", "since": "2025-03-01T12:00:00.000Z"}


def test_holder_waiters_and_free_environments(registry: Registry, query) -> None:
    first = registry.lock("busy", HOLDER)
    registry.lock("busy", {**HOLDER, "host": "laptop", "since": "2025-03-01T12:05:00Z"}, token="11111111-2222-4333-8444-555555555555")
    registry.env("idle")

    rows = dicts(query('SELECT * FROM "registry://lock" ORDER BY environment'))
    assert [(r["environment"], r["held"]) for r in rows] == [("busy", True), ("idle", False)]
    busy, idle = rows
    assert (busy["holder_host"], busy["holder_pid"], busy["holder_user"], busy["run_url"]) == (
        "ci-runner-7", 4242, "ada", "https://ci.example/run/9",
    )  # fmt: skip
    assert busy["since"] == datetime(2025, 3, 1, 12, tzinfo=UTC)
    assert busy["sequence"] == int(first[-10:]) and busy["waiters"] == 1 and busy["error"] is None
    assert idle["holder_host"] is None and idle["waiters"] == 0 and idle["since"] is None


def test_released_lock_is_free(zk, registry: Registry, query) -> None:
    node = registry.lock("e", HOLDER)
    assert dicts(query('SELECT held FROM "registry://lock"')) == [{"held": True}]
    zk.delete(node)
    assert dicts(query('SELECT held FROM "registry://lock"')) == [{"held": False}]


def test_corrupt_holder(registry: Registry, query) -> None:
    node = registry.lock("e", {"host": "h", "pid": "not a pid", "since": "2025-03-01T12:00:00Z"})
    rows = dicts(query('SELECT environment, held, holder_host, error FROM "registry://lock"'))
    assert rows == [{"environment": "e", "held": True, "holder_host": None, "error": f"{node}: pid must be an integer, got str \"not a pid\""}]


def test_filters(registry: Registry, query) -> None:
    registry.lock("a", HOLDER)
    registry.lock("b", {**HOLDER, "since": "2025-01-01T00:00:00Z"})
    assert dicts(query("""SELECT environment FROM "registry://lock" WHERE environment = 'b'""")) == [{"environment": "b"}]
    assert dicts(query("""SELECT environment FROM "registry://lock" WHERE since >= '2025-02-01 00:00:00'""")) == [{"environment": "a"}]
