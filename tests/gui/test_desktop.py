"""Tray (and its fallback), notifications, clipboard watching."""

from __future__ import annotations

import json

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSystemTrayIcon

from engine.protocol import State
from gui.clipboard_watch import looks_downloadable
from gui.engine_client import WorkerState
from gui.main_window import MainWindow
from gui.notifications import Finished, compose
from gui.settings import Settings
from tests.gui.conftest import fake_worker
from tests.gui.message_boxes import answer_next_box
from tests.gui.test_model import every_state


@pytest.fixture
def tray_window(qtbot, make_client, settings, tmp_path):
    """A window told that the desktop has a tray (whatever the platform says)."""

    def make(**kwargs) -> MainWindow:
        client = make_client(fake_worker("normal"))
        prefs = Settings(settings)
        prefs.download_dir = str(tmp_path / "downloads")
        window = MainWindow(client, prefs, tray_available=True, **kwargs)
        qtbot.addWidget(window)
        window.show()
        with qtbot.waitSignal(client.snapshotReceived, timeout=10_000):
            client.start()
        return window

    return make


def menu_texts(window: MainWindow) -> list[str]:
    return [a.text().replace("&", "") for a in window.tray.menu.actions() if not a.isSeparator()]


def test_without_a_tray_closing_quits(qtbot, make_window) -> None:
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen has none
    window = make_window()
    assert not window.tray.available and window._settings.close_to_tray  # the default
    assert not window.tray.can_notify()
    window.open_settings()
    assert not window.settings_dialog.close_to_tray.isEnabled()  # nothing to hide into
    with qtbot.waitSignal(window.closed, timeout=10_000):
        window.close()
    assert window._client.state is WorkerState.STOPPED


def test_tray_menu_and_close_to_tray(qtbot, tray_window, tmp_path, monkeypatch) -> None:
    log = tmp_path / "commands.jsonl"
    monkeypatch.setenv("FAKE_WORKER_LOG", str(log))
    window = tray_window()
    assert menu_texts(window) == [
        "Hide Greenget", "0 active · 0 queued", "Resume all", "Pause all", "Quit"]
    window.model.load_snapshot(every_state())
    window.refresh()
    assert window.tray.icon.toolTip().startswith("Greenget\n3 active")
    assert menu_texts(window)[1] == "3 active · 1 queued"  # what is going on, at a glance
    assert not window.tray.summary_action.isEnabled()

    window.close()  # to the tray: the worker keeps downloading
    assert not window.isVisible() and window._client.state is WorkerState.RUNNING
    assert menu_texts(window)[0] == "Show Greenget"
    window.tray.toggle_action.trigger()
    assert window.isVisible()
    window.tray.toggle_action.trigger()
    assert not window.isVisible()

    window.acts.pause_all.setEnabled(True)
    window.tray.menu.actions()[4].trigger()  # Pause all
    qtbot.waitUntil(
        lambda: log.exists() and '"type":"pause"' in log.read_text(), timeout=5000
    )
    assert json.loads(log.read_text().splitlines()[-1])["all"] is True

    asked: list[str] = []
    with qtbot.waitSignal(window.closed, timeout=10_000):
        answer_next_box("Quit", asked)  # three are running: it asks first
        window.acts.quit.trigger()  # from the tray menu: really quits
    assert asked == ["3 downloads are running. Quit anyway?"]
    assert window._client.state is WorkerState.STOPPED


def test_close_to_tray_can_be_turned_off(qtbot, tray_window, settings) -> None:
    Settings(settings).close_to_tray = False
    window = tray_window()
    with qtbot.waitSignal(window.closed, timeout=10_000):
        window.close()


def test_finished_downloads_are_notified_in_the_status_bar_without_a_tray(
    qtbot, make_window
) -> None:
    window = make_window()
    window.notifier._timer.setInterval(10)
    window.model.load_snapshot(every_state())
    with qtbot.waitSignal(window.notifier.noticeReady, timeout=5000) as notice:
        window._client.downloadChanged.emit(2, {"state": "completed"})
    assert notice.args[0].title == "Download complete"
    assert window.statusBar().currentMessage() == "Download complete: file-2.bin"

    window._settings.notifications = False
    window._client.downloadChanged.emit(3, {"state": "failed", "error": "Gone."})
    qtbot.wait(100)
    assert window.notifier._pending == [] and not window.notifier._timer.isActive()

    window.statusBar().clearMessage()
    window.tray.messageClicked.emit()  # a click on the last message: shows its row
    assert window.selected_rows()[0].info.id == 2


def test_a_burst_of_finished_downloads_is_one_notice() -> None:
    items = [
        Finished(1, "a.iso", State.COMPLETED), Finished(2, "b.zip", State.FAILED, "Gone."),
        Finished(3, "c.bin", State.COMPLETED), Finished(4, "d.bin", State.COMPLETED),
    ]
    notice = compose(items)
    assert notice.title == "4 downloads finished" and notice.failed
    assert notice.text == "3 completed, 1 failed: a.iso, b.zip, c.bin …"
    assert notice.download_id == 2  # clicking shows the failure first
    single = compose([items[1]])
    assert (single.title, single.text) == ("Download failed", "b.zip\nGone.")


def test_looks_downloadable() -> None:
    yes = ["http://127.0.0.1/a/setup.exe", "https://127.0.0.1/x.tar.gz?sig=1",
           "http://127.0.0.1/dl/My%20File.ISO"]
    no = ["http://127.0.0.1/", "http://127.0.0.1/page.html", "http://127.0.0.1/wiki/Article",
          "http://127.0.0.1/index.php?id=3", "http://127.0.0.1/.hidden"]
    assert all(looks_downloadable(u) for u in yes)
    assert not any(looks_downloadable(u) for u in no)


def test_clipboard_watching(qtbot, make_window, settings) -> None:
    window = make_window()
    clipboard = QGuiApplication.clipboard()
    offers: list[list[str]] = []
    window.clipboard_watcher.urlsOffered.connect(offers.append)
    clipboard.setText("http://127.0.0.1/off-by-default.zip")
    qtbot.wait(50)
    assert offers == [] and window.clipboard_banner.isHidden()

    window.open_settings()
    window.settings_dialog.watch_clipboard.setChecked(True)
    assert Settings(settings).watch_clipboard
    clipboard.setText("Get it here: http://127.0.0.1/files/tool-1.2.tar.gz today")
    qtbot.waitUntil(lambda: len(offers) == 1, timeout=2000)
    banner = window.clipboard_banner
    assert banner.isVisible() and "tool-1.2.tar.gz" in banner.text
    clipboard.setText("http://127.0.0.1/files/tool-1.2.tar.gz")  # the same link again
    clipboard.setText("http://127.0.0.1/about.html")  # a page, not a file
    qtbot.wait(50)
    assert len(offers) == 1
    banner.actionTriggered.emit()  # "Download"
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    assert window.model.row_at(0).info.url == "http://127.0.0.1/files/tool-1.2.tar.gz"

    window.view.selectRow(0)
    window.commands.copy_urls()  # the app's own copy is not offered back
    qtbot.wait(50)
    assert len(offers) == 1

    window.settings_dialog.straight_to_queue.setChecked(True)
    clipboard.setText("http://127.0.0.1/a.iso http://127.0.0.1/b.iso")
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=5000)
    assert len(offers) == 2

    window.settings_dialog.watch_clipboard.setChecked(False)
    clipboard.setText("http://127.0.0.1/c.iso")
    qtbot.wait(50)
    assert len(offers) == 2

