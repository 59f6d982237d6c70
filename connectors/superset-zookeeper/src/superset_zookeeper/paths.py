"""Znode paths: absolute, no empty, "." or ".." segments, no trailing slash (except "/")."""

from .errors import SettingsError


def check_path(path: object, what: str) -> str:
    if not isinstance(path, str) or not path.startswith("/"):
        raise SettingsError(f"{what} must be an absolute znode path like /superset-gitops, got {path!r}")
    if path == "/":
        return path
    segments = path.split("/")[1:]
    if any(seg in ("", ".", "..") for seg in segments):
        raise SettingsError(f"{what} must be an absolute znode path like /superset-gitops, got {path!r}")
    return path


def join(parent: str, name: str) -> str:
    return f"/{name}" if parent == "/" else f"{parent}/{name}"


def parent_of(path: str) -> str | None:
    if path == "/":
        return None
    head = path.rsplit("/", 1)[0]
    return head or "/"


def depth_of(path: str) -> int:
    """"/" is 0, "/a" is 1, "/a/b" is 2."""
    return 0 if path == "/" else path.count("/")
