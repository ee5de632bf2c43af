"""Store damage, disk faults, refreshed links, and input floods."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from engine import protocol as p
from tests.engine.conftest import FAST, sha256
from tests.servers.payload import sha256_of
from tests.worker_client import WorkerProcess

S = p.State
MiB = 1 << 20


def _store(home: Path) -> Path:
    return home / "downloads.sqlite3"


def _make_store_with_one_download(home: Path, fault_server, downloads: Path) -> None:
    worker = WorkerProcess(home, settings=FAST)
    (download_id,) = worker.add([fault_server.data_url(1000, "one.bin")], downloads)
    worker.wait_state(download_id, S.COMPLETED)
    assert worker.shutdown() == 0


def _assert_opens_fresh_with_a_backup(home: Path, fault_server, downloads: Path,
                                      code: p.ErrorCode) -> None:
    worker = WorkerProcess(home, settings=FAST)
    try:
        (error,) = worker.errors()  # before hello, and not fatal: the worker started
        assert error.code == code and not error.fatal
        backups = [b for b in home.glob("downloads.sqlite3.damaged-*")
                   if not b.name.endswith(("-wal", "-shm"))]
        assert backups and str(backups[0]) in error.message
        assert worker.downloads == {}
        (download_id,) = worker.add([fault_server.data_url(2000, "after.bin")], downloads)
        assert worker.wait_state(download_id, S.COMPLETED).size == 2000
    finally:
        worker.close()


def test_a_corrupted_store_is_set_aside_and_the_app_still_opens(home, fault_server,
                                                                downloads) -> None:
    home.mkdir(parents=True)
    _store(home).write_bytes(b"SQLite format 3\x00" + b"\xde\xad" * 4000)
    _assert_opens_fresh_with_a_backup(home, fault_server, downloads,
                                      p.ErrorCode.STORE_UNREADABLE)


def test_a_truncated_store_is_set_aside(home, fault_server, downloads) -> None:
    _make_store_with_one_download(home, fault_server, downloads)
    data = _store(home).read_bytes()
    _store(home).write_bytes(data[: len(data) // 2 + 100])
    _assert_opens_fresh_with_a_backup(home, fault_server, downloads,
                                      p.ErrorCode.STORE_UNREADABLE)


def test_a_store_from_a_newer_greenget_is_kept_not_overwritten(home, fault_server,
                                                               downloads) -> None:
    _make_store_with_one_download(home, fault_server, downloads)
    with sqlite3.connect(_store(home)) as db:
        db.execute("PRAGMA user_version=99")
    _assert_opens_fresh_with_a_backup(home, fault_server, downloads, p.ErrorCode.STORE_TOO_NEW)


def test_disk_full_fails_clearly_and_harms_nothing_else(home, fault_server, downloads) -> None:
    (downloads / "existing.txt").write_text("keep me")
    worker = WorkerProcess(home, settings=FAST, file_size_limit=3 * MiB)
    try:
        big = worker.add([fault_server.data_url(8 * MiB, "big.bin")], downloads)[0]
        info = worker.wait_state(big, S.COMPLETED, S.FAILED)
        assert info.state is S.FAILED and info.error_code == p.ErrorCode.DISK_FULL
        small = worker.add([fault_server.data_url(100_000, "small.bin")], downloads)[0]
        assert worker.wait_state(small, S.COMPLETED, S.FAILED).state is S.COMPLETED
    finally:
        worker.close()
    assert (downloads / "existing.txt").read_text() == "keep me"
    assert sha256(downloads / "small.bin") == sha256_of(100_000)


def test_a_deleted_part_file_fails_clearly_and_retry_starts_over(worker, fault_server,
                                                                 downloads) -> None:
    size = 3 * MiB
    (download_id,) = worker.add([fault_server.data_url(size, "gone.bin", throttle=MiB)],
                                downloads, connections=1)
    worker.wait_done(download_id, 300_000)
    (downloads / "gone.bin.part").unlink()
    info = worker.wait_state(download_id, S.FAILED, S.COMPLETED)
    assert info.state is S.FAILED and info.error_code == p.ErrorCode.MISSING
    assert not (downloads / "gone.bin").exists()
    worker.send(p.Retry(ids=(download_id,)))
    worker.wait_state(download_id, S.DOWNLOADING)
    info = worker.wait_state(download_id, S.COMPLETED, S.FAILED)
    assert info.state is S.COMPLETED, info.error
    assert sha256(downloads / "gone.bin") == sha256_of(size)


def test_an_expired_link_refreshed_continues_from_its_bytes(worker, fault_server,
                                                            downloads) -> None:
    size = 4 * MiB
    key = f"expiring-{time.monotonic_ns()}"
    expiring = fault_server.data_url(size, "dist.iso", truncate=MiB, fail=1, expire_after=1,
                                     key=key)
    (download_id,) = worker.add([expiring], downloads, connections=1)
    failed = worker.wait_state(download_id, S.FAILED)
    assert failed.done >= MiB - 100_000
    assert failed.error_code == p.ErrorCode.FORBIDDEN
    fault_server.reset()
    fresh = fault_server.data_url(size, "dist.iso", token="new")
    worker.send(p.SetUrl(id=download_id, url=fresh))
    worker.wait_state(download_id, S.DOWNLOADING)
    info = worker.wait_state(download_id, S.COMPLETED, S.FAILED)
    assert info.state is S.COMPLETED, info.error
    assert sha256(downloads / "dist.iso") == sha256_of(size)
    first = fault_server.stats()["log"][0]
    assert "token=new" in first["path"] and first["range"] is not None  # not from zero
    assert fault_server.stats()["bytes_sent"] <= size - failed.done + 200_000


def test_a_refreshed_link_to_a_different_file_is_refused(worker, fault_server,
                                                         downloads) -> None:
    size = 4 * MiB
    (download_id,) = worker.add([fault_server.data_url(size, "v1.iso", throttle=MiB)],
                                downloads, connections=2)
    worker.wait_done(download_id, 500_000)
    worker.send(p.Pause(ids=(download_id,)))
    paused = worker.wait_state(download_id, S.PAUSED)
    worker.send(p.SetUrl(id=download_id, url=fault_server.data_url(size, "v2.iso", seed=7)))
    worker.send(p.Resume(ids=(download_id,)))
    info = worker.wait_state(download_id, S.FAILED, S.COMPLETED)
    assert info.state is S.FAILED and info.error_code == p.ErrorCode.OTHER_FILE
    assert Path(paused.path).exists()  # the bytes are kept


def test_a_flood_of_commands_is_answered_and_the_worker_keeps_running(worker, fault_server,
                                                                      downloads) -> None:
    flood = b"".join(b'{"type":"pause","ids":[%d]}\n' % (10**6 + i) for i in range(100_000))
    worker.send_raw(flood)
    worker.wait_until(lambda: len(worker.errors()) >= 100_000, timeout=120,
                      what="100,000 errors")
    assert worker.proc.poll() is None
    (download_id,) = worker.add([fault_server.data_url(5000, "after-flood.bin")], downloads)
    assert worker.wait_state(download_id, S.COMPLETED).done == 5000


def test_per_download_speed_limit_changes_while_running(worker, fault_server,
                                                        downloads) -> None:
    size = 6 * MiB
    (download_id,) = worker.add([fault_server.data_url(size, "lim.bin")], downloads,
                                speed_limit=100_000)
    worker.wait_done(download_id, 50_000)
    slow = worker.downloads[download_id].done
    assert slow < 2 * MiB
    worker.send(p.SetDownloadOptions(ids=(download_id,), speed_limit=0))
    info = worker.wait_state(download_id, S.COMPLETED, S.FAILED, timeout=30)
    assert info.state is S.COMPLETED and info.speed_limit is None


def test_a_deleted_download_folder_fails_clearly_and_retry_recreates_it(
        worker, fault_server, tmp_path: Path) -> None:
    folder = tmp_path / "will-vanish"
    size = 2 * MiB
    (download_id,) = worker.add([fault_server.data_url(size, "f.bin", throttle=MiB)], folder,
                                connections=1)
    worker.wait_done(download_id, 200_000)
    (folder / "f.bin.part").unlink()
    folder.rmdir()
    info = worker.wait_state(download_id, S.FAILED, S.COMPLETED)
    assert info.state is S.FAILED and info.error_code == p.ErrorCode.MISSING
    assert str(folder) in info.error  # the particulars say which folder
    worker.send(p.Retry(ids=(download_id,)))
    worker.wait_state(download_id, S.DOWNLOADING)
    assert worker.wait_state(download_id, S.COMPLETED, S.FAILED).state is S.COMPLETED
    assert sha256(folder / "f.bin") == sha256_of(size)


def test_credentials_in_a_url_are_never_shown_or_logged(worker, fault_server,
                                                        downloads) -> None:
    url = fault_server.data_url(3000, "cred.bin").replace("http://", "http://alice:s3cr3t@")
    (download_id,) = worker.add([url], downloads)
    assert worker.wait_state(download_id, S.COMPLETED).size == 3000
    worker.add([url.replace("/data/3000/", "/status/404?x=")], downloads)
    worker.wait_until(lambda: any(d.state is S.FAILED for d in worker.downloads.values()))
    shown = [d.error for d in worker.downloads.values()]
    assert "s3cr3t" not in worker.log() and not any("s3cr3t" in e for e in shown)


def test_an_endless_stream_stops_at_the_size_cap_and_the_worker_stays_responsive(
        worker, fault_server, downloads) -> None:
    worker.send(p.SetOptions(max_file_size=3 * MiB))
    endless = fault_server.data_url(10**12, "endless.bin", length=0)
    (download_id,) = worker.add([endless], downloads)
    info = worker.wait_state(download_id, S.FAILED, S.COMPLETED)
    assert info.state is S.FAILED and info.error_code == p.ErrorCode.TOO_LARGE
    assert (downloads / "endless.bin.part").stat().st_size <= 3 * MiB
    too_big = worker.add([fault_server.data_url(4 * MiB, "big.bin")], downloads)[0]
    assert worker.wait_state(too_big, S.FAILED).error_code == p.ErrorCode.TOO_LARGE
    small = worker.add([fault_server.data_url(MiB, "fits.bin")], downloads)[0]
    assert worker.wait_state(small, S.COMPLETED, S.FAILED).state is S.COMPLETED


def test_an_endless_stream_on_a_full_disk_fails_clearly(home, fault_server, downloads) -> None:
    worker = WorkerProcess(home, settings=FAST, file_size_limit=2 * MiB)
    try:
        (download_id,) = worker.add([fault_server.data_url(10**12, "e.bin", length=0)],
                                    downloads)
        info = worker.wait_state(download_id, S.FAILED, S.COMPLETED)
        assert info.state is S.FAILED and info.error_code == p.ErrorCode.DISK_FULL
        worker.send(p.Pause(ids=(download_id,)))  # answered: the worker is alive
        assert worker.proc.poll() is None
    finally:
        worker.close()


def test_a_proxy_setting_routes_every_request_through_the_proxy(worker, fault_server,
                                                                 downloads) -> None:
    """The fault server doubles as a forward proxy: an absolute request target is
    served like its path, so a host that does not exist still downloads."""
    worker.send(p.SetOptions(proxy=fault_server.base_url.replace("http://", "http://u:pw@")))
    fault_server.reset()
    size = 3 * MiB
    (download_id,) = worker.add([f"http://downloads.example.invalid/data/{size}/p.bin"],
                                downloads, connections=3)
    info = worker.wait_state(download_id, S.COMPLETED, S.FAILED)
    assert info.state is S.COMPLETED, info.error
    assert sha256(downloads / "p.bin") == sha256_of(size)
    assert info.final_url.startswith("http://downloads.example.invalid/")
    assert info.etag  # the validators reach the client
    log = fault_server.stats()["log"]
    assert log and all(r["path"].startswith("http://downloads.example.invalid/") for r in log)
    assert "pw" not in worker.log()
    worker.send(p.SetOptions(proxy="ftp://nope"))
    worker.wait_until(lambda: any(e.code == p.ErrorCode.BAD_PROXY for e in worker.errors()))
    worker.send(p.SetOptions(proxy="none"))
    direct = worker.add([fault_server.data_url(1000, "direct.bin")], downloads)[0]
    assert worker.wait_state(direct, S.COMPLETED, S.FAILED).state is S.COMPLETED
