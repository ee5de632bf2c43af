"""Media pages and streams: what a URL offers, and the formats chosen of it.

A web page (the server answers HTML) or an HLS master playlist is read by
yt-dlp in a short-lived child process (:mod:`engine.media_extractor`, started
with gevent's cooperative ``subprocess`` and killed after
:data:`EXTRACT_TIMEOUT`): nothing blocks the worker's hub and yt-dlp is never
imported into it.  Only formats Greenget's engine fetches itself are offered:
plain files (``http``/``https``, fetched in segments) and HLS (``m3u8``,
through :mod:`engine.hls`); DASH manifests and other protocols are left out.
Formats are chosen by their yt-dlp ``format_id``, several joined by ``+``
(a video and an audio, merged by ffmpeg).
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass
from typing import Any

import gevent
import requests
from gevent import subprocess

from engine import hls
from engine.http import DownloadError, Sessions, network_error, status_error
from engine.protocol import ErrorCode, GetMedia, Media, MediaFormat
from engine.settings import Settings
from engine.urls import check_url, redact

log = logging.getLogger(__name__)

EXTRACT_TIMEOUT = 90.0  # seconds for yt-dlp to read a page, then the child is killed
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FILE_PROTOCOLS = ("http", "https")
_STREAM_PROTOCOLS = ("m3u8", "m3u8_native")
_MP4_FAMILY = frozenset({"mp4", "m4a", "m4v", "mov"})


@dataclass(frozen=True)
class Stream:
    """One chosen format, as the engine fetches it."""

    format_id: str
    url: str
    hls: bool  # an HLS playlist, else one file
    ext: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Extracted:
    """yt-dlp's answer about a page: its title, its formats (the raw fields of
    :data:`engine.media_extractor.FIELDS`), the default choice."""

    title: str
    formats: list[dict[str, Any]]
    best: str


def extractor_command() -> list[str]:
    """The child program: this interpreter with the module, or a frozen app
    with the launcher's flag."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--media-extractor"]
    return [sys.executable, "-m", "engine.media_extractor"]


