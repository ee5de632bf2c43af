"""What the window remembers between runs (through QSettings)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import cast

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from engine.categories import DEFAULT_RULES, parse_extensions, parse_mime_types
from engine.origins import parse_origins
from engine.protocol import DEFAULT_RPC_PORT, CategoryRule
from engine.settings import DEFAULT_CONNECTIONS, DEFAULT_MAX_ACTIVE
from gui.network import ProxyChoice, ProxyMode, ProxyType

log = logging.getLogger(__name__)


_DIRECTORY = "downloads/directory"
_CONNECTIONS = "downloads/connections"
_MAX_ACTIVE = "downloads/maxActive"
_DEFAULT_CONNECTIONS = "downloads/defaultConnections"
_SPEED_LIMIT = "downloads/speedLimit"
_DOWNLOAD_LIMIT = "downloads/perDownloadLimit"
_SORT_BY_CATEGORY = "categories/sort"
_DATED_FOLDERS = "categories/dated"
_CATEGORY_LISTS = "categories/{category}/{kind}"  # kind: extensions, mimeTypes
_CLOSE_TO_TRAY = "desktop/closeToTray"
_WATCH_CLIPBOARD = "desktop/watchClipboard"
_CLIPBOARD_STRAIGHT = "desktop/clipboardStraightToQueue"
_NOTIFICATIONS = "desktop/notifications"
_SOUND_ON_COMPLETE = "desktop/soundOnComplete"
_SOUND_ON_FAILURE = "desktop/soundOnFailure"
_COMPLETE_SOUND = "desktop/completeSound"
_FAILURE_SOUND = "desktop/failureSound"
_RPC_ENABLED = "rpc/enabled"
_RPC_PORT = "rpc/port"
_RPC_ORIGINS = "rpc/origins"
_PROXY_MODE = "network/proxyMode"
_PROXY_TYPE = "network/proxyType"
_PROXY_HOST = "network/proxyHost"
_PROXY_PORT = "network/proxyPort"
_PROXY_USER = "network/proxyUser"
_PROXY_PASSWORD = "network/proxyPassword"
_GEOMETRY = "window/geometry"
_WINDOW_STATE = "window/state"
_HEADER = "window/header"
_STATE_FILTER = "window/stateFilter"


def default_download_dir() -> str:
    """The user's Downloads folder (their home if the platform has none)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    return location or str(Path.home())


