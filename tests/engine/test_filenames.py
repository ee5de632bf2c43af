"""File names from servers are made safe, never overwrite, never leave the folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine import filenames as fn
from engine import naming


@pytest.mark.parametrize(("url", "expected"), [
    ("http://h/dir/file%20name.iso?x=1#frag", "file name.iso"),
    ("http://h/%E4%B8%AD%E6%96%87.zip", "中文.zip"),
    ("http://h/caf%E9.txt", "café.txt"),  # not UTF-8: read as windows-1252
    ("http://h/a.txt;type=a", "a.txt"),
    ("http://h/", None),
    ("http://h", None),
])
def test_url_filename_is_the_decoded_last_segment(url: str, expected: str | None) -> None:
    assert naming.url_filename(url) == expected


@pytest.mark.parametrize(("url", "content_type", "expected"), [
    ("http://h/report", "application/pdf", "report.pdf"),
    ("http://h/report", "application/pdf; charset=binary", "report.pdf"),
    ("http://h/get.php?id=3", "application/pdf", "get.pdf"),  # a generator's own extension
    ("http://h/report.pdf?x=1", "application/pdf", "report.pdf"),
    ("http://h/report.bin", "application/pdf", "report.bin"),  # no query: the name is kept
    ("http://h/archive", "application/octet-stream", "archive"),  # says nothing
    ("http://h/", "application/pdf", "download.pdf"),
    ("http://h/", None, "download"),
])
def test_a_name_from_the_url_gets_the_extension_of_its_type(url: str, content_type: str | None,
                                                           expected: str) -> None:
    assert naming.suggested_name(None, url, content_type) == expected


def test_a_name_from_the_header_keeps_its_own_extension_or_none() -> None:
    assert naming.suggested_name("attachment; filename=report", "http://h/x",
                                 "application/pdf") == "report"


@pytest.mark.parametrize(("raw", "expected"), [
    ("../../etc/passwd", "_.._etc_passwd"),
    ("..\\..\\windows\\win.ini", "_.._windows_win.ini"),
    ("/absolute/path.txt", "_absolute_path.txt"),
    ("gnp\u202e.exe", "gnp_.exe"),  # a right-to-left override cannot disguise the type
    ("name ", "name_"),
    ("..", "download"),
    (".hidden", "hidden"),
    ("a\x00b\x1fc.txt", "a_b_c.txt"),
    ('what?<>:"|*.txt', "what_______.txt"),
    ("CON", "_CON"),
    ("con.txt", "_con.txt"),
    ("LPT1.tar.gz", "_LPT1.tar.gz"),
    ("trailing. . ", "trailing. ._"),
    ("trailing.", "trailing"),
    ("", "download"),
    (None, "download"),
    ("   ", "download"),
])
def test_sanitize(raw: str | None, expected: str) -> None:
    assert fn.sanitize(raw) == expected


def test_sanitize_truncates_long_names_to_255_bytes_keeping_the_extension() -> None:
    for stem in ("x" * 1000, "中" * 400):
        name = fn.sanitize(stem + ".iso")
        assert len((name + fn.PART_SUFFIX).encode()) <= 255
        assert name.endswith(".iso")


def test_reserve_never_reuses_a_taken_name(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("mine")
    first = fn.reserve(tmp_path, "file.txt")
    second = fn.reserve(tmp_path, "file.txt")
    assert (first, second) == ("file (1).txt", "file (2).txt")
    assert (tmp_path / "file (1).txt.part").exists()
    assert (tmp_path / "file.txt").read_text() == "mine"


def test_reserve_does_not_follow_a_planted_symlink(tmp_path: Path) -> None:
    target = tmp_path / "outside"
    target.write_text("keep")
    folder = tmp_path / "dl"
    folder.mkdir()
    os.symlink(target, folder / "evil.bin.part")
    name = fn.reserve(folder, "evil.bin")
    assert name == "evil (1).bin"
    assert target.read_text() == "keep"


def test_finish_never_overwrites_a_file_that_appeared_meanwhile(tmp_path: Path) -> None:
    name = fn.reserve(tmp_path, "a.bin")
    (tmp_path / (name + ".part")).write_bytes(b"data")
    (tmp_path / "a.bin").write_bytes(b"someone else's")
    final = fn.finish(tmp_path, name)
    assert final == "a (1).bin"
    assert (tmp_path / "a.bin").read_bytes() == b"someone else's"
    assert (tmp_path / final).read_bytes() == b"data"
    assert not (tmp_path / "a.bin.part").exists()


def test_sanitize_edges(tmp_path: Path) -> None:
    assert fn.sanitize(" report.pdf") == "_report.pdf"  # a space at the start: one _
    assert fn.sanitize("- ._") == "download"  # nothing but filler is no name
    # The longest name whose .part still fits the file system stays whole...
    fits = os.pathconf(tmp_path, "PC_NAME_MAX") - len(".part")
    longest = "a" * (fits - 5) + " .txt"
    assert fn.sanitize(longest) == longest
    # ...and a longer one is cut in its stem, which it keeps the start of.
    cut = fn.sanitize("report-" + "a" * 300 + ".pdf")
    assert cut.startswith("report-aaa") and cut.endswith(".pdf")
    assert len(cut.encode()) == fits
