"""The crash-safety rule under simulated power cuts (tests/engine/powercut.py).

A real worker downloads a mix of files from the fault server (segmented with
a pause, resumed after a truncation, a stream without ranges, a file that
changes on the server, a link refreshed to a server that ignores ranges, a
long one, one removed half-way) with every disk operation and store commit
recorded.  Then:

* at **every** point of that recording, whichever store state a power cut may
  leave, no download the client was told of is missing and no byte the store
  counts as done is missing or wrong on the disk;
* no download the client was told is removed is in the store again;
* the store on the disk is never more than 4 s of a download's writes behind;
* at cut points hypothesis picks (with a random part of the unsynced writes
  surviving), a fresh worker resumes every download to a byte-identical file.

``GREENGET_POWERCUT_RUNS`` (recordings, default 1), ``GREENGET_POWERCUT_RESUMES``
(default 6) and ``GREENGET_POWERCUT_SEED`` make it longer or different;
``GREENGET_POWERCUT_JOURNAL=<file>`` replays a recording kept from a failing run.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from engine import protocol as p
from tests.engine import powercut
from tests.engine.conftest import FAST, sha256
from tests.servers.payload import payload, sha256_of
from tests.worker_client import WorkerProcess

S = p.State
MiB = 1 << 20
RUNS = int(os.environ.get("GREENGET_POWERCUT_RUNS", "2"))
RESUMES = int(os.environ.get("GREENGET_POWERCUT_RESUMES", "6"))
SEED = int(os.environ.get("GREENGET_POWERCUT_SEED", "0"))
KEPT = os.environ.get("GREENGET_POWERCUT_JOURNAL")


def source_of(row: powercut.Row) -> bytes | None:
    """The fault server's file a row names: its ETag is ``"<size>-<seed>"``."""
    if not row.etag:
        return None
    size, _, version = row.etag.strip('"').partition("-")
    return payload(int(size), int(version))


def record(fault_server, folder: Path, run: int) -> powercut.Recording:
    """One worker's life, recorded: seven downloads with their faults."""
    home, downloads = folder / "home", folder / "downloads"
    journal = folder / "journal.pickle"
    tag = f"{run}-{time.monotonic_ns()}"
    rate = 512 * 1024 * (1 + run % 3)
    # Reads of at most 16 KiB: many writes, so many points to cut at.
    worker = WorkerProcess(home, settings=FAST, module="tests.engine.instrumented_worker",
                           env={powercut.JOURNAL_ENV: str(journal),
                                "GREENGET_TEST_SETTINGS": '{"chunk_size": 16384}'})
    try:
        worker.send(p.SetOptions(max_active=7))
        segmented, truncated, stream, ignored = worker.add([
            fault_server.data_url(4 * MiB, "segmented.bin", throttle=rate, key=f"s{tag}"),
            fault_server.data_url(2 * MiB, "truncated.bin", throttle=rate, truncate=700_000,
                                  fail=1, key=f"t{tag}"),
            fault_server.data_url(MiB, "stream.bin", throttle=rate, ranges=0, key=f"n{tag}"),
            fault_server.data_url(2 * MiB, "ignored.bin", throttle=rate, key=f"i{tag}"),
        ], downloads, connections=4)
        # A long one, to see that checkpoints keep the store close behind the disk.
        (long,) = worker.add([fault_server.data_url(8 * MiB, "long.bin", throttle=MiB,
                                                    key=f"l{tag}")], downloads, connections=1)
        # Every request gets a new version: one connection, or it never ends.
        (changing,) = worker.add([fault_server.data_url(
            2 * MiB, "changing.bin", throttle=rate, etag="changing", truncate=600_000, fail=1,
            key=f"c{tag}")], downloads, connections=1)
        # One removed half-way: its .part goes, and it must stay gone.
        (removed,) = worker.add([fault_server.data_url(2 * MiB, "removed.bin", throttle=rate,
                                                       key=f"r{tag}")], downloads, connections=2)
        worker.wait_done(removed, 200_000)
        worker.send(p.Remove(ids=(removed,)))
        worker.expect(p.Removed)
        assert not list(downloads.glob("removed.bin*"))
        worker.wait_done(segmented, MiB)
        worker.send(p.Pause(ids=(segmented, ignored)))
        worker.wait_state(segmented, S.PAUSED)
        worker.wait_state(ignored, S.PAUSED)
        worker.send(p.SetUrl(id=ignored, url=fault_server.data_url(
            2 * MiB, "ignored.bin", throttle=rate, ranges=0, key=f"i{tag}")))
        worker.send(p.Resume(ids=(segmented, ignored)))
        for download_id in (segmented, truncated, stream, changing, ignored, long):
            info = worker.wait_state(download_id, S.COMPLETED, S.FAILED)
            assert info.state is S.COMPLETED, info.error
        assert worker.shutdown() == 0
    finally:
        worker.close()
    return powercut.Recording(powercut.load(journal), journal, home, downloads)


