"""What the window says about the download engine: running, restarting, stopped."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from engine.protocol import Hello
from gui.banner import Banner, BannerKind
from gui.engine_client import EngineClient
from gui.formatting import with_args

log = logging.getLogger(__name__)


class Health(enum.Enum):
    RUNNING = "running"
    RESTARTING = "restarting"  # died; a restart is scheduled
    STOPPED = "stopped"  # will not be restarted without the person


@dataclass(frozen=True)
class EngineStatus:
    """One report on the engine: how it is, and why (for a person)."""

    health: Health
    pid: int = 0
    why: str = ""
    restart_in: float = 0.0  # seconds, while restarting
    last_output: str = ""  # the engine's last log lines, while restarting


class WorkerStatus(QObject):
    """Turns the client's worker signals into one :class:`EngineStatus` and
    shows it: a word in the status bar (``label``) and the ``banner`` with
    Restart now / Try again (which start the worker)."""

    def __init__(self, client: EngineClient, label: QLabel, banner: Banner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._label = label
        self._banner = banner
        self.status = EngineStatus(Health.STOPPED)
        client.connected.connect(self._on_connected)
        client.workerLost.connect(self._on_lost)
        client.workerFailed.connect(self._on_failed)
        banner.actionTriggered.connect(client.start)

    def _on_connected(self, hello: Hello) -> None:
        self.show(EngineStatus(Health.RUNNING, pid=hello.pid))

    def _on_lost(self, why: str, delay: float) -> None:
        self.show(EngineStatus(Health.RESTARTING, why=why, restart_in=delay,
                               last_output=self._client.recent_output))

    def _on_failed(self, why: str) -> None:
        self.show(EngineStatus(Health.STOPPED, why=why))

    def show(self, status: EngineStatus) -> None:
        was, self.status = self.status, status
        log.debug("engine %s", status)
        match status.health:
            case Health.RUNNING:
                self._label.setText("")
                self._label.setToolTip(with_args(self.tr("Download engine: pid %1"), status.pid))
                if self._banner.isVisible() and was.health is not Health.RUNNING:
                    self._banner.show_message(
                        self.tr("The download engine is running again; downloads carry on."),
                        BannerKind.INFO,
                        hide_after=5,
                    )
            case Health.RESTARTING:
                self._label.setText(self.tr("Engine restarting…"))
                seconds = max(round(status.restart_in), 1)
                self._banner.show_message(
                    self.tr(
                        "The download engine stopped unexpectedly. Restarting it in %n s; "
                        "downloads will carry on from where they were.", "", seconds
                    ),
                    BannerKind.WARNING,
                    action=self.tr("Restart now"),
                    details=with_args(self.tr("%1.\n\nIts last messages:\n%2"), status.why,
                                 status.last_output),
                )
            case Health.STOPPED:
                self._label.setText(self.tr("Engine stopped"))
                self._banner.show_message(status.why, BannerKind.ERROR,
                                          action=self.tr("Try again"), details=status.why)
