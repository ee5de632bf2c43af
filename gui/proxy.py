"""Sorting and filtering of the download table (by text, state and category).

Qt's ``QSortFilterProxyModel`` calls back into Python for every comparison
and every row it filters: 0.5 to 1 s for a header click over 10,000 rows.  This
proxy keeps the shown rows in a list and computes it in
Python in one pass (``list.sort`` with a key per column, a case-folded text
prepared once per row), then tells the view what moved: a layout change for a
new order, row removals and insertions for a new filter.  It holds the
model's :class:`Row` objects (which the model updates in place), so painting
a cell costs one Python call, as it does on the model itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractProxyModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)

from gui.model import (
    COLUMN_COUNT,
    LIVE_COLUMNS,
    ROW_FLAGS,
    SORT_KEYS,
    Column,
    DownloadTableModel,
    Row,
)
from gui.states import StateFilter

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
RESORT_MS = 1000  # rows whose values moved out of order are put back at most this often


def _runs(positions: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted ``(first, last)`` runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for position in sorted(positions):
        if runs and runs[-1][1] == position - 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position, position))
    return runs


class DownloadFilterProxy(QAbstractProxyModel):
    """Shows the rows whose name or URL contains the filter text and whose
    state passes the state filter, sorted on a column's natural value."""

    def __init__(self, source: DownloadTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self._source = source
        self._text = ""
        self._state = StateFilter.ALL
        self._category = ""  # every category
        self._column = -1  # -1: the order the worker added them
        self._descending = False
        self._rows: list[Row] = []  # what each shown row shows
        self._pos: dict[int, int] = {}  # download id → shown row
        self._update_timer = QTimer(self, singleShot=True, interval=RESORT_MS)
        self._update_timer.timeout.connect(self._update)
        self.setSourceModel(source)
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self._on_source_reset)
        source.rowsInserted.connect(self._on_rows_inserted)
        source.rowsAboutToBeRemoved.connect(self._on_rows_about_to_be_removed)
        source.dataChanged.connect(self._on_data_changed)
        source.queueChanged.connect(self._on_queue_changed)
        self._rows = self._wanted()
        self._reindex()

    # ------------------------------------------------------------ settings

    def set_filter(self, text: str, state: StateFilter) -> None:
        """Show the rows whose name or URL holds ``text`` and whose state
        ``state`` accepts."""
        self._text = text.strip().casefold()
        self._state = state
        self._update()

    def set_text(self, text: str) -> None:
        self.set_filter(text, self._state)

    def set_state_filter(self, state: StateFilter) -> None:
        self.set_filter(self._text, state)

    def set_category(self, category: str) -> None:
        """Show only the rows of ``category`` (an ``engine.categories.Category``
        value; empty: every category)."""
        self._category = category
        self._update()

    @property
    def category(self) -> str:
        return self._category

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._column = column if column in SORT_KEYS else -1
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._update()

    def accepts(self, row: Row) -> bool:
        return (self._state.accepts(row.info.state)
                and (not self._text or row.matches(self._text))
                and (not self._category or row.category == self._category))

    # ------------------------------------------------------------ the model

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        if 0 <= row < len(self._rows) and 0 <= column < COLUMN_COUNT and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def parent(self, child: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and bool(self._rows)

    def sibling(self, row: int, column: int, index: Index) -> QModelIndex:
        return self.index(row, column)

    def mapToSource(self, proxy: Index) -> QModelIndex:
        if not proxy.isValid() or proxy.row() >= len(self._rows):
            return QModelIndex()
        position = self._source.row_position(self._rows[proxy.row()].info.id)
        return self._source.index(position, proxy.column()) if position >= 0 else QModelIndex()

    def mapFromSource(self, source: Index) -> QModelIndex:
        if not source.isValid():
            return QModelIndex()
        row = self._pos.get(self._source.row_at(source.row()).info.id)
        return QModelIndex() if row is None else self.createIndex(row, source.column())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # One Python call per cell and role, as the source's own (painting calls it often).
        if not index.isValid():
            return None
        return self._source.cell(self._rows[index.row()], index.column(), role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return self._source.headerData(section, orientation, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        # Every row alike; Qt asks for every cell of a selection (70,000 on Ctrl+A).
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def row_at(self, row: int) -> Row:
        """The download on shown row ``row``."""
        return self._rows[row]

    def position(self, download_id: int) -> int:
        """The shown row of ``download_id``, -1 if it is filtered out."""
        return self._pos.get(download_id, -1)

    # ------------------------------------------------------------ following the source

    def _on_source_reset(self) -> None:
        self._rows = self._wanted()
        self._reindex()
        self.endResetModel()

    def _on_rows_inserted(self, parent: Index, first: int, last: int) -> None:
        rows = [self._source.row_at(r) for r in range(first, last + 1)]
        fresh = [row for row in rows if self.accepts(row)]
        if not fresh:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
        self._rows.extend(fresh)
        self._pos.update((row.info.id, start + n) for n, row in enumerate(fresh))
        self.endInsertRows()
        if self._column != Column.ADDED or self._descending:
            self._update_timer.start()  # appended; sorted into place soon

    def _on_rows_about_to_be_removed(self, parent: Index, first: int, last: int) -> None:
        ids = (self._source.row_at(r).info.id for r in range(first, last + 1))
        self._remove_shown([self._pos[i] for i in ids if i in self._pos])

    def _on_data_changed(self, top_left: Index, bottom_right: Index, roles: Any = ()) -> None:
        shown: list[int] = []
        misplaced = False
        columns = range(top_left.column(), bottom_right.column() + 1)
        watch = (self._column in columns) or (
            Column.NAME in columns and bool(self._text or self._category)) or (
            Column.STATE in columns and self._state is not StateFilter.ALL)
        for source_row in range(top_left.row(), bottom_right.row() + 1):
            row = self._source.row_at(source_row)
            position = self._pos.get(row.info.id)
            if position is None:
                misplaced = misplaced or (watch and self.accepts(row))
                continue
            shown.append(position)
            if watch and not misplaced:
                misplaced = not self.accepts(row) or self._out_of_order(position)
        for top, bottom in _runs(shown):
            self.dataChanged.emit(self.index(top, top_left.column()),
                                  self.index(bottom, bottom_right.column()), roles)
        if misplaced and not self._update_timer.isActive():
            # A live column re-sorts at most once a RESORT_MS; a rename or a
            # state change that leaves the filter goes at once.
            self._update_timer.start(RESORT_MS if self._column in LIVE_COLUMNS else 0)

    def _on_queue_changed(self) -> None:
        if self._column == Column.QUEUE and not self._update_timer.isActive():
            self._update_timer.start(0)

    def _out_of_order(self, position: int) -> bool:
        if self._column < 0:
            return False
        key = SORT_KEYS[self._column]
        rows = self._rows
        here = key(rows[position])
        before = key(rows[position - 1]) if position > 0 else None
        after = key(rows[position + 1]) if position + 1 < len(rows) else None
        if self._descending:
            before, after = after, before
        return (before is not None and before > here) or (after is not None and here > after)

    # ------------------------------------------------------------ working out the rows

    def _wanted(self) -> list[Row]:
        """The rows to show, in order."""
        source = self._source
        rows = [source.row_at(r) for r in range(source.rowCount())]
        if self._text or self._category or self._state is not StateFilter.ALL:
            rows = [row for row in rows if self.accepts(row)]
        if self._column >= 0:
            rows.sort(key=SORT_KEYS[self._column], reverse=self._descending)
        return rows

    def _update(self) -> None:
        """Bring the shown rows in line with the filter and the order: the
        rows that stay are reordered in one layout change (the selection
        follows them), the others leave and arrive as row removals and
        insertions."""
        self._update_timer.stop()
        wanted = self._wanted()
        if len(wanted) == len(self._rows) and all(
                a is b for a, b in zip(wanted, self._rows, strict=True)):
            return
        keep = {id(row) for row in wanted}
        shown = {id(row) for row in self._rows}
        staying = [row for row in wanted if id(row) in shown]
        leaving = [row for row in self._rows if id(row) not in keep]
        if any(a is not b for a, b in zip(staying, (r for r in self._rows if id(r) in keep),
                                            strict=True)):
            self._reorder(staying + leaving)
        self._remove_shown([self._pos[row.info.id] for row in leaving])
        self._insert_missing(wanted)

    def _reorder(self, rows: list[Row]) -> None:
        """Show the same rows in the order ``rows``; the selection and the
        current row follow them."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        moved = [self._rows[index.row()].info.id for index in before]
        self._rows = rows
        self._reindex()
        self.changePersistentIndexList(before, [
            self.createIndex(self._pos[i], index.column())
            for i, index in zip(moved, before, strict=True)
        ])
        self.layoutChanged.emit()

    def _remove_shown(self, positions: list[int]) -> None:
        for first, last in reversed(_runs(positions)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()
        if positions:
            self._reindex()

    def _insert_missing(self, wanted: list[Row]) -> None:
        """Insert the rows of ``wanted`` not shown yet, run by run, where they
        go (the rows shown already are in ``wanted``'s order)."""
        present = {id(row) for row in self._rows}
        if len(present) == len(wanted):
            return
        position = 0
        while position < len(wanted):
            if id(wanted[position]) in present:
                position += 1
                continue
            end = position
            while end < len(wanted) and id(wanted[end]) not in present:
                end += 1
            self.beginInsertRows(QModelIndex(), position, end - 1)
            self._rows[position:position] = wanted[position:end]
            self.endInsertRows()
            position = end
        self._reindex()

    def _reindex(self) -> None:
        self._pos = {row.info.id: position for position, row in enumerate(self._rows)}

