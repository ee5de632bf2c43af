"""EngineClient against the fake worker: reading, restarting, shutting down."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from engine.protocol import PROTOCOL_VERSION, Add, DownloadOptions, ErrorCode, Pause
from gui.engine_client import EngineClient, WorkerState
from gui.errors import error_text
from tests.gui.conftest import fake_worker


def _alive(pid: int) -> bool:
    """True if ``pid`` exists and is not a zombie."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


def test_events_become_signals(qtbot, make_client) -> None:
    client: EngineClient = make_client(fake_worker("normal"))
    with qtbot.waitSignals([client.connected, client.snapshotReceived], timeout=10_000):
        client.start()
    assert client.state is WorkerState.RUNNING
    assert client.hello is not None and client.hello.pid == client.pid

    urls = ("http://127.0.0.1/a", "http://127.0.0.1/b", "http://127.0.0.1/c")
    with qtbot.waitSignal(client.downloadsAdded, timeout=5000) as added:
        client.send(Add(urls, "/tmp", DownloadOptions()))
    # One batch for consecutive ``added`` lines, whenever they arrived together;
    # at least the first URL comes in the first batch.
    assert added.args[0][0].url == urls[0]

    with qtbot.waitSignal(client.downloadChanged, timeout=5000) as changed:
        client.send(Pause(ids=(7,)))
    assert changed.args == [7, {"state": "paused"}]


def test_partial_and_garbage_lines_are_survived(qtbot, make_client, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="gui.engine_client")
    client = make_client(fake_worker("noisy"))
    with qtbot.waitSignals([client.connected, client.snapshotReceived], timeout=10_000):
        client.start()
    ignored = [r for r in caplog.records if "ignoring a line" in r.getMessage()]
    assert len(ignored) == 5  # not JSON, a list, unknown type, bad field, bad UTF-8
    assert client.state is WorkerState.RUNNING


def test_commands_sent_before_start_are_held(qtbot, make_client) -> None:
    client = make_client(fake_worker("normal"))
    client.send(Add(("http://127.0.0.1/early",), "/tmp"))
    with qtbot.waitSignal(client.downloadsAdded, timeout=10_000) as added:
        client.start()
    assert [d.url for d in added.args[0]] == ["http://127.0.0.1/early"]


def test_a_crashed_worker_is_restarted(qtbot, make_client, tmp_path) -> None:
    client = make_client(fake_worker("crash-once", str(tmp_path / "crashed")))
    with qtbot.waitSignal(client.connected, timeout=10_000) as first:
        client.start()
    with qtbot.waitSignal(client.workerLost, timeout=10_000) as lost:
        pass
    assert "status 3" in lost.args[0]
    assert client.recent_output == ""  # the fake worker logs nothing
    assert client.state is WorkerState.WAITING
    with qtbot.waitSignal(client.connected, timeout=10_000) as again:
        pass
    assert again.args[0].pid != first.args[0].pid
    assert not _alive(first.args[0].pid)
    assert client.state is WorkerState.RUNNING


def test_a_locked_state_folder_is_reported_not_retried(qtbot, make_client) -> None:
    client = make_client(fake_worker("locked"))
    lost: list[str] = []
    client.workerLost.connect(lambda why, _delay: lost.append(why))
    with qtbot.waitSignal(client.workerFailed, timeout=10_000) as failed:
        client.start()
    reason, detail = failed.args[0].split("\n")  # the code's text, then the particulars
    assert reason == error_text(ErrorCode.ALREADY_RUNNING) and detail
    qtbot.wait(500)
    assert client.state is WorkerState.FAILED and client.pid == 0 and not lost


def test_a_worker_of_another_version_is_stopped_and_named(qtbot, make_client) -> None:
    client = make_client(fake_worker("old"))
    lost: list[str] = []
    client.workerLost.connect(lambda why, _delay: lost.append(why))
    connected: list[object] = []
    client.connected.connect(connected.append)
    with qtbot.waitSignal(client.workerFailed, timeout=10_000) as failed:
        client.start()
    why = failed.args[0]
    assert f"protocol {PROTOCOL_VERSION - 1}" in why and f"protocol {PROTOCOL_VERSION}" in why
    qtbot.wait(500)
    assert client.state is WorkerState.FAILED and client.pid == 0
    assert not lost and not connected  # never taken for a working engine, never restarted


def test_a_worker_that_never_starts_is_given_up(qtbot, make_client) -> None:
    client = make_client(fake_worker("mute"))
    lost: list[str] = []
    client.workerLost.connect(lambda why, _delay: lost.append(why))
    with qtbot.waitSignal(client.workerFailed, timeout=10_000) as failed:
        client.start()
    assert "status 1" in failed.args[0]
    assert len(lost) == 2  # give_up_after=3 in FAST_BACKOFF: two restarts, then stop


def test_a_missing_interpreter_is_reported(qtbot, make_client, tmp_path) -> None:
    client = make_client([str(tmp_path / "no-such-python")])
    with qtbot.waitSignal(client.workerFailed, timeout=10_000) as failed:
        client.start()
    assert "could not be started" in failed.args[0]


def test_shutdown_is_clean(qtbot, make_client) -> None:
    client = make_client(fake_worker("normal"))
    with qtbot.waitSignal(client.connected, timeout=10_000):
        client.start()
    pid = client.pid
    with qtbot.waitSignal(client.stopped, timeout=5000):
        client.stop()
    assert client.state is WorkerState.STOPPED
    assert not _alive(pid)


def test_a_stubborn_worker_is_killed(qtbot, make_client) -> None:
    client = make_client(fake_worker("stubborn"), shutdown_timeout=0.5)
    with qtbot.waitSignal(client.connected, timeout=10_000):
        client.start()
    pid = client.pid
    with qtbot.waitSignal(client.stopped, timeout=5000):
        client.stop()
    assert not _alive(pid)
    assert os.getpid() != pid
