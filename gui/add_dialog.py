"""The Add dialog: URLs (one per line), a destination folder, and options."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine import checksums
from engine.protocol import DownloadOptions, Media
from engine.settings import MAX_CONNECTIONS
from gui.formatting import with_args
from gui.icons import action_icon
from gui.media_chooser import MediaChooser
from gui.urls import ParsedLines, parse_lines

log = logging.getLogger(__name__)

SHOWN_BAD_LINES = 5  # bad lines quoted in the dialog; the rest are counted


@dataclass(frozen=True)
class AddRequest:
    """What the person asked for when they pressed Add."""

    urls: tuple[str, ...]
    directory: str
    options: DownloadOptions


def parse_checksum(text: str) -> str | None:
    """What was typed as :func:`engine.checksums.parse_checksum` normalises it;
    empty text gives ``""``; ``None`` when it is not a checksum."""
    try:
        return checksums.parse_checksum(text) or ""
    except ValueError:
        return None


class AddDialog(QDialog):
    """Checks the lines as they are typed and reports the ones that are not
    http(s) URLs; Add stays disabled until there is something to add.
    Import… hands a list file (with each download's own folder and options)
    to the window through ``listChosen`` and closes the dialog.  A single
    link is asked about through ``mediaWanted`` (the window asks the worker);
    :meth:`show_media` puts a page's formats in the chooser."""

    listChosen = Signal(str)
    mediaWanted = Signal(str)

    def __init__(
        self, parent: QWidget | None, *, text: str, directory: str, connections: int = 0
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add downloads"))
        self.setMinimumWidth(560)
        self._parsed = ParsedLines((), ())

        self._urls = QPlainTextEdit(self)
        self._urls.setPlaceholderText(
            self.tr("One URL per line, e.g. https://example.com/file.zip")
        )
        self._urls.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._urls.setTabChangesFocus(True)  # Tab moves on; a URL has no tabs
        self._urls.setPlainText(text)
        self._report = QLabel(self)
        self._report.setWordWrap(True)
        self._report.setTextFormat(Qt.TextFormat.RichText)

        self._directory = QLineEdit(directory, self)
        browse = QPushButton(action_icon("open-folder", "folder-open"), self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self._directory, 1)
        folder_row.addWidget(browse)

        self._paused = QCheckBox(self.tr("Add &paused (start them later)"), self)
        self.open_when_done = QCheckBox(self.tr("Open the files when &done"), self)
        self.open_when_done.setToolTip(
            self.tr("Each file opens in its application as soon as it has downloaded"))
        self._connections = QSpinBox(self)
        self._connections.setRange(0, MAX_CONNECTIONS)
        self._connections.setSpecialValueText(self.tr("Default"))
        self._connections.setValue(connections)
        self._connections.setToolTip(
            self.tr("Parallel connections per download, for servers that allow it")
        )
        self._checksum = QLineEdit(self)
        self._checksum.setPlaceholderText(
            self.tr("Optional: sha256=… (checked when the download ends)")
        )

        form = QFormLayout()
        save_to = QLabel(self.tr("&Save to:"), self)
        save_to.setBuddy(self._directory)
        form.addRow(save_to, folder_row)
        form.addRow(self.tr("C&onnections:"), self._connections)
        form.addRow(self.tr("C&hecksum:"), self._checksum)
        form.addRow("", self._paused)
        form.addRow("", self.open_when_done)

        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        importing = self._buttons.addButton(
            self.tr("&Import list…"), QDialogButtonBox.ButtonRole.ActionRole)
        importing.setToolTip(self.tr("Add the downloads of a list file: links, an aria2 "
                                     "input file or a list Greenget exported"))
        importing.clicked.connect(self._import)
        self._buttons.accepted.connect(self.accept)
        self._urls.installEventFilter(self)  # Ctrl+Enter there adds, as anywhere else
        self._buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        urls_label = QLabel(self.tr("&URLs:"), self)
        urls_label.setBuddy(self._urls)
        layout.addWidget(urls_label)
        layout.addWidget(self._urls, 1)
        layout.addWidget(self._report)
        self._chooser = MediaChooser(self)
        layout.addWidget(self._chooser, 2)
        layout.addLayout(form)
        layout.addWidget(self._buttons)

        self._check_timer = QTimer(self, singleShot=True, interval=150)
        self._check_timer.timeout.connect(self._check)
        self._urls.textChanged.connect(self._check_timer.start)
        self._checksum.textChanged.connect(self._check)
        self._directory.textChanged.connect(self._check)
        self._check()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._urls
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self._accept_if_ready()
            return True
        return super().eventFilter(watched, event)

    def _accept_if_ready(self) -> None:
        self._check()
        if self._buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled():
            self.accept()

    def request(self) -> AddRequest:
        """The URLs to add and how; valid once the dialog was accepted."""
        self._check()
        checksum = parse_checksum(self._checksum.text()) or None
        options = DownloadOptions(
            connections=self._connections.value() or None,
            checksum=checksum,
            paused=self._paused.isChecked(),
            open_when_done=self.open_when_done.isChecked(),
            media=self._chooser.choice() if len(self._parsed.urls) == 1 else "",
        )
        return AddRequest(self._parsed.urls, self._directory_path(), options)

    def show_media(self, media: Media) -> None:
        """The worker's answer about the link asked for (see ``mediaWanted``)."""
        self._chooser.show_media(media)

    @property
    def chooser(self) -> MediaChooser:
        return self._chooser

    @property
    def report(self) -> str:
        """What the dialog says about the lines, as plain text."""
        return self._report.text()

    def _directory_path(self) -> str:
        text = self._directory.text().strip()
        return str(Path(text).expanduser()) if text else ""

    def _import(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a list"), self._directory_path(),
            self.tr("Download lists (*.txt *.json *.aria2 *.lst);;All files (*)"))
        if chosen:
            self.listChosen.emit(chosen)
            self.reject()

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Save downloads to"), self._directory_path()
        )
        if chosen:
            self._directory.setText(chosen)

    def _check(self) -> None:
        self._check_timer.stop()
        self._parsed = parse_lines(self._urls.toPlainText())
        urls, bad = self._parsed.urls, self._parsed.invalid
        if len(urls) != 1:
            self._chooser.clear()
        elif urls[0] != self._chooser.url:
            self._chooser.waiting(urls[0])
            # On the next turn: the window connects to the dialog after creating it.
            QTimer.singleShot(0, lambda url=urls[0]: self.mediaWanted.emit(url))
        problems: list[str] = []
        if bad:
            quoted = ", ".join(
                with_args(self.tr("line %1: “%2”"), n, html.escape(line[:60]))
                for n, line in bad[:SHOWN_BAD_LINES]
            )
            if len(bad) > SHOWN_BAD_LINES:
                quoted = with_args(self.tr("%1 and %2 more"), quoted, len(bad) - SHOWN_BAD_LINES)
            n = len(bad)
            text = (
                self.tr("%n line is not an http(s) URL and will be skipped: %1.", "", n)
                if n == 1
                else self.tr("%n lines are not an http(s) URL and will be skipped: %1.", "", n)
            )
            problems.append(with_args(text, quoted))
        for n, why in self._parsed.pattern_errors[:SHOWN_BAD_LINES]:
            problems.append(with_args(self.tr("Line %1 is skipped: %2"), n, html.escape(why)))
        checksum = parse_checksum(self._checksum.text())
        if checksum is None:
            problems.append(html.escape(
                self.tr("The checksum should look like sha256=<hex digits>.")))
        elif checksum and len(urls) > 1:
            problems.append(
                self.tr("The checksum will be checked against every one of these files.")
            )
        if not self._directory_path():
            problems.append(self.tr("Choose a folder to save to."))
        n = len(urls)
        count = self.tr("%n URL to add.", "", n) if n == 1 else self.tr("%n URLs to add.", "", n)
        if self._parsed.patterns:
            patterns = self.tr("%n pattern(s) expanded:", "", self._parsed.patterns)
            count = f"{patterns} {count}"
        self._report.setText(" ".join([count, *problems]))
        ok = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Add %n", "", len(urls)) if len(urls) > 1 else self.tr("Add"))
        ok.setEnabled(bool(urls) and checksum is not None and bool(self._directory_path()))
