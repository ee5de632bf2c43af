"""The aria2-compatible JSON-RPC endpoint: HTTP POST and WebSocket on ``/jsonrpc``.

Served from the worker's gevent hub (no extra process).  Off by default; on,
it listens on 127.0.0.1 only unless the user allows more, requires the secret
as each call's first parameter, refuses browser pages by their ``Origin``
(extensions' origins are allowed), and caps request sizes.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import secrets
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import gevent
from gevent.lock import Semaphore
from gevent.server import StreamServer

from engine import protocol
from engine.aria2 import NOTIFY_ON, Aria2Api, RpcError, gid_of
from engine.origins import origin_allowed, parse_origins
from engine.pairing import PAIR_PATH, Pairing

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # a JSON-RPC call is small; a 10 MB body is refused
MAX_HEADER_BYTES = 64 * 1024
_WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC11B85"


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def load_secret(home: Path) -> str:
    """The RPC secret kept in the state folder, made on first use (user-only file)."""
    path = home / "rpc-secret"
    with contextlib.suppress(FileNotFoundError):
        secret = path.read_text(encoding="utf-8").strip()
        if secret:
            return secret
    secret = secrets.token_urlsafe(24)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(secret, encoding="utf-8")
    return secret


def _read_request(stream: BinaryIO) -> HttpRequest | None:
    line = stream.readline(MAX_HEADER_BYTES)
    if not line:
        return None
    try:
        method, path, _version = line.decode("latin-1").split()
    except ValueError:
        raise BadRequest(400, "malformed request line") from None
    headers: dict[str, str] = {}
    size = 0
    while True:
        header = stream.readline(MAX_HEADER_BYTES)
        size += len(header)
        if size > MAX_HEADER_BYTES:
            raise BadRequest(431, "headers too large")
        if header in (b"\r\n", b"\n", b""):
            break
        name, _, value = header.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = headers.get("content-length", "0")
    if not length.isdigit():
        raise BadRequest(400, "bad Content-Length")
    if int(length) > MAX_BODY:
        raise BadRequest(413, f"request body over {MAX_BODY} bytes")
    body = stream.read(int(length)) if int(length) else b""
    return HttpRequest(method.upper(), path, headers, body)


def _response(status: int, body: bytes, content_type: str = "application/json",
              extra: tuple[tuple[str, str], ...] = ()) -> bytes:
    reason = {200: "OK", 204: "No Content", 400: "Bad Request", 403: "Forbidden",
              404: "Not Found", 405: "Method Not Allowed", 413: "Payload Too Large",
              431: "Request Header Fields Too Large"}.get(status, "Error")
    head = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {content_type}",
            f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in extra)]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


class WebSocket:
    """A server-side WebSocket (RFC 6455): text frames out, frames in."""

    def __init__(self, sock: Any, stream: BinaryIO) -> None:
        self.sock = sock
        self.stream = stream
        self._send_lock = Semaphore()

    def send_text(self, text: str) -> None:
        data = text.encode("utf-8")
        if len(data) < 126:
            header = struct.pack("!BB", 0x81, len(data))
        elif len(data) < 1 << 16:
            header = struct.pack("!BBH", 0x81, 126, len(data))
        else:
            header = struct.pack("!BBQ", 0x81, 127, len(data))
        with self._send_lock:
            self.sock.sendall(header + data)

    def _send_control(self, opcode: int, payload: bytes = b"") -> None:
        with self._send_lock:
            self.sock.sendall(struct.pack("!BB", 0x80 | opcode, len(payload)) + payload)

    def receive(self) -> str | None:
        """The next text message; ``None`` when the peer closes."""
        message = b""
        while True:
            head = self.stream.read(2)
            if len(head) < 2:
                return None
            first, second = head
            opcode, masked, length = first & 0x0F, second & 0x80, second & 0x7F
            if length == 126:
                length = struct.unpack("!H", self.stream.read(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self.stream.read(8))[0]
            if length > MAX_BODY or len(message) + length > MAX_BODY:
                self._send_control(0x8, struct.pack("!H", 1009))
                return None
            mask = self.stream.read(4) if masked else b""
            payload = bytearray(self.stream.read(length))
            if mask:
                for i in range(len(payload)):
                    payload[i] ^= mask[i % 4]
            if opcode == 0x8:
                self._send_control(0x8, bytes(payload[:2]))
                return None
            if opcode == 0x9:
                self._send_control(0xA, bytes(payload))
                continue
            if opcode in (0x1, 0x0, 0x2):
                message += bytes(payload)
                if first & 0x80:
                    return message.decode("utf-8", errors="replace")


class RpcServer:
    """The endpoint; :meth:`observe` turns engine events into notifications."""

    def __init__(self, api: Aria2Api, port: int, *, allow_remote: bool = False,
                 origins: tuple[str, ...] = (), pairing: Pairing | None = None) -> None:
        self.api = api
        self.pairing = pairing
        self.port = port
        self.host = "0.0.0.0" if allow_remote else "127.0.0.1"
        self.origins = parse_origins(" ".join(origins))[0]
        self._server: StreamServer | None = None
        self._sockets: set[WebSocket] = set()

    def start(self) -> int:
        self._server = StreamServer((self.host, self.port), self._serve, backlog=128)
        self._server.start()
        self.port = self._server.server_port
        log.info("aria2 JSON-RPC on %s:%d", self.host, self.port)
        return self.port

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop(timeout=1)
            self._server = None
        self._sockets.clear()

    # ------------------------------------------------------------ events

    def observe(self, message: protocol.Message) -> None:
        """Send aria2 notifications for the engine's state changes."""
        if not self._sockets:
            return
        if isinstance(message, protocol.Changed) and "state" in message.fields:
            name = NOTIFY_ON.get(protocol.State(message.fields["state"]))
            if name:
                self._notify(name, message.id)
        elif isinstance(message, protocol.Removed):
            for download_id in message.ids:
                self._notify("aria2.onDownloadStop", download_id)

    def _notify(self, method: str, download_id: int) -> None:
        text = json.dumps({"jsonrpc": "2.0", "method": method,
                           "params": [{"gid": gid_of(download_id)}]})
        for socket in list(self._sockets):
            gevent.spawn(self._send_quietly, socket, text)

    def _send_quietly(self, socket: WebSocket, text: str) -> None:
        try:
            socket.send_text(text)
        except OSError:
            self._sockets.discard(socket)

    # ------------------------------------------------------------ serving

    def _serve(self, sock: Any, _address: Any) -> None:
        stream = sock.makefile("rb")
        try:
            while True:
                try:
                    request = _read_request(stream)
                except BadRequest as exc:
                    sock.sendall(_response(exc.status, json.dumps(
                        {"error": str(exc)}).encode(), extra=(("Connection", "close"),)))
                    return
                if request is None:
                    return
                if not self._handle(sock, stream, request):
                    return
        except OSError:
            return
        finally:
            stream.close()
            sock.close()

    def _handle(self, sock: Any, stream: BinaryIO, request: HttpRequest) -> bool:
        """Answer one request; False when the connection is done."""
        origin = request.headers.get("origin")
        cors: tuple[tuple[str, str], ...] = ()
        if origin is not None and origin_allowed(origin, self.origins):
            cors = (("Access-Control-Allow-Origin", origin),
                    ("Access-Control-Allow-Headers", "Content-Type"),
                    ("Access-Control-Allow-Methods", "POST, GET, OPTIONS"))
        if not origin_allowed(origin, self.origins):
            log.warning("refused an RPC request from the web page %s", origin)
            sock.sendall(_response(403, b'{"error":"this origin may not use Greenget"}'))
            return False
        if request.path.split("?")[0] == PAIR_PATH and self.pairing is not None:
            paired = self.pairing.answer(request.method, origin, request.body)
            sock.sendall(_response(paired.status, paired.body, paired.content_type,
                                   extra=paired.headers))
            return True
        if request.path.split("?")[0] != "/jsonrpc":
            sock.sendall(_response(404, b'{"error":"not found"}', extra=cors))
            return True
        if request.method == "OPTIONS":
            sock.sendall(_response(204, b"", extra=cors))
            return True
        if request.method == "GET" and request.headers.get("upgrade", "").lower() == "websocket":
            self._websocket(sock, stream, request)
            return False
        if request.method != "POST":
            sock.sendall(_response(405, b'{"error":"use POST or a WebSocket"}', extra=cors))
            return True
        body = json.dumps(self.answer(request.body)).encode()
        sock.sendall(_response(200, body, extra=cors))
        return request.headers.get("connection", "").lower() != "close"

    def _websocket(self, sock: Any, stream: BinaryIO, request: HttpRequest) -> None:
        key = request.headers.get("sec-websocket-key", "").encode()
        accept = base64.b64encode(hashlib.sha1(key + _WS_GUID).digest()).decode()
        sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n")
                     .encode())
        socket = WebSocket(sock, stream)
        self._sockets.add(socket)
        try:
            while (text := socket.receive()) is not None:
                socket.send_text(json.dumps(self.answer(text.encode())))
        finally:
            self._sockets.discard(socket)

    def answer(self, body: bytes) -> Any:
        """The JSON-RPC answer to one request body (a call or a batch)."""
        try:
            request = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _error(None, -32700, "Parse error")
        if isinstance(request, list):
            if not request:
                return _error(None, -32600, "Invalid Request")
            return [self._one(item) for item in request]
        return self._one(request)

    def _one(self, request: object) -> dict[str, Any]:
        if not isinstance(request, dict):
            return _error(None, -32600, "Invalid Request")
        call_id = request.get("id")
        try:
            result = self.api.call(request.get("method"), request.get("params"))
        except RpcError as exc:
            return _error(call_id, exc.code, str(exc))
        except Exception:  # a bug must not take the endpoint down
            log.exception("RPC %s failed", request.get("method"))
            return _error(call_id, 1, "Internal error")
        return {"id": call_id, "jsonrpc": "2.0", "result": result}


def _error(call_id: object, code: int, message: str) -> dict[str, Any]:
    return {"id": call_id, "jsonrpc": "2.0", "error": {"code": code, "message": message}}

