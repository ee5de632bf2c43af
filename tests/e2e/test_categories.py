"""Categories through the real window and the real worker: the sidebar counts
and filters, sorting into category folders, and moving a download (running or
finished) to another category, by the menu and by dragging rows onto the
sidebar; the files end byte-identical in the new folder."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from engine.protocol import ACTIVE_STATES
from gui.category_sidebar import CATEGORY_ROLE
from tests.e2e.conftest import App
from tests.servers.payload import sha256_of

MB = 1_000_000


def shown_names(app: App) -> list[str]:
    proxy = app.window.proxy
    return sorted(proxy.row_at(r).name for r in range(proxy.rowCount()))


def select_ids(app: App, *ids: int) -> None:
    view, proxy = app.window.view, app.window.proxy
    flag = QItemSelectionModel.SelectionFlag
    view.clearSelection()
    for download_id in ids:
        index = proxy.index(proxy.position(download_id), 0)
        view.selectionModel().select(index, flag.Select | flag.Rows)


def counts(app: App) -> dict[str, str]:
    """What the sidebar says, by category ("" for all downloads)."""
    sidebar = app.window.categories.sidebar
    return {str(sidebar.item(r).data(CATEGORY_ROLE)): sidebar.item(r).text()
            for r in range(sidebar.count())}


def drop_on_sidebar(app: App, category: str) -> None:
    """Drag the selected rows onto ``category`` in the sidebar, with the events a
    real drag sends it."""
    sidebar = app.window.categories.sidebar
    row = next(r for r in range(sidebar.count())
               if sidebar.item(r).data(CATEGORY_ROLE) == category)
    point = QPointF(sidebar.visualItemRect(sidebar.item(row)).center())
    mime = app.window.view.selected_ids_mime()
    buttons, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    move = Qt.DropAction.MoveAction
    for event in (QDragEnterEvent(point.toPoint(), move, mime, buttons, none),
                  QDragMoveEvent(point.toPoint(), move, mime, buttons, none),
                  QDropEvent(point, move, mime, buttons, none)):
        QApplication.sendEvent(sidebar.viewport(), event)
        assert event.isAccepted()


def test_the_sidebar_counts_and_filters_and_sorting_puts_files_in_category_folders(
        qtbot, app: App, fault_server, download_dir: Path, sha256) -> None:
    window = app.window
    window.open_settings()
    tab = window.settings_dialog.categories
    tab.sort.setChecked(True)  # the person turns sorting on
    qtbot.waitUntil(lambda: not window.engine_settings._options_timer.isActive(), timeout=5000)
    window.settings_dialog.close()
    files = {"clip.mp4": 40_000, "song.mp3": 30_000, "paper.pdf": 20_000,
             "photo.png": 10_000, "tool.deb": 15_000, "blob.bin": 5000}
    urls = [fault_server.data_url(size, name, seed=n)
            for n, (name, size) in enumerate(files.items())]
    window.queue_urls(urls)
    qtbot.waitUntil(lambda: len(app.rows()) == len(urls)
                    and all(r.info.state.value == "completed" for r in app.rows()),
                    timeout=30_000)
    for n, (name, size) in enumerate(files.items()):
        row = app.row(urls[n])
        assert row is not None and Path(row.info.path).name == name
        assert sha256(Path(row.info.path)) == sha256_of(size, seed=n)
    assert sorted(os.listdir(download_dir)) == ["Documents", "Images", "Music", "Other",
                                                 "Programs", "Video"]
    assert (download_dir / "Programs" / "tool.deb").exists()
    qtbot.waitUntil(lambda: counts(app)["video"].endswith("(1)"), timeout=2000)
    said = counts(app)
    assert said[""].endswith("(6)") and said["archives"].endswith("(0)")
    assert all(said[c].endswith("(1)") for c in ("video", "music", "documents", "images",
                                                  "programs", "other"))
    window.categories.sidebar.choose("music")
    assert shown_names(app) == ["song.mp3"]
    window.filter_box.setText("paper")  # the text filter and the category together
    assert shown_names(app) == []
    window.categories.sidebar.choose("documents")
    assert shown_names(app) == ["paper.pdf"]
    window.filter_box.clear()
    window.categories.sidebar.choose("")
    assert len(shown_names(app)) == 6


def test_a_running_download_moved_by_dragging_it_onto_a_category_ends_there_byte_identical(
        qtbot, app: App, fault_server, download_dir: Path, sha256) -> None:
    size = 6 * MB
    url = fault_server.data_url(size, "film.bin", seed=41, throttle=1_000_000)
    app.window.queue_urls([url])
    qtbot.waitUntil(lambda: app.row(url) is not None and app.row(url).done > 500_000,
                    timeout=20_000)
    row = app.row(url)
    assert row.info.state in ACTIVE_STATES and row.category == "other"
    assert row.info.path == str(download_dir / "film.bin.part")
    select_ids(app, row.info.id)
    drop_on_sidebar(app, "video")
    qtbot.waitUntil(lambda: app.row(url).info.category == "video", timeout=10_000)
    moved = app.row(url)
    assert moved.info.state in ACTIVE_STATES and moved.done < size  # moved while running
    assert moved.info.path == str(download_dir / "Video" / "film.bin.part")
    assert not (download_dir / "film.bin.part").exists()
    app.window.categories.sidebar.choose("video")
    assert shown_names(app) == ["film.bin"]
    qtbot.waitUntil(lambda: app.row(url).info.state.value == "completed", timeout=30_000)
    assert sha256(download_dir / "Video" / "film.bin") == sha256_of(size, seed=41)
    assert os.listdir(download_dir) == ["Video"]


def test_the_menu_moves_a_finished_download_and_never_replaces_a_file_there(
        qtbot, app: App, fault_server, download_dir: Path, sha256) -> None:
    url = fault_server.data_url(50_000, "notes.txt", seed=42)
    app.window.queue_urls([url])
    qtbot.waitUntil(lambda: app.row(url) is not None
                    and app.row(url).info.state.value == "completed", timeout=20_000)
    (download_dir / "Archives").mkdir()
    (download_dir / "Archives" / "notes.txt").write_bytes(b"the person's own notes")
    select_ids(app, app.row(url).info.id)
    move_menu = app.window.categories.move_menu
    app.window.refresh()
    assert move_menu.isEnabled()
    next(a for a in move_menu.actions() if a.text() == "Archives").trigger()
    qtbot.waitUntil(lambda: app.row(url).info.category == "archives", timeout=10_000)
    assert app.row(url).info.path == str(download_dir / "Archives" / "notes (1).txt")
    assert sha256(download_dir / "Archives" / "notes (1).txt") == sha256_of(50_000, seed=42)
    assert (download_dir / "Archives" / "notes.txt").read_bytes() == b"the person's own notes"
    assert not (download_dir / "notes.txt").exists()
