"""Long-lived greenlets that cannot die unnoticed.

A loop that raises (a SQLite error in the checkpoint, a bug in the progress
report) would otherwise end silently while downloads carry on, and the
crash-safety rule would quietly stop holding.  Every long-lived greenlet is
spawned through a :class:`Supervisor` (as locust links its runners with
``link_exception``): the first one to die is logged with its traceback and
:attr:`Supervisor.failed` is set, on which the worker exits non-zero (the
window restarts it and the store resumes every download) and the CLI stops.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import gevent
from gevent.event import AsyncResult

log = logging.getLogger(__name__)


class LoopDied(Exception):
    """A supervised greenlet ended with an exception."""


class Supervisor:
    def __init__(self) -> None:
        self.failed: AsyncResult[LoopDied] = AsyncResult()

    def spawn(self, name: str, run: Callable[..., Any], *args: Any) -> gevent.Greenlet:
        """Start ``run(*args)`` in a greenlet called ``name``, watched."""
        greenlet = gevent.Greenlet(run, *args)
        greenlet.name = name
        greenlet.link_exception(self._died)
        greenlet.start()
        return greenlet

    def _died(self, greenlet: gevent.Greenlet) -> None:
        exc = greenlet.exception
        log.critical("%s died: %r", greenlet.name, exc, exc_info=greenlet.exc_info)
        if not self.failed.ready():
            self.failed.set(LoopDied(f"The {greenlet.name} stopped: {exc!r}"))
