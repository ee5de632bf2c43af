"""The system-tray icon: a menu, a tooltip with what is going on, notifications."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from gui.icons import app_icon

log = logging.getLogger(__name__)

MESSAGE_MS = 6000


class Tray(QObject):
    """Shows the icon only where the desktop has a tray (``available``); the
    menu is built either way, so the window's actions stay in one place.
    ``toggleRequested``: the icon was clicked or Show/Hide chosen.
    ``messageClicked``: the last notification was clicked."""

    toggleRequested = Signal()
    messageClicked = Signal()

    def __init__(
        self,
        window: QWidget,
        actions: list[QAction],
        quit_action: QAction,
        *,
        available: bool | None = None,
    ) -> None:
        super().__init__(window)
        self.available = (
            QSystemTrayIcon.isSystemTrayAvailable() if available is None else available
        )
        self.menu = QMenu(window)
        self.toggle_action = self.menu.addAction(self.tr("&Show Greenget"))
        self.toggle_action.triggered.connect(self.toggleRequested)
        self.summary_action = self.menu.addAction("")  # "3 active · 120 queued"
        self.summary_action.setEnabled(False)
        self.menu.addSeparator()
        self.menu.addActions(actions)
        self.menu.addSeparator()
        self.menu.addAction(quit_action)
        self.icon = QSystemTrayIcon(app_icon(), self)
        self.icon.setContextMenu(self.menu)
        self.icon.setToolTip("Greenget")
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(self.messageClicked)
        if self.available:
            self.icon.show()
        log.info("system tray %s", "in use" if self.available else "not available")

    def window_shown(self, shown: bool) -> None:
        """Keep the first menu entry saying what it will do."""
        text = self.tr("&Hide Greenget") if shown else self.tr("&Show Greenget")
        self.toggle_action.setText(text)

    def set_summary(self, text: str) -> None:
        """The line at the top of the menu that says what is going on."""
        if self.summary_action.text() != text:
            self.summary_action.setText(text)

    def set_tooltip(self, text: str) -> None:
        if self.icon.toolTip() != text:
            self.icon.setToolTip(text)

    def can_notify(self) -> bool:
        return self.available and self.icon.isVisible() and QSystemTrayIcon.supportsMessages()

    def notify(self, title: str, text: str, *, failed: bool = False) -> None:
        icons = QSystemTrayIcon.MessageIcon
        kind = icons.Warning if failed else icons.Information
        self.icon.showMessage(title, text, kind, MESSAGE_MS)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.toggleRequested.emit()
