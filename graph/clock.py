"""Dates and times as the bureau reads them: Beijing time (UTC+8, no summer time), whatever
the server's own time zone is."""

from __future__ import annotations

import datetime as dt

BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")


def now() -> dt.datetime:
    return dt.datetime.now(BEIJING)


def today() -> dt.date:
    return now().date()


def shown(timestamp: str) -> str:
    """An ISO timestamp (any offset) as Beijing time, to the minute: 2026-12-06 08:36."""
    return dt.datetime.fromisoformat(timestamp).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
