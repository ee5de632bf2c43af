"""Start the test servers as child processes and talk to them; used by tests/conftest.py.

Standard library only (no gevent in the pytest process). Everything binds and talks
to 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from urllib.parse import quote, urlencode

from tests.servers.payload import iter_range
from tests.servers.stats import Stats

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0
NGINX_PORT_ATTEMPTS = 5
NGINX_DEFAULT_RATE = "2m"
_NGINX_ALIVE_BODY = b"greenget-nginx\n"


def stop_process(process: subprocess.Popen[bytes], *, group: bool = False) -> None:
    """SIGTERM, wait, then SIGKILL (the whole process group with ``group``); always reaps."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            log.warning("pid %d ignored SIGTERM, killing it", process.pid)
            if group:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
            process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def _get(port: int, path: str, method: str = "GET", timeout: float = 10.0) -> tuple[int, bytes]:
    """A direct request (http.client never consults proxy settings)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# -- the fault-injecting server --------------------------------------------------------


class FaultServer:
    """Handle on a running ``python -m tests.servers.faulty`` child."""

    def __init__(self, port: int, process: subprocess.Popen[bytes], log_path: Path,
                 scheme: str = "http") -> None:
        self.port = port
        self.process = process
        self.log_path = log_path  # the child's stderr
        self.base_url = f"{scheme}://{HOST}:{port}"

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` (which starts with "/", query string allowed)."""
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/': {path!r}")
        return self.base_url + path

    def data_url(self, size: int, name: str = "file.bin", **faults: str | int | bytes) -> str:
        """URL of ``/data/<size>/<name>?<faults>``.

        Values are sent as text; ``True``/``False`` become 1/0 and bytes are hex-encoded
        (for ``cd_raw``). Example: ``data_url(10_000, truncate=500, fail=1)``.
        """
        query = urlencode({key: _query_value(value) for key, value in faults.items()})
        path = f"/data/{size}/{quote(name)}"
        return self.url(f"{path}?{query}" if query else path)

    def stats(self) -> Stats:
        status, body = _get(self.port, "/_stats")
        if status != 200:
            raise RuntimeError(f"/_stats answered {status}")
        return cast(Stats, json.loads(body))

    def reset(self) -> None:
        """Clear the statistics (fail=K and etag=changing counters are kept)."""
        status, _ = _get(self.port, "/_reset", method="POST")
        if status != 200:
            raise RuntimeError(f"/_reset answered {status}")


def _query_value(value: str | int | bytes) -> str:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, bool):
        return str(int(value))
    return str(value)


def _read_line(process: subprocess.Popen[bytes], timeout: float) -> bytes:
    assert process.stdout is not None
    stdout = process.stdout
    lines: list[bytes] = []
    reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return lines[0] if lines else b""


@contextlib.contextmanager
def run_fault_server(
    log_path: Path, log_level: str = "WARNING", tls: tuple[Path, Path] | None = None,
    files: Path | None = None,
) -> Iterator[FaultServer]:
    """Start the fault server in a child process (HTTPS with ``tls`` = (cert, key),
    serving ``files`` under ``/files/``);
    stop and reap it on exit. Over HTTPS, use it for downloads only: ``stats``
    and ``reset`` speak plain HTTP."""
    command = [
        sys.executable,
        "-m",
        "tests.servers.faulty",
        "--exit-on-stdin-eof",
        "--log-level",
        log_level,
        *(["--tls", str(tls[0]), str(tls[1])] if tls else []),
        *(["--files", str(files)] if files else []),
    ]
    with open(log_path, "ab") as stderr:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr
        )
    try:
        line = _read_line(process, START_TIMEOUT).strip()
        if not line.isdigit():
            raise RuntimeError(
                f"fault server did not report a port (got {line!r}); its stderr:\n"
                + log_path.read_text(errors="replace")
            )
        server = FaultServer(int(line), process, log_path, "https" if tls else "http")
        log.info("fault server pid %d on %s", process.pid, server.base_url)
        yield server
    finally:
        stop_process(process)


def make_self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (it is its own CA) and its key."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


