"""The queue's order and the file's name, from the window: move up / down /
to the top / to the bottom (and drag, when the table is sorted by "#"),
start now, rename, delete the file.  The worker decides and answers: a move
comes back as new ``position`` values, a refused name as an ``error``."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from engine.filenames import name_problem
from engine.protocol import ErrorCode, Move, Remove, Rename, StartNow, State
from gui.actions import Actions
from gui.engine_client import EngineClient
from gui.errors import error_text
from gui.formatting import with_args
from gui.model import WAITING, Column, DownloadTableModel, Row
from gui.proxy import DownloadFilterProxy
from gui.selection import SelectionTracker
from gui.view import DownloadView

log = logging.getLogger(__name__)


class QueueCommands(QObject):
    """Moves, start now, rename and delete file for the selected rows."""

    def __init__(self, window: QWidget, client: EngineClient, model: DownloadTableModel,
                 proxy: DownloadFilterProxy, view: DownloadView,
                 selection: SelectionTracker, *, warn: Callable[[str], None]) -> None:
        super().__init__(window)
        self._window = window
        self._client = client
        self._model = model
        self._proxy = proxy
        self._view = view
        self._selection = selection
        self._warn = warn
        self._follow = False  # keep the current row in sight once the rows moved
        view.rowsDropped.connect(self.drop)
        view.horizontalHeader().sortIndicatorChanged.connect(self._sorted)
        model.queueChanged.connect(view.viewport().update)
        proxy.layoutChanged.connect(self._moved)

    def connect_actions(self, a: Actions) -> None:
        a.move_up.triggered.connect(lambda: self.move(-1, "POS_CUR"))
        a.move_down.triggered.connect(lambda: self.move(1, "POS_CUR"))
        a.move_top.triggered.connect(lambda: self.move(0, "POS_SET"))
        a.move_bottom.triggered.connect(lambda: self.move(0, "POS_END"))
        a.start_now.triggered.connect(self.start_now)
        a.rename.triggered.connect(self.rename)
        a.delete_file.triggered.connect(self.delete_files)

    # ------------------------------------------------------------ the order

    def _waiting_ids(self) -> tuple[int, ...]:
        return tuple(r.info.id for r in self._selection.rows() if r.info.state in WAITING)

    def move(self, offset: int, how: str) -> None:
        """Move the selected waiting downloads (aria2's changePosition), and
        show the table in the queue's order so they are seen moving."""
        ids = self._waiting_ids()
        if not ids:
            return
        header = self._view.horizontalHeader()
        if header.sortIndicatorSection() != Column.QUEUE:
            self._view.sortByColumn(Column.QUEUE, Qt.SortOrder.AscendingOrder)
        self._follow = True
        self._client.send(Move(ids=ids, offset=offset, how=how))

    def drop(self, ids: Sequence[int], before: int) -> None:
        """Rows ``ids`` were dropped before shown row ``before`` (the table is
        sorted by "#"): they go before the first waiting download from there
        on that is not one of them, or to the end."""
        moving = set(ids) & self._model.ranks().keys()
        if not moving:
            return
        rest = [i for i in self._model.waiting_order() if i not in moving]
        place = {download_id: n for n, download_id in enumerate(rest)}
        target = next((place[self._proxy.row_at(r).info.id]
                       for r in range(max(before, 0), self._proxy.rowCount())
                       if self._proxy.row_at(r).info.id in place), None)
        ordered = tuple(i for i in self._model.waiting_order() if i in moving)
        self._follow = True
        if target is None:
            self._client.send(Move(ids=ordered, offset=0, how="POS_END"))
        else:
            self._client.send(Move(ids=ordered, offset=target, how="POS_SET"))

    def _sorted(self, column: int, order: Qt.SortOrder) -> None:
        """Rows can be dragged into another order while they are shown in it."""
        self._view.set_reorderable(column == Column.QUEUE
                                   and order == Qt.SortOrder.AscendingOrder)

    def _moved(self) -> None:
        if self._follow:
            self._follow = False
            current = self._view.currentIndex()
            if current.isValid():
                self._view.scrollTo(current)

    # ------------------------------------------------------------ start, rename, delete

    def start_now(self) -> None:
        startable = WAITING | {State.FAILED}
        ids = tuple(r.info.id for r in self._selection.rows() if r.info.state in startable)
        if ids:
            self._client.send(StartNow(ids=ids))

    def rename(self) -> None:
        rows = self._selection.rows()
        if len(rows) != 1:
            return
        row = rows[0]
        name = self.ask_new_name(row)
        if name is None or name == row.name:
            return
        problem = name_problem(name)
        if problem:  # the worker would refuse it: say so now, in the person's language
            log.info("rename refused: %s", problem)
            self._warn(error_text(ErrorCode.BAD_NAME, problem))
            return
        self._client.send(Rename(row.info.id, name))

    def ask_new_name(self, row: Row) -> str | None:
        """The new file name for ``row``, ``None`` if the person cancelled."""
        text, ok = QInputDialog.getText(
            self._window, self.tr("Rename"),
            with_args(self.tr("New name for “%1”:"), row.name),
            QLineEdit.EchoMode.Normal, row.name)
        return text if ok else None

    def delete_files(self) -> None:
        rows = self._selection.rows()
        if rows and self.confirm_delete(len(rows)):
            self._client.send(Remove(ids=tuple(r.info.id for r in rows), delete_files=True))

    def confirm_delete(self, count: int) -> bool:
        """Ask before deleting ``count`` downloads' files from the disk."""
        text = (self.tr("Remove %n download from the list and delete its file from the disk?",
                        "", count) if count == 1 else
                self.tr("Remove %n downloads from the list and delete their files from the disk?",
                        "", count))
        answer = QMessageBox.question(
            self._window, self.tr("Delete files"), text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes
