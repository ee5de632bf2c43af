"""``python -m tests.engine.instrumented_worker``: the real worker, with test hooks.

It is ``python -m engine`` (gevent patched first, then :func:`engine.worker.main`)
with what a test may ask for through the environment:

* ``GREENGET_TEST_SETTINGS``: a JSON object of :class:`engine.settings.Settings`
  fields the scheduler starts with, for settings no user can choose (a piece
  smaller than one read, so that splits cut into reads in flight).
* ``GREENGET_TEST_CLOCK``: a path; the schedule reads Unix time from that
  file (written by the test, :class:`tests.engine.fake_clock.FileClock`)
  instead of the system clock, in the zone ``TZ`` names.
* ``GREENGET_TEST_SLOW_COPY``: seconds a copy between file systems
  (:mod:`engine.relocate`) waits after its last byte, so that writes arriving
  meanwhile would be lost if they were not held back.
* ``GREENGET_TEST_JOURNAL``: a path; every disk operation, store commit,
  download announced, asked to be removed and announced removed is recorded
  and written there when the worker ends (:mod:`tests.engine.powercut`).
"""

from gevent import monkey

monkey.patch_all()

import json
import os
import sys
import time
from pathlib import Path

from engine import diskio, protocol, relocate, scheduler, worker
from tests.engine import fake_clock, powercut

SETTINGS_ENV = "GREENGET_TEST_SETTINGS"
SLOW_COPY_ENV = "GREENGET_TEST_SLOW_COPY"


def _override_settings(overrides: dict[str, object]) -> None:
    start = scheduler.Scheduler.start

    def start_with_overrides(self: scheduler.Scheduler) -> None:
        for name, value in overrides.items():
            if not hasattr(self.settings, name):
                raise SystemExit(f"{SETTINGS_ENV}: no setting {name!r}")
            setattr(self.settings, name, value)
        start(self)

    scheduler.Scheduler.start = start_with_overrides  # type: ignore[method-assign]


def _record_announcements(journal: powercut.Journal) -> None:
    emit = worker.Pipe.emit

    def recorded_emit(self: worker.Pipe, message: protocol.Message) -> None:
        if isinstance(message, protocol.Added):
            for info in message.downloads:
                journal.add("announced", info.id)
        elif isinstance(message, protocol.Removed):
            for download_id in message.ids:
                journal.add("removed", download_id)
        emit(self, message)

    worker.Pipe.emit = recorded_emit  # type: ignore[method-assign]


def _record_removals_asked(journal: powercut.Journal) -> None:
    handle_now = scheduler.Scheduler.handle_now

    def recorded_handle_now(self: scheduler.Scheduler, message: protocol.Message) -> None:
        if isinstance(message, protocol.Remove):
            for download_id in message.ids:
                journal.add("removing", download_id)
        handle_now(self, message)

    scheduler.Scheduler.handle_now = recorded_handle_now  # type: ignore[method-assign]


def _slow_copies(seconds: float) -> None:
    copy = relocate._copy_into

    def slow_copy(source: Path, target: diskio.File) -> None:
        copy(source, target)
        time.sleep(seconds)  # in the copying thread; the hub goes on

    relocate._copy_into = slow_copy


def main() -> int:
    if os.environ.get(SLOW_COPY_ENV):
        _slow_copies(float(os.environ[SLOW_COPY_ENV]))
    clock_path = os.environ.get(fake_clock.CLOCK_ENV)
    if clock_path:
        worker.SystemClock = lambda: fake_clock.FileClock(Path(clock_path))  # type: ignore
    overrides = json.loads(os.environ.get(SETTINGS_ENV) or "{}")
    if overrides:
        _override_settings(overrides)
    journal_path = os.environ.get(powercut.JOURNAL_ENV)
    if not journal_path:
        return worker.main()
    journal = powercut.start_recording()
    _record_announcements(journal)
    _record_removals_asked(journal)
    try:
        return worker.main()
    finally:
        journal.dump(Path(journal_path))


if __name__ == "__main__":
    sys.exit(main())
