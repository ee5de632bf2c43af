"""Finding the links in pasted text a slice at a time, so a big paste never freezes the window."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from gui.urls import find_urls

log = logging.getLogger(__name__)

LINES_PER_TURN = 500  # about 15 ms of checking links on a busy machine


class LinkScanner(QObject):
    """``scan(text)`` reads ``text`` (which may hold 10,000 links) a few
    hundred lines per turn of the event loop, then emits ``found`` with every
    http(s) link in it, in order and without duplicates.  Text pasted while a
    scan runs joins it."""

    found = Signal(list)  # list[str]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[str] = []
        self._position = 0
        self._links: dict[str, None] = {}
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._step)

    @property
    def busy(self) -> bool:
        return self._timer.isActive()

    def scan(self, text: str) -> None:
        self._lines.extend(text.splitlines())  # a link never spans lines
        self._timer.start()

    def _step(self) -> None:
        end = self._position + LINES_PER_TURN
        for link in find_urls("\n".join(self._lines[self._position : end])):
            self._links.setdefault(link, None)
        self._position = end
        if self._position < len(self._lines):
            self._timer.start()
            return
        links = list(self._links)
        self._lines, self._position, self._links = [], 0, {}
        self.found.emit(links)
