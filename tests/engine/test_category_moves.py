"""Categories in the real worker, over real sockets from the fault server:
downloads sorted into category folders once their name and type are known, and
moved to another category (finished, unfinished, and while running, on one
file system and across two) without losing or overwriting a byte."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine import protocol as p
from tests.engine.conftest import FAST, sha256
from tests.engine.instrumented_worker import SLOW_COPY_ENV
from tests.servers.payload import payload, sha256_of
from tests.worker_client import WorkerProcess

S = p.State
MiB = 1 << 20
SORTED = p.SetOptions(sort_by_category=True)


def month(info: p.DownloadInfo) -> str:
    return time.strftime("%Y-%m", time.localtime(info.added))


def complete(worker: WorkerProcess, download_id: int, size: int) -> Path:
    info = worker.wait_state(download_id, S.COMPLETED, S.FAILED)
    assert info.state is S.COMPLETED, info.error
    path = Path(info.path)
    assert path == Path(info.directory) / info.name
    assert not Path(f"{path}.part").exists()
    assert sha256(path) == sha256_of(size)
    return path


def test_downloads_are_sorted_by_the_name_and_type_the_server_gives(
        worker, fault_server, downloads) -> None:
    worker.send(SORTED)
    urls = [
        fault_server.data_url(3000, "a.zip"),
        # the name from Content-Disposition decides, not the link's
        fault_server.data_url(3000, "get.bin", cd='attachment; filename="clip.mkv"'),
        # no extension: the type gives one, and the category
        fault_server.data_url(3000, "watch", ctype="audio/mpeg"),
        fault_server.data_url(3000, "notes", ctype="application/octet-stream"),
    ]
    ids = worker.add(urls, downloads)
    where = {complete(worker, i, 3000).relative_to(downloads).as_posix() for i in ids}
    assert where == {"Archives/a.zip", "Video/clip.mkv", "Music/watch.mp3", "Other/notes"}
    assert {worker.downloads[i].category for i in ids} == {"archives", "video", "music",
                                                           "other"}
    assert sorted(os.listdir(downloads)) == ["Archives", "Music", "Other", "Video"]


def test_dated_folders_and_off_by_default(worker, fault_server, downloads) -> None:
    (plain,) = worker.add([fault_server.data_url(2000, "plain.pdf")], downloads)
    assert complete(worker, plain, 2000) == downloads / "plain.pdf"  # the engine's default
    assert worker.downloads[plain].category == "documents"  # decided all the same
    worker.send(p.SetOptions(sort_by_category=True, dated_folders=True))
    (dated,) = worker.add([fault_server.data_url(2000, "dated.pdf")], downloads)
    path = complete(worker, dated, 2000)
    assert path == downloads / "Documents" / month(worker.downloads[dated]) / "dated.pdf"


def test_edited_lists_reach_the_worker_and_bad_ones_are_refused(worker, fault_server,
                                                                downloads) -> None:
    worker.send(p.SetOptions(sort_by_category=True, category_rules=(
        p.CategoryRule("documents", ("nzb", "pdf")),)))
    (download_id,) = worker.add([fault_server.data_url(1000, "x.nzb")], downloads)
    assert complete(worker, download_id, 1000) == downloads / "Documents" / "x.nzb"
    worker.send(p.SetOptions(category_rules=(p.CategoryRule("films", ("mp4",)),)))
    error = worker.expect(p.Error)
    assert error.code == p.ErrorCode.BAD_CATEGORY and "films" in error.message


@pytest.fixture
def elsewhere(tmp_path: Path) -> Iterator[Path]:
    """A folder on another file system than the test's (tmpfs)."""
    folder = Path("/dev/shm") / f"greenget-test-{os.getpid()}-{tmp_path.name}"
    folder.mkdir()
    if os.stat(folder).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("/dev/shm is on the same file system here")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("across", [False, True], ids=["same-disk", "across-file-systems"])
def test_a_running_download_moves_with_its_file_and_ends_byte_identical_there(
        home, fault_server, downloads, across: bool, request: pytest.FixtureRequest) -> None:
    # The copy between file systems lingers after its last byte: a write let
    # through meanwhile would land in the old file and be missing from the new.
    worker = WorkerProcess(home, settings=FAST, module="tests.engine.instrumented_worker",
                           env={SLOW_COPY_ENV: "0.6"})
    request.addfinalizer(worker.close)
    worker.send(SORTED)
    if across:  # the category folder is a link to another file system
        (downloads / "Documents").symlink_to(request.getfixturevalue("elsewhere"))
    size = 6 * MiB
    (download_id,) = worker.add([fault_server.data_url(size, "big.iso", throttle=MiB)],
                                downloads, connections=3)
    worker.wait_done(download_id, MiB)
    before = worker.downloads[download_id]
    assert before.state in p.ACTIVE_STATES and before.directory == str(downloads / "Archives")
    worker.send(p.SetCategory((download_id,), "documents"))
    worker.wait_until(lambda: worker.downloads[download_id].category == "documents",
                      what="the move")
    moved = worker.downloads[download_id]
    assert moved.directory == str(downloads / "Documents")
    assert moved.path == str(downloads / "Documents" / "big.iso.part")
    assert Path(moved.path).exists() and not Path(before.path).exists()
    assert moved.state in p.ACTIVE_STATES and moved.done < size  # it moved while running
    path = complete(worker, download_id, size)
    assert path == downloads / "Documents" / "big.iso"
    assert os.listdir(downloads / "Archives") == []
    if across:
        assert os.stat(path).st_dev != os.stat(downloads).st_dev
    assert not [e for e in worker.errors() if e.code == p.ErrorCode.MOVE]


