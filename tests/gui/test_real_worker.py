"""EngineClient against the real worker (``python -m engine``)."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
from pathlib import Path

from engine.protocol import Add, ErrorCode, State
from gui.engine_client import EngineClient, WorkerState
from gui.errors import error_text
from tests.gui.test_engine_client import _alive
from tests.servers.payload import payload


def test_hello_snapshot_and_a_download(qtbot, make_client, state_home, download_dir, fault_server):
    client: EngineClient = make_client(None)
    with qtbot.waitSignal(client.snapshotReceived, timeout=20_000) as snapshot:
        client.start()
    assert snapshot.args[0] == [] and client.hello is not None
    states: list[str] = []
    client.downloadChanged.connect(lambda _i, fields: states.append(fields.get("state", "")))
    url = fault_server.data_url(300_000, name="real.bin")
    with qtbot.waitSignal(client.downloadsAdded, timeout=10_000) as added:
        client.send(Add((url,), str(download_dir)))
    assert added.args[0][0].url == url
    qtbot.waitUntil(lambda: State.COMPLETED.value in states, timeout=30_000)
    assert (download_dir / "real.bin").read_bytes() == payload(300_000)


def _recorded_bytes(state_home: Path) -> int:
    """The bytes the worker's store counts as done (read beside the worker)."""
    try:
        with contextlib.closing(sqlite3.connect(state_home / "downloads.sqlite3",
                                                timeout=5)) as db:
            return int(db.execute("SELECT COALESCE(SUM(done), 0) FROM segments").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_restart_after_a_crash_keeps_the_queue(
    qtbot, make_client, state_home, download_dir, fault_server
):
    client: EngineClient = make_client(None)
    with qtbot.waitSignal(client.connected, timeout=20_000):
        client.start()
    url = fault_server.data_url(20_000_000, name="slow.bin", throttle=250_000)
    with qtbot.waitSignal(client.downloadsAdded, timeout=10_000):
        client.send(Add((url,), str(download_dir)))
    # Until a checkpoint has recorded bytes, so the store has something to resume
    # (bytes received are not yet bytes recorded: on a slow machine the first
    # checkpoint comes later).
    qtbot.waitUntil(lambda: _recorded_bytes(state_home) > 0, timeout=20_000)

    old = client.pid
    with qtbot.waitSignal(client.workerLost, timeout=10_000):
        os.kill(old, signal.SIGKILL)
    with qtbot.waitSignal(client.snapshotReceived, timeout=30_000) as snapshot:
        pass
    assert client.pid != old and not _alive(old)
    [download] = snapshot.args[0]
    assert download.url == url and download.done > 0  # carried on from the store
    assert client.state is WorkerState.RUNNING


def test_clean_shutdown_leaves_no_process(qtbot, make_client, state_home):
    client: EngineClient = make_client(None)
    with qtbot.waitSignal(client.connected, timeout=20_000):
        client.start()
    pid = client.pid
    with qtbot.waitSignal(client.stopped, timeout=10_000):
        client.stop()
    assert client._process.exitCode() == 0
    assert not _alive(pid)


def test_a_second_worker_on_the_same_folder_is_refused(qtbot, make_client, state_home):
    first: EngineClient = make_client(None)
    with qtbot.waitSignal(first.snapshotReceived, timeout=20_000):
        first.start()
    second: EngineClient = make_client(None)
    with qtbot.waitSignal(second.workerFailed, timeout=20_000) as failed:
        second.start()
    assert failed.args[0].splitlines()[0] == error_text(ErrorCode.ALREADY_RUNNING)
    assert first.state is WorkerState.RUNNING and second.state is WorkerState.FAILED
