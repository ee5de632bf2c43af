"""Interop with a real nginx: a download, pause + resume, resume after SIGKILL."""

from __future__ import annotations

import time
from pathlib import Path

from engine import protocol as p
from tests.engine.conftest import FAST, sha256
from tests.worker_client import WorkerProcess

S = p.State
MiB = 1 << 20


def test_segmented_download_from_nginx(worker, nginx, downloads) -> None:
    digest = nginx.add_file("interop/ubuntu.iso", 24 * MiB + 5)
    (download_id,) = worker.add([nginx.url("interop/ubuntu.iso")], downloads, connections=8)
    info = worker.wait_state(download_id, S.COMPLETED, S.FAILED)
    assert info.state is S.COMPLETED, info.error
    assert sha256(Path(info.path)) == digest
    ranged = [e for e in nginx.access_log_entries() if e.path.endswith("ubuntu.iso") and e.range]
    assert len(ranged) >= 7


def test_pause_and_resume_against_nginx(worker, nginx, downloads) -> None:
    size = 8 * MiB
    digest = nginx.add_file("pause.bin", size)
    nginx.clear_access_log()
    (download_id,) = worker.add([nginx.limited_url("pause.bin", "1m")], downloads,
                                connections=2)
    worker.wait_done(download_id, 3 * MiB)
    worker.send(p.Pause(ids=(download_id,)))
    paused = worker.wait_state(download_id, S.PAUSED)
    worker.send(p.Resume(ids=(download_id,)))
    info = worker.wait_state(download_id, S.COMPLETED, S.FAILED)
    assert info.state is S.COMPLETED, info.error
    assert sha256(Path(info.path)) == digest
    assert paused.done >= 3 * MiB
    assert nginx.body_bytes_sent("/limited/pause.bin") <= size + 2 * MiB


def test_resume_after_sigkill_against_nginx(home, nginx, downloads) -> None:
    size = 12 * MiB
    digest = nginx.add_file("kill.bin", size)
    nginx.clear_access_log()
    first = WorkerProcess(home, settings=FAST)
    (download_id,) = first.add([nginx.limited_url("kill.bin", "1m")], downloads,
                               connections=4)
    first.wait_done(download_id, 6 * MiB)
    time.sleep(1.2)  # a checkpoint
    first.kill()
    second = WorkerProcess(home, settings=FAST)
    try:
        assert second.downloads[download_id].done >= 4 * MiB
        info = second.wait_state(download_id, S.COMPLETED, S.FAILED)
    finally:
        second.close()
    assert info.state is S.COMPLETED, info.error
    assert sha256(Path(info.path)) == digest
    assert nginx.body_bytes_sent("/limited/kill.bin") <= size + 4 * MiB
