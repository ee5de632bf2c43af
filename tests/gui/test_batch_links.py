"""A batch pattern typed in the Add dialog, through the real window and worker."""

from __future__ import annotations

from engine.protocol import State
from gui.main_window import MainWindow
from gui.settings import Settings
from tests.servers.payload import payload


def test_a_pattern_queues_a_hundred_downloads_that_complete(
    qtbot, make_client, settings, state_home, download_dir, fault_server
) -> None:
    client = make_client(None)  # the real worker, with a fresh state folder
    prefs = Settings(settings)
    prefs.download_dir = str(download_dir)
    window = MainWindow(client, prefs)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(client.snapshotReceived, timeout=20_000):
        client.start()
    window.open_add_dialog()
    dialog = window.add_dialog
    assert dialog is not None
    dialog._urls.setPlainText(fault_server.url("/data/4000/part[001-100].bin"))
    qtbot.waitUntil(lambda: "100 URLs to add" in dialog.report, timeout=5000)
    dialog.accept()
    qtbot.waitUntil(lambda: window.model.rowCount() == 100, timeout=20_000)

    def completed() -> int:
        return sum(window.model.row_at(r).info.state is State.COMPLETED
                   for r in range(window.model.rowCount()))

    qtbot.waitUntil(lambda: completed() == 100, timeout=120_000)
    names = sorted(p.name for p in download_dir.iterdir())
    assert names == [f"part{i:03d}.bin" for i in range(1, 101)]
    assert all(p.read_bytes() == payload(4000) for p in download_dir.iterdir())
