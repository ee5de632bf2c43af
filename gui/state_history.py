"""What each download went through this session: its last state changes, in memory."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from engine.protocol import DownloadInfo, State

log = logging.getLogger(__name__)

MAX_ENTRIES = 20


@dataclass(frozen=True, slots=True)
class StateEntry:
    """``state`` from ``when`` (Unix time; ``None``: already so when the
    worker's snapshot arrived), with the error the worker gave, if any (its
    sentence and its code)."""

    state: State
    when: float | None
    error: str = ""
    error_code: str = ""


class StateHistory(QObject):
    """The last :data:`MAX_ENTRIES` state changes of every download, fed from
    the worker's events; a change of error text alone (another failed try)
    counts as one.  ``recorded``: download ``id`` has a new entry."""

    recorded = Signal(int)

    def __init__(self, parent: QObject | None = None, limit: int = MAX_ENTRIES) -> None:
        super().__init__(parent)
        self._limit = limit
        self._entries: dict[int, list[StateEntry]] = {}  # a list is a tenth of a deque

    def entries(self, download_id: int) -> list[StateEntry]:
        """Oldest first."""
        return list(self._entries.get(download_id, ()))

    def load(self, infos: Iterable[DownloadInfo]) -> None:
        """A snapshot: each download's state as it is (nothing new for one that
        is still where its history left it, after a worker restart)."""
        shared: dict[State, StateEntry] = {}  # 10,000 downloads, a handful of states
        for info in infos:
            if info.error:
                entry = StateEntry(info.state, None, info.error, info.error_code)
            else:
                entry = shared.setdefault(info.state, StateEntry(info.state, None))
            self._add(info.id, entry, announce=False)

    def add_downloads(self, infos: Iterable[DownloadInfo]) -> None:
        now = time.time()
        for info in infos:
            self._add(info.id, StateEntry(info.state, now, info.error, info.error_code))

    def apply_changes(self, download_id: int, fields: dict[str, Any]) -> None:
        last = self._last(download_id)
        if "state" in fields:
            state = fields["state"]  # a State: the decoder checked it
        elif fields.get("error") and last is not None:
            state = last.state
        else:
            return
        self._add(download_id, StateEntry(state, time.time(), str(fields.get("error", "")),
                                          str(fields.get("error_code", ""))))

    def forget(self, ids: Iterable[int]) -> None:
        for download_id in ids:
            self._entries.pop(download_id, None)

    def _last(self, download_id: int) -> StateEntry | None:
        entries = self._entries.get(download_id)
        return entries[-1] if entries else None

    def _add(self, download_id: int, entry: StateEntry, *, announce: bool = True) -> None:
        entries = self._entries.get(download_id)
        if entries is None:
            self._entries[download_id] = [entry]
        else:
            last = entries[-1]
            if (last.state, last.error) == (entry.state, entry.error):
                return
            entries.append(entry)
            if len(entries) > self._limit:
                del entries[0]
        if announce:
            self.recorded.emit(download_id)
