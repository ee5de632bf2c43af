"""Starting the Qt application: one instance, the worker, the window."""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QSocketNotifier
from PySide6.QtWidgets import QApplication

from gui.engine_client import EngineClient
from gui.i18n import install_translators
from gui.icons import app_icon
from gui.main_window import MainWindow
from gui.settings import Settings
from gui.single_instance import SingleInstance, server_name
from gui.urls import find_urls

log = logging.getLogger(__name__)


class SignalBridge:
    """Turns SIGINT/SIGTERM into a call on the Qt event loop (Python signal
    handlers alone would only run the next time Python code does)."""

    def __init__(self, on_signal: Callable[[], None]) -> None:
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        signal.set_wakeup_fd(self._writer.fileno())
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: None)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(lambda: self._fire(on_signal))

    def _fire(self, on_signal: Callable[[], None]) -> None:
        try:
            self._reader.recv(64)
        except BlockingIOError:
            return
        log.info("signal received; closing")
        on_signal()


def run(argv: list[str], state: Path) -> int:
    """Run the window until it closes; ``argv`` may carry URLs to queue."""
    app = QApplication(argv)
    app.setApplicationName("Greenget")
    app.setOrganizationName("Greenget")
    app.setDesktopFileName("greenget")
    app.setWindowIcon(app_icon())
    install_translators(app)
    arguments = app.arguments()[1:]  # what Qt left over after its own options
    urls = find_urls("\n".join(arguments))
    if len(urls) < len(arguments):
        log.warning("ignoring arguments that are not http(s) URLs: %s", arguments)

    instance = SingleInstance(server_name(state))
    if instance.forward(urls):
        return 0
    instance.listen()

    client = EngineClient()
    window = MainWindow(client, Settings(QSettings()))
    instance.urlsReceived.connect(window.queue_and_raise)
    app.setQuitOnLastWindowClosed(False)  # the window may live on in the tray
    window.closed.connect(app.quit)  # it hides while the worker shuts down
    bridge = SignalBridge(window.quit)
    app.aboutToQuit.connect(client.stop_and_wait)
    window.show()
    client.start()
    window.queue_urls(urls)
    code = app.exec()
    del bridge
    return code
