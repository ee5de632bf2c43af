"""Fault-injecting HTTP/1.1 test server: ``python -m tests.servers.faulty``.

Binds 127.0.0.1 on an ephemeral port, prints the port number as the first line on
stdout, then serves until killed (or, with ``--exit-on-stdin-eof``, until its stdin
closes, so it never outlives the test process that started it). Runs on gevent in its
own process; HTTP/1.1 with keep-alive is parsed here by hand so faults can be injected
at the socket level.

Endpoints (the full list of query parameters is in tests/servers/README.md):

* ``GET|HEAD /data/<size>/<name>?<faults>`` the ``(size, seed)`` payload of
  :mod:`tests.servers.payload`, with ranges, validators and the faults.
* ``/redirect/<n>/<rest>`` 302 chain ending at ``/<rest>``; ``/loop/<x>`` 302 to itself.
* ``GET /files/<faults>/<path>`` a file under ``--files DIR`` (no ranges), with
  faults named in the path so that links relative to a playlist keep them:
  ``<faults>`` is ``-`` or ``kind:name`` items joined by ``,`` (``404once:seg1.ts``,
  ``drop:seg2.ts`` cuts the first answer half-way, ``500once:stream.key``,
  ``rate:20000`` sends every file at that many bytes a second, ``hls:name`` sends
  ``name`` as ``application/vnd.apple.mpegurl``).
* ``/status/<code>`` that status with a small HTML body.
* ``GET /_stats`` JSON statistics; ``GET|POST /_reset`` clears them.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import itertools
import json
import logging
import posixpath
import socket
import struct
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from http import HTTPStatus
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl

import gevent
from gevent.fileobject import FileObject
from gevent.server import StreamServer
from gevent.socket import socket as GeventSocket

from tests.servers.payload import iter_range, sha256_of
from tests.servers.stats import RequestRecord

log = logging.getLogger("tests.servers.faulty")

SEND_SLICE = 1024 * 1024  # bytes per send() on unthrottled bodies
SMALL_BODY = 64 * 1024  # bodies up to this size go out in one sendall with the head
MAX_HEAD = 64 * 1024
STALL_SECONDS = 3600.0
FLUSH_BEFORE_RESET_SECONDS = 2.0
LAST_MODIFIED_EPOCH = 1_735_689_600  # Wed, 01 Jan 2025 00:00:00 GMT
WRONG_RANGE_SHIFT = 1000
HTML = "text/html; charset=utf-8"

Fault = Literal["truncate", "stall", "drop"]
HeaderValue = str | bytes


class BadRequest(Exception):
    """The request cannot be served; answered with 400 and the message."""


class Unsatisfiable(Exception):
    """A syntactically valid Range that does not overlap the file."""


@dataclass
class Request:
    method: str
    target: str
    version: str
    headers: dict[str, str]
    path: str = field(init=False)
    query: str = field(init=False)
    via_proxy: bool = field(init=False)
    params: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        # An absolute target ("GET http://host/path") is how clients talk to a
        # proxy: serve it as if we were that host (the tests' forward proxy).
        self.via_proxy = self.target.startswith(("http://", "https://"))
        local = "/" + self.target.split("://", 1)[1].partition("/")[2] if self.via_proxy else ""
        self.path, _, self.query = (local or self.target).partition("?")
        try:
            pairs = parse_qsl(self.query, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError as exc:
            raise BadRequest(f"query is not UTF-8: {exc}") from exc
        self.params = dict(pairs)

    @property
    def keep_alive(self) -> bool:
        tokens = {t.strip().lower() for t in self.headers.get("connection", "").split(",")}
        if self.version == "HTTP/1.1":
            return "close" not in tokens
        return "keep-alive" in tokens

    def int_param(self, name: str) -> int | None:
        value = self.params.get(name)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise BadRequest(f"{name}={value!r} is not an integer") from None

    def flag(self, name: str) -> bool:
        return self.params.get(name) == "1"


@dataclass
class Response:
    status: int
    headers: list[tuple[str, HeaderValue]]
    body: Sequence[bytes | memoryview] = ()
    length: int = 0  # real body length (payload bytes)
    chunked: bool = False
    declared_length: int | None = None  # lie_length: Content-Length differs from the body
    fault: Fault | None = None
    fault_at: int = 0  # body bytes sent before the fault
    throttle: int | None = None  # bytes per second
    close: bool = False  # close the connection after this response


class Reader:
    """Reads pipelined HTTP/1.x request heads off one connection."""

    def __init__(self, sock: GeventSocket) -> None:
        self._sock = sock
        self._buf = bytearray()

    def next_request(self) -> Request | None:
        while (end := self._buf.find(b"\r\n\r\n")) < 0:
            if len(self._buf) > MAX_HEAD:
                raise BadRequest("request head too large")
            chunk = self._sock.recv(65536)
            if not chunk:
                return None
            self._buf += chunk
        head = bytes(self._buf[:end]).decode("latin-1")
        del self._buf[: end + 4]
        request_line, *lines = head.split("\r\n")
        parts = request_line.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise BadRequest(f"bad request line {request_line!r}")
        headers: dict[str, str] = {}
        for line in lines:
            name, colon, value = line.partition(":")
            if not colon:
                raise BadRequest(f"bad header line {line!r}")
            headers[name.strip().lower()] = value.strip()
        self._skip_body(headers)
        return Request(parts[0], parts[1], parts[2], headers)

    def _skip_body(self, headers: dict[str, str]) -> None:
        if "transfer-encoding" in headers:
            raise BadRequest("request bodies with Transfer-Encoding are not supported")
        try:
            remaining = int(headers.get("content-length", "0"))
        except ValueError:
            raise BadRequest("bad request Content-Length") from None
        while remaining > 0:
            if not self._buf:
                chunk = self._sock.recv(min(remaining, 65536))
                if not chunk:
                    raise BadRequest("request body cut short")
                self._buf += chunk
            taken = min(remaining, len(self._buf))
            del self._buf[:taken]
            remaining -= taken


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _header_value(text: str) -> str:
    if "\r" in text or "\n" in text:
        raise BadRequest("header values cannot contain CR or LF")
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        raise BadRequest(f"{text!r} is not latin-1; send raw bytes with cd_raw=<hex>") from None
    return text


def html_response(
    status: int, headers: list[tuple[str, HeaderValue]] | None = None, message: str = ""
) -> Response:
    title = f"{status} {_reason(status)}"
    body = (
        f"<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n"
        f"<body><h1>{title}</h1><p>{message or 'Greenget test server.'}</p></body></html>\n"
    ).encode()
    return Response(status, [*(headers or []), ("Content-Type", HTML)], [body], len(body))


def parse_range(value: str, size: int) -> tuple[int, int] | None:
    """``[start, end)`` of a single byte range; None to ignore the header (serve 200).

    Raises Unsatisfiable for a valid range wholly past the end of the file.
    Multiple ranges are not supported and are ignored, as RFC 9110 allows.
    """
    unit, _, spec = value.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = (s.strip() for s in spec.partition("-"))
    if not dash or (first and not first.isdigit()) or (last and not last.isdigit()):
        return None
    if not first:
        if not last:
            return None
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - suffix), size
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return start, min(int(last) + 1, size) if last else size


def if_range_matches(value: str, etag: str | None, last_modified: int | None) -> bool:
    """Strong comparison only: a weak ETag never matches, a date must equal
    Last-Modified; ``None``: the response carries no such validator."""
    if value.startswith(("W/", '"')):
        return etag is not None and not etag.startswith("W/") and value == etag
    if last_modified is None:
        return False
    try:
        return parsedate_to_datetime(value).timestamp() == last_modified
    except (TypeError, ValueError):
        return False


def shifted_range(start: int, stop: int, size: int) -> tuple[int, int]:
    """A range of the same length as ``[start, stop)`` that starts somewhere else."""
    if start + WRONG_RANGE_SHIFT < size:
        new = start + WRONG_RANGE_SHIFT
    else:
        new = max(0, start - WRONG_RANGE_SHIFT)
    if new == start:
        new = (start + 1) % size
    return new, min(size, new + stop - start)


@lru_cache(maxsize=16)
def gzipped(size: int, seed: int) -> bytes:
    return gzip.compress(b"".join(iter_range(size, seed)), compresslevel=1, mtime=0)


def repr_digest(size: int, seed: int, mode: str) -> str:
    """An RFC 9530 ``Repr-Digest`` value for the file; ``mode`` "bad" lies."""
    digest = bytearray(bytes.fromhex(sha256_of(size, seed)))
    if mode == "bad":
        digest[0] ^= 0xFF
    return f"sha-256=:{base64.b64encode(bytes(digest)).decode()}:"


def key_without_fail(target: str) -> str:
    path, _, query = target.partition("?")
    kept = [p for p in query.split("&") if p and p.split("=", 1)[0] != "fail"]
    return f"{path}?{'&'.join(kept)}" if kept else path


def _wait_until_flushed(sock: GeventSocket) -> None:
    """Let the kernel deliver what was sent, so a reset drops nothing already 'sent'."""
    if sys.platform != "linux":
        gevent.sleep(0.05)
        return
    import fcntl
    import termios

    deadline = time.monotonic() + FLUSH_BEFORE_RESET_SECONDS
    while time.monotonic() < deadline:
        queued = struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0" * 4))[0]
        if queued == 0:
            return
        gevent.sleep(0.005)


def _stall(sock: GeventSocket) -> None:
    """Keep the connection open, sending nothing, until the client goes away."""
    deadline = time.monotonic() + STALL_SECONDS
    while (remaining := deadline - time.monotonic()) > 0:
        sock.settimeout(remaining)
        try:
            if not sock.recv(65536):
                return
        except (TimeoutError, OSError):
            return


class FaultApp:
    """Routes requests, injects faults and keeps the statistics."""

    def __init__(self, files: Path | None = None) -> None:
        self.port = 0
        self.files = files
        self.records: list[RequestRecord] = []
        self.hits: Counter[str] = Counter()  # requests seen per fault key (fail=K, etag=changing)
        self.inflight: Counter[str] = Counter()  # requests being served per path (max_conn)
        self._conn_ids = itertools.count(1)

    # -- connections -------------------------------------------------------------

    def handle(self, sock: GeventSocket, address: tuple[str, int]) -> None:
        conn_id = next(self._conn_ids)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        reader = Reader(sock)
        try:
            while True:
                try:
                    request = reader.next_request()
                except BadRequest as exc:
                    self._send(sock, None, html_response(400, message=str(exc)), None)
                    return
                if request is None or not self.serve(sock, request, conn_id):
                    return
        except OSError as exc:
            log.debug("connection %d from %s ended: %s", conn_id, address, exc)
        finally:
            sock.close()

    def serve(self, sock: GeventSocket, request: Request, conn_id: int) -> bool:
        """Answer one request; False when the connection must end."""
        if request.path in ("/_stats", "/_reset"):
            return self._send(sock, request, self._control(request), None)
        record: RequestRecord = {
            "conn": conn_id,
            "method": request.method,
            "path": request.target,
            "range": request.headers.get("range"),
            "if_range": request.headers.get("if-range"),
            "cookie": request.headers.get("cookie"),
            "authorization": request.headers.get("authorization"),
            "user_agent": request.headers.get("user-agent"),
            "referer": request.headers.get("referer"),
            "time": time.monotonic(),
            "status": 0,
            "bytes": 0,
        }
        self.records.append(record)
        self.inflight[request.path] += 1
        try:
            try:
                response = self._route(request)
            except BadRequest as exc:
                response = html_response(400, message=str(exc))
                response.close = True
            record["status"] = response.status
            log.debug(
                "%d %s %s range=%s",
                response.status,
                request.method,
                request.target,
                record["range"],
            )
            return self._send(sock, request, response, record)
        finally:
            self.inflight[request.path] -= 1
            if not self.inflight[request.path]:
                del self.inflight[request.path]

    # -- routing -----------------------------------------------------------------

    def _control(self, request: Request) -> Response:
        if request.path == "/_reset" and request.method in ("GET", "POST"):
            self.records = []
            body = b'{"reset": true}'
        elif request.path == "/_stats" and request.method == "GET":
            body = json.dumps(
                {
                    "requests": len(self.records),
                    "bytes_sent": sum(r["bytes"] for r in self.records),
                    "log": self.records,
                }
            ).encode()
        else:
            return html_response(405)
        return Response(200, [("Content-Type", "application/json")], [body], len(body))

    def _route(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return html_response(405, [("Allow", "GET, HEAD")])
        section, _, rest = request.path.lstrip("/").partition("/")
        if section == "data":
            return self._data(request, rest)
        if section == "named":
            return self._named(request, rest)
        if section == "files":
            return self._file(request, rest)
        if section == "redirect":
            count, _, tail = rest.partition("/")
            if not count.isdigit():
                raise BadRequest("expected /redirect/<n>/<path>")
            n = int(count)
            return self._redirect(request, f"/redirect/{n - 1}/{tail}" if n else f"/{tail}")
        if section == "loop":
            return self._redirect(request, request.path)
        if section == "status":
            return html_response(self._status_code(rest), self._retry_after(request))
        return html_response(404, message=f"no route for {request.path}")

    @staticmethod
    def _status_code(text: str) -> int:
        if not text.isdigit() or not 200 <= int(text) <= 599:
            raise BadRequest(f"status must be 200..599, got {text!r}")
        return int(text)

    @staticmethod
    def _retry_after(request: Request) -> list[tuple[str, HeaderValue]]:
        value = request.params.get("retry_after")
        return [] if value is None else [("Retry-After", _header_value(value))]

    def _redirect(self, request: Request, path: str) -> Response:
        target = f"{path}?{request.query}" if request.query else path
        mode = request.params.get("rel")
        if mode == "1":
            location = target
        elif mode == "2":
            location = posixpath.relpath(path, posixpath.dirname(request.path))
            if path.endswith("/"):
                location += "/"
            if request.query:
                location += f"?{request.query}"
        else:
            location = f"http://{request.headers.get('host', f'127.0.0.1:{self.port}')}{target}"
        return html_response(302, [("Location", location)], f"see {location}")

    def _file(self, request: Request, rest: str) -> Response:
        """``/files/<faults>/<path>``: a file of ``--files`` with the faults named."""
        spec, _, name = rest.partition("/")
        root = self.files
        if root is None or not name:
            raise BadRequest("expected /files/<faults>/<path> and --files")
        target = (root / name).resolve()
        if not target.is_relative_to(root.resolve()) or not target.is_file():
            return html_response(404, message=f"no file {name}")
        faults = dict(item.split(":", 1)[::-1] for item in spec.split(",") if ":" in item)
        self.hits[f"files:{spec}/{name}"] += 1
        first = self.hits[f"files:{spec}/{name}"] == 1
        kind = faults.get(Path(name).name)
        if first and kind == "404once":
            return html_response(404, message="not yet")
        if first and kind == "500once":
            return html_response(500, message="not yet")
        data = target.read_bytes()
        content_type = ("application/vnd.apple.mpegurl" if kind == "hls"
                        else "application/octet-stream")
        headers: list[tuple[str, HeaderValue]] = [("Content-Type", content_type),
                                                  ("Accept-Ranges", "bytes")]
        status = 200
        try:
            found = parse_range(request.headers.get("range", ""), len(data))
        except Unsatisfiable:
            return html_response(416, [("Content-Range", f"bytes */{len(data)}")])
        if found is not None:
            status = 206
            headers.append(("Content-Range", f"bytes {found[0]}-{found[1] - 1}/{len(data)}"))
            data = data[found[0]:found[1]]
        response = Response(status, headers, [data], len(data))
        if first and kind == "drop":
            response.fault, response.fault_at = "drop", len(data) // 2
        rates = [int(k) for k, v in faults.items() if v == "rate" and k.isdigit()]
        if rates:
            response.throttle = rates[0]
        return response

    def _named(self, request: Request, rest: str) -> Response:
        """``/named/<hex of a query>/<any path>``: ``/data`` with the parameters
        in the path, so the URL's own last segment and query are free to be
        whatever a naming test needs (``/named/…/get.php?id=3``, ``/named/…/``)."""
        encoded, _, _ = rest.partition("/")
        try:
            query = bytes.fromhex(encoded).decode()
            params = dict(parse_qsl(query, keep_blank_values=True, errors="strict"))
        except ValueError:
            raise BadRequest("expected /named/<hex of a query string>/<path>") from None
        request.params = params
        return self._data(request, f"{params.get('size', '0')}/named")

    def _data(self, request: Request, rest: str) -> Response:
        size_text, _, name = rest.partition("/")
        if not size_text.isdigit() or not name:
            raise BadRequest("expected /data/<size>/<name>")
        size = int(size_text)
        if name.endswith(".sha256"):  # the checksum file published next to the file
            listing = f"{sha256_of(size, request.int_param('seed') or 0)}  {name[:-7]}\n"
            return Response(200, [("Content-Type", "text/plain")], [listing.encode()],
                            len(listing), False)
        max_conn = request.int_param("max_conn")
        if max_conn is not None and self.inflight[request.path] > max_conn:
            return html_response(503, self._retry_after(request), "too many connections")

        key = request.params.get("key") or key_without_fail(request.target)
        self.hits[key] += 1
        fail = request.int_param("fail")
        faulty = fail is None or self.hits[key] <= fail
        seed = request.int_param("seed") or 0
        last_modified = LAST_MODIFIED_EPOCH
        shrink_after = request.int_param("shrink_after")
        if shrink_after is not None and self.hits[key] > shrink_after:
            # A new, smaller version of the file under the same URL.
            size = min(size, request.int_param("shrink_to") or 0)
            seed += 1
            last_modified += 1
        if request.params.get("etag") == "changing":
            seed += self.hits[key]
            last_modified += self.hits[key]

        expires = request.int_param("expire_after")
        if expires is not None and self.hits[key] > expires:
            return html_response(403, [], "This link has expired.")
        extra = self._retry_after(request) if faulty else []
        status = request.int_param("status")
        if faulty and status is not None:
            return html_response(self._status_code(str(status)), extra, "injected failure")
        if faulty and request.flag("html_on_resume") and "range" in request.headers:
            return html_response(200, extra, "Sorry, this download link has expired. " * 8)

        etag = f'{"W/" if request.flag("weak_etag") else ""}"{size}-{seed}"'
        headers: list[tuple[str, HeaderValue]] = [
            *extra,
            (
                "Content-Type",
                _header_value(request.params.get("ctype", "application/octet-stream")),
            ),
        ]
        if request.params.get("validators") != "0":
            headers += [("ETag", etag), ("Last-Modified", formatdate(last_modified, usegmt=True))]
        if "cd" in request.params:
            headers.append(("Content-Disposition", _header_value(request.params["cd"])))
        if "set_cookie" in request.params:
            headers.append(("Set-Cookie", _header_value(request.params["set_cookie"])))
        if "cd_raw" in request.params:
            try:
                raw = bytes.fromhex(request.params["cd_raw"])
            except ValueError:
                raise BadRequest("cd_raw must be hex") from None
            unfolded = raw.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
            if b"\r" in unfolded or b"\n" in unfolded:  # a line fold (CRLF + space) may stay
                raise BadRequest("header values cannot contain CR or LF, except in a fold")
            headers.append(("Content-Disposition", raw))

        response = self._entity(request, size, seed, etag, last_modified, headers, faulty)
        if response.status >= 300:
            return response
        if faulty:
            self._apply_faults(request, response)
        response.throttle = request.int_param("throttle")
        return response

    @staticmethod
    def _entity(
        request: Request,
        size: int,
        seed: int,
        etag: str,
        last_modified: int,
        headers: list[tuple[str, HeaderValue]],
        faulty: bool,
    ) -> Response:
        chunked = request.params.get("length") == "0"
        validators = request.params.get("validators") != "0"
        if request.flag("gzip"):
            data = gzipped(size, seed)
            headers.append(("Content-Encoding", "gzip"))
            return Response(200, headers, [data], len(data), chunked)
        start, stop, status = 0, size, 200
        range_header = request.headers.get("range")
        if not chunked and request.params.get("ranges") != "0":
            headers.append(("Accept-Ranges", "bytes"))
            if_range = None if request.flag("ignore_if_range") else request.headers.get("if-range")
            if range_header and (
                if_range is None or (validators and if_range_matches(if_range, etag, last_modified))
            ):
                try:
                    found = parse_range(range_header, size)
                except Unsatisfiable:
                    return html_response(416, [("Content-Range", f"bytes */{size}")])
                if found is not None:
                    start, stop = found
                    if faulty and request.flag("wrong_range"):
                        start, stop = shifted_range(start, stop, size)
                    status = 206
                    headers.append(("Content-Range", f"bytes {start}-{stop - 1}/{size}"))
        if "digest" in request.params:
            headers.append(("Repr-Digest", repr_digest(size, seed, request.params["digest"])))
        body = list(iter_range(size, seed, start, stop))
        return Response(status, headers, body, stop - start, chunked)

    @staticmethod
    def _apply_faults(request: Request, response: Response) -> None:
        lie = request.int_param("lie_length")
        if lie is not None:
            response.declared_length = lie
            response.close = True
        for fault in ("truncate", "stall", "drop"):
            at = request.int_param(fault)
            if at is not None:
                response.fault = fault
                response.fault_at = at
                return

    # -- writing -----------------------------------------------------------------

    def _send(
        self,
        sock: GeventSocket,
        request: Request | None,
        response: Response,
        record: RequestRecord | None,
    ) -> bool:
        """Write the response; False when the connection must end."""
        keep_alive = request is not None and request.keep_alive and not response.close
        lines = [f"HTTP/1.1 {response.status} {_reason(response.status)}".encode()]
        for name, value in response.headers:
            lines.append(
                name.encode()
                + b": "
                + (value.encode("latin-1") if isinstance(value, str) else value)
            )
        has_body = response.status not in (204, 304)
        if response.chunked:
            lines.append(b"Transfer-Encoding: chunked")
        elif has_body:
            declared = response.declared_length
            lines.append(
                b"Content-Length: %d" % (response.length if declared is None else declared)
            )
        if request is None or request.version != "HTTP/1.1" or not keep_alive:
            lines.append(b"Connection: keep-alive" if keep_alive else b"Connection: close")
        head = b"\r\n".join(lines) + b"\r\n\r\n"

        if not has_body or request is None or request.method == "HEAD":
            sock.sendall(head)
            return keep_alive
        simple = not response.chunked and response.fault is None and response.throttle is None
        if simple and len(response.body) == 1 and response.length <= SMALL_BODY:
            sock.sendall(head + response.body[0])
            if record is not None:
                record["bytes"] += response.length
            return keep_alive
        sock.sendall(head)
        self._send_body(sock, response, record)
        if response.fault == "drop":
            _wait_until_flushed(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        if response.fault == "stall":
            _stall(sock)
            return False
        if response.chunked and response.fault is None:
            sock.sendall(b"0\r\n\r\n")
        return keep_alive and response.fault is None

    @staticmethod
    def _send_body(sock: GeventSocket, response: Response, record: RequestRecord | None) -> None:
        budget = (
            response.length if response.fault is None else min(response.fault_at, response.length)
        )
        rate = response.throttle
        step = SEND_SLICE if rate is None else max(256, min(16 * 1024, rate // 20))
        started = time.monotonic()
        sent = 0
        for piece in response.body:
            view = memoryview(piece)[: budget - sent]
            while view:
                chunk = view[:step]
                if response.chunked:
                    sock.sendall(b"%x\r\n" % len(chunk))
                    sock.sendall(chunk)
                    sock.sendall(b"\r\n")
                    n = len(chunk)
                else:
                    n = sock.send(chunk)
                view = view[n:]
                sent += n
                if record is not None:
                    record["bytes"] += n
                if rate:
                    delay = started + sent / rate - time.monotonic()
                    if delay > 0:
                        gevent.sleep(delay)
            if sent >= budget:
                return


def _wait_for_stdin_eof() -> None:
    stdin = FileObject(sys.stdin.fileno(), "rb", close=False)
    while stdin.read(4096):
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.servers.faulty",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--log-level", default="WARNING", help="DEBUG logs every request")
    parser.add_argument(
        "--exit-on-stdin-eof",
        action="store_true",
        help="stop when stdin closes (the test fixtures use this)",
    )
    parser.add_argument("--files", type=Path, help="the folder /files/ serves")
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"),
                        help="serve HTTPS with this certificate and key")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    app = FaultApp(args.files)
    tls = {"certfile": args.tls[0], "keyfile": args.tls[1]} if args.tls else {}
    server = StreamServer(("127.0.0.1", 0), app.handle, backlog=4096, **tls)
    server.start()
    app.port = server.server_port
    print(app.port, flush=True)
    log.info("serving on 127.0.0.1:%d", app.port)
    try:
        if args.exit_on_stdin_eof:
            _wait_for_stdin_eof()
            log.info("stdin closed, stopping")
        else:
            server.serve_forever()
    except KeyboardInterrupt:
        pass
    server.stop(timeout=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
