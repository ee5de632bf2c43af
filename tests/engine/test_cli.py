"""``greenget get``: the headless CLI, run as a real process."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.engine.conftest import sha256
from tests.servers.payload import sha256_of
from tests.worker_client import REPO

MiB = 1 << 20


def greenget(home: Path, *args: str, stdin: str | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gui", "get", *args], cwd=REPO,
                          env={**os.environ, "GREENGET_HOME": str(home)}, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def test_get_downloads_and_exits_zero(home, fault_server, downloads) -> None:
    urls = [fault_server.data_url(3 * MiB, "a.bin"), fault_server.data_url(5000, "b.bin")]
    result = greenget(home, "-d", str(downloads), "-x", "4", *urls)
    assert result.returncode == 0, result.stderr
    assert sha256(downloads / "a.bin") == sha256_of(3 * MiB)
    assert sha256(downloads / "b.bin") == sha256_of(5000)
    assert "Traceback" not in result.stderr
    assert result.stdout.count("done") == 2


def test_get_reads_a_url_list_from_stdin_with_many_at_once(home, fault_server,
                                                           downloads) -> None:
    urls = [fault_server.data_url(20_000 + i, f"f{i}.bin") for i in range(30)]
    listing = "# my list\n\n" + "\n".join(urls) + "\n"
    result = greenget(home, "-q", "-j", "8", "-d", str(downloads), "-i", "-", stdin=listing)
    assert result.returncode == 0, result.stderr
    for i in range(30):
        assert sha256(downloads / f"f{i}.bin") == sha256_of(20_000 + i)


def test_a_pattern_queues_a_hundred_downloads_that_all_complete(home, fault_server,
                                                               downloads) -> None:
    pattern = fault_server.url("/data/3000/f[001-100].bin")
    result = greenget(home, "-q", "-j", "8", "-d", str(downloads), pattern)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in downloads.iterdir()) == [f"f{i:03d}.bin" for i in range(1, 101)]
    assert {sha256(p) for p in downloads.iterdir()} == {sha256_of(3000)}
    assert result.stdout.count("done") == 100


def test_get_reads_aria2s_input_format_keeping_the_options(home, fault_server, downloads,
                                                           tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text(
        f"{fault_server.data_url(4000, 'a.bin')}\n  dir=sub\n  out=named.bin\n"
        f"  checksum=sha-256={sha256_of(4000)}\n  split=2\n"
        f"# a comment\n{fault_server.data_url(3000, 'b.bin')}\n", encoding="utf-8")
    result = greenget(home, "-q", "-d", str(downloads), "-i", str(listing))
    assert result.returncode == 0, result.stderr
    assert sha256(downloads / "sub" / "named.bin") == sha256_of(4000)
    assert sha256(downloads / "b.bin") == sha256_of(3000)
    listing.write_text(f"{fault_server.data_url(10, 'c.bin')}\n  split=many\n",
                       encoding="utf-8")
    result = greenget(home, "-d", str(downloads), "-i", str(listing))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Line 1: split should be a whole number, not 'many'." in result.stderr


def test_globoff_takes_brackets_literally(home, fault_server, downloads) -> None:
    result = greenget(home, "-g", "-d", str(downloads), fault_server.url("/data/50/f[1-2].bin"))
    assert result.returncode == 0, result.stderr
    assert [p.name for p in downloads.iterdir()] == ["f[1-2].bin"]


def test_get_reports_failures_plainly_and_exits_nonzero(home, fault_server,
                                                        downloads) -> None:
    result = greenget(home, "-d", str(downloads), "ftp://example.test/x",
                      fault_server.url("/status/404"), fault_server.data_url(100, "ok.bin"))
    assert result.returncode == 1
    assert "Only http and https" in result.stderr
    assert "404 Not Found" in result.stderr
    assert "Traceback" not in result.stderr
    assert (downloads / "ok.bin").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["-x", "0", "http://h/x"], "between 1 and 32"),
    (["--limit-rate", "fast", "http://h/x"], "not a size or speed"),
    (["-o", "x", "http://h/1", "http://h/2"], "exactly one URL"),
    ([], "no URL given"),
    (["-i", "/nonexistent/list.txt"], "cannot read"),
    (["--checksum", "md77=abc", "http://h/x"], "Unknown checksum algorithm"),
    (["http://h/f[3-1].bin"], "The link pattern has a bad range at character 16."),
    (["http://h/[1-100][1-101]"], "makes 10,100 links; at most 10,000"),
])
def test_bad_arguments_get_a_message_not_a_traceback(home, downloads, args: list[str],
                                                      message: str) -> None:
    result = greenget(home, "-d", str(downloads), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_get_verifies_a_checksum(home, fault_server, downloads) -> None:
    url = fault_server.data_url(50_000, "sum.bin")
    bad = greenget(home, "-d", str(downloads), "--checksum", "sha256=" + "1" * 64, url)
    assert bad.returncode == 1 and "damaged" in bad.stderr
    good = greenget(home, "-d", str(downloads), "-o", "named.bin",
                    "--checksum", f"SHA256={sha256_of(50_000)}", url)
    assert good.returncode == 0, good.stderr
    assert sha256(downloads / "named.bin") == sha256_of(50_000)


def test_limit_rate_limits(home, fault_server, downloads) -> None:
    started = time.monotonic()
    result = greenget(home, "-d", str(downloads), "--limit-rate", "200K",
                      fault_server.data_url(800_000, "slow.bin"))
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert 800_000 / elapsed <= 200 * 1024 * 1.25


def _checkpointed(home: Path) -> int:
    """Bytes the running ``greenget get`` has recorded as on disk, read from its store."""
    total = 0
    for path in (home / "cli").glob("*.sqlite3"):
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
                total += db.execute("SELECT COALESCE(SUM(done), 0) FROM segments").fetchone()[0]
        except sqlite3.Error:  # not created yet
            continue
    return total


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_an_interrupted_run_resumes_its_part_file(home, nginx, downloads, how) -> None:
    size = 32 * MiB
    name = f"resume-{how.name}.bin"
    digest = nginx.add_file(name, size)
    url = nginx.limited_url(name, "1m")
    nginx.clear_access_log()
    process = subprocess.Popen(
        [sys.executable, "-m", "gui", "get", "-q", "-x", "4", "-d", str(downloads),
         url], cwd=REPO, env={**os.environ, "GREENGET_HOME": str(home)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    part = downloads / f"{name}.part"
    # A good share of the file, and several checkpoints: wait until the run's
    # own store (<state>/cli/) has recorded 8 MiB on disk, however slow the machine.
    deadline = time.monotonic() + 60
    while _checkpointed(home) < 8 * MiB and process.poll() is None:
        assert time.monotonic() < deadline, "no 8 MiB checkpointed within a minute"
        time.sleep(0.1)
    process.send_signal(how)
    _, err = process.communicate(timeout=30)
    assert process.returncode != 0
    if how is signal.SIGTERM:
        assert "run the same command again to resume" in err
    assert part.exists() and not (downloads / name).exists()
    nginx.access_log_entries(min_count=4)  # nginx logs a request when it notices the end
    first_run = nginx.body_bytes_sent(f"/limited/{name}")
    assert first_run >= 8 * MiB

    result = greenget(home, "-q", "-x", "4", "-d", str(downloads), url)
    assert result.returncode == 0, result.stderr
    assert sha256(downloads / name) == digest
    assert not part.exists()
    second_run = nginx.body_bytes_sent(f"/limited/{name}") - first_run
    # Resumed, not started over: the second run fetched what the first had not,
    # plus what the first had received but not yet checkpointed (at most about a
    # second of 4 connections, and what sat in the killed sockets' buffers).
    assert second_run <= size - first_run + 8 * MiB, (first_run, second_run)


@pytest.mark.parametrize(("name", "faults", "saved_as"), [
    ("ranges.bin", {}, "ranges.bin"),
    ("noranges.bin", {"ranges": 0}, "noranges.bin"),
    ("chunked.bin", {"length": 0}, "chunked.bin"),
    ("trunc.bin", {"truncate": 100_000, "fail": 1}, "trunc.bin"),
    ("stall.bin", {"stall": 100_000, "fail": 1}, "stall.bin"),
    ("drop.bin", {"drop": 100_000, "fail": 1}, "drop.bin"),
    ("s500.bin", {"status": 500, "fail": 2}, "s500.bin"),
    ("s429.bin", {"status": 429, "retry_after": 1, "fail": 1}, "s429.bin"),
    ("gz.bin", {"gzip": 1}, "gz.bin"),
    ("cd.bin", {"cd": "attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf"}, "报告.pdf"),
    ("evil.bin", {"cd": 'attachment; filename="../../../evil.sh"'}, "_.._.._evil.sh"),
])
def test_get_survives_each_fault_byte_identical(home, fault_server, tmp_path: Path, name: str,
                                                faults: dict[str, object],
                                                saved_as: str) -> None:
    folder = tmp_path / "out"
    size = 700_000
    url = fault_server.data_url(size, name, key=f"cli-{name}-{time.monotonic_ns()}", **faults)
    result = greenget(home, "-q", "--timeout", "2", "-x", "3", "-d", str(folder), url)
    assert result.returncode == 0, result.stderr
    assert os.listdir(folder) == [saved_as]
    assert sha256(folder / saved_as) == sha256_of(size)


def test_get_follows_redirects_and_fails_a_loop_clearly(home, fault_server, downloads) -> None:
    ok = greenget(home, "-q", "-d", str(downloads),
                  fault_server.url("/redirect/4/data/5000/landed.bin"))
    assert ok.returncode == 0, ok.stderr
    assert sha256(downloads / "landed.bin") == sha256_of(5000)
    loop = greenget(home, "-q", "-d", str(downloads), fault_server.url("/loop/x"))
    assert loop.returncode == 1 and "redirects in a loop" in loop.stderr
