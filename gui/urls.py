"""Finding download URLs in pasted or dropped text (fast enough for 10,000)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from engine import urlglob
from engine.urls import check_url, redact

log = logging.getLogger(__name__)

_STOP = r"\s<>\"'`"  # characters that end a URL in running text
_URL = (
    r"https?://"
    rf"(?:[^{_STOP}/?#@]*@)?"  # user info
    rf"(?:\[[0-9A-Fa-f:.]+\]|[^{_STOP}/?#:@\[\]]+)"  # host: [IPv6] or a name
    r"(?::(?P<port>\d{1,5}))?"
    rf"(?:[/?#][^{_STOP}]*)?"
)
_IN_TEXT = re.compile(rf"(?<![\w.+-]){_URL}", re.IGNORECASE)
_TRAILING = ".,;:!?"  # sentence punctuation after a URL in running text
MASK = "•••"


def is_download_url(text: str) -> bool:
    """True for a link the worker will accept (:func:`engine.urls.check_url`)."""
    return check_url(text) is None


def mask_credentials(url: str) -> str:
    """``url`` with any user name and password replaced by a mask, for showing."""
    return redact(url, MASK)


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
    for match in _IN_TEXT.finditer(text):
        url = _trim(match.group(0))
        if is_download_url(url):
            seen.setdefault(url, None)
    return list(seen)


@dataclass(frozen=True)
class ParsedLines:
    """The outcome of reading a box of URLs, one per line."""

    urls: tuple[str, ...]
    invalid: tuple[tuple[int, str], ...]  # (1-based line number, the line)
    patterns: int = 0  # lines that were batch patterns (``file[1-9].zip``), expanded
    pattern_errors: tuple[tuple[int, str], ...] = ()  # (line number, why it was refused)


def parse_lines(text: str, globbing: bool = True) -> ParsedLines:
    """Each non-blank line must be one http(s) URL or, with ``globbing``, a
    curl pattern (:mod:`engine.urlglob`) that expands to some; duplicates count once."""
    urls: dict[str, None] = {}
    invalid: list[tuple[int, str]] = []
    errors: list[tuple[int, str]] = []
    patterns = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if not (globbing and urlglob.is_pattern(line)):
            if is_download_url(line):
                urls.setdefault(line, None)
            else:
                invalid.append((number, line))
            continue
        try:
            expanded = urlglob.expand(line)
        except urlglob.GlobError as exc:
            errors.append((number, str(exc)))
            continue
        if not is_download_url(expanded[0]):
            invalid.append((number, line))
            continue
        patterns += 1
        for url in expanded:
            urls.setdefault(url, None)
    return ParsedLines(tuple(urls), tuple(invalid), patterns, tuple(errors))