class Settings:
    """Typed access to the keys Greenget keeps in a :class:`QSettings`."""

    def __init__(self, store: QSettings) -> None:
        self._store = store

    @property
    def download_dir(self) -> str:
        value = str(self._store.value(_DIRECTORY, "", str))
        return value or default_download_dir()

    @download_dir.setter
    def download_dir(self, value: str) -> None:
        self._store.setValue(_DIRECTORY, value)

    @property
    def connections(self) -> int:
        """Connections per download chosen in the Add dialog; 0 for the default."""
        return int(cast(int, self._store.value(_CONNECTIONS, 0, int)))

    @connections.setter
    def connections(self, value: int) -> None:
        self._store.setValue(_CONNECTIONS, value)

    def _int(self, key: str, default: int) -> int:
        try:
            return int(cast(int, self._store.value(key, default, int)))
        except (TypeError, ValueError):
            log.warning("ignoring a bad value for %s", key)
            return default

    def _bool(self, key: str, default: bool) -> bool:
        return bool(self._store.value(key, default, bool))

    @property
    def max_active(self) -> int:
        """Downloads that run at once."""
        return max(1, self._int(_MAX_ACTIVE, DEFAULT_MAX_ACTIVE))

    @max_active.setter
    def max_active(self, value: int) -> None:
        self._store.setValue(_MAX_ACTIVE, value)

    @property
    def default_connections(self) -> int:
        """Connections per download when a download does not ask for its own."""
        return max(1, self._int(_DEFAULT_CONNECTIONS, DEFAULT_CONNECTIONS))

    @default_connections.setter
    def default_connections(self, value: int) -> None:
        self._store.setValue(_DEFAULT_CONNECTIONS, value)

    @property
    def speed_limit(self) -> int:
        """Bytes per second for all downloads together; 0 for no limit."""
        return max(0, self._int(_SPEED_LIMIT, 0))

    @speed_limit.setter
    def speed_limit(self, value: int) -> None:
        self._store.setValue(_SPEED_LIMIT, value)

    @property
    def download_limit(self) -> int:
        """Bytes per second each new download gets; 0 for no limit."""
        return max(0, self._int(_DOWNLOAD_LIMIT, 0))

    @download_limit.setter
    def download_limit(self, value: int) -> None:
        self._store.setValue(_DOWNLOAD_LIMIT, value)

    @property
    def sort_by_category(self) -> bool:
        """New downloads go into their category's folder (off by default, as in FDM:
        a file lands where the person said; see docs/architecture.md)."""
        return self._bool(_SORT_BY_CATEGORY, False)

    @sort_by_category.setter
    def sort_by_category(self, value: bool) -> None:
        self._store.setValue(_SORT_BY_CATEGORY, value)

    @property
    def dated_folders(self) -> bool:
        """Into a subfolder for the month they were added (``Video/2026-12``)."""
        return self._bool(_DATED_FOLDERS, False)

    @dated_folders.setter
    def dated_folders(self, value: bool) -> None:
        self._store.setValue(_DATED_FOLDERS, value)

    @property
    def category_rules(self) -> tuple[CategoryRule, ...]:
        """Each category's extensions and MIME types: the person's, else the
        defaults (a saved list that no longer reads is dropped for the default)."""
        rules = []
        for rule in DEFAULT_RULES:
            extensions, mime_types = rule.extensions, rule.mime_types
            saved = self._store.value(_CATEGORY_LISTS.format(category=rule.category,
                                                             kind="extensions"))
            if saved is not None:
                try:
                    extensions = parse_extensions(str(saved))
                except ValueError:
                    log.warning("ignoring a bad list of extensions for %s", rule.category)
            saved = self._store.value(_CATEGORY_LISTS.format(category=rule.category,
                                                             kind="mimeTypes"))
            if saved is not None:
                try:
                    mime_types = parse_mime_types(str(saved))
                except ValueError:
                    log.warning("ignoring a bad list of MIME types for %s", rule.category)
            rules.append(CategoryRule(rule.category, extensions, mime_types))
        return tuple(rules)

    def set_category_rule(self, rule: CategoryRule) -> None:
        """Keep ``rule``'s lists (a rule equal to the default forgets them)."""
        default = next((r for r in DEFAULT_RULES if r.category == rule.category), None)
        for kind, values, standard in (
                ("extensions", rule.extensions, default.extensions if default else None),
                ("mimeTypes", rule.mime_types, default.mime_types if default else None)):
            key = _CATEGORY_LISTS.format(category=rule.category, kind=kind)
            if values == standard:
                self._store.remove(key)
            else:
                self._store.setValue(key, " ".join(values))

    @property
    def close_to_tray(self) -> bool:
        """Closing the window hides it to the tray (where there is one)."""
        return self._bool(_CLOSE_TO_TRAY, True)

    @close_to_tray.setter
    def close_to_tray(self, value: bool) -> None:
        self._store.setValue(_CLOSE_TO_TRAY, value)

    @property
    def watch_clipboard(self) -> bool:
        """Offer links copied to the clipboard for download (off by default)."""
        return self._bool(_WATCH_CLIPBOARD, False)

    @watch_clipboard.setter
    def watch_clipboard(self, value: bool) -> None:
        self._store.setValue(_WATCH_CLIPBOARD, value)

    @property
    def clipboard_straight_to_queue(self) -> bool:
        """Queue copied links without asking first."""
        return self._bool(_CLIPBOARD_STRAIGHT, False)

    @clipboard_straight_to_queue.setter
    def clipboard_straight_to_queue(self, value: bool) -> None:
        self._store.setValue(_CLIPBOARD_STRAIGHT, value)

    @property
    def notifications(self) -> bool:
        """Say when a download completes or fails."""
        return self._bool(_NOTIFICATIONS, True)

    @notifications.setter
    def notifications(self, value: bool) -> None:
        self._store.setValue(_NOTIFICATIONS, value)

    @property
    def sound_on_complete(self) -> bool:
        """Play a sound when a download completes (off unless chosen)."""
        return self._bool(_SOUND_ON_COMPLETE, False)

    @sound_on_complete.setter
    def sound_on_complete(self, value: bool) -> None:
        self._store.setValue(_SOUND_ON_COMPLETE, value)

    @property
    def sound_on_failure(self) -> bool:
        """Play a sound when a download fails (off unless chosen)."""
        return self._bool(_SOUND_ON_FAILURE, False)

    @sound_on_failure.setter
    def sound_on_failure(self, value: bool) -> None:
        self._store.setValue(_SOUND_ON_FAILURE, value)

    @property
    def complete_sound(self) -> str:
        """The sound file for a completed download; empty for Greenget's own."""
        return str(self._store.value(_COMPLETE_SOUND, "") or "")

    @complete_sound.setter
    def complete_sound(self, value: str) -> None:
        self._store.setValue(_COMPLETE_SOUND, value)

    @property
    def failure_sound(self) -> str:
        """The sound file for a failed download; empty for Greenget's own."""
        return str(self._store.value(_FAILURE_SOUND, "") or "")

    @failure_sound.setter
    def failure_sound(self, value: str) -> None:
        self._store.setValue(_FAILURE_SOUND, value)

    @property
    def rpc_enabled(self) -> bool:
        """Serve the aria2-compatible JSON-RPC endpoint (off by default)."""
        return self._bool(_RPC_ENABLED, False)

    @rpc_enabled.setter
    def rpc_enabled(self, value: bool) -> None:
        self._store.setValue(_RPC_ENABLED, value)

    @property
    def rpc_port(self) -> int:
        port = self._int(_RPC_PORT, DEFAULT_RPC_PORT)
        return port if 0 < port < 65536 else DEFAULT_RPC_PORT

    @rpc_port.setter
    def rpc_port(self, value: int) -> None:
        self._store.setValue(_RPC_PORT, value)

    @property
    def rpc_origins(self) -> tuple[str, ...]:
        """Web pages (by origin) allowed to call the endpoint besides extensions."""
        return parse_origins(str(self._store.value(_RPC_ORIGINS, "", str)))[0]

    @rpc_origins.setter
    def rpc_origins(self, value: tuple[str, ...]) -> None:
        self._store.setValue(_RPC_ORIGINS, " ".join(value))

    @property
    def proxy(self) -> ProxyChoice:
        """The proxy for every download (the environment's by default)."""
        try:
            mode = ProxyMode(str(self._store.value(_PROXY_MODE, ProxyMode.SYSTEM.value, str)))
            kind = ProxyType(str(self._store.value(_PROXY_TYPE, ProxyType.HTTP.value, str)))
        except ValueError:
            log.warning("ignoring a bad proxy setting")
            return ProxyChoice()
        port = self._int(_PROXY_PORT, ProxyChoice.port)
        return ProxyChoice(
            mode=mode,
            kind=kind,
            host=str(self._store.value(_PROXY_HOST, "", str)),
            port=port if 0 < port < 65536 else ProxyChoice.port,
            user=str(self._store.value(_PROXY_USER, "", str)),
            password=str(self._store.value(_PROXY_PASSWORD, "", str)),
        )

    @proxy.setter
    def proxy(self, value: ProxyChoice) -> None:
        self._store.setValue(_PROXY_MODE, value.mode.value)
        self._store.setValue(_PROXY_TYPE, value.kind.value)
        self._store.setValue(_PROXY_HOST, value.host)
        self._store.setValue(_PROXY_PORT, value.port)
        self._store.setValue(_PROXY_USER, value.user)
        self._store.setValue(_PROXY_PASSWORD, value.password)

    def sync(self) -> None:
        """Write the changes to disk now."""
        self._store.sync()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._store.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes(_GEOMETRY)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes(_WINDOW_STATE)

    @property
    def header(self) -> QByteArray | None:
        return self._bytes(_HEADER)

    @property
    def state_filter(self) -> str:
        return str(self._store.value(_STATE_FILTER, "", str))

    def save_window(
        self, geometry: QByteArray, window_state: QByteArray, header: QByteArray, state_filter: str
    ) -> None:
        self._store.setValue(_GEOMETRY, geometry)
        self._store.setValue(_WINDOW_STATE, window_state)
        self._store.setValue(_HEADER, header)
        self._store.setValue(_STATE_FILTER, state_filter)
        self._store.sync()
