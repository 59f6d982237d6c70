"""Pipelined reads: kazoo's *_async calls sent in windows, so thousands of znodes cost round trips
measured in windows, not in nodes. A node that vanished between listing and reading is skipped;
one that may not be read is reported on its row instead of failing the query."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kazoo.client import KazooClient
from kazoo.exceptions import NoAuthError, NoNodeError
from kazoo.protocol.states import ZnodeStat

WINDOW = 512


@dataclass(frozen=True)
class NodeData:
    path: str
    data: bytes | None
    stat: ZnodeStat | None
    error: str | None = None


@dataclass(frozen=True)
class NodeListing:
    path: str
    children: list[str]
    stat: ZnodeStat | None
    error: str | None = None


def children(client: KazooClient, path: str) -> list[str] | None:
    """Sorted child names; None when the node does not exist."""
    try:
        return sorted(client.get_children(path))
    except NoNodeError:
        return None


def get_many(client: KazooClient, paths: Iterable[str], timeout: float) -> Iterator[NodeData]:
    for window in _windows(paths):
        pending = [(p, client.get_async(p)) for p in window]
        for path, result in pending:
            try:
                data, stat = result.get(timeout=timeout)
            except NoNodeError:
                continue
            except NoAuthError:
                yield NodeData(path, None, None, "not readable with these credentials (NOAUTH)")
                continue
            yield NodeData(path, data, stat)


def list_many(client: KazooClient, paths: Iterable[str], timeout: float) -> Iterator[NodeListing]:
    """Children and the node's own stat in one request per node (getChildren2)."""
    for window in _windows(paths):
        pending = [(p, client.get_children_async(p, include_data=True)) for p in window]
        for path, result in pending:
            try:
                names, stat = result.get(timeout=timeout)
            except NoNodeError:
                continue
            except NoAuthError:
                yield NodeListing(path, [], None, "not readable with these credentials (NOAUTH)")
                continue
            yield NodeListing(path, sorted(names), stat)


def _windows(paths: Iterable[str]) -> Iterator[list[str]]:
    window: list[str] = []
    for path in paths:
        window.append(path)
        if len(window) >= WINDOW:
            yield window
            window = []
    if window:
        yield window
