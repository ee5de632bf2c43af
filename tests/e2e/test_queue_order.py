"""The queue's order, start now, rename and delete file, through the real
window and the real worker: the window asks, the worker decides, and what
ends on the disk (or in the server's log) is what was asked."""

from __future__ import annotations

import socket
from pathlib import Path

import aria2p
from PySide6.QtCore import QItemSelectionModel, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from engine.protocol import DownloadOptions, RpcStatus, SetOptions, SetRpc, State
from gui.model import Column
from tests.e2e.conftest import App
from tests.e2e.test_app import completed
from tests.gui.message_boxes import answer_next_box


def add_paused(qtbot, app: App, urls: list[str]) -> list[int]:
    app.window.queue_urls(urls, options=DownloadOptions(paused=True))
    qtbot.waitUntil(lambda: all(app.row(u) is not None for u in urls), timeout=15_000)
    return [app.row(u).info.id for u in urls]


def shown_ids(app: App) -> list[int]:
    proxy = app.window.proxy
    return [proxy.row_at(r).info.id for r in range(proxy.rowCount())]


def shown_places(app: App) -> dict[int, str]:
    """What the "#" column shows, by download id."""
    proxy = app.window.proxy
    return {proxy.row_at(r).info.id: proxy.index(r, Column.QUEUE).data()
            for r in range(proxy.rowCount())}


def select_ids(app: App, *ids: int) -> None:
    view, proxy = app.window.view, app.window.proxy
    flag = QItemSelectionModel.SelectionFlag
    view.clearSelection()
    for download_id in ids:
        index = proxy.index(proxy.position(download_id), 0)
        view.selectionModel().select(index, flag.Select | flag.Rows)
        view.selectionModel().setCurrentIndex(index, flag.NoUpdate)


def completion_order(app: App, ids: list[int]) -> list[int]:
    events: list[int] = []
    app.client.downloadChanged.connect(
        lambda i, fields: events.append(i) if fields.get("state") == State.COMPLETED
        and i in ids else None)
    return events


def test_move_to_top_then_it_completes_first_and_keys_move_the_rest(
        qtbot, app: App, fault_server) -> None:
    urls = [fault_server.data_url(30_000, f"top{n}.bin", seed=n) for n in range(4)]
    ids = add_paused(qtbot, app, urls)
    app.client.send(SetOptions(max_active=1))
    select_ids(app, ids[3])
    app.window.acts.move_top.trigger()
    qtbot.waitUntil(lambda: shown_places(app)[ids[3]] == "1", timeout=10_000)
    # the table now shows the queue's order, the moved one first
    assert app.window.view.horizontalHeader().sortIndicatorSection() == Column.QUEUE
    assert shown_ids(app) == [ids[3], ids[0], ids[1], ids[2]]
    assert [shown_places(app)[i] for i in shown_ids(app)] == ["1", "2", "3", "4"]

    select_ids(app, ids[0], ids[2])  # two at once, one place down each, by the keys
    app.window.view.setFocus()
    qtbot.keyClick(app.window.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shown_ids(app) == [ids[3], ids[1], ids[0], ids[2]], timeout=10_000)
    select_ids(app, ids[3])
    qtbot.keyClick(app.window.view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shown_ids(app) == [ids[1], ids[0], ids[2], ids[3]], timeout=10_000)
    select_ids(app, ids[2])
    qtbot.keyClick(app.window.view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shown_ids(app) == [ids[2], ids[1], ids[0], ids[3]], timeout=10_000)
    qtbot.keyClick(app.window.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shown_ids(app) == [ids[1], ids[2], ids[0], ids[3]], timeout=10_000)
    select_ids(app, ids[0])
    app.window.acts.move_up.trigger()
    qtbot.waitUntil(lambda: shown_ids(app) == [ids[1], ids[0], ids[2], ids[3]], timeout=10_000)
    select_ids(app, ids[3])  # the last one to the top: it must be the first to finish
    app.window.acts.move_top.trigger()
    qtbot.waitUntil(lambda: shown_ids(app) == [ids[3], ids[1], ids[0], ids[2]], timeout=10_000)

    order = completion_order(app, ids)
    app.window.acts.resume_all.trigger()
    qtbot.waitUntil(lambda: completed(app, *urls), timeout=60_000)
    assert order == [ids[3], ids[1], ids[0], ids[2]]


