"""What a connection does after a failure: the retry policy in one pure function."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from engine.http import DownloadError
from engine.settings import Settings


class Action(enum.Enum):
    RETRY = "retry"  # wait ``delay`` seconds, then try again
    DROP = "drop"  # the server refused this extra connection: end it, the others go on
    FAIL = "fail"  # a permanent failure: the download fails with it
    GIVE_UP = "give up"  # transient, but too many tries in a row without progress


@dataclass(frozen=True)
class Decision:
    action: Action
    attempts: int  # tries in a row without a byte of progress, this one included
    delay: float = 0.0


def after_failure(exc: DownloadError, *, attempts: int, progressed: bool,
                  others_receiving: bool, settings: Settings) -> Decision:
    """Decide after ``exc``, given the tries so far without progress
    (``attempts``), whether this try moved bytes, and whether other connections
    of the download are still receiving."""
    if exc.refused and others_receiving:
        return Decision(Action.DROP, attempts)
    if not exc.transient:
        return Decision(Action.FAIL, attempts)
    attempts = 0 if progressed else attempts + 1
    if attempts > settings.max_retries:
        return Decision(Action.GIVE_UP, attempts)
    return Decision(Action.RETRY, attempts, settings.backoff(attempts, exc.retry_after))


def gave_up(attempts: int, exc: DownloadError) -> DownloadError:
    """The permanent failure that ends a download after too many tries."""
    return DownloadError(f"Gave up after {attempts} tries. {exc}", code=exc.code, transient=False)