def extract(url: str, headers: dict[str, str], settings: Settings) -> Extracted:
    """Ask yt-dlp (in a child process) what ``url`` holds; raises
    :class:`DownloadError` when it holds nothing Greenget can fetch."""
    request = json.dumps({"url": url, "headers": headers, "proxy": settings.proxy,
                          "timeout": settings.read_timeout})
    child = subprocess.Popen(extractor_command(), stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        with gevent.Timeout(EXTRACT_TIMEOUT):
            out, err = child.communicate(request.encode())
    except gevent.Timeout:
        raise DownloadError(f"yt-dlp did not finish reading {redact(url)} in "
                            f"{EXTRACT_TIMEOUT:.0f} seconds.", code=ErrorCode.TIMEOUT,
                            transient=True) from None
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    if err.strip():
        log.info("yt-dlp on %s: %s", redact(url), err.decode(errors="replace")[-2000:])
    try:
        answer = json.loads(out)
    except ValueError:
        raise DownloadError(f"yt-dlp stopped without an answer (status {child.returncode}).",
                            code=ErrorCode.INTERNAL, transient=False) from None
    if "error" in answer:
        code = ErrorCode(answer.get("code") or ErrorCode.NO_MEDIA)
        transient = code in (ErrorCode.CONNECTION, ErrorCode.SERVER_ERROR, ErrorCode.TIMEOUT)
        raise DownloadError(str(answer["error"]), code=code, transient=transient)
    formats = [f for f in answer["formats"] if f.get("url") and f.get("format_id")
               and f.get("protocol") in (*_FILE_PROTOCOLS, *_STREAM_PROTOCOLS)]
    if not formats:
        raise DownloadError("This page offers its media only in forms Greenget does not "
                            "download (DASH, or another streaming protocol).",
                            code=ErrorCode.NO_MEDIA, transient=False)
    best = answer.get("best") or ""
    ids = {f["format_id"] for f in formats}
    if not best or not all(part in ids for part in best.split("+")):
        best = formats[-1]["format_id"]  # yt-dlp lists the best last
    return Extracted(str(answer.get("title") or ""), formats, best)


def offer(url: str, extracted: Extracted) -> Media:
    """The ``media`` answer for the window: the formats without their links."""
    return Media(url=url, title=extracted.title, best=extracted.best,
                 formats=tuple(_offered(f) for f in extracted.formats))


def _offered(raw: dict[str, Any]) -> MediaFormat:
    def number(name: str) -> int | None:
        value = raw.get(name)
        return int(value) if isinstance(value, (int, float)) and value > 0 else None

    size = number("filesize")
    estimated = size is None and number("filesize_approx") is not None
    bitrate = raw.get("tbr")
    return MediaFormat(
        id=str(raw["format_id"]), ext=str(raw.get("ext") or ""), width=number("width"),
        height=number("height"), vcodec=str(raw.get("vcodec") or ""),
        acodec=str(raw.get("acodec") or ""),
        bitrate=float(bitrate) if isinstance(bitrate, (int, float)) and bitrate > 0 else None,
        size=size or number("filesize_approx"), size_estimated=estimated,
        stream=raw.get("protocol") in _STREAM_PROTOCOLS, note=str(raw.get("format_note") or ""))


def chosen(extracted: Extracted, wanted: str, headers: dict[str, str]) -> list[Stream]:
    """The streams of the formats ``wanted`` (ids joined by ``+``), the
    download's own ``headers`` over the ones yt-dlp says the site needs."""
    by_id = {f["format_id"]: f for f in extracted.formats}
    streams = []
    for format_id in wanted.split("+"):
        raw = by_id.get(format_id)
        if raw is None:
            raise DownloadError(f"The page no longer offers the format {format_id!r} that was "
                                "chosen; add it again to choose another.",
                                code=ErrorCode.NO_MEDIA, transient=False)
        streams.append(Stream(format_id, str(raw["url"]), raw["protocol"] in _STREAM_PROTOCOLS,
                              str(raw.get("ext") or ""),
                              {**(raw.get("http_headers") or {}), **headers}))
    return streams


def container(streams: list[Stream]) -> str:
    """The file type that merged ``streams`` go into without re-encoding."""
    exts = {s.ext for s in streams}
    if exts <= _MP4_FAMILY:
        return ".mp4"
    if exts == {"webm"}:
        return ".webm"
    return ".mkv"


def inspect(message: GetMedia, headers: dict[str, str], sessions: Sessions,
            settings: Settings) -> Media:
    """The answer to ``get_media``: a plain file gets an empty ``media``; a
    page or an HLS master playlist its formats; a failure its code."""
    url = message.url
    reason = check_url(url)
    if reason:
        return Media(url=url, error=reason, error_code=ErrorCode.BAD_URL)
    try:
        if not _worth_extracting(url, headers, sessions, settings):
            return Media(url=url)
        return offer(url, extract(url, headers, settings))
    except DownloadError as exc:
        return Media(url=url, error=str(exc), error_code=exc.code)
    except Exception as exc:  # a bug: an answer all the same, and the worker goes on
        log.exception("get_media failed for %s", redact(url))
        return Media(url=url, error=f"Internal error: {exc!r}", error_code=ErrorCode.INTERNAL)


def _worth_extracting(url: str, headers: dict[str, str], sessions: Sessions,
                      settings: Settings) -> bool:
    """True for a web page and for an HLS master playlist (which has variants
    or audio tracks to choose from); False for a file or a media playlist."""
    try:
        response = sessions.open(url, headers, (settings.connect_timeout, settings.read_timeout))
    except requests.RequestException as exc:
        raise network_error(exc) from exc
    with response:
        if response.status_code != 200:
            raise status_error(response)
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind in _HTML_TYPES:
            return True
        if not (hls.is_playlist_url(response.url) or hls.is_playlist_type(kind)):
            return False
        head = response.raw.read(256 * 1024, decode_content=True).decode("utf-8", "replace")
    return "#EXT-X-STREAM-INF" in head
