"""A big list comes back whole: relaunch the app over a store of 10,000 downloads."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QPoint, QSettings

from engine import protocol as p
from gui.engine_client import EngineClient
from gui.main_window import MainWindow
from gui.settings import Settings
from tests.worker_client import WorkerProcess

COUNT = 10_000
URL_LENGTH = 300
ADD_BATCH = 500


def long_urls(fault_server, count: int) -> list[str]:
    """``count`` distinct URLs of exactly URL_LENGTH characters (real signed
    links are this long), all on the local fault server."""
    urls = []
    for i in range(count):
        base = fault_server.data_url(1000, name=f"relaunch-{i}.bin") + "?sig="
        urls.append(base + "x" * (URL_LENGTH - len(base)))
    return urls


def fill_store(home: Path, urls: list[str], directory: Path) -> None:
    """Queue ``urls`` (paused: nothing is fetched) through a real worker, then
    shut it down cleanly, as a previous session of the app would."""
    worker = WorkerProcess(home)
    try:
        for start in range(0, len(urls), ADD_BATCH):
            ids = worker.add(urls[start : start + ADD_BATCH], directory, paused=True)
            assert len(ids) == len(urls[start : start + ADD_BATCH])
        assert worker.shutdown() == 0
    finally:
        worker.close()


def test_relaunch_shows_ten_thousand_downloads(
    qtbot, state_home: Path, download_dir: Path, tmp_path: Path, fault_server
) -> None:
    urls = long_urls(fault_server, COUNT)
    assert {len(u) for u in urls} == {URL_LENGTH}
    fill_store(state_home, urls, download_dir)

    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    settings.download_dir = str(download_dir)
    client = EngineClient()
    window = MainWindow(client, settings)
    qtbot.addWidget(window)
    window.show()
    try:
        with qtbot.waitSignal(client.snapshotReceived, timeout=60_000) as snapshot:
            client.start()
        assert len(snapshot.args[0]) == COUNT
        qtbot.waitUntil(lambda: window.proxy.rowCount() == COUNT, timeout=30_000)
        model = window.model
        shown = [model.row_at(r).info for r in range(model.rowCount())]
        assert sorted(info.url for info in shown) == sorted(urls)
        assert {info.state for info in shown} == {p.State.PAUSED}
        window.refresh()
        assert re.search(r"\b10\D?000 paused", window._counts.text()), window._counts.text()
        # The last row, scrolled to, is really there to see.
        view = window.view
        view.scrollToBottom()
        bottom = view.viewport().rect().bottomLeft() - QPoint(0, 2)
        qtbot.waitUntil(lambda: view.indexAt(bottom).row() == COUNT - 1, timeout=5_000)
    finally:
        if window.isVisible():
            with qtbot.waitSignal(window.closed, timeout=15_000):
                window.close()
        client.stop_and_wait()
