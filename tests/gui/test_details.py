"""The details pane: the segment map's pixels, the speed history, live polling."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QImage, QPalette

from engine.protocol import DownloadInfo, ProgressItem, Segment, State
from gui.segment_map import SegmentMap
from gui.speed_graph import SpeedGraph, SpeedHistory, nice_ceiling
from gui.state_history import StateHistory
from tests.gui.fake_worker import SEGMENTS


def render(widget, width: int, height: int) -> QImage:
    widget.resize(width, height)
    return widget.grab().toImage()


def colour_at(image: QImage, x: int) -> QColor:
    return image.pixelColor(x, image.height() // 2)


def test_segment_map_paints_done_active_and_remaining(qtbot) -> None:
    bar = SegmentMap()
    qtbot.addWidget(bar)
    # [0, 400) done; [400, 700) a quarter done and being fetched; [700, 1000) untouched.
    bar.set_segments(1000, SEGMENTS)
    image = render(bar, 1002, 30)
    colors = bar.colors
    expected = {
        50: colors.done, 390: colors.done, 410: colors.done, 490: colors.done,
        510: colors.active, 690: colors.active, 710: colors.remaining, 990: colors.remaining,
    }
    for x, color in expected.items():
        assert colour_at(image, x) == color, f"pixel {x}"
    assert colour_at(image, 401) == colors.separator  # where the second piece starts
    assert bar.summary().pieces == 3 and bar.summary().active == 1

    bar.set_segments(1000, [Segment(0, 1000, 250)])  # paused: nothing active
    image = render(bar, 1002, 30)
    assert colour_at(image, 200) == colors.done and colour_at(image, 600) == colors.remaining

    bar.set_complete(1000)
    image = render(bar, 1002, 30)
    assert all(colour_at(image, x) == colors.done for x in (5, 500, 995))

    bar.set_segments(None, [Segment(0, None, 5000, active=True)])  # a stream of unknown size
    image = render(bar, 300, 30)
    assert colour_at(image, 150) == colors.active


def test_speed_history_keeps_minutes_and_forgets_idle_downloads(qtbot) -> None:
    history = SpeedHistory(seconds=5)
    history.record([ProgressItem(1, 100, 1000.0), ProgressItem(2, 100, 50.0)])
    history.record([ProgressItem(1, 200, 2000.0)])
    history.sample()
    assert history.samples(1) == [2000.0] and history.samples(2) == [50.0]
    for _ in range(4):
        history.record([ProgressItem(1, 300, 3000.0)])
        history.sample()
    assert history.samples(1) == [2000.0, 3000.0, 3000.0, 3000.0, 3000.0]
    assert history.samples(2) == [50.0, 0.0, 0.0, 0.0, 0.0]
    history.sample()  # a whole idle window: download 2 is forgotten
    assert history.samples(2) == [] and history.samples(1)[-1] == 0.0
    history.forget([1])
    assert history.samples(1) == []
    history.sample()
    assert not history._timer.isActive()  # nothing left to follow


def test_nice_ceiling() -> None:
    assert [nice_ceiling(v) for v in (0, 1, 7, 10, 11, 180, 1000, 1024)] == [
        1, 1, 10, 10, 20, 200, 1000, 1024
    ]
    assert nice_ceiling(10.7 * 1024**2) == 20 * 1024**2  # "20.0 MB/s" on the axis
    assert nice_ceiling(3000 * 1024) == 5 * 1024**2


def test_speed_graph_draws_the_newest_sample_at_the_right(qtbot) -> None:
    graph = SpeedGraph(seconds=10)
    qtbot.addWidget(graph)
    graph.set_samples([0.0] * 9 + [1000.0])
    image = render(graph, 200, 100)
    base = graph.palette().base().color()
    assert image.pixelColor(20, 90) == base  # nothing moved on the left
    assert image.pixelColor(196, 90) != base  # filled under the newest sample


def test_the_pane_follows_the_selection_and_polls_segments(qtbot, make_window) -> None:
    window = make_window()
    window.model.load_snapshot([
        DownloadInfo(3, "http://user:hunter2@127.0.0.1/big.iso", "/srv", State.DOWNLOADING,
                     name="big.iso", path="/srv/big.iso.part", size=1000, done=500),
        DownloadInfo(4, "http://127.0.0.1/done.bin", "/srv", State.COMPLETED, name="done.bin",
                     path="/srv/done.bin", size=10, done=10),
    ])
    pane = window.details
    assert not window.details_dock.isVisible()  # the list has the room until asked
    window.acts.properties.setEnabled(True)
    window.acts.properties.trigger()
    assert pane.placeholder.isVisible()
    window.view.selectRow(0)
    assert pane.download_id == 3
    assert pane.url.text() == "http://•••@127.0.0.1/big.iso"  # no password on screen
    assert "hunter2" not in window.model.index(0, 0).data(3)  # nor in the name's tooltip
    assert pane.path.text() == "/srv/big.iso.part" and "of" in pane.size_value.text()
    assert pane.options.text() == "default connections · speed limit: Unlimited"
    qtbot.waitUntil(lambda: pane.segment_map.summary().pieces == 3, timeout=5000)
    assert pane._timer.isActive()  # polling while visible and active
    assert "3 pieces" in pane.pieces.text()

    window.details_dock.hide()
    assert not pane._timer.isActive()
    window.details_dock.show()

    assert pane.graph.isVisible()  # a running download has its speed graph

    window.view.selectRow(1)
    assert pane.download_id == 4 and not pane._timer.isActive()
    assert pane.segment_map._complete
    assert not pane.graph.isVisible()  # no empty graph for a finished download
    window.view.clearSelection()
    assert pane.download_id is None and pane.placeholder.isVisible()


def test_the_legend_follows_the_palette(qtbot, make_window) -> None:
    window = make_window()
    pane = window.details
    dark = QPalette(pane.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1f22"))
    pane.setPalette(dark)
    remaining = pane.segment_map.colors.remaining
    assert remaining.name() in pane.legend.text() and remaining.lightness() < 80


def test_state_history_is_capped_and_counts_new_errors() -> None:
    states = StateHistory(limit=3)
    recorded: list[int] = []
    states.recorded.connect(recorded.append)
    states.load([DownloadInfo(1, "http://127.0.0.1/a", "/tmp", State.PAUSED)])
    states.load([DownloadInfo(1, "http://127.0.0.1/a", "/tmp", State.PAUSED)])  # a restart
    assert [(e.state, e.when) for e in states.entries(1)] == [(State.PAUSED, None)]
    states.apply_changes(1, {"state": "retrying", "error": "503 Service Unavailable",
                             "error_code": "server-error"})
    states.apply_changes(1, {"error": "Connection reset"})  # another try, another reason
    states.apply_changes(1, {"done": 10})  # not a state change
    states.apply_changes(1, {"state": "failed", "error": "Connection reset"})
    entries = states.entries(1)
    assert [(e.state, e.error) for e in entries] == [
        (State.RETRYING, "503 Service Unavailable"), (State.RETRYING, "Connection reset"),
        (State.FAILED, "Connection reset"),
    ]
    assert entries[0].error_code == "server-error"  # the code, translated when shown
    # A snapshot is not news (10,000 of them would be 10,000 signals): the changes are.
    assert all(e.when is not None for e in entries) and recorded == [1] * 3
    states.forget([1])
    assert states.entries(1) == []


def test_the_pane_shows_what_the_server_said_and_the_state_history(qtbot, make_window) -> None:
    window = make_window()
    client = window._client
    url = "http://127.0.0.1/get?id=5"
    client.snapshotReceived.emit([
        DownloadInfo(5, url, "/srv", State.QUEUED, name="a.bin"),
    ])
    window.view.selectRow(0)
    window.show_details()
    pane = window.details
    assert not pane.final_url.isVisible() and not pane.etag.isVisible()
    assert [pane.state_log.item(i).text() for i in range(pane.state_log.count())] == [
        "earlier  Queued"
    ]
    client.downloadChanged.emit(5, {
        "state": "downloading", "error": "", "final_url": "http://127.0.0.1/files/a.bin",
        "etag": '"abc"', "last_modified": "Wed, 01 Jan 2025 00:00:00 GMT",
    })
    client.downloadChanged.emit(5, {"state": "retrying", "error": "The server is busy (503)."})
    assert pane.state_log.count() == 3
    qtbot.waitUntil(pane.final_url.isVisible, timeout=5000)  # the pane reads the table's row
    assert pane.final_url.text() == "http://127.0.0.1/files/a.bin"
    assert pane.etag.text() == '"abc"' and "2025" in pane.last_modified.text()
    newest, middle = pane.state_log.item(0).text(), pane.state_log.item(1).text()
    assert re.fullmatch(r"\d\d:\d\d:\d\d  Retrying: The server is busy \(503\)\.", newest)
    assert middle.endswith("  Downloading")
    client.downloadChanged.emit(5, {"final_url": url})  # no redirect after all
    qtbot.waitUntil(lambda: not pane.final_url.isVisible(), timeout=5000)


def test_no_empty_speed_graph_for_finished_or_failed_downloads(qtbot, make_window) -> None:
    window = make_window()
    window.model.load_snapshot([
        DownloadInfo(1, "http://127.0.0.1/a", "/srv", State.FAILED, name="a", size=10),
        DownloadInfo(2, "http://127.0.0.1/b", "/srv", State.DOWNLOADING, name="b", size=10),
        DownloadInfo(3, "http://127.0.0.1/c", "/srv", State.PAUSED, name="c", size=10),
    ])
    window.show_details()
    pane = window.details
    for row, shown in ((0, False), (1, True), (2, False)):
        window.view.selectRow(row)
        assert pane.graph.isVisible() is shown, f"row {row}"
    # One that ran a moment ago keeps the graph of its last minutes, then loses it.
    window.history.record([ProgressItem(3, 5, 2000.0)])
    window.history.sample()
    assert pane.graph.isVisible() and pane.graph._samples == [2000.0]
    window.history.forget([3])
    window.history.sample()
    assert not pane.graph.isVisible()
    # A download that finishes while shown loses its graph with it.
    window.view.selectRow(1)
    window._client.downloadChanged.emit(2, {"state": "completed", "done": 10})
    qtbot.waitUntil(lambda: not pane.graph.isVisible(), timeout=5000)


def test_unlimited_is_one_word_everywhere(qtbot, make_window) -> None:
    """A limit of none reads "Unlimited" in the details, in Settings and in the
    per-download prompt: one translatable word, in one place."""
    from pathlib import Path

    import gui
    from gui.formatting import format_limit, unlimited
    from gui.settings_dialog import speed_box

    window = make_window()
    assert format_limit(window.model.locale, 0) == unlimited() == "Unlimited"
    assert format_limit(window.model.locale, 2048) == "2.0 kB/s"
    assert speed_box(window, 0).specialValueText() == unlimited()
    assert speed_box(window, 0).text() == "Unlimited"
    window.model.load_snapshot([DownloadInfo(1, "http://127.0.0.1/a", "/srv", State.QUEUED,
                                             name="a", speed_limit=0)])
    window.view.selectRow(0)
    window.show_details()
    assert window.details.options.text().endswith("speed limit: Unlimited")
    spelled = {path.name for path in Path(gui.__file__).parent.glob("*.py")
               if any(word in path.read_text(encoding="utf-8")
                      for word in ('"Unlimited"', "No limit", "No Limit", "unlimited)"))}
    assert spelled == {"formatting.py"}
