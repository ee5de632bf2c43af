"""Keeps the worker in step with the person's settings, through the protocol."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from engine.protocol import Hello, OptionsChanged, RpcStatus, SetOptions, SetRpc
from gui.engine_client import EngineClient
from gui.settings import Settings

log = logging.getLogger(__name__)

APPLY_DELAY_MS = 250  # a burst of changes (arrow keys held on a spin box) is one command


def options_command(settings: Settings) -> SetOptions:
    """The worker-wide options as the settings have them."""
    return SetOptions(
        max_active=settings.max_active,
        connections=settings.default_connections,
        speed_limit=settings.speed_limit,  # 0 lifts the limit
        download_limit=settings.download_limit,  # each new download's, however added
        directory=settings.download_dir,
        proxy=settings.proxy.setting(),  # None (left as it is) while a manual one lacks a host
        sort_by_category=settings.sort_by_category,
        dated_folders=settings.dated_folders,
        category_rules=settings.category_rules,
    )


def rpc_command(settings: Settings) -> SetRpc:
    """The JSON-RPC endpoint as the settings have it; the worker keeps the
    secret in its state folder (made on first enable), so none is sent."""
    return SetRpc(enabled=settings.rpc_enabled, port=settings.rpc_port,
                  origins=settings.rpc_origins)


class EngineSettings(QObject):
    """Sends ``set_options`` on every worker start and after each change of
    the settings; ``set_rpc`` likewise (at start only when the endpoint is on,
    so an endpoint turned on from the environment is left alone).  Remembers
    the endpoint's last ``rpc_status`` (``None`` until the worker says)."""

    rpcStatusChanged = Signal(object)  # RpcStatus | None
    optionsChangedElsewhere = Signal()  # a JSON-RPC client changed them; the settings follow

    def __init__(self, client: EngineClient, settings: Settings, parent: QObject | None = None):
        super().__init__(parent)
        self._client = client
        self._settings = settings
        self.rpc_status: RpcStatus | None = None
        self._options_timer = QTimer(self, singleShot=True, interval=APPLY_DELAY_MS)
        self._options_timer.timeout.connect(self.send_options)
        self._rpc_timer = QTimer(self, singleShot=True, interval=APPLY_DELAY_MS)
        self._rpc_timer.timeout.connect(self.send_rpc)
        client.connected.connect(self._on_connected)
        client.rpcStatusReceived.connect(self._on_rpc_status)
        client.optionsChanged.connect(self._on_options_changed)

    @property
    def settings(self) -> Settings:
        return self._settings

    def options_changed(self) -> None:
        """A worker-wide option changed: send them all shortly."""
        self._settings.sync()
        self._options_timer.start()

    def rpc_changed(self) -> None:
        """The endpoint was turned on or off or moved: tell the worker shortly."""
        self._settings.sync()
        self._set_status(None)  # until the worker answers
        self._rpc_timer.start()

    def send_options(self) -> None:
        self._options_timer.stop()
        command = options_command(self._settings)
        log.info(
            "applying options: %d at once, %d connections, limit %d B/s, proxy %s",
            command.max_active, command.connections, command.speed_limit,
            self._settings.proxy.masked(),  # never the password
        )
        self._client.send(command)

    def send_rpc(self) -> None:
        self._rpc_timer.stop()
        command = rpc_command(self._settings)
        log.info("JSON-RPC endpoint %s (port %d)", "on" if command.enabled else "off", command.port)
        self._client.send(command)

    def _on_connected(self, _hello: Hello) -> None:
        self._set_status(None)
        self.send_options()
        if self._settings.rpc_enabled:
            self.send_rpc()

    def _on_options_changed(self, options: OptionsChanged) -> None:
        """Keep what a JSON-RPC client set (AriaNg's settings page), so the next
        ``set_options`` does not put the old values back."""
        log.info("options changed over JSON-RPC: folder %s, %d at once, %d connections",
                 options.directory, options.max_active, options.connections)
        settings = self._settings
        settings.download_dir = options.directory
        settings.max_active = options.max_active
        settings.default_connections = options.connections
        settings.speed_limit = options.speed_limit
        settings.download_limit = options.download_limit
        settings.sync()
        self.optionsChangedElsewhere.emit()

    def _on_rpc_status(self, status: RpcStatus) -> None:
        if status.error:
            log.warning("JSON-RPC endpoint: %s", status.error)
        self._set_status(status)

    def _set_status(self, status: RpcStatus | None) -> None:
        self.rpc_status = status
        self.rpcStatusChanged.emit(status)
