"""The queue window: toolbar, filter, the download table, banners, status bar."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QItemSelection, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QHideEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from engine.protocol import (
    ACTIVE_STATES,
    PROTOCOL_VERSION,
    Add,
    DownloadOptions,
    Error,
    GetMedia,
    Media,
    Resume,
    Retry,
    State,
)
from gui.actions import Actions, create_actions, update_enabled
from gui.announcer import Announcer
from gui.banner import Banner, BannerKind
from gui.category_pane import CategoryPane
from gui.clipboard_watch import ClipboardWatcher
from gui.commands import RowCommands
from gui.details import DetailsPane
from gui.engine_client import EngineClient, WorkerState
from gui.engine_settings import EngineSettings
from gui.errors import error_text
from gui.formatting import format_speed, with_args
from gui.icons import app_icon
from gui.memory import MemoryKeeper
from gui.model import Column, DownloadTableModel, Row
from gui.notifications import Finished, Notifier
from gui.paste import LinkScanner
from gui.prompts import Duplicates, ask_about_duplicates, confirm_quit
from gui.proxy import DownloadFilterProxy
from gui.queue_commands import QueueCommands
from gui.selection import SelectionTracker
from gui.settings import Settings
from gui.speed_graph import SpeedHistory
from gui.state_history import StateHistory
from gui.states import StateFilter
from gui.tray import Tray
from gui.urls import find_urls, mask_credentials
from gui.view import DownloadView
from gui.worker_status import WorkerStatus

if TYPE_CHECKING:  # the dialogs are imported when first opened: memory for the rows
    from gui.add_dialog import AddDialog
    from gui.settings_dialog import SettingsDialog

log = logging.getLogger(__name__)

ADD_BATCH = 500  # URLs per ``add`` command: 10,000 pasted URLs stay well under a line's limit
REFRESH_MS = 200  # status bar and action states follow the table at most this often
EMPTY_HINT = QT_TRANSLATE_NOOP(
    "MainWindow", "No downloads yet.\n\nPaste links with Ctrl+V, drop them here, or click Add."
)
NO_MATCH_HINT = QT_TRANSLATE_NOOP("MainWindow", "No downloads match the filter.")


class MainWindow(QMainWindow):
    """Renders the worker's state and sends it the person's commands; it does
    no network or disk work for the downloads itself.  ``closed`` is emitted
    once the window has closed and the worker is gone."""

    closed = Signal()

    def __init__(
        self,
        client: EngineClient,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        tray_available: bool | None = None,
    ) -> None:
        """``tray_available``: whether to use a system tray (``None``: if the
        desktop has one)."""
        super().__init__(parent)
        self._client = client
        self._settings = settings
        self._closing = False
        self._quitting = False
        self._told_about_tray = False
        self._offered: list[str] = []
        self.column_menu: QMenu | None = None
        self._errors: list[str] = []  # the requests refused since the banner showed
        self._details: list[str] = []  # the same, with the worker's particulars
        self.add_dialog: AddDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.engine_settings = EngineSettings(client, settings, self)
        self.setWindowTitle("Greenget")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.resize(1100, 640)

        self.model = DownloadTableModel(self)
        self.memory = MemoryKeeper(self.model, self)
        self.proxy = DownloadFilterProxy(self.model, self)
        self.view = DownloadView(self)
        self.view.setModel(self.proxy)
        self.selection = SelectionTracker(self.view.selectionModel(), self.proxy, self.model, self)
        self.acts: Actions = create_actions(self)
        self.history = SpeedHistory(self)
        self.states = StateHistory(self)
        self.details = DetailsPane(self.model, client, self.history, self.states, self)
        self.details_dock = QDockWidget(self.tr("Details"), self)
        self.worker_banner = Banner(self)
        self.notice_banner = Banner(self)
        self.clipboard_banner = Banner(self)
        self.tray = Tray(
            self, [self.acts.resume_all, self.acts.pause_all], self.acts.quit,
            available=tray_available,
        )
        self.notifier = Notifier(self)
        self.announcer = Announcer(
            settings, self.tray, say=lambda text: self.statusBar().showMessage(text, 10_000),
            alert=lambda: QApplication.alert(self), parent=self,
        )
        self.link_scanner = LinkScanner(self)
        self.link_scanner.found.connect(self._queue_pasted)
        self.clipboard_watcher = ClipboardWatcher(QGuiApplication.clipboard(), self)
        self.clipboard_watcher.enabled = settings.watch_clipboard
        self.filter_box = QLineEdit(self)
        self.state_box = QComboBox(self)
        self._counts = QLabel(self)
        self._speed = QLabel(self)
        self._engine = QLabel(self)

        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)

        self.worker_status = WorkerStatus(client, self._engine, self.worker_banner, self)
        self.commands = RowCommands(
            self, client, self.model, self.proxy, self.view, self.selection,
            self.clipboard_watcher,
            focused_id=self._focused_id,
            show_details=self.show_details,
            add_again=lambda urls: self._send_add(
                urls, self._settings.download_dir, self._default_options()),
            say=lambda text: self.statusBar().showMessage(text, 4000),
            warn=lambda text: self.notice_banner.show_message(
                text, BannerKind.WARNING, hide_after=15),
        )
        self.queue = QueueCommands(
            self, client, self.model, self.proxy, self.view, self.selection,
            warn=lambda text: self.notice_banner.show_message(
                text, BannerKind.WARNING, hide_after=15),
        )
        self.categories = CategoryPane(
            self, client, self.model, self.proxy,
            selected_ids=lambda: [row.info.id for row in self.selected_rows()],
            say=lambda text: self.statusBar().showMessage(text, 4000))
        self._build_layout()
        self._build_menus()
        self._connect()
        self._restore_state()
        self.refresh()

    # ------------------------------------------------------------ building

    def _build_layout(self) -> None:
        toolbar = QToolBar(self.tr("Main toolbar"), self)
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        a = self.acts
        for group in (
            (a.add, a.paste),
            (a.resume, a.pause, a.retry, a.remove),
            (a.resume_all, a.pause_all),
            (a.open_folder,),
        ):
            toolbar.addActions(list(group))
            toolbar.addSeparator()
        spacer = QWidget(toolbar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.filter_box.setPlaceholderText(self.tr("Filter by name or URL  (Ctrl+F)"))
        self.filter_box.setAccessibleName(self.tr("Filter"))
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setMinimumWidth(220)
        toolbar.addWidget(self.filter_box)
        for choice in StateFilter:
            self.state_box.addItem(choice.label, choice)
        self.state_box.setToolTip(self.tr("Show downloads in this state"))
        self.state_box.setAccessibleName(self.tr("State filter"))
        toolbar.addWidget(self.state_box)
        self.addToolBar(toolbar)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.worker_banner)
        layout.addWidget(self.notice_banner)
        layout.addWidget(self.clipboard_banner)
        layout.addWidget(self.view, 1)
        self.setCentralWidget(central)

        dock = self.details_dock
        dock.setObjectName("details-dock")
        dock.setWidget(self.details)
        dock.setAllowedAreas(
            Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.resizeDocks([dock], [260], Qt.Orientation.Vertical)

        status = self.statusBar()
        status.addWidget(self._counts, 1)
        status.addPermanentWidget(self._engine)
        status.addPermanentWidget(self._speed)

        # Shortcuts work anywhere in the window, Return and Space in the table only.
        table_only = (a.activate, a.pause_or_resume, a.move_up, a.move_down, a.move_top,
                      a.move_bottom, a.rename)
        self.addActions([act for act in a.all() if act not in table_only])
        self.view.addActions(list(table_only))
        focus_filter = QAction(self)
        focus_filter.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        focus_filter.triggered.connect(lambda: self.filter_box.setFocus())
        self.addAction(focus_filter)

    def _build_menus(self) -> None:
        a = self.acts
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addActions([a.add, a.paste])
        file_menu.addSeparator()
        import_list = file_menu.addAction(self.tr("&Import list…"))
        import_list.triggered.connect(self.import_list)
        export_list = file_menu.addAction(self.tr("&Export list…"))
        export_list.setToolTip(self.tr("Export the selected downloads, or all of them"))
        export_list.triggered.connect(self.export_list)
        file_menu.addSeparator()
        file_menu.addAction(a.settings)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        downloads = bar.addMenu(self.tr("&Downloads"))
        downloads.addActions([a.resume, a.pause, a.retry, a.start_now, a.redownload, a.remove,
                              a.delete_file])
        downloads.addSeparator()
        downloads.addActions([a.move_up, a.move_down, a.move_top, a.move_bottom])
        downloads.addSeparator()
        downloads.addActions([a.resume_all, a.pause_all, a.remove_completed])
        downloads.addSeparator()
        downloads.addActions([a.rename, a.refresh_link, a.limit_speed])
        downloads.addMenu(self.categories.move_menu)
        downloads.addSeparator()
        downloads.addActions([a.open_file, a.open_folder, a.copy_url, a.copy_path])
        downloads.addSeparator()
        downloads.addAction(a.properties)
        view_menu = bar.addMenu(self.tr("&View"))
        show_details = self.details_dock.toggleViewAction()
        show_details.setText(self.tr("&Details"))
        show_details.setShortcut(QKeySequence("Ctrl+I"))
        show_details.setStatusTip(self.tr("Show or hide the details of the selected download"))
        view_menu.addAction(show_details)
        show_categories = self.categories.dock.toggleViewAction()
        show_categories.setText(self.tr("&Categories"))
        view_menu.addAction(show_categories)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("&About Greenget"), self._about)

    def _connect(self) -> None:
        c = self._client
        c.snapshotReceived.connect(self.model.load_snapshot)
        c.snapshotReceived.connect(self.states.load)
        c.downloadsAdded.connect(self.model.add_downloads)
        c.downloadsAdded.connect(self.states.add_downloads)
        c.downloadChanged.connect(self.model.apply_changes)
        c.downloadChanged.connect(self.states.apply_changes)
        c.progressReceived.connect(self.model.apply_progress)
        c.progressReceived.connect(self.history.record)
        c.downloadsRemoved.connect(self.model.remove_downloads)
        c.downloadsMoved.connect(self.model.apply_places)
        c.downloadsRemoved.connect(self.history.forget)
        c.downloadsRemoved.connect(self.states.forget)
        c.errorReported.connect(self._on_error)
        c.mediaReceived.connect(self._on_media)

        for signal in (
            self.model.dataChanged,
            self.model.rowsInserted,
            self.model.rowsRemoved,
            self.model.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._schedule_refresh)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.doubleClicked.connect(lambda _index: self.commands.activate())
        self.view.horizontalHeader().customContextMenuRequested.connect(self._column_menu)
        self.filter_box.textChanged.connect(self._on_filter)
        self.state_box.currentIndexChanged.connect(self._on_filter)

        a = self.acts
        a.add.triggered.connect(self.open_add_dialog)
        a.paste.triggered.connect(self.paste_urls)
        a.properties.triggered.connect(self.show_details)
        self.commands.connect_actions(a)
        self.queue.connect_actions(a)
        a.settings.triggered.connect(self.open_settings)
        a.quit.triggered.connect(self._quit_if_confirmed)

        c.downloadChanged.connect(self._on_changed)
        self.notifier.noticeReady.connect(self.announcer.announce)
        self.announcer.showRequested.connect(self._show_notified)
        self.announcer.openRequested.connect(self.commands.open_download)
        self.announcer.folderRequested.connect(self.commands.open_download_folder)
        self.tray.toggleRequested.connect(self.toggle_visible)
        self.clipboard_watcher.urlsOffered.connect(self._offer_from_clipboard)
        self.clipboard_banner.actionTriggered.connect(self._accept_clipboard_offer)

    # ------------------------------------------------------------ state

    def _restore_state(self) -> None:
        s = self._settings
        if s.geometry is not None:
            self.restoreGeometry(s.geometry)
        if s.window_state is not None:
            self.restoreState(s.window_state)
        else:
            self.details_dock.hide()  # the list gets the room; details on demand
        header = self.view.horizontalHeader()
        if s.header is not None and header.restoreState(s.header):
            self.view.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
        else:
            self.view.apply_default_columns()
        position = self.state_box.findData(StateFilter.restore(s.state_filter))
        if position >= 0:
            self.state_box.setCurrentIndex(position)

    def _save_state(self) -> None:
        self._settings.save_window(
            self.saveGeometry(),
            self.saveState(),
            self.view.horizontalHeader().saveState(),
            self.state_box.currentData().name,
        )

    def quit(self) -> None:
        """Close for good (not to the tray): the worker is shut down."""
        self._quitting = True
        self.close()

    def _quit_if_confirmed(self) -> None:
        if self._may_stop_downloads():
            self.quit()

    def _may_stop_downloads(self) -> bool:
        """Whether to go on and stop the downloads that are running (asked
        only when some are)."""
        running = self.model.summary().count(*ACTIVE_STATES)
        return running == 0 or self.confirm_quit(running)

    def confirm_quit(self, running: int) -> bool:
        return confirm_quit(self, running)

    def toggle_visible(self) -> None:
        if self.isVisible() and not self.isMinimized():
            self.hide()
        else:
            self.showNormal()
            self.raise_()
            self.activateWindow()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.tray.window_shown(True)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.tray.window_shown(False)

    def _keeps_running_in_tray(self) -> bool:
        return (
            not self._quitting
            and not self._closing
            and self.tray.available
            and self._settings.close_to_tray
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        """Hide to the tray if that is the setting (and there is a tray); else
        save the layout, shut the worker down by protocol, then close."""
        if self._keeps_running_in_tray():
            event.ignore()
            self._save_state()
            self.hide()
            if not self._told_about_tray and self.tray.can_notify():
                self._told_about_tray = True
                self.tray.notify(
                    "Greenget", self.tr("Downloads carry on here. Quit from this icon's menu.")
                )
            return
        if event.spontaneous() and not self._closing and not self._may_stop_downloads():
            event.ignore()  # the window's close button, with downloads running
            return
        if self._client.state in (WorkerState.STOPPED, WorkerState.FAILED):
            if not self._closing:
                self._save_state()
            event.accept()
            self.closed.emit()
            return
        event.ignore()
        if not self._closing:
            self._closing = True
            self._save_state()
            self.hide()
            self._client.stopped.connect(self.close, Qt.ConnectionType.QueuedConnection)
            self._client.stop()

    # ------------------------------------------------------------ selection

    def selected_rows(self) -> list[Row]:
        return self.selection.rows()

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.refresh()  # at once: the next click may be on an action
        self.details.show_download(self._focused_id())

    def _focused_id(self) -> int | None:
        """The download the details pane shows: the current row if it is
        selected, else the first selected one."""
        selection = self.view.selectionModel()
        current = self.view.currentIndex()
        if current.isValid() and selection.isRowSelected(current.row(), current.parent()):
            return self.proxy.row_at(current.row()).info.id
        return self.selection.first_id()

    def _schedule_refresh(self) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def refresh(self) -> None:
        """Status bar, action states and the empty-table hint, from the rows."""
        summary = self.model.summary()
        update_enabled(self.acts, self.selection.selected(), summary)
        active = summary.count(State.DOWNLOADING, State.RETRYING)
        parts = [self.tr("%Ln active", "", active),
                 self.tr("%Ln queued", "", summary.count(State.QUEUED))]
        paused, failed = summary.count(State.PAUSED), summary.count(State.FAILED)
        scheduled = summary.count(State.SCHEDULED)
        if scheduled:
            parts.append(self.tr("%Ln scheduled", "", scheduled))
        if paused:
            parts.append(self.tr("%Ln paused", "", paused))
        if failed:
            parts.append(self.tr("%Ln failed", "", failed))
        parts.append(self.tr("%Ln completed", "", summary.count(State.COMPLETED)))
        self._counts.setText(" · ".join(parts))
        speed = format_speed(self.model.locale, summary.speed)
        self._speed.setText(f"↓ {speed}" if speed else "")
        self.tray.set_summary(" · ".join(parts[:2]))
        tip = f"Greenget\n{parts[0]}"
        self.tray.set_tooltip(f"{tip} · ↓ {speed}" if speed else tip)
        hint = EMPTY_HINT if self.model.rowCount() == 0 else NO_MATCH_HINT
        self.view.set_placeholder(self.tr(str(hint)))
        self.categories.refresh()

    def _on_filter(self) -> None:
        self.proxy.set_filter(self.filter_box.text(), self.state_box.currentData())

    # ------------------------------------------------------------ adding

    def queue_urls(
        self, urls: Sequence[str], directory: str = "", options: DownloadOptions | None = None
    ) -> None:
        """Ask the worker to add ``urls`` (in batches) to ``directory``."""
        urls = self._without_duplicates(urls)
        if urls:
            self._send_add(urls, directory or self._settings.download_dir,
                           options or self._default_options())

    def _default_options(self) -> DownloadOptions:
        return DownloadOptions(connections=self._settings.connections or None)

    def _send_add(self, urls: Sequence[str], directory: str, options: DownloadOptions) -> None:
        for start in range(0, len(urls), ADD_BATCH):
            self._client.send(Add(tuple(urls[start : start + ADD_BATCH]), directory, options))
        count = len(urls)
        text = (
            self.tr("Adding %n download…", "", count)
            if count == 1
            else self.tr("Adding %n downloads…", "", count)
        )
        self.statusBar().showMessage(text, 4000)
        log.info("queued %d URL(s) into %s", count, directory)

    def _without_duplicates(self, urls: Sequence[str]) -> Sequence[str]:
        """``urls`` less those already in the list, unless the person wants
        them downloaded again; resumes the existing ones if asked to."""
        known = self.model.ids_by_url()
        repeated = [url for url in urls if url in known]
        if not repeated:
            return urls
        choice = self.ask_about_duplicates(len(repeated), mask_credentials(repeated[0]))
        if choice is Duplicates.AGAIN:
            return urls
        if choice is Duplicates.RESUME:
            rows = [self.model.find(known[url]) for url in repeated]
            for command, state in ((Resume, State.PAUSED), (Retry, State.FAILED)):
                ids = tuple(r.info.id for r in rows if r is not None and r.info.state is state)
                if ids:
                    self._client.send(command(ids=ids))
        return [url for url in urls if url not in known]

    def queue_and_raise(self, urls: Sequence[str]) -> None:
        """URLs handed over by a second launch: queue them and come forward."""
        self.queue_urls(urls)
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def paste_urls(self) -> None:
        """Queue the clipboard's links (found a slice per event-loop turn)."""
        self.link_scanner.scan(QGuiApplication.clipboard().text())

    def _queue_pasted(self, urls: list[str]) -> None:
        if urls:
            self.queue_urls(urls)
        else:
            self.statusBar().showMessage(
                self.tr("There are no http(s) links in the clipboard."), 4000
            )

    def open_add_dialog(self) -> None:
        if self.add_dialog is not None:
            self.add_dialog.raise_()
            self.add_dialog.activateWindow()
            return
        text = "\n".join(find_urls(QGuiApplication.clipboard().text()))
        from gui.add_dialog import AddDialog  # imported when first asked for (memory)

        dialog = AddDialog(
            self,
            text=text,
            directory=self._settings.download_dir,
            connections=self._settings.connections,
        )
        dialog.accepted.connect(self._add_from_dialog)
        dialog.listChosen.connect(lambda path: self._import_list_file(Path(path)))
        dialog.finished.connect(self._add_dialog_closed)
        dialog.mediaWanted.connect(lambda url: self._client.send(GetMedia(url)))
        self.add_dialog = dialog
        dialog.open()

    def _on_media(self, media: Media) -> None:
        if self.add_dialog is not None:
            self.add_dialog.show_media(media)

    def _import_list_file(self, path: Path) -> None:
        from gui import list_files

        list_files.import_or_explain(self, path, self._settings.download_dir, self.queue_urls)

    def _add_dialog_closed(self) -> None:
        if self.add_dialog is not None:
            self.add_dialog.deleteLater()
            self.add_dialog = None

    def _add_from_dialog(self) -> None:
        if self.add_dialog is None:
            return
        request = self.add_dialog.request()
        if request.directory != self._settings.download_dir:
            self._settings.download_dir = request.directory
            self.engine_settings.options_changed()  # the worker's folder for RPC adds
        self._settings.connections = request.options.connections or 0
        self.queue_urls(request.urls, request.directory, request.options)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()

    def import_list(self) -> None:
        from gui import list_files

        list_files.ask_and_import(self, self._settings.download_dir, self.queue_urls)

    def export_list(self) -> None:
        rows = self.selected_rows() or [self.model.row_at(r) for r in range(self.model.rowCount())]
        from gui import list_files

        list_files.ask_and_export(self, [row.info for row in rows], self._settings.download_dir)

    def dropEvent(self, event: QDropEvent) -> None:
        from gui import list_files

        mime = event.mimeData()
        lists = [Path(url.toLocalFile()) for url in mime.urls()
                 if url.isLocalFile() and url.toLocalFile().lower().endswith(
                     list_files.LIST_SUFFIXES)]
        if lists:
            event.acceptProposedAction()
            for path in lists:
                self._import_list_file(path)
            return
        dropped = [url.toString() for url in mime.urls()]
        urls = find_urls("\n".join([*dropped, mime.text()]))
        if urls:
            event.acceptProposedAction()
            self.queue_urls(urls)
        else:
            self.statusBar().showMessage(self.tr("Only http(s) links can be downloaded."), 4000)

    # ------------------------------------------------------------ acting

    def show_details(self) -> None:
        self.details_dock.show()
        self.details_dock.raise_()

    def ask_about_duplicates(self, count: int, example: str) -> Duplicates:
        return ask_about_duplicates(self, count, example)

    def open_settings(self) -> None:
        if self.settings_dialog is None:
            from gui.settings_dialog import SettingsDialog  # imported when first opened

            self.settings_dialog = SettingsDialog(
                self.engine_settings, tray_available=self.tray.available, parent=self
            )
            self.settings_dialog.desktopChanged.connect(self._desktop_settings_changed)
        self.settings_dialog.show()
        self.settings_dialog.raise_()
        self.settings_dialog.activateWindow()

    def _column_menu(self, position: QPoint) -> None:
        """Right-click on the header: choose the columns (the name stays)."""
        header = self.view.horizontalHeader()
        menu = QMenu(self)
        for column in Column:
            if column is Column.NAME:
                continue
            action = menu.addAction(self.model.headerData(column, Qt.Orientation.Horizontal))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(lambda shown, c=column: self.view.setColumnHidden(c, not shown))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.column_menu = menu
        menu.popup(header.mapToGlobal(position))

    def _context_menu(self, position: QPoint) -> None:
        a = self.acts
        menu = QMenu(self)
        menu.addActions([a.open_file, a.open_folder, a.copy_url, a.copy_path])
        menu.addSeparator()
        menu.addActions([a.start_now, a.resume, a.pause, a.retry, a.redownload])
        menu.addSeparator()
        menu.addActions([a.move_up, a.move_down, a.move_top, a.move_bottom])
        menu.addSeparator()
        menu.addActions([a.rename, a.refresh_link, a.limit_speed])
        menu.addMenu(self.categories.move_menu)
        menu.addSeparator()
        menu.addActions([a.properties, a.remove, a.delete_file])
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.view.viewport().mapToGlobal(position))

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Greenget"),
            "<b>Greenget</b><br>"
            + self.tr("A download manager that resumes after any crash.")
            + "<br>"
            + with_args(self.tr("Protocol %1."), PROTOCOL_VERSION),
        )

    # ------------------------------------------------------------ desktop

    def _desktop_settings_changed(self) -> None:
        self.clipboard_watcher.enabled = self._settings.watch_clipboard
        if not self._settings.watch_clipboard:
            self.clipboard_banner.dismiss()

    def _on_changed(self, download_id: int, fields: dict) -> None:
        """A download that just completed or failed is worth a notification;
        one that completed may have asked to be opened."""
        row = self.model.find(download_id) if "state" in fields else None
        if row is None or row.info.state not in (State.COMPLETED, State.FAILED):
            return
        if row.info.state is State.COMPLETED and row.info.open_when_done:
            self.commands.open_download(download_id)  # asked for when it was added
        if self.announcer.wanted():
            self.notifier.finished(Finished(download_id, row.name, row.info.state,
                                            error_text(row.info.error_code, row.info.error)))

    def _show_notified(self, download_id: int) -> None:
        """A notification was clicked: the window, and that download's row."""
        if not self.isVisible() or self.isMinimized():
            self.toggle_visible()
        self.select_download(download_id)

    def select_download(self, download_id: int) -> None:
        """Select and show the row of ``download_id`` (clearing the filters
        if they hide it)."""
        row = self.model.find(download_id)
        if row is None:
            return
        source = self.model.index(self.model.row_position(download_id), 0)
        if not self.proxy.mapFromSource(source).isValid():
            self.filter_box.clear()
            self.state_box.setCurrentIndex(0)
            self.categories.show_all()
        index = self.proxy.mapFromSource(source)
        self.view.selectRow(index.row())
        self.view.scrollTo(index)

    def _offer_from_clipboard(self, urls: list[str]) -> None:
        if self._settings.clipboard_straight_to_queue:
            self.queue_urls(urls)
            return
        self._offered = urls
        count = len(urls)
        text = (
            with_args(self.tr("Download the copied link %1?"), mask_credentials(urls[0]))
            if count == 1
            else self.tr("Download the %n copied links?", "", count)
        )
        self.clipboard_banner.show_message(
            text, BannerKind.INFO, action=self.tr("Download"), hide_after=30
        )

    def _accept_clipboard_offer(self) -> None:
        offered, self._offered = self._offered, []
        self.clipboard_banner.dismiss()
        self.queue_urls(offered)

    # ------------------------------------------------------------ the worker

    def _on_error(self, error: Error) -> None:
        if error.fatal:
            return  # the worker cannot start: workerFailed says so
        message = error_text(error.code, error.message)
        if error.url and error.url not in message:
            message = f"{message.rstrip('.。')}: {error.url}"
        if not self.notice_banner.isVisible():
            self._errors.clear()
            self._details.clear()
        self._errors.append(message)
        if len(self._errors) == 1:
            text = message
        else:
            count = len(self._errors)
            text = with_args(
                self.tr("%1 requests could not be carried out. The last: %2"), count, message
            )
        self._details.append(message if message == error.message
                             else f"{message}\n  {error.message}")
        self.notice_banner.show_message(
            text, BannerKind.ERROR, details="\n".join(self._details[-20:])
        )
