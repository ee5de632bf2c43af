"""The worker process: commands in on stdin, events out on stdout, logs on stderr.

Runs on one gevent hub (``engine/__main__.py`` patched the standard library
before importing this).  The pipe is read and written cooperatively, so a
client that stops reading never blocks the downloads.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import gevent
from gevent.fileobject import FileObject
from gevent.queue import Queue

from engine import protocol
from engine.allocator import keep_big_buffers_out_of_the_heap
from engine.aria2 import Aria2Api
from engine.home import AlreadyRunning, StateLock, state_home
from engine.limits import raise_open_file_limit
from engine.pairing import Pairing
from engine.protocol import MAX_LINE_BYTES, ProtocolError
from engine.rpc import RpcServer, load_secret
from engine.scheduler import Scheduler
from engine.store import Store, StoreError, set_aside
from engine.supervision import Supervisor
from engine.timekeeper import SystemClock, Timekeeper

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_CANNOT_START = 3
EXIT_LOOP_DIED = 4  # a supervised greenlet died; the client restarts the worker


class Pipe:
    """Events out through a queue drained by one writer greenlet."""

    def __init__(self, supervisor: Supervisor) -> None:
        self._out = FileObject(sys.stdout.fileno(), "wb", close=False)
        self._queue: Queue[bytes | None] = Queue()
        self._writer = supervisor.spawn("event writer", self._write_loop)

    def emit(self, message: protocol.Message) -> None:
        self._queue.put((message.encode() + "\n").encode("utf-8"))

    def _write_loop(self) -> None:
        """Write queued lines, many at once when they pile up; end at ``None``."""
        while True:
            line = self._queue.get()
            batch = []
            while line is not None:
                batch.append(line)
                if self._queue.empty():
                    break
                line = self._queue.get()
            try:
                self._out.write(b"".join(batch))
                self._out.flush()
            except OSError:
                log.warning("the client stopped reading; events dropped")
                return
            if line is None:
                return

    def close(self, timeout: float = 5.0) -> None:
        self._queue.put(None)
        self._writer.join(timeout)


class LineSource(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def read_commands(stdin: LineSource) -> Iterator[bytes | ProtocolError]:
    """Yield each line of stdin (bytes) or a :class:`ProtocolError` for one too long."""
    while True:
        line = stdin.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := stdin.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield ProtocolError(f"line too long (over {MAX_LINE_BYTES} bytes); ignored")
            continue
        yield line


class RpcControl:
    """Turns the aria2 JSON-RPC endpoint on and off as the client asks."""

    def __init__(self, home: Path, pipe: Pipe) -> None:
        self.home = home
        self.pipe = pipe
        self.server: RpcServer | None = None
        self._secret = ""

    def observe(self, message: protocol.Message) -> None:
        if self.server is not None:
            self.server.observe(message)

    def configure(self, scheduler: Scheduler, message: protocol.SetRpc) -> None:
        self.stop()
        if not message.enabled:
            self.pipe.emit(protocol.RpcStatus(enabled=False))
            return
        try:
            self._secret = message.secret or load_secret(self.home)
            server = RpcServer(Aria2Api(scheduler, lambda: self._secret), message.port,
                               allow_remote=message.allow_remote, origins=message.origins,
                               pairing=Pairing(lambda: self._secret))
            port = server.start()
        except OSError as exc:
            self.pipe.emit(protocol.RpcStatus(
                enabled=False, port=message.port,
                error=f"The JSON-RPC endpoint cannot listen on port {message.port}: "
                      f"{exc.strerror or exc}", error_code=protocol.ErrorCode.PORT))
            return
        self.server = server
        self.pipe.emit(protocol.RpcStatus(enabled=True, port=port, secret=self._secret))

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


def serve(scheduler: Scheduler, pipe: Pipe, rpc: RpcControl) -> None:
    stdin = FileObject(sys.stdin.fileno(), "rb", close=False)
    for line in read_commands(stdin):
        if isinstance(line, ProtocolError):
            pipe.emit(protocol.Error(str(line), code=protocol.ErrorCode.BAD_LINE))
            continue
        if not line.strip():
            continue
        try:
            message = protocol.decode_command(line)
        except ProtocolError as exc:
            pipe.emit(protocol.Error(f"Ignored a line that is not a command: {exc}",
                                     code=protocol.ErrorCode.BAD_LINE))
            continue
        if isinstance(message, protocol.Shutdown):
            log.info("shutdown requested")
            return
        if isinstance(message, protocol.SetRpc):
            rpc.configure(scheduler, message)
            continue
        scheduler.handle(message)
    log.info("stdin closed; shutting down")


def open_store(path: Path, pipe: Pipe) -> Store:
    """The store at ``path``; a damaged or too-new one is set aside (kept as a
    backup, the user told where) and a fresh one started, so the app still opens."""
    try:
        return Store(path)
    except StoreError as exc:
        if not path.exists():
            raise
        backup = set_aside(path)
        pipe.emit(protocol.Error(f"{exc} It was kept as {backup}; Greenget starts with an "
                                 "empty download list.", code=exc.code))
        return Store(path)


def main() -> int:
    logging.basicConfig(
        level=os.environ.get("GREENGET_LOG_LEVEL", "INFO").upper(),
        stream=sys.stderr,
        format="%(asctime)s worker %(levelname)s %(name)s: %(message)s",
    )
    raise_open_file_limit()
    keep_big_buffers_out_of_the_heap()
    supervisor = Supervisor()
    pipe = Pipe(supervisor)
    home = state_home()
    lock = StateLock(home, "worker")
    try:
        lock.acquire()
        store = open_store(home / "downloads.sqlite3", pipe)
    except (AlreadyRunning, StoreError, OSError) as exc:
        code = (protocol.ErrorCode.ALREADY_RUNNING if isinstance(exc, AlreadyRunning)
                else protocol.ErrorCode.STATE_FOLDER)
        message = str(exc) if not isinstance(exc, OSError) else (
            f"Cannot use the state folder {home}: {exc.strerror or exc}")
        log.error("%s", message)
        pipe.emit(protocol.Error(message, code=code, fatal=True))
        pipe.close()
        return EXIT_CANNOT_START
    pipe.emit(protocol.Hello(protocol.PROTOCOL_VERSION, os.getpid()))
    rpc = RpcControl(home, pipe)

    def emit(message: protocol.Message) -> None:
        pipe.emit(message)
        rpc.observe(message)

    scheduler = Scheduler(store, emit, supervisor=supervisor)
    timekeeper = Timekeeper(scheduler, store, emit, SystemClock())
    timekeeper.load()  # first: nothing starts outside the schedule's hours
    scheduler.start()
    timekeeper.start()
    for snapshot in scheduler.snapshot():
        pipe.emit(snapshot)
    pipe.emit(timekeeper.status())
    if os.environ.get("GREENGET_RPC_PORT", "").isdigit():
        rpc.configure(scheduler, protocol.SetRpc(
            enabled=True, port=int(os.environ["GREENGET_RPC_PORT"]),
            secret=os.environ.get("GREENGET_RPC_SECRET", "")))
    serving = gevent.spawn(serve, scheduler, pipe, rpc)
    try:
        ended: list[Any] = [serving, supervisor.failed]
        gevent.wait(ended, count=1)
        if supervisor.failed.ready():
            serving.kill()
            log.critical("exiting so that the client restarts the worker: %s",
                         supervisor.failed.get())
            return EXIT_LOOP_DIED
        serving.get()  # re-raises what ended it
    finally:
        rpc.stop()
        timekeeper.stop()
        try:
            scheduler.stop()
        except Exception:  # the store may be what failed; the next worker resumes from it
            log.exception("could not stop the downloads cleanly")
        store.close()
        lock.release()
        pipe.close()
    return EXIT_OK
