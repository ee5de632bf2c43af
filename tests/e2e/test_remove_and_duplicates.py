"""Removing takes an unfinished download's .part with it; a link added twice asks first."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication

from engine.protocol import State
from tests.e2e.conftest import App
from tests.e2e.test_app import completed, moved, paste
from tests.gui.message_boxes import answer_next_box


def paste_again(app: App, url: str) -> None:
    """Paste through the action (the window may not be the active one again
    yet after a message box, so its Ctrl+V shortcut would not fire)."""
    QGuiApplication.clipboard().setText(url)
    app.window.acts.paste.trigger()

MB = 1_000_000


def test_removing_a_paused_download_deletes_its_part(
    qtbot, app: App, fault_server, download_dir: Path
) -> None:
    url = fault_server.data_url(8 * MB, name="remove-paused.bin", seed=11, throttle=400_000)
    done = fault_server.data_url(20_000, name="remove-done.bin", seed=12)
    paste(qtbot, app, url, done)
    qtbot.waitUntil(lambda: moved(app, url, 200_000) and completed(app, done), timeout=30_000)
    app.select(url)
    app.window.acts.pause.trigger()
    qtbot.waitUntil(lambda: app.row(url).info.state is State.PAUSED, timeout=10_000)
    part = download_dir / "remove-paused.bin.part"
    assert part.stat().st_size > 0

    app.window.view.selectAll()
    asked: list[str] = []
    answer_next_box("Remove", asked)  # the "also delete the completed files" box unticked
    app.window.acts.remove.trigger()
    qtbot.waitUntil(lambda: app.window.model.rowCount() == 0, timeout=10_000)
    assert asked == ["Remove 2 downloads from the list?"]
    qtbot.waitUntil(lambda: not part.exists(), timeout=5_000)
    assert sorted(p.name for p in download_dir.iterdir()) == ["remove-done.bin"]


def test_adding_a_link_twice_asks_skip_again_or_resume(
    qtbot, app: App, fault_server, download_dir: Path
) -> None:
    url = fault_server.data_url(3 * MB, name="twice.bin", seed=13, throttle=600_000)
    paste(qtbot, app, url)
    qtbot.waitUntil(lambda: moved(app, url, 100_000), timeout=20_000)
    app.select(url)
    app.window.acts.pause.trigger()
    qtbot.waitUntil(lambda: app.row(url).info.state is State.PAUSED, timeout=10_000)
    asked: list[str] = []

    answer_next_box("Skip", asked)
    paste_again(app, url)
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=5_000)
    qtbot.wait(300)
    assert app.window.model.rowCount() == 1 and app.row(url).info.state is State.PAUSED
    assert url in asked[0]

    answer_next_box("Resume existing", asked)
    paste_again(app, url)
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=5_000)
    qtbot.waitUntil(lambda: completed(app, url), timeout=30_000)
    assert app.window.model.rowCount() == 1
    assert sorted(p.name for p in download_dir.iterdir()) == ["twice.bin"]

    answer_next_box("Download again", asked)
    paste_again(app, url)
    qtbot.waitUntil(lambda: app.window.model.rowCount() == 2, timeout=10_000)
    qtbot.waitUntil(lambda: all(app.window.model.row_at(r).info.state is State.COMPLETED
                                for r in range(2)), timeout=30_000)
    assert sorted(p.name for p in download_dir.iterdir()) == ["twice (1).bin", "twice.bin"]
    assert len(asked) == 3
