"""URL finding and human-readable formatting."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QLocale

from gui.formatting import format_duration, format_percent, format_size, format_speed
from gui.urls import find_urls, is_download_url, parse_lines


def test_find_urls_in_running_text() -> None:
    text = (
        "Get http://127.0.0.1:8080/a.iso, then (see https://127.0.0.1/wiki/Foo_(bar)).\n"
        "ftp://127.0.0.1/no and HTTP://127.0.0.1/UPPER. Twice: http://127.0.0.1:8080/a.iso"
    )
    assert find_urls(text) == [
        "http://127.0.0.1:8080/a.iso",
        "https://127.0.0.1/wiki/Foo_(bar)",
        "HTTP://127.0.0.1/UPPER",
    ]


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("http://127.0.0.1/x", True),
        ("https://example.invalid/a?b=c#d", True),
        ("http:///nohost", False),
        ("http://127.0.0.1:99999/x", False),
        ("ftp://127.0.0.1/x", False),
        ("http://127.0.0.1/a b", False),
        ("", False),
    ],
)
def test_is_download_url(text: str, ok: bool) -> None:
    assert is_download_url(text) is ok


def test_parse_lines_reports_bad_lines() -> None:
    parsed = parse_lines("http://127.0.0.1/a\n\n  not a url \nhttp://127.0.0.1/a\nftp://x/y\n")
    assert parsed.urls == ("http://127.0.0.1/a",)
    assert parsed.invalid == ((3, "not a url"), (5, "ftp://x/y"))


def test_ten_thousand_lines_are_quick() -> None:
    text = "\n".join(f"http://127.0.0.1/file-{i}.bin" for i in range(10_000))
    started = time.perf_counter()
    assert len(parse_lines(text).urls) == 10_000
    assert len(find_urls(text)) == 10_000
    print(f"parsed 2 x 10,000 URLs in {time.perf_counter() - started:.3f} s")


def test_formatting() -> None:
    c = QLocale(QLocale.Language.C)
    assert format_size(c, None) == "—"
    assert format_size(c, 1536) == "1.5 kB"
    assert format_speed(c, 0) == ""
    assert format_speed(c, 2.5 * 1024 * 1024) == "2.5 MB/s"
    assert format_percent(c, 0.4213) == "42.1 %"
    assert format_percent(c, 1.0) == "100 %"
    assert format_duration(None) == ""
    assert format_duration(45.4) == "45 s"
    assert format_duration(185) == "3 min 05 s"
    assert format_duration(2 * 3600 + 600) == "2 h 10 min"
    assert format_duration(3 * 86400 + 4 * 3600) == "3 d 4 h"
