"""Settings ▸ Categories: sorting on or off, dated folders, and each category's
extensions and MIME types (read and checked by :mod:`engine.categories`).

Every change is saved and sent to the worker at once, as on the other tabs; a
list that does not read is not applied, and the tab says why under it."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.categories import DEFAULT_RULES, parse_extensions, parse_mime_types
from engine.protocol import CategoryRule, State
from gui.category_sidebar import category_label
from gui.engine_settings import EngineSettings
from gui.formatting import with_args
from gui.states import COLORS

log = logging.getLogger(__name__)


class CategoriesTab(QWidget):
    """One row per category: its extensions and its MIME types."""

    def __init__(self, engine: EngineSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        s = engine.settings
        self.sort = QCheckBox(self.tr("&Sort new downloads into a folder for their category"),
                              self)
        self.sort.setChecked(s.sort_by_category)
        self.sort.setToolTip(self.tr("Video, Music, Documents… under the download folder, "
                                     "decided when the server names the file"))
        self.dated = QCheckBox(self.tr("In &dated subfolders (for example Video/2026-12)"), self)
        self.dated.setChecked(s.dated_folders)
        self.dated.setEnabled(s.sort_by_category)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {COLORS[State.FAILED].name()}")
        self.problem.hide()
        self.extensions: dict[str, QLineEdit] = {}
        self.mime_types: dict[str, QLineEdit] = {}
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("Extensions"), self), 0, 1)
        grid.addWidget(QLabel(self.tr("MIME types"), self), 0, 2)
        for row, rule in enumerate(s.category_rules, start=1):
            name = category_label(rule.category)
            grid.addWidget(QLabel(name, self), row, 0)
            for column, (fields, values) in enumerate(
                    ((self.extensions, rule.extensions), (self.mime_types, rule.mime_types)),
                    start=1):
                field = QLineEdit(" ".join(values), self)
                field.setCursorPosition(0)
                field.setAccessibleName(name)
                field.editingFinished.connect(lambda c=rule.category: self._lists_edited(c))
                fields[rule.category] = field
                grid.addWidget(field, row, column)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        other = QLabel(self.tr("Other: every file that no list above takes."), self)
        other.setWordWrap(True)
        restore = QPushButton(self.tr("&Restore the default lists"), self)
        restore.clicked.connect(self.restore_defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sort)
        layout.addWidget(self.dated)
        layout.addLayout(grid)
        layout.addWidget(self.problem)
        layout.addWidget(other)
        layout.addWidget(restore)
        layout.addStretch(1)
        self.sort.toggled.connect(self._sort_changed)
        self.dated.toggled.connect(self._dated_changed)

    def _sort_changed(self, on: bool) -> None:
        self._engine.settings.sort_by_category = on
        self.dated.setEnabled(on)
        self._engine.options_changed()

    def _dated_changed(self, on: bool) -> None:
        self._engine.settings.dated_folders = on
        self._engine.options_changed()

    def _lists_edited(self, category: str) -> None:
        name = category_label(category)
        try:
            extensions = parse_extensions(self.extensions[category].text())
        except ValueError:
            return self._say(with_args(self.tr(
                "%1: extensions are letters and digits separated by spaces, like mp4 mkv."),
                name))
        try:
            mime_types = parse_mime_types(self.mime_types[category].text())
        except ValueError:
            return self._say(with_args(self.tr(
                "%1: MIME types look like video/mp4 or audio/*, separated by spaces."), name))
        self.problem.hide()
        rule = CategoryRule(category, extensions, mime_types)
        self.extensions[category].setText(" ".join(rule.extensions))
        self.mime_types[category].setText(" ".join(rule.mime_types))
        if rule != next(r for r in self._engine.settings.category_rules
                        if r.category == category):
            self._engine.settings.set_category_rule(rule)
            self._engine.options_changed()
        return None

    def _say(self, problem: str) -> None:
        """A list that does not read: say so under the lists (not applied)."""
        self.problem.setText(problem)
        self.problem.show()

    def restore_defaults(self) -> None:
        for rule in DEFAULT_RULES:
            self.extensions[rule.category].setText(" ".join(rule.extensions))
            self.mime_types[rule.category].setText(" ".join(rule.mime_types))
            self._engine.settings.set_category_rule(rule)
        self.problem.hide()
        self._engine.options_changed()
