"""``python -m tests.engine.instrumented_worker``: the real worker, with test hooks.

It is ``python -m engine`` (gevent patched first, then :func:`engine.worker.main`)
with what a test may ask for through the environment:

* ``GREENGET_TEST_SETTINGS``: a JSON object of :class:`engine.settings.Settings`
  fields the scheduler starts with, for settings no user can choose (a piece
  smaller than one read, so that splits cut into reads in flight).
"""

from gevent import monkey

monkey.patch_all()

import json
import os
import sys

from engine import scheduler, worker

SETTINGS_ENV = "GREENGET_TEST_SETTINGS"


def _override_settings(overrides: dict[str, object]) -> None:
    start = scheduler.Scheduler.start

    def start_with_overrides(self: scheduler.Scheduler) -> None:
        for name, value in overrides.items():
            if not hasattr(self.settings, name):
                raise SystemExit(f"{SETTINGS_ENV}: no setting {name!r}")
            setattr(self.settings, name, value)
        start(self)

    scheduler.Scheduler.start = start_with_overrides  # type: ignore[method-assign]


def main() -> int:
    overrides = json.loads(os.environ.get(SETTINGS_ENV) or "{}")
    if overrides:
        _override_settings(overrides)
    return worker.main()


if __name__ == "__main__":
    sys.exit(main())
