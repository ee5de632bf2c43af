"""The playlist decisions of engine/hls.py, tabulated (pure, no I/O)."""

from __future__ import annotations

import pytest

from engine import hls
from engine.http import DownloadError
from engine.protocol import ErrorCode

BASE = "http://127.0.0.1:1/v/index.m3u8"


def _master(*variants: tuple[int, str | None, str]) -> str:
    lines = ["#EXTM3U"]
    for bandwidth, resolution, uri in variants:
        attributes = f"BANDWIDTH={bandwidth}" + (f",RESOLUTION={resolution}" if resolution else "")
        lines += [f"#EXT-X-STREAM-INF:{attributes}", uri]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("variants", "best"), [
    ([(100, "320x240", "a.m3u8"), (900, "160x120", "b.m3u8")], "b.m3u8"),  # bandwidth first
    ([(500, "320x240", "a.m3u8"), (500, "1280x720", "b.m3u8")], "b.m3u8"),  # then resolution
    ([(500, None, "a.m3u8"), (500, "640x360", "b.m3u8")], "b.m3u8"),
    ([(700, None, "hi/x.m3u8")], "hi/x.m3u8"),
])
def test_best_variant(variants, best) -> None:
    assert hls.best_variant(_master(*variants), BASE) == f"http://127.0.0.1:1/v/{best}"


def test_a_media_playlist_has_no_variant() -> None:
    assert hls.best_variant("#EXTM3U\n#EXTINF:1,\na.ts\n#EXT-X-ENDLIST\n", BASE) is None


def _media(body: str, *, end: bool = True, sequence: int = 0) -> str:
    return (f"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:{sequence}\n{body}"
            + ("#EXT-X-ENDLIST\n" if end else ""))


def test_byte_ranges_without_an_offset_follow_the_previous_one() -> None:
    fragments = hls.fragments(_media(
        "#EXTINF:1,\n#EXT-X-BYTERANGE:100@50\nall.ts\n"
        "#EXTINF:1,\n#EXT-X-BYTERANGE:30\nall.ts\n"), BASE)
    assert [(f.start, f.end) for f in fragments] == [(50, 150), (150, 180)]


def test_iv_is_explicit_or_the_sequence_number() -> None:
    fragments = hls.fragments(_media(
        '#EXT-X-KEY:METHOD=AES-128,URI="k1"\n#EXTINF:1,\na.ts\n#EXTINF:1,\nb.ts\n'
        '#EXT-X-KEY:METHOD=AES-128,URI="k2",IV=0x0A\n#EXTINF:1,\nc.ts\n'
        "#EXT-X-KEY:METHOD=NONE\n#EXTINF:1,\nd.ts\n", sequence=300), BASE)
    keys = [f.key for f in fragments]
    assert keys[0] == hls.Key("http://127.0.0.1:1/v/k1", (300).to_bytes(16, "big"))
    assert keys[1] == hls.Key("http://127.0.0.1:1/v/k1", (301).to_bytes(16, "big"))
    assert keys[2] == hls.Key("http://127.0.0.1:1/v/k2", (10).to_bytes(16, "big"))
    assert keys[3] is None


def test_an_init_section_comes_once_before_its_fragments() -> None:
    fragments = hls.fragments(_media(
        '#EXT-X-MAP:URI="init.mp4"\n#EXTINF:1,\na.m4s\n#EXTINF:1,\nb.m4s\n'), BASE)
    assert [(f.url.rsplit("/", 1)[-1], f.init) for f in fragments] == [
        ("init.mp4", True), ("a.m4s", False), ("b.m4s", False)]
    assert hls.suffix(fragments) == ".mp4"


@pytest.mark.parametrize(("text", "code"), [
    (_media("#EXTINF:1,\na.ts\n", end=False), ErrorCode.LIVE_STREAM),
    (_media(""), ErrorCode.BAD_PLAYLIST),
    ("<html>not a playlist</html>", ErrorCode.BAD_PLAYLIST),
    (_media('#EXT-X-KEY:METHOD=SAMPLE-AES,URI="k"\n#EXTINF:1,\na.ts\n'),
     ErrorCode.BAD_PLAYLIST),
    (_media("#EXTINF:1,\n#EXT-X-BYTERANGE:30\nall.ts\n"), ErrorCode.BAD_PLAYLIST),
])
def test_refused_playlists_say_why(text, code) -> None:
    with pytest.raises(DownloadError) as caught:
        hls.fragments(text, BASE)
    assert caught.value.code is code and not caught.value.transient
    assert str(caught.value).endswith(".")


@pytest.mark.parametrize(("value", "expected"), [
    ("application/vnd.apple.mpegurl", True), ("application/x-mpegURL; charset=utf-8", True),
    ("audio/mpegurl", True), ("video/mp2t", False), (None, False),
])
def test_playlist_content_types(value, expected) -> None:
    assert hls.is_playlist_type(value) is expected
