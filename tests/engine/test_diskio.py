"""The I/O seam: both implementations keep the same promises on a real disk."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from engine import diskio
from engine.partfile import WRITEBACK_EVERY, PartFile

IMPLEMENTATIONS = [diskio.PosixIO(), diskio.PortableIO()]


@pytest.fixture(params=IMPLEMENTATIONS, ids=lambda io: io.name)
def io(request: pytest.FixtureRequest) -> diskio.DiskIO:
    implementation: diskio.DiskIO = request.param
    previous = diskio.install(implementation)
    yield implementation
    diskio.install(previous)


def test_positioned_writes_land_at_their_offsets_in_any_order(io: diskio.DiskIO,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "f"
    io.create_exclusive(path)
    file = io.open(path)
    file.allocate(12)
    for offset, data in ((8, b"IJKL"), (0, b"ABCD"), (4, b"EFGH")):
        assert file.write_at(data, offset) == 4
    file.sync()
    file.truncate(10)
    file.close()
    assert path.read_bytes() == b"ABCDEFGHIJ"


def test_create_exclusive_refuses_an_existing_name_and_a_dangling_link(
        io: diskio.DiskIO, tmp_path: Path) -> None:
    (tmp_path / "there").write_bytes(b"keep")
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    for name in ("there", "link"):
        with pytest.raises(FileExistsError):
            io.create_exclusive(tmp_path / name)
    assert (tmp_path / "there").read_bytes() == b"keep"
    assert not (tmp_path / "nowhere").exists()


def test_open_never_follows_a_symlink(io: diskio.DiskIO, tmp_path: Path) -> None:
    (tmp_path / "target").write_bytes(b"precious")
    (tmp_path / "f.part").symlink_to(tmp_path / "target")
    with pytest.raises(OSError):
        io.open(tmp_path / "f.part")


def test_rename_new_never_replaces(io: diskio.DiskIO, tmp_path: Path) -> None:
    source, target = tmp_path / "a.part", tmp_path / "a"
    source.write_bytes(b"new")
    target.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        io.rename_new(source, target)
    assert target.read_bytes() == b"old" and source.read_bytes() == b"new"
    target.unlink()
    io.rename_new(source, target)
    assert target.read_bytes() == b"new" and not source.exists()
    io.sync_directory(tmp_path)


def test_remove_deletes_the_name_only(io: diskio.DiskIO, tmp_path: Path) -> None:
    (tmp_path / "target").write_bytes(b"precious")
    (tmp_path / "link").symlink_to(tmp_path / "target")
    (tmp_path / "f.part").write_bytes(b"x")
    io.remove(tmp_path / "f.part")
    io.remove(tmp_path / "link")  # the link goes, never what it points at
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target"]
    assert (tmp_path / "target").read_bytes() == b"precious"
    with pytest.raises(FileNotFoundError):
        io.remove(tmp_path / "f.part")


def test_a_file_deleted_while_open_has_no_links(io: diskio.DiskIO, tmp_path: Path) -> None:
    path = tmp_path / "f"
    io.create_exclusive(path)
    file = io.open(path)
    twin = file.duplicate()
    assert file.links() == 1
    path.unlink()
    assert file.links() == 0
    file.close()
    twin.sync()  # the duplicate outlives the original handle
    twin.close()


def test_the_lock_keeps_a_second_process_out(io: diskio.DiskIO, tmp_path: Path) -> None:
    lock = tmp_path / "worker.lock"
    with open(lock, "a+") as handle:
        io.lock(handle)
        other = textwrap.dedent(f"""
            from engine import diskio
            io = diskio.{type(io).__name__}()
            with open({str(lock)!r}, "a+") as handle:
                try:
                    io.lock(handle)
                except OSError:
                    print("refused")
                else:
                    print("granted")
        """)
        held = subprocess.run([sys.executable, "-c", other], capture_output=True, text=True,
                              check=True, timeout=60)
    after = subprocess.run([sys.executable, "-c", other], capture_output=True, text=True,
                           check=True, timeout=60)
    assert held.stdout.strip() == "refused"
    assert after.stdout.strip() == "granted"


def test_open_file_limit_is_at_least_what_the_system_had(io: diskio.DiskIO) -> None:
    soft, hard = io.raise_open_file_limit(64)
    assert soft >= 64
    assert hard is None or hard >= soft


def test_part_file_writes_all_and_renames_to_a_free_name(io: diskio.DiskIO,
                                                         tmp_path: Path) -> None:
    (tmp_path / "movie.mkv").write_bytes(b"someone else's")
    part = PartFile.reserve(tmp_path, "movie.mkv")
    assert part.name == "movie (1).mkv"
    part.allocate(6)
    part.write(b"world!", 0)
    part.write(b"hello ", 0)
    part.flush()
    assert not part.deleted()
    part.close()
    part.flush()  # closed: nothing left to flush
    assert part.rename_to_final() == "movie (1).mkv"
    assert (tmp_path / "movie (1).mkv").read_bytes() == b"hello "
    assert (tmp_path / "movie.mkv").read_bytes() == b"someone else's"


class CountingFile:
    """A :class:`diskio.File` that counts writeback hints and syncs."""

    def __init__(self, inner: diskio.File, log: list[str]) -> None:
        self.inner, self.log = inner, log

    def __getattr__(self, name: str) -> object:
        self.log.append(name)
        return getattr(self.inner, name)


def test_part_file_hints_writeback_every_32_mib_and_goes_through_the_seam(
        tmp_path: Path) -> None:
    calls: list[str] = []

    class Recording(diskio.PosixIO):
        def open(self, path: Path) -> diskio.File:
            return CountingFile(super().open(path), calls)  # type: ignore[return-value]

    previous = diskio.install(Recording())
    try:
        part = PartFile.reserve(tmp_path, "big")
        block = bytes(1024 * 1024)
        for i in range(WRITEBACK_EVERY // len(block) + 1):
            part.write(block, i * len(block))
        part.flush()
        part.close()
    finally:
        diskio.install(previous)
    assert calls.count("start_writeback") == 1
    assert calls.count("duplicate") == 1
    assert calls[-1] == "close"


SHM = Path("/dev/shm")


@pytest.mark.skipif(not SHM.is_dir() or not sys.platform.startswith("linux"),
                    reason="needs Linux's /dev/shm (tmpfs)")
def test_on_tmpfs_space_is_checked_but_not_zero_filled(tmp_path: Path) -> None:
    io = diskio.PosixIO()
    folder = Path(tempfile.mkdtemp(dir=SHM, prefix="greenget-test-"))
    try:
        path = folder / "f.part"
        io.create_exclusive(path)
        file = io.open(path)
        try:
            assert diskio.in_memory(file.fd)  # type: ignore[attr-defined]
            file.allocate(64 * 1024 * 1024)
            assert path.stat().st_size == 64 * 1024 * 1024
            assert path.stat().st_blocks == 0  # no page was filled with zeros
            assert file.write_at(b"data", 1000) == 4
            with pytest.raises(OSError) as raised:
                file.allocate(1 << 60)  # more than any tmpfs holds
            assert raised.value.errno == errno.ENOSPC
        finally:
            file.close()
        assert path.read_bytes()[1000:1004] == b"data"
    finally:
        shutil.rmtree(folder)


def test_a_disk_file_is_reserved_where_the_file_system_can(tmp_path: Path) -> None:
    io = diskio.PosixIO()
    path = tmp_path / "f.part"
    io.create_exclusive(path)
    file = io.open(path)
    try:
        if diskio.in_memory(file.fd):  # type: ignore[attr-defined]
            pytest.skip("the temporary folder is on tmpfs here")
        file.allocate(4 * 1024 * 1024)
    finally:
        file.close()
    assert path.stat().st_size == 4 * 1024 * 1024
    assert path.stat().st_blocks * 512 >= 4 * 1024 * 1024  # posix_fallocate reserved it


@pytest.mark.parametrize(("value", "chosen"), [("1", "portable"), ("", "posix")])
def test_the_environment_chooses_the_implementation_once(value: str, chosen: str) -> None:
    env = {**os.environ, diskio.PORTABLE_ENV: value}
    result = subprocess.run(
        [sys.executable, "-c", "from engine import diskio; print(diskio.current().name)"],
        env=env, capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == chosen
