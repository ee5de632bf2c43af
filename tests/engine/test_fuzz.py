"""Property tests: whatever a server sends, names stay inside the folder and
parsers never crash."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine import filenames as fn
from engine import naming
from engine.http import parse_content_range, server_digest, unsatisfied_range_size
from engine.segments import plan, take

names = st.one_of(
    st.text(max_size=400),
    st.text(alphabet="./\\:\x00\x1f *?<>|\"'%2eCONLPT1aux", max_size=60),
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
)


@settings(max_examples=3000, deadline=None)
@given(names)
def test_sanitize_always_gives_one_safe_component(raw: str) -> None:
    name = fn.sanitize(raw)
    assert name and name not in (".", "..")
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not any(ord(c) < 32 for c in name)
    assert len((name + fn.PART_SUFFIX).encode()) <= 255
    assert not name.startswith(".") and not name.endswith((".", " "))
    assert os.path.basename(name) == name
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}


@settings(max_examples=200, deadline=None)
@given(names)
def test_reserved_names_are_created_inside_the_folder(tmp_path_factory, raw: str) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    name = fn.reserve(folder, fn.sanitize(raw))
    created = list(folder.iterdir())
    assert created == [folder / (name + fn.PART_SUFFIX)]
    assert Path(os.path.realpath(created[0])).parent == Path(os.path.realpath(folder))


headers = st.one_of(
    st.text(max_size=200),
    st.builds(lambda a, b: f"attachment; filename={a}; filename*={b}",
              st.text(max_size=40), st.text(max_size=40)),
    st.builds(lambda e, v: f"attachment; filename*={e}''{v}",
              st.sampled_from(["UTF-8", "utf-8", "iso-8859-1", "bogus", "", "rot13", "base64",
                               "unicode_escape", "idna", "utf-7"]),
              st.text(alphabet="%0123456789ABCDEFabcdef./", max_size=40)),
    st.builds(lambda c, k, t: f'attachment; filename="=?{c}?{k}?{t}?="',
              st.sampled_from(["utf-8", "euc-jp", "bogus", "hex", "zlib"]),
              st.sampled_from("QqBbX"), st.text(alphabet="=?_ABCDEF0123456789+/", max_size=30)),
    st.builds(lambda a, b: f"attachment; filename*0*={a}; filename*1={b}",
              st.text(max_size=30), st.text(max_size=30)),
    st.binary(max_size=200),
)


@settings(max_examples=3000, deadline=None)
@given(headers)
@example(";filename*0*=\x00';filename*1=0")  # a NUL charset label (found by this test)
def test_content_disposition_parser_never_crashes(header: str | bytes) -> None:
    result = naming.disposition_filename(header)
    assert result is None or (isinstance(result, str) and result)
    name = naming.suggested_name(header, "http://h/x%FF/y?q", "application/pdf")
    assert name == fn.sanitize(name)  # whatever it says is already safe


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.text(max_size=60),
                 st.builds(lambda a, b, c: f"bytes {a}-{b}/{c}", st.integers(-5, 10**12),
                           st.integers(-5, 10**12), st.one_of(st.integers(-5, 10**12),
                                                              st.just("*")))))
def test_content_range_parser_accepts_only_consistent_ranges(value: str) -> None:
    parsed = parse_content_range(value)
    if parsed is not None:
        assert 0 <= parsed.start <= parsed.end
        assert parsed.total is None or parsed.end < parsed.total
    unsatisfied_range_size(value)


@settings(max_examples=1000, deadline=None)
@given(st.dictionaries(st.sampled_from(["Repr-Digest", "Digest"]), st.text(max_size=120)))
def test_digest_parser_never_crashes(values: dict[str, str]) -> None:
    import requests

    result = server_digest(requests.structures.CaseInsensitiveDict(values))
    assert result is None or result.startswith(("sha256=", "sha512="))


@settings(max_examples=2000, deadline=None)
@given(st.integers(0, 10**10), st.integers(1, 32), st.integers(1, 10**7),
       st.lists(st.floats(0, 1), max_size=40))
def test_splitting_always_tiles_the_file_exactly(size: int, connections: int, minimum: int,
                                                 progress: list[float]) -> None:
    pieces = plan(size, connections, minimum)
    for fraction in progress:
        piece = take(pieces, minimum)
        if piece is None:
            break
        assert piece.end is not None
        piece.done = int((piece.end - piece.start) * fraction)
        if fraction > 0.5:
            piece.active = False
    assert pieces[0].start == 0 and pieces[-1].end == size
    for before, after in itertools.pairwise(pieces):
        assert before.end == after.start
        assert before.position <= (before.end or 0)
