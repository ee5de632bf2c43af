"""Settings ▸ Desktop: whether to play a sound when a download ends, and which."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.formatting import with_args
from gui.icons import action_icon
from gui.settings import Settings
from gui.sounds import SoundPlayer

log = logging.getLogger(__name__)

SOUND_FILES = "*.wav *.oga *.ogg *.flac"  # what the players (libsndfile) read


class SoundChoice(QWidget):
    """A check box ("play a sound when …"), the file (empty: Greenget's own),
    Browse… and a button to hear it.  Changes are saved as they are made, in
    the two settings named ``enabled`` and ``file``."""

    def __init__(
        self,
        text: str,
        settings: Settings,
        enabled: str,
        file: str,
        default: Path,
        player: SoundPlayer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._enabled_key = enabled
        self._file_key = file
        self._default = default
        self._player = player
        self.check = QCheckBox(text, self)
        self.check.setChecked(bool(getattr(settings, enabled)))
        self.file = QLineEdit(str(getattr(settings, file)), self)
        self.file.setPlaceholderText(self.tr("Greenget's own sound"))
        self.file.setAccessibleName(text)
        self.file.setClearButtonEnabled(True)
        self.browse = QPushButton(action_icon("open-folder", "folder-open"), self.tr("Browse…"),
                                  self)
        self.play = QPushButton(self.tr("Play"), self)
        self.play.setToolTip(self.tr("Hear this sound"))
        row = QHBoxLayout()
        row.setContentsMargins(24, 0, 0, 0)
        row.addWidget(self.file, 1)
        row.addWidget(self.browse)
        row.addWidget(self.play)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addLayout(row)
        self._follow_check(self.check.isChecked())

        self.check.toggled.connect(self._checked)
        self.file.editingFinished.connect(self._file_edited)
        self.browse.clicked.connect(self._browse)
        self.play.clicked.connect(self._play)

    def chosen(self) -> Path:
        """The file that plays: the one given, else Greenget's own."""
        text = self.file.text().strip()
        return Path(text).expanduser() if text else self._default

    def _follow_check(self, on: bool) -> None:
        for widget in (self.file, self.browse, self.play):
            widget.setEnabled(on)

    def _checked(self, on: bool) -> None:
        self._follow_check(on)
        setattr(self._settings, self._enabled_key, on)
        self._settings.sync()

    def _file_edited(self) -> None:
        setattr(self._settings, self._file_key, self.file.text().strip())
        self._settings.sync()

    def _browse(self) -> None:
        start = str(self.chosen().parent)
        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose a sound"), start,
            with_args(self.tr("Sounds (%1)"), SOUND_FILES),
        )
        if chosen:
            self.file.setText(chosen)
            self._file_edited()

    def _play(self) -> None:
        self._player.play(self.chosen())
