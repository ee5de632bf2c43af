"""Finding download URLs in pasted or dropped text."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

_URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\""  # sentence punctuation after a URL in running text


def is_download_url(text: str) -> bool:
    """True for an absolute http(s) URL with a host (and a valid port, if any)."""
    if not text or any(ch.isspace() for ch in text):
        return False
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError for a bad port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _trim(url: str) -> str:
    """Drop punctuation that ends a sentence rather than the URL."""
    while url:
        unbalanced = url[-1] == ")" and url.count("(") < url.count(")")
        if url[-1] not in _TRAILING and not unbalanced:
            break
        url = url[:-1]
    return url


def find_urls(text: str) -> list[str]:
    """Every http(s) URL in free text, in order, without duplicates."""
    seen: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = _trim(match.group(0))
        if is_download_url(url):
            seen.setdefault(url, None)
    return list(seen)


@dataclass(frozen=True)
class ParsedLines:
    """The outcome of reading a box of URLs, one per line."""

    urls: tuple[str, ...]
    invalid: tuple[tuple[int, str], ...]  # (1-based line number, the line)


def parse_lines(text: str) -> ParsedLines:
    """Each non-blank line must be one http(s) URL; duplicates count once."""
    urls: dict[str, None] = {}
    invalid: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if is_download_url(line):
            urls.setdefault(line, None)
        else:
            invalid.append((number, line))
    return ParsedLines(tuple(urls), tuple(invalid))
