"""Supervises the worker process and turns its event lines into Qt signals."""

from __future__ import annotations

import collections
import enum
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal

from engine.protocol import (
    MAX_LINE_BYTES,
    PROTOCOL_VERSION,
    Added,
    Changed,
    DownloadInfo,
    Error,
    Hello,
    Media,
    Message,
    Moved,
    OptionsChanged,
    Progress,
    ProgressItem,
    ProtocolError,
    Removed,
    RpcStatus,
    ScheduleStatus,
    Segments,
    Shutdown,
    Snapshot,
    WhenDoneStatus,
    decode_event,
)
from gui.errors import explained
from gui.formatting import with_args

log = logging.getLogger(__name__)
worker_log = logging.getLogger(f"{__name__}.worker")

DRAIN_BUDGET = 0.008  # seconds of line decoding per event-loop turn
STDERR_TAIL = 8  # last worker log lines kept to explain a crash


def worker_command() -> list[str]:
    """The worker run by the interpreter (or frozen app) that runs us."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--worker"]
    return [sys.executable, "-u", "-m", "engine"]


@dataclass(frozen=True)
class Backoff:
    """Restart delays: ``initial`` seconds, doubling up to ``maximum``; a worker
    that ran ``healthy_after`` seconds starts the sequence over.  After
    ``give_up_after`` starts in a row that never said hello, stop trying."""

    initial: float = 0.5
    maximum: float = 30.0
    healthy_after: float = 10.0
    give_up_after: int = 5

    def delay(self, failures: int) -> float:
        return min(self.initial * 2 ** max(failures - 1, 0), self.maximum)


class WorkerState(enum.Enum):
    STOPPED = "stopped"  # never started, or stopped on request
    STARTING = "starting"  # process launched, no hello yet
    RUNNING = "running"  # hello received
    WAITING = "waiting"  # died; a restart is scheduled
    FAILED = "failed"  # gave up restarting
    STOPPING = "stopping"  # shutdown sent, waiting for the exit


class EngineClient(QObject):
    """Owns the worker ``QProcess``: starts it, reads its events without
    blocking the event loop, restarts it with backoff when it dies, and shuts
    it down by protocol (then by force) on request.

    Commands sent while the worker is not running are held and sent when it is.
    """

    connected = Signal(object)  # Hello
    snapshotReceived = Signal(list)  # list[DownloadInfo]
    downloadsAdded = Signal(list)  # list[DownloadInfo]; the lines of one ``add`` together
    downloadChanged = Signal(int, object)  # id, DownloadChanges (as a dict it lost its types)
    progressReceived = Signal(list)  # list[ProgressItem]
    downloadsRemoved = Signal(list)  # list[int]
    downloadsMoved = Signal(list)  # list[QueuePlace]: new places in the queue
    segmentsReceived = Signal(object)  # Segments
    mediaReceived = Signal(object)  # Media (answer to get_media)
    rpcStatusReceived = Signal(object)  # RpcStatus
    optionsChanged = Signal(object)  # OptionsChanged (by a JSON-RPC client)
    scheduleStatusReceived = Signal(object)  # ScheduleStatus
    whenDoneStatusReceived = Signal(object)  # WhenDoneStatus
    errorReported = Signal(object)  # Error
    workerLost = Signal(str, float)  # why, seconds until the restart
    workerFailed = Signal(str)  # why it will not be restarted
    stopped = Signal()

    def __init__(
        self,
        command: Sequence[str] | None = None,
        parent: QObject | None = None,
        *,
        backoff: Backoff = Backoff(),
        shutdown_timeout: float = 5.0,
    ) -> None:
        super().__init__(parent)
        self._command = list(command or worker_command())
        self._backoff = backoff
        self._shutdown_timeout = shutdown_timeout
        self._state = WorkerState.STOPPED
        self._pending: list[bytes] = []
        self._failures = 0  # consecutive runs that ended badly
        self._started_at = 0.0
        self._hello: Hello | None = None
        self._startup_error: str | None = None  # why this run cannot work at all
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL)
        # The lines of a ``snapshot`` or ``progress`` read so far (``more`` was set).
        self._snapshot: list[DownloadInfo] = []
        self._progress: list[ProgressItem] = []
        self._skip_line = False  # the rest of an overlong line is still to come

        self._process = QProcess(self)
        self._process.setProgram(self._command[0])
        self._process.setArguments(self._command[1:])
        if sys.platform != "win32":
            # Its own session: Ctrl+C in the terminal (or a signal to our process
            # group) reaches only us, and we shut the worker down by protocol.
            self._process.setUnixProcessParameters(QProcess.UnixProcessFlag.CreateNewSession)
        self._process.readyReadStandardOutput.connect(self._drain)
        self._process.readyReadStandardError.connect(self._read_stderr)
        self._process.started.connect(self._on_started)
        self._process.finished.connect(self._on_finished)
        self._process.errorOccurred.connect(self._on_error)

        self._restart_timer = QTimer(self, singleShot=True)
        self._restart_timer.timeout.connect(self.start)
        self._kill_timer = QTimer(self, singleShot=True)
        self._kill_timer.timeout.connect(self._kill)
        self._drain_timer = QTimer(self, singleShot=True, interval=0)
        self._drain_timer.timeout.connect(self._drain)

    # ------------------------------------------------------------ public

    @property
    def state(self) -> WorkerState:
        return self._state

    @property
    def pid(self) -> int:
        """The worker's process id, 0 when none runs."""
        return int(self._process.processId())

    @property
    def hello(self) -> Hello | None:
        """The running worker's ``hello``, ``None`` before it said it."""
        return self._hello

    def start(self) -> None:
        """Launch the worker (again); harmless if it is already running."""
        if self._process.state() != QProcess.ProcessState.NotRunning:
            return
        self._restart_timer.stop()
        env = QProcessEnvironment.systemEnvironment()
        env.insert("PYTHONUNBUFFERED", "1")
        env.insert("PYTHONIOENCODING", "utf-8")
        self._process.setProcessEnvironment(env)
        self._state = WorkerState.STARTING
        self._hello = None
        self._startup_error = None
        self._stderr_tail.clear()
        self._snapshot, self._progress, self._skip_line = [], [], False
        self._started_at = time.monotonic()
        log.info("starting worker: %s", " ".join(self._command))
        self._process.start()

    def send(self, message: Message) -> None:
        """Write one command; held until the worker runs if it does not."""
        line = (message.encode() + "\n").encode("utf-8")
        if self._process.state() == QProcess.ProcessState.Running and self._state in (
            WorkerState.STARTING,
            WorkerState.RUNNING,
        ):
            self._process.write(line)
        else:
            log.debug("worker not running; holding %s", message.TYPE)
            self._pending.append(line)

    def stop(self) -> None:
        """Ask the worker to shut down; kill it if it has not exited within
        the timeout.  ``stopped`` is emitted once no worker runs."""
        self._restart_timer.stop()
        if self._process.state() == QProcess.ProcessState.NotRunning:
            self._state = WorkerState.STOPPED
            self.stopped.emit()
            return
        if self._state is WorkerState.STOPPING:
            return
        self._state = WorkerState.STOPPING
        if self._process.state() == QProcess.ProcessState.Running:
            self._process.write((Shutdown().encode() + "\n").encode("utf-8"))
            self._process.closeWriteChannel()
        self._kill_timer.start(round(self._shutdown_timeout * 1000))

    def stop_and_wait(self) -> None:
        """:meth:`stop`, blocking until the worker is gone (for the very end
        of the application, when the event loop no longer runs)."""
        self.stop()
        if self._process.state() == QProcess.ProcessState.NotRunning:
            return
        if not self._process.waitForFinished(round(self._shutdown_timeout * 1000)):
            self._kill()
            self._process.waitForFinished(1000)

    # ------------------------------------------------------------ process

    def _on_started(self) -> None:
        log.info("worker started, pid %d", self.pid)
        pending, self._pending = self._pending, []
        for line in pending:
            self._process.write(line)

    def _on_error(self, error: QProcess.ProcessError) -> None:
        log.warning("worker process error: %s (%s)", error.name, self._process.errorString())
        if error == QProcess.ProcessError.FailedToStart:
            why = self.tr("The download engine could not be started: %1")
            self._ended(why.replace("%1", self._process.errorString()))

    def _on_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._drain_all()
        if status == QProcess.ExitStatus.CrashExit:
            why = self.tr("The download engine crashed")
        else:
            why = self.tr("The download engine stopped (exit status %1)").replace("%1", str(code))
        log.info("worker exited: code %d, %s", code, status.name)
        self._ended(why)

    def _ended(self, why: str) -> None:
        """The process is gone: report it and restart, give up, or finish a stop."""
        self._kill_timer.stop()
        self._hello = None
        if self._state is WorkerState.STOPPING:
            self._state = WorkerState.STOPPED
            self.stopped.emit()
            return
        if self._state is WorkerState.STOPPED:
            return
        if self._startup_error is not None:
            self._give_up(self._startup_error)
            return
        lived = time.monotonic() - self._started_at
        self._failures = 1 if lived >= self._backoff.healthy_after else self._failures + 1
        if self._state is WorkerState.STARTING and self._failures >= self._backoff.give_up_after:
            self._give_up(self._explain(why))
            return
        delay = self._backoff.delay(self._failures)
        self._state = WorkerState.WAITING
        log.warning("%s; restarting in %.1f s", why, delay)
        self.workerLost.emit(why, delay)
        self._restart_timer.start(round(delay * 1000))

    def _give_up(self, why: str) -> None:
        log.error("not restarting the worker: %s", why)
        self._state = WorkerState.FAILED
        self._failures = 0
        self.workerFailed.emit(why)

    @property
    def recent_output(self) -> str:
        """The worker's last log lines (of this run, or of the one that ended)."""
        return "\n".join(self._stderr_tail)

    def _refuse(self, hello: Hello) -> None:
        """A worker from another version of Greenget: its messages cannot be
        trusted to mean what this window reads, so stop it and say why."""
        self._startup_error = with_args(
            self.tr("The download engine (protocol %1) and this window (protocol %2) come "
                    "from different versions of Greenget. Install Greenget again so that "
                    "both are the same version."), hello.version, PROTOCOL_VERSION)
        log.error("worker speaks protocol %d, the window %d: stopping it",
                  hello.version, PROTOCOL_VERSION)
        self._process.kill()

    def _explain(self, why: str) -> str:
        last = self._stderr_tail[-1] if self._stderr_tail else ""
        return f"{why}: {last}" if last else why

    def _kill(self) -> None:
        if self._process.state() != QProcess.ProcessState.NotRunning:
            log.warning("worker did not exit in time; killing pid %d", self.pid)
            self._process.kill()

    # ------------------------------------------------------------ reading

    def _read_stderr(self) -> None:
        data = bytes(self._process.readAllStandardError().data())
        for line in data.decode("utf-8", "replace").splitlines():
            if line.strip():
                self._stderr_tail.append(line.strip())
                worker_log.info("%s", line)

    def _drain(self) -> None:
        """Read and decode complete lines for a few milliseconds; if more are
        waiting, come back on the next turn of the event loop."""
        deadline = time.monotonic() + DRAIN_BUDGET
        messages: list[Message] = []
        while self._process.canReadLine():
            self._decode(bytes(self._process.readLine().data()), messages)
            if time.monotonic() > deadline:
                self._drain_timer.start()
                break
        else:
            self._discard_overlong()
        self._dispatch(messages)

    def _drain_all(self) -> None:
        """Everything left after the worker exited, a last unterminated line too."""
        self._drain_timer.stop()
        messages: list[Message] = []
        while self._process.canReadLine():
            self._decode(bytes(self._process.readLine().data()), messages)
        self._decode(bytes(self._process.readAllStandardOutput().data()), messages)
        self._dispatch(messages)
        self._read_stderr()

    def _discard_overlong(self) -> None:
        """A line longer than the protocol allows, with no end in sight: drop
        what came so far, and the rest of it when its newline arrives."""
        if self._process.bytesAvailable() > MAX_LINE_BYTES:
            dropped = self._process.readAllStandardOutput().size()
            self._skip_line = True
            log.warning("worker wrote %d bytes without a newline; dropped", dropped)

    def _decode(self, line: bytes, into: list[Message]) -> None:
        if self._skip_line:
            self._skip_line = not line.endswith(b"\n")
            return
        if not line.strip():
            return
        try:
            into.append(decode_event(line.rstrip(b"\r\n")))
        except ProtocolError as exc:
            log.warning("ignoring a line from the worker: %s: %.200r", exc, line)

    def _dispatch(self, messages: list[Message]) -> None:
        """Emit the messages in order, consecutive ``added`` ones as one batch."""
        added: list[DownloadInfo] = []
        for message in messages:
            if isinstance(message, Added):
                added.extend(message.downloads)
                continue
            if added:
                self.downloadsAdded.emit(added)
                added = []
            self._emit(message)
        if added:
            self.downloadsAdded.emit(added)

    def _emit(self, message: Message) -> None:
        match message:
            case Hello():
                log.info("worker says hello: protocol %d, pid %d", message.version, message.pid)
                if message.version != PROTOCOL_VERSION:
                    self._refuse(message)
                    return
                self._hello = message
                self._startup_error = None
                if self._state is WorkerState.STARTING:
                    self._state = WorkerState.RUNNING
                self.connected.emit(message)
            case Snapshot():
                self._snapshot.extend(message.downloads)
                if not message.more:
                    downloads, self._snapshot = self._snapshot, []
                    self.snapshotReceived.emit(downloads)
            case Changed():
                self.downloadChanged.emit(message.id, message.fields)
            case Progress():
                self._progress.extend(message.items)
                if not message.more:
                    items, self._progress = self._progress, []
                    self.progressReceived.emit(items)
            case Removed():
                self.downloadsRemoved.emit(list(message.ids))
            case Moved():
                self.downloadsMoved.emit(list(message.places))
            case Segments():
                self.segmentsReceived.emit(message)
            case Media():
                self.mediaReceived.emit(message)
            case RpcStatus():
                self.rpcStatusReceived.emit(message)
            case OptionsChanged():
                self.optionsChanged.emit(message)
            case ScheduleStatus():
                self.scheduleStatusReceived.emit(message)
            case WhenDoneStatus():
                self.whenDoneStatusReceived.emit(message)
            case Error():
                log.info("worker error (%s): %s", message.code, message.message)
                if message.fatal:  # it cannot start at all: restarting would fail again
                    self._startup_error = explained(message.code, message.message)
                self.errorReported.emit(message)
            case _:
                log.warning("unexpected %s event from the worker", message.TYPE)
