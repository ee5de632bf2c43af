"""Video pages for the media tests, made with ffmpeg (a few seconds of test pattern).

Under one folder served by nginx: ``video.html`` (a ``<video>`` of one file
with video and audio), ``sources.html`` (a ``<video>`` of two sources: a
lossless video-only file spanning several MEDIA_PIECE ranges and an audio-only
file), ``stream.html`` (a ``<video>`` playing an HLS master playlist with two
video-only variants, 160x120 and 320x240, and an English audio rendition) and
``nothing.html`` (no media at all).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from engine.download import MEDIA_PIECE

FFMPEG = shutil.which("ffmpeg")
SECONDS = 4


def _ffmpeg(folder: Path, *arguments: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([FFMPEG or "ffmpeg", "-nostdin", "-loglevel", "error", "-y", *arguments],
                   cwd=folder, check=True)


def _video(size: str) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc2=duration={SECONDS}:size={size}:rate=25"]


AUDIO = ["-f", "lavfi", "-i", f"sine=duration={SECONDS}"]


def _page(path: Path, title: str, body: str) -> None:
    path.write_text(f"<!DOCTYPE html><html><head><title>{title}</title></head>"
                    f"<body><h1>{title}</h1>{body}</body></html>")


def make_site(root: Path) -> Path:
    """The pages and their media under ``root`` (made once per folder)."""
    if (root / "nothing.html").exists():
        return root
    _ffmpeg(root, *_video("320x240"), *AUDIO, "-c:v", "libx264", "-c:a", "aac",
            "-movflags", "+faststart", "clip.mp4")
    _page(root / "video.html", "Garden walk", '<video controls src="clip.mp4"></video>')
    # Lossless, so the video-only file spans several MEDIA_PIECE ranges.
    _ffmpeg(root, *_video("640x480"), "-c:v", "libx264", "-preset", "ultrafast", "-crf", "0",
            "video-only.mp4")
    _ffmpeg(root, *AUDIO, "-c:a", "aac", "audio-only.m4a")
    assert (root / "video-only.mp4").stat().st_size > MEDIA_PIECE
    _page(root / "sources.html", "Two sources",
          '<video controls><source src="audio-only.m4a" type="audio/mp4">'
          '<source src="video-only.mp4" type="video/mp4"></video>')
    hls = root / "hls"
    for name, size in (("low", "160x120"), ("high", "320x240")):
        _ffmpeg(hls / name, *_video(size), "-c:v", "libx264", "-g", "25", "-an", "-f", "hls",
                "-hls_time", "1", "-hls_playlist_type", "vod", "index.m3u8")
    _ffmpeg(hls / "audio", *AUDIO, "-c:a", "aac", "-f", "hls", "-hls_time", "1",
            "-hls_playlist_type", "vod", "index.m3u8")
    (hls / "master.m3u8").write_text(
        "#EXTM3U\n"
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",DEFAULT=YES,'
        'AUTOSELECT=YES,URI="audio/index.m3u8"\n'
        '#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=160x120,CODECS="avc1.64000c,mp4a.40.2",'
        'AUDIO="aud"\nlow/index.m3u8\n'
        '#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=320x240,CODECS="avc1.64000d,mp4a.40.2",'
        'AUDIO="aud"\nhigh/index.m3u8\n')
    _page(root / "stream.html", "Concert stream",
          '<video controls><source src="hls/master.m3u8" type="application/x-mpegURL">'
          "</video>")
    _page(root / "nothing.html", "Just words", "<p>No video here, no audio either.</p>")
    return root


def probe(path: Path) -> dict:
    """ffprobe's view: the duration and each stream's type and width."""
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                          "format=duration:stream=codec_type,width", "-of", "json", str(path)],
                         capture_output=True, check=True, text=True).stdout
    return json.loads(out)
