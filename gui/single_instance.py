"""One window per state folder: a second launch hands its URLs to the first."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 500


def server_name(state: Path) -> str:
    """A local-socket name unique to the state folder (and so to the user)."""
    digest = hashlib.sha256(str(state.resolve()).encode()).hexdigest()[:16]
    return f"greenget-{digest}"


class SingleInstance(QObject):
    """:meth:`forward` to a running instance, or :meth:`listen` to be the one.

    A running instance receives one JSON line, ``{"urls": [...]}``, per later
    launch and emits ``urlsReceived`` with them (an empty list to be raised)."""

    urlsReceived = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def forward(self, urls: list[str]) -> bool:
        """Hand ``urls`` to a running instance; False if none answers."""
        socket = QLocalSocket()
        socket.connectToServer(self._name)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        socket.write((json.dumps({"urls": urls}) + "\n").encode())
        socket.flush()
        sent = socket.waitForBytesWritten(CONNECT_TIMEOUT_MS) or socket.bytesToWrite() == 0
        socket.disconnectFromServer()
        log.info("handed %d URL(s) to the running instance", len(urls))
        return sent

    def listen(self) -> bool:
        """Become the instance others forward to.  Only called after
        :meth:`forward` failed, so a leftover socket file is stale."""
        QLocalServer.removeServer(self._name)
        if not self._server.listen(self._name):
            log.warning("cannot listen on %s: %s", self._name, self._server.errorString())
            return False
        return True

    def _accept(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(self._read)
            socket.disconnected.connect(socket.deleteLater)

    def _read(self) -> None:
        socket = self.sender()
        if not isinstance(socket, QLocalSocket):
            return
        while socket.canReadLine():
            line = bytes(socket.readLine().data())
            try:
                urls = json.loads(line)["urls"]
            except (ValueError, KeyError, TypeError):
                log.warning("ignoring a message from another launch: %.200r", line)
                continue
            self.urlsReceived.emit([u for u in urls if isinstance(u, str)])
