"""Telling the person a download finished: a sound, then a notification."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from gui.notifications import Notice
from gui.settings import Settings
from gui.sounds import COMPLETE_SOUND, FAILED_SOUND, SoundPlayer
from gui.tray import Tray

if TYPE_CHECKING:  # D-Bus (jeepney, sockets) is loaded with the first notification
    from gui.desktop_notify import DesktopNotifier, Popup

log = logging.getLogger(__name__)

OPEN, OPEN_FOLDER = "open", "open-folder"  # the notification's button keys


class Announcer(QObject):
    """For each notice: the completion or failure sound (if chosen), then the
    notification (if wanted): the desktop's, with "Open" and "Open folder" for
    one completed download; else the tray's balloon; else ``say`` (the status
    bar) and ``alert`` (the taskbar).  A click asks the window, by signal, to
    show the row, open the file or open its folder."""

    showRequested = Signal(int)
    openRequested = Signal(int)
    folderRequested = Signal(int)

    def __init__(
        self,
        settings: Settings,
        tray: Tray,
        say: Callable[[str], None],
        alert: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._tray = tray
        self._say = say
        self._alert = alert
        self._balloon_id: int | None = None  # the row the tray's last message is about
        self.sounds = SoundPlayer(self)
        self._desktop: DesktopNotifier | None = None
        tray.messageClicked.connect(self._balloon_clicked)

    @property
    def desktop(self) -> DesktopNotifier:
        """The desktop's notification server, reached when first needed."""
        if self._desktop is None:
            from gui.desktop_notify import DesktopNotifier

            self._desktop = DesktopNotifier(self)
            self._desktop.actionInvoked.connect(self._action)
            self._desktop.undelivered.connect(self._without_server)
        return self._desktop

    def wanted(self) -> bool:
        """Whether finished downloads are worth gathering into notices at all."""
        s = self._settings
        return s.notifications or s.sound_on_complete or s.sound_on_failure

    def announce(self, notice: Notice) -> None:
        self._play(notice)
        if not self._settings.notifications:
            return
        from gui.desktop_notify import DEFAULT_ACTION, Popup

        actions = [(DEFAULT_ACTION, self.tr("Show"))]
        if notice.openable:
            actions += [(OPEN, self.tr("Open")), (OPEN_FOLDER, self.tr("Open folder"))]
        popup = Popup(notice.title, notice.text, notice.download_id, notice.failed,
                      tuple(actions))
        if not self.desktop.show(popup):
            self._without_server(popup)

    def _play(self, notice: Notice) -> None:
        s = self._settings
        if notice.failed and s.sound_on_failure:
            self.sounds.play(s.failure_sound or FAILED_SOUND)
        elif not notice.failed and s.sound_on_complete:
            self.sounds.play(s.complete_sound or COMPLETE_SOUND)

    def _without_server(self, popup: Popup) -> None:
        """No notification server: the tray's balloon, else the status bar."""
        self._balloon_id = popup.download_id
        if self._tray.can_notify():
            self._tray.notify(popup.title, popup.text, failed=popup.failed)
            return
        first_line = popup.text.splitlines()[0] if popup.text else ""
        self._say(f"{popup.title}: {first_line}")
        self._alert()

    def _balloon_clicked(self) -> None:
        if self._balloon_id is not None:
            self.showRequested.emit(self._balloon_id)

    def _action(self, download_id: int, key: str) -> None:
        signal = {OPEN: self.openRequested, OPEN_FOLDER: self.folderRequested}.get(
            key, self.showRequested)
        signal.emit(download_id)
