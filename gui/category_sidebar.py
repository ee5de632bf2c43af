"""The category sidebar: All downloads and the seven categories, with counts.

Choosing an entry filters the table to that category (the proxy's filter);
downloads dragged from the table onto a category are moved there (their file
with them) by the worker.  The counts come from the model, which keeps them as
rows change, so refreshing costs eight label updates, not a walk over the rows.
"""

from __future__ import annotations

import logging
from typing import cast

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QIcon
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QStyle, QWidget

from engine.categories import Category
from gui.view import ROWS_MIME

log = logging.getLogger(__name__)

# Marked for translation here, translated where shown.
_LABELS = cast(dict[str, str], {  # QT_TRANSLATE_NOOP returns its text
    "": QT_TRANSLATE_NOOP("Categories", "All downloads"),
    Category.VIDEO: QT_TRANSLATE_NOOP("Categories", "Video"),
    Category.MUSIC: QT_TRANSLATE_NOOP("Categories", "Music"),
    Category.DOCUMENTS: QT_TRANSLATE_NOOP("Categories", "Documents"),
    Category.ARCHIVES: QT_TRANSLATE_NOOP("Categories", "Archives"),
    Category.PROGRAMS: QT_TRANSLATE_NOOP("Categories", "Programs"),
    Category.IMAGES: QT_TRANSLATE_NOOP("Categories", "Images"),
    Category.OTHER: QT_TRANSLATE_NOOP("Categories", "Other"),
})
# The desktop theme's icons, where it has them.
_THEME_ICONS = {
    "": "folder-download",
    Category.VIDEO: "folder-videos",
    Category.MUSIC: "folder-music",
    Category.DOCUMENTS: "folder-documents",
    Category.ARCHIVES: "package-x-generic",
    Category.PROGRAMS: "application-x-executable",
    Category.IMAGES: "folder-pictures",
    Category.OTHER: "folder",
}
CATEGORY_ROLE = Qt.ItemDataRole.UserRole + 1  # the entry's category ("" for all)


def category_label(category: str) -> str:
    """The category's name in the person's language ("" is all downloads)."""
    return QCoreApplication.translate("Categories", _LABELS[category])


def parse_ids(data: bytes) -> list[int]:
    """The download ids a drag from the table carries."""
    return [int(part) for part in data.decode(errors="replace").split(",") if part.isdigit()]


class CategorySidebar(QListWidget):
    """``chosen``: the person picked an entry (its category, "" for all).
    ``dropped``: download ids were dropped on a category."""

    chosen = Signal(str)
    dropped = Signal(list, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Categories"))
        self.setIconSize(QSize(20, 20))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        fallback = self.style().standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        for category in ("", *Category):
            theme = _THEME_ICONS[category]
            icon = QIcon.fromTheme(theme) if QIcon.hasThemeIcon(theme) else fallback
            item = QListWidgetItem(icon, category_label(category), self)
            item.setData(CATEGORY_ROLE, str(category))
        self.setCurrentRow(0)
        self.currentItemChanged.connect(self._on_current)
        self._counts: dict[str, int] = {}

    def sizeHint(self) -> QSize:
        return QSize(190, super().sizeHint().height())

    @property
    def category(self) -> str:
        item = self.currentItem()
        return str(item.data(CATEGORY_ROLE)) if item is not None else ""

    def choose(self, category: str) -> None:
        """Select the entry of ``category`` ("" for all)."""
        for row in range(self.count()):
            if self.item(row).data(CATEGORY_ROLE) == category:
                self.setCurrentRow(row)
                return

    def show_counts(self, counts: dict[str, int]) -> None:
        """Put each entry's number of downloads beside its name."""
        counts = {**counts, "": sum(counts.values())}
        if counts == self._counts:
            return
        self._counts = counts
        for row in range(self.count()):
            item = self.item(row)
            category = str(item.data(CATEGORY_ROLE))
            item.setText(f"{category_label(category)}  ({counts.get(category, 0):,})")

    def _on_current(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.chosen.emit(str(current.data(CATEGORY_ROLE)))

    # ------------------------------------------------------------ drops from the table

    def _target(self, event: QDragMoveEvent | QDropEvent) -> str | None:
        """The category under the pointer, when rows from the table are dragged."""
        if not event.mimeData().hasFormat(ROWS_MIME):
            return None
        item = self.itemAt(event.position().toPoint())
        category = "" if item is None else str(item.data(CATEGORY_ROLE))
        return category or None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(ROWS_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._target(event) is None:
            event.ignore()
        else:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        category = self._target(event)
        if category is None:
            event.ignore()
            return
        ids = parse_ids(bytes(event.mimeData().data(ROWS_MIME).data()))
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        if ids:
            self.dropped.emit(ids, category)
