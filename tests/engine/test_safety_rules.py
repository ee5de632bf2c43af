"""The safety rules, each checked where it shows: on the wire (the fault server's
log of what it was asked) or on disk (the bytes of the ``.part``).

Each test here kills a mutant that an earlier mutation run found surviving the
whole suite; ``docs/reliability.md`` lists them.
"""

from __future__ import annotations

import sqlite3
import time
from email.utils import formatdate
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from engine import protocol as p
from tests.engine.conftest import FAST, sha256
from tests.servers.payload import payload, sha256_of
from tests.worker_client import WorkerProcess

S = p.State
MiB = 1 << 20
LAST_MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT"  # what the fault server sends


def fetch(worker: WorkerProcess, url: str, folder: Path, **options: object) -> p.DownloadInfo:
    (download_id,) = worker.add([url], folder, **options)
    return worker.wait_state(download_id, S.COMPLETED, S.FAILED)


def requests_for(fault_server, key: str) -> list:
    return [r for r in fault_server.stats()["log"] if quote_plus(key) in r["path"]]


def started_then_paused(worker: WorkerProcess, url: str, folder: Path, at_least: int,
                        **options: object) -> p.DownloadInfo:
    (download_id,) = worker.add([url], folder, **options)
    worker.wait_done(download_id, at_least)
    worker.send(p.Pause(ids=(download_id,)))
    return worker.wait_state(download_id, S.PAUSED)


@pytest.mark.parametrize(("validator", "sent"), [
    ({}, '"4194304-0"'),  # a strong ETag names the version
    ({"weak_etag": 1}, LAST_MODIFIED),  # a weak one cannot: the date does
])
def test_every_range_request_names_the_version_in_if_range(
        worker, fault_server, downloads, validator: dict[str, int], sent: str) -> None:
    size = 4 * MiB
    key = f"ifrange-{time.monotonic_ns()}"
    info = fetch(worker, fault_server.data_url(size, "ifr.bin", truncate=MiB, fail=1, key=key,
                                               **validator), downloads, connections=1)
    assert info.state is S.COMPLETED, info.error
    ranged = [r for r in requests_for(fault_server, key) if r["range"]]
    assert ranged, "the truncated body was resumed with a range"
    assert [r["if_range"] for r in ranged] == [sent] * len(ranged)
    assert sha256(Path(info.path)) == sha256_of(size)


def test_a_refreshed_link_whose_206_names_another_size_is_refused(worker, fault_server,
                                                                   downloads) -> None:
    """No validators to compare: the Content-Range total alone shows the new link
    serves another file; its bytes must not be spliced onto ours."""
    size = 3 * MiB
    paused = started_then_paused(
        worker, fault_server.data_url(size, "total.bin", validators=0, throttle=MiB),
        downloads, 300_000, connections=1)
    fault_server.reset()
    worker.send(p.SetUrl(id=paused.id, url=fault_server.data_url(
        size + 100_000, "total.bin", validators=0, seed=1)))
    worker.send(p.Resume(ids=(paused.id,)))
    info = worker.wait_state(paused.id, S.COMPLETED, S.FAILED)
    assert info.state is S.FAILED and info.error_code == p.ErrorCode.OTHER_FILE
    (answer,) = fault_server.stats()["log"]  # one 206 of the other file, and nothing more
    assert answer["status"] == 206 and answer["range"].startswith("bytes=")
    part = downloads / "total.bin.part"
    assert part.read_bytes()[:300_000] == payload(size)[:300_000]
    assert not (downloads / "total.bin").exists()


def test_a_206_of_another_version_is_never_spliced_in(worker, fault_server, downloads) -> None:
    """A server that ignores If-Range answers a resume with a 206 of the new
    version; its ETag gives it away, and the download starts over."""
    size = 3 * MiB
    key = f"splice-{time.monotonic_ns()}"
    url = fault_server.data_url(size, "splice.bin", etag="changing", ignore_if_range=1,
                                truncate=MiB, fail=1, key=key)
    info = fetch(worker, url, downloads, connections=1)
    assert info.state is S.COMPLETED, info.error
    tries = requests_for(fault_server, key)
    assert [r["status"] for r in tries[:3]] == [200, 206, 200]  # truncated, refused, again
    assert tries[2]["range"] is None  # started over from the first byte
    digest = sha256(Path(info.path))
    assert any(digest == sha256_of(size, seed) for seed in range(1, len(tries) + 1))