def test_a_finished_download_moves_and_a_name_taken_there_is_never_replaced(
        worker, fault_server, downloads) -> None:
    worker.send(SORTED)
    size = 50_000
    (first,) = worker.add([fault_server.data_url(size, "song.mp3")], downloads)
    path = complete(worker, first, size)
    assert path == downloads / "Music" / "song.mp3"
    (downloads / "Other").mkdir()
    mine = downloads / "Other" / "song.mp3"
    mine.write_bytes(b"a file of the person's own")
    worker.send(p.SetCategory((first,), "other"))
    worker.wait_until(lambda: worker.downloads[first].category == "other", what="the move")
    moved = worker.downloads[first]
    assert moved.name == "song (1).mp3" and moved.directory == str(downloads / "Other")
    assert sha256(Path(moved.path)) == sha256_of(size)
    assert mine.read_bytes() == b"a file of the person's own"
    assert not path.exists()
    # and back: it keeps the name it has now
    worker.send(p.SetCategory((first,), "music"))
    worker.wait_until(lambda: worker.downloads[first].category == "music", what="the move back")
    back = Path(worker.downloads[first].path)
    assert back == downloads / "Music" / "song (1).mp3"
    assert back.read_bytes() == payload(size)
    assert os.listdir(downloads / "Other") == ["song.mp3"]


def test_a_paused_download_moves_its_part_and_resumes_there(worker, fault_server,
                                                            downloads) -> None:
    size = 3 * MiB
    (download_id,) = worker.add([fault_server.data_url(size, "paused.pdf", throttle=MiB)],
                                downloads, connections=2)
    worker.wait_done(download_id, 512 * 1024)
    worker.send(p.Pause((download_id,)))
    paused = worker.wait_state(download_id, S.PAUSED)
    assert paused.directory == str(downloads)  # not sorted: it stays where it was added
    worker.send(p.SetCategory((download_id,), "images"))
    worker.wait_until(lambda: worker.downloads[download_id].category == "images",
                      what="the move")
    assert Path(worker.downloads[download_id].path) == downloads / "Images" / "paused.pdf.part"
    assert not Path(paused.path).exists()
    worker.send(p.Resume((download_id,)))
    assert complete(worker, download_id, size) == downloads / "Images" / "paused.pdf"


def test_a_move_that_fails_leaves_the_file_where_it_was_and_says_why(
        worker, fault_server, downloads) -> None:
    worker.send(SORTED)
    (download_id,) = worker.add([fault_server.data_url(4000, "tune.ogg")], downloads)
    path = complete(worker, download_id, 4000)
    (downloads / "Video").write_text("a file where the folder would go")
    worker.send(p.SetCategory((download_id,), "video"))
    error = worker.expect(p.Error)
    assert error.code == p.ErrorCode.MOVE and error.command == "set_category"
    assert "tune.ogg" in error.message and "Video" in error.message
    assert worker.downloads[download_id].path == str(path) and path.exists()
    assert worker.downloads[download_id].category == "music"
    worker.send(p.SetCategory((download_id,), "films"))
    assert worker.expect(p.Error).code == p.ErrorCode.BAD_CATEGORY


def test_the_new_folder_survives_a_restart(home, fault_server, downloads) -> None:
    first = WorkerProcess(home)
    try:
        (download_id,) = first.add([fault_server.data_url(2 * MiB, "r.zip", throttle=MiB)],
                                   downloads)
        first.wait_done(download_id, 256 * 1024)
        first.wait_until(lambda: first.downloads[download_id].category == "archives",
                         what="the category decided")  # not sorted: it stays in downloads
        first.send(p.SetCategory((download_id,), "programs"))
        first.wait_until(lambda: first.downloads[download_id].category == "programs",
                         what="the move")
        first.kill()  # no shutdown: what the store says must be on the disk
    finally:
        first.close()
    second = WorkerProcess(home)
    try:
        info = second.downloads[download_id]
        assert (info.directory, info.category) == (str(downloads / "Programs"), "programs")
        assert complete(second, download_id, 2 * MiB) == downloads / "Programs" / "r.zip"
        assert not (downloads / "r.zip.part").exists()
    finally:
        second.close()
