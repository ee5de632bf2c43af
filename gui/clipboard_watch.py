"""Offering download links the person copies (when they ask for it)."""

from __future__ import annotations

import logging
import posixpath
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QClipboard

from gui.urls import find_urls

log = logging.getLogger(__name__)

MAX_TEXT = 1 << 20  # copying a whole book is not a download link
# Paths ending so are pages to read, not files to keep.
WEB_PAGES = frozenset({
    "", "htm", "html", "xhtml", "shtml", "php", "asp", "aspx", "jsp", "cgi", "pl", "cfm",
})


def looks_downloadable(url: str) -> bool:
    """True when the URL's path ends in a file name with an extension that is
    not a web page's (``…/file.zip``, ``…/get/setup.exe?x=1``)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    name = posixpath.basename(unquote(path))
    stem, dot, extension = name.rpartition(".")
    return bool(stem and dot) and extension.lower() not in WEB_PAGES and extension.isalnum()


class ClipboardWatcher(QObject):
    """While ``enabled``, emits ``urlsOffered`` with the download links in
    each new clipboard text, never the same links twice in a row, and never
    text the app put there itself (:meth:`ignore`)."""

    urlsOffered = Signal(list)

    def __init__(self, clipboard: QClipboard, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clipboard = clipboard
        self._last: tuple[str, ...] = ()
        self.enabled = False
        clipboard.dataChanged.connect(self._changed)

    def ignore(self, text: str) -> None:
        """``text`` is about to be copied by the app: do not offer it back."""
        self._last = tuple(find_urls(text[:MAX_TEXT]))

    def _changed(self) -> None:
        if self.enabled:
            self.check(self._clipboard.text(QClipboard.Mode.Clipboard))

    def check(self, text: str) -> None:
        urls = tuple(u for u in find_urls(text[:MAX_TEXT]) if looks_downloadable(u))
        if not urls or urls == self._last:
            return
        self._last = urls
        log.info("clipboard holds %d download link(s)", len(urls))
        self.urlsOffered.emit(list(urls))
