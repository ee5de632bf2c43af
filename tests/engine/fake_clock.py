"""Clocks a test moves by hand, for the schedule (:mod:`engine.timekeeper`)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

CLOCK_ENV = "GREENGET_TEST_CLOCK"


class FakeClock:
    """In-process: ``now`` is whatever the test set."""

    def __init__(self, when: datetime) -> None:
        assert when.tzinfo is not None
        self.zone = when.tzinfo if isinstance(when.tzinfo, ZoneInfo) else ZoneInfo("UTC")
        self.time = when.timestamp()

    def now(self) -> float:
        return self.time

    def set(self, when: datetime) -> None:
        self.time = when.timestamp()

    def advance(self, seconds: float) -> None:
        self.time += seconds


class FileClock:
    """In a worker: Unix time read from a file at each look (the zone is ``TZ``'s)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zone = ZoneInfo(os.environ.get("TZ", "UTC").lstrip(":"))

    def now(self) -> float:
        return float(self.path.read_text())


def set_file_clock(path: Path, when: datetime | float) -> None:
    """Move a :class:`FileClock` (written whole, then renamed: never read half-written)."""
    value = when.timestamp() if isinstance(when, datetime) else when
    partial = path.with_name(path.name + ".new")
    partial.write_text(repr(value))
    os.replace(partial, path)
