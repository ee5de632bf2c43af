"""File names from servers are made safe, never overwrite, never leave the folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine import filenames as fn


@pytest.mark.parametrize(("header", "expected"), [
    ('attachment; filename="a b.txt"', "a b.txt"),
    ("attachment; filename=plain.zip", "plain.zip"),
    ("attachment; filename*=UTF-8''%E4%B8%AD%E6%96%87.txt", "中文.txt"),
    ("attachment; filename=\"fallback.txt\"; filename*=UTF-8''%E4%B8%AD.txt", "中.txt"),
    ("attachment; filename*=UTF-8''%E4%B8%AD.txt; filename=\"fallback.txt\"", "中.txt"),
    ("attachment; filename*=iso-8859-1'en'%E9t%E9.txt", "été.txt"),
    ('attachment; filename="quo\\"ted.txt"', 'quo"ted.txt'),
    ('attachment; filename="ä.txt"'.encode().decode("latin-1"), "ä.txt"),
    ('attachment; filename=""', None),
    ("attachment", None),
    ("", None),
    (None, None),
])
def test_content_disposition_lets_filename_star_win(header: str | None,
                                                     expected: str | None) -> None:
    assert fn.content_disposition_filename(header) == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("http://h/dir/file%20name.iso?x=1#frag", "file name.iso"),
    ("http://h/%E4%B8%AD%E6%96%87.zip", "中文.zip"),
    ("http://h/caf%E9.txt", "café.txt"),  # not UTF-8: read as latin-1
    ("http://h/", None),
    ("http://h", None),
])
def test_name_from_url_is_the_decoded_last_segment(url: str, expected: str | None) -> None:
    assert fn.name_from_url(url) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\win.ini", "win.ini"),
    ("/absolute/path.txt", "path.txt"),
    ("..", "download"),
    (".hidden", "hidden"),
    ("a\x00b\x1fc.txt", "a_b_c.txt"),
    ('what?<>:"|*.txt', "what_______.txt"),
    ("CON", "_CON"),
    ("con.txt", "_con.txt"),
    ("LPT1.tar.gz", "_LPT1.tar.gz"),
    ("trailing. . ", "trailing"),
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
