"""A video page pasted into the Add dialog, through the real window and worker.

The page (:mod:`tests.media_site`) is served by nginx; yt-dlp reads it in the
worker's child process; the person picks a quality in the dialog's chooser
and gets a playable ``.mp4`` (checked with ffprobe).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox

from engine.protocol import State
from gui.add_dialog import AddDialog
from tests.e2e.conftest import App
from tests.media_site import SECONDS, make_site, probe

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None,
                                reason="ffmpeg is not installed")


@pytest.fixture
def site(nginx) -> Path:
    return make_site(nginx.root / "site")


def _paste_into_add_dialog(qtbot, app: App, url: str) -> AddDialog:
    QGuiApplication.clipboard().setText(url)
    app.window.open_add_dialog()
    dialog = app.window.add_dialog
    assert dialog is not None
    return dialog


def _rows(dialog: AddDialog) -> list[list[str]]:
    tree = dialog.chooser.formats
    return [[tree.topLevelItem(r).text(c) for c in range(tree.columnCount())]
            for r in range(tree.topLevelItemCount())]


def test_a_page_pasted_picked_and_downloaded_plays(qtbot, app: App, nginx, site,
                                                   download_dir) -> None:
    url = nginx.url("site/stream.html")
    dialog = _paste_into_add_dialog(qtbot, app, url)
    qtbot.waitUntil(lambda: dialog.chooser.formats.topLevelItemCount() == 3, timeout=60_000)
    assert "Concert stream" in dialog.chooser.status
    rows = _rows(dialog)
    assert [row[0] for row in rows] == ["320\u00d7240", "160\u00d7120", "English"]
    tree = dialog.chooser.formats
    assert tree.currentItem() is tree.topLevelItem(0)  # the best, preselected
    assert dialog.request().options.media.count("+") == 1  # with the audio track
    low = tree.topLevelItem(1)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=tree.visualItemRect(low).center())
    assert tree.currentItem() is low
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(
        QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.row(url) is not None
                    and app.row(url).info.state in (State.COMPLETED, State.FAILED),
                    timeout=90_000)
    info = app.row(url).info
    assert info.state is State.COMPLETED, info.error
    assert info.name.startswith("Concert stream") and info.name.endswith(".mp4")
    probed = probe(Path(info.path))
    assert abs(float(probed["format"]["duration"]) - SECONDS) < 0.5
    assert sorted(s["codec_type"] for s in probed["streams"]) == ["audio", "video"]
    assert [s["width"] for s in probed["streams"] if s["codec_type"] == "video"] == [160]
    assert [f.name for f in download_dir.iterdir()] == [info.name]


def test_a_page_without_media_says_so_in_the_dialog(qtbot, app: App, nginx, site) -> None:
    dialog = _paste_into_add_dialog(qtbot, app, nginx.url("site/nothing.html"))
    qtbot.waitUntil(lambda: "No video or audio" in dialog.chooser.status, timeout=60_000)
    assert dialog.chooser.isVisible() and not dialog.chooser.formats.isVisible()
    assert dialog.request().options.media == ""
    dialog.reject()


def test_a_file_link_shows_no_chooser(qtbot, app: App, nginx, site) -> None:
    dialog = _paste_into_add_dialog(qtbot, app, nginx.url("site/clip.mp4"))
    qtbot.waitUntil(lambda: dialog.chooser.url == "", timeout=30_000)
    qtbot.wait(400)  # longer than the chooser waits before it shows "looking…"
    assert not dialog.chooser.isVisible()
    dialog.reject()
