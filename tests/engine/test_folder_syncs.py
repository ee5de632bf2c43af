"""Folder syncs as a group commit (engine.partfile.FolderSyncs): fewer syncs, the
same promise to every caller."""

from __future__ import annotations

import errno
import time
from collections.abc import Iterator
from pathlib import Path

import gevent
import pytest

from engine import diskio, partfile


class SlowFolderSyncs(diskio.PosixIO):
    """The real implementation, with each folder sync taking 50 ms and recorded."""

    def __init__(self) -> None:
        self.syncs: list[tuple[float, float]] = []  # (start, end), monotonic
        self.fail = False

    def sync_directory(self, path: Path) -> None:
        start = time.monotonic()
        time.sleep(0.05)  # runs on a pool thread; the pytest process is not patched
        if self.fail:
            raise OSError(errno.EIO, "injected I/O error")
        super().sync_directory(path)
        self.syncs.append((start, time.monotonic()))


@pytest.fixture
def slow() -> Iterator[SlowFolderSyncs]:
    implementation = SlowFolderSyncs()
    previous = diskio.install(implementation)
    yield implementation
    diskio.install(previous)


def test_callers_share_syncs_and_each_returns_after_one_that_began_after_its_call(
        slow: SlowFolderSyncs, tmp_path: Path) -> None:
    calls: list[tuple[float, float]] = []

    def caller(delay: float) -> None:
        gevent.sleep(delay)
        asked = time.monotonic()
        partfile.sync_folder(tmp_path)
        calls.append((asked, time.monotonic()))

    gevent.joinall([gevent.spawn(caller, i * 0.005) for i in range(16)], raise_error=True)
    assert len(calls) == 16
    assert 1 <= len(slow.syncs) <= 4  # 16 callers over 80 ms, 50 ms a sync: not 16
    for asked, returned in calls:
        assert any(asked <= start and end <= returned for start, end in slow.syncs)


def test_a_failed_sync_reaches_every_caller_of_its_group_and_the_next_one_works(
        slow: SlowFolderSyncs, tmp_path: Path) -> None:
    slow.fail = True
    outcomes: list[object] = []

    def caller() -> None:
        try:
            partfile.sync_folder(tmp_path)
            outcomes.append("synced")
        except OSError as exc:
            outcomes.append(exc.errno)

    gevent.joinall([gevent.spawn(caller) for _ in range(5)], raise_error=True)
    assert outcomes == [errno.EIO] * 5
    slow.fail = False
    partfile.sync_folder(tmp_path)
    assert len(slow.syncs) == 1
