"""What is selected, counted per state as the selection and the rows change.

The toolbar asks "is any selected download paused?" five times a second; with
10,000 rows selected, walking the selection took 200 to 270 ms each time.  Here
the selection is followed through ``selectionChanged`` (a range is walked once,
when it is selected or deselected) and through the model's changes of state.
"""

from __future__ import annotations

import collections
import logging
from dataclasses import dataclass

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QObject

from engine.protocol import State
from gui.model import Column, DownloadTableModel, Row
from gui.proxy import DownloadFilterProxy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Selected:
    """How many downloads are selected, and how many of them in each state."""

    total: int
    counts: dict[State, int]

    def count(self, *states: State) -> int:
        return sum(self.counts.get(s, 0) for s in states)

    def has(self, *states: State) -> bool:
        return self.count(*states) > 0


def rows_in(selection: QItemSelection, proxy: DownloadFilterProxy) -> list[Row]:
    """The rows of ``selection`` (each once), in the order shown."""
    rows: dict[int, Row] = {}
    for selected in (selection.at(i) for i in range(selection.size())):
        for position in range(selected.top(), selected.bottom() + 1):
            row = proxy.row_at(position)
            rows[row.info.id] = row
    return list(rows.values())


class SelectionTracker(QObject):
    """The selected downloads' ids and states, kept up to date incrementally."""

    def __init__(self, selection: QItemSelectionModel, proxy: DownloadFilterProxy,
                 model: DownloadTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._selection = selection
        self._proxy = proxy
        self._model = model
        self._states: dict[int, State] = {}  # selected id → its state
        self._counts: collections.Counter[State] = collections.Counter()
        selection.selectionChanged.connect(self._on_selection)
        proxy.modelReset.connect(self._clear)
        proxy.rowsAboutToBeRemoved.connect(self._on_rows_leaving)
        model.dataChanged.connect(self._on_data_changed)

    def selected(self) -> Selected:
        return Selected(len(self._states), dict(self._counts))

    def first_id(self) -> int | None:
        """The first selected download in the order shown, if any."""
        selection = self._selection.selection()
        tops = [selection.at(i).top() for i in range(selection.size())]
        return self._proxy.row_at(min(tops)).info.id if tops else None

    def rows(self) -> list[Row]:
        return rows_in(self._selection.selection(), self._proxy)

    def _on_selection(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        for row in rows_in(deselected, self._proxy):
            state = self._states.pop(row.info.id, None)
            if state is not None:
                self._counts[state] -= 1
        for row in rows_in(selected, self._proxy):
            if row.info.id not in self._states:
                self._states[row.info.id] = row.info.state
                self._counts[row.info.state] += 1

    def _on_rows_leaving(self, _parent: QModelIndex, first: int, last: int) -> None:
        for position in range(first, last + 1):
            state = self._states.pop(self._proxy.row_at(position).info.id, None)
            if state is not None:
                self._counts[state] -= 1

    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex,
                         _roles: object = ()) -> None:
        if not self._states or top_left.column() > Column.STATE or (
                bottom_right.column() < Column.STATE):
            return
        for position in range(top_left.row(), bottom_right.row() + 1):
            row = self._model.row_at(position)
            was = self._states.get(row.info.id)
            if was is not None and was is not row.info.state:
                self._states[row.info.id] = row.info.state
                self._counts[was] -= 1
                self._counts[row.info.state] += 1

    def _clear(self) -> None:
        self._states.clear()
        self._counts.clear()
