"""The queue's order, start now and rename, through a real worker and the
fault server: the order is in the store (it survives a killed worker) and the
worker starts downloads in it, as the fault server's request log shows."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from engine import protocol as p
from engine.queue_order import How, moved, renumbered
from tests.engine.conftest import FAST, sha256
from tests.servers.payload import sha256_of
from tests.worker_client import WorkerProcess


def first_requests(fault_server, stamp: str) -> list[str]:
    """The file names of this test's downloads, in the order the server was first asked."""
    names: list[str] = []
    for record in fault_server.stats()["log"]:
        path = record["path"]
        if stamp in path:
            name = path.split("?", 1)[0].rsplit("/", 1)[-1]
            if name not in names:
                names.append(name)
    return names


def waiting_order(worker: WorkerProcess, ids: list[int]) -> list[int]:
    return sorted(ids, key=lambda i: (worker.downloads[i].position, i))


def test_the_order_survives_a_killed_worker_and_is_kept_when_slots_free(
        home: Path, downloads: Path, fault_server) -> None:
    stamp = f"persist{time.monotonic_ns()}"
    worker = WorkerProcess(home, settings=FAST)
    try:
        ids = worker.add([fault_server.data_url(20_000, f"{stamp}-{n}.bin", seed=n)
                          for n in range(5)], downloads, paused=True)
        worker.send(p.Move(ids=(ids[3], ids[4]), offset=0, how="POS_SET"))  # 3 4 0 1 2
        worker.send(p.Move(ids=(ids[1],), offset=-10, how="POS_CUR"))  # 1 3 4 0 2
        worker.send(p.Move(ids=(ids[3],), offset=0, how="POS_END"))  # 1 4 0 2 3
        worker.wait_until(lambda: waiting_order(worker, ids) == [ids[i] for i in (1, 4, 0, 2, 3)],
                          what="the new order")
    finally:
        worker.kill()  # a crash: only what the store has survives
    worker = WorkerProcess(home, settings=FAST)
    try:
        assert waiting_order(worker, ids) == [ids[i] for i in (1, 4, 0, 2, 3)]
        fault_server.reset()
        worker.send(p.SetOptions(max_active=1))
        worker.send(p.Resume(all=True))
        for i in ids:
            worker.wait_state(i, p.State.COMPLETED)
        assert first_requests(fault_server, stamp) == [f"{stamp}-{n}.bin" for n in (1, 4, 0, 2, 3)]
    finally:
        worker.close()


def test_moved_downloads_are_the_next_to_start_when_a_slot_frees(
        worker: WorkerProcess, downloads: Path, fault_server) -> None:
    stamp = f"slot{time.monotonic_ns()}"
    worker.send(p.SetOptions(max_active=1))
    fault_server.reset()
    (running,) = worker.add([fault_server.data_url(150_000, f"{stamp}-run.bin",
                                                   throttle=100_000)], downloads)
    worker.wait_state(running, p.State.DOWNLOADING)
    queued = worker.add([fault_server.data_url(10_000, f"{stamp}-{n}.bin", seed=n)
                         for n in range(4)], downloads)
    worker.send(p.Move(ids=(queued[3], queued[2]), offset=0, how="POS_SET"))
    worker.wait_until(lambda: waiting_order(worker, queued)[:2] == [queued[2], queued[3]],
                      what="the move")
    assert worker.downloads[running].state is p.State.DOWNLOADING  # the move freed no slot
    for i in (running, *queued):
        worker.wait_state(i, p.State.COMPLETED)
    assert first_requests(fault_server, stamp) == [
        f"{stamp}-run.bin", f"{stamp}-2.bin", f"{stamp}-3.bin", f"{stamp}-0.bin", f"{stamp}-1.bin"]


def test_start_now_runs_past_the_limit_and_the_queue_waits(
        worker: WorkerProcess, downloads: Path, fault_server) -> None:
    stamp = f"now{time.monotonic_ns()}"
    worker.send(p.SetOptions(max_active=1))
    fault_server.reset()
    slow = worker.add([fault_server.data_url(300_000, f"{stamp}-slow.bin",
                                             throttle=100_000)], downloads)[0]
    worker.wait_state(slow, p.State.DOWNLOADING)
    first, second = worker.add([fault_server.data_url(200_000, f"{stamp}-{n}.bin", seed=n,
                                                      throttle=100_000) for n in (1, 2)],
                               downloads)
    worker.send(p.StartNow(ids=(second,)))
    worker.wait_state(second, p.State.DOWNLOADING)
    assert worker.downloads[slow].state is p.State.DOWNLOADING  # both run: two with max 1
    assert worker.downloads[first].state is p.State.QUEUED  # the others still wait
    worker.wait_until(lambda: len(first_requests(fault_server, stamp)) == 2, 10,
                      "the second request")
    assert first_requests(fault_server, stamp) == [f"{stamp}-slow.bin", f"{stamp}-2.bin"]
    assert worker.downloads[slow].state is p.State.DOWNLOADING
    for i in (slow, first, second):
        worker.wait_state(i, p.State.COMPLETED)
    assert sha256(downloads / f"{stamp}-2.bin") == sha256_of(200_000, 2)


