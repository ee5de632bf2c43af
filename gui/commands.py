"""What the menus, the toolbar, the context menu and the keyboard do to the
selected downloads: one object they all share, connected to the window's
actions.  It sends the worker its commands and asks the person first where
that is wanted (the questions are methods, so a test can answer them)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from engine.protocol import Pause, Remove, Resume, Retry, SetDownloadOptions, SetUrl, State
from gui.actions import PAUSABLE, Actions
from gui.clipboard_watch import ClipboardWatcher
from gui.engine_client import EngineClient
from gui.formatting import KB, MAX_SPEED_KB, unlimited, with_args
from gui.model import DownloadTableModel, Row
from gui.prompts import confirm_remove
from gui.proxy import DownloadFilterProxy
from gui.selection import SelectionTracker
from gui.urls import find_urls
from gui.view import DownloadView

log = logging.getLogger(__name__)


class RowCommands(QObject):
    """The commands on the selected rows (and on the list as a whole)."""

    def __init__(
        self,
        window: QWidget,
        client: EngineClient,
        model: DownloadTableModel,
        proxy: DownloadFilterProxy,
        view: DownloadView,
        selection: SelectionTracker,
        clipboard_watcher: ClipboardWatcher,
        *,
        focused_id: Callable[[], int | None],
        show_details: Callable[[], None],
        add_again: Callable[[Sequence[str]], None],
        say: Callable[[str], None],
        warn: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._client = client
        self._model = model
        self._proxy = proxy
        self._view = view
        self._selection = selection
        self._clipboard_watcher = clipboard_watcher
        self._focused_id = focused_id
        self._show_details = show_details
        self._add_again = add_again
        self._say = say
        self._warn = warn
        self._next_after_removal: int | None = None
        client.downloadsRemoved.connect(self._select_after_removal)

    def connect_actions(self, a: Actions) -> None:
        a.resume.triggered.connect(lambda: self._send_for(Resume, {State.PAUSED}))
        a.pause.triggered.connect(lambda: self._send_for(Pause, PAUSABLE))
        a.retry.triggered.connect(lambda: self._send_for(Retry, {State.FAILED}))
        a.remove.triggered.connect(self.remove_selected)
        a.resume_all.triggered.connect(lambda: self._client.send(Resume(all=True)))
        a.pause_all.triggered.connect(lambda: self._client.send(Pause(all=True)))
        a.open_file.triggered.connect(self.open_files)
        a.open_folder.triggered.connect(self.open_folders)
        a.copy_url.triggered.connect(self.copy_urls)
        a.copy_path.triggered.connect(self.copy_paths)
        a.refresh_link.triggered.connect(self.refresh_link)
        a.limit_speed.triggered.connect(self.limit_speed)
        a.activate.triggered.connect(self.activate)
        a.pause_or_resume.triggered.connect(self.pause_or_resume)
        a.redownload.triggered.connect(self.redownload)
        a.remove_completed.triggered.connect(self.remove_completed)

    def _send_for(self, command: type[Pause | Resume | Retry], states: Iterable[State]) -> None:
        wanted = set(states)
        ids = tuple(row.info.id for row in self._selection.rows() if row.info.state in wanted)
        if ids:
            self._client.send(command(ids=ids))

    def remove_selected(self) -> None:
        rows = self._selection.rows()
        if not rows:
            return
        completed = sum(row.info.state is State.COMPLETED for row in rows)
        answer = self.confirm_remove(len(rows), completed)
        if answer is not None:
            ids = tuple(row.info.id for row in rows)
            self._next_after_removal = self._row_after({row.info.id for row in rows})
            self._client.send(Remove(ids=ids, delete_files=answer))

    def _row_after(self, leaving: set[int]) -> int | None:
        """The download to select once ``leaving`` are gone: the next row
        below the last of them that stays, else the nearest one above."""
        positions = [self._proxy.position(i) for i in leaving]
        shown = [p for p in positions if p >= 0]
        if not shown:
            return None
        for position in [*range(max(shown) + 1, self._proxy.rowCount()),
                         *range(min(shown) - 1, -1, -1)]:
            download_id = self._proxy.row_at(position).info.id
            if download_id not in leaving:
                return download_id
        return None

    def _select_after_removal(self, _ids: list[int]) -> None:
        download_id, self._next_after_removal = self._next_after_removal, None
        if download_id is not None and self._proxy.position(download_id) >= 0:
            self._view.setCurrentIndex(self._proxy.index(self._proxy.position(download_id), 0))
            self._view.selectRow(self._proxy.position(download_id))

    def remove_completed(self) -> None:
        """Take every completed download off the list; the files stay."""
        ids = tuple(self._model.ids_in_state(State.COMPLETED))
        if ids:
            self._client.send(Remove(ids=ids, delete_files=False))

    def activate(self) -> None:
        """Enter or a double-click: open a completed file, else show the details."""
        download_id = self._focused_id()
        row = self._model.find(download_id) if download_id is not None else None
        if row is None:
            return
        if row.info.state is State.COMPLETED:
            self.open_files()
        else:
            self._show_details()

    def pause_or_resume(self) -> None:
        """Space: pause what runs or waits among the selection, else resume it."""
        selected = self._selection.selected()
        if selected.has(*PAUSABLE):
            self._send_for(Pause, PAUSABLE)
        else:
            self._send_for(Resume, {State.PAUSED})
            self._send_for(Retry, {State.FAILED})

    def copy_paths(self) -> None:
        paths = [row.info.path or row.info.directory for row in self._selection.rows()]
        if paths:
            QGuiApplication.clipboard().setText("\n".join(paths))

    def redownload(self) -> None:
        """The selected links once more, as new downloads (the old ones stay)."""
        urls = [row.info.url for row in self._selection.rows()]
        if urls:
            self._add_again(urls)

    def confirm_remove(self, count: int, completed: int) -> bool | None:
        """Ask before removing; ``None`` to cancel, else whether to delete the
        completed files."""
        return confirm_remove(self._window, count, completed)

    def open_files(self) -> None:
        for row in self._selection.rows():
            if row.info.state is State.COMPLETED and not self._open_file(row):
                return

    def open_folders(self) -> None:
        for directory in dict.fromkeys(row.info.directory for row in self._selection.rows()):
            if not self._open_folder(directory):
                return

    def open_download(self, download_id: int) -> None:
        """Open the file of one completed download (a notification's "Open")."""
        row = self._model.find(download_id)
        if row is not None and row.info.state is State.COMPLETED:
            self._open_file(row)

    def open_download_folder(self, download_id: int) -> None:
        """Open the folder of one download (a notification's "Open folder")."""
        row = self._model.find(download_id)
        if row is not None:
            self._open_folder(row.info.directory)

    def _open_file(self, row: Row) -> bool:
        path = row.info.path or os.path.join(row.info.directory, row.info.name)
        if QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
            return True
        self._cannot_open(with_args(self.tr("No application is set up to open %1."), path))
        return False

    def _open_folder(self, directory: str) -> bool:
        if QDesktopServices.openUrl(QUrl.fromLocalFile(directory)):
            return True
        self._cannot_open(with_args(
            self.tr("No file manager is set up to show the folder %1."), directory))
        return False

    def _cannot_open(self, message: str) -> None:
        """The desktop has nothing to open a file or folder with: say so."""
        log.warning("%s", message)
        self._warn(message)

    def copy_urls(self) -> None:
        urls = [row.info.url for row in self._selection.rows()]
        if urls:
            text = "\n".join(urls)
            self._clipboard_watcher.ignore(text)  # ours: not a link to offer back
            QGuiApplication.clipboard().setText(text)

    def refresh_link(self) -> None:
        """Give the selected download a new URL (its link expired); the worker
        checks it is the same file and carries on from the bytes on disk."""
        selected = self._selection.rows()
        if len(selected) != 1 or selected[0].info.state is State.COMPLETED:
            return
        row = selected[0]
        url = self.ask_new_url(row)
        if url is None:
            return
        urls = find_urls(url)
        if len(urls) != 1 or urls[0] != url.strip():
            self._say(self.tr("That is not an http(s) link."))
            return
        if urls[0] != row.info.url:
            self._client.send(SetUrl(row.info.id, urls[0]))

    def ask_new_url(self, row: Row) -> str | None:
        """The new link for ``row``, ``None`` if the person cancelled."""
        text, ok = QInputDialog.getText(
            self._window,
            self.tr("Refresh link"),
            with_args(
                self.tr("A new link to the same file for “%1”:\n(the download carries on from "
                        "where it stopped)"),
                row.name,
            ),
            QLineEdit.EchoMode.Normal,
            row.info.url,
        )
        return text.strip() if ok and text.strip() else None

    def limit_speed(self) -> None:
        """Set (or lift) the speed limit of the selected downloads."""
        rows = [r for r in self._selection.rows() if r.info.state is not State.COMPLETED]
        if not rows:
            return
        current = rows[0].info.speed_limit or 0
        limit = self.ask_speed_limit(round(current / KB))
        if limit is not None:
            ids = tuple(r.info.id for r in rows)
            self._client.send(SetDownloadOptions(ids=ids, speed_limit=limit * KB))

    def ask_speed_limit(self, current_kb: int) -> int | None:
        """A limit in kB/s (0: none), ``None`` if the person cancelled."""
        value, ok = QInputDialog.getInt(
            self._window,
            self.tr("Speed limit"),
            with_args(self.tr("Speed limit in kB/s (0: %1):"), unlimited()),
            current_kb,
            0,
            MAX_SPEED_KB,
            100,
        )
        return value if ok else None
