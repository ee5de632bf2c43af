"""Notifications with buttons, through the desktop's notification server.

The freedesktop notification spec over the D-Bus session bus: ``Notify`` with
actions ("Open", "Open folder"), then the server's ``ActionInvoked`` signal
when one is clicked.  PySide6's QtDBus cannot send the spec's ``uint32``
argument (a Python int always goes out as a signed or a 16-bit one, which
servers reject), so the messages are jeepney's (pure-Python D-Bus, typed by
signature) over one connection whose socket Qt watches: nothing waits but the
first connection to the bus.  ``available`` is false where there is no bus
or no server; the window then uses the tray's balloon.
"""

from __future__ import annotations

import html
import logging
import time
from dataclasses import dataclass

from jeepney import DBusAddress, HeaderFields, MatchRule, MessageType, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.low_level import Message
from jeepney.wrappers import DBusErrorResponse
from PySide6.QtCore import QObject, QSocketNotifier, Signal

log = logging.getLogger(__name__)

SERVER = DBusAddress("/org/freedesktop/Notifications", bus_name="org.freedesktop.Notifications",
                     interface="org.freedesktop.Notifications")
SETUP_TIMEOUT = 2.0  # seconds for the bus and the server to answer when first used
RETRY_AFTER = 60.0  # seconds before a bus or server that was not there is asked again
DEFAULT_ACTION = "default"  # the spec's key for a click on the notification itself


@dataclass(frozen=True)
class Popup:
    """One notification: ``actions`` are (key, label) pairs shown as buttons."""

    title: str
    text: str
    download_id: int
    failed: bool = False
    actions: tuple[tuple[str, str], ...] = ()


class DesktopNotifier(QObject):
    """``actionInvoked(download_id, key)``: a button (or, with the key
    ``"default"``, the notification itself) was clicked.  ``undelivered``:
    the server refused a notification that ``show`` had taken (the window
    says it another way)."""

    actionInvoked = Signal(int, str)
    undelivered = Signal(object)  # Popup

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._connection: DBusConnection | None = None
        self._watch: QSocketNotifier | None = None
        self._capabilities: frozenset[str] = frozenset()
        self._tried_at: float | None = None
        self._pending: dict[int, Popup] = {}  # serial of a Notify → what it showed
        self._shown: dict[int, Popup] = {}  # notification id → what it shows

    @property
    def available(self) -> bool:
        """Whether a notification server answers (connecting the first time)."""
        return self._connect()

    def show(self, popup: Popup) -> bool:
        """Send ``popup``; ``False`` when there is no server to send it to."""
        if not self._connect():
            return False
        assert self._connection is not None
        actions = popup.actions if "actions" in self._capabilities else ()
        text = html.escape(popup.text, quote=False) if "body-markup" in self._capabilities \
            else popup.text
        hints = {
            "urgency": ("y", 2 if popup.failed else 1),
            "category": ("s", "transfer.error" if popup.failed else "transfer.complete"),
            "desktop-entry": ("s", "greenget"),
        }
        message = new_method_call(SERVER, "Notify", "susssasa{sv}i", (
            "Greenget", 0, "greenget", popup.title, text,
            [part for pair in actions for part in pair], hints, -1,
        ))
        try:
            serial = self._send(message)
        except OSError as exc:
            self._lost(exc)
            return False
        self._pending[serial] = popup
        return True

    # ------------------------------------------------------------ the bus

    def _connect(self) -> bool:
        if self._connection is not None:
            return True
        if self._tried_at is not None and time.monotonic() - self._tried_at < RETRY_AFTER:
            return False
        self._tried_at = time.monotonic()
        connection = None
        try:
            connection = open_dbus_connection(bus="SESSION", auth_timeout=SETUP_TIMEOUT)
            reply = connection.send_and_get_reply(
                new_method_call(SERVER, "GetCapabilities"), timeout=SETUP_TIMEOUT)
            capabilities = frozenset(_unwrapped(reply)[0])
            rule = MatchRule(type=MessageType.signal, interface=SERVER.interface,
                             path=SERVER.object_path)
            _unwrapped(connection.send_and_get_reply(
                message_bus.AddMatch(rule), timeout=SETUP_TIMEOUT))
        except (OSError, KeyError, ValueError, TimeoutError, DBusErrorResponse) as exc:
            # KeyError: no DBUS_SESSION_BUS_ADDRESS; DBusErrorResponse: no server on it.
            log.info("no desktop notification server (%s): %s", type(exc).__name__, exc)
            if connection is not None:
                connection.close()
            return False
        log.info("desktop notifications through the session bus (%s)",
                 ", ".join(sorted(capabilities)))
        self._connection = connection
        self._capabilities = capabilities
        socket = connection.sock  # type: ignore[attr-defined]  # jeepney-stubs lack it
        self._watch = QSocketNotifier(socket.fileno(), QSocketNotifier.Type.Read, self)
        self._watch.activated.connect(self._read)
        return True

    def _send(self, message: Message) -> int:
        assert self._connection is not None
        # Our own serial, to match the reply (jeepney-stubs lack the attribute).
        serial = next(self._connection.outgoing_serial)  # type: ignore[attr-defined]
        self._connection.send(message, serial=serial)
        return serial

    def _read(self) -> None:
        """Every message the socket has for us, without waiting for more."""
        while self._connection is not None:
            try:
                message = self._connection.receive(timeout=0)
            except TimeoutError:
                return
            except (OSError, ValueError) as exc:
                self._lost(exc)
                return
            self._handle(message)

    def _handle(self, message: Message) -> None:
        header = message.header
        kind = header.message_type
        if kind in (MessageType.method_return, MessageType.error):
            popup = self._pending.pop(header.fields.get(HeaderFields.reply_serial, -1), None)
            if popup is None:
                return
            if kind is MessageType.error:
                log.warning("the notification server refused a notification: %s",
                            message.body)
                self.undelivered.emit(popup)
            else:
                self._shown[int(message.body[0])] = popup
                log.debug("notification %d: download %d", message.body[0], popup.download_id)
            return
        if kind is not MessageType.signal:
            return
        member = header.fields.get(HeaderFields.member)
        if member == "ActionInvoked":
            notification, key = message.body
            popup = self._shown.pop(int(notification), None)
            if popup is not None:
                log.info("notification action %r for download %d", key, popup.download_id)
                self._close(int(notification))  # done with: some servers leave it up
                self.actionInvoked.emit(popup.download_id, str(key))
        elif member == "NotificationClosed":
            self._shown.pop(int(message.body[0]), None)

    def _close(self, notification: int) -> None:
        try:
            self._send(new_method_call(SERVER, "CloseNotification", "u", (notification,)))
        except OSError as exc:
            self._lost(exc)

    def _lost(self, error: Exception) -> None:
        log.warning("lost the session bus: %s", error)
        if self._watch is not None:
            self._watch.setEnabled(False)
            self._watch.deleteLater()
            self._watch = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._tried_at = time.monotonic()
        for popup in self._pending.values():
            self.undelivered.emit(popup)
        self._pending.clear()
        self._shown.clear()


def _unwrapped(reply: Message) -> tuple:
    """The body of a method's reply; an error reply raises ``DBusErrorResponse``."""
    if reply.header.message_type is MessageType.error:
        raise DBusErrorResponse(reply)
    return tuple(reply.body)
