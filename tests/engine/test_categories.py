"""The category policy (engine/categories.py) as a table: names and types in,
categories and folders out, and what a person may type into the lists."""

from __future__ import annotations

import os
import time

import pytest

from engine import categories
from engine.categories import DEFAULT_RULES, Category, classify
from engine.protocol import CategoryRule

C = Category


@pytest.mark.parametrize(("name", "content_type", "expected"), [
    ("movie.mkv", None, C.VIDEO),
    ("MOVIE.MP4", "application/octet-stream", C.VIDEO),  # the extension, any case
    ("stream.ts", "video/mp2t", C.VIDEO),  # an HLS stream kept as .ts
    ("song.flac", None, C.MUSIC),
    ("talk.opus", "audio/ogg", C.MUSIC),
    ("paper.pdf", None, C.DOCUMENTS),
    ("sheet.xlsx", None, C.DOCUMENTS),
    ("linux-6.8.tar.gz", None, C.ARCHIVES),  # the last extension decides
    ("backup.7z", None, C.ARCHIVES),
    ("debian.iso", None, C.ARCHIVES),
    ("setup.exe", None, C.PROGRAMS),
    ("tool_1.0_amd64.deb", None, C.PROGRAMS),
    ("photo.JPEG", None, C.IMAGES),
    ("icon.svg", "image/svg+xml", C.IMAGES),
    # no extension that is known: the type decides
    ("watch", "video/mp4", C.VIDEO),
    ("get.php", "audio/mpeg; charset=binary", C.MUSIC),
    ("report", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     C.DOCUMENTS),
    ("bundle", "application/x-7z-compressed", C.ARCHIVES),
    ("installer", "application/x-msdownload", C.PROGRAMS),
    ("pic", "IMAGE/PNG", C.IMAGES),
    ("playlist", "application/vnd.apple.mpegurl", C.VIDEO),
    # the extension wins over a type that says otherwise (a .zip as octet-stream, a
    # .mp4 a server calls text/plain)
    ("clip.mp4", "text/plain", C.VIDEO),
    # neither
    ("download", None, C.OTHER),
    ("data.bin", "application/octet-stream", C.OTHER),
    (".bashrc", None, C.OTHER),  # a dot file has no extension
    ("archive.", None, C.OTHER),
    ("", "", C.OTHER),
])
def test_a_file_goes_into_the_category_of_its_extension_else_of_its_type(
        name: str, content_type: str | None, expected: Category) -> None:
    assert classify(name, content_type) is expected


def test_edited_lists_decide_and_the_earlier_category_wins_a_shared_extension() -> None:
    rules = (CategoryRule("documents", ("mkv",), ()), *DEFAULT_RULES)
    assert classify("a.mkv", None, rules) is C.DOCUMENTS
    mine = tuple(CategoryRule(r.category, (*r.extensions, "nzb"), r.mime_types)
                 if r.category == "archives" else r for r in DEFAULT_RULES)
    assert classify("x.nzb", None, mine) is C.ARCHIVES
    assert classify("x.nzb", None, DEFAULT_RULES) is C.OTHER
    without_types = tuple(CategoryRule(r.category, r.extensions, ()) for r in DEFAULT_RULES)
    assert classify("watch", "video/mp4", without_types) is C.OTHER


def test_every_category_has_a_folder_and_the_defaults_pass_their_own_check() -> None:
    assert set(categories.FOLDERS) == set(Category)
    assert [r.category for r in DEFAULT_RULES] == [c.value for c in Category if c is not C.OTHER]
    assert categories.check_rules(DEFAULT_RULES) is None


def test_the_folder_is_under_the_root_and_dated_by_the_month_added() -> None:
    added = time.mktime((2026, 12, 2, 18, 0, 0, 0, 0, -1))
    assert categories.folder("/home/a/Downloads", C.VIDEO, dated=False, added=added) == (
        os.path.join("/home/a/Downloads", "Video"))
    assert categories.folder("/home/a/Downloads", "music", dated=True, added=added) == (
        os.path.join("/home/a/Downloads", "Music", "2026-12"))
    for category in Category:
        for dated in (False, True):
            path = categories.folder("/dl", category, dated=dated, added=added)
            assert os.path.commonpath(["/dl", path]) == "/dl" and path != "/dl"
            assert categories.root_of(path, category) == "/dl"
    assert categories.root_of("/dl/Music", C.VIDEO) is None
    assert categories.root_of("/dl", C.VIDEO) is None


@pytest.mark.parametrize(("typed", "expected"), [
    ("mp4 mkv", ("mp4", "mkv")),
    ("  .MP4, *.mkv;webm  mp4", ("mp4", "mkv", "webm")),  # dots, stars, case, repeats
    ("tar.gz", None),  # one extension at a time
    ("../x", None),
    ("a/b", None),
    ("", ()),
])
def test_typed_extensions_are_read_or_refused_with_a_sentence(
        typed: str, expected: tuple[str, ...] | None) -> None:
    if expected is None:
        with pytest.raises(ValueError, match="is not a file extension"):
            categories.parse_extensions(typed)
    else:
        assert categories.parse_extensions(typed) == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("video/*, Application/X-Matroska", ("video/*", "application/x-matroska")),
    ("audio", None),
    ("text/html<script>", None),
    ("", ()),
])
def test_typed_mime_types_are_read_or_refused_with_a_sentence(
        typed: str, expected: tuple[str, ...] | None) -> None:
    if expected is None:
        with pytest.raises(ValueError, match="is not a MIME type"):
            categories.parse_mime_types(typed)
    else:
        assert categories.parse_mime_types(typed) == expected


@pytest.mark.parametrize(("rule", "problem"), [
    (CategoryRule("films", ("mp4",)), "no category 'films'"),
    (CategoryRule("other", ("bin",)), "Other takes what no other"),
    (CategoryRule("video", ("MP4",)), "lower case"),
    (CategoryRule("video", ("m/p4",)), "not a file extension"),
    (CategoryRule("music", (), ("audio",)), "not a MIME type"),
])
def test_lists_that_cannot_be_used_are_refused_with_a_reason(rule: CategoryRule,
                                                             problem: str) -> None:
    reason = categories.check_rules([rule])
    assert reason is not None and problem in reason