@pytest.fixture(scope="module")
def recordings(fault_server, tmp_path_factory: pytest.TempPathFactory) -> list[powercut.Recording]:
    if KEPT:
        folder = tmp_path_factory.mktemp("kept")
        events = powercut.load(Path(KEPT))
        paths = [Path(e[1]) for e in events if e[0] == "create"]
        return [powercut.Recording(events, Path(KEPT), folder / "home", paths[0].parent)]
    return [record(fault_server, tmp_path_factory.mktemp(f"powercut-{run}"), run)
            for run in range(RUNS)]


def test_no_cut_loses_a_download_or_counts_a_byte_not_on_the_disk(recordings) -> None:
    checked = states = finished = 0
    for recording in recordings:
        model, cuts = powercut.replay(recording.events)
        checker = powercut.Checker(model, source_of)
        for cut in cuts:
            problems = checker.violations(cut)
            if problems:
                kept = Path(tempfile.gettempdir()) / f"greenget-powercut-{time.time_ns()}.pickle"
                shutil.copy(recording.journal, kept)
                pytest.fail(f"a power cut after operation {cut.index} of "
                            f"{len(recording.events)} ({cut.event[0] if cut.event else 'start'})"
                            f" leaves: {problems[:3]} (replay: GREENGET_POWERCUT_JOURNAL={kept})")
            checked += 1
            states += len(cut.stores)
        finished += checker.finished_unrecorded
    assert checked >= 750 * len(recordings), f"only {checked} cut points"  # rich enough
    print(f"power cuts checked: {checked} cut points, {states} store states, in "
          f"{len(recordings)} recording(s); {finished} left a finished file not yet "
          "recorded as completed")


def test_the_store_on_the_disk_stays_within_seconds_of_the_writes(recordings) -> None:
    """Checkpoints once a second: a power cut never costs more than a few
    seconds of a download's traffic (4 s here, for a loaded machine)."""
    for recording in recordings:
        behind = powercut.lag(recording.events, window=4.0)
        assert not behind, behind[:3]


def test_no_cut_brings_back_a_removed_download(all_cuts) -> None:
    """A removal is durable before the window is told: after a power cut the
    download the person removed never comes back (counting bytes of the
    ``.part`` that went with it)."""
    for _recording, model, cuts in all_cuts:
        checker = powercut.Checker(model, source_of)
        assert cuts[-1].removed, "the recording removes a download"
        for cut in cuts:
            back = powercut.back_from_removal(cut, checker)
            assert not back, f"a power cut after operation {cut.index}: {back[:3]}"


def _cuts(recording: powercut.Recording) -> tuple[powercut.Model, list[powercut.Cut]]:
    model, cuts = powercut.replay(recording.events)
    return model, list(cuts)


@pytest.fixture(scope="module")
def all_cuts(recordings) -> list[tuple[powercut.Recording, powercut.Model, list[powercut.Cut]]]:
    return [(r, *_cuts(r)) for r in recordings]


def at_full_speed(server: str) -> Callable[[str], str]:
    """A recorded link moved to ``server`` (a replayed recording was made with
    another fault server), no longer throttled."""
    return lambda url: re.sub(r"throttle=\d+&", "",
                              re.sub(r"^http://127\.0\.0\.1:\d+", server, url))


@seed(SEED)
@settings(max_examples=RESUMES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_after_a_cut_a_fresh_worker_resumes_every_download_byte_identical(
        all_cuts, fault_server, data) -> None:
    recording, model, cuts = data.draw(st.sampled_from(all_cuts), label="recording")
    cut = data.draw(st.sampled_from(cuts), label="cut")
    store = data.draw(st.sampled_from(cut.stores), label="store")
    chance = random.Random(data.draw(st.integers(0, 2**32), label="torn writes"))
    files = powercut.torn(recording.events, cut, chance)
    powercut.materialise(recording, model, store, files, at_full_speed(fault_server.base_url))
    expected = {row.id for row in powercut.rows(model.images[store])} if store >= 0 else set()
    worker = WorkerProcess(recording.home, settings=FAST)
    try:
        assert set(worker.downloads) == expected
        worker.send(p.Resume(all=True))
        for download_id in expected:
            info = worker.wait_state(download_id, S.COMPLETED, S.FAILED, timeout=120)
            assert info.state is S.COMPLETED, (
                f"after a cut at operation {cut.index}, store {store}: {info.error}")
            size, _, version = info.etag.strip('"').partition("-")
            assert info.size == int(size)
            assert sha256(Path(info.path)) == sha256_of(int(size), int(version)), (
                f"after a cut at operation {cut.index}, store {store}: {info.name} differs")
    finally:
        worker.close()


