"""HLS streams made by ffmpeg, served by a real nginx, fetched by the worker.

The streams are real (``ffmpeg -f lavfi -i testsrc … -f hls``): plain, one
file with byte ranges, AES-128 and a master playlist with two variants.  The
result is checked with ffprobe, and the ``.ts`` kept without ffmpeg against the
fragments ffmpeg wrote (decrypted by ``openssl``, not by our code).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine import protocol as p
from tests.engine.conftest import FAST
from tests.servers.harness import FaultServer, run_fault_server
from tests.worker_client import REPO, WorkerProcess

S = p.State
FFMPEG = shutil.which("ffmpeg")
pytestmark = pytest.mark.skipif(FFMPEG is None, reason="ffmpeg is not installed")
KEY = bytes(range(16))
IV = "000102030405060708090a0b0c0d0e0f"
SOURCE = ["-f", "lavfi", "-i", "testsrc=duration=4:size=320x240:rate=25",
          "-f", "lavfi", "-i", "sine=duration=4"]


def _ffmpeg(folder: Path, name: str, *options: str, size: str = "320x240",
            seconds: str = "1") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    source = [s.replace("320x240", size) for s in SOURCE]
    gop = str(round(25 * float(seconds)))
    subprocess.run([FFMPEG or "ffmpeg", "-nostdin", "-loglevel", "error", *source,
                    "-c:v", "libx264", "-g", gop, "-keyint_min", gop, "-c:a", "aac",
                    "-f", "hls", "-hls_time", seconds, "-hls_playlist_type", "vod", *options,
                    name],
                   cwd=folder, check=True)


@pytest.fixture(scope="session")
def streams(nginx) -> Path:
    """Under nginx's root: hls/plain, hls/byte, hls/aes, hls/master (+ variants)."""
    root = nginx.root / "hls"
    _ffmpeg(root / "plain", "index.m3u8")
    _ffmpeg(root / "byte", "index.m3u8", "-hls_flags", "single_file")
    _ffmpeg(root / "fmp4", "index.m3u8", "-hls_segment_type", "fmp4")
    _ffmpeg(root / "many", "index.m3u8", seconds="0.2")
    aes = root / "aes"
    aes.mkdir(parents=True)
    (aes / "stream.key").write_bytes(KEY)
    (aes / "key_info").write_text(f"stream.key\n{aes / 'stream.key'}\n{IV}\n")
    _ffmpeg(aes, "index.m3u8", "-hls_key_info_file", str(aes / "key_info"))
    seq = root / "aes-seq"
    seq.mkdir(parents=True)
    (seq / "stream.key").write_bytes(KEY)
    (seq / "key_info").write_text(f"stream.key\n{seq / 'stream.key'}\n")  # no IV line
    _ffmpeg(seq, "index.m3u8", "-hls_key_info_file", str(seq / "key_info"),
            "-start_number", "7")
    # ffmpeg writes each fragment's IV (its sequence number); without them the
    # rule (RFC 8216 5.2) must find the same numbers.
    listing = seq / "index.m3u8"
    listing.write_text(re.sub(r",IV=0x[0-9a-fA-F]+", "", listing.read_text()))
    joined = root / "joined"
    joined.mkdir()
    parts = (root / "plain" / "index.m3u8").read_text().split("#EXT-X-ENDLIST")[0]
    body = "\n".join(line for line in parts.splitlines() if line.startswith(("#EXTINF", "index")))
    head = "\n".join(line for line in parts.splitlines()
                     if line.startswith(("#EXTM3U", "#EXT-X-VERSION", "#EXT-X-TARGET")))
    (joined / "index.m3u8").write_text(
        f"{head}\n{body}\n#EXT-X-DISCONTINUITY\n{body}\n#EXT-X-ENDLIST\n".replace(
            "\nindex", "\n../plain/index"))
    _ffmpeg(root / "master" / "low", "index.m3u8", size="160x120")
    _ffmpeg(root / "master" / "high", "index.m3u8")
    (root / "master" / "index.m3u8").write_text(
        "#EXTM3U\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=200000,RESOLUTION=160x120\nlow/index.m3u8\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=320x240\nhigh/index.m3u8\n")
    for name in ("plain", "many"):
        shutil.copy(root / name / "index.m3u8", root / name / "watch")  # no extension
    live = root / "live"
    live.mkdir()
    plain = (root / "plain" / "index.m3u8").read_text()
    (live / "index.m3u8").write_text(plain.replace("#EXT-X-ENDLIST\n", "").replace(
        "index", "../plain/index"))
    return root


