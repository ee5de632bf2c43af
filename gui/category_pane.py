"""The window's categories: the sidebar dock that filters the table, and the
"Move to category" menu (also reached by dragging rows onto the sidebar),
which asks the worker to move the downloads and their files."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from engine.categories import Category
from engine.protocol import SetCategory
from gui.category_sidebar import CategorySidebar, category_label
from gui.engine_client import EngineClient
from gui.formatting import with_args
from gui.model import DownloadTableModel
from gui.proxy import DownloadFilterProxy

log = logging.getLogger(__name__)


class CategoryPane(QObject):
    """``selected_ids``: the downloads a menu choice applies to; ``say``:
    a short message for the status bar."""

    def __init__(self, window: QMainWindow, client: EngineClient, model: DownloadTableModel,
                 proxy: DownloadFilterProxy, *, selected_ids: Callable[[], list[int]],
                 say: Callable[[str], None]) -> None:
        super().__init__(window)
        self._client = client
        self._model = model
        self._proxy = proxy
        self._selected_ids = selected_ids
        self._say = say
        self.sidebar = CategorySidebar(window)
        self.dock = QDockWidget(self.tr("Categories"), window)
        self.dock.setObjectName("categories-dock")
        self.dock.setWidget(self.sidebar)
        self.dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea
                                  | Qt.DockWidgetArea.RightDockWidgetArea)
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                              | QDockWidget.DockWidgetFeature.DockWidgetMovable)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.move_menu = QMenu(self.tr("Move to &category"), window)
        self.move_menu.setToolTip(self.tr("Move the selected downloads, and their files, "
                                          "into a category's folder"))
        for category in Category:
            action = self.move_menu.addAction(category_label(category))
            action.triggered.connect(lambda _checked=False, c=category: self.move_selected(c))
        self.sidebar.chosen.connect(proxy.set_category)
        self.sidebar.dropped.connect(self.move)

    def refresh(self) -> None:
        """The counts beside each category, from the model's running counts."""
        self.sidebar.show_counts(self._model.category_counts())
        self.move_menu.setEnabled(bool(self._selected_ids()))

    def show_all(self) -> None:
        """Stop filtering by category."""
        self.sidebar.choose("")

    def move_selected(self, category: str) -> None:
        self.move(self._selected_ids(), category)

    def move(self, ids: list[int], category: str) -> None:
        """Ask the worker to move downloads ``ids`` (and their files) to ``category``."""
        ids = [i for i in ids if self._model.find(i) is not None]
        if not ids:
            return
        self._client.send(SetCategory(tuple(ids), category))
        count = len(ids)
        text = (self.tr("Moving %n download to %1…", "", count) if count == 1
                else self.tr("Moving %n downloads to %1…", "", count))
        self._say(with_args(text, category_label(category)))
        log.info("moving %d download(s) to %s", len(ids), category)
