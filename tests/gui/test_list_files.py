"""Export from one window and import into another, each with a real worker and
its own fresh state folder; the list file is dropped on the second window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog

from engine.protocol import DownloadInfo, DownloadOptions, State
from gui.list_files import Form, export_to
from gui.main_window import MainWindow
from gui.settings import Settings
from tests.gui.message_boxes import answer_next_box
from tests.servers.payload import payload, sha256_of


def open_window(qtbot, make_client, settings, folder: Path) -> MainWindow:
    client = make_client(None)
    prefs = Settings(settings)
    prefs.download_dir = str(folder)
    window = MainWindow(client, prefs)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(client.snapshotReceived, timeout=20_000):
        client.start()
    return window


def infos(window: MainWindow) -> list[DownloadInfo]:
    rows = [window.model.row_at(r).info for r in range(window.model.rowCount())]
    return sorted(rows, key=lambda info: info.url)


def settled(window: MainWindow, count: int) -> bool:
    rows = infos(window)
    return len(rows) == count and all(
        info.state in (State.COMPLETED, State.PAUSED) for info in rows)


@pytest.mark.parametrize("form", [Form.ARIA2, Form.JSON])
def test_an_exported_list_dropped_on_a_fresh_window_gives_the_same_downloads(
        qtbot, make_client, settings, tmp_path: Path, monkeypatch, fault_server,
        form: Form) -> None:
    downloads = tmp_path / "Downloads"
    monkeypatch.setenv("GREENGET_HOME", str(tmp_path / "first"))
    first = open_window(qtbot, make_client, settings, downloads)
    first.queue_urls([fault_server.data_url(200_000, "a.bin")], str(downloads / "sub"),
                     DownloadOptions(filename="kept.bin", connections=3,
                                     checksum=f"sha256={sha256_of(200_000)}"))
    first.queue_urls([fault_server.data_url(7000, "b.bin")], str(downloads),
                     DownloadOptions(speed_limit=40_000))
    first.queue_urls([fault_server.data_url(7000, "c.bin")], str(downloads),
                     DownloadOptions(paused=True))
    qtbot.waitUntil(lambda: settled(first, 3), timeout=60_000)
    before = infos(first)
    listing = tmp_path / f"list.{'json' if form is Form.JSON else 'txt'}"
    export_to(listing, before, form)
    first.quit()
    for info in before:  # a fresh machine: none of the files yet
        if info.state is State.COMPLETED:
            Path(info.path).unlink()

    monkeypatch.setenv("GREENGET_HOME", str(tmp_path / "second"))
    second = open_window(qtbot, make_client, settings, tmp_path / "elsewhere")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(listing))])
    second.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(lambda: settled(second, 3), timeout=60_000)
    after = infos(second)

    def same(info: DownloadInfo) -> tuple[object, ...]:
        return (info.url, info.directory, info.name, info.state, info.connections,
                info.speed_limit, info.checksum)

    assert [same(i) for i in after] == [same(i) for i in before]
    assert (downloads / "sub" / "kept.bin").read_bytes() == payload(200_000)
    assert (downloads / "b.bin").read_bytes() == payload(7000)


def test_import_in_the_add_dialog_keeps_each_downloads_folder(
        qtbot, make_window, tmp_path: Path, monkeypatch) -> None:
    window = make_window()
    listing = tmp_path / "list.txt"
    listing.write_text("http://127.0.0.1/a.bin\n  dir=sub\nhttp://127.0.0.1/b.bin\n",
                       encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *_args: (str(listing), ""))
    window.open_add_dialog()
    dialog = window.add_dialog
    assert dialog is not None
    import_button = next(b for b in dialog._buttons.buttons() if "Import" in b.text())
    import_button.click()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5000)
    folders = {i.url: i.directory for i in infos(window)}
    default = window._settings.download_dir
    assert folders == {"http://127.0.0.1/a.bin": str(Path(default) / "sub"),
                       "http://127.0.0.1/b.bin": default}
    qtbot.waitUntil(lambda: window.add_dialog is None, timeout=2000)

    seen: list[str] = []
    listing.write_text("http://127.0.0.1/c.bin\n  split=many\n", encoding="utf-8")
    answer_next_box("OK", seen)
    window.open_add_dialog()
    assert window.add_dialog is not None
    next(b for b in window.add_dialog._buttons.buttons() if "Import" in b.text()).click()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert "Line 1: split should be a whole number, not 'many'." in seen[0]
    assert window.model.rowCount() == 2
