"""One click: Greenget's window (with its real worker) opens the pairing link
from Settings, and the extension in a real Chromium pairs itself with it.

The link goes where ``QDesktopServices.openUrl`` sends http links: on a
desktop, the default browser; here, through Qt's own ``setUrlHandler`` hook,
the Chromium under test."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QSettings, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from selenium.webdriver.common.by import By

from gui.engine_client import Backoff, EngineClient
from gui.main_window import MainWindow
from gui.settings import Settings
from tests.browser.chromium import Browser


class LinkCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def catcher() -> Iterator[LinkCatcher]:
    catcher = LinkCatcher()
    # PySide6 wants the slot's name as str (bytes raise ValueError); its stub says bytes.
    QDesktopServices.setUrlHandler("http", catcher, "open")  # type: ignore[arg-type]
    yield catcher
    QDesktopServices.unsetUrlHandler("http")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_pair_a_browser_in_settings_pairs_the_extension(
        qtbot, state_home: Path, tmp_path: Path, browser: Browser,
        catcher: LinkCatcher) -> None:
    prefs = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    prefs.rpc_enabled = True
    prefs.rpc_port = port = free_port()
    client = EngineClient(None, backoff=Backoff(0.05, 0.2, 5.0, 3), shutdown_timeout=2.0)
    try:
        window = MainWindow(client, prefs)
        qtbot.addWidget(window)
        client.start()
        window.open_settings()
        dialog = window.settings_dialog
        assert dialog is not None
        qtbot.waitUntil(dialog.pairing.button.isEnabled, timeout=20_000)
        secret = dialog.rpc_secret.text()
        qtbot.mouseClick(dialog.pairing.button, Qt.MouseButton.LeftButton)
        assert catcher.urls == [dialog.pairing.link.text()]
        assert catcher.urls[0].startswith(f"http://127.0.0.1:{port}/pair?code=")
        assert secret not in catcher.urls[0]
        assert "Opened in your browser" in dialog.pairing.hint.text()
        assert browser.pair(catcher.urls[0]).startswith("Paired")
        browser.driver.get(browser.page("popup.html"))
        browser.wait_for(lambda: browser.attribute("#status", "data-state") == "connected",
                         "the popup to show the connection")
        assert f"127.0.0.1:{port}" in browser.driver.find_element(By.ID, "status").text
        stored = browser.driver.execute_async_script(
            "chrome.storage.local.get(['port', 'secret'])"
            ".then(arguments[arguments.length - 1]);")
        assert stored == {"port": port, "secret": secret}
    finally:
        client.stop_and_wait()
