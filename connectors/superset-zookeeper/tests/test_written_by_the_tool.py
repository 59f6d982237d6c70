"""The adapter reads what the TypeScript ZkRegistry writes (src/registry), not just our own
fixtures: one environment written through it, read back through every table."""

import json
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from support import HOSTS, Registry, dicts

REPO = Path(__file__).resolve().parents[3]
UTC = timezone.utc


@pytest.fixture
def written(registry: Registry):
    npx = shutil.which("npx")
    if npx is None or not (REPO / "node_modules" / ".bin" / "tsx").exists():
        pytest.fail("npx tsx is needed (npm ci) to write a registry with the project's ZkRegistry")
    proc = subprocess.Popen(
        [npx, "tsx", str(Path(__file__).with_name("registry_writer.ts")), HOSTS, f"{registry.base}/written"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    if not line:
        proc.wait(timeout=30)
        pytest.fail(f"registry_writer.ts exited with {proc.returncode} before writing")
    yield json.loads(line)
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0


def test_every_table_reads_the_tools_registry(written, registry: Registry, query) -> None:
    applies = dicts(query('SELECT * FROM "registry://applies"'))
    assert len(applies) == 1
    assert applies[0]["environment"] == "written" and applies[0]["seq"] == written["historySeq"]
    assert applies[0]["commit_sha"] == "f" * 40 and applies[0]["duration_s"] == 3.25
    assert applies[0]["changes"] == 3 and applies[0]["error"] is None

    objects = dicts(query('SELECT * FROM "registry://objects"'))
    assert [(o["kind"], o["name"], o["superset_id"], o["protected"], o["error"]) for o in objects] == [
        ("chart", "Revenue / région", 12, True, None)
    ]
    assert objects[0]["changed_on"] == datetime(2025, 3, 1, 10, 0, 1, 500000, tzinfo=UTC)

    drift = dicts(query('SELECT * FROM "registry://drift"'))
    assert [(d["object"], d["attribute"], d["expected"], d["actual"], d["differs_in"], d["error"]) for d in drift] == [
        ("chart Revenue / région", "params.row_limit", "100", "500", "superset", None)
    ]

    lock = dicts(query('SELECT * FROM "registry://lock"'))
    assert len(lock) == 1 and lock[0]["held"] is True
    assert (lock[0]["holder_host"], lock[0]["holder_pid"], lock[0]["sequence"]) == (
        "writer-host", written["pid"], written["lockSequence"],
    )  # fmt: skip

    nodes = {r["path"] for r in dicts(query('SELECT path FROM "registry://znodes"'))}
    layout = ("current", "snapshots", "applied", "lock", "history", "drift")
    assert nodes >= {f"{registry.base}/written/{node}" for node in layout}
