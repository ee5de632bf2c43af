"""The schedule at work: opens and closes the hours, slows the queue in the
slow hours, and carries out the when-done action once all is done.

The schedule is kept in the store (the last ``set_schedule`` line, read back
through the protocol's own decoder), so it survives restarts and crashes; the
window only edits it.  Time comes from a :class:`Clock`, which tests replace.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol
from zoneinfo import ZoneInfo

import gevent

from engine import power, protocol, timetable
from engine.protocol import WHEN_DONE_DELAY, Schedule, State, WhenDone
from engine.scheduler import CommandError, Scheduler
from engine.store import Record, Store
from engine.supervision import Supervisor

log = logging.getLogger(__name__)

TICK = 1.0  # seconds between looks at the clock
SCHEDULE_OPTION = "schedule"
_DONE = frozenset({State.COMPLETED, State.FAILED})


class Clock(Protocol):
    """Unix time now, and the zone whose wall clock the schedule reads."""

    zone: ZoneInfo

    def now(self) -> float: ...


class SystemClock:
    """This computer's clock and time zone (``TZ``, else the system's)."""

    def __init__(self) -> None:
        self.zone = local_zone()

    def now(self) -> float:
        return time.time()


def local_zone() -> ZoneInfo:
    try:
        import tzlocal
    except ImportError:  # an install from before the dependency: run, on UTC
        log.warning("tzlocal is not installed (pip install tzlocal); the schedule reads UTC")
        return ZoneInfo("UTC")
    try:
        zone = tzlocal.get_localzone()
    except Exception as exc:  # tzlocal raises several kinds for a broken setup
        log.warning("cannot tell the local time zone (%s); the schedule reads UTC", exc)
        return ZoneInfo("UTC")
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo("UTC")


class Timekeeper:
    """Applies the schedule to a :class:`Scheduler`, which carries its commands here."""

    def __init__(self, scheduler: Scheduler, store: Store, emit: Callable[[protocol.Message], None],
                 clock: Clock, *, supervisor: Supervisor | None = None,
                 power_action: Callable[[WhenDone], str] = power.carry_out) -> None:
        self.scheduler = scheduler
        self.store = store
        self.emit = emit
        self.clock = clock
        self.supervisor = supervisor or scheduler.supervisor
        self.power_action = power_action
        self.schedule = Schedule()
        self._moment: timetable.Moment | None = None
        self._had_work = False  # something was unfinished since all was last done
        self._countdown_until = 0.0  # clock time of the when-done action; 0: none
        self._loop: gevent.Greenlet | None = None
        scheduler.on_state = self._on_state
        scheduler.add_handler(protocol.SetSchedule, self._on_set_schedule)
        scheduler.add_handler(protocol.CancelWhenDone, self._on_cancel)

    def load(self) -> None:
        """Read the stored schedule and apply it; call before the scheduler starts,
        so that nothing starts outside the hours."""
        line = self.store.option(SCHEDULE_OPTION)
        if isinstance(line, str):
            try:
                message = protocol.decode_command(line)
                assert isinstance(message, protocol.SetSchedule)
                timetable.check(message.schedule)
                self.schedule = message.schedule
            except (protocol.ProtocolError, timetable.ScheduleError, AssertionError) as exc:
                log.warning("ignoring the stored schedule (%s)", exc)
        self.tick(announce=False)

    def start(self) -> None:
        """Watch the clock (after the scheduler started)."""
        self._had_work = self.scheduler.unfinished()
        self._loop = self.supervisor.spawn("schedule loop", self._run)

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.kill()

    def status(self) -> protocol.ScheduleStatus:
        moment = self._moment or timetable.moment(self.schedule, self.clock.now(),
                                                  self.clock.zone)
        return protocol.ScheduleStatus(self.schedule, moment.open, moment.slow,
                                       moment.next_change)

    # ------------------------------------------------------------ commands

    def _on_set_schedule(self, message: protocol.SetSchedule) -> None:
        try:
            timetable.check(message.schedule)
        except timetable.ScheduleError as exc:
            raise CommandError(str(exc), protocol.ErrorCode.BAD_SCHEDULE) from None
        self.store.set_option(SCHEDULE_OPTION, message.encode())
        if self._countdown_until and message.schedule.when_done is not self.schedule.when_done:
            self._call_off()
        self.schedule = message.schedule
        log.info("schedule: %s", message.encode())
        self._moment = None  # announce it even if the hours did not change
        self.tick()

    def _on_cancel(self, _message: protocol.CancelWhenDone) -> None:
        self._call_off()

    # ------------------------------------------------------------ time

    def _run(self) -> None:
        while True:
            gevent.sleep(TICK)
            self.tick()

    def tick(self, *, announce: bool = True) -> None:
        """Look at the clock: open or close the hours, set the limit, watch for all done."""
        now = self.clock.now()
        moment = timetable.moment(self.schedule, now, self.clock.zone)
        self.scheduler.set_hours(moment.open)
        self.scheduler.set_slow_limit(self.schedule.slow_limit if moment.slow else None)
        if moment != self._moment:
            self._moment = moment
            if announce:
                self.emit(self.status())
        if announce:
            self._watch_done(now)

    def _on_state(self, record: Record) -> None:
        if record.state not in _DONE:
            self._had_work = True

    def _watch_done(self, now: float) -> None:
        """All done (nothing unfinished, after something was): count down to the
        action; new work during the countdown calls it off."""
        action = self.schedule.when_done
        if self._countdown_until:
            if self.scheduler.unfinished():
                log.info("new downloads: the %s countdown is called off", action)
                self._call_off()
            elif now >= self._countdown_until:
                self._countdown_until = 0.0
                self._carry_out(action)
            return
        if not self._had_work or self.scheduler.unfinished():
            return
        self._had_work = False
        if action is WhenDone.NOTHING:
            return
        log.info("all downloads are done: %s in %.0f s unless cancelled", action, WHEN_DONE_DELAY)
        self._countdown_until = now + WHEN_DONE_DELAY
        self.emit(protocol.WhenDoneStatus(action, seconds_left=WHEN_DONE_DELAY))

    def _call_off(self) -> None:
        if self._countdown_until:
            self._countdown_until = 0.0
            self.emit(protocol.WhenDoneStatus(self.schedule.when_done))

    def _carry_out(self, action: WhenDone) -> None:
        if action is WhenDone.QUIT:
            self.emit(protocol.WhenDoneStatus(action, carried_out=True))
            return
        error = self.power_action(action)
        if error:
            log.error("could not %s: %s", action, error)
            self.emit(protocol.WhenDoneStatus(action, error=error,
                                              error_code=protocol.ErrorCode.POWER))
        else:
            self.emit(protocol.WhenDoneStatus(action, carried_out=True))