def _probe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                          "format=duration:stream=codec_type,width", "-of", "json", str(path)],
                         capture_output=True, check=True, text=True).stdout
    return json.loads(out)


def _segments(playlist: Path) -> list[Path]:
    return [playlist.parent / line for line in playlist.read_text().splitlines()
            if line and not line.startswith("#")]


def _get(worker: WorkerProcess, url: str, folder: Path, **options: object) -> p.DownloadInfo:
    (download_id,) = worker.add([url], folder, **options)
    return worker.wait_state(download_id, S.COMPLETED, S.FAILED)


def test_plain_stream_becomes_an_mp4(worker, nginx, streams, downloads) -> None:
    info = _get(worker, nginx.url("hls/plain/index.m3u8"), downloads, filename="clip.mp4")
    assert info.state is S.COMPLETED, info.error
    assert info.name == "clip.mp4" and not info.error
    probed = _probe(Path(info.path))
    assert abs(float(probed["format"]["duration"]) - 4.0) < 0.3
    assert sorted(s["codec_type"] for s in probed["streams"]) == ["audio", "video"]
    assert sorted(f.name for f in downloads.iterdir()) == ["clip.mp4"]


def test_master_playlist_takes_the_best_variant(worker, nginx, streams, downloads) -> None:
    info = _get(worker, nginx.url("hls/master/index.m3u8"), downloads)
    assert info.state is S.COMPLETED, info.error
    assert info.name == "index.mp4"
    widths = [s.get("width") for s in _probe(Path(info.path))["streams"] if s.get("width")]
    assert widths == [320]
    fetched = {e.path for e in nginx.access_log_entries()}
    assert not any("/master/low/" in path and path.endswith(".ts") for path in fetched)


@pytest.fixture
def no_ffmpeg(home: Path) -> WorkerProcess:
    """A worker whose PATH has no ffmpeg: the ``.ts`` stays."""
    process = WorkerProcess(home, settings=FAST, env={"PATH": "/nonexistent"})
    yield process
    process.close()


def test_without_ffmpeg_the_ts_is_the_fragments_in_order(no_ffmpeg, nginx, streams,
                                                         downloads) -> None:
    info = _get(no_ffmpeg, nginx.url("hls/plain/index.m3u8"), downloads)
    assert info.state is S.COMPLETED, info.error
    assert info.name == "index.ts"
    assert "ffmpeg is not installed" in info.error
    expected = b"".join(f.read_bytes() for f in _segments(streams / "plain" / "index.m3u8"))
    assert Path(info.path).read_bytes() == expected


def test_byte_ranges_of_one_file(no_ffmpeg, nginx, streams, downloads) -> None:
    playlist = (streams / "byte" / "index.m3u8").read_text()
    assert "#EXT-X-BYTERANGE" in playlist
    info = _get(no_ffmpeg, nginx.url("hls/byte/index.m3u8"), downloads)
    assert info.state is S.COMPLETED, info.error
    ranges = [tuple(map(int, m.groups())) for m in re.finditer(r"BYTERANGE:(\d+)@(\d+)",
                                                                playlist)]
    whole = (streams / "byte" / "index.ts").read_bytes()
    assert Path(info.path).read_bytes() == b"".join(whole[o:o + n] for n, o in ranges)
    ranged = [e for e in nginx.access_log_entries() if e.path == "/hls/byte/index.ts"]
    assert len(ranged) == len(ranges) and all(e.range for e in ranged)


def test_aes_128_fragments_are_decrypted(no_ffmpeg, nginx, streams, downloads) -> None:
    playlist = streams / "aes" / "index.m3u8"
    assert "METHOD=AES-128" in playlist.read_text()
    info = _get(no_ffmpeg, nginx.url("hls/aes/index.m3u8"), downloads)
    assert info.state is S.COMPLETED, info.error
    expected = b"".join(
        subprocess.run(["openssl", "aes-128-cbc", "-d", "-K", KEY.hex(), "-iv", IV,
                        "-in", str(f)], capture_output=True, check=True).stdout
        for f in _segments(playlist))
    assert Path(info.path).read_bytes() == expected


