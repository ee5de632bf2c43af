"""The table model and its proxy: Qt's model checks, batching, merging, filtering."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from engine.protocol import (
    Changed,
    DownloadInfo,
    ProgressItem,
    ProtocolError,
    State,
    apply,
    decode_event,
)
from gui.model import BAR_ROLE, ID_ROLE, Column, DownloadTableModel
from gui.proxy import DownloadFilterProxy
from gui.states import StateFilter


def info(i: int, state: State = State.QUEUED, **kw) -> DownloadInfo:
    kw.setdefault("name", f"file-{i}.bin")
    return DownloadInfo(i, f"http://127.0.0.1/{i}.bin", "/tmp", state, added=1e9 + i, **kw)


def every_state() -> list[DownloadInfo]:
    return [
        info(1, State.QUEUED),
        info(2, State.DOWNLOADING, size=1000, done=250),
        info(3, State.DOWNLOADING, size=None, done=4096, name=""),
        info(4, State.RETRYING, size=1000, done=10, error="Connection reset"),
        info(5, State.PAUSED, size=1000, done=500),
        info(6, State.COMPLETED, size=0),
        info(7, State.FAILED, error="404 Not Found"),
    ]


def test_model_passes_qt_checks(qtmodeltester) -> None:
    model = DownloadTableModel()
    qtmodeltester.check(model)
    model.load_snapshot(every_state())
    model.apply_progress([ProgressItem(2, 600, 1e6), ProgressItem(3, 8192, 2e3)])
    model.apply_changes(1, {"state": "downloading", "size": 10})
    model.remove_downloads([4, 5])
    model.add_downloads([info(9), info(10, State.COMPLETED, size=5, done=5)])
    qtmodeltester.check(model)


def shown_ids(proxy: DownloadFilterProxy) -> list[int]:
    return [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())]


def test_proxy_passes_qt_checks(qtmodeltester) -> None:
    model = DownloadTableModel()
    model.load_snapshot(every_state())
    proxy = DownloadFilterProxy(model)
    proxy.sort(Column.PROGRESS, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)  # and watches every change below
    proxy.set_filter("file", StateFilter.ALL)
    proxy.sort(Column.NAME, Qt.SortOrder.AscendingOrder)
    model.add_downloads([info(9, name="a-first.bin"), info(8, name="zz.bin")])
    model.apply_changes(1, {"state": "downloading", "size": 10, "name": "b.bin"})
    model.apply_progress([ProgressItem(2, 900, 1e6)])
    model.remove_downloads([4, 9])
    proxy.set_filter("", StateFilter.ACTIVE)
    proxy.set_filter("", StateFilter.ALL)
    model.load_snapshot([info(i, State.PAUSED) for i in range(20)])
    proxy.sort(Column.ADDED, Qt.SortOrder.DescendingOrder)
    assert shown_ids(proxy) == list(range(19, -1, -1))
    qtmodeltester.check(proxy)


def test_proxy_follows_the_model(qtbot) -> None:
    model = DownloadTableModel()
    model.load_snapshot([info(i, name=f"{'cba'[i % 3]}-{i}.bin") for i in range(9)])
    proxy = DownloadFilterProxy(model)
    proxy.sort(Column.NAME, Qt.SortOrder.AscendingOrder)
    assert shown_ids(proxy) == [2, 5, 8, 1, 4, 7, 0, 3, 6]
    model.add_downloads([info(20, name="a-0.bin")])  # appended, then put in its place
    assert shown_ids(proxy)[-1] == 20
    qtbot.waitUntil(lambda: shown_ids(proxy)[0] == 20, timeout=3000)
    model.apply_changes(2, {"name": "zzz.bin"})  # renamed: moves to the end
    qtbot.waitUntil(lambda: shown_ids(proxy)[-1] == 2, timeout=3000)
    proxy.set_filter("", StateFilter.PAUSED)
    assert shown_ids(proxy) == []
    model.apply_changes(7, {"state": "paused"})  # now passes the filter
    qtbot.waitUntil(lambda: shown_ids(proxy) == [7], timeout=3000)
    model.apply_changes(7, {"state": "queued"})
    qtbot.waitUntil(lambda: shown_ids(proxy) == [], timeout=3000)


def test_display_texts() -> None:
    model = DownloadTableModel()
    model.load_snapshot(every_state())
    model.apply_progress([ProgressItem(2, 500, 100.0)])

    def text(row: int, column: Column) -> str:
        return model.index(row, column).data()

    assert text(1, Column.PROGRESS).startswith("50")
    assert text(1, Column.SPEED).endswith("/s")
    assert text(1, Column.ETA) == "5 s"
    assert text(2, Column.NAME) == "3.bin"  # no name yet: taken from the URL
    assert model.index(2, Column.PROGRESS).data(BAR_ROLE).fraction is None
    assert text(5, Column.PROGRESS).startswith("100")  # an empty file, completed
    assert text(6, Column.STATE) == "Failed: 404 Not Found"
    assert model.index(6, Column.STATE).data(Qt.ItemDataRole.ToolTipRole) == "404 Not Found"
    assert text(4, Column.SPEED) == ""  # paused: no speed
    assert text(5, Column.STATE) == "Completed"


def test_a_completed_row_shows_its_note() -> None:
    model = DownloadTableModel()
    note = "ffmpeg is not installed: the stream is kept as a .ts file."
    model.load_snapshot([info(1, State.COMPLETED, size=10, done=10, error=note)])
    assert model.index(0, Column.STATE).data() == f"Completed: {note}"


def test_progress_is_one_change_per_run_of_rows(qtbot) -> None:
    model = DownloadTableModel()
    model.load_snapshot([info(i, State.DOWNLOADING, size=100) for i in range(10)])
    changes: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, _roles: changes.append((tl.row(), br.row(), tl.column(), br.column()))
    )
    model.apply_progress([ProgressItem(i, 10, 1.0) for i in (2, 3, 4, 7, 9, 8)])
    assert changes == [
        (2, 4, Column.PROGRESS, Column.ETA),
        (7, 9, Column.PROGRESS, Column.ETA),
    ]
    changes.clear()
    # Rows 3 and 8 stop moving: they are not in the next event, and their speed drops.
    model.apply_progress([ProgressItem(i, 20, 1.0) for i in (2, 4, 7, 9)])
    assert changes == [(2, 4, 2, 4), (7, 9, 2, 4)]
    assert model.find(3).speed == 0 and model.find(2).speed == 1.0


def test_snapshot_after_restart_keeps_rows(qtbot) -> None:
    model = DownloadTableModel()
    model.load_snapshot([info(1), info(2), info(3)])
    persistent = QPersistentModelIndex(model.index(2, 0))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.load_snapshot([info(1, State.COMPLETED), info(3, State.DOWNLOADING), info(4)])
    assert not resets
    assert [model.index(r, 0).data(ID_ROLE) for r in range(3)] == [1, 3, 4]
    assert persistent.isValid() and persistent.row() == 1
    assert model.find(1).info.state is State.COMPLETED


def test_remove_in_runs(qtbot) -> None:
    model = DownloadTableModel()
    model.load_snapshot([info(i) for i in range(8)])
    removals: list[tuple[int, int]] = []
    model.rowsAboutToBeRemoved.connect(lambda _p, a, b: removals.append((a, b)))
    model.remove_downloads([1, 2, 5, 6, 7, 42])
    assert removals == [(5, 7), (1, 2)]
    assert [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())] == [0, 3, 4]
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.rowCount(QModelIndex()) == 3


def test_a_change_is_checked_by_the_one_decoder(caplog) -> None:
    line = '{"type":"changed","id":1,"fields":{"state":"failed","error":"Gone","bogus":1}}'
    event = decode_event(line)
    assert isinstance(event, Changed) and event.fields == {"state": State.FAILED, "error": "Gone"}
    assert event.fields["state"] is State.FAILED  # typed, not the string
    assert apply(info(1), event.fields).state is State.FAILED
    with pytest.raises(ProtocolError, match=r"changed\.fields\.state: unknown value"):
        decode_event('{"type":"changed","id":1,"fields":{"state":"exploded"}}')
    model = DownloadTableModel()
    model.load_snapshot([info(1)])
    model.apply_changes(1, {"state": "exploded"})  # logged and skipped, the row kept
    assert model.row_at(0).info.state is State.QUEUED and "unknown value" in caplog.text


@pytest.mark.parametrize(
    ("choice", "ids"),
    [
        (StateFilter.ALL, [1, 2, 3, 4, 5, 6, 7]),
        (StateFilter.ACTIVE, [2, 3, 4]),
        (StateFilter.PAUSED, [5]),
        (StateFilter.COMPLETED, [6]),
        (StateFilter.FAILED, [7]),
        (StateFilter.QUEUED, [1]),
    ],
)
def test_state_filter(choice: StateFilter, ids: list[int]) -> None:
    model = DownloadTableModel()
    model.load_snapshot(every_state())
    proxy = DownloadFilterProxy(model)
    proxy.set_state_filter(choice)
    assert sorted(proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())) == ids


def test_text_filter_and_sort() -> None:
    model = DownloadTableModel()
    model.load_snapshot(every_state())
    proxy = DownloadFilterProxy(model)
    proxy.set_text("  FILE-2 ")
    assert [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())] == [2]
    proxy.set_text("127.0.0.1/3")  # the URL counts too
    assert [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())] == [3]
    proxy.set_text("")
    proxy.sort(Column.SIZE, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, 0).data(ID_ROLE) in (2, 4, 5)  # the 1000-byte ones first
    assert proxy.index(6, 0).data(ID_ROLE) in (1, 3, 7)  # unknown sizes last
