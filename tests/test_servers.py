"""Self-tests of the test servers: every fault behaves as tests/servers/README.md says."""

from __future__ import annotations

import gzip
import hashlib
import os
import socket
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.servers.harness import FaultServer, Nginx, find_nginx, run_fault_server, run_nginx
from tests.servers.payload import BLOCK_SIZE, DIRECT_LIMIT, iter_range, payload, sha256_of

LAST_MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT"


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # never route 127.0.0.1 through a proxy from the environment
        session.headers["Accept-Encoding"] = "identity"
        yield session


def target_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def raw_get(
    url: str, headers: dict[str, str] | None = None
) -> tuple[dict[str, str], bytes, OSError | None]:
    """One request on a fresh socket, read to EOF or error: what the server put on the wire."""
    parts = urlsplit(url)
    lines = [f"GET {target_of(url)} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    data = b""
    error: OSError | None = None
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except OSError as exc:
            error = exc
    head, _, body = data.partition(b"\r\n\r\n")
    parsed = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    return parsed, body, error


def read_until_error(response: requests.Response, chunk_size: int = 100) -> tuple[bytes, Exception]:
    received = b""
    with pytest.raises(requests.RequestException) as caught:
        for chunk in response.iter_content(chunk_size):
            received += chunk
    return received, caught.value


# -- payload --------------------------------------------------------------------------


def test_payload_is_deterministic_and_hashed_consistently() -> None:
    assert payload(1000, 1) == payload(1000, 1) != payload(1000, 2)
    assert len(payload(1000, 1)) == 1000
    assert sha256_of(1000, 1) == hashlib.sha256(payload(1000, 1)).hexdigest()
    assert b"".join(iter_range(1000, 1, 10, 20)) == payload(1000, 1)[10:20]


def test_large_payload_is_not_periodic_and_ranges_agree() -> None:
    size = DIRECT_LIMIT + BLOCK_SIZE + 12345
    data = payload(size)
    assert len(data) == size
    blocks = {data[i : i + 4096] for i in range(0, size - BLOCK_SIZE, BLOCK_SIZE)}
    assert len(blocks) == len(range(0, size - BLOCK_SIZE, BLOCK_SIZE))  # every block differs
    assert sha256_of(size) == hashlib.sha256(data).hexdigest()
    start, stop = 3 * BLOCK_SIZE - 7, 4 * BLOCK_SIZE + 9
    assert b"".join(iter_range(size, 0, start, stop)) == data[start:stop]


# -- plain serving, ranges, validators ------------------------------------------------------


def test_full_get_headers_and_body(fault_server: FaultServer, http: requests.Session) -> None:
    r = http.get(fault_server.data_url(5000, "full.bin", seed=3))
    assert r.status_code == 200
    assert r.content == payload(5000, 3)
    assert r.headers["Content-Type"] == "application/octet-stream"
    assert r.headers["Accept-Ranges"] == "bytes"
    assert r.headers["Content-Length"] == "5000"
    assert r.headers["ETag"] == '"5000-3"'
    assert r.headers["Last-Modified"] == LAST_MODIFIED


def test_head_has_headers_and_no_body(fault_server: FaultServer, http: requests.Session) -> None:
    fault_server.reset()
    r = http.head(fault_server.data_url(5000, "head.bin"))
    assert r.status_code == 200
    assert r.headers["Content-Length"] == "5000"
    assert r.content == b""
    assert fault_server.stats()["log"][-1]["bytes"] == 0


@pytest.mark.parametrize(
    ("header", "start", "stop"),
    [
        ("bytes=10-19", 10, 20),
        ("bytes=4990-", 4990, 5000),
        ("bytes=-25", 4975, 5000),
        ("bytes=4990-99999", 4990, 5000),
        ("bytes=-99999", 0, 5000),
    ],
)
def test_range_gives_206(
    fault_server: FaultServer, http: requests.Session, header: str, start: int, stop: int
) -> None:
    r = http.get(fault_server.data_url(5000, "range.bin"), headers={"Range": header})
    assert r.status_code == 206
    assert r.headers["Content-Range"] == f"bytes {start}-{stop - 1}/5000"
    assert r.content == payload(5000)[start:stop]


@pytest.mark.parametrize("header", ["bytes=5000-", "bytes=9000-9999", "bytes=-0"])
def test_unsatisfiable_range_gives_416(
    fault_server: FaultServer, http: requests.Session, header: str
) -> None:
    r = http.get(fault_server.data_url(5000, "416.bin"), headers={"Range": header})
    assert r.status_code == 416
    assert r.headers["Content-Range"] == "bytes */5000"


@pytest.mark.parametrize(
    ("if_range", "status"),
    [
        ('"5000-0"', 206),
        ('"5000-1"', 200),
        ('W/"5000-0"', 200),
        (LAST_MODIFIED, 206),
        (formatdate(0, usegmt=True), 200),
    ],
)
def test_if_range(
    fault_server: FaultServer, http: requests.Session, if_range: str, status: int
) -> None:
    headers = {"Range": "bytes=100-", "If-Range": if_range}
    r = http.get(fault_server.data_url(5000, "ifrange.bin"), headers=headers)
    assert r.status_code == status
    assert r.content == payload(5000)[100 if status == 206 else 0 :]


def test_validators_0_sends_none_and_if_range_never_matches(
    fault_server: FaultServer, http: requests.Session
) -> None:
    url = fault_server.data_url(5000, "noval.bin", validators=0)
    plain = http.get(url)
    assert "ETag" not in plain.headers and "Last-Modified" not in plain.headers
    assert http.get(url, headers={"Range": "bytes=100-"}).status_code == 206
    for value in ('"5000-0"', LAST_MODIFIED):
        r = http.get(url, headers={"Range": "bytes=100-", "If-Range": value})
        assert r.status_code == 200 and r.content == payload(5000)


def test_a_weak_etag_is_sent_and_never_matches_if_range(
    fault_server: FaultServer, http: requests.Session
) -> None:
    url = fault_server.data_url(5000, "weak.bin", weak_etag=1)
    assert http.get(url).headers["ETag"] == 'W/"5000-0"'
    for value, status in (('W/"5000-0"', 200), ('"5000-0"', 200), (LAST_MODIFIED, 206)):
        r = http.get(url, headers={"Range": "bytes=100-", "If-Range": value})
        assert r.status_code == status, value


def test_ignore_if_range_serves_the_range_whatever_the_validator(
    fault_server: FaultServer, http: requests.Session
) -> None:
    url = fault_server.data_url(5000, "ignoreifr.bin", ignore_if_range=1, seed=3)
    r = http.get(url, headers={"Range": "bytes=100-", "If-Range": '"5000-0"'})
    assert r.status_code == 206 and r.headers["ETag"] == '"5000-3"'
    assert r.content == payload(5000, 3)[100:]


def test_the_log_records_when_each_request_arrived(
    fault_server: FaultServer, http: requests.Session
) -> None:
    fault_server.reset()
    http.get(fault_server.data_url(10, "t1.bin"))
    time.sleep(0.2)
    http.get(fault_server.data_url(10, "t2.bin"))
    first, second = fault_server.stats()["log"]
    assert second["time"] - first["time"] >= 0.2


def test_ranges_0_ignores_range(fault_server: FaultServer, http: requests.Session) -> None:
    r = http.get(
        fault_server.data_url(3000, "norange.bin", ranges=0), headers={"Range": "bytes=5-"}
    )
    assert r.status_code == 200
    assert "Accept-Ranges" not in r.headers
    assert r.content == payload(3000)


def test_length_0_is_chunked(fault_server: FaultServer, http: requests.Session) -> None:
    r = http.get(
        fault_server.data_url(300_000, "chunked.bin", length=0), headers={"Range": "bytes=5-"}
    )
    assert r.status_code == 200
    assert r.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in r.headers
    assert r.content == payload(300_000)


def test_large_body_matches_helper_hash(fault_server: FaultServer, http: requests.Session) -> None:
    size = DIRECT_LIMIT + 2 * BLOCK_SIZE + 3
    digest = hashlib.sha256()
    with http.get(fault_server.data_url(size, "big.bin"), stream=True) as r:
        for chunk in r.iter_content(1024 * 1024):
            digest.update(chunk)
    assert digest.hexdigest() == sha256_of(size)


# -- connection faults ----------------------------------------------------------------


def test_truncate_sends_n_bytes_then_closes(
    fault_server: FaultServer, http: requests.Session
) -> None:
    url = fault_server.data_url(100_000, "truncate.bin", truncate=500)
    headers, body, error = raw_get(url)
    assert headers["content-length"] == "100000"
    assert error is None  # a clean close, just early
    assert body == payload(100_000)[:500]
    with http.get(url, stream=True) as r:
        received, short_read = read_until_error(r)
    assert isinstance(short_read, requests.exceptions.ChunkedEncodingError)
    assert received == payload(100_000)[:500]


def test_truncate_once_then_resume(fault_server: FaultServer, http: requests.Session) -> None:
    fault_server.reset()
    url = fault_server.data_url(10_000, "resume.bin", truncate=3000, fail=1)
    with http.get(url, stream=True) as r:
        received, _ = read_until_error(r)
    assert len(received) == 3000
    r = http.get(url, headers={"Range": "bytes=3000-", "If-Range": r.headers["ETag"]})
    assert r.status_code == 206
    assert received + r.content == payload(10_000)
    stats = fault_server.stats()
    assert stats["requests"] == 2
    assert stats["bytes_sent"] == 10_000
    assert [rec["bytes"] for rec in stats["log"]] == [3000, 7000]


def test_drop_sends_n_bytes_then_resets(fault_server: FaultServer) -> None:
    headers, body, error = raw_get(fault_server.data_url(1_000_000, "drop.bin", drop=70_000))
    assert headers["content-length"] == "1000000"
    assert isinstance(error, ConnectionResetError)
    assert body == payload(1_000_000)[:70_000]


def test_stall_sends_n_bytes_then_hangs(fault_server: FaultServer, http: requests.Session) -> None:
    started = time.monotonic()
    with http.get(
        fault_server.data_url(10_000, "stall.bin", stall=1000), stream=True, timeout=(5, 0.5)
    ) as r:
        received, error = read_until_error(r)
    assert isinstance(error, requests.exceptions.ConnectionError)  # read timeout mid-body
    assert received == payload(10_000)[:1000]
    assert time.monotonic() - started >= 0.5


def test_lie_length_declares_n_and_sends_real_body(fault_server: FaultServer) -> None:
    headers, body, error = raw_get(fault_server.data_url(1000, "lie.bin", lie_length=5000))
    assert headers["content-length"] == "5000"
    assert error is None
    assert body == payload(1000)


def test_throttle_caps_the_rate(fault_server: FaultServer, http: requests.Session) -> None:
    started = time.monotonic()
    r = http.get(fault_server.data_url(40_000, "slow.bin", throttle=100_000))
    elapsed = time.monotonic() - started
    assert r.content == payload(40_000)
    assert elapsed >= 0.35  # 40 kB at 100 kB/s; only a lower bound, never an upper one


def test_max_conn_rejects_extra_concurrent_requests(
    fault_server: FaultServer, http: requests.Session
) -> None:
    url = fault_server.data_url(10_000, "maxconn.bin", max_conn=1, stall=100, fail=1)
    with http.get(url, stream=True, timeout=5) as first:
        assert first.status_code == 200
        with requests.Session() as other:
            other.trust_env = False
            assert other.get(url).status_code == 503
    deadline = time.monotonic() + 5
    while (status := http.get(url).status_code) == 503 and time.monotonic() < deadline:
        time.sleep(0.02)  # the server notices the closed connection asynchronously
    assert status == 200


def test_many_concurrent_connections(fault_server: FaultServer, http: requests.Session) -> None:
    target = target_of(fault_server.data_url(1000, "many.bin", stall=10))
    sockets = [socket.create_connection(("127.0.0.1", fault_server.port)) for _ in range(300)]
    try:
        for sock in sockets:
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        for sock in sockets:
            sock.settimeout(5)
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        assert http.get(fault_server.data_url(1000, "other.bin")).content == payload(1000)
    finally:
        for sock in sockets:
            sock.close()


# -- server misbehaviour --------------------------------------------------------------


def test_status_fail_k_then_ok(fault_server: FaultServer, http: requests.Session) -> None:
    url = fault_server.data_url(2000, "503x2.bin", status=503, retry_after=7, fail=2)
    for _ in range(2):
        r = http.get(url)
        assert r.status_code == 503
        assert r.headers["Retry-After"] == "7"
        assert r.headers["Content-Type"].startswith("text/html")
        assert b"503" in r.content
    r = http.get(url)
    assert r.status_code == 200
    assert "Retry-After" not in r.headers
    assert r.content == payload(2000)


def test_fail_counts_per_key(fault_server: FaultServer, http: requests.Session) -> None:
    first = fault_server.data_url(100, "a.bin", status=500, fail=1, key="shared-key")
    second = fault_server.data_url(100, "b.bin", status=500, fail=1, key="shared-key")
    assert http.get(first).status_code == 500
    assert http.get(second).status_code == 200


def test_status_endpoint(fault_server: FaultServer, http: requests.Session) -> None:
    r = http.get(fault_server.url("/status/429?retry_after=3"))
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "3"
    assert b"429 Too Many Requests" in r.content
    assert http.get(fault_server.url("/status/404")).status_code == 404


def test_changing_etag_changes_content(fault_server: FaultServer, http: requests.Session) -> None:
    url = fault_server.data_url(4000, "changing.bin", etag="changing")
    first, second = http.get(url), http.get(url)
    assert first.headers["ETag"] != second.headers["ETag"]
    assert first.headers["Last-Modified"] != second.headers["Last-Modified"]
    assert first.content != second.content
    r = http.get(url, headers={"Range": "bytes=100-", "If-Range": second.headers["ETag"]})
    assert r.status_code == 200  # the file changed again: full new content
    assert r.headers["ETag"] not in (first.headers["ETag"], second.headers["ETag"])
    assert len(r.content) == 4000


def test_html_on_resume(fault_server: FaultServer, http: requests.Session) -> None:
    url = fault_server.data_url(5000, "html.bin", html_on_resume=1)
    assert http.get(url).content == payload(5000)
    r = http.get(url, headers={"Range": "bytes=1000-"})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    assert 200 < len(r.content) < 5000
    assert r.content.startswith(b"<!DOCTYPE html>")


def test_wrong_range(fault_server: FaultServer, http: requests.Session) -> None:
    url = fault_server.data_url(5000, "wrong.bin", wrong_range=1)
    r = http.get(url, headers={"Range": "bytes=100-199"})
    assert r.status_code == 206
    assert r.headers["Content-Range"] == "bytes 1100-1199/5000"
    assert r.content == payload(5000)[1100:1200]
    r = http.get(url, headers={"Range": "bytes=4500-"})
    assert r.headers["Content-Range"] == "bytes 3500-3999/5000"


def test_gzip(fault_server: FaultServer, http: requests.Session) -> None:
    url = fault_server.data_url(20_000, "gz.bin", gzip=1)
    with http.get(url, stream=True, headers={"Range": "bytes=100-"}) as r:
        compressed = r.raw.read(decode_content=False)
    assert r.status_code == 200
    assert r.headers["Content-Encoding"] == "gzip"
    assert int(r.headers["Content-Length"]) == len(compressed)
    assert gzip.decompress(compressed) == payload(20_000)
    assert http.get(url).content == payload(20_000)  # requests decodes it


@pytest.mark.parametrize(
    "value",
    [
        'attachment; filename="a b.txt"',
        "attachment; filename*=UTF-8''%E4%B8%AD%E6%96%87.txt",
        "attachment; filename=\"fallback.txt\"; filename*=UTF-8''%E4%B8%AD.txt",
        'attachment; filename="../../x"',
        "attachment; filename=CON.txt",
        'attachment; filename=""',
        'attachment; filename="caf\xe9.txt"',
    ],
)
def test_content_disposition_passthrough(
    fault_server: FaultServer, http: requests.Session, value: str
) -> None:
    r = http.get(fault_server.data_url(10, "cd.bin", cd=value))
    assert r.headers["Content-Disposition"] == value


def test_content_disposition_raw_bytes(fault_server: FaultServer, http: requests.Session) -> None:
    raw = 'attachment; filename="中文.txt"'.encode()
    r = http.get(fault_server.data_url(10, "cdraw.bin", cd_raw=raw))
    assert r.headers["Content-Disposition"].encode("latin-1") == raw
    bad = http.get(fault_server.data_url(10, "cdbad.bin", cd="attachment; filename=中.txt"))
    assert bad.status_code == 400


def test_ctype_override(fault_server: FaultServer, http: requests.Session) -> None:
    r = http.get(fault_server.data_url(10, "page.bin", ctype="text/plain; charset=utf-8"))
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"


# -- redirects ------------------------------------------------------------------------


def test_redirect_chain_keeps_query(fault_server: FaultServer, http: requests.Session) -> None:
    r = http.get(fault_server.url("/redirect/3/data/100/r.bin?seed=5"))
    assert [h.status_code for h in r.history] == [302, 302, 302, 302]
    assert r.history[0].headers["Location"] == fault_server.url("/redirect/2/data/100/r.bin?seed=5")
    assert r.url == fault_server.url("/data/100/r.bin?seed=5")
    assert r.content == payload(100, 5)


@pytest.mark.parametrize(("rel", "location"), [("1", "/redirect/0/"), ("2", "../../../0/")])
def test_relative_redirects(
    fault_server: FaultServer, http: requests.Session, rel: str, location: str
) -> None:
    r = http.get(fault_server.url(f"/redirect/1/data/100/rel.bin?rel={rel}"))
    assert r.history[0].headers["Location"].startswith(location)
    assert r.url == fault_server.url(f"/data/100/rel.bin?rel={rel}")
    assert r.content == payload(100)


def test_redirect_loop(fault_server: FaultServer, http: requests.Session) -> None:
    with pytest.raises(requests.TooManyRedirects):
        http.get(fault_server.url("/loop/x"))


# -- statistics and housekeeping ------------------------------------------------------


def test_stats_count_body_bytes_and_connections(
    fault_server: FaultServer, http: requests.Session
) -> None:
    fault_server.reset()
    assert fault_server.stats() == {"requests": 0, "bytes_sent": 0, "log": []}
    url = fault_server.data_url(5000, "stats.bin")
    http.get(url, headers={"Range": "bytes=0-999", "If-Range": '"5000-0"'})
    http.get(url)
    stats = fault_server.stats()
    assert stats["requests"] == 2
    assert stats["bytes_sent"] == 6000
    first, second = stats["log"]
    assert first["method"] == "GET"
    assert first["path"] == "/data/5000/stats.bin"
    assert first["range"] == "bytes=0-999"
    assert first["if_range"] == '"5000-0"'
    assert (first["status"], first["bytes"]) == (206, 1000)
    assert (second["status"], second["bytes"], second["range"]) == (200, 5000, None)
    assert first["conn"] == second["conn"]  # keep-alive


def test_bad_requests(fault_server: FaultServer, http: requests.Session) -> None:
    assert http.get(fault_server.url("/nowhere")).status_code == 404
    assert http.get(fault_server.url("/data/abc/x.bin")).status_code == 400
    assert http.get(fault_server.data_url(10, "x.bin", truncate="many")).status_code == 400
    assert http.post(fault_server.url("/data/10/x.bin")).status_code == 405


def test_fault_server_child_is_reaped(tmp_path: Path) -> None:
    with run_fault_server(tmp_path / "server.log") as server:
        stalled = socket.create_connection(("127.0.0.1", server.port))
        stalled.sendall(b"GET /data/100/s.bin?stall=0 HTTP/1.1\r\nHost: x\r\n\r\n")
        assert stalled.recv(100).startswith(b"HTTP/1.1 200")
        assert server.process.poll() is None
    stalled.close()
    assert server.process.returncode is not None


# -- nginx ----------------------------------------------------------------------------


def test_nginx_serves_files_with_ranges_and_logs_bytes(
    nginx: Nginx, http: requests.Session
) -> None:
    sha = nginx.add_file("sub/n.bin", 300_000, seed=4)
    assert sha == sha256_of(300_000, 4)
    nginx.clear_access_log()
    r = http.get(nginx.url("sub/n.bin"))
    assert hashlib.sha256(r.content).hexdigest() == sha
    assert r.headers["Accept-Ranges"] == "bytes"
    assert "ETag" in r.headers
    r = http.get(nginx.url("sub/n.bin"), headers={"Range": "bytes=1000-1999"})
    assert r.status_code == 206
    assert r.headers["Content-Range"] == "bytes 1000-1999/300000"
    assert r.content == payload(300_000, 4)[1000:2000]
    entries = nginx.access_log_entries(min_count=2)
    assert [(e.method, e.path, e.status) for e in entries] == [
        ("GET", "/sub/n.bin", 200),
        ("GET", "/sub/n.bin", 206),
    ]
    assert entries[1].range == "bytes=1000-1999"
    assert nginx.body_bytes_sent("/sub/n.bin") == 301_000


def test_nginx_limited_location(nginx: Nginx, http: requests.Session) -> None:
    nginx.add_file("slow.bin", 96 * 1024)
    started = time.monotonic()
    r = http.get(nginx.limited_url("slow.bin", rate="64k"))
    elapsed = time.monotonic() - started
    assert r.content == payload(96 * 1024)
    # nginx sends the first second's worth at once, then waits; a lower bound only
    assert elapsed >= 0.5


@pytest.mark.skipif(find_nginx() is None, reason="nginx is not installed")
def test_nginx_stops_with_its_workers(tmp_path: Path) -> None:
    binary = find_nginx()
    assert binary is not None
    with run_nginx(binary, tmp_path) as server:
        pgid = os.getpgid(server.process.pid)
        assert server.process.poll() is None
    assert server.process.returncode is not None
    with pytest.raises(ProcessLookupError):
        os.killpg(pgid, 0)  # no master or worker left in nginx's process group


def test_shrink_after_serves_a_smaller_new_version(fault_server: FaultServer,
                                                    http: requests.Session) -> None:
    url = fault_server.data_url(5000, "shrinks.bin", shrink_after=1, shrink_to=1200,
                                key=f"shrinks-{time.monotonic_ns()}")
    first = http.get(url)
    assert first.content == payload(5000) and first.headers["ETag"] == '"5000-0"'
    late = http.get(url, headers={"Range": "bytes=3000-"})
    assert late.status_code == 416 and late.headers["Content-Range"] == "bytes */1200"
    again = http.get(url)
    assert again.content == payload(1200, 1) and again.headers["ETag"] == '"1200-1"'
    assert again.headers["Last-Modified"] != first.headers["Last-Modified"]


def test_files_serves_single_ranges(tmp_path: Path, http: requests.Session) -> None:
    (tmp_path / "a.bin").write_bytes(payload(3000))
    with run_fault_server(tmp_path / "stderr.log", files=tmp_path) as server:
        whole = http.get(server.url("/files/x/a.bin"))
        part = http.get(server.url("/files/x/a.bin"), headers={"Range": "bytes=100-199"})
        past = http.get(server.url("/files/x/a.bin"), headers={"Range": "bytes=5000-"})
    assert whole.status_code == 200 and whole.content == payload(3000)
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert part.status_code == 206 and part.content == payload(3000)[100:200]
    assert part.headers["Content-Range"] == "bytes 100-199/3000"
    assert past.status_code == 416 and past.headers["Content-Range"] == "bytes */3000"
