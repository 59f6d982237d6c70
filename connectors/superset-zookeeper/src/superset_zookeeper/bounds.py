"""What shillelagh hands the adapter from the WHERE clause, in the forms the tables use."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from shillelagh.filters import Equal, Filter, Impossible, Like, Range

from .values import as_utc

Bounds = dict[str, Filter]
Row = dict[str, Any]


def impossible(bounds: Bounds) -> bool:
    return any(isinstance(f, Impossible) for f in bounds.values())


def equal_to(bounds: Bounds, column: str) -> Any | None:
    """The value of `column = value`, or None when the query does not pin the column."""
    flt = bounds.get(column)
    return flt.value if isinstance(flt, Equal) else None


def like_pattern(bounds: Bounds, column: str) -> str | None:
    flt = bounds.get(column)
    return flt.value if isinstance(flt, Like) else None


def range_of(bounds: Bounds, column: str) -> Range | None:
    flt = bounds.get(column)
    return flt if isinstance(flt, Range) else None


def time_predicate(bounds: Bounds, columns: list[str]) -> Callable[[Row], bool]:
    """Exact checks for the time columns the query bounds (SQLite does not check them again:
    comparing ISO strings there would get same-day bounds wrong)."""
    ranges = [(c, r) for c in columns if (r := range_of(bounds, c)) is not None]
    if not ranges:
        return lambda _row: True
    return lambda row: all(in_range(row.get(c), r) for c, r in ranges)


def in_range(value: datetime | None, flt: Range) -> bool:
    if value is None:
        return False
    value = as_utc(value)
    if flt.start is not None:
        start = _as_time(flt.start)
        if value < start or (value == start and not flt.include_start):
            return False
    if flt.end is not None:
        end = _as_time(flt.end)
        if value > end or (value == end and not flt.include_end):
            return False
    return True


def _as_time(bound: Any) -> datetime:
    if isinstance(bound, datetime):
        return as_utc(bound)
    return as_utc(datetime.fromisoformat(str(bound)))
