"""Helpers for the tests: registry-shaped writes and row access."""

import json
import os
from typing import Any

from kazoo.client import KazooClient

from superset_zookeeper.names import encode_name

#: The digest identity tests lock nodes to (user:password).
OWNER = "owner:pw"
HOSTS = f"{os.environ.get('ZK_HOST', '127.0.0.1')}:{os.environ.get('ZK_PORT', '2181')}"


def canonical(value: Any) -> bytes:
    """What src/model/canonical.ts writes: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def dicts(result: tuple[list[str], list[tuple[Any, ...]]]) -> list[dict[str, Any]]:
    names, rows = result
    return [dict(zip(names, row)) for row in rows]


class Registry:
    """Writes registry-shaped nodes (src/registry layout) under one scratch base."""

    def __init__(self, zk: KazooClient, base: str):
        self.zk = zk
        self.base = base

    def env(self, name: str) -> str:
        root = f"{self.base}/{encode_name(name)}"
        for node in ("snapshots", "current", "applied", "lock", "history", "drift"):
            self.zk.ensure_path(f"{root}/{node}")
        return root

    def history(self, env: str, **entry: Any) -> str:
        return self.zk.create(f"{self.env(env)}/history/h-", canonical(entry), sequence=True)

    def history_raw(self, env: str, data: bytes) -> str:
        return self.zk.create(f"{self.env(env)}/history/h-", data, sequence=True)

    def applied(self, env: str, record: dict[str, Any], data: bytes | None = None) -> str:
        path = f"{self.env(env)}/applied/{encode_name(record['kind'])}/{encode_name(record['uuid'])}"
        self.zk.create(path, data if data is not None else canonical(record), makepath=True)
        return path

    def drift(self, env: str, findings: list[Any], generation: str = "g1", raw: dict[int, bytes] | None = None) -> None:
        root = f"{self.env(env)}/drift"
        self.zk.create(f"{root}/{generation}")
        for i, finding in enumerate(findings):
            data = (raw or {}).get(i, canonical(finding))
            self.zk.create(f"{root}/{generation}/f-{i:06d}", data)
        pointer = {"generation": generation, "count": len(findings), "contentHash": "0" * 64, "writtenAt": "2025-03-01T12:00:00.000Z"}
        self.zk.set(root, canonical(pointer))

    def lock(self, env: str, holder: dict[str, Any] | bytes, token: str | None = None) -> str:
        token = token or "0f0e0d0c-0b0a-4909-8807-060504030201"
        data = holder if isinstance(holder, bytes) else canonical(holder)
        return self.zk.create(f"{self.env(env)}/lock/{token}-lock-", data, ephemeral=True, sequence=True)
