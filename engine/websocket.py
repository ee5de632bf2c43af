"""A server-side WebSocket on a gevent socket, framed by ``wsproto``.

``wsproto`` (sans-I/O) checks the upgrade request, writes the ``101`` answer
with its ``Sec-WebSocket-Accept`` and does all framing, masking, ping/pong and
closing; this module only moves bytes between it and the socket.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

from gevent.lock import Semaphore
from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    BytesMessage,
    CloseConnection,
    Event,
    Ping,
    RejectConnection,
    Request,
    TextMessage,
)
from wsproto.frame_protocol import CloseReason
from wsproto.utilities import RemoteProtocolError

log = logging.getLogger(__name__)

READ_SIZE = 64 * 1024


class WebSocket:
    """One connection: :meth:`accept` the upgrade, iterate :meth:`messages`,
    :meth:`send` text from any greenlet."""

    def __init__(self, sock: Any, rfile: io.BufferedIOBase, max_message: int) -> None:
        self._sock = sock
        self._rfile = rfile  # may hold bytes the client sent right after its request
        self._ws = WSConnection(ConnectionType.SERVER)
        self._max_message = max_message
        self._lock = Semaphore()
        self.open = False

    def accept(self, request_head: bytes) -> bool:
        """Answer the upgrade request (its request line and headers); ``False``
        (with the rejection sent) when it is not a valid WebSocket handshake."""
        try:
            self._ws.receive_data(request_head)
            for event in self._ws.events():
                if isinstance(event, Request):
                    self._send_event(AcceptConnection())
                    self.open = True
                    return True
        except RemoteProtocolError as exc:
            log.info("refused a WebSocket handshake: %s", exc)
            hint = exc.event_hint if isinstance(exc.event_hint, RejectConnection) else None
            self._send_event(hint or RejectConnection(status_code=400))
        return False

    def send(self, text: str) -> None:
        """Send one text message; ``OSError`` when the peer is gone."""
        if not self.open:
            raise OSError("the WebSocket is closed")
        self._send_event(TextMessage(data=text))

    def messages(self) -> Iterator[str]:
        """The text messages the peer sends, until it closes or breaks the protocol."""
        parts: list[str] = []
        size = 0
        while self.open:
            data = self._rfile.read1(READ_SIZE)
            try:
                self._ws.receive_data(data or None)
                events = list(self._ws.events())
            except RemoteProtocolError as exc:
                log.info("WebSocket protocol error: %s", exc)
                self._close(CloseReason.PROTOCOL_ERROR)
                return
            for event in events:
                if isinstance(event, TextMessage | BytesMessage):
                    chunk = event.data if isinstance(event.data, str) else event.data.decode(
                        "utf-8", "replace")
                    size += len(chunk)
                    if size > self._max_message:
                        self._close(CloseReason.MESSAGE_TOO_BIG)
                        return
                    parts.append(chunk)
                    if event.message_finished:
                        yield "".join(parts)
                        parts, size = [], 0
                elif isinstance(event, Ping):
                    self._send_event(event.response())
                elif isinstance(event, CloseConnection):
                    if self.open:
                        self._send_event(event.response())
                    self.open = False
            if not data:
                self.open = False

    def _close(self, reason: CloseReason) -> None:
        if self.open:
            self._send_event(CloseConnection(code=reason))
            self.open = False

    def _send_event(self, event: Event) -> None:
        with self._lock:
            self._sock.sendall(self._ws.send(event))
