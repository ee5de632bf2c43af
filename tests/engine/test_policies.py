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
    assert isinstance(error, p.Error) and error.code == p.ErrorCode.BAD_OPTION


def test_a_link_with_a_password_and_a_bad_port_is_refused_without_showing_either(
        worker: WorkerProcess, downloads: Path) -> None:
    url = "http://user:secret@127.0.0.1:99999/x.bin"
    start = len(worker.seen)
    worker.send(p.Add((url, "http://127.0.0.1:9/fine.bin"), str(downloads),
                      p.DownloadOptions(paused=True)))
    worker.wait_until(lambda: any(isinstance(m, p.Added) for m in worker.seen[start:]),
                      what="the good link added")
    (error,) = [m for m in worker.seen[start:] if isinstance(m, p.Error)]
    assert error.code == p.ErrorCode.BAD_URL and "secret" not in error.message
    assert error.url == "http://***@127.0.0.1:99999/x.bin"
    assert "secret" not in worker.log()
    assert worker.proc.poll() is None  # still running
