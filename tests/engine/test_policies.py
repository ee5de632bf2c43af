"""Policies the engine owns, whoever adds the download (window, JSON-RPC, CLI)."""

from __future__ import annotations

from pathlib import Path

from engine import protocol as p
from tests.worker_client import WorkerProcess


def test_the_limit_for_each_new_download_is_applied_by_the_worker(worker: WorkerProcess,
                                                                  downloads: Path) -> None:
    worker.send(p.SetOptions(download_limit=50 * 1024))
    url = "http://127.0.0.1:9/never-fetched.bin"
    (default,) = worker.add([url], downloads, paused=True)
    (own,) = worker.add([url + "?2"], downloads, paused=True, speed_limit=80 * 1024)
    (unlimited,) = worker.add([url + "?3"], downloads, paused=True, speed_limit=0)
    assert worker.downloads[default].speed_limit == 50 * 1024
    assert worker.downloads[own].speed_limit == 80 * 1024
    assert worker.downloads[unlimited].speed_limit is None

    worker.send(p.SetOptions(download_limit=0))  # lifted for downloads added from now on
    (later,) = worker.add([url + "?4"], downloads, paused=True)
    assert worker.downloads[later].speed_limit is None
    assert worker.downloads[default].speed_limit == 50 * 1024

    worker.send(p.SetOptions(download_limit=-1))
    error = worker.expect(p.Error)
    assert isinstance(error, p.Error) and "negative" in error.message
