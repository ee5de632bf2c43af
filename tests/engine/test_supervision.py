"""A background loop that dies takes the worker down loudly, and the next
worker resumes every download from what is on disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from engine import protocol as p
from engine.worker import EXIT_LOOP_DIED
from tests.engine.conftest import FAST, sha256
from tests.servers.payload import sha256_of
from tests.worker_client import WorkerProcess

MiB = 1 << 20


def test_a_failing_checkpoint_ends_the_worker_and_the_next_one_resumes(
        home: Path, fault_server, downloads: Path) -> None:
    size = 8 * MiB
    url = fault_server.data_url(size, "loop.bin", throttle=256 * 1024, seed=7)
    worker = WorkerProcess(home, settings=FAST)
    try:
        (download_id,) = worker.add([url], downloads, connections=4)
        worker.wait_done(download_id, MiB)
        # Another process takes the store's write lock and keeps it: the next
        # checkpoint's transaction fails with "database is locked" (a real
        # SQLite error, after SQLite's own busy wait).
        blocker = sqlite3.connect(home / "downloads.sqlite3", isolation_level=None)
        try:
            blocker.execute("BEGIN IMMEDIATE")
            code = worker.proc.wait(60)
        finally:
            blocker.close()
        log = worker.log()
    finally:
        worker.close()
    assert code == EXIT_LOOP_DIED, log[-3000:]
    assert "checkpoint loop died" in log and "database is locked" in log

    again = WorkerProcess(home, settings=FAST)
    try:
        info = again.wait_state(download_id, p.State.COMPLETED, p.State.FAILED, timeout=120)
        assert info.state is p.State.COMPLETED, info.error
    finally:
        again.close()
    assert sha256(downloads / "loop.bin") == sha256_of(size, 7)