def test_rename_a_completed_file_on_disk_never_over_another(
        worker: WorkerProcess, downloads: Path, fault_server) -> None:
    (done,) = worker.add([fault_server.data_url(5000, "rename-me.bin", seed=7)], downloads)
    worker.wait_state(done, p.State.COMPLETED)
    (downloads / "taken.bin").write_bytes(b"someone else's")
    for name, code in (("taken.bin", p.ErrorCode.NAME_TAKEN),
                       ("../outside.bin", p.ErrorCode.BAD_NAME),
                       ("a:b?.bin", p.ErrorCode.BAD_NAME), ("  ", p.ErrorCode.BAD_NAME)):
        before = len(worker.errors())
        worker.send(p.Rename(done, name))
        worker.wait_until(lambda before=before: len(worker.errors()) > before,
                          what=f"refusing {name!r}")
        error = worker.errors()[-1]
        assert (error.command, error.code) == ("rename", code) and error.message
    assert (downloads / "taken.bin").read_bytes() == b"someone else's"
    assert sorted(f.name for f in downloads.iterdir()) == ["rename-me.bin", "taken.bin"]
    worker.send(p.Rename(done, "renamed 名前.bin"))
    worker.wait_until(lambda: worker.downloads[done].name == "renamed 名前.bin", what="rename")
    assert worker.downloads[done].path == str(downloads / "renamed 名前.bin")
    assert sorted(f.name for f in downloads.iterdir()) == ["renamed 名前.bin", "taken.bin"]
    assert sha256(downloads / "renamed 名前.bin") == sha256_of(5000, 7)


def test_rename_before_completion_renames_the_part_and_the_download_finishes_there(
        home: Path, downloads: Path, fault_server) -> None:
    worker = WorkerProcess(home, settings=FAST)
    try:
        (i,) = worker.add([fault_server.data_url(400_000, "early.bin", throttle=200_000)],
                          downloads)
        worker.wait_done(i, 50_000)
        worker.send(p.Rename(i, "later.bin"))  # while it runs
        worker.wait_until(lambda: worker.downloads[i].name == "later.bin", what="rename")
        assert (downloads / "later.bin.part").exists()
        assert not (downloads / "early.bin.part").exists()
    finally:
        worker.kill()  # and a crash: the new name is in the store
    worker = WorkerProcess(home, settings=FAST)
    try:
        worker.wait_state(i, p.State.COMPLETED)
        assert sorted(f.name for f in downloads.iterdir()) == ["later.bin"]
        assert sha256(downloads / "later.bin") == sha256_of(400_000)
    finally:
        worker.close()


# ------------------------------------------------------------ the rule, tabulated


@pytest.mark.parametrize(("ids", "offset", "how", "expected"), [
    ({4}, 0, How.SET, [4, 0, 1, 2, 3]),
    ({4}, 2, How.SET, [0, 1, 4, 2, 3]),
    ({0}, 99, How.SET, [1, 2, 3, 4, 0]),
    ({1, 3}, 0, How.SET, [1, 3, 0, 2, 4]),
    ({0}, 0, How.END, [1, 2, 3, 4, 0]),
    ({0}, -1, How.END, [1, 2, 3, 0, 4]),
    ({0, 2}, 0, How.END, [1, 3, 4, 0, 2]),
    ({2}, -1, How.CUR, [0, 2, 1, 3, 4]),
    ({2}, 1, How.CUR, [0, 1, 3, 2, 4]),
    ({0, 1, 3}, -1, How.CUR, [0, 1, 3, 2, 4]),  # the first ones stay, 3 moves up
    ({1, 3, 4}, 1, How.CUR, [0, 2, 1, 3, 4]),  # the last ones stay, 1 moves down
    ({1, 3}, -5, How.CUR, [1, 3, 0, 2, 4]),
    ({9}, 0, How.SET, [0, 1, 2, 3, 4]),  # not waiting: nothing moves
])
def test_moves_follow_changeposition(ids, offset, how, expected) -> None:
    assert moved([0, 1, 2, 3, 4], ids, offset, how) == expected


def test_new_positions_keep_every_order_and_touch_only_the_moved_ones() -> None:
    order = list(range(8))
    positions = {i: (i + 1) * 1000 for i in order}
    for ids in itertools.combinations(order, 2):
        for how, offset in ((How.SET, 0), (How.SET, 3), (How.END, 0), (How.CUR, -2),
                            (How.CUR, 3)):
            new_order = moved(order, set(ids), offset, how)
            changes = renumbered(new_order, positions, set(ids))
            assert changes.keys() <= set(ids)
            after = {**positions, **changes}
            assert sorted(new_order, key=after.__getitem__) == new_order
    crowded = {0: 10, 1: 11, 2: 12}  # no room between 10 and 11: everything anew
    changes = renumbered([0, 2, 1], crowded, {2})
    after = {**crowded, **changes}
    assert sorted([0, 1, 2], key=after.__getitem__) == [0, 2, 1]
