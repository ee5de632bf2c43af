"""Names as browsers give them: every case of tests/engine/naming_corpus.json (taken
from Chromium's and Firefox's own test suites, Chromium's names checked against
Debian's Chromium 156) is served by the fault server with its raw header bytes and
downloaded by the real worker; the saved file's name is compared with Chromium's.

The agreement rate is printed (``pytest -s -k corpus``) and must stay at least
95 %; every case where Greenget names a file otherwise than Chromium must be one
of the differences documented in docs/naming.md, listed in ``ON_PURPOSE`` below
with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from engine import naming
from engine import protocol as p
from tests.worker_client import WorkerProcess

CORPUS = Path(__file__).with_name("naming_corpus.json")
CASES: list[dict[str, Any]] = json.loads(CORPUS.read_text(encoding="utf-8"))["cases"]
SIZE = 7
GOAL = 0.95

LEGACY = "bytes that are not UTF-8 are read as windows-1252 (Firefox's default), not dropped"
CONTINUATIONS = "RFC 2231 continuations are joined as Firefox does when nothing else names the file"
# Case id -> why Greenget names it otherwise than Chromium.
ON_PURPOSE = {
    27: LEGACY, 132: LEGACY, 139: LEGACY, 228: LEGACY,
    135: "a URL name that is not UTF-8 is read as windows-1252, not replaced by 'download'",
    204: CONTINUATIONS, 206: CONTINUATIONS, 210: CONTINUATIONS, 211: CONTINUATIONS,
    215: CONTINUATIONS,
    229: "a name of nothing but '_' is no name: 'download' (Chromium saves '_')",
}


def _chromium_names(case: dict[str, Any]) -> set[str]:
    return {case["chromium"], case.get("chromium_windows", case["chromium"])}


def _url(base: str, case: dict[str, Any]) -> str:
    params = {"size": str(SIZE), "ctype": case["content_type"] or "application/octet-stream"}
    if case["header"] is not None:
        params["cd_raw"] = case["header"].encode("latin-1").hex()
    return f"{base}/named/{urlencode(params).encode().hex()}/{case['path']}"


def test_the_corpus_is_large_and_from_the_browsers_suites() -> None:
    assert len(CASES) >= 150
    assert len({c["id"] for c in CASES}) == len(CASES)
    sources = {c["source"].split()[0] for c in CASES}
    assert {"chromium", "firefox", "tc2231"} <= sources
    assert sum(c["chromium_seen"] for c in CASES) >= 150  # checked against a real Chromium


def test_every_corpus_case_through_the_real_worker(fault_server, tmp_path: Path) -> None:
    worker = WorkerProcess(tmp_path / "state")
    try:
        ids = {}
        for case in CASES:
            (download_id,) = worker.add([_url(fault_server.base_url, case)],
                                        tmp_path / f"case{case['id']}")
            ids[case["id"]] = download_id
        saved = {}
        for case in CASES:
            info = worker.wait_state(ids[case["id"]], p.State.COMPLETED, p.State.FAILED)
            assert info.state is p.State.COMPLETED, (case, info.error)
            folder = tmp_path / f"case{case['id']}"
            assert [f.name for f in folder.iterdir()] == [info.name]  # nothing else written
            saved[case["id"]] = info.name
    finally:
        worker.close()
    differ = {c["id"]: (c["header"], c["path"], saved[c["id"]], c["chromium"])
              for c in CASES if saved[c["id"]] not in _chromium_names(c)}
    rate = 1 - len(differ) / len(CASES)
    print(f"\nnaming corpus: {len(CASES) - len(differ)}/{len(CASES)} named as Chromium "
          f"names them ({rate:.1%}); differences on purpose: {len(differ)}")
    for case_id, (header, path, ours, chromium) in sorted(differ.items()):
        print(f"  #{case_id}: {header!r} /{path}: Greenget {ours!r}, Chromium {chromium!r}"
              f" ({ON_PURPOSE.get(case_id, 'NOT EXPLAINED')})")
    assert rate >= GOAL
    assert set(differ) == set(ON_PURPOSE), "a difference that is not documented (or one gone)"


@pytest.mark.parametrize("case", [c for c in CASES if "chromium_parsed" in c],
                         ids=lambda c: f"chromium{c['id']}")
def test_the_header_parser_agrees_with_chromiums_own_tests(case: dict[str, Any]) -> None:
    got = naming.disposition_filename(case["header"].encode("latin-1")) or ""
    if case["id"] in ON_PURPOSE:
        assert got != case["chromium_parsed"]
    else:
        assert got == case["chromium_parsed"]


@pytest.mark.parametrize("case", [c for c in CASES if "firefox_parsed" in c],
                         ids=lambda c: f"firefox{c['id']}")
def test_firefox_cases_where_chromium_finds_no_name_are_named_as_firefox(
        case: dict[str, Any]) -> None:
    """Where Chromium's parser gives nothing and Firefox's gives a name, that name
    (continuations); elsewhere Chromium's answer rules, checked above."""
    got = naming.disposition_filename(case["header"].encode("latin-1"))
    if case["id"] in ON_PURPOSE and ON_PURPOSE[case["id"]] == CONTINUATIONS:
        assert got == case["firefox_parsed"]
    elif case["chromium"] in ("fallback.bin", "download"):
        assert got is None or case["id"] in ON_PURPOSE
