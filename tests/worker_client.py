"""Drive a real ``python -m engine`` worker over its protocol, from a test."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import queue
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from engine import protocol as p

REPO = Path(__file__).resolve().parents[1]


def _limit_file_size(limit: int) -> Callable[[], None]:
    """A pre-exec hook giving the child RLIMIT_FSIZE: writes past ``limit`` fail
    with EFBIG, as on a full disk (Python ignores SIGXFSZ)."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


class WorkerProcess:
    """A worker subprocess whose events are read on a thread and folded into
    ``downloads`` (id → latest :class:`DownloadInfo`)."""

    def __init__(self, home: Path, *, settings: p.SetOptions | None = None,
                 file_size_limit: int | None = None,
                 env: dict[str, str] | None = None, module: str = "engine",
                 environ: Mapping[str, str] = os.environ, code_dir: Path = REPO) -> None:
        """``module``: what ``python -m`` runs (``tests.engine.instrumented_worker``
        for the worker with test hooks), from ``code_dir`` (bench/run.py runs a
        snapshot), in ``environ`` plus ``env``."""
        env = {**environ, **(env or {}), "GREENGET_HOME": str(home),
               "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
        self.stderr_path = home / f"worker-{time.monotonic_ns()}.log"
        home.mkdir(parents=True, exist_ok=True)
        self._stderr = open(self.stderr_path, "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "-m", module], cwd=code_dir, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            preexec_fn=None if file_size_limit is None else _limit_file_size(file_size_limit),
        )
        self.events: queue.Queue[p.Message | None] = queue.Queue()
        self.seen: list[p.Message] = []
        self.downloads: dict[int, p.DownloadInfo] = {}
        self._errors: list[p.Error] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.hello = self.expect(p.Hello)
        self.wait_until(lambda: any(isinstance(m, p.Snapshot) and not m.more for m in self.seen),
                        what="the snapshot's last line")
        if settings is not None:
            self.send(settings)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.events.put(p.decode_event(line))
        self.events.put(None)

    def _apply(self, message: p.Message) -> None:
        self.seen.append(message)
        if isinstance(message, p.Error):
            self._errors.append(message)
        elif isinstance(message, p.Snapshot | p.Added):
            self.downloads.update((d.id, d) for d in message.downloads)
        elif isinstance(message, p.Changed) and message.id in self.downloads:
            self.downloads[message.id] = p.apply(self.downloads[message.id], message.fields)
        elif isinstance(message, p.Progress):
            for item in message.items:
                if item.id in self.downloads:
                    self.downloads[item.id] = dataclasses.replace(self.downloads[item.id],
                                                                  done=item.done)
        elif isinstance(message, p.Moved):
            for place in message.places:
                if place.id in self.downloads:
                    self.downloads[place.id] = dataclasses.replace(self.downloads[place.id],
                                                                   position=place.position)
        elif isinstance(message, p.Removed):
            for download_id in message.ids:
                self.downloads.pop(download_id, None)

    def send(self, message: p.Message) -> None:
        self.send_raw((message.encode() + "\n").encode())

    def send_raw(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def wait_until(self, condition: Callable[[], bool], timeout: float = 30.0,
                   what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}; downloads: "
                                     f"{self.downloads}\nlog:\n{self.log()[-3000:]}")
            try:
                message = self.events.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if message is None:
                if condition():
                    return
                raise AssertionError(f"worker exited ({self.proc.wait()}) waiting for "
                                     f"{what}\nlog:\n{self.log()[-3000:]}")
            self._apply(message)

    def pump(self, seconds: float) -> None:
        """Take in the events that arrive in the next ``seconds``."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = self.events.get(timeout=left)
            except queue.Empty:
                return
            if message is None:
                return
            self._apply(message)

    def expect(self, kind: type[p.Message], timeout: float = 30.0) -> p.Message:
        start = len(self.seen)
        self.wait_until(lambda: any(isinstance(m, kind) for m in self.seen[start:]), timeout,
                        kind.TYPE)
        return next(m for m in self.seen[start:] if isinstance(m, kind))

    def add(self, urls: list[str], directory: Path, **options: object) -> list[int]:
        start = len(self.seen)
        self.send(p.Add(tuple(urls), str(directory), p.DownloadOptions(**options)))
        def answered() -> int:  # each URL is added or refused
            return sum(len(m.downloads) if isinstance(m, p.Added) else 1
                       for m in self.seen[start:] if isinstance(m, p.Added | p.Error))

        self.wait_until(lambda: answered() >= len(urls), what="added")
        return [d.id for m in self.seen[start:] if isinstance(m, p.Added) for d in m.downloads]

    def wait_state(self, download_id: int, *states: p.State,
                   timeout: float = 60.0) -> p.DownloadInfo:
        self.wait_until(lambda: download_id in self.downloads
                        and self.downloads[download_id].state in states, timeout,
                        f"download {download_id} to be {'/'.join(states)}")
        return self.downloads[download_id]

    def wait_done(self, download_id: int, at_least: int, timeout: float = 60.0) -> None:
        self.wait_until(lambda: self.downloads[download_id].done >= at_least, timeout,
                        f"download {download_id} to reach {at_least} bytes")

    def errors(self) -> list[p.Error]:
        return self._errors

    def log(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.close()

    def shutdown(self, timeout: float = 15.0) -> int:
        if self.proc.poll() is None:
            self.send(p.Shutdown())
        code = self.proc.wait(timeout)
        self.close()
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._stderr.close()
