"""What the window remembers between runs (through QSettings)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

log = logging.getLogger(__name__)

_DIRECTORY = "downloads/directory"
_CONNECTIONS = "downloads/connections"
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
        value = self._store.value(_DIRECTORY, "", str)
        return value or default_download_dir()

    @download_dir.setter
    def download_dir(self, value: str) -> None:
        self._store.setValue(_DIRECTORY, value)

    @property
    def connections(self) -> int:
        """Connections per download chosen in the Add dialog; 0 for the default."""
        return int(self._store.value(_CONNECTIONS, 0, int))

    @connections.setter
    def connections(self, value: int) -> None:
        self._store.setValue(_CONNECTIONS, value)

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
