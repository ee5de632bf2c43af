"""Telling the person when downloads complete or fail, a burst at a time."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from engine.protocol import State

log = logging.getLogger(__name__)

GATHER_MS = 1500  # downloads that finish this close together make one notification
NAMES_SHOWN = 3


@dataclass(frozen=True)
class Finished:
    download_id: int
    name: str
    state: State
    error: str = ""


@dataclass(frozen=True)
class Notice:
    """One notification; ``download_id`` is the row to show when it is clicked
    (and, when ``openable``, the one completed download it is about)."""

    title: str
    text: str
    failed: bool
    download_id: int
    openable: bool = False


def compose(finished: list[Finished]) -> Notice:
    """The notification for downloads that finished together (at least one)."""
    failed = [f for f in finished if f.state is State.FAILED]
    completed = [f for f in finished if f.state is State.COMPLETED]
    first = (failed or completed)[0]
    if len(finished) == 1:
        if failed:
            title = QCoreApplication.translate("Notifier", "Download failed")
            return Notice(title, f"{first.name}\n{first.error}".strip(), True, first.download_id)
        title = QCoreApplication.translate("Notifier", "Download complete")
        return Notice(title, first.name, False, first.download_id, openable=True)
    names = ", ".join(f.name for f in finished[:NAMES_SHOWN])
    if len(finished) > NAMES_SHOWN:
        names += " …"
    counts = []
    # Counts in variables: pyside6-lupdate misses a %n string whose count is a call.
    done, lost, total = len(completed), len(failed), len(finished)
    if completed:
        counts.append(QCoreApplication.translate("Notifier", "%n completed", "", done))
    if failed:
        counts.append(QCoreApplication.translate("Notifier", "%n failed", "", lost))
    title = QCoreApplication.translate("Notifier", "%n downloads finished", "", total)
    return Notice(title, f"{', '.join(counts)}: {names}", bool(failed), first.download_id)


class Notifier(QObject):
    """Gathers downloads that finish close together into one ``noticeReady``."""

    noticeReady = Signal(object)  # Notice

    def __init__(self, parent: QObject | None = None, gather_ms: int = GATHER_MS) -> None:
        super().__init__(parent)
        self._pending: list[Finished] = []
        self._timer = QTimer(self, singleShot=True, interval=gather_ms)
        self._timer.timeout.connect(self._flush)

    def finished(self, item: Finished) -> None:
        self._pending.append(item)
        if not self._timer.isActive():
            self._timer.start()

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        if pending:
            notice = compose(pending)
            log.info("notifying: %s", notice.title)
            self.noticeReady.emit(notice)