def test_restarting_a_stream_without_ranges_checks_the_new_size(worker, fault_server,
                                                                downloads) -> None:
    """A server without ranges means starting again from byte 0; a 200 of a
    different size is another file, and the bytes kept are not overwritten."""
    size = 3 * MiB
    paused = started_then_paused(
        worker, fault_server.data_url(size, "norange.bin", ranges=0, throttle=MiB),
        downloads, 300_000, connections=1)
    fault_server.reset()
    worker.send(p.SetUrl(id=paused.id, url=fault_server.data_url(
        size + 100_000, "norange.bin", ranges=0, seed=1)))
    worker.send(p.Resume(ids=(paused.id,)))
    info = worker.wait_state(paused.id, S.COMPLETED, S.FAILED)
    assert info.state is S.FAILED and info.error_code == p.ErrorCode.OTHER_FILE
    (answer,) = fault_server.stats()["log"]
    assert answer["status"] == 200 and answer["range"] is None
    part = downloads / "norange.bin.part"
    assert part.read_bytes()[:300_000] == payload(size)[:300_000]
    assert not (downloads / "norange.bin").exists()


def test_pieces_that_do_not_cover_the_file_never_complete(home, fault_server,
                                                          downloads) -> None:
    """A store that lost a piece (damaged, or a bug) leaves a hole in the file:
    the download must not complete with it."""
    size = 8 * MiB
    first = WorkerProcess(home, settings=FAST)
    try:
        paused = started_then_paused(first, fault_server.data_url(size, "hole.bin",
                                                                  throttle=MiB),
                                     downloads, MiB, connections=4)
        assert first.shutdown() == 0
    finally:
        first.close()
    with sqlite3.connect(home / "downloads.sqlite3") as db:
        pieces = db.execute('SELECT start, "end", done FROM segments WHERE download_id=? '
                            "ORDER BY start", (paused.id,)).fetchall()
        assert len(pieces) == 4 and pieces[1][2] < pieces[1][1] - pieces[1][0]
        db.execute("DELETE FROM segments WHERE download_id=? AND start=?",
                   (paused.id, pieces[1][0]))
    second = WorkerProcess(home, settings=FAST)
    try:
        second.send(p.Resume(ids=(paused.id,)))
        info = second.wait_state(paused.id, S.COMPLETED, S.FAILED)
    finally:
        second.close()
    assert info.state is S.FAILED and info.error_code == p.ErrorCode.SIZE
    assert not (downloads / "hole.bin").exists()


@pytest.mark.parametrize("retry_after", ["2", "date"])
def test_retry_after_is_waited_for(worker, fault_server, downloads, retry_after: str) -> None:
    """FAST retries after 0.05 s; a server's Retry-After asks for longer."""
    value = formatdate(time.time() + 3, usegmt=True) if retry_after == "date" else retry_after
    key = f"retry-after-{retry_after}-{time.monotonic_ns()}"
    info = fetch(worker, fault_server.data_url(100_000, "ra.bin", status=503, retry_after=value,
                                               fail=1, key=key), downloads)
    assert info.state is S.COMPLETED, info.error
    first, second = requests_for(fault_server, key)
    assert (first["status"], second["status"]) == (503, 200)
    assert second["time"] - first["time"] >= 1.9  # "2", or a date 2-3 s ahead


def test_a_speed_limit_saves_up_no_more_than_a_second_while_idle(worker, fault_server,
                                                                 downloads) -> None:
    rate, size = 200_000, 600_000
    worker.send(p.SetOptions(speed_limit=rate))
    time.sleep(4)  # idle: a bucket that kept filling would now let 800 kB through at once
    started = time.monotonic()
    info = fetch(worker, fault_server.data_url(size, "saved.bin"), downloads)
    elapsed = time.monotonic() - started
    assert info.state is S.COMPLETED, info.error
    assert elapsed >= (size - rate) / rate  # at most a second's worth came early


