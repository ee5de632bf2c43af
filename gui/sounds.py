"""Completion and failure sounds, played by the desktop's own player.

PySide6-Essentials has no QtMultimedia, so a sound is handed to the first
player found on the ``PATH`` (PipeWire's, PulseAudio's, ALSA's, then
libcanberra's), in a process of its own: the window never waits for it.
With none, sounds are silent and the log says so once.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from PySide6.QtCore import QObject, QProcess

from gui.icons import RESOURCES

log = logging.getLogger(__name__)

SOUNDS = RESOURCES / "sounds"
COMPLETE_SOUND = SOUNDS / "complete.wav"
FAILED_SOUND = SOUNDS / "failed.wav"
# The player and the arguments before the file, in the order they are tried.
PLAYERS: tuple[tuple[str, ...], ...] = (
    ("pw-play",),
    ("paplay",),
    ("aplay", "-q"),
    ("canberra-gtk-play", "-f"),
)
TOO_MANY = 4  # sounds already playing: a burst of them is noise, the rest are skipped


def find_player() -> list[str] | None:
    """The command (without the file) of the first player installed, if any."""
    for player in PLAYERS:
        found = shutil.which(player[0])
        if found is not None:
            return [found, *player[1:]]
    return None


class SoundPlayer(QObject):
    """Plays a sound file without blocking; ``play`` returns at once."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._command: list[str] | None = None
        self._looked = False
        self._playing: list[QProcess] = []

    def play(self, path: str | Path) -> bool:
        """Start playing ``path``; whether a player took it."""
        sound = Path(path)
        if not sound.is_file():
            log.warning("sound %s not found; not played", sound)
            return False
        if not self._looked:
            self._looked = True
            self._command = find_player()
            if self._command is None:
                log.info("no sound player found (%s); sounds are silent",
                         ", ".join(p[0] for p in PLAYERS))
        if self._command is None or len(self._playing) >= TOO_MANY:
            return False
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.finished.connect(lambda code, _status, p=process: self._done(p, code))
        process.errorOccurred.connect(lambda error, p=process: self._failed(p, error))
        self._playing.append(process)
        process.start(self._command[0], [*self._command[1:], str(sound)])
        return True

    def _done(self, process: QProcess, code: int) -> None:
        if code != 0:
            said = bytes(process.readAll().data()).decode(errors="replace").strip()
            log.warning("%s could not play a sound (status %d): %s",
                        process.program(), code, said[-300:])
        self._forget(process)

    def _failed(self, process: QProcess, error: QProcess.ProcessError) -> None:
        if error is QProcess.ProcessError.FailedToStart:
            log.warning("%s did not start: %s", process.program(), process.errorString())
            self._forget(process)

    def _forget(self, process: QProcess) -> None:
        if process in self._playing:
            self._playing.remove(process)
            process.deleteLater()
