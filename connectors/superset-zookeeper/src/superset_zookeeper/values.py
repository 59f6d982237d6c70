"""Checked reads of the registry's JSON records (the shapes of src/registry/codec.ts). A value
that does not fit raises Corrupt, which a table turns into a row with the `error` column set."""

import json
from datetime import datetime, timezone
from typing import Any


class Corrupt(Exception):
    """One node's content does not have the shape the registry writes."""


def load_json(data: bytes | None) -> Any:
    try:
        return json.loads((data or b"").decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as ex:
        preview = (data or b"")[:40].decode("utf-8", errors="replace")
        raise Corrupt(f"not UTF-8 JSON (starts {preview!r})") from ex


def load_object(data: bytes | None) -> dict[str, Any]:
    value = load_json(data)
    if not isinstance(value, dict):
        raise Corrupt(f"expected a JSON object, got {type(value).__name__}")
    return value


def text(obj: dict[str, Any], key: str, *, optional: bool = False) -> str | None:
    value = obj.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise Corrupt(f"{key} must be a string, got {_shown(value)}")
    return value


def integer(obj: dict[str, Any], key: str, *, minimum: int | None = None, optional: bool = False) -> int | None:
    value = obj.get(key)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or (minimum is not None and value < minimum):
        bound = f" >= {minimum}" if minimum is not None else ""
        raise Corrupt(f"{key} must be an integer{bound}, got {_shown(value)}")
    return value


def flag(obj: dict[str, Any], key: str) -> bool | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise Corrupt(f"{key} must be true or false, got {_shown(value)}")
    return value


def timestamp(obj: dict[str, Any], key: str, *, optional: bool = False) -> datetime | None:
    raw = text(obj, key, optional=optional)
    return None if raw is None else parse_time(raw, key)


def parse_time(raw: str, key: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as ex:
        raise Corrupt(f"{key} is not an ISO time: {raw[:40]!r}") from ex
    return as_utc(value)


def as_utc(value: datetime) -> datetime:
    """Naive times (Superset's filter literals) are UTC, like everything the registry writes."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def from_millis(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def json_text(value: Any) -> str | None:
    """A JSON value as compact text for a TEXT column (None stays NULL)."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _shown(value: Any) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {json_text(value)[:40]}"
