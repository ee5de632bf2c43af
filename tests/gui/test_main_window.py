"""The window against the fake worker: adding, actions, banners, state, speed."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu

from engine.protocol import DownloadInfo, Error, ErrorCode, State
from gui.errors import error_text
from gui.main_window import EMPTY_HINT, MainWindow
from gui.model import Column, DownloadTableModel
from gui.settings import Settings
from gui.worker_status import Health
from tests.gui.conftest import worst_gap
from tests.gui.message_boxes import answer_next_box
from tests.gui.test_model import every_state


def rows(window: MainWindow) -> list[DownloadInfo]:
    return [window.model.row_at(r).info for r in range(window.model.rowCount())]


def test_ctrl_v_queues_every_url_in_the_clipboard(qtbot, make_window) -> None:
    window = make_window()
    assert window.view._placeholder == EMPTY_HINT
    QGuiApplication.clipboard().setText(
        "Two links: http://127.0.0.1/a.bin and\nhttps://127.0.0.1/b.iso. ftp://127.0.0.1/no"
    )
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5000)
    assert [d.url for d in rows(window)] == ["http://127.0.0.1/a.bin", "https://127.0.0.1/b.iso"]
    assert {d.directory for d in rows(window)} == {window._settings.download_dir}


def test_pasting_ten_thousand_urls_does_not_freeze(qtbot, make_window) -> None:
    window = make_window()
    QGuiApplication.clipboard().setText(
        "\n".join(f"http://127.0.0.1/file-{i}.bin" for i in range(10_000))
    )
    window.acts.paste.trigger()
    gap = worst_gap(qtbot, 1.0)
    qtbot.waitUntil(lambda: window.model.rowCount() == 10_000, timeout=30_000)
    gap = max(gap, worst_gap(qtbot, 0.3))
    print(f"\nworst event-loop gap while 10,000 pasted URLs came back: {gap * 1000:.0f} ms")
    assert gap < 1.0


def test_add_dialog_reports_bad_lines(qtbot, make_window, tmp_path) -> None:
    window = make_window()
    QGuiApplication.clipboard().setText("get http://127.0.0.1/one.bin now")
    window.acts.add.trigger()
    dialog = window.add_dialog
    assert dialog is not None and dialog._urls.toPlainText() == "http://127.0.0.1/one.bin"
    dialog._urls.appendPlainText("not a url\nhttp://127.0.0.1/two.bin")
    dialog._directory.setText(str(tmp_path / "elsewhere"))
    dialog._connections.setValue(4)
    dialog._paused.setChecked(True)
    qtbot.waitUntil(lambda: "line 2" in dialog.report, timeout=2000)
    assert "not an http(s) URL" in dialog.report and "2 URLs" in dialog.report
    dialog._checksum.setText("nonsense")
    assert not dialog._buttons.button(dialog._buttons.StandardButton.Ok).isEnabled()
    dialog._checksum.setText("")
    dialog.accept()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5000)
    assert {d.directory for d in rows(window)} == {str(tmp_path / "elsewhere")}
    assert window._settings.download_dir == str(tmp_path / "elsewhere")
    assert window._settings.connections == 4
    assert window.add_dialog is None


def test_dropped_links_are_queued(qtbot, make_window) -> None:
    window = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl("http://127.0.0.1/dropped.bin"), QUrl("file:///etc/passwd")])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    assert rows(window)[0].url == "http://127.0.0.1/dropped.bin"


def test_actions_follow_the_selection(qtbot, make_window) -> None:
    window = make_window()
    window.model.load_snapshot(every_state())
    window.refresh()
    a = window.acts
    assert not a.pause.isEnabled() and not a.remove.isEnabled()
    assert a.pause_all.isEnabled() and a.resume_all.isEnabled()

    def select(*ids: int) -> None:
        window.view.clearSelection()
        for r in range(window.proxy.rowCount()):
            if window.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) in ids:
                window.view.selectionModel().select(
                    window.proxy.index(r, 0),
                    window.view.selectionModel().SelectionFlag.Select
                    | window.view.selectionModel().SelectionFlag.Rows,
                )
        window.refresh()

    select(6)  # completed
    assert a.open_file.isEnabled() and a.open_folder.isEnabled() and a.copy_url.isEnabled()
    assert not a.pause.isEnabled() and not a.resume.isEnabled() and not a.retry.isEnabled()
    select(7)  # failed
    assert a.retry.isEnabled() and not a.open_file.isEnabled()
    select(5, 2)  # paused + downloading
    assert a.resume.isEnabled() and a.pause.isEnabled() and not a.retry.isEnabled()

    a.pause.trigger()  # the fake worker answers with changed → paused
    qtbot.waitUntil(lambda: window.model.find(2).info.state is State.PAUSED, timeout=5000)

    a.copy_url.trigger()
    assert set(QGuiApplication.clipboard().text().splitlines()) == {
        "http://127.0.0.1/2.bin", "http://127.0.0.1/5.bin"
    }


def test_remove_asks_first(qtbot, make_window, monkeypatch) -> None:
    window = make_window()
    window.model.load_snapshot(every_state())
    window.view.selectAll()
    answers = iter([None, True])
    asked: list[int] = []

    def confirm(count: int, completed: int) -> bool | None:
        asked.append(count)
        assert completed == 1
        return next(answers)

    monkeypatch.setattr(window.commands, "confirm_remove", confirm)
    window.acts.remove.trigger()  # cancelled
    qtbot.wait(200)
    assert window.model.rowCount() == 7
    window.acts.remove.trigger()
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=5000)
    assert asked == [7, 7]


def test_open_file_and_folder(qtbot, make_window, monkeypatch) -> None:
    window = make_window()
    window.model.load_snapshot(
        [DownloadInfo(1, "http://127.0.0.1/a", "/srv/dl", State.COMPLETED, name="a.bin",
                      path="/srv/dl/a.bin", size=1, done=1)]
    )
    opened: list[str] = []
    monkeypatch.setattr(
        "gui.commands.QDesktopServices.openUrl", lambda url: opened.append(url.toLocalFile())
    )
    where = window.view.visualRect(window.proxy.index(0, 0)).center()
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    window.acts.open_folder.trigger()
    assert opened == ["/srv/dl/a.bin", "/srv/dl"]


def test_worker_crash_shows_a_banner_then_recovers(qtbot, make_window, tmp_path) -> None:
    window = make_window("crash-once", str(tmp_path / "marker"), ready=False)
    banner = window.worker_banner
    qtbot.waitUntil(banner.isVisible, timeout=10_000)
    assert "stopped unexpectedly" in banner.text and banner.action_text == "Restart now"
    seen = [window.worker_status.status]
    assert seen[0].health is Health.RESTARTING and "exit status 3" in seen[0].why
    qtbot.waitUntil(lambda: "running again" in banner.text, timeout=10_000)
    assert window.model.rowCount() == 1  # the snapshot of the new worker
    status = window.worker_status.status
    assert status.health is Health.RUNNING and status.pid == window._client.pid


def test_locked_state_folder_is_shown(qtbot, make_window) -> None:
    window = make_window("locked", ready=False)
    banner = window.worker_banner
    reason = error_text(ErrorCode.ALREADY_RUNNING)
    qtbot.waitUntil(lambda: banner.text.startswith(reason), timeout=10_000)
    assert banner.isVisible() and banner.action_text == "Try again"
    assert window.worker_status.status.health is Health.STOPPED
    assert window.notice_banner.isHidden()  # the start error is not shown twice


def test_refused_urls_are_reported(qtbot, make_window) -> None:
    window = make_window()
    emit = window._client.errorReported.emit
    emit(Error("Only http and https links can be downloaded, not ftp:.", "add", "ftp://x",
               code=ErrorCode.BAD_URL))
    reason = error_text(ErrorCode.BAD_URL).rstrip(".")
    assert window.notice_banner.isVisible() and window.notice_banner.text == f"{reason}: ftp://x"
    emit(Error("The URL is not valid (bad port).", "add", "htp:/y", code=ErrorCode.BAD_URL))
    assert window.notice_banner.text.startswith("2 requests")
    assert "htp:/y" in window.notice_banner.toolTip()
    assert "bad port" in window.notice_banner.toolTip()  # the particulars, for a report


def test_window_state_is_restored(qtbot, make_window, settings) -> None:
    window = make_window()
    window.view.setColumnWidth(Column.SPEED, 133)
    window.view.sortByColumn(Column.SIZE, Qt.SortOrder.DescendingOrder)
    window.state_box.setCurrentText("Failed")
    with qtbot.waitSignal(window.closed, timeout=10_000):
        window.close()
    assert not window._client.pid

    again = make_window()
    header = again.view.horizontalHeader()
    assert header.sectionSize(Column.SPEED) == 133
    assert header.sortIndicatorSection() == Column.SIZE
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert again.state_box.currentText() == "Failed"
    assert Settings(settings).geometry is not None


def test_status_bar_counts_and_speed(qtbot, make_window) -> None:
    window = make_window()
    window.model.load_snapshot(every_state())
    window.refresh()
    assert window._counts.text() == "3 active · 1 queued · 1 paused · 1 failed · 1 completed"


def test_context_menu_offers_the_actions(qtbot, make_window) -> None:
    window = make_window()
    window.model.load_snapshot(every_state())
    window.view.selectRow(0)
    window.view.customContextMenuRequested.emit(QPoint(5, 5))
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=2000)
    menu = QApplication.activePopupWidget()
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts == [
        "Open", "Open folder", "Copy URL", "Copy path", "Start now", "Resume", "Pause", "Retry",
        "Download again", "Move up", "Move down", "Move to top", "Move to bottom", "Rename…",
        "Refresh link…", "Speed limit…", "Move to category", "Properties", "Remove…",
        "Delete file…",
    ]
    menu.close()


def test_responsive_with_1000_rows_and_100_active(qtbot, make_window) -> None:
    window = make_window("flood", "1000", ready=False)
    window.resize(1200, 800)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1000, timeout=10_000)
    qtbot.waitUntil(lambda: window.model.find(0).done > 0, timeout=5000)
    window.view.sortByColumn(Column.PROGRESS, Qt.SortOrder.DescendingOrder)
    gap = worst_gap(qtbot, 3.0)
    print(f"\nworst event-loop gap, 1,000 rows, 100 active at 5 Hz: {gap * 1000:.1f} ms")
    assert window.model.find(99).speed > 0
    assert gap < 0.5  # the target is 50 ms; this only catches a 10x regression
    assert window.worker_banner.isHidden()


def test_keyboard_shortcuts_on_the_table(qtbot, make_window, monkeypatch) -> None:
    window = make_window()
    window.model.load_snapshot(every_state())
    window.view.setFocus()
    window.view.selectRow(window.proxy.mapFromSource(window.model.index(6, 0)).row())
    qtbot.keyClick(window.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "http://127.0.0.1/7.bin"  # the URL, not the cell
    asked: list[int] = []
    monkeypatch.setattr(window.commands, "confirm_remove",
                        lambda count, _completed: asked.append(count))
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert asked == [1]
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.filter_box.hasFocus()


def test_actions_follow_counts_through_sorting_filtering_and_changes(qtbot, make_window) -> None:
    window = make_window()
    window.model.load_snapshot(every_state())
    view, a = window.view, window.acts
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    selected = window.selection.selected()
    assert selected.total == 7 and selected.count(State.DOWNLOADING) == 2
    window.refresh()
    assert a.resume.isEnabled() and a.retry.isEnabled() and a.open_file.isEnabled()

    view.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)  # the selection follows
    assert window.selection.selected().total == 7
    assert len(view.selectionModel().selectedRows()) == 7
    window.filter_box.setText("file-5")  # only the paused one stays in sight
    assert window.proxy.rowCount() == 1
    selected = window.selection.selected()
    assert selected.total == 1 and selected.count(State.PAUSED) == 1
    window.refresh()
    assert a.resume.isEnabled() and not a.retry.isEnabled() and not a.pause.isEnabled()
    window.model.apply_changes(5, {"state": "downloading"})  # its state changes under it
    window.refresh()
    assert a.pause.isEnabled() and not a.resume.isEnabled()
    window.filter_box.clear()
    view.clearSelection()
    window.refresh()
    assert window.selection.selected().total == 0 and not a.remove.isEnabled()


def test_open_and_open_folder_say_when_nothing_can_open(qtbot, make_window, monkeypatch) -> None:
    window = make_window()
    window.model.load_snapshot(
        [DownloadInfo(1, "http://127.0.0.1/a", "/srv/dl", State.COMPLETED, name="a.bin",
                      path="/srv/dl/a.bin", size=1, done=1)]
    )
    # What QDesktopServices answers on a desktop with no handler for the file.
    monkeypatch.setattr("gui.commands.QDesktopServices.openUrl", lambda _url: False)
    window.view.selectRow(0)
    window.acts.open_file.trigger()
    assert window.notice_banner.isVisible()
    assert window.notice_banner.text == "No application is set up to open /srv/dl/a.bin."
    window.acts.open_folder.trigger()
    assert window.notice_banner.text == "No file manager is set up to show the folder /srv/dl."


def test_quitting_with_downloads_running_asks_first(qtbot, make_window) -> None:
    window = make_window()
    window.model.load_snapshot(every_state())  # two downloading, one retrying
    seen: list[str] = []
    answer_next_box("Cancel", seen)
    window.acts.quit.trigger()
    assert seen == ["3 downloads are running. Quit anyway?"]
    assert window.isVisible()
    with qtbot.waitSignal(window.closed, timeout=10_000):
        answer_next_box("Quit", seen)
        window.acts.quit.trigger()
    assert len(seen) == 2 and not window.isVisible()


def test_the_keyboard_in_the_table(qtbot, make_window) -> None:
    window = make_window()
    window.model.load_snapshot(every_state())
    view = window.view
    view.setFocus()
    window.select_download(2)  # downloading
    qtbot.keyClick(view, Qt.Key.Key_Space)  # pauses (the fake worker answers)
    qtbot.waitUntil(lambda: window.model.find(2).info.state is State.PAUSED, timeout=5000)
    window.refresh()
    qtbot.keyClick(view, Qt.Key.Key_Space)  # and resumes
    qtbot.waitUntil(lambda: window.model.find(2).info.state is State.QUEUED, timeout=5000)

    assert not window.details_dock.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_Return)  # an unfinished row: its details
    assert window.details_dock.isVisible() and window.details.download_id == 2

    # Delete: once they are gone the selection moves to the row below.
    next_id = window.proxy.row_at(window.proxy.position(2) + 1).info.id
    window.commands.confirm_remove = lambda _count, _completed: False
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.model.find(2) is None, timeout=5000)
    assert [r.info.id for r in window.selected_rows()] == [next_id]

    qtbot.keyClick(view, Qt.Key.Key_Tab)  # Tab leaves the table, not cell to cell
    assert not view.hasFocus()


def test_column_chooser_on_the_header_is_remembered(qtbot, make_window) -> None:
    window = make_window()
    header = window.view.horizontalHeader()
    header.customContextMenuRequested.emit(QPoint(5, 5))
    menu = window.column_menu
    texts = [a.text() for a in menu.actions()]
    assert texts == ["Size", "Progress", "Speed", "Time left", "Status", "Added", "#"]
    assert all(a.isChecked() for a in menu.actions())
    menu.actions()[texts.index("Added")].trigger()
    menu.close()
    assert header.isSectionHidden(Column.ADDED)
    with qtbot.waitSignal(window.closed, timeout=10_000):
        window.close()

    again = make_window()
    assert again.view.horizontalHeader().isSectionHidden(Column.ADDED)


def test_numbers_and_dates_are_readable_under_the_c_locale(qtbot) -> None:
    from PySide6.QtCore import QLocale

    from gui.formatting import display_locale

    previous = QLocale()
    QLocale.setDefault(QLocale.c())
    try:
        locale = display_locale()
        assert locale.toString(10_000) == "10,000"
        model = DownloadTableModel()
        model.load_snapshot([DownloadInfo(1, "http://127.0.0.1/a", "/tmp", State.QUEUED,
                                          added=1_764_680_280)])
        shown = model.index(0, Column.ADDED).data()
        assert "/" in shown and ("AM" in shown or "PM" in shown), shown  # not "2 12 2025 13:38"
    finally:
        QLocale.setDefault(previous)


def test_one_spelling_of_speed_units(qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    from gui.formatting import display_locale, format_speed
    from gui.settings_dialog import speed_box

    parent = QWidget()
    qtbot.addWidget(parent)
    box = speed_box(parent, 0)
    shown_in_the_table = format_speed(display_locale(), 1536).split()[-1]
    assert box.suffix().strip() == shown_in_the_table == "kB/s"
    assert box.specialValueText() == "Unlimited"


def test_links_are_found_a_slice_at_a_time(qtbot) -> None:
    from gui.paste import LINES_PER_TURN, LinkScanner

    scanner = LinkScanner()
    lines = [f"see http://127.0.0.1/{i % 700}.bin, or not" for i in range(3 * LINES_PER_TURN)]
    with qtbot.waitSignal(scanner.found, timeout=5000) as found:
        scanner.scan("\n".join(lines[:LINES_PER_TURN]))
        scanner.scan("ftp://127.0.0.1/no\n" + "\n".join(lines[LINES_PER_TURN:]))
        assert scanner.busy  # nothing was read yet: the event loop stays free
    assert found.args[0] == [f"http://127.0.0.1/{i}.bin" for i in range(700)]
