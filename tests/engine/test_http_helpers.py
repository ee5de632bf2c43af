"""Parsing of what servers send back, and URL validation."""

from __future__ import annotations

import base64

import pytest
from requests.structures import CaseInsensitiveDict

from engine.http import (
    ContentRange,
    Validators,
    parse_content_range,
    retry_after_seconds,
    server_digest,
    unsatisfied_range_size,
    with_range,
)
from engine.urls import check_url, redact


@pytest.mark.parametrize(("value", "expected"), [
    ("bytes 0-99/1000", ContentRange(0, 99, 1000)),
    ("bytes 500-999/*", ContentRange(500, 999, None)),
    ("BYTES 1-1/2", ContentRange(1, 1, 2)),
    ("bytes 10-5/100", None),
    ("bytes 0-100/100", None),
    ("bytes */100", None),
    ("items 0-1/2", None),
    ("", None),
    (None, None),
])
def test_parse_content_range(value: str | None, expected: ContentRange | None) -> None:
    assert parse_content_range(value) == expected


def test_unsatisfied_range_size() -> None:
    assert unsatisfied_range_size("bytes */1234") == 1234
    assert unsatisfied_range_size("bytes 0-1/2") is None


def test_if_range_takes_a_strong_etag_else_the_date() -> None:
    assert Validators('"abc"', "Mon").if_range() == '"abc"'
    assert Validators('W/"abc"', "Mon").if_range() == "Mon"
    assert Validators(None, None).if_range() is None
    headers = with_range({}, 100, 200, Validators('W/"weak"', None))
    assert headers == {"Range": "bytes=100-199"}
    assert with_range({}, 5, None, Validators('"s"'))["Range"] == "bytes=5-"


def test_validators_conflict_only_when_both_sides_name_one() -> None:
    assert Validators('"a"').conflicts_with(Validators('"b"'))
    assert not Validators('"a"').conflicts_with(Validators(None, "date"))
    assert Validators(None, "d1").conflicts_with(Validators(None, "d2"))


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert retry_after_seconds("soon") is None


@pytest.mark.parametrize(("url", "problem"), [
    ("file:///etc/passwd", "not file:"),
    ("javascript:alert(1)", "not javascript:"),
    ("data:text/plain,hi", "not data:"),
    ("ftp://host/x", "not ftp:"),
    ("example.com/file", "not no scheme"),
    ("http:///nohost", "no host"),
    ("http://host/a file.iso", "spaces"),
    ("http://host:99999/x", "not valid"),
    ("", "empty"),
    ("http://h/" + "a" * 70000, "too long"),
])
def test_bad_urls_get_a_sentence(url: str, problem: str) -> None:
    reason = check_url(url)
    assert reason is not None and problem in reason


@pytest.mark.parametrize("url", ["http://h/x", "https://xn--bcher-kva.example/x",
                                 "http://user:pw@h:8080/x", "HTTP://H/X"])
def test_good_urls_pass(url: str) -> None:
    assert check_url(url) is None


def test_credentials_are_masked() -> None:
    assert redact("http://user:secret@h:81/x?q") == "http://***@h:81/x?q"
    assert redact("http://h/x") == "http://h/x"


_SHA256 = bytes(range(32))
_SHA512 = bytes(range(64))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize(("headers", "expected"), [
    ({"Repr-Digest": f"sha-256=:{_b64(_SHA256)}:"}, f"sha256={_SHA256.hex()}"),
    ({"Digest": f"SHA-512={_b64(_SHA512)}"}, f"sha512={_SHA512.hex()}"),
    # A bad entry is skipped, not the end of the list.
    ({"Repr-Digest": f"sha-256=:@@@@:, sha-512=:{_b64(_SHA512)}:"}, f"sha512={_SHA512.hex()}"),
    ({"Repr-Digest": f"sha-256=:{_b64(_SHA256[:20])}:"}, None),  # the wrong length
    ({"Repr-Digest": f"sha-256=:{_b64(_SHA256)[:10]}!{_b64(_SHA256)[10:]}:"}, None),  # not base64
    ({"Repr-Digest": "sha-256=:é" + "A" * 43 + ":"}, None),  # not even ASCII
    ({"Repr-Digest": f"md5=:{_b64(_SHA256[:16])}:"}, None),  # an algorithm not trusted
])
def test_a_server_digest_is_taken_only_when_it_is_whole(headers: dict[str, str],
                                                         expected: str | None) -> None:
    assert server_digest(CaseInsensitiveDict(headers)) == expected
