"""The scheduler and real downloads inside the test process, with an ``emit``
that collects the events.

The test process does not patch gevent (Qt and the other tests need the real
standard library), and it need not: the engine's greenlets run on gevent's hub
here too, a download's socket reads simply block the hub instead of yielding
to it, so connections take turns instead of overlapping.  What these tests
check -- the events announced, the bytes on disk, the requests the server saw,
what goes through the I/O seam -- does not depend on that overlap; the worker
tests (a patched subprocess) keep checking it with real concurrency.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import gevent
import pytest

from engine import diskio
from engine import protocol as p
from engine.download import Download
from engine.scheduler import Running, Scheduler
from engine.segments import Piece
from engine.settings import Settings
from engine.store import Store
from engine.timekeeper import Timekeeper
from tests.engine.fake_clock import FakeClock
from tests.servers.payload import sha256_of

MiB = 1 << 20


class Collected:
    def __init__(self) -> None:
        self.events: list[p.Message] = []

    def __call__(self, message: p.Message) -> None:
        self.events.append(message)

    def states(self, download_id: int) -> list[str]:
        return [e.fields["state"] for e in self.events
                if isinstance(e, p.Changed) and e.id == download_id and "state" in e.fields]

    def errors(self) -> list[p.Error]:
        return [e for e in self.events if isinstance(e, p.Error)]


@pytest.fixture
def emit() -> Collected:
    return Collected()


@pytest.fixture
def scheduler(tmp_path: Path, emit: Collected) -> Iterator[Scheduler]:
    store = Store(tmp_path / "downloads.sqlite3")
    settings = Settings(directory=str(tmp_path), read_timeout=2, retry_delay=0.01,
                        retry_delay_max=0.05, max_retries=3)
    scheduler = Scheduler(store, emit, settings)
    scheduler.start()
    yield scheduler
    scheduler.stop()
    store.close()


def run_until_idle(scheduler: Scheduler, timeout: float = 60) -> None:
    assert gevent.wait([scheduler.idle], timeout=timeout), "the queue never emptied"


def add(scheduler: Scheduler, url: str, folder: Path, **options: object) -> int:
    (record,) = scheduler.add([url], str(folder), p.DownloadOptions(**options))  # type: ignore[arg-type]
    return record.id


def test_a_segmented_download_ends_byte_identical_and_announces_its_life(
        scheduler: Scheduler, emit: Collected, fault_server, tmp_path: Path) -> None:
    size = 3 * MiB + 5
    key = f"inproc-{time.monotonic_ns()}"
    download_id = add(scheduler, fault_server.data_url(size, "seg.bin", seed=3, key=key),
                      tmp_path / "dl", connections=3)
    run_until_idle(scheduler)
    path = tmp_path / "dl" / "seg.bin"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256_of(size, 3)
    assert isinstance(emit.events[0], p.Added)
    assert [d.id for d in emit.events[0].downloads] == [download_id]
    assert emit.states(download_id) == ["downloading", "completed"]
    named = [e for e in emit.events if isinstance(e, p.Changed) and "name" in e.fields]
    assert named[0].fields["name"] == "seg.bin" and named[0].fields["size"] == size
    ranges = [r for r in fault_server.stats()["log"] if key in r["path"]]
    assert len(ranges) == 3  # the probe's body is the first piece; two more connections
    assert scheduler.store.load()[0].state is p.State.COMPLETED


def test_a_transient_error_is_retried_and_a_permanent_one_asked_once(
        scheduler: Scheduler, emit: Collected, fault_server, tmp_path: Path) -> None:
    stamp = time.monotonic_ns()
    flaky = add(scheduler, fault_server.data_url(1000, "flaky.bin", status=500, fail=2,
                                                 key=f"flaky-{stamp}"), tmp_path)
    gone = add(scheduler, fault_server.data_url(1000, "gone.bin", status=404,
                                                key=f"gone-{stamp}"), tmp_path)
    run_until_idle(scheduler)
    assert emit.states(flaky)[-1] == "completed" and "retrying" in emit.states(flaky)
    assert emit.states(gone) == ["downloading", "failed"]
    assert scheduler.records[gone].error_code == p.ErrorCode.NOT_FOUND
    log = fault_server.stats()["log"]
    assert sum(f"gone-{stamp}" in r["path"] for r in log) == 1
    assert sum(f"flaky-{stamp}" in r["path"] for r in log) == 3


def test_add_refuses_with_a_code_and_applies_the_default_limit(
        scheduler: Scheduler, emit: Collected, tmp_path: Path) -> None:
    scheduler.handle(p.Add(("http://127.0.0.1:9/a",), "relative/folder", p.DownloadOptions()))
    scheduler.handle(p.SetOptions(download_limit=64 * 1024))
    scheduler.handle(p.Add(("ftp://127.0.0.1/x", "http://127.0.0.1:9/b"), str(tmp_path),
                           p.DownloadOptions(paused=True)))
    first, second = emit.errors()
    assert (first.command, first.code) == ("add", p.ErrorCode.BAD_FOLDER) and first.message
    assert (second.url, second.code) == ("ftp://127.0.0.1/x", p.ErrorCode.BAD_URL)
    (added,) = [d for e in emit.events if isinstance(e, p.Added) for d in e.downloads]
    assert added.speed_limit == 64 * 1024 and added.state is p.State.PAUSED
    assert not scheduler.running


def test_paused_downloads_start_in_queue_order_within_max_active(
        scheduler: Scheduler, emit: Collected, fault_server, tmp_path: Path) -> None:
    scheduler.handle(p.SetOptions(max_active=1))
    ids = [add(scheduler, fault_server.data_url(2000, f"q{i}.bin", seed=i), tmp_path,
               paused=True) for i in range(3)]
    scheduler.move([ids[2]], 0, "POS_SET")
    scheduler.handle(p.Resume(ids=(), all=True))
    assert list(scheduler.running) == [ids[2]]  # one at a time, the one moved first
    run_until_idle(scheduler)
    started = [e.id for e in emit.events if isinstance(e, p.Changed)
               and e.fields.get("state") == "downloading"]
    assert started == [ids[2], ids[0], ids[1]]
    assert all(emit.states(i)[-1] == "completed" for i in ids)


class RecordingIO(diskio.PosixIO):
    """Counts the bytes written through the seam and the syncs asked for."""

    def __init__(self) -> None:
        self.written = 0
        self.syncs = 0

    def open(self, path: Path) -> diskio.File:
        recorder = self
        inner = super().open(path)

        class Recorded(diskio.PosixFile):
            def write_at(self, data: bytes | memoryview, offset: int) -> int:
                count = super().write_at(data, offset)
                recorder.written += count
                return count

            def duplicate(self) -> diskio.PosixFile:
                twin = super().duplicate()
                recorder.syncs += 1
                return twin

        return Recorded(inner.fd)  # type: ignore[attr-defined]


def test_every_byte_and_every_flush_goes_through_the_io_seam(
        scheduler: Scheduler, fault_server, tmp_path: Path) -> None:
    recording = RecordingIO()
    previous = diskio.install(recording)
    try:
        size = 2 * MiB
        add(scheduler, fault_server.data_url(size, "seam.bin", seed=5), tmp_path, connections=2)
        run_until_idle(scheduler)
    finally:
        diskio.install(previous)
    assert recording.written == size
    assert recording.syncs >= 1  # flushed before the final rename
    assert hashlib.sha256((tmp_path / "seam.bin").read_bytes()).hexdigest() == sha256_of(size, 5)


def test_a_loop_that_raises_is_reported_by_the_supervisor(
        tmp_path: Path, fault_server) -> None:
    def emit(message: p.Message) -> None:
        if isinstance(message, p.Progress):
            raise RuntimeError("the client vanished")

    store = Store(tmp_path / "downloads.sqlite3")
    scheduler = Scheduler(store, emit, Settings(directory=str(tmp_path)))
    scheduler.start()
    try:  # a per-download limit makes the download yield to the loops
        add(scheduler, fault_server.data_url(MiB, "slow.bin"), tmp_path,
            speed_limit=256 * 1024)
        assert gevent.wait([scheduler.supervisor.failed], timeout=30)
        died = scheduler.supervisor.failed.get()
        assert "progress loop" in str(died) and "the client vanished" in str(died)
    finally:
        scheduler.stop()
        store.close()


def test_every_command_has_a_handler_or_is_the_workers_own(
        scheduler: Scheduler, emit: Collected) -> None:
    workers_own = {p.SetRpc, p.Shutdown}  # engine/worker.py serve() answers these
    Timekeeper(scheduler, scheduler.store, emit, FakeClock(datetime.now(ZoneInfo("UTC"))))
    for kind in p.COMMANDS.values():
        if kind in workers_own:
            continue
        message = p.decode_command(f'{{"type": "{kind.TYPE}", "id": 987654, "ids": [987654],'
                                   f' "url": "http://127.0.0.1:9/x", "urls": [],'
                                   f' "directory": "/nonexistent-{kind.TYPE}", "name": "n",'
                                   f' "category": "video", "schedule": {{}}}}')
        scheduler.handle(message)
    handled_elsewhere = [e for e in emit.errors() if e.code == p.ErrorCode.UNKNOWN_COMMAND]
    assert handled_elsewhere == []
    scheduler.handle(p.Shutdown())
    (refused,) = [e for e in emit.errors() if e.code == p.ErrorCode.UNKNOWN_COMMAND]
    assert refused.command == "shutdown"


class Killed(BaseException):
    """The worker dies here (as by SIGKILL at a point where its greenlet yields)."""


class DiesAtTheNthFolderSync(diskio.PosixIO):
    def __init__(self, nth: int) -> None:
        self.left = nth

    def sync_directory(self, path: Path) -> None:
        self.left -= 1
        if self.left == 0:
            raise Killed
        super().sync_directory(path)


@pytest.mark.parametrize("nth", [1, 2], ids=["after-creating-the-part", "after-the-rename"])
def test_a_worker_killed_while_it_syncs_the_folder_leaves_one_file_under_its_name(
        tmp_path: Path, fault_server, nth: int) -> None:
    size = 3 * MiB + 5  # pieces, so their counts after the crash can be checked
    url = fault_server.data_url(size, "sync.bin", seed=9)
    store = Store(tmp_path / "downloads.sqlite3")
    dying = Scheduler(store, Collected(), Settings(directory=str(tmp_path)))
    previous = diskio.install(DiesAtTheNthFolderSync(nth))
    try:
        dying.start()
        add(dying, url, tmp_path / "dl", connections=3)
        assert gevent.wait([dying.idle], timeout=30)
    finally:
        diskio.install(previous)
        dying._loops and gevent.killall(dying._loops)  # the process is gone: no clean stop
        store.close()
    store = Store(tmp_path / "downloads.sqlite3")
    again = Scheduler(store, Collected(), Settings(directory=str(tmp_path)))
    try:
        again.start()
        run_until_idle(again)
        (record,) = again.records.values()
        assert record.state is p.State.COMPLETED, record.error
        assert record.done == record.size == size
    finally:
        again.stop()
        store.close()
    assert sorted(os.listdir(tmp_path / "dl")) == ["sync.bin"]
    assert hashlib.sha256((tmp_path / "dl" / "sync.bin").read_bytes()).hexdigest() == \
        sha256_of(size, 9)


def test_a_checkpoint_never_overwrites_a_plan_made_while_it_flushed(
        scheduler: Scheduler, tmp_path: Path) -> None:
    """The checkpoint takes the counts, then flushes (which yields to the hub),
    then commits.  A download whose probe answered during the flush has stored
    its new plan; the counts taken before (no pieces yet) must not erase it, or
    the next worker finds a named .part with nothing to fetch ("received 0
    bytes").  Seen in the crash soak; here the flush itself makes the plan."""
    (record,) = scheduler.add(["http://127.0.0.1:9/never.bin"], str(tmp_path),
                              p.DownloadOptions(paused=True))
    download = Download(record, scheduler.context)
    scheduler.running[record.id] = Running(download, gevent.spawn(lambda: None), samples=[])
    plan = [Piece(0, 100), Piece(100, 200)]

    def probe_answers_meanwhile() -> None:
        record.pieces = plan
        scheduler.update(record, name="never.bin", size=200, pieces=True)

    download.flush = probe_answers_meanwhile  # type: ignore[method-assign]
    scheduler.checkpoint()
    del scheduler.running[record.id]
    (stored,) = [r for r in scheduler.store.load() if r.id == record.id]
    assert [(piece.start, piece.end) for piece in stored.pieces] == [(0, 100), (100, 200)]


def test_pausing_many_running_downloads_is_one_durable_commit(
        scheduler: Scheduler, fault_server, tmp_path: Path) -> None:
    """"Pause all" of many running downloads flushes every file, then records
    all their counts in one durable transaction (SQLite's own trace counts
    them), not one each: 250 used to take seconds.  That the counts never run
    ahead of the flushed bytes is the power-cut test's to show.  (Here the
    downloads are launched, not yet under way: in this unpatched process a
    read under way would block the hub.)"""
    scheduler.handle(p.SetOptions(max_active=30))
    stamp = time.monotonic_ns()
    ids = [add(scheduler, fault_server.data_url(MiB, f"p{i}.bin", key=f"pause-all-{stamp}-{i}"),
               tmp_path, connections=1) for i in range(30)]
    assert sorted(scheduler.running) == sorted(ids)
    statements: list[str] = []
    scheduler.store._db.set_trace_callback(statements.append)
    try:
        scheduler.handle(p.Pause(ids=(), all=True))
    finally:
        scheduler.store._db.set_trace_callback(None)
    durable = [s for s in statements if s.upper() == "PRAGMA SYNCHRONOUS=FULL"]
    assert len(durable) == 1, f"{len(durable)} durable transactions for one pause"
    assert not scheduler.running
    stored = {r.id: r for r in scheduler.store.load()}
    assert all(stored[i].state is p.State.PAUSED for i in ids)