# -- nginx -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessLogEntry:
    method: str
    path: str  # request target as sent: path and query
    status: int
    body_bytes_sent: int
    range: str | None  # the request's Range header


_NGINX_CONF = """\
daemon off;
master_process on;
worker_processes 1;
{user}
error_log "{prefix}/logs/error.log" warn;
pid "{prefix}/nginx.pid";

events {{
    worker_connections 4096;
}}

http {{
    default_type application/octet-stream;
    log_format greenget "$status\\t$body_bytes_sent\\t$http_range\\t$request";
    access_log "{prefix}/logs/access.log" greenget;
    # When each request ended and how long it took, for bench/run.py's server window.
    log_format timing "$msec $request_time $status $body_bytes_sent $connection $request_uri";
    access_log "{prefix}/logs/timing.log" timing;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path "{prefix}/temp/client_body";
    proxy_temp_path "{prefix}/temp/proxy";
    fastcgi_temp_path "{prefix}/temp/fastcgi";
    uwsgi_temp_path "{prefix}/temp/uwsgi";
    scgi_temp_path "{prefix}/temp/scgi";

    map $arg_rate $greenget_rate {{
        "" {default_rate};
        default $arg_rate;
    }}

    server {{
        listen {host}:{port};
        server_name localhost;
        root "{prefix}/root";

        location = /_alive {{
            access_log off;
            return 200 "greenget-nginx\\n";
        }}
        location /limited/ {{
            alias "{prefix}/root/";
            limit_rate $greenget_rate;
        }}
    }}
}}
"""


class Nginx:
    """Handle on a running nginx serving ``root`` on 127.0.0.1."""

    def __init__(self, prefix: Path, port: int, process: subprocess.Popen[bytes]) -> None:
        self.prefix = prefix
        self.root = prefix / "root"
        self.port = port
        self.process = process
        self.base_url = f"http://{HOST}:{port}"
        self.access_log = prefix / "logs" / "access.log"
        self.timing_log = prefix / "logs" / "timing.log"  # "$msec $request_time ..." a line
        self.error_log = prefix / "logs" / "error.log"

    def url(self, name: str) -> str:
        return f"{self.base_url}/{quote(name)}"

    def limited_url(self, name: str, rate: str | None = None) -> str:
        """URL of the same file through ``limit_rate`` (default 2m per connection).

        ``rate`` takes nginx sizes: "500k", "2m", "100000". nginx lets the first
        second's worth of bytes through at once, then holds the connection to the rate.
        """
        url = f"{self.base_url}/limited/{quote(name)}"
        return f"{url}?{urlencode({'rate': rate})}" if rate else url

    def add_file(self, name: str, size: int, seed: int = 0) -> str:
        """Write the ``(size, seed)`` payload to ``root/name``; return its SHA-256."""
        target = self.root / name
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise ValueError(f"{name!r} leaves the web root")
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with open(target, "wb") as out:
            for piece in iter_range(size, seed):
                out.write(piece)
                digest.update(piece)
        return digest.hexdigest()

    def access_log_entries(self, min_count: int = 0, timeout: float = 5.0) -> list[AccessLogEntry]:
        """Parsed access log; waits up to ``timeout`` for at least ``min_count`` entries.

        nginx writes a line when a request finishes, which can be just after the
        client has read the last byte.
        """
        deadline = time.monotonic() + timeout
        while True:
            entries = [self._parse(line) for line in self._read_log().splitlines() if line]
            if len(entries) >= min_count or time.monotonic() >= deadline:
                return entries
            time.sleep(0.02)

    def body_bytes_sent(self, path: str | None = None) -> int:
        """Sum of ``$body_bytes_sent`` over the log, or over the requests for ``path``."""
        return sum(
            e.body_bytes_sent
            for e in self.access_log_entries()
            if path is None or e.path.partition("?")[0] == path
        )

    def clear_access_log(self) -> None:
        self.access_log.write_bytes(b"")  # nginx appends (O_APPEND), so truncating is safe

    def _read_log(self) -> str:
        try:
            return self.access_log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    @staticmethod
    def _parse(line: str) -> AccessLogEntry:
        status, body_bytes, range_header, request = line.split("\t", 3)
        method, _, rest = request.partition(" ")
        return AccessLogEntry(
            method=method,
            path=rest.rpartition(" ")[0] or rest,
            status=int(status),
            body_bytes_sent=int(body_bytes),
            range=None if range_header == "-" else range_header,
        )


