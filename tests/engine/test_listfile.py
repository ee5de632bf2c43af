"""Download lists out and back in: aria2c reads our export, and a list exported
from one worker gives the same downloads in a fresh state folder."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from engine import listfile
from engine import protocol as p
from tests.engine.conftest import FAST
from tests.servers.payload import payload, sha256_of
from tests.worker_client import WorkerProcess


def test_aria2c_reads_our_export_with_its_folders_names_and_checksums(
        fault_server, tmp_path: Path) -> None:
    folder = tmp_path / "aria2"
    good = f"sha256={sha256_of(7000)}"
    bad = "sha256=" + "0" * 64
    entries = [
        listfile.Entry(fault_server.data_url(7000, "a.bin"), str(folder / "one"),
                       p.DownloadOptions(filename="renamed a.bin", checksum=good, connections=4,
                                         speed_limit=10_000_000, headers=("X-Test: 1",))),
        listfile.Entry(fault_server.data_url(7000, "b.bin"), str(folder / "two"),
                       p.DownloadOptions(checksum=bad)),
        listfile.Entry(fault_server.data_url(5000, "c.bin"), str(folder)),
    ]
    listing = tmp_path / "list.txt"
    listing.write_text(listfile.to_aria2(entries), encoding="utf-8")

    def aria2c(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["aria2c", "-i", str(listing), "--no-conf", "--max-tries=1",
                               "--all-proxy=", "--console-log-level=error", "--summary-interval=0",
                               *extra], capture_output=True, text=True, timeout=120)

    dry = aria2c("--dry-run")
    for path in (folder / "one" / "renamed a.bin", folder / "two" / "b.bin", folder / "c.bin"):
        assert str(path) in dry.stdout, dry.stdout
    real = aria2c()
    assert real.returncode != 0  # b.bin's checksum is wrong: aria2 checked it
    assert (folder / "one" / "renamed a.bin").read_bytes() == payload(7000)
    assert (folder / "c.bin").read_bytes() == payload(5000)
    assert "|ERR |" in real.stdout and str(folder / "two" / "b.bin") in real.stdout
    assert listfile.parse(listing.read_text(encoding="utf-8")) == entries


def _same(info: p.DownloadInfo) -> tuple[object, ...]:
    return (info.url, info.directory, info.name, info.state, info.connections,
            info.speed_limit, info.checksum, info.size)


@pytest.mark.parametrize("form", ["aria2", "json", "plain"])
def test_an_exported_list_gives_the_same_downloads_in_a_fresh_state_folder(
        fault_server, tmp_path: Path, form: str) -> None:
    downloads = tmp_path / "Downloads"
    first = WorkerProcess(tmp_path / "first", settings=FAST)
    try:
        [a] = first.add([fault_server.data_url(300_000, "a.bin")], downloads,
                        filename="kept name.bin", connections=4,
                        checksum=f"sha256={sha256_of(300_000)}")
        [b] = first.add([fault_server.data_url(9000, "b.bin")], downloads / "sub",
                        speed_limit=50_000, open_when_done=True)
        [c] = first.add([fault_server.data_url(9000, "c.bin")], downloads, paused=True)
        first.wait_state(a, p.State.COMPLETED)
        first.wait_state(b, p.State.COMPLETED)
        before = [first.downloads[i] for i in (a, b, c)]
    finally:
        first.close()
    entries = [listfile.from_info(info) for info in before]
    text = {"aria2": listfile.to_aria2(entries), "json": listfile.to_json(before),
            "plain": listfile.to_plain(entries)}[form]
    files = {info.path: hashlib.sha256(Path(info.path).read_bytes()).hexdigest()
             for info in before[:2]}
    for path in files:  # a fresh machine: the files are not there yet
        Path(path).unlink()

    second = WorkerProcess(tmp_path / "second", settings=FAST)
    try:
        for entry in listfile.parse(text, str(downloads)):
            second.send(p.Add((entry.url,), entry.directory or str(downloads), entry.options))
        second.wait_until(lambda: len(second.downloads) == 3, what="three downloads")
        after = sorted(second.downloads.values(), key=lambda d: d.id)
        for info in after:
            if form != "plain" or info.url != before[2].url:
                second.wait_state(info.id, p.State.COMPLETED, p.State.PAUSED)
        after = sorted(second.downloads.values(), key=lambda d: d.id)
    finally:
        second.close()
    assert [d.url for d in after] == [d.url for d in before]
    if form == "plain":  # links only: the rest is the new folder's defaults
        return
    assert [_same(d) for d in after] == [_same(d) for d in before]
    if form == "json":  # Greenget's own form keeps Greenget's own options
        assert [d.open_when_done for d in after] == [False, True, False]
    assert {d.path: hashlib.sha256(Path(d.path).read_bytes()).hexdigest()
            for d in after[:2]} == files


@pytest.mark.parametrize(("text", "message"), [
    ("  dir=/x\nhttp://h/a\n", "Line 1: an option line comes before any link."),
    ("http://h/a\n  split=many\n", "Line 1: split should be a whole number"),
    ("http://h/a\n  checksum=sha-256=xyz\n", "Line 1:"),
    ('{"downloads": []}', "The JSON file is not a Greenget download list."),
    ('{"greenget_list": 1, "downloads": {}}', "The JSON file is not a Greenget download list."),
    ('{"greenget_list": 1, "downloads": [{"name": "x"}]}', "Download 1: it has no link."),
    ("{not json", "The list is not valid JSON"),
])
def test_a_bad_list_is_refused_with_a_sentence(text: str, message: str) -> None:
    with pytest.raises(listfile.ListError, match="^" + message.replace("(", r"\(")):
        listfile.parse(text)