def test_a_split_during_a_read_never_writes_past_the_piece(home, fault_server,
                                                          downloads) -> None:
    """With pieces smaller than one read, idle connections split pieces whose
    reads are in flight; the bytes that arrive beyond the new end belong to
    the back half, which another connection fetches.  Written anyway, they
    would count twice."""
    size = 512 * 1024
    worker = WorkerProcess(home, settings=FAST, module="tests.engine.instrumented_worker",
                           env={"GREENGET_TEST_SETTINGS": '{"min_piece": 256}'})
    try:
        # The first connection stalls and falls behind: the others, done with
        # their pieces, split its piece again and again while its reads arrive.
        key = f"split-read-{time.monotonic_ns()}"
        info = fetch(worker, fault_server.data_url(size, "splitread.bin", throttle=64 * 1024,
                                                   stall=16384, fail=1, key=key),
                     downloads, connections=4)
        worker.send(p.GetSegments(id=info.id))
        segments = worker.expect(p.Segments)
    finally:
        worker.close()
    assert info.state is S.COMPLETED, info.error
    assert sha256(Path(info.path)) == sha256_of(size)
    assert isinstance(segments, p.Segments) and len(segments.segments) > 4  # it did split
    for piece in segments.segments:  # each piece counts its own bytes, no more
        assert piece.end is not None and piece.done == piece.end - piece.start


def test_the_whole_size_is_reserved_on_disk_at_the_start(worker, fault_server,
                                                         downloads) -> None:
    """A full disk shows at once, not after hours: the .part has its full
    size from the start, whatever has arrived."""
    size = 3 * MiB
    paused = started_then_paused(worker, fault_server.data_url(size, "reserved.bin",
                                                               throttle=MiB),
                                 downloads, 200_000, connections=1)
    assert paused.done < size
    assert (downloads / "reserved.bin.part").stat().st_size == size


def test_a_completed_download_is_complete_for_the_next_worker(home, fault_server,
                                                              downloads) -> None:
    size = 300_000
    first = WorkerProcess(home, settings=FAST)
    try:
        info = fetch(first, fault_server.data_url(size, "done.bin"), downloads)
        assert info.state is S.COMPLETED, info.error
        assert first.shutdown() == 0
    finally:
        first.close()
    second = WorkerProcess(home, settings=FAST)
    try:
        again = second.downloads[info.id]
    finally:
        second.close()
    assert (again.state, again.done, again.size) == (S.COMPLETED, size, size)
    assert sha256(Path(again.path)) == sha256_of(size)


def test_a_stream_without_ranges_cut_short_starts_again_from_byte_zero(worker, fault_server,
                                                                       downloads) -> None:
    size = 2 * MiB
    key = f"norange-again-{time.monotonic_ns()}"
    info = fetch(worker, fault_server.data_url(size, "again.bin", ranges=0, truncate=700_000,
                                               fail=1, key=key), downloads)
    assert info.state is S.COMPLETED, info.error
    assert sha256(Path(info.path)) == sha256_of(size)
    tries = requests_for(fault_server, key)
    assert [r["range"] for r in tries] == [None, None]  # the whole file, twice


def test_a_file_that_shrank_below_the_bytes_done_starts_over_from_byte_zero(
        worker, fault_server, downloads) -> None:
    """The file under the link was replaced by a shorter one while the download
    was half done (no validators, so no ``If-Range`` could tell): the resumed
    range is past its end, and the 416's ``Content-Range: bytes */<total>``
    names another size.  The download starts over from byte zero and ends as
    the new file, neither failing nor keeping a byte of the old one."""
    size, smaller = 2 * MiB, 300_000
    key = f"shrinks-{time.monotonic_ns()}"
    info = fetch(worker, fault_server.data_url(
        size, "shrinks.bin", validators=0, truncate=MiB, fail=1, shrink_after=1,
        shrink_to=smaller, key=key), downloads, connections=1)
    assert info.state is S.COMPLETED, info.error
    tries = [(r["range"], r["status"]) for r in requests_for(fault_server, key)]
    assert len(tries) == 3 and tries[0] == (None, 200) and tries[2] == (None, 200), tries
    assert tries[1][1] == 416 and int(tries[1][0].split("=")[1].split("-")[0]) >= smaller
    assert (info.size, info.done) == (smaller, smaller)
    assert Path(info.path).read_bytes() == payload(smaller, 1)