def find_nginx() -> str | None:
    """The nginx binary (also looked for in the sbin folders, often not on PATH)."""
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    return shutil.which("nginx", path=search)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _nginx_alive(port: int) -> bool:
    try:
        return _get(port, "/_alive", timeout=1.0) == (200, _NGINX_ALIVE_BODY)
    except OSError:
        return False


def _start_nginx(binary: str, prefix: Path, port: int,
                 rate: str) -> subprocess.Popen[bytes] | None:
    """Start nginx on ``port``; None if it could not bind it; raises on other failures."""
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    conf = prefix / "nginx.conf"
    conf.write_text(
        _NGINX_CONF.format(
            prefix=prefix,
            host=HOST,
            port=port,
            default_rate=rate,
            # As root the workers would switch to "nobody", who cannot read pytest's 0700 dirs.
            user="user root;" if is_root else "",
        )
    )
    error_log = prefix / "logs" / "error.log"
    error_log.write_bytes(b"")
    command = [binary, "-p", f"{prefix}/", "-c", str(conf), "-e", str(error_log)]
    with open(prefix / "logs" / "stderr.log", "ab") as stderr:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr, start_new_session=True
        )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = error_log.read_text(errors="replace")
            if "Address already in use" in errors:
                return None
            raise RuntimeError(f"nginx exited with {process.returncode}:\n{errors}")
        if _nginx_alive(port):
            return process
        time.sleep(0.05)
    stop_process(process, group=True)
    raise RuntimeError(f"nginx did not answer on port {port} within {START_TIMEOUT} s")


@contextlib.contextmanager
def run_nginx(binary: str, prefix: Path, rate: str = NGINX_DEFAULT_RATE) -> Iterator[Nginx]:
    """Run nginx with its own config, logs and temp folders under ``prefix``;
    ``/limited/`` holds each connection to ``rate`` unless a URL names its own."""
    for folder in ("root", "logs", "temp"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    for attempt in range(NGINX_PORT_ATTEMPTS):
        port = _free_port()
        process = _start_nginx(binary, prefix, port, rate)
        if process is not None:
            break
        log.info("nginx could not bind port %d (attempt %d), retrying", port, attempt + 1)
    else:
        raise RuntimeError(f"nginx could not bind a free port in {NGINX_PORT_ATTEMPTS} attempts")
    log.info("nginx pid %d on port %d, prefix %s", process.pid, port, prefix)
    try:
        yield Nginx(prefix, port, process)
    finally:
        stop_process(process, group=True)


@contextlib.contextmanager
def run_xvfb(screen: str = "1366x850x24") -> Iterator[str]:
    """An X server of our own (Xvfb, no TCP); yields its DISPLAY (``:N``, chosen by Xvfb)."""
    binary = shutil.which("Xvfb")
    if binary is None:
        raise RuntimeError("Xvfb is not installed (apt-get install xvfb)")
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [binary, "-displayfd", str(write_end), "-screen", "0", screen, "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as pipe:
            number = pipe.readline().strip()  # written once the server accepts connections
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{int(number)}"
    finally:
        stop_process(process)


def wait_for_window(display: str, name: str, process: subprocess.Popen | None,
                    timeout: float = 60.0) -> str:
    """The id of a visible window called ``name`` on ``display`` (xdotool), waiting while
    ``process`` (if given) runs; ``""`` if it exits or ``timeout`` passes first."""
    env = {**os.environ, "DISPLAY": display}
    deadline = time.monotonic() + timeout
    while (process is None or process.poll() is None) and time.monotonic() < deadline:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name],
                               env=env, capture_output=True, text=True, check=False)
        if found.stdout.strip():
            return found.stdout.split()[0]
        time.sleep(0.2)
    return ""
