"""The aria2-compatible JSON-RPC endpoint: HTTP (POST, GET, JSONP) and WebSocket on ``/jsonrpc``.

Served from the worker's gevent hub by ``gevent.pywsgi`` (HTTP parsing) and
``wsproto`` (WebSocket framing, :mod:`engine.websocket`); the answers follow
aria2 (:mod:`engine.jsonrpc`).  Off by default; on, it listens on 127.0.0.1
only unless the user allows more, requires the secret as each call's first
parameter (a wrong one is answered after a second, as aria2 does), refuses
browser pages by their ``Origin`` unless the user listed them
(:mod:`engine.origins`; extensions are allowed), and refuses a body over
``MAX_BODY`` with 413 before reading it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import socket
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import gevent
from gevent.pywsgi import Input, WSGIHandler, WSGIServer

from engine import jsonrpc, protocol
from engine.aria2 import NOTIFY_ON, Aria2Api, gid_of
from engine.origins import origin_allowed, own_origins, parse_origins
from engine.pairing import PAIR_PATH, Pairing
from engine.websocket import WebSocket

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # a JSON-RPC call is small; a 10 MB body is refused unread
UNAUTHORIZED_DELAY = 1.0  # seconds; aria2 answers a wrong secret late to slow guessing
PATH = "/jsonrpc"
_JSON = "application/json-rpc"  # aria2's; JSONP answers are text/javascript
StartResponse = Callable[[str, list[tuple[str, str]]], Any]
_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
            413: "Request Entity Too Large", 500: "Internal Server Error"}


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


class _Handler(WSGIHandler):
    """pywsgi's handler, plus: a WebSocket upgrade takes the connection over,
    a refused request's body is never read, and no Nagle delay."""

    def handle(self) -> None:
        # pywsgi sends the head and the body in two writes: with Nagle's algorithm
        # the body waits for the client's delayed ACK, 40 ms a call on Linux.
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().handle()

    def get_environ(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environ()
        environ["greenget.upgrade"] = self._upgrade
        return environ

    def _upgrade(self) -> WebSocket | None:
        """Hand the connection to wsproto; ``None`` when it refused the handshake."""
        self.close_connection = True
        head = (self.requestline or "") + "\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in self.headers.items()) + "\r\n"
        ws = WebSocket(self.socket, self.rfile, MAX_BODY)
        return ws if ws.accept(head.encode("latin-1")) else None

    def run_application(self) -> None:
        super().run_application()
        if self.close_connection:  # refused (413) or taken over: leave the body unread
            self.wsgi_input = Input(self.rfile, 0)


class _Server(WSGIServer):
    handler_class = _Handler


class RpcServer:
    """The endpoint; :meth:`observe` turns engine events into notifications."""

    def __init__(self, api: Aria2Api, port: int, *, allow_remote: bool = False,
                 origins: Iterable[str] = (), pairing: Pairing | None = None) -> None:
        self.api = api
        self.pairing = pairing
        self.port = port
        self.host = "0.0.0.0" if allow_remote else "127.0.0.1"
        self.origins = parse_origins(" ".join(origins))[0]
        self._server: WSGIServer | None = None
        self._sockets: set[WebSocket] = set()
        self._active: set[int] = set()  # downloads whose onDownloadStart was sent

    def start(self) -> int:
        self._server = _Server((self.host, self.port), self._app, backlog=128, log=None,
                               error_log=log)
        self._server.start()
        port = self._server.server_port
        assert port is not None  # a started server listens
        self.port = port
        self.origins = (*self.origins, *own_origins(self.port))
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
        if isinstance(message, protocol.Changed) and "state" in message.fields:
            state = message.fields["state"]
            if state in protocol.ACTIVE_STATES:  # aria2 has no retrying: one start only
                if message.id in self._active:
                    return
                self._active.add(message.id)
            else:
                self._active.discard(message.id)
            name = NOTIFY_ON.get(state)
            if name:
                self._notify(name, message.id)
        elif isinstance(message, protocol.Removed):
            for download_id in message.ids:
                self._active.discard(download_id)
                self._notify("aria2.onDownloadStop", download_id)

    def _notify(self, method: str, download_id: int) -> None:
        if not self._sockets:
            return
        text = json.dumps({"jsonrpc": "2.0", "method": method,
                           "params": [{"gid": gid_of(download_id)}]})
        for ws in list(self._sockets):
            gevent.spawn(self._send_quietly, ws, text)

    def _send_quietly(self, ws: WebSocket, text: str) -> None:
        try:
            ws.send(text)
        except OSError:
            self._sockets.discard(ws)

    # ------------------------------------------------------------ HTTP

    def _app(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        origin = environ.get("HTTP_ORIGIN")
        if not origin_allowed(origin, self.origins):
            log.warning("refused an RPC request from the web page %s", origin)
            return _respond(start_response, 403, b'{"error":"this origin may not use Greenget"}',
                            close=True)
        method = environ["REQUEST_METHOD"]
        if environ["PATH_INFO"] == PAIR_PATH and self.pairing is not None:
            body = _body(environ)
            if body is None:
                return _respond(start_response, 413, b"", close=True)
            paired = self.pairing.answer(method, origin, body)
            return _respond(start_response, paired.status, paired.body, list(paired.headers),
                            content_type=paired.content_type)
        cors = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")] if origin else []
        if method == "OPTIONS":  # CORS preflight, answered as aria2 does
            if origin and environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"):
                cors += [("Access-Control-Allow-Methods", "POST, GET, OPTIONS"),
                         ("Access-Control-Max-Age", "1728000")]
                if environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"):
                    cors.append(("Access-Control-Allow-Headers",
                                 environ["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"]))
            return _respond(start_response, 200, b"", cors)
        if environ["PATH_INFO"] != PATH:
            return _respond(start_response, 404, b"", cors)
        if "websocket" in environ.get("HTTP_UPGRADE", "").lower():
            self._websocket(environ["greenget.upgrade"]())
            return []
        callback = None
        if method == "GET":
            body, callback = jsonrpc.decode_get(environ.get("QUERY_STRING", ""))
        elif method == "POST":
            posted = _body(environ)
            if posted is None:
                return _respond(start_response, 413, b"", cors, close=True)
            body = posted
        else:
            return _respond(start_response, 404, b"", cors)
        reply = jsonrpc.answer(self.api, body)
        if reply.unauthorized:
            gevent.sleep(UNAUTHORIZED_DELAY)
        return _respond(start_response, reply.status, reply.body(callback), cors,
                        content_type="text/javascript" if callback else _JSON,
                        close=reply.status != 200)

    # ------------------------------------------------------------ WebSocket

    def _websocket(self, ws: WebSocket | None) -> None:
        if ws is None:
            return
        self._sockets.add(ws)
        try:
            for text in ws.messages():
                reply = jsonrpc.answer(self.api, text.encode("utf-8"))
                if reply.unauthorized:
                    gevent.sleep(UNAUTHORIZED_DELAY)
                ws.send(reply.body().decode("utf-8"))
        except OSError:
            pass  # the peer went away
        finally:
            self._sockets.discard(ws)


def _body(environ: dict[str, Any]) -> bytes | None:
    """The request body; ``None`` when it is over :data:`MAX_BODY` (then the
    rest is never read: the connection is closed after the 413)."""
    length = environ.get("CONTENT_LENGTH", "")
    if length.isdigit() and int(length) > MAX_BODY:
        return None
    body: bytes = environ["wsgi.input"].read(MAX_BODY + 1)
    return body if len(body) <= MAX_BODY else None  # a chunked body may not say its size


def _respond(start_response: StartResponse, status: int, body: bytes,
             headers: list[tuple[str, str]] | None = None, *,
             content_type: str = _JSON, close: bool = False) -> list[bytes]:
    extra = [("Connection", "close")] if close else []
    start_response(f"{status} {_REASONS.get(status, 'Error')}",
                   [("Content-Type", content_type), ("Content-Length", str(len(body))),
                    *(headers or []), *extra])
    return [body]
