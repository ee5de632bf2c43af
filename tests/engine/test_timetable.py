"""The schedule's rules on the wall clock: weekdays, overnight hours, DST, sleep."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from engine.protocol import Hours, Schedule, WhenDone
from engine.timetable import (
    ScheduleError,
    check,
    format_hours,
    moment,
    parse_days,
    parse_hours,
    read,
)

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS_9_TO_6 = Hours((0, 1, 2, 3, 4), 9 * 60, 18 * 60)


def at(*fields: int, zone: ZoneInfo = BERLIN, fold: int = 0) -> float:
    return datetime(*fields, tzinfo=zone, fold=fold).timestamp()  # type: ignore[misc]


def wall(timestamp: float, zone: ZoneInfo = BERLIN) -> str:
    return datetime.fromtimestamp(timestamp, zone).strftime("%a %Y-%m-%d %H:%M %Z")


# 2026-12-02 is a Wednesday.
@pytest.mark.parametrize(("when", "inside", "next_change"), [
    ((2026, 12, 2, 8, 59), False, "Wed 2026-12-02 09:00 CET"),
    ((2026, 12, 2, 9, 0), True, "Wed 2026-12-02 18:00 CET"),
    ((2026, 12, 2, 17, 59), True, "Wed 2026-12-02 18:00 CET"),
    ((2026, 12, 2, 18, 0), False, "Thu 2026-12-03 09:00 CET"),
    ((2026, 12, 4, 18, 30), False, "Mon 2026-12-07 09:00 CET"),  # Friday evening
    ((2026, 12, 5, 12, 0), False, "Mon 2026-12-07 09:00 CET"),  # Saturday
])
def test_weekday_hours(when: tuple[int, ...], inside: bool, next_change: str) -> None:
    reading = read(WEEKDAYS_9_TO_6, at(*when), BERLIN)
    assert reading.inside is inside
    assert wall(reading.next_change) == next_change


def test_overnight_hours_belong_to_the_day_they_start() -> None:
    friday_night = Hours((4,), 22 * 60, 6 * 60)  # Fri 22:00 - Sat 06:00
    assert read(friday_night, at(2026, 12, 4, 23, 0), BERLIN).inside
    assert read(friday_night, at(2026, 12, 5, 5, 59), BERLIN).inside  # Saturday morning
    assert not read(friday_night, at(2026, 12, 5, 6, 0), BERLIN).inside
    assert not read(friday_night, at(2026, 12, 5, 23, 0), BERLIN).inside  # Saturday night
    assert not read(friday_night, at(2026, 12, 4, 5, 0), BERLIN).inside  # Thu night: not a day
    assert wall(read(friday_night, at(2026, 12, 5, 7, 0), BERLIN).next_change) == \
        "Fri 2026-12-11 22:00 CET"


def test_no_hours_and_all_day_hours_never_change() -> None:
    now = at(2026, 12, 2, 12, 0)
    assert read(None, now, BERLIN).inside and read(None, now, BERLIN).next_change == 0
    always = read(Hours(start=0, end=0), now, BERLIN)  # every day, 24 hours from midnight
    assert always.inside and always.next_change == 0


# Europe/Berlin springs forward on Sunday 2026-03-29 at 02:00 CET → 03:00 CEST,
# and falls back on Sunday 2026-10-25 at 03:00 CEST → 02:00 CET.

def test_a_start_the_spring_jump_skips_opens_at_the_jump() -> None:
    hours = Hours((6,), 2 * 60 + 30, 5 * 60)  # Sundays 02:30-05:00; 02:30 never happens
    jump = at(2026, 3, 29, 3, 0)
    assert wall(jump - 1) == "Sun 2026-03-29 01:59 CET"
    before = read(hours, jump - 1, BERLIN)
    assert not before.inside and before.next_change == jump
    after = read(hours, jump, BERLIN)
    assert after.inside and wall(after.next_change) == "Sun 2026-03-29 05:00 CEST"
    # The period is one hour shorter in real time: 03:00 → 05:00 CEST is two hours.
    assert after.next_change - jump == 2 * 3600


def test_an_end_the_spring_jump_skips_closes_at_the_jump() -> None:
    hours = Hours((6,), 1 * 60, 2 * 60 + 30)  # Sundays 01:00-02:30
    jump = at(2026, 3, 29, 3, 0)
    assert read(hours, jump - 1, BERLIN).inside
    assert read(hours, jump - 1, BERLIN).next_change == jump
    assert not read(hours, jump, BERLIN).inside


def test_the_hour_that_happens_twice_opens_nothing_a_second_time() -> None:
    hours = Hours((6,), 1 * 60, 2 * 60 + 30)  # Sundays 01:00-02:30, the first 02:30
    first_230 = at(2026, 10, 25, 2, 30, fold=0)
    assert wall(first_230) == "Sun 2026-10-25 02:30 CEST"
    assert read(hours, first_230 - 1, BERLIN).next_change == first_230
    assert not read(hours, first_230, BERLIN).inside
    second_200 = at(2026, 10, 25, 2, 0, fold=1)
    assert wall(second_200) == "Sun 2026-10-25 02:00 CET"
    assert not read(hours, second_200, BERLIN).inside  # the clock reads 02:00 again: still closed
    assert not read(hours, second_200 + 20 * 60, BERLIN).inside


def test_a_period_in_the_repeated_hour_opens_once() -> None:
    hours = Hours((6,), 2 * 60 + 15, 2 * 60 + 45)  # Sundays 02:15-02:45
    first = at(2026, 10, 25, 2, 20, fold=0)
    second = at(2026, 10, 25, 2, 20, fold=1)
    assert second - first == 3600
    assert read(hours, first, BERLIN).inside
    assert not read(hours, second, BERLIN).inside


def test_a_day_with_a_jump_still_opens_at_its_hour_the_next_day() -> None:
    daily = Hours(start=9 * 60, end=18 * 60)
    assert wall(read(daily, at(2026, 3, 28, 20, 0), BERLIN).next_change) == \
        "Sun 2026-03-29 09:00 CEST"
    assert wall(read(daily, at(2026, 10, 24, 20, 0), BERLIN).next_change) == \
        "Sun 2026-10-25 09:00 CET"


def test_a_machine_that_slept_through_the_start_starts_on_waking_inside() -> None:
    """Suspended at 08:00, woken at 10:30: the 09:00 start was missed but the
    hours are still open, so downloads start at once."""
    asleep = at(2026, 12, 2, 8, 0)
    assert not read(WEEKDAYS_9_TO_6, asleep, BERLIN).inside
    assert read(WEEKDAYS_9_TO_6, at(2026, 12, 2, 10, 30), BERLIN).inside


def test_a_machine_that_slept_through_the_whole_period_waits_for_the_next() -> None:
    """Suspended at 08:00, woken at 19:00: the whole period was slept through;
    nothing starts until the next one, and the skipped one is not made up for."""
    woken = read(WEEKDAYS_9_TO_6, at(2026, 12, 2, 19, 0), BERLIN)
    assert not woken.inside
    assert wall(woken.next_change) == "Thu 2026-12-03 09:00 CET"


def test_the_slow_hours_are_read_apart_from_the_download_hours() -> None:
    schedule = Schedule(hours=None, slow_hours=WEEKDAYS_9_TO_6, slow_limit=2_000_000)
    assert moment(schedule, at(2026, 12, 2, 10, 0), BERLIN).slow
    assert moment(schedule, at(2026, 12, 2, 10, 0), BERLIN).open
    assert not moment(schedule, at(2026, 12, 5, 10, 0), BERLIN).slow  # Saturday


def test_the_same_wall_time_in_another_zone_is_another_instant() -> None:
    utc = ZoneInfo("UTC")
    now = datetime(2026, 12, 2, 8, 30, tzinfo=UTC).timestamp()  # 09:30 in Berlin
    assert read(WEEKDAYS_9_TO_6, now, BERLIN).inside
    assert not read(WEEKDAYS_9_TO_6, now, utc).inside


@pytest.mark.parametrize(("text", "hours"), [
    ("mon-fri 09:00-18:00", Hours((0, 1, 2, 3, 4), 540, 1080)),
    ("22:00-06:00", Hours(start=1320, end=360)),
    ("sat,sun 0:00-23:59", Hours((5, 6), 0, 1439)),
    ("fri-mon 20:00-08:00", Hours((0, 4, 5, 6), 1200, 480)),
    ("daily 01:00-02:00", Hours(start=60, end=120)),
])
def test_hours_are_read_from_text_and_written_back(text: str, hours: Hours) -> None:
    assert parse_hours(text) == hours
    assert parse_hours(format_hours(hours)) == hours


@pytest.mark.parametrize("text", ["", "9-18", "mon-fri 25:00-26:00", "someday 09:00-10:00",
                                  "mon 09:00", "a b c", "09:60-10:00"])
def test_bad_hours_say_what_was_expected(text: str) -> None:
    with pytest.raises(ScheduleError, match="try"):
        parse_hours(text)


def test_days_wrap_round_the_week() -> None:
    assert parse_days("sat-mon") == (0, 5, 6)


@pytest.mark.parametrize(("schedule", "problem"), [
    (Schedule(hours=Hours(days=())), "at least one day"),
    (Schedule(hours=Hours(days=(7,))), "0 \\(Monday\\) to 6"),
    (Schedule(hours=Hours(start=1440)), "00:00 to 23:59"),
    (Schedule(slow_hours=Hours(), slow_limit=0), "above zero"),
    (Schedule(slow_limit=-1), "negative"),
])
def test_a_schedule_out_of_range_is_refused(schedule: Schedule, problem: str) -> None:
    with pytest.raises(ScheduleError, match=problem):
        check(schedule)


def test_a_sensible_schedule_passes() -> None:
    check(Schedule(WEEKDAYS_9_TO_6, Hours(start=0, end=360), 500_000, WhenDone.SHUTDOWN))


def test_every_minute_of_the_fall_back_weekend_agrees_with_a_naive_reading_but_one() -> None:
    """An independent reading: the local wall time's weekday and minute inside
    [start, end).  It agrees with the instants at every minute of four days
    but in the repeated half hour, which the first-occurrence rule keeps closed."""
    hours = Hours((5, 6, 0), 60, 2 * 60 + 30)  # Sat, Sun, Mon 01:00-02:30
    start = at(2026, 10, 23, 0, 0)
    disagreements = []
    for minute in range(4 * 24 * 60):
        now = start + minute * 60
        local = datetime.fromtimestamp(now, BERLIN)
        naive = local.weekday() in hours.days and 60 <= local.hour * 60 + local.minute < 150
        if read(hours, now, BERLIN).inside != naive:
            disagreements.append(wall(now))
    assert disagreements == [f"Sun 2026-10-25 02:{m:02d} CET" for m in range(30)]
