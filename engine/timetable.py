"""The schedule's hours as instants: when they open and close, DST and all.

Pure (standard library only): a time zone and a Unix time in, answers out, so
the rules are tested with any zone and any moment.

The rules, as the person reads the clock on the wall:

* A period opens the first time the local clock reads its start on one of
  its days, and closes the first time it reads its end (the next day when the
  end is not after the start).  On the spring-forward day a start the clock
  skips (02:30 in Berlin) opens when the clock jumps over it (03:00); on the
  fall-back day a time that happens twice means its first occurrence, so the
  repeated hour does not open a period a second time.
* Downloads run while *now* is inside a period.  Nothing is remembered in
  between: a machine that slept through a start wakes inside the period and
  starts at once, or wakes after the period's end and waits for the next one
  (a whole period slept through is skipped, not made up for).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.protocol import EVERY_DAY, Hours, Schedule

MINUTES_PER_DAY = 24 * 60
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LOOKAHEAD_DAYS = 8  # a weekly period is always found within this


class ScheduleError(ValueError):
    """A schedule that cannot be used; the text says why, for a person."""


def check(schedule: Schedule) -> None:
    """Raise :class:`ScheduleError` if a day, a time or the limit is out of range."""
    for hours in (schedule.hours, schedule.slow_hours):
        if hours is None:
            continue
        if not hours.days:
            raise ScheduleError("Choose at least one day of the week.")
        if any(not 0 <= day <= 6 for day in hours.days):
            raise ScheduleError("Days of the week are numbered 0 (Monday) to 6 (Sunday).")
        if not (0 <= hours.start < MINUTES_PER_DAY and 0 <= hours.end < MINUTES_PER_DAY):
            raise ScheduleError("Times of day go from 00:00 to 23:59.")
    if schedule.slow_hours is not None and schedule.slow_limit <= 0:
        raise ScheduleError("The speed limit for the slow hours must be above zero.")
    if schedule.slow_limit < 0:
        raise ScheduleError("A speed limit cannot be negative.")


def _first_reading(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The first instant at which the clock in ``zone`` reads ``minute`` on
    ``day`` or later (the moment of a jump over a time that does not exist)."""
    wall = datetime.combine(day, time(minute // 60, minute % 60))
    instant = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant  # the time exists; fold=0 is its first occurrence
    # Skipped by a jump forward: fold=1 reads the wall time with the offset
    # after the jump (an instant before it), fold=0 with the one before (after
    # it).  The jump lies between: find the first second that reads >= wall.
    low = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    high = int(instant.timestamp())
    low, high = min(low, high), max(low, high)
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def periods(hours: Hours, around: datetime, zone: ZoneInfo,
            days_back: int = 1, days_ahead: int = _LOOKAHEAD_DAYS) -> list[tuple[float, float]]:
    """The periods of ``hours`` starting from ``days_back`` days before the
    local date of ``around`` to ``days_ahead`` days after, as (open, close)
    Unix times, in order."""
    today = around.astimezone(zone).date()
    found = []
    for offset in range(-days_back, days_ahead + 1):
        day = today + timedelta(days=offset)
        if day.weekday() not in hours.days:
            continue
        end_day = day if hours.end > hours.start else day + timedelta(days=1)
        opens = _first_reading(day, hours.start, zone).timestamp()
        closes = _first_reading(end_day, hours.end, zone).timestamp()
        if closes > opens:
            found.append((opens, closes))
    return found


@dataclass(frozen=True)
class Reading:
    """What ``hours`` mean at one moment: inside a period or not, and the Unix
    time that changes next (0: never, for hours that are always or never open)."""

    inside: bool
    next_change: float


def read(hours: Hours | None, now: float, zone: ZoneInfo) -> Reading:
    """Whether Unix time ``now`` is inside ``hours`` (``None``: always)."""
    if hours is None:
        return Reading(True, 0.0)
    moment = datetime.fromtimestamp(now, UTC)
    found = periods(hours, moment, zone)
    for opens, closes in found:
        if opens <= now < closes:
            # Back-to-back periods (every day 00:00-00:00) are one stretch;
            # one that reaches past the look-ahead never closes.
            end = closes
            for later_open, later_close in found:
                if later_open <= end < later_close:
                    end = later_close
            return Reading(True, 0.0 if end == found[-1][1] else end)
    upcoming = [opens for opens, _closes in found if opens > now]
    return Reading(False, min(upcoming) if upcoming else 0.0)


@dataclass(frozen=True)
class Moment:
    """The whole schedule at one moment."""

    open: bool  # downloads may run
    slow: bool  # the slow hours' limit is in force
    next_change: float  # the next time ``open`` changes (0: never)


def moment(schedule: Schedule, now: float, zone: ZoneInfo) -> Moment:
    hours = read(schedule.hours, now, zone)
    slow = schedule.slow_hours is not None and read(schedule.slow_hours, now, zone).inside
    return Moment(hours.inside, slow, hours.next_change)


# ---------------------------------------------------------------- text

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_time(text: str) -> int:
    """``09:30`` → minutes after midnight."""
    match = _TIME.match(text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ScheduleError(f"not a time of day: {text!r} (try 09:00 or 18:30)")
    return int(match.group(1)) * 60 + int(match.group(2))


def parse_days(text: str) -> tuple[int, ...]:
    """``mon-fri``, ``sat,sun``, ``mon,wed-fri`` or ``daily`` → weekday numbers."""
    text = text.strip().lower()
    if text in ("daily", "every", "all"):
        return EVERY_DAY
    days: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        try:
            start = DAY_NAMES.index(first[:3])
            end = DAY_NAMES.index(last[:3]) if last else start
        except ValueError:
            raise ScheduleError(
                f"not days of the week: {text!r} (try mon-fri, sat,sun or daily)") from None
        span = (end - start) % 7
        days.update((start + i) % 7 for i in range(span + 1))
    return tuple(sorted(days))


def parse_hours(text: str) -> Hours:
    """``mon-fri 09:00-18:00`` (days optional: every day) → :class:`Hours`."""
    parts = text.split()
    if len(parts) not in (1, 2):
        raise ScheduleError(f"not hours: {text!r} (try 'mon-fri 09:00-18:00' or '22:00-06:00')")
    days = parse_days(parts[0]) if len(parts) == 2 else EVERY_DAY
    start, dash, end = parts[-1].partition("-")
    if not dash:
        raise ScheduleError(f"not a span of time: {parts[-1]!r} (try 09:00-18:00)")
    return Hours(days, parse_time(start), parse_time(end))


def format_hours(hours: Hours) -> str:
    """:class:`Hours` as :func:`parse_hours` reads them."""
    def clock(minute: int) -> str:
        return f"{minute // 60:02d}:{minute % 60:02d}"

    days = ",".join(DAY_NAMES[d] for d in sorted(hours.days))
    return f"{days} {clock(hours.start)}-{clock(hours.end)}"
