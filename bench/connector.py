#!/usr/bin/env python3
"""Query times of connectors/superset-zookeeper through shillelagh, against a live ZooKeeper.

    .venv/superset/bin/python bench/connector.py     (ZK_HOST / ZK_PORT, default 127.0.0.1:2181;
                                                       BENCH_OBJECTS 5000, BENCH_ZNODES 10000, BENCH_RUNS 5)

Writes BENCH_OBJECTS applied records (registry://objects) and a BENCH_ZNODES-node subtree
(registry://znodes) under a scratch base /superset-gitops-bench/connector-<random>, times queries
(the first one includes opening the ZooKeeper session), prints the figures and deletes the base.
"""

import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

from kazoo.client import KazooClient
from shillelagh.backends.apsw.db import connect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "connectors/superset-zookeeper/src"))
from superset_zookeeper import client as pool  # noqa: E402

HOSTS = f"{os.environ.get('ZK_HOST', '127.0.0.1')}:{os.environ.get('ZK_PORT', '2181')}"
OBJECTS = int(os.environ.get("BENCH_OBJECTS", "5000"))
ZNODES = int(os.environ.get("BENCH_ZNODES", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
KINDS = ["database", "dataset", "chart", "dashboard"]
WINDOW = 256


def create_all(zk: KazooClient, nodes: list[tuple[str, bytes]]) -> None:
    """Pipelined creates, parents before children (callers order them so)."""
    for start in range(0, len(nodes), WINDOW):
        pending = [zk.create_async(path, data) for path, data in nodes[start : start + WINDOW]]
        for result in pending:
            result.get(timeout=30)


def delete_tree(zk: KazooClient, root: str) -> int:
    """Deepest first, pipelined; returns the number of nodes deleted."""
    levels: list[list[str]] = [[root]]
    while levels[-1]:
        levels.append([f"{p}/{c}" for p in levels[-1] for c in zk.get_children(p)])
    count = 0
    for level in reversed(levels):
        for start in range(0, len(level), WINDOW):
            pending = [zk.delete_async(p) for p in level[start : start + WINDOW]]
            for result in pending:
                result.get(timeout=30)
            count += len(pending)
    return count


def record(i: int) -> dict:
    return {
        "kind": KINDS[i % 4],
        "name": f"Object {i}",
        "uuid": f"00000000-0000-4000-8000-{i:012d}",
        "supersetId": i + 1,
        "hash": f"{i:064x}",
        "appliedAt": "2025-03-01T10:00:00.000Z",
        "commit": "c" * 40,
        "changedOn": "2025-03-01T09:59:59.000000",
    }


def timed(sql: str, root: str, runs: int) -> tuple[int, float, float]:
    """(rows, first run ms, median ms of the other runs); a new connection per run, as Superset does."""
    times = []
    rows = 0
    for _ in range(runs):
        started = time.perf_counter()
        conn = connect(":memory:", adapters=["zookeeper"], adapter_kwargs={"zookeeper": {"hosts": HOSTS, "root": root}}, safe=True)
        rows = len(conn.cursor().execute(sql).fetchall())
        conn.close()
        times.append((time.perf_counter() - started) * 1000)
    return rows, times[0], statistics.median(times[1:]) if len(times) > 1 else times[0]


def main() -> None:
    base = f"/superset-gitops-bench/connector-{secrets.token_hex(4)}"
    zk = KazooClient(hosts=HOSTS, timeout=30)
    zk.start(timeout=10)
    figures: dict[str, object] = {"hosts": HOSTS, "objects": OBJECTS, "znodes": ZNODES, "runs": RUNS}
    try:
        env = f"{base}/bench"
        zk.ensure_path(f"{env}/applied")
        t0 = time.perf_counter()
        create_all(zk, [(f"{env}/applied/{k}", b"") for k in KINDS])
        create_all(zk, [(f"{env}/applied/{record(i)['kind']}/{record(i)['uuid']}", json.dumps(record(i), sort_keys=True, separators=(",", ":")).encode()) for i in range(OBJECTS)])
        figures["write_objects_ms"] = round((time.perf_counter() - t0) * 1000)

        tree = f"{base}/tree"
        zk.ensure_path(tree)
        fanout = max(1, int(round((ZNODES - 1) ** 0.5)))
        first = [f"{tree}/n{i:04d}" for i in range(fanout)]
        second = [f"{p}/m{j:04d}" for p in first for j in range(fanout)][: max(0, ZNODES - 1 - fanout)]
        t0 = time.perf_counter()
        create_all(zk, [(p, b"x" * 100) for p in first])
        create_all(zk, [(p, b"y" * 100) for p in second])
        figures["write_znodes_ms"] = round((time.perf_counter() - t0) * 1000)
        subtree = 1 + len(first) + len(second)

        queries = {
            "objects_all": ('SELECT * FROM "registry://objects"', base),
            "objects_count_by_kind": ('SELECT kind, COUNT(*) FROM "registry://objects" GROUP BY kind', base),
            "objects_env_filter": ("""SELECT * FROM "registry://objects" WHERE environment = 'bench'""", base),
            "objects_one_kind": ("""SELECT * FROM "registry://objects" WHERE kind = 'chart'""", base),
            "znodes_subtree": (f'SELECT * FROM "registry://znodes?path={tree}"', base),
            "znodes_depth_1": (f'SELECT * FROM "registry://znodes?path={tree}" WHERE depth <= {tree.count("/") + 1}', base),
        }
        print(f"connector bench: {OBJECTS} applied records, {subtree}-node subtree, ZooKeeper {HOSTS}, {RUNS} runs each")
        print(f"  writing the test data: objects {figures['write_objects_ms']} ms, znodes {figures['write_znodes_ms']} ms")
        pool.close_all()  # the first query opens the session, as the first query of a Superset worker does
        for name, (sql, root) in queries.items():
            rows, first_ms, median_ms = timed(sql, root, RUNS)
            figures[name] = {"rows": rows, "first_ms": round(first_ms, 1), "median_ms": round(median_ms, 1)}
            print(f"  {name:24} {rows:6} rows   first {first_ms:8.1f} ms   median of the rest {median_ms:8.1f} ms")
        print(json.dumps(figures))
    finally:
        pool.close_all()
        deleted = delete_tree(zk, base) if zk.exists(base) else 0
        print(f"  cleaned up {base} ({deleted} nodes)")
        zk.stop()
        zk.close()


if __name__ == "__main__":
    main()