def test_aes_128_stream_plays_after_remux(worker, nginx, streams, downloads) -> None:
    info = _get(worker, nginx.url("hls/aes/index.m3u8"), downloads)
    assert info.state is S.COMPLETED, info.error
    probed = _probe(Path(info.path))
    assert abs(float(probed["format"]["duration"]) - 4.0) < 0.3


def test_a_live_playlist_is_refused_with_its_code(worker, nginx, streams, downloads) -> None:
    info = _get(worker, nginx.url("hls/live/index.m3u8"), downloads)
    assert info.state is S.FAILED
    assert info.error_code == p.ErrorCode.LIVE_STREAM and info.error  # and its particulars
    assert list(downloads.iterdir()) == []


def test_fragmented_mp4_with_an_init_section(worker, nginx, streams, downloads) -> None:
    playlist = streams / "fmp4" / "index.m3u8"
    assert "#EXT-X-MAP" in playlist.read_text()
    info = _get(worker, nginx.url("hls/fmp4/index.m3u8"), downloads)
    assert info.state is S.COMPLETED, info.error
    assert info.name == "index.mp4"
    init = streams / "fmp4" / "init.mp4"
    expected = init.read_bytes() + b"".join(f.read_bytes() for f in _segments(playlist))
    assert Path(info.path).read_bytes() == expected
    probed = _probe(Path(info.path))
    assert abs(float(probed["format"]["duration"]) - 4.0) < 0.3


@pytest.fixture(scope="module")
def faulty_files(streams, tmp_path_factory) -> Iterator[FaultServer]:
    """The fault server serving the same streams under /files/<faults>/."""
    log = tmp_path_factory.mktemp("hls-fault-server") / "stderr.log"
    with run_fault_server(log, files=streams) as server:
        yield server


def _requests(server: FaultServer) -> Counter[str]:
    return Counter(r["path"].rsplit("/", 1)[-1] for r in server.stats()["log"])


def test_a_missing_fragment_and_a_dropped_connection_are_retried(
        no_ffmpeg, faulty_files, streams, downloads) -> None:
    faulty_files.reset()
    info = _get(no_ffmpeg, faulty_files.url("/files/404once:index1.ts,drop:index2.ts/plain/"
                                            "index.m3u8"), downloads)
    assert info.state is S.COMPLETED, info.error
    expected = b"".join(f.read_bytes() for f in _segments(streams / "plain" / "index.m3u8"))
    assert Path(info.path).read_bytes() == expected
    counts = _requests(faulty_files)
    assert counts["index1.ts"] == 2 and counts["index2.ts"] == 2
    assert counts["index0.ts"] == 1 and counts["index3.ts"] == 1


def test_a_key_that_fails_once_is_fetched_again(worker, faulty_files, downloads) -> None:
    faulty_files.reset()
    info = _get(worker, faulty_files.url("/files/500once:stream.key/aes/index.m3u8"),
                downloads)
    assert info.state is S.COMPLETED, info.error
    assert abs(float(_probe(Path(info.path))["format"]["duration"]) - 4.0) < 0.3
    assert _requests(faulty_files)["stream.key"] == 2


def test_a_killed_worker_resumes_after_the_last_stored_fragment(
        home, faulty_files, streams, downloads) -> None:
    playlist = streams / "many" / "index.m3u8"
    fragments = _segments(playlist)
    assert len(fragments) >= 15
    sizes = [f.stat().st_size for f in fragments]
    url = faulty_files.url("/files/rate:8000/many/index.m3u8")
    faulty_files.reset()
    first = WorkerProcess(home, settings=FAST, env={"PATH": "/nonexistent"})
    (download_id,) = first.add([url], downloads, connections=2)
    first.wait_done(download_id, sum(sizes[:6]))
    first.pump(1.2)  # a checkpoint (every second) records the fragments written
    first.kill()
    before = _requests(faulty_files)
    faulty_files.reset()
    second = WorkerProcess(home, settings=FAST, env={"PATH": "/nonexistent"})
    try:
        stored = second.downloads[download_id].done
        info = second.wait_state(download_id, S.COMPLETED, S.FAILED)
    finally:
        second.close()
    assert info.state is S.COMPLETED, info.error
    assert Path(info.path).read_bytes() == b"".join(f.read_bytes() for f in fragments)
    kept = next(k for k in range(len(sizes) + 1) if sum(sizes[:k]) == stored)
    assert 6 <= kept < len(fragments)
    after = _requests(faulty_files)
    assert not any(after[f.name] for f in fragments[:kept])  # none fetched again
    assert all(after[f.name] == 1 for f in fragments[kept:] if not before[f.name])


