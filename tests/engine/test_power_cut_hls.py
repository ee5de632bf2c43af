"""The crash-safety rule for HLS streams, under simulated power cuts
(tests/engine/powercut.py, as ``test_power_cut.py`` does for files).

Real streams made by ffmpeg (plain MPEG-TS fragments, AES-128 ones, byte
ranges of one file, fragmented MP4 with an init section) are served slowly by
the fault server; a real worker with ffmpeg on its PATH downloads them all at
once (one paused and resumed), every disk operation and store commit recorded,
ffmpeg's remux to ``.mp4`` included.  Then:

* at **every** point of that recording, whichever store state a power cut may
  leave, no fragment the store counts as done is missing or wrong on the disk
  (against the fragments ffmpeg wrote, decrypted by ``openssl``), and a
  remuxed ``.mp4`` the store counts is on the disk whole;
* at cut points hypothesis picks (half of them where the state changes: a
  commit, a sync, a rename or a removal), with a random part of the unsynced
  writes surviving, a fresh worker resumes every stream to the bytes of an
  uninterrupted download: the fragments joined (``.mp4`` streams) or ffmpeg's
  own remux of them.

``GREENGET_POWERCUT_RUNS`` (recordings, default 1), ``GREENGET_POWERCUT_RESUMES``
(default 3 here) and ``GREENGET_POWERCUT_SEED`` make it longer or different.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from engine import protocol as p
from tests.engine import powercut
from tests.engine.conftest import FAST
from tests.servers.harness import FaultServer, run_fault_server
from tests.worker_client import WorkerProcess

S = p.State
FFMPEG = shutil.which("ffmpeg")
pytestmark = pytest.mark.skipif(FFMPEG is None or shutil.which("openssl") is None,
                                reason="ffmpeg and openssl make and check the streams")
RUNS = int(os.environ.get("GREENGET_POWERCUT_RUNS", "1"))
RESUMES = int(os.environ.get("GREENGET_POWERCUT_RESUMES", "3"))
SEED = int(os.environ.get("GREENGET_POWERCUT_SEED", "0"))
KEY = bytes(range(16, 32))
IV = "0f0e0d0c0b0a09080706050403020100"
STREAMS = ("plain", "aes", "byte", "fmp4")
RATE = 12_000  # bytes/s a fragment: seconds a stream, a checkpoint every second


def _ffmpeg(folder: Path, *options: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([FFMPEG or "ffmpeg", "-nostdin", "-loglevel", "error",
                    "-f", "lavfi", "-i", "testsrc=duration=6:size=160x120:rate=25",
                    "-f", "lavfi", "-i", "sine=duration=6", "-c:v", "libx264", "-g", "5",
                    "-keyint_min", "5", "-c:a", "aac", "-f", "hls", "-hls_time", "0.2",
                    "-hls_playlist_type", "vod", *options, "index.m3u8"],
                   cwd=folder, check=True)


def _listed(playlist: Path) -> list[str]:
    return [line for line in playlist.read_text().splitlines()
            if line and not line.startswith("#")]


def _references(root: Path) -> dict[str, dict[str, bytes]]:
    """Each stream's bytes by the suffix of the file it makes: ``.ts``, the
    fragments joined (decrypted by openssl), and ``.mp4``, ffmpeg's remux of
    that (or, with an init section, the init and the fragments joined)."""
    references: dict[str, dict[str, bytes]] = {}
    plain = b"".join((root / "plain" / n).read_bytes() for n in _listed(root / "plain" /
                                                                          "index.m3u8"))
    aes = b"".join(subprocess.run(
        ["openssl", "aes-128-cbc", "-d", "-K", KEY.hex(), "-iv", IV, "-in", str(root / "aes" / n)],
        capture_output=True, check=True).stdout for n in _listed(root / "aes" / "index.m3u8"))
    whole = (root / "byte" / "index.ts").read_bytes()
    ranges = [(int(n), int(o)) for n, o in re.findall(
        r"BYTERANGE:(\d+)@(\d+)", (root / "byte" / "index.m3u8").read_text())]
    byte = b"".join(whole[o:o + n] for n, o in ranges)
    for name, ts in (("plain", plain), ("aes", aes), ("byte", byte)):
        source, target = root / f"{name}.ts", root / f"{name}.mp4"
        source.write_bytes(ts)
        subprocess.run([FFMPEG or "ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f",
                        "mpegts", "-i", str(source), "-c", "copy", "-f", "mp4", str(target)],
                       check=True)
        references[name] = {".ts": ts, ".mp4": target.read_bytes()}
    fmp4 = root / "fmp4"
    references["fmp4"] = {".mp4": (fmp4 / "init.mp4").read_bytes() + b"".join(
        (fmp4 / n).read_bytes() for n in _listed(fmp4 / "index.m3u8"))}
    return references


@pytest.fixture(scope="module")
def streams(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, bytes]]]:
    root = tmp_path_factory.mktemp("streams")
    _ffmpeg(root / "plain")
    aes = root / "aes"
    aes.mkdir()
    (aes / "stream.key").write_bytes(KEY)
    (aes / "key_info").write_text(f"stream.key\n{aes / 'stream.key'}\n{IV}\n")
    _ffmpeg(aes, "-hls_key_info_file", str(aes / "key_info"))
    _ffmpeg(root / "byte", "-hls_flags", "single_file")
    _ffmpeg(root / "fmp4", "-hls_segment_type", "fmp4")
    assert "#EXT-X-BYTERANGE" in (root / "byte" / "index.m3u8").read_text()
    assert "METHOD=AES-128" in (aes / "index.m3u8").read_text()
    return root, _references(root)


@pytest.fixture(scope="module")
def stream_server(streams, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultServer]:
    log = tmp_path_factory.mktemp("hls-powercut-server") / "stderr.log"
    with run_fault_server(log, files=streams[0]) as server:
        yield server


def source_of(references: dict[str, dict[str, bytes]]) -> powercut.Source:
    """The bytes a stream's row names: its stream from the link, the kind of
    file (fragments or remuxed) from the name."""
    def source(row: powercut.Row) -> bytes | None:
        stream = row.url.rsplit("/", 2)[-2]
        return references[stream].get(Path(row.name).suffix)
    return source


def record(server: FaultServer, folder: Path) -> powercut.Recording:
    home, downloads = folder / "home", folder / "downloads"
    journal = folder / "journal.pickle"
    worker = WorkerProcess(home, settings=FAST, module="tests.engine.instrumented_worker",
                           env={powercut.JOURNAL_ENV: str(journal)})
    try:
        worker.send(p.SetOptions(max_active=len(STREAMS)))
        ids = {name: worker.add([server.url(f"/files/rate:{RATE}/{name}/index.m3u8")],
                                downloads, connections=2, filename=f"{name}.mp4")[0]
               for name in STREAMS}
        worker.wait_done(ids["plain"], 60_000)
        worker.send(p.Pause(ids=(ids["plain"],)))
        worker.wait_state(ids["plain"], S.PAUSED)
        worker.send(p.Resume(ids=(ids["plain"],)))
        for name, download_id in ids.items():
            info = worker.wait_state(download_id, S.COMPLETED, S.FAILED)
            assert info.state is S.COMPLETED, f"{name}: {info.error}"
            assert info.name == f"{name}.mp4"
        assert worker.shutdown() == 0
    finally:
        worker.close()
    assert sorted(f.name for f in downloads.iterdir()) == sorted(f"{n}.mp4" for n in STREAMS)
    return powercut.Recording(powercut.load(journal), journal, home, downloads)


@pytest.fixture(scope="module")
def recordings(stream_server, tmp_path_factory) -> list[powercut.Recording]:
    return [record(stream_server, tmp_path_factory.mktemp(f"hls-powercut-{run}"))
            for run in range(RUNS)]


@pytest.fixture(scope="module")
def all_cuts(recordings) -> list[tuple[powercut.Recording, powercut.Model, list[powercut.Cut]]]:
    found = []
    for recording in recordings:
        model, cuts = powercut.replay(recording.events)
        found.append((recording, model, list(cuts)))
    return found


def test_the_uninterrupted_download_makes_the_reference_bytes(recordings, streams) -> None:
    _, references = streams
    for recording in recordings:
        for name in STREAMS:
            assert (recording.downloads / f"{name}.mp4").read_bytes() == \
                references[name][".mp4"], name


def test_no_cut_counts_a_fragment_not_on_the_disk(all_cuts, streams) -> None:
    checked = 0
    for recording, model, cuts in all_cuts:
        checker = powercut.Checker(model, source_of(streams[1]))
        for cut in cuts:
            problems = checker.violations(cut)
            if problems:
                kept = Path(tempfile.gettempdir()) / f"greenget-hls-{time.time_ns()}.pickle"
                shutil.copy(recording.journal, kept)
                pytest.fail(f"a power cut after operation {cut.index} of {len(cuts)} "
                            f"({cut.event[0] if cut.event else 'start'}) leaves: {problems[:3]} "
                            f"(journal kept: {kept})")
            checked += 1
        fragments = sum(1 for e in recording.events if e[0] == "write")
        assert fragments >= 4 * 30, f"only {fragments} fragments written"
    print(f"HLS power cuts checked: {checked} cut points")


def at_full_speed(server: str) -> Callable[[str], str]:
    return lambda url: re.sub(r"/files/rate:\d+/", "/files/fast/",
                              re.sub(r"^http://127\.0\.0\.1:\d+", server, url))


def _resume(recording: powercut.Recording, model: powercut.Model, cut: powercut.Cut,
            store: int, files: dict[str, bytes], server: FaultServer,
            references: dict[str, dict[str, bytes]]) -> None:
    """Put the disk as ``cut`` left it; a fresh worker must finish every stream
    with the bytes of an uninterrupted download."""
    powercut.materialise(recording, model, store, files, at_full_speed(server.base_url))
    rows = powercut.rows(model.images[store]) if store >= 0 else []
    worker = WorkerProcess(recording.home, settings=FAST)
    try:
        assert set(worker.downloads) == {row.id for row in rows}
        worker.send(p.Resume(all=True))
        for row in rows:
            info = worker.wait_state(row.id, S.COMPLETED, S.FAILED, timeout=120)
            where = (f"after a cut at operation {cut.index} "
                     f"({cut.event[0] if cut.event else 'start'}), store {store}")
            assert info.state is S.COMPLETED, f"{where}: {info.error}"
            stream = row.url.rsplit("/", 2)[-2]
            assert Path(info.path).suffix == ".mp4", f"{where}: {info.name}"
            assert Path(info.path).read_bytes() == references[stream][".mp4"], (
                f"{where}: {info.name} differs from an uninterrupted download")
    finally:
        worker.close()


@seed(SEED)
@settings(max_examples=RESUMES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_after_a_cut_a_fresh_worker_resumes_every_stream_to_the_same_bytes(
        all_cuts, streams, stream_server, data) -> None:
    recording, model, cuts = data.draw(st.sampled_from(all_cuts), label="recording")
    changes = [c for c in cuts if c.event and c.event[0] not in ("write", "open")]
    cut = data.draw(st.sampled_from(cuts) | st.sampled_from(changes), label="cut")
    store = data.draw(st.sampled_from(cut.stores), label="store")
    chance = random.Random(data.draw(st.integers(0, 2**32), label="torn writes"))
    _resume(recording, model, cut, store, powercut.torn(recording.events, cut, chance),
            stream_server, streams[1])


def test_a_cut_after_the_remux_is_recorded_finishes_that_mp4(all_cuts, streams,
                                                             stream_server) -> None:
    """The window between the remuxed ``.mp4`` recorded (durably, its bytes
    flushed) and the download recorded complete: the next worker finishes
    that file as it is, never fetching fragments onto it."""
    recording, model, cuts = all_cuts[0]
    remuxed = next(c for c in cuts if c.event and c.event[0] == "commit" and c.event[1] and any(
        row.name.endswith(".mp4") and row.size is not None and row.state != "completed"
        and not row.url.endswith("/fmp4/index.m3u8")
        for row in powercut.rows(model.images[c.stores[-1]])))
    files = {path: content for path, (_, content) in remuxed.files.items()}
    _resume(recording, model, remuxed, remuxed.stores[-1], files, stream_server, streams[1])
