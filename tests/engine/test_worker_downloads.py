"""Real downloads through ``python -m engine``'s protocol against the fault server.

Every test that completes a download compares the file's SHA-256 with the
server's content; every fault either ends byte-identical or in a clear
*failed* state, never in a completed file with wrong bytes.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest

from engine import protocol as p
from tests.engine.conftest import FAST, sha256
from tests.servers.payload import payload, sha256_of
from tests.worker_client import WorkerProcess

S = p.State
MiB = 1 << 20


def fetch(worker: WorkerProcess, url: str, folder: Path, **options: Any) -> p.DownloadInfo:
    (download_id,) = worker.add([url], folder, **options)
    return worker.wait_state(download_id, S.COMPLETED, S.FAILED)


def assert_complete(info: p.DownloadInfo, size: int, seed: int = 0) -> Path:
    assert info.state is S.COMPLETED, info.error
    path = Path(info.path)
    assert path.exists() and not Path(str(path) + ".part").exists()
    assert path.stat().st_size == size == info.size == info.done
    assert sha256(path) == sha256_of(size, seed)
    return path


def test_segmented_download_is_byte_identical_and_uses_many_connections(
        worker, fault_server, downloads) -> None:
    size = 12 * MiB + 123
    fault_server.reset()
    info = fetch(worker, fault_server.data_url(size, "big.iso"), downloads, connections=4)
    assert_complete(info, size)
    assert info.name == "big.iso"
    ranged = [r for r in fault_server.stats()["log"] if r["range"]]
    assert len(ranged) >= 3  # the probe fed piece one; the others asked for ranges


def test_server_without_ranges_is_streamed_on_one_connection(worker, fault_server,
                                                             downloads) -> None:
    size = 3 * MiB
    assert_complete(fetch(worker, fault_server.data_url(size, "n.bin", ranges=0), downloads,
                          connections=8), size)


def test_unknown_size_works_with_indeterminate_progress(worker, fault_server, downloads) -> None:
    size = 2 * MiB + 7
    (download_id,) = worker.add([fault_server.data_url(size, "chunked.bin", length=0)],
                                downloads)
    info = worker.wait_state(download_id, S.COMPLETED, S.FAILED)
    assert_complete(info, size)
    named = [m for m in worker.seen if isinstance(m, p.Changed) and "name" in m.fields
             and m.fields.get("state") is None]
    assert named and named[0].fields["size"] is None  # unknown until the end


@pytest.mark.parametrize("fault", [
    {"truncate": 300_000, "fail": 1},
    {"drop": 300_000, "fail": 1},
    {"stall": 300_000, "fail": 1},
    {"status": 500, "fail": 2},
    {"status": 503, "fail": 1},
    {"status": 429, "retry_after": 1, "fail": 1},
], ids=lambda f: next(iter(f)) + str(f.get("status", "")))
@pytest.mark.parametrize("connections", [1, 4])
def test_transient_faults_are_retried_to_a_byte_identical_file(
        worker, fault_server, downloads, fault: dict[str, int], connections: int) -> None:
    size = 5 * MiB
    key = f"{'-'.join(map(str, fault.values()))}-{connections}-{time.monotonic_ns()}"
    url = fault_server.data_url(size, "f.bin", key=key, **fault)
    info = fetch(worker, url, downloads, connections=connections)
    assert_complete(info, size)
    tries = [r for r in fault_server.stats()["log"] if quote_plus(key) in r["path"]]
    assert len(tries) >= 2  # the fault was met, then recovered from
    if connections == 1:  # with one connection the row says it is retrying, and why
        retried = [m for m in worker.seen if isinstance(m, p.Changed)
                   and m.fields.get("state") == "retrying"]
        assert retried and "trying again" in retried[0].fields["error"]


def test_a_truncated_single_stream_resumes_with_a_range(worker, fault_server,
                                                         downloads) -> None:
    size = 4 * MiB
    key = f"trunc-resume-{time.monotonic_ns()}"
    fault_server.reset()
    info = fetch(worker, fault_server.data_url(size, "t.bin", truncate=MiB, fail=1, key=key),
                 downloads, connections=1)
    assert_complete(info, size)
    requests = fault_server.stats()["log"]
    assert requests[-1]["range"] == f"bytes={MiB}-{size - 1}"
    assert sum(r["bytes"] for r in requests) <= size + 64 * 1024  # nothing re-fetched


PLAIN_WORDS = {"401": "asks for a login", "403": "link may have expired", "404": "not found",
               "410": "link may have expired"}


@pytest.mark.parametrize(("path", "code"), [
    ("/status/404", p.ErrorCode.NOT_FOUND),
    ("/status/403", p.ErrorCode.FORBIDDEN),
    ("/status/401", p.ErrorCode.LOGIN),
    ("/status/410", p.ErrorCode.NOT_FOUND),
    ("/status/418", p.ErrorCode.HTTP_STATUS),
    ("/loop/x", p.ErrorCode.REDIRECTS),
])
def test_permanent_failures_end_failed_with_their_code(worker, fault_server, downloads,
                                                       path: str, code: p.ErrorCode) -> None:
    key = f"permanent-{time.monotonic_ns()}"
    fault_server.reset()
    info = fetch(worker, fault_server.url(f"{path}?key={key}"), downloads)
    assert info.state is S.FAILED
    assert info.error_code == code and info.error  # and the particulars for the tooltip
    if path.startswith("/status/"):  # asked once: a permanent failure is never retried
        assert [r["path"] for r in fault_server.stats()["log"]] == [f"{path}?key={key}"]
        status = path.rsplit("/", 1)[1]  # the sentence is about what the server answered,
        assert status in info.error and all(other not in info.error for other in
                                            ("401", "403", "404", "410", "418") if other != status)
        assert PLAIN_WORDS.get(status, "answered") in info.error  # in plain words
    assert list(downloads.iterdir()) == [] or all(f.suffix == ".part"
                                                   for f in downloads.iterdir())


def test_a_server_that_keeps_failing_ends_failed_not_forever(worker, fault_server,
                                                              downloads) -> None:
    key = f"keeps-failing-{time.monotonic_ns()}"
    info = fetch(worker, fault_server.data_url(1000, "x.bin", status=503, key=key), downloads)
    assert info.state is S.FAILED
    assert info.error_code == p.ErrorCode.SERVER_ERROR
    tries = [r for r in fault_server.stats()["log"] if key in r["path"]]
    assert len(tries) == 1 + FAST.max_retries  # the first try, then the retries allowed


def test_redirect_chain_names_the_file_from_the_final_url(worker, fault_server,
                                                          downloads) -> None:
    size = 10_000
    info = fetch(worker, fault_server.url(f"/redirect/3/data/{size}/final%20name.tar.gz"),
                 downloads)
    path = assert_complete(info, size)
    assert path.name == "final name.tar.gz"


def test_a_cookie_the_server_sets_goes_with_every_later_request(worker, fault_server,
                                                                downloads) -> None:
    size = 8 * MiB
    fault_server.reset()
    info = fetch(worker, fault_server.data_url(size, "c.bin", set_cookie="visit=42; Path=/"),
                 downloads, connections=4)
    assert_complete(info, size)
    first, *later = sorted(fault_server.stats()["log"], key=lambda r: r["time"])
    assert first["cookie"] is None and first["range"] is None  # the probe
    assert later and all(r["range"] and r["cookie"] == "visit=42" for r in later)


def test_a_login_in_the_url_is_sent_as_basic_auth_on_every_request(worker, fault_server,
                                                                   downloads) -> None:
    size = 8 * MiB
    fault_server.reset()
    url = fault_server.data_url(size, "a.bin").replace("://", "://anna:s%C3%A9same@", 1)
    info = fetch(worker, url, downloads, connections=4)
    assert_complete(info, size)
    expected = "Basic " + base64.b64encode("anna:sésame".encode("latin-1")).decode()
    log = fault_server.stats()["log"]
    assert len(log) > 1 and all(r["authorization"] == expected for r in log)


@pytest.mark.parametrize(("disposition", "expected"), [
    ('attachment; filename="report 2024.pdf"', "report 2024.pdf"),
    ("attachment; filename*=UTF-8''%E4%B8%AD%E6%96%87.txt", "中文.txt"),
    ("attachment; filename=\"fallback.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt",
     "résumé.txt"),
    ('attachment; filename="../../escape.sh"', "_.._escape.sh"),
    ("attachment; filename=report%202024.pdf", "report 2024.pdf"),
    ('attachment; filename="=?UTF-8?Q?r=C3=A9sum=C3=A9.txt?="', "résumé.txt"),
    ("attachment; filename*0*=UTF-8''r%C3%A9; filename*1*=sum%C3%A9.txt", "résumé.txt"),
    ("filename=no-type.txt", "no-type.txt"),
    ('attachment; filename="CON.txt"', "_CON.txt"),
    ('attachment; filename=""', "fromurl.bin"),
])
def test_content_disposition_names_are_used_safely(worker, fault_server, tmp_path: Path,
                                                   disposition: str, expected: str) -> None:
    folder = tmp_path / "dl"
    info = fetch(worker, fault_server.data_url(5000, "fromurl.bin", cd=disposition), folder)
    path = assert_complete(info, 5000)
    assert path.name == expected
    assert path.parent == folder
    assert sorted(os.listdir(tmp_path)) == ["dl", "state"]  # nothing written outside


def test_an_existing_file_is_never_overwritten(worker, fault_server, downloads) -> None:
    (downloads / "same.bin").write_bytes(b"precious")
    info = fetch(worker, fault_server.data_url(1000, "same.bin"), downloads)
    path = assert_complete(info, 1000)
    assert path.name == "same (1).bin"
    assert (downloads / "same.bin").read_bytes() == b"precious"


def test_gzip_encoded_responses_are_saved_decoded(worker, fault_server, downloads) -> None:
    size = 300_000
    assert_complete(fetch(worker, fault_server.data_url(size, "z.bin", gzip=1), downloads), size)


def test_an_html_error_page_on_resume_is_never_spliced_in(worker, fault_server,
                                                           downloads) -> None:
    size = 3 * MiB
    url = fault_server.data_url(size, "iso.bin", truncate=MiB, html_on_resume=1,
                                key=f"html-{time.monotonic_ns()}")
    fault_server.reset()
    info = fetch(worker, url, downloads, connections=1)
    assert info.state is S.FAILED
    part = downloads / "iso.bin.part"
    assert part.exists()
    assert part.read_bytes()[:MiB] == payload(size)[:MiB]  # the good bytes are kept
    assert not (downloads / "iso.bin").exists()
    # On the wire: one whole-file request, then only resumes where the good bytes end;
    # the page was never taken for a new version of the file (which starts over).
    first, *resumes = fault_server.stats()["log"]
    assert first["range"] is None and resumes
    assert {r["range"] for r in resumes} == {f"bytes={MiB}-{size - 1}"}
    assert info.error_code == p.ErrorCode.WEB_PAGE


def test_a_content_range_that_does_not_match_is_rejected(worker, fault_server,
                                                          downloads) -> None:
    size = 3 * MiB
    info = fetch(worker, fault_server.data_url(size, "w.bin", wrong_range=1), downloads,
                 connections=3)
    assert info.state is S.FAILED
    assert info.error_code == p.ErrorCode.WRONG_RANGE


def test_a_file_that_changes_on_the_server_starts_over_or_fails_never_mixes(
        worker, fault_server, downloads) -> None:
    size = 4 * MiB
    info = fetch(worker, fault_server.data_url(size, "c.bin", etag="changing"), downloads,
                 connections=4)
    if info.state is S.COMPLETED:  # then it must be one whole version of the file
        digest = sha256(Path(info.path))
        assert any(digest == sha256_of(size, seed) for seed in range(0, 64))
    else:
        assert info.error_code == p.ErrorCode.CHANGED


def test_checksum_is_verified_and_a_mismatch_fails(worker, fault_server, downloads) -> None:
    size = 100_000
    good = fetch(worker, fault_server.data_url(size, "ok.bin"), downloads,
                 checksum=f"sha256={sha256_of(size)}")
    assert_complete(good, size)
    bad = fetch(worker, fault_server.data_url(size, "bad.bin"), downloads,
                checksum="sha256=" + "0" * 64)
    assert bad.state is S.FAILED and bad.error_code == p.ErrorCode.CHECKSUM
    assert not (downloads / "bad.bin").exists()


def test_pause_and_resume_keep_the_bytes(worker, fault_server, downloads) -> None:
    size = 3 * MiB
    fault_server.reset()
    (download_id,) = worker.add([fault_server.data_url(size, "p.bin", throttle=MiB)],
                                downloads, connections=2)
    worker.wait_done(download_id, 600_000)
    worker.send(p.Pause(ids=(download_id,)))
    paused = worker.wait_state(download_id, S.PAUSED)
    assert paused.done > 0 and Path(paused.path).exists()
    worker.send(p.Resume(ids=(download_id,)))
    assert_complete(worker.wait_state(download_id, S.COMPLETED, S.FAILED), size)
    sent = sum(r["bytes"] for r in fault_server.stats()["log"])
    assert sent < size + 2 * MiB  # at most the chunks in flight at the pause


def test_queue_runs_at_most_max_active(worker, fault_server, downloads) -> None:
    worker.send(p.SetOptions(max_active=2))
    urls = [fault_server.data_url(400_000, f"q{i}.bin", throttle=400_000) for i in range(5)]
    ids = worker.add(urls, downloads)
    most = 0

    def all_completed() -> bool:
        nonlocal most
        most = max(most, sum(worker.downloads[i].state is S.DOWNLOADING for i in ids))
        return all(worker.downloads[i].state is S.COMPLETED for i in ids)

    worker.wait_until(all_completed, what="all five completed")
    assert most == 2
    for i, url in zip(ids, urls, strict=True):
        assert sha256(Path(worker.downloads[i].path)) == sha256_of(400_000), url


def test_remove_can_delete_the_file(worker, fault_server, downloads) -> None:
    keep = fetch(worker, fault_server.data_url(1000, "keep.bin"), downloads)
    drop = fetch(worker, fault_server.data_url(1000, "drop.bin"), downloads)
    worker.send(p.Remove(ids=(keep.id,)))
    worker.send(p.Remove(ids=(drop.id,), delete_files=True))
    worker.wait_until(lambda: not worker.downloads, what="both removed")
    assert (downloads / "keep.bin").exists() and not (downloads / "drop.bin").exists()


def test_removing_an_unfinished_download_deletes_its_part(worker, fault_server,
                                                         downloads) -> None:
    keep = fetch(worker, fault_server.data_url(1000, "done-kept.bin"), downloads)
    paused, running = worker.add([
        fault_server.data_url(4 * MiB, "paused.bin", throttle=200_000),
        fault_server.data_url(4 * MiB, "running.bin", throttle=200_000),
    ], downloads)
    worker.wait_done(paused, 100_000)
    worker.wait_done(running, 100_000)
    worker.send(p.Pause(ids=(paused,)))
    worker.wait_state(paused, S.PAUSED)
    parts = {downloads / "paused.bin.part", downloads / "running.bin.part"}
    assert parts <= set(downloads.iterdir())
    worker.send(p.Remove(ids=(keep.id, paused, running)))  # no delete_files
    worker.wait_until(lambda: not worker.downloads, what="all three removed")
    assert sorted(downloads.iterdir()) == [downloads / "done-kept.bin"]


def test_speed_limit_limits(worker, fault_server, downloads) -> None:
    size = 600_000
    started = time.monotonic()
    info = fetch(worker, fault_server.data_url(size, "slow.bin"), downloads,
                 speed_limit=200_000)
    elapsed = time.monotonic() - started
    assert_complete(info, size)
    assert size / elapsed <= 200_000 * 1.25  # never faster than the limit (plus burst)


def test_bad_input_gets_errors_and_the_worker_keeps_running(worker, fault_server,
                                                             downloads) -> None:
    worker.send_raw(b"not json\n")
    worker.send_raw(b'{"type": "explode"}\n')
    worker.send_raw(b"\xff\xfe garbage\n")
    worker.send_raw(b'{"type": "add", "urls": "http://x"}\n')
    worker.send_raw(b"x" * (p.MAX_LINE_BYTES + 10) + b"\n")
    worker.send(p.Pause(ids=(424242,)))
    worker.send(p.Add(urls=("ftp://h/x", "file:///etc/passwd", "javascript:alert(1)",
                            "http://u:secret@h:1/x y"), directory=str(downloads)))
    worker.send(p.Add(urls=("http://h/x",), directory="relative/dir"))
    worker.wait_until(lambda: len(worker.errors()) >= 11, what="eleven errors")
    codes = [(e.code, e.command) for e in worker.errors()]
    assert codes.count((p.ErrorCode.BAD_LINE, "")) == 5  # JSON, type, UTF-8, shape, too long
    assert (p.ErrorCode.UNKNOWN_ID, "pause") in codes
    assert codes.count((p.ErrorCode.BAD_URL, "add")) == 4
    assert (p.ErrorCode.BAD_FOLDER, "add") in codes
    assert all(e.message for e in worker.errors())  # each with its particulars
    assert all("secret" not in e.url for e in worker.errors())
    assert_complete(fetch(worker, fault_server.data_url(1000, "alive.bin"), downloads), 1000)


def test_a_second_worker_on_the_same_state_folder_refuses_clearly(worker, home: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "engine"], input=b"",
                            env={**os.environ, "GREENGET_HOME": str(home)},
                            capture_output=True, timeout=30)
    assert result.returncode == 3
    events = [p.decode_event(line) for line in result.stdout.splitlines()]
    assert not any(isinstance(e, p.Hello) for e in events)  # hello means the store is open
    assert isinstance(events[-1], p.Error) and events[-1].fatal
    assert events[-1].code == p.ErrorCode.ALREADY_RUNNING


def test_killed_worker_resumes_from_the_store_without_refetching(
        home, fault_server, downloads) -> None:
    size = 8 * MiB
    fault_server.reset()
    first = WorkerProcess(home, settings=FAST)
    (download_id,) = first.add([fault_server.data_url(size, "k.bin", throttle=512 * 1024)],
                               downloads, connections=4)
    first.wait_done(download_id, 3 * MiB)
    time.sleep(1.2)  # let a checkpoint land
    first.kill()
    second = WorkerProcess(home, settings=FAST)
    try:
        assert second.downloads[download_id].state in (S.QUEUED, S.DOWNLOADING)
        assert second.downloads[download_id].done >= 2 * MiB
        assert_complete(second.wait_state(download_id, S.COMPLETED, S.FAILED), size)
    finally:
        second.close()
    sent = sum(r["bytes"] for r in fault_server.stats()["log"])
    assert sent <= size + 3 * MiB  # at most about a second of traffic fetched again


def test_shutdown_checkpoints_and_the_next_worker_finishes(home, fault_server,
                                                           downloads) -> None:
    size = 4 * MiB
    first = WorkerProcess(home, settings=FAST)
    (download_id,) = first.add([fault_server.data_url(size, "s.bin", throttle=2 * MiB)],
                               downloads)
    first.wait_done(download_id, MiB)
    assert first.shutdown() == 0
    second = WorkerProcess(home, settings=FAST)
    try:
        assert second.downloads[download_id].done >= MiB
        assert_complete(second.wait_state(download_id, S.COMPLETED, S.FAILED), size)
    finally:
        second.close()


def test_idle_connections_split_a_slow_piece(worker, fault_server, downloads) -> None:
    """The first connection stalls; the others finish their pieces and take
    halves of it, so the download does not wait at 99 % for one connection."""
    size = 16 * MiB
    url = fault_server.data_url(size, "split.bin", stall=100_000, fail=1,
                                key=f"split-{time.monotonic_ns()}")
    info = fetch(worker, url, downloads, connections=4)
    assert_complete(info, size)
    worker.send(p.GetSegments(id=info.id))
    segments = worker.expect(p.Segments)
    assert isinstance(segments, p.Segments)
    assert len(segments.segments) > 4  # pieces were split
    assert segments.segments[0].start == 0 and segments.segments[-1].end == size
    for before, after in zip(segments.segments, segments.segments[1:], strict=False):
        assert before.end == after.start  # they tile the file exactly
    assert all(s.done == (s.end or 0) - s.start for s in segments.segments)


def test_a_host_that_caps_connections_gets_fewer_and_is_remembered(worker, fault_server,
                                                                   downloads) -> None:
    size = 8 * MiB
    fault_server.reset()
    first = fetch(worker, fault_server.data_url(size, "cap1.bin", max_conn=2, throttle=4 * MiB),
                  downloads, connections=8)
    assert_complete(first, size)
    refused_first = [r for r in fault_server.stats()["log"] if r["status"] == 503]
    assert refused_first  # the server did turn connections away
    fault_server.reset()
    second = fetch(worker, fault_server.data_url(size, "cap2.bin", max_conn=2, throttle=4 * MiB),
                   downloads, connections=8)
    assert_complete(second, size)
    refused_second = [r for r in fault_server.stats()["log"] if r["status"] == 503]
    assert len(refused_second) < len(refused_first)


def test_a_digest_the_server_offers_is_verified_by_itself(worker, fault_server,
                                                          downloads) -> None:
    size = 2 * MiB
    good = fetch(worker, fault_server.data_url(size, "dg.bin", digest=1), downloads,
                 connections=4)
    assert_complete(good, size)
    assert good.checksum == f"sha256={sha256_of(size)}"
    bad = fetch(worker, fault_server.data_url(size, "dgbad.bin", digest="bad"), downloads)
    assert bad.state is S.FAILED and bad.error_code == p.ErrorCode.CHECKSUM
    assert not (downloads / "dgbad.bin").exists()


def test_a_lying_content_length_is_never_completed_as_is(worker, fault_server,
                                                         downloads) -> None:
    size = 2 * MiB
    key = f"lie-{time.monotonic_ns()}"
    info = fetch(worker, fault_server.data_url(size, "lie.bin", lie_length=size + 500_000,
                                               fail=1, key=key), downloads, connections=2)
    assert_complete(info, size)  # the real size, learnt again after the lie showed


def test_a_server_that_answers_200_to_a_range_starts_over_cleanly(worker, fault_server,
                                                                  downloads) -> None:
    size = 3 * MiB
    (download_id,) = worker.add([fault_server.data_url(size, "r.bin", throttle=MiB)],
                                downloads, connections=2)
    worker.wait_done(download_id, 400_000)
    worker.send(p.Pause(ids=(download_id,)))
    worker.wait_state(download_id, S.PAUSED)
    fault_server.reset()
    worker.send(p.SetUrl(id=download_id, url=fault_server.data_url(size, "r.bin", ranges=0)))
    worker.send(p.Resume(ids=(download_id,)))
    worker.wait_state(download_id, S.DOWNLOADING)
    assert_complete(worker.wait_state(download_id, S.COMPLETED, S.FAILED), size)
    answers = fault_server.stats()["log"]
    assert all(r["status"] == 200 for r in answers)
    # Re-planned as one piece streamed from byte 0.
    worker.send(p.GetSegments(id=download_id))
    segments = worker.expect(p.Segments)
    assert isinstance(segments, p.Segments)
    assert [(s.start, s.end, s.done) for s in segments.segments] == [(0, size, size)]


def test_a_slow_trickle_still_ends_byte_identical(worker, fault_server, downloads) -> None:
    size = 20_000
    info = fetch(worker, fault_server.data_url(size, "trickle.bin", throttle=8_000), downloads)
    assert_complete(info, size)


def test_names_that_differ_only_in_case_never_overwrite(worker, fault_server,
                                                        downloads) -> None:
    first = fetch(worker, fault_server.data_url(1000, "Report.PDF"), downloads)
    second = fetch(worker, fault_server.data_url(2000, "report.pdf"), downloads)
    assert Path(first.path).read_bytes() != Path(second.path).read_bytes()
    assert sorted(os.listdir(downloads)) in (["Report.PDF", "report.pdf"],
                                             ["report (1).pdf", "Report.PDF"])


def test_a_published_sha256_file_is_checked_when_asked(worker, fault_server,
                                                       downloads) -> None:
    size = MiB
    good = fetch(worker, fault_server.data_url(size, "iso.img"), downloads, checksum="sidecar")
    assert_complete(good, size)
    assert good.checksum == f"sha256={sha256_of(size)}"
    missing = fetch(worker, fault_server.url("/redirect/0/status/200"), downloads,
                    checksum="sidecar")
    assert missing.state is S.FAILED and missing.error_code == p.ErrorCode.NO_CHECKSUM