def test_greenget_get_names_the_mp4(home, nginx, streams, downloads) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gui", "get", "-d", str(downloads), "-o", "film.mp4",
         nginx.url("hls/plain/index.m3u8")], cwd=REPO,
        env={**os.environ, "GREENGET_HOME": str(home)}, capture_output=True, text=True,
        timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(f.name for f in downloads.iterdir()) == ["film.mp4"]
    probed = _probe(downloads / "film.mp4")
    assert sorted(s["codec_type"] for s in probed["streams"]) == ["audio", "video"]


def test_aes_128_iv_from_the_media_sequence_number(no_ffmpeg, nginx, streams,
                                                  downloads) -> None:
    playlist = streams / "aes-seq" / "index.m3u8"
    text = playlist.read_text()
    assert "#EXT-X-MEDIA-SEQUENCE:7" in text and "IV=" not in text
    info = _get(no_ffmpeg, nginx.url("hls/aes-seq/index.m3u8"), downloads)
    assert info.state is S.COMPLETED, info.error
    expected = b"".join(
        subprocess.run(["openssl", "aes-128-cbc", "-d", "-K", KEY.hex(),
                        "-iv", f"{number:032x}", "-in", str(f)],
                       capture_output=True, check=True).stdout
        for number, f in enumerate(_segments(playlist), start=7))
    assert Path(info.path).read_bytes() == expected


def test_a_discontinuity_joins_both_parts(worker, nginx, streams, downloads) -> None:
    assert "#EXT-X-DISCONTINUITY" in (streams / "joined" / "index.m3u8").read_text()
    info = _get(worker, nginx.url("hls/joined/index.m3u8"), downloads)
    assert info.state is S.COMPLETED, info.error
    probed = _probe(Path(info.path))
    assert abs(float(probed["format"]["duration"]) - 8.0) < 0.5
    assert sorted(s["codec_type"] for s in probed["streams"]) == ["audio", "video"]


def test_an_hls_content_type_without_the_extension(no_ffmpeg, faulty_files, streams,
                                                   downloads) -> None:
    info = _get(no_ffmpeg, faulty_files.url("/files/hls:watch/plain/watch"), downloads)
    assert info.state is S.COMPLETED, info.error
    assert info.name == "watch.ts"
    expected = b"".join(f.read_bytes() for f in _segments(streams / "plain" / "index.m3u8"))
    assert Path(info.path).read_bytes() == expected


def test_pause_and_resume_fetch_no_stored_fragment_again(no_ffmpeg, faulty_files, streams,
                                                          downloads) -> None:
    fragments = _segments(streams / "many" / "index.m3u8")
    sizes = [f.stat().st_size for f in fragments]
    faulty_files.reset()
    # Known as HLS by its Content-Type only: the resume asks the link again.
    (download_id,) = no_ffmpeg.add([faulty_files.url("/files/rate:8000,hls:watch/many/watch")],
                                   downloads, connections=2)
    no_ffmpeg.wait_done(download_id, sum(sizes[:5]))
    no_ffmpeg.send(p.Pause(ids=(download_id,)))
    paused = no_ffmpeg.wait_state(download_id, S.PAUSED)
    kept = next(k for k in range(len(sizes) + 1) if sum(sizes[:k]) == paused.done)
    assert 5 <= kept < len(fragments)
    faulty_files.reset()
    no_ffmpeg.send(p.Resume(ids=(download_id,)))
    info = no_ffmpeg.wait_state(download_id, S.COMPLETED, S.FAILED)
    assert info.state is S.COMPLETED, info.error
    assert Path(info.path).read_bytes() == b"".join(f.read_bytes() for f in fragments)
    after = _requests(faulty_files)
    assert not any(after[f.name] for f in fragments[:kept])
    assert [after[f.name] for f in fragments[kept:]] == [1] * (len(fragments) - kept)
