"""Settings' "Pair a browser": one click pairs Greenget's browser extension.

The button makes a one-time pairing link (:func:`engine.pairing.pairing_link`,
signed with the endpoint's secret) and opens it in the default browser, where
the extension redeems it; the link is also shown, to copy into another browser.
Nobody types a token.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from engine.pairing import CODE_LIFETIME, pairing_link
from engine.protocol import RpcStatus
from gui.formatting import with_args
from gui.icons import action_icon

log = logging.getLogger(__name__)


class PairingRows(QObject):
    """The pairing button, the link with its Copy button, and a hint: rows
    for the Browser integration tab's form (:meth:`add_to`)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._status: RpcStatus | None = None
        self.button = QPushButton(action_icon("link", "insert-link"),
                                  self.tr("Pa&ir a browser"), parent)
        self.button.setToolTip(self.tr("Opens a one-time pairing link in your default browser"))
        self.link = QLineEdit(parent)
        self.link.setReadOnly(True)
        self.link.setAccessibleName(self.tr("Pairing link"))
        self.copy = QPushButton(action_icon("copy", "edit-copy"), self.tr("Copy"), parent)
        self.copy.setToolTip(self.tr("Copy the pairing link, to open it in another browser"))
        self.copy.setAccessibleName(self.copy.toolTip())
        self.copy.setEnabled(False)
        self.hint = QLabel(parent)
        self.hint.setWordWrap(True)
        self.button.clicked.connect(self.pair)
        self.copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.link.text()))
        self.show_status(None)

    def add_to(self, form: QFormLayout) -> None:
        form.addRow(self.tr("Greenget's extension:"), self.button)
        form.setAlignment(self.button, Qt.AlignmentFlag.AlignLeft)
        link_row = QHBoxLayout()
        link_row.addWidget(self.link, 1)
        link_row.addWidget(self.copy)
        label = QLabel(self.tr("Pairing &link:"), self.button.parentWidget())
        label.setBuddy(self.link)
        form.addRow(label, link_row)
        form.addRow("", self.hint)

    def show_status(self, status: RpcStatus | None) -> None:
        """Pairing needs the endpoint running (its port and secret)."""
        self._status = status
        ready = status is not None and status.enabled and bool(status.secret)
        self.button.setEnabled(ready)
        if not ready:
            self.link.clear()
            self.copy.setEnabled(False)
            self.hint.setText(self.tr("Turn on the option above first: pairing needs it."))
        elif not self.link.text():
            self.hint.setText(self.tr(
                "Add Greenget's extension to your browser (see the README), then click "
                "Pair: the link opens in your default browser and the extension pairs itself."))

    def pair(self) -> None:
        status = self._status
        if status is None or not status.enabled:
            return
        link = pairing_link(status.port, status.secret)
        self.link.setText(link)
        self.link.setCursorPosition(0)
        self.copy.setEnabled(True)
        minutes = CODE_LIFETIME // 60
        if QDesktopServices.openUrl(QUrl(link)):
            log.info("opened a pairing link for port %d in the browser", status.port)
            self.hint.setText(with_args(self.tr(
                "Opened in your browser. For another browser, copy the link into its address "
                "bar. It works once, within %1 minutes."), minutes))
        else:
            self.hint.setText(with_args(self.tr(
                "No browser could be opened: copy the link into your browser's address bar. "
                "It works once, within %1 minutes."), minutes))
