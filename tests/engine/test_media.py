"""Media pages read by yt-dlp's generic extractor, downloaded by the worker.

Real pages on a real nginx (:mod:`tests.media_site`), the results checked
with ffprobe.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine import protocol as p
from engine.download import MEDIA_PIECE
from tests.engine.conftest import FAST
from tests.media_site import SECONDS, make_site, probe
from tests.worker_client import WorkerProcess

S = p.State
pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None,
                                reason="ffmpeg is not installed")


@pytest.fixture(scope="module")
def site(nginx) -> Path:
    return make_site(nginx.root / "site")


def _media(worker: WorkerProcess, url: str) -> p.Media:
    worker.send(p.GetMedia(url))
    worker.wait_until(lambda: any(isinstance(m, p.Media) and m.url == url for m in worker.seen),
                      60, f"media of {url}")
    return next(m for m in worker.seen if isinstance(m, p.Media) and m.url == url)


def _get(worker: WorkerProcess, url: str, folder: Path, **options: object) -> p.DownloadInfo:
    (download_id,) = worker.add([url], folder, **options)
    return worker.wait_state(download_id, S.COMPLETED, S.FAILED, timeout=90)


def _playable(path: Path, kinds: list[str]) -> dict:
    probed = probe(path)
    assert abs(float(probed["format"]["duration"]) - SECONDS) < 0.5
    assert sorted(s["codec_type"] for s in probed["streams"]) == kinds
    return probed


def test_a_video_page_offers_its_file(worker, nginx, site) -> None:
    answer = _media(worker, nginx.url("site/video.html"))
    assert not answer.error and answer.title.startswith("Garden walk")
    (only,) = answer.formats
    assert only.ext == "mp4" and not only.stream and answer.best == only.id


def test_a_video_page_downloads_as_the_playable_file(worker, nginx, site, downloads) -> None:
    url = nginx.url("site/video.html")
    info = _get(worker, url, downloads, media=_media(worker, url).best)
    assert info.state is S.COMPLETED, info.error
    assert info.name.startswith("Garden walk") and info.name.endswith(".mp4")
    assert Path(info.path).read_bytes() == (site / "clip.mp4").read_bytes()
    _playable(Path(info.path), ["audio", "video"])
    assert [f.name for f in downloads.iterdir()] == [info.name]


def test_a_page_with_no_media_says_so(worker, nginx, site, downloads) -> None:
    url = nginx.url("site/nothing.html")
    answer = _media(worker, url)
    assert answer.error_code == p.ErrorCode.NO_MEDIA and not answer.formats
    assert "No video or audio" in answer.error
    info = _get(worker, url, downloads, media="0")
    assert info.state is S.FAILED and info.error_code == p.ErrorCode.NO_MEDIA
    assert list(downloads.iterdir()) == []


def test_a_file_is_no_page(worker, nginx, site) -> None:
    answer = _media(worker, nginx.url("site/clip.mp4"))
    assert answer == p.Media(url=nginx.url("site/clip.mp4"))


def test_a_missing_page_is_not_found(worker, nginx, site) -> None:
    answer = _media(worker, nginx.url("site/gone.html"))
    assert answer.error_code == p.ErrorCode.NOT_FOUND


def _hls_formats(answer: p.Media) -> tuple[p.MediaFormat, p.MediaFormat, p.MediaFormat]:
    audio = next(f for f in answer.formats if f.audio_only)
    low, high = sorted((f for f in answer.formats if f.video_only), key=lambda f: f.height or 0)
    return audio, low, high


@pytest.mark.parametrize("path", ["site/stream.html", "site/hls/master.m3u8"])
def test_hls_variants_and_audio_are_offered(worker, nginx, site, path) -> None:
    answer = _media(worker, nginx.url(path))
    assert not answer.error
    audio, low, high = _hls_formats(answer)
    assert (low.width, low.height, high.width, high.height) == (160, 120, 320, 240)
    assert all(f.stream for f in (audio, low, high)) and "English" in audio.note
    assert high.bitrate and low.bitrate and high.bitrate > low.bitrate
    assert answer.best == f"{high.id}+{audio.id}"


def test_a_chosen_variant_and_audio_track_are_merged(worker, nginx, site, downloads) -> None:
    url = nginx.url("site/stream.html")
    audio, low, _high = _hls_formats(_media(worker, url))
    info = _get(worker, url, downloads, media=f"{low.id}+{audio.id}")
    assert info.state is S.COMPLETED, info.error
    assert info.name.startswith("Concert stream") and info.name.endswith(".mp4")
    probed = _playable(Path(info.path), ["audio", "video"])
    assert [s["width"] for s in probed["streams"] if s["codec_type"] == "video"] == [160]
    fetched = {e.path for e in nginx.access_log_entries()}
    assert not any("/hls/high/" in path for path in fetched)
    assert [f.name for f in downloads.iterdir()] == [info.name]


def test_two_files_are_fetched_in_ranges_and_merged(worker, nginx, site, downloads) -> None:
    url = nginx.url("site/sources.html")
    answer = _media(worker, url)
    by_ext = {f.ext: f for f in answer.formats}
    info = _get(worker, url, downloads, media=f"{by_ext['mp4'].id}+{by_ext['m4a'].id}")
    assert info.state is S.COMPLETED, info.error
    probed = _playable(Path(info.path), ["audio", "video"])
    assert [s["width"] for s in probed["streams"] if s["codec_type"] == "video"] == [640]
    ranged = [e for e in nginx.access_log_entries() if e.path == "/site/video-only.mp4"
              and e.range]
    size = (site / "video-only.mp4").stat().st_size
    assert len(ranged) == -(-size // MEDIA_PIECE)
    assert [f.name for f in downloads.iterdir()] == [info.name]


def test_without_ffmpeg_separate_formats_are_refused(home, nginx, site, downloads) -> None:
    worker = WorkerProcess(home, settings=FAST, env={"PATH": "/nonexistent"})
    try:
        url = nginx.url("site/stream.html")
        audio, low, _high = _hls_formats(_media(worker, url))
        info = _get(worker, url, downloads, media=f"{low.id}+{audio.id}")
    finally:
        worker.close()
    assert info.state is S.FAILED and info.error_code == p.ErrorCode.NO_FFMPEG
    assert list(downloads.iterdir()) == []
