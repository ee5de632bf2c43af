"""Logging for the GUI process: a file in the state folder, and the terminal
when there is one (a double-clicked app has none)."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger(__name__)

LOG_NAME = "greenget-gui.log"
LOG_FORMAT = "%(asctime)s gui %(levelname)s %(name)s: %(message)s"
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
_qt_log = logging.getLogger("qt")
_last_warning: list[str] = []  # Qt's warning just before a fatal error usually says why


def has_terminal() -> bool:
    return sys.stderr is not None and sys.stderr.isatty()


def setup_logging(folder: Path) -> Path | None:
    """Log to ``folder/greenget-gui.log`` (rotated) and to a terminal if
    there is one.  Returns the log file, ``None`` if it cannot be written."""
    formatter = logging.Formatter(LOG_FORMAT)
    handlers: list[logging.Handler] = []
    path: Path | None = folder / LOG_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                folder / LOG_NAME, maxBytes=1 << 20, backupCount=3, encoding="utf-8"
            )
        )
    except OSError as exc:
        path = None
        if has_terminal():
            print(f"greenget: cannot write a log in {folder}: {exc}", file=sys.stderr)
    if has_terminal():
        handlers.append(logging.StreamHandler(sys.stderr))
    root = logging.getLogger()
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    qInstallMessageHandler(_qt_message)
    return path


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    _qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)
    if kind == QtMsgType.QtWarningMsg:
        _last_warning[:] = [message.strip()]
    elif kind == QtMsgType.QtFatalMsg:
        # Qt aborts after this returns; say why in one line and exit 1 instead.
        if not has_terminal():  # with a terminal, the lines above already reached it
            first = message.strip().splitlines()[0] if message.strip() else "a fatal error"
            cause = f" ({_last_warning[0]})" if _last_warning else ""
            print(f"greenget: Qt stopped: {first}{cause}", file=sys.stderr)
        logging.shutdown()
        os._exit(1)
