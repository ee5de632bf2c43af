"""The whole app: a MainWindow driving the real worker, in this test's GREENGET_HOME."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from engine.protocol import SetOptions, State
from gui.engine_client import Backoff, EngineClient
from gui.main_window import MainWindow
from gui.model import Row
from gui.settings import Settings


class App:
    """The window plus what the tests look at: every state each row went through."""

    def __init__(self, window: MainWindow, client: EngineClient) -> None:
        self.window = window
        self.client = client
        self.history: dict[int, list[State]] = {}
        client.downloadsAdded.connect(self._on_added)
        client.snapshotReceived.connect(self._on_added)
        client.downloadChanged.connect(self._on_changed)

    def _on_added(self, infos: list) -> None:
        for info in infos:
            states = self.history.setdefault(info.id, [])
            if not states or states[-1] is not info.state:
                states.append(info.state)

    def _on_changed(self, download_id: int, fields: dict) -> None:
        if "state" in fields:
            self.history.setdefault(download_id, []).append(fields["state"])

    def rows(self) -> list[Row]:
        model = self.window.model
        return [model.row_at(r) for r in range(model.rowCount())]

    def row(self, url: str) -> Row | None:
        return next((row for row in self.rows() if row.info.url == url), None)

    def select(self, url: str) -> None:
        view, proxy = self.window.view, self.window.proxy
        for r in range(proxy.rowCount()):
            if self.window.model.row_at(proxy.mapToSource(proxy.index(r, 0)).row()).info.url == url:
                view.selectRow(r)
                return
        raise AssertionError(f"no row for {url}")


@pytest.fixture
def app(qtbot, state_home: Path, download_dir: Path, tmp_path: Path) -> Iterator[App]:
    """The app started against the real worker; closed (worker shut down) afterwards."""
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    settings.download_dir = str(download_dir)
    client = EngineClient(backoff=Backoff(initial=0.2, maximum=1.0))
    window = MainWindow(client, settings)
    qtbot.addWidget(window)
    window.show()
    client.start()
    # Quick retries, so a failure test does not wait out the default back-off.
    client.send(SetOptions(retry_delay=0.2, retry_delay_max=0.5, max_retries=2))
    qtbot.waitUntil(lambda: client.hello is not None, timeout=20_000)
    yield App(window, client)
    if window.isVisible():
        with qtbot.waitSignal(window.closed, timeout=15_000):
            window.close()
    client.stop_and_wait()


@pytest.fixture
def sha256() -> Callable[[Path], str]:
    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    return digest
