"""The child process that asks yt-dlp what a page holds: ``python -m engine.media_extractor``.

yt-dlp is blocking code with a large import (about 40 MiB of modules), and its
extractors can hang or crash on a strange page.  So the worker never imports
it: :mod:`engine.media` starts this program for one question, reads its answer
cooperatively and kills it after a time limit.  The worker's hub never blocks,
its memory does not grow, and a broken extractor costs one child process.

Standard input: one JSON object ``{"url", "headers": {name: value}, "proxy",
"timeout"}``.  Standard output: one JSON object, either ``{"title", "best",
"formats": [...]}`` (each format the yt-dlp fields :mod:`engine.media` reads)
or ``{"error": sentence, "code": ErrorCode}``.  Nothing is downloaded.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from engine.protocol import ErrorCode

log = logging.getLogger(__name__)

# The yt-dlp fields of a format that the worker uses (to list it, or to fetch it).
FIELDS = ("format_id", "url", "protocol", "ext", "width", "height", "vcodec", "acodec", "tbr",
          "filesize", "filesize_approx", "format_note", "http_headers")


def _error_code(exc: BaseException) -> ErrorCode:
    """What yt-dlp's failure means, from the exception under its DownloadError."""
    from yt_dlp.networking.exceptions import HTTPError, TransportError
    from yt_dlp.utils import UnsupportedError

    cause = getattr(exc, "exc_info", None)
    inner = cause[1] if cause else exc
    if isinstance(inner, UnsupportedError):
        return ErrorCode.NO_MEDIA
    if isinstance(inner, HTTPError):
        status = inner.status
        if status in (404, 410):
            return ErrorCode.NOT_FOUND
        if status == 403:
            return ErrorCode.FORBIDDEN
        if status == 401:
            return ErrorCode.LOGIN
        return ErrorCode.SERVER_ERROR if status >= 500 else ErrorCode.HTTP_STATUS
    if isinstance(inner, TransportError):
        return ErrorCode.CONNECTION
    return ErrorCode.NO_MEDIA


def _proxy(setting: str) -> dict[str, str]:
    """yt-dlp's proxy option for the worker's setting: ``system`` leaves
    yt-dlp to the environment's proxies, as the engine does."""
    if setting == "system":
        return {}
    return {"proxy": "" if setting == "none" else setting}


def extract(url: str, headers: dict[str, str], proxy: str = "system",
            timeout: float = 30.0) -> dict[str, Any]:
    """The answer for ``url`` (see the module's docstring)."""
    import yt_dlp

    options = {"quiet": True, "no_warnings": True, "noprogress": True, "skip_download": True,
               "noplaylist": True, "socket_timeout": timeout, "http_headers": headers,
               "logger": log, **_proxy(proxy)}
    try:
        with yt_dlp.YoutubeDL(options) as ydl:  # type: ignore[arg-type]
            found: Any = ydl.extract_info(url, download=False)
    except yt_dlp.utils.DownloadError as exc:
        message = str(exc).removeprefix("ERROR: ")
        code = _error_code(exc)
        if code is ErrorCode.NO_MEDIA:
            message = f"No video or audio was found on this page (yt-dlp: {message})."
        return {"error": message, "code": code}
    info: dict[str, Any] = dict(found or {})
    if info.get("_type") == "playlist":  # a page with several: the first
        info = next((dict(entry) for entry in info.get("entries") or () if entry), {})
    formats = info.get("formats") or []
    if not formats:
        return {"error": "No video or audio was found on this page.",
                "code": ErrorCode.NO_MEDIA}
    return {"title": info.get("title") or "", "best": info.get("format_id") or "",
            "formats": [{name: f.get(name) for name in FIELDS} for f in formats]}


def main() -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s extractor %(levelname)s %(name)s: %(message)s")
    request = json.loads(sys.stdin.read())
    try:
        answer = extract(request["url"], request.get("headers") or {},
                         request.get("proxy", "system"), float(request.get("timeout", 30)))
    except Exception as exc:  # an extractor's bug: an answer, not a traceback for the worker
        log.exception("yt-dlp failed on the page")
        answer = {"error": f"yt-dlp could not read the page: {exc!r}",
                  "code": ErrorCode.NO_MEDIA}
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
