"""Batch links: our expansion of curl's URL globbing against curl's own.

curl expands a pattern on the client side, one request per link; with
``-w '%{url_effective}\\n'`` it prints each link it fetched, so every row of the
table is answered by curl, fetching from the fault server on 127.0.0.1.
"""

from __future__ import annotations

import subprocess

import pytest

from engine import urlglob

PATTERNS = [
    "f[1-3].bin",
    "f[001-012].bin",
    "f[8-11].bin",
    "f[1-10:3].bin",
    "f[01-9:4].bin",
    "f[5-5].bin",
    "f[a-e].bin",
    "f[A-F:2].bin",
    "f[Z-a].bin",
    "{one,two,three}.bin",
    "{solo}.bin",
    "{a,}x.bin",
    "{a,b}[1-2]{c,d}.bin",
    "d[1-2]/f[x-z]{.bin,.txt}",
    "plain.bin",
    r"lit\[1-2\].bin",
    r"f\{a,b\}.bin",
    r"{a\,b,c}.bin",
    r"{a\}b,c}.bin",
    "empty[].bin",
    "f[1- 3].bin",
    "f[0-0].bin",
    "f[00-3].bin",
]

MALFORMED = [
    "f[1-3.bin", "f[3-1].bin", "f[1-3:0].bin", "f[1-3:5].bin", "f[5-5:2].bin", "f[z-a].bin",
    "f[A-z].bin", "f[a-].bin", "f[-3].bin", "f[1-x].bin", "{a,b.bin", "{}.bin",
    "{a,{b}}.bin", "{a,[1-2]}.bin", "f].bin", "f}.bin", "f[!-3].bin", "f[a-c:x].bin",
]


def curl_expansion(url: str) -> tuple[int, list[str]]:
    result = subprocess.run(
        ["curl", "-s", "--noproxy", "*", "-o", "/dev/null", "-w", "%{url_effective}\\n", url],
        capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout.splitlines()


@pytest.mark.parametrize("tail", PATTERNS)
def test_expansion_is_curls(fault_server, tail: str) -> None:
    pattern = fault_server.url("/data/16/") + tail
    code, links = curl_expansion(pattern)
    assert code == 0 and links, (code, links)
    assert urlglob.expand(pattern) == links
    assert urlglob.count(pattern) == len(links)


@pytest.mark.parametrize("tail", MALFORMED)
def test_curl_and_we_refuse_the_same_patterns(fault_server, tail: str) -> None:
    pattern = fault_server.url("/data/16/") + tail
    code, links = curl_expansion(pattern)
    assert code == 3 and not links  # CURLE_URL_MALFORMAT, nothing fetched
    with pytest.raises(urlglob.GlobError, match=r"^The link pattern has .+ at character \d+\.$"):
        urlglob.expand(pattern)
    assert urlglob.is_pattern(pattern)


def test_too_many_links_are_refused_with_a_sentence() -> None:
    pattern = "http://127.0.0.1/f[1-100]/[1-101].bin"
    assert urlglob.count(pattern) == 10_100
    with pytest.raises(urlglob.GlobError) as caught:
        urlglob.expand(pattern)
    assert str(caught.value) == ("The link pattern makes 10,100 links; "
                                 "at most 10,000 can be added at once.")
    assert len(urlglob.expand("http://127.0.0.1/f[1-100]/[1-100].bin")) == 10_000


def test_a_huge_pattern_is_counted_without_being_expanded() -> None:
    assert urlglob.count("http://127.0.0.1/[1-1000000][1-1000000]") == 10**12


def test_plain_links_are_not_patterns() -> None:
    assert not urlglob.is_pattern("http://127.0.0.1/a.bin?x=1#y")
    assert urlglob.is_pattern("http://127.0.0.1/a[1-2].bin")
    assert urlglob.is_pattern("http://127.0.0.1/{a}.bin")
    assert urlglob.is_pattern(r"http://127.0.0.1/\[a\].bin")
