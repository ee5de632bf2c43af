"""The table view: compact rows, whole-row selection, a hint when empty, and
rows dragged into another place in the queue."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAccessible,
    QDrag,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from gui.delegate import ProgressDelegate
from gui.model import ID_ROLE, Column

log = logging.getLogger(__name__)

ROWS_MIME = "application/x-greenget-download-ids"  # rows dragged within the table

DEFAULT_WIDTHS: dict[Column, int] = {
    Column.NAME: 340,
    Column.SIZE: 90,
    Column.PROGRESS: 170,
    Column.SPEED: 95,
    Column.ETA: 95,
    Column.ADDED: 140,
    Column.QUEUE: 44,
}


class NameDelegate(QStyledItemDelegate):
    """File names elide in the middle, so the extension stays in sight."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class DownloadView(QTableView):
    """A ``QTableView`` set up for the queue; paints ``placeholder`` (centred,
    in the palette's placeholder colour) while it shows no rows.  While
    :meth:`set_reorderable`, the selected rows can be dragged to another
    place: ``rowsDropped`` (their ids, and the shown row they go before).
    They can always be dragged out (onto a category in the sidebar)."""

    rowsDropped = Signal(list, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = ""
        self._drop_line: int | None = None  # where dragged rows would land (viewport y)
        self._reorderable = False
        self.setDragEnabled(True)  # rows go onto the sidebar's categories
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table, as in a list elsewhere
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegateForColumn(Column.NAME, NameDelegate(self))
        self.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(self))
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSortIndicatorShown(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)  # columns

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:
            # The header styles each section by whether its whole column is
            # selected, which Qt answers by asking every row: 10,000 rows
            # selected made each header repaint take 0.4 s.  It gets a
            # selection of its own (rows are selected, never columns).
            self.horizontalHeader().setSelectionModel(QItemSelectionModel(model, self))

    def apply_default_columns(self) -> None:
        """Column widths for a first run (later runs restore the person's)."""
        header = self.horizontalHeader()
        header.setSectionResizeMode(Column.STATE, QHeaderView.ResizeMode.Stretch)  # errors are long
        for column, width in DEFAULT_WIDTHS.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(column, width)
        header.moveSection(header.visualIndex(Column.QUEUE), 0)  # "#" first, as in IDM
        self.sortByColumn(Column.ADDED, Qt.SortOrder.AscendingOrder)

    # ------------------------------------------------------------ dragging rows

    def set_reorderable(self, on: bool) -> None:
        """Let the rows be dragged into another order (the table shows the
        queue's order), or not."""
        self._reorderable = on
        self.viewport().setAcceptDrops(on)

    @property
    def reorderable(self) -> bool:
        """Whether rows dropped on the table move in the queue."""
        return self._reorderable

    def selected_ids_mime(self) -> QMimeData:
        """The selected downloads, as a drag carries them."""
        ids = [index.data(ID_ROLE) for index in self.selectionModel().selectedRows()]
        mime = QMimeData()
        mime.setData(ROWS_MIME, QByteArray(",".join(map(str, ids)).encode()))
        return mime

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        drag = QDrag(self)
        drag.setMimeData(self.selected_ids_mime())
        drag.exec(Qt.DropAction.MoveAction)
        self._set_drop_line(None)

    def _ours(self, event: QDragMoveEvent | QDropEvent) -> bool:
        return self._reorderable and event.mimeData().hasFormat(ROWS_MIME)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._ours(event):
            event.acceptProposedAction()
        else:
            event.ignore()  # links dropped from elsewhere: the window's

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not self._ours(event):
            event.ignore()
            return
        event.acceptProposedAction()
        before = self._row_before(event.position().toPoint())
        if before < self.model().rowCount():
            self._set_drop_line(self.rowViewportPosition(before))
        else:
            last = before - 1
            self._set_drop_line(self.rowViewportPosition(last) + self.rowHeight(last)
                                if last >= 0 else 0)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drop_line(None)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drop_line(None)
        if not self._ours(event):
            event.ignore()
            return
        text = bytes(event.mimeData().data(ROWS_MIME).data()).decode()
        ids = [int(part) for part in text.split(",") if part.isdigit()]
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        if ids:
            self.rowsDropped.emit(ids, self._row_before(event.position().toPoint()))

    def _row_before(self, point: QPoint) -> int:
        """The shown row that rows dropped at ``point`` go before."""
        row = self.rowAt(point.y())
        if row < 0:
            return self.model().rowCount() if point.y() > 0 else 0
        middle = self.rowViewportPosition(row) + self.rowHeight(row) // 2
        return row if point.y() < middle else row + 1

    def _set_drop_line(self, y: int | None) -> None:
        if y != self._drop_line:
            self._drop_line = y
            self.viewport().update()

    def dataChanged(
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        """Repaint only the changed cells that are visible.  Qt repaints the
        whole viewport when a changed range reaches past it, which is every
        progress tick of a busy queue; its bookkeeping (editors, accessibility)
        matters only when editors or assistive tools are in use."""
        if top_left == bottom_right or QAccessible.isActive():
            super().dataChanged(top_left, bottom_right, list(roles))
            return
        viewport = self.viewport().rect()
        top = self.rowViewportPosition(top_left.row())
        bottom_row = bottom_right.row()
        bottom = self.rowViewportPosition(bottom_row) + self.rowHeight(bottom_row)
        region = QRect()
        for column in range(top_left.column(), bottom_right.column() + 1):
            if not self.isColumnHidden(column):
                left = self.columnViewportPosition(column)
                region |= QRect(left, top, self.columnWidth(column), bottom - top)
        region &= viewport
        if not region.isEmpty():
            self.viewport().update(region)

    def set_placeholder(self, text: str) -> None:
        if text != self._placeholder:
            self._placeholder = text
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._drop_line is not None:
            painter = QPainter(self.viewport())
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
            painter.drawLine(0, self._drop_line, self.viewport().width(), self._drop_line)
            painter.end()
        model = self.model()
        if not self._placeholder or model is None or model.rowCount() > 0:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        painter.setFont(font)
        painter.drawText(
            self.viewport().rect().adjusted(24, 24, -24, -24),
            Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
            self._placeholder,
        )
        painter.end()