def drag_rows(app: App, target_row: int) -> None:
    """Drop the selected rows on the upper half of shown row ``target_row``,
    with the events a real drag sends the table."""
    view = app.window.view
    mime = view.selected_ids_mime()
    rect = view.visualRect(app.window.proxy.index(target_row, 0))
    point = QPointF(QPoint(rect.center().x(), rect.top() + 2))
    buttons, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    move = Qt.DropAction.MoveAction
    for event in (QDragEnterEvent(point.toPoint(), move, mime, buttons, none),
                  QDragMoveEvent(point.toPoint(), move, mime, buttons, none),
                  QDropEvent(point, move, mime, buttons, none)):
        QApplication.sendEvent(view.viewport(), event)
        assert event.isAccepted()


def test_drag_rows_to_another_place_in_the_queue(qtbot, app: App, fault_server) -> None:
    urls = [fault_server.data_url(10_000, f"drag{n}.bin", seed=n) for n in range(5)]
    ids = add_paused(qtbot, app, urls)
    app.window.view.sortByColumn(Column.QUEUE, Qt.SortOrder.AscendingOrder)
    assert app.window.view.reorderable
    assert shown_ids(app) == ids
    select_ids(app, ids[3], ids[4])
    drag_rows(app, 1)  # before the second row
    qtbot.waitUntil(lambda: shown_ids(app) == [ids[0], ids[3], ids[4], ids[1], ids[2]],
                    timeout=10_000)
    select_ids(app, ids[0])
    drag_rows(app, 4)  # before the last
    qtbot.waitUntil(lambda: shown_ids(app) == [ids[3], ids[4], ids[1], ids[0], ids[2]],
                    timeout=10_000)
    app.window.view.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
    assert not app.window.view.reorderable  # another order shown: nothing to drag into
    assert app.window.view.dragEnabled()  # rows still go onto the categories

    app.client.send(SetOptions(max_active=1))
    order = completion_order(app, ids)
    app.window.acts.resume_all.trigger()
    qtbot.waitUntil(lambda: completed(app, *urls), timeout=60_000)
    assert order == [ids[3], ids[4], ids[1], ids[0], ids[2]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_changeposition_from_aria2p_and_the_window_agree(qtbot, app: App, fault_server) -> None:
    statuses: list[RpcStatus] = []
    app.client.rpcStatusReceived.connect(statuses.append)
    app.client.send(SetRpc(enabled=True, port=free_port(), secret="queue-secret"))
    qtbot.waitUntil(lambda: any(s.enabled for s in statuses), timeout=10_000)
    status = next(s for s in statuses if s.enabled)
    client = aria2p.API(aria2p.Client("http://127.0.0.1", status.port, "queue-secret"))
    urls = [fault_server.data_url(10_000, f"rpc{n}.bin", seed=n) for n in range(4)]
    ids = add_paused(qtbot, app, urls)

    def rpc_order() -> list[int]:
        return [int(d["gid"], 16) for d in client.client.tell_waiting(0, 100, ["gid"])]

    assert client.client.change_position(f"{ids[2]:016x}", 0, "POS_SET") == 0
    assert client.client.change_position(f"{ids[0]:016x}", -1, "POS_END") == 2
    assert rpc_order() == [ids[2], ids[1], ids[0], ids[3]]
    qtbot.waitUntil(lambda: app.window.model.waiting_order() == rpc_order(), timeout=10_000)
    places = shown_places(app)
    assert [places[i] for i in rpc_order()] == ["1", "2", "3", "4"]

    select_ids(app, ids[3])
    app.window.acts.move_up.trigger()  # and the other way: the window moves, aria2p reads
    qtbot.waitUntil(lambda: rpc_order() == [ids[2], ids[1], ids[3], ids[0]], timeout=10_000)
    qtbot.waitUntil(lambda: app.window.model.waiting_order() == rpc_order(), timeout=10_000)


def test_start_now_runs_one_past_the_limit(qtbot, app: App, fault_server) -> None:
    app.client.send(SetOptions(max_active=1))
    slow = fault_server.data_url(2_000_000, "now-slow.bin", throttle=200_000)
    waiting = fault_server.data_url(2_000_000, "now-waiting.bin", seed=3, throttle=200_000)
    other = fault_server.data_url(20_000, "now-other.bin", seed=4)
    app.window.queue_urls([slow])
    qtbot.waitUntil(lambda: app.row(slow) is not None
                    and app.row(slow).info.state is State.DOWNLOADING, timeout=15_000)
    app.window.queue_urls([waiting, other])
    qtbot.waitUntil(lambda: app.row(other) is not None, timeout=15_000)
    assert app.row(waiting).info.state is State.QUEUED
    app.select(waiting)
    assert app.window.acts.start_now.isEnabled()
    app.window.acts.start_now.trigger()
    qtbot.waitUntil(lambda: app.row(waiting).info.state is State.DOWNLOADING, timeout=10_000)
    assert app.row(slow).info.state is State.DOWNLOADING  # two at once with a limit of one
    assert app.row(other).info.state is State.QUEUED
    assert app.window.model.summary().count(State.DOWNLOADING) == 2


def test_rename_a_completed_file_on_disk(qtbot, app: App, fault_server, download_dir: Path,
                                         monkeypatch, sha256) -> None:
    url = fault_server.data_url(20_000, "before-rename.bin", seed=21)
    app.window.queue_urls([url])
    qtbot.waitUntil(lambda: completed(app, url), timeout=15_000)
    expected = sha256(download_dir / "before-rename.bin")
    (download_dir / "taken.bin").write_bytes(b"not ours")
    app.select(url)
    answers = iter(["../escape.bin", "taken.bin", "after rename.bin"])
    monkeypatch.setattr(app.window.queue, "ask_new_name", lambda _row: next(answers))

    app.window.acts.rename.trigger()  # refused by the window: a path
    assert app.window.notice_banner.isVisible()
    assert "cannot be a file name" in app.window.notice_banner.text
    app.window.notice_banner.dismiss()
    app.window.acts.rename.trigger()  # refused by the worker: the name is taken
    qtbot.waitUntil(lambda: app.window.notice_banner.isVisible(), timeout=10_000)
    assert "already in the folder" in app.window.notice_banner.text
    assert (download_dir / "taken.bin").read_bytes() == b"not ours"
    app.window.acts.rename.trigger()
    qtbot.waitUntil(lambda: app.row(url).name == "after rename.bin", timeout=10_000)
    assert sorted(p.name for p in download_dir.iterdir()) == ["after rename.bin", "taken.bin"]
    assert sha256(download_dir / "after rename.bin") == expected
    assert app.row(url).info.path == str(download_dir / "after rename.bin")


def test_delete_file_asks_then_removes_the_download_and_its_file(
        qtbot, app: App, fault_server, download_dir: Path) -> None:
    keep = fault_server.data_url(10_000, "delete-keep.bin", seed=31)
    gone = fault_server.data_url(10_000, "delete-gone.bin", seed=32)
    app.window.queue_urls([keep, gone])
    qtbot.waitUntil(lambda: completed(app, keep, gone), timeout=15_000)
    app.select(gone)
    asked: list[str] = []
    answer_next_box("Cancel", asked)
    app.window.acts.delete_file.trigger()
    assert asked == ["Remove 1 download from the list and delete its file from the disk?"]
    assert (download_dir / "delete-gone.bin").exists() and app.row(gone) is not None
    answer_next_box("Yes", asked)
    app.window.acts.delete_file.trigger()
    qtbot.waitUntil(lambda: app.row(gone) is None, timeout=10_000)
    assert sorted(p.name for p in download_dir.iterdir()) == ["delete-keep.bin"]
    assert app.row(keep) is not None
