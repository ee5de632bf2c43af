"""Sorting and filtering of the download table (by text and by state)."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from gui.model import SORT_ROLE, DownloadTableModel
from gui.states import StateFilter

log = logging.getLogger(__name__)


class DownloadFilterProxy(QSortFilterProxyModel):
    """Shows the rows whose name or URL contains the filter text and whose
    state passes the state filter; sorts on each column's natural value."""

    def __init__(self, source: DownloadTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self._source = source
        self._text = ""
        self._state = StateFilter.ALL
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_state_filter(self, state: StateFilter) -> None:
        self.beginFilterChange()
        self._state = state
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        row = self._source.row_at(source_row)
        if not self._state.accepts(row.info.state):
            return False
        if not self._text:
            return True
        return self._text in row.name.casefold() or self._text in row.info.url.casefold()
