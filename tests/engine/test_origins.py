"""The Origin policy: what a browser sends in ``Origin`` against what the user typed."""

from __future__ import annotations

from engine.origins import normalize_origin, origin_allowed, parse_origins


def test_pages_are_refused_unless_listed_and_extensions_are_allowed() -> None:
    listed = parse_origins("http://localhost:6880/ https://ariang.example/#!/settings")[0]
    assert listed == ("http://localhost:6880", "https://ariang.example")
    assert origin_allowed(None, ())  # curl, aria2p: no Origin
    assert origin_allowed("chrome-extension://mpkodccbngfoacfalldjimigbofkhgjn", ())
    assert origin_allowed("moz-extension://0b5ef0d1-4f54-4b40-8a56-7bd17c0b1b3e", ())
    assert not origin_allowed("https://evil.example", listed)
    assert not origin_allowed("null", listed)  # a file:// page or a sandboxed frame
    assert not origin_allowed("http://localhost:6881", listed)
    assert origin_allowed("http://localhost:6880", listed)
    assert origin_allowed("HTTPS://AriaNG.example:443", listed)


def test_what_is_not_an_http_origin_is_reported() -> None:
    assert parse_origins("ftp://x.test, localhost:6880;; http://[::1]:8080") == (
        ("http://[::1]:8080",), ("ftp://x.test", "localhost:6880"))
    assert normalize_origin("http://x.test:99999") is None
    assert normalize_origin("https://") is None
