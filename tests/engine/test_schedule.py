"""The schedule in a real worker, on a clock the test moves: hours that start
and stop real downloads from the fault server, slow hours, the schedule kept
through a crash, and the when-done action (recorded, refused, cancelled)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine import protocol as p
from engine.protocol import Hours, Schedule, State, WhenDone
from tests.engine.conftest import FAST, sha256
from tests.engine.fake_clock import CLOCK_ENV, set_file_clock
from tests.servers.payload import sha256_of
from tests.worker_client import WorkerProcess

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS_9_TO_6 = Hours((0, 1, 2, 3, 4), 9 * 60, 18 * 60)
WEDNESDAY_8 = datetime(2026, 12, 2, 8, 0, tzinfo=BERLIN)  # 2026-12-02 is a Wednesday
KB = 1000


def berlin(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


class Clocked:
    """Starts workers that read the time from a file this test writes."""

    def __init__(self, home: Path, clock: Path, env: dict[str, str]) -> None:
        self.home = home
        self.clock = clock
        self.env = env
        self.workers: list[WorkerProcess] = []

    def start(self, when: datetime | None = None) -> WorkerProcess:
        if when is not None:
            self.set(when)
        worker = WorkerProcess(self.home, settings=FAST, module="tests.engine.instrumented_worker",
                               env={CLOCK_ENV: str(self.clock), "TZ": "Europe/Berlin", **self.env})
        self.workers.append(worker)
        first_status(worker)
        return worker

    def set(self, when: datetime | float) -> None:
        set_file_clock(self.clock, when)

    def advance(self, seconds: float) -> None:
        self.set(float(self.clock.read_text()) + seconds)


@pytest.fixture
def clocked(home: Path, tmp_path: Path) -> Iterator[Callable[..., Clocked]]:
    made: list[Clocked] = []

    def make(**env: str) -> Clocked:
        made.append(Clocked(home, tmp_path / "clock", env))
        made[-1].set(WEDNESDAY_8)
        return made[-1]

    yield make
    for each in made:
        for worker in each.workers:
            worker.close()


def since(worker: WorkerProcess, start: int, kind: type[p.Message]) -> list:
    return [m for m in worker.seen[start:] if isinstance(m, kind)]


def set_schedule(worker: WorkerProcess, schedule: Schedule) -> p.ScheduleStatus:
    start = len(worker.seen)
    worker.send(p.SetSchedule(schedule))
    worker.wait_until(lambda: bool(since(worker, start, p.ScheduleStatus)), what="schedule_status")
    status = since(worker, start, p.ScheduleStatus)[-1]
    assert status.schedule == schedule
    return status


def first_status(worker: WorkerProcess) -> p.ScheduleStatus:
    """The status a worker sends after its snapshot."""
    worker.wait_until(lambda: bool(since(worker, 0, p.ScheduleStatus)), what="schedule_status")
    return since(worker, 0, p.ScheduleStatus)[0]


def when_done(worker: WorkerProcess, start: int, timeout: float = 15.0) -> p.WhenDoneStatus:
    worker.wait_until(lambda: bool(since(worker, start, p.WhenDoneStatus)), timeout,
                      "when_done_status")
    return since(worker, start, p.WhenDoneStatus)[-1]


def test_the_hours_start_and_stop_real_downloads(clocked, fault_server, downloads) -> None:
    clock = clocked()
    worker = clock.start()
    status = set_schedule(worker, Schedule(hours=WEEKDAYS_9_TO_6, when_done=WhenDone.QUIT))
    assert not status.open
    assert datetime.fromtimestamp(status.next_change, BERLIN) == berlin(2, 9)

    size_small, size_slow = 300_000, 1_500_000
    small = fault_server.data_url(size_small, name="small.bin", seed=51)
    slow = fault_server.data_url(size_slow, name="slow.bin", seed=52, throttle=150 * KB)
    fault_server.reset()
    first, second = worker.add([small, slow], downloads)
    assert {worker.downloads[i].state for i in (first, second)} == {State.SCHEDULED}
    worker.pump(2.5)  # a few looks at the clock: still 08:00
    assert {worker.downloads[i].state for i in (first, second)} == {State.SCHEDULED}
    assert fault_server.stats()["log"] == []  # not one request outside the hours

    clock.set(berlin(2, 9))
    worker.wait_state(first, State.COMPLETED, timeout=15)
    worker.wait_done(second, 200_000, timeout=15)
    assert worker.downloads[second].state is State.DOWNLOADING

    start = len(worker.seen)
    clock.set(berlin(2, 18))  # closing time, mid-download
    stopped = worker.wait_state(second, State.SCHEDULED, timeout=15)
    assert 0 < stopped.done < size_slow
    worker.pump(2.0)
    assert worker.downloads[second].state is State.SCHEDULED
    part = downloads / "slow.bin.part"
    kept = part.stat().st_size
    assert since(worker, start, p.WhenDoneStatus) == []  # scheduled is not done

    clock.set(berlin(3, 9))  # Thursday morning: it goes on from its bytes
    worker.wait_state(second, State.COMPLETED, timeout=30)
    assert sha256(downloads / "slow.bin") == sha256_of(size_slow, seed=52)
    assert sha256(downloads / "small.bin") == sha256_of(size_small, seed=51)
    ranges = [e.get("range") for e in fault_server.stats()["log"] if "slow.bin" in e["path"]]
    assert any(r and r.startswith("bytes=") and r != "bytes=0-" for r in ranges), ranges
    assert kept > 0
    countdown = when_done(worker, start)
    assert countdown.action is WhenDone.QUIT and countdown.seconds_left == p.WHEN_DONE_DELAY


def test_the_schedule_outlives_a_crash_and_nothing_starts_early(
        clocked, fault_server, downloads) -> None:
    clock = clocked()
    worker = clock.start()
    schedule = Schedule(hours=WEEKDAYS_9_TO_6, slow_hours=Hours(start=0, end=6 * 60),
                        slow_limit=100 * KB, when_done=WhenDone.SLEEP)
    set_schedule(worker, schedule)
    url = fault_server.data_url(200_000, name="later.bin", seed=53)
    (download,) = worker.add([url], downloads)
    assert worker.downloads[download].state is State.SCHEDULED
    worker.kill()  # SIGKILL: no chance to save anything more

    fault_server.reset()
    again = clock.start()
    status = first_status(again)
    assert status.schedule == schedule and not status.open
    assert again.downloads[download].state is State.SCHEDULED
    again.pump(2.0)
    assert fault_server.stats()["log"] == []
    clock.set(berlin(2, 9, 30))
    again.wait_state(download, State.COMPLETED, timeout=15)
    assert sha256(downloads / "later.bin") == sha256_of(200_000, seed=53)


def rate(worker: WorkerProcess, download: int, seconds: float) -> float:
    worker.pump(0.5)
    done, started = worker.downloads[download].done, time.monotonic()
    worker.pump(seconds)
    return (worker.downloads[download].done - done) / (time.monotonic() - started)


def test_the_slow_hours_limit_the_speed_and_lift_it_after(clocked, fault_server,
                                                          downloads) -> None:
    clock = clocked()
    worker = clock.start(berlin(2, 10))
    limit = 200 * 1024
    status = set_schedule(worker, Schedule(slow_hours=WEEKDAYS_9_TO_6, slow_limit=limit))
    assert status.open and status.slow
    size = 8_000_000
    (download,) = worker.add([fault_server.data_url(size, name="slowed.bin", seed=54)], downloads)
    worker.wait_done(download, 1, timeout=10)
    slowed = rate(worker, download, 2.5)
    print(f"\nrate in the slow hours under {limit} B/s: {slowed:.0f} B/s")
    assert 0 < slowed < 1.5 * limit  # an upper bound: a slow machine is only slower
    clock.set(berlin(2, 18, 30))  # the slow hours end: loopback speed
    worker.wait_state(download, State.COMPLETED, timeout=20)
    assert sha256(downloads / "slowed.bin") == sha256_of(size, seed=54)


@pytest.fixture
def fake_systemctl(tmp_path: Path) -> tuple[Path, Path]:
    """A ``systemctl`` first on the PATH that records its arguments and succeeds."""
    folder = tmp_path / "bin"
    folder.mkdir()
    record = tmp_path / "systemctl.calls"
    program = folder / "systemctl"
    program.write_text(f'#!/bin/sh\necho "$@" >> "{record}"\n')
    program.chmod(0o755)
    return folder, record


def finish_one(worker: WorkerProcess, fault_server, downloads: Path, name: str) -> int:
    (download,) = worker.add([fault_server.data_url(50_000, name=name, seed=55)], downloads)
    worker.wait_state(download, State.COMPLETED, timeout=15)
    return download


def test_shutting_down_after_the_countdown_asks_logind(
        clocked, fault_server, downloads, fake_systemctl) -> None:
    folder, record = fake_systemctl
    clock = clocked(PATH=f"{folder}{os.pathsep}{os.environ['PATH']}")
    worker = clock.start(berlin(2, 12))
    set_schedule(worker, Schedule(when_done=WhenDone.SHUTDOWN))
    start = len(worker.seen)
    finish_one(worker, fault_server, downloads, "before-shutdown.bin")
    countdown = when_done(worker, start)
    assert countdown.seconds_left == p.WHEN_DONE_DELAY and not countdown.carried_out
    clock.advance(30)
    worker.pump(2.0)
    assert not record.exists()  # half-way: nothing yet
    start = len(worker.seen)
    clock.advance(31)
    done = when_done(worker, start)
    assert done.carried_out and done.action is WhenDone.SHUTDOWN and not done.error
    assert record.read_text().split() == ["--no-ask-password", "poweroff"]


def test_cancelling_within_the_minute_keeps_the_computer_on(
        clocked, fault_server, downloads, fake_systemctl) -> None:
    folder, record = fake_systemctl
    clock = clocked(PATH=f"{folder}{os.pathsep}{os.environ['PATH']}")
    worker = clock.start(berlin(2, 12))
    set_schedule(worker, Schedule(when_done=WhenDone.SLEEP))
    start = len(worker.seen)
    finish_one(worker, fault_server, downloads, "cancelled.bin")
    assert when_done(worker, start).seconds_left > 0
    clock.advance(45)
    start = len(worker.seen)
    worker.send(p.CancelWhenDone())
    off = when_done(worker, start)
    assert off.seconds_left == 0 and not off.carried_out and not off.error
    clock.advance(600)
    worker.pump(2.5)
    assert not record.exists()
    assert all(not m.carried_out for m in since(worker, start, p.WhenDoneStatus))

    start = len(worker.seen)  # the schedule keeps the action for the next time
    finish_one(worker, fault_server, downloads, "next-time.bin")
    assert when_done(worker, start).seconds_left > 0
    clock.advance(61)
    assert when_done(worker, len(worker.seen)).carried_out
    assert record.read_text().split() == ["--no-ask-password", "suspend"]


def test_new_downloads_during_the_countdown_call_it_off(
        clocked, fault_server, downloads, fake_systemctl) -> None:
    folder, record = fake_systemctl
    clock = clocked(PATH=f"{folder}{os.pathsep}{os.environ['PATH']}")
    worker = clock.start(berlin(2, 12))
    set_schedule(worker, Schedule(when_done=WhenDone.SHUTDOWN))
    start = len(worker.seen)
    finish_one(worker, fault_server, downloads, "first.bin")
    assert when_done(worker, start).seconds_left > 0
    start = len(worker.seen)
    paused = worker.add([fault_server.data_url(50_000, name="held.bin", seed=56)], downloads,
                        paused=True)
    off = when_done(worker, start)
    assert off.seconds_left == 0 and not off.carried_out
    clock.advance(120)
    worker.pump(2.0)
    assert not record.exists()  # a paused download is not done
    assert not any(m.carried_out for m in since(worker, start, p.WhenDoneStatus))
    start = len(worker.seen)
    worker.send(p.Resume(tuple(paused)))
    worker.wait_state(paused[0], State.COMPLETED, timeout=15)
    assert when_done(worker, start).seconds_left > 0


def logind_runs_here() -> bool:
    return Path("/run/systemd/system").exists()  # sd_booted(): a real systemctl would act


@pytest.mark.skipif(logind_runs_here(), reason="systemd runs here: sleeping would really sleep")
@pytest.mark.parametrize("systemctl", ["the real one", "none on the PATH"])
def test_a_computer_that_cannot_sleep_says_why(clocked, fault_server, downloads, tmp_path,
                                               systemctl) -> None:
    env = {} if systemctl == "the real one" else {"PATH": str(tmp_path)}
    clock = clocked(**env)
    worker = clock.start(berlin(2, 12))
    set_schedule(worker, Schedule(when_done=WhenDone.SLEEP))
    start = len(worker.seen)
    finish_one(worker, fault_server, downloads, f"sleepless-{len(systemctl)}.bin")
    assert when_done(worker, start).seconds_left > 0
    start = len(worker.seen)
    clock.advance(61)
    failed = when_done(worker, start)
    print(f"\n{systemctl}: {failed.error}")
    assert not failed.carried_out and failed.error_code == p.ErrorCode.POWER
    expected = ("systemctl suspend failed: " if systemctl == "the real one"
                else "systemctl was not found")
    assert failed.error.startswith(expected) and len(failed.error) > len(expected) + 5
    assert worker.proc.poll() is None  # the worker goes on


def test_a_bad_schedule_is_refused_in_words_and_the_old_one_stays(clocked) -> None:
    clock = clocked()
    worker = clock.start()
    good = Schedule(hours=WEEKDAYS_9_TO_6)
    set_schedule(worker, good)
    start = len(worker.seen)
    worker.send(p.SetSchedule(Schedule(hours=Hours(days=(), start=60, end=120))))
    worker.wait_until(lambda: bool(since(worker, start, p.Error)), what="error")
    error = since(worker, start, p.Error)[0]
    assert error.code == p.ErrorCode.BAD_SCHEDULE and error.command == "set_schedule"
    assert "day" in error.message
    worker.shutdown()
    again = clock.start()
    assert first_status(again).schedule == good
