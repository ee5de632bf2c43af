"""Where the engine keeps its state, and the lock that gives it one owner."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import IO

from engine import diskio

log = logging.getLogger(__name__)

APP_NAME = "greenget"


def state_home() -> Path:
    """``$GREENGET_HOME`` if set, else the platform's user data folder."""
    configured = os.environ.get("GREENGET_HOME")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class AlreadyRunning(Exception):
    """Another process holds the lock on this state folder."""


class StateLock:
    """An exclusive, non-blocking lock on ``<folder>/<name>.lock``, held for the
    life of the process (the OS drops it when the process dies, even by SIGKILL)."""

    def __init__(self, folder: Path, name: str) -> None:
        self.path = folder / f"{name}.lock"
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held until release()
        try:
            diskio.current().lock(handle)
        except OSError:
            handle.close()
            raise AlreadyRunning(
                f"Another Greenget worker is already using {self.path.parent}; "
                "only one may run on a state folder at a time."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
