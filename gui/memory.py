"""The window's memory after a burst of rows: given back to the system."""

from __future__ import annotations

import logging

from PySide6.QtCore import QAbstractItemModel, QObject, QTimer

from engine.allocator import give_back_free_memory, keep_big_buffers_out_of_the_heap

log = logging.getLogger(__name__)

QUIET_MS = 2000  # rows that stopped arriving this long ago: the burst is over


class MemoryKeeper(QObject):
    """Keeps big buffers (a snapshot's lines) out of glibc's heap, and once
    rows stop arriving or leaving, returns the heap's free pages: decoding
    10,000 downloads frees megabytes that glibc would otherwise keep."""

    def __init__(self, model: QAbstractItemModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        keep_big_buffers_out_of_the_heap()
        self._timer = QTimer(self, singleShot=True, interval=QUIET_MS)
        self._timer.timeout.connect(give_back_free_memory)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(lambda *_: self._timer.start())
