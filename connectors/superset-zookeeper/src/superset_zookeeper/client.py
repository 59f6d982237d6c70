"""One kazoo session per (hosts, identity, timeout), shared by every query of the process.

Superset opens a new DB-API connection (and a new adapter) for each query; a ZooKeeper handshake
per query would cost more than the reads. Sessions live until the process ends; kazoo reconnects in
the background, and a query waits at most connect_timeout_ms for that before it fails.
"""

import hashlib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from kazoo.client import KazooClient
from kazoo.exceptions import (
    AuthFailedError,
    ConnectionClosedError,
    ConnectionLoss,
    KazooException,
    NoAuthError,
    OperationTimeoutError,
    SessionExpiredError,
)
from kazoo.handlers.threading import KazooTimeoutError
from kazoo.retry import KazooRetry

from .errors import RegistryUnavailableError
from .settings import Settings

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_clients: dict[tuple[str, str, int], KazooClient] = {}


def client_for(settings: Settings) -> KazooClient:
    """A connected client; RegistryUnavailableError when ZooKeeper does not answer in time."""
    digest = settings.digest()
    identity = hashlib.sha256(digest.encode()).hexdigest() if digest else ""
    key = (settings.hosts, identity, settings.session_timeout_ms)
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = _start(settings, digest)
            _clients[key] = client
            return client
    _await_connected(client, settings)
    return client


def close_all() -> None:
    """Ends every pooled session (tests; the process otherwise keeps them)."""
    with _lock:
        clients = list(_clients.values())
        _clients.clear()
    for client in clients:
        client.stop()
        client.close()


def _start(settings: Settings, digest: str | None) -> KazooClient:
    client = KazooClient(
        hosts=settings.hosts,
        timeout=settings.session_timeout_ms / 1000,
        auth_data=[("digest", digest)] if digest else None,
        read_only=True,
        # Reconnect forever in the background; each query bounds its own wait.
        connection_retry=KazooRetry(max_tries=-1, max_delay=5),
        command_retry=None,
    )
    try:
        client.start(timeout=settings.connect_timeout_ms / 1000)
    except KazooTimeoutError as ex:  # kazoo has stopped and closed the client already
        raise _unreachable(settings) from ex
    except AuthFailedError as ex:
        client.stop()
        client.close()
        raise RegistryUnavailableError(
            f"ZooKeeper at {settings.hosts} refused the digest credentials from {settings.digest_env}"
        ) from ex
    return client


def _await_connected(client: KazooClient, settings: Settings) -> None:
    deadline = time.monotonic() + settings.connect_timeout_ms / 1000
    while not client.connected:
        if time.monotonic() >= deadline:
            raise _unreachable(settings)
        time.sleep(0.02)


def _unreachable(settings: Settings) -> RegistryUnavailableError:
    return RegistryUnavailableError(
        f"ZooKeeper at {settings.hosts} did not answer within {settings.connect_timeout_ms / 1000:g} s "
        "(is it running and reachable from the Superset server? check `hosts` in the registry "
        "database's settings)"
    )


@contextmanager
def zookeeper_errors(settings: Settings) -> Iterator[None]:
    """Turns kazoo's connection errors into one readable error naming the ensemble."""
    try:
        yield
    except (ConnectionLoss, ConnectionClosedError, SessionExpiredError, OperationTimeoutError) as ex:
        raise RegistryUnavailableError(
            f"lost the connection to ZooKeeper at {settings.hosts} while reading the registry "
            f"({type(ex).__name__}); try again"
        ) from ex
    except NoAuthError as ex:
        raise RegistryUnavailableError(
            f"ZooKeeper at {settings.hosts} denied reading the registry under {settings.root} "
            "(NOAUTH): set digest_env to a variable holding a permitted user:password"
        ) from ex
    except KazooException as ex:
        raise RegistryUnavailableError(
            f"ZooKeeper at {settings.hosts} failed a read: {type(ex).__name__} {ex}"
        ) from ex
