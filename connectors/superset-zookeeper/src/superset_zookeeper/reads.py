"""Pipelined reads: kazoo's *_async calls with up to IN_FLIGHT requests outstanding (a sliding
window), so thousands of znodes do not cost a round trip each. A node that vanished between
listing and reading is skipped; one that may not be read is reported on its row instead of failing
the query."""

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kazoo.client import KazooClient
from kazoo.exceptions import NoAuthError, NoNodeError
from kazoo.protocol.states import ZnodeStat

# Against a local ZooKeeper 5,000 gets took ~0.7 s with 64 to 1,024 in flight (kazoo's Python
# protocol is the limit) and ~1.5 s one at a time.
IN_FLIGHT = 256


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
    for path, result in _pipelined(paths, client.get_async):
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
    request = lambda p: client.get_children_async(p, include_data=True)  # noqa: E731
    for path, result in _pipelined(paths, request):
        try:
            names, stat = result.get(timeout=timeout)
        except NoNodeError:
            continue
        except NoAuthError:
            yield NodeListing(path, [], None, "not readable with these credentials (NOAUTH)")
            continue
        yield NodeListing(path, sorted(names), stat)


def _pipelined(paths: Iterable[str], request: Callable[[str], Any]) -> Iterator[tuple[str, Any]]:
    """(path, pending result) in order, with at most IN_FLIGHT requests sent and not yet taken."""
    pending: deque[tuple[str, Any]] = deque()
    for path in paths:
        pending.append((path, request(path)))
        if len(pending) >= IN_FLIGHT:
            yield pending.popleft()
    while pending:
        yield pending.popleft()
