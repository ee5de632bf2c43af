"""aria2p, aria2's Python client library, driven against Greenget unchanged:
its high-level API (add, tell, pause, resume, options, stats, remove) and its
WebSocket notification listener (which uses websocket-client)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import aria2p
import pytest
import websocket

from engine import protocol as p
from tests.engine.conftest import sha256
from tests.engine.rpc_client import SECRET, rpc_worker
from tests.servers.payload import sha256_of
from tests.worker_client import WorkerProcess


@pytest.fixture
def api(home: Path) -> Iterator[tuple[WorkerProcess, aria2p.API]]:
    with rpc_worker(home) as (worker, rpc):
        yield worker, aria2p.API(aria2p.Client("http://127.0.0.1", rpc.port, SECRET))


def test_add_tell_pause_resume_options_and_remove(api, fault_server, downloads) -> None:
    worker, client = api
    download = client.add_uris([fault_server.data_url(2 << 20, "aria2p.bin",
                                                      throttle=256 << 10)],
                               {"dir": str(downloads), "split": "2"})
    gid = int(download.gid, 16)
    worker.wait_state(gid, p.State.DOWNLOADING)
    worker.wait_until(lambda: worker.downloads[gid].size is not None, 30, "the size")
    download.update()
    assert download.status == "active" and download.total_length == 2 << 20
    assert download.dir == downloads and download.files[0].path == downloads / "aria2p.bin"
    assert download.name == "aria2p.bin"
    assert client.get_options([download])[0].get("split") == "2"

    assert client.pause([download]) == [True]
    worker.wait_state(gid, p.State.PAUSED)
    assert client.get_download(download.gid).status == "paused"
    assert client.get_stats().num_waiting == 1
    assert client.resume([download]) == [True]
    worker.wait_state(gid, p.State.COMPLETED)
    done = client.get_download(download.gid)
    assert done.is_complete and done.completed_length == 2 << 20
    assert sha256(downloads / "aria2p.bin") == sha256_of(2 << 20)
    assert [d.gid for d in client.get_downloads()] == [download.gid]
    assert client.remove([done]) == [True]  # a finished one: its result goes
    assert client.get_downloads() == []


def test_global_options_set_and_read_back(api) -> None:
    _worker, client = api
    assert client.set_global_options({"max-concurrent-downloads": "2",
                                      "max-overall-download-limit": "1M"})
    options = client.get_global_options()
    assert options.max_concurrent_downloads == 2
    assert options.max_overall_download_limit == 1 << 20
    with pytest.raises(aria2p.ClientException) as refused:
        client.client.change_global_option({"seed-time": "0"})
    assert "seed-time" in refused.value.message
    stats = client.get_stats()
    assert stats.num_active == 0 and stats.download_speed == 0
    assert client.client.get_version()["version"]


def test_notification_listener_hears_start_and_complete(api, fault_server, downloads,
                                                        monkeypatch) -> None:
    worker, client = api
    heard: dict[str, list[str]] = {"start": [], "complete": []}
    complete, connected = threading.Event(), threading.Event()
    real_connect = websocket.create_connection

    def connect(*args, **kwargs):  # the real handshake, observed so we add only once it is up
        sock = real_connect(*args, **kwargs)
        connected.set()
        return sock

    monkeypatch.setattr(websocket, "create_connection", connect)

    def on_complete(_api: aria2p.API, gid: str) -> None:
        heard["complete"].append(gid)
        complete.set()

    client.listen_to_notifications(
        threaded=True, timeout=1, handle_signals=False,
        on_download_start=lambda _api, gid: heard["start"].append(gid),
        on_download_complete=on_complete)
    try:
        assert connected.wait(30)
        download = client.add_uris([fault_server.data_url(300_000, "heard.bin")],
                                   {"dir": str(downloads)})
        assert complete.wait(60), heard
    finally:
        client.stop_listening()
    assert heard == {"start": [download.gid], "complete": [download.gid]}
    worker.wait_state(int(download.gid, 16), p.State.COMPLETED)
