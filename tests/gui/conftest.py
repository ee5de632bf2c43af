"""Fixtures for the GUI tests: fake and real worker commands, isolated settings."""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer

from gui.engine_client import Backoff, EngineClient
from gui.main_window import MainWindow
from gui.settings import Settings

FAKE_WORKER = Path(__file__).with_name("fake_worker.py")
FAST_BACKOFF = Backoff(initial=0.05, maximum=0.2, healthy_after=5.0, give_up_after=3)


def fake_worker(mode: str, arg: str = "") -> list[str]:
    """The command that runs the fake worker in ``mode``."""
    return [sys.executable, "-u", str(FAKE_WORKER), mode, *([arg] if arg else [])]


@pytest.fixture
def make_client(qtbot) -> Iterator[Callable[..., EngineClient]]:
    """Builds clients that are stopped (and their workers reaped) after the test."""
    clients: list[EngineClient] = []

    def make(command: list[str], **kwargs) -> EngineClient:
        kwargs.setdefault("backoff", FAST_BACKOFF)
        kwargs.setdefault("shutdown_timeout", 2.0)
        client = EngineClient(command, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.stop_and_wait()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """A settings file of the test's own."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, make_client, settings, tmp_path: Path):
    """Builds a shown MainWindow whose worker is the fake one in ``mode``."""

    def make(mode: str = "normal", arg: str = "", *, ready: bool = True) -> MainWindow:
        """``ready``: return once the worker's first snapshot is in the table."""
        client = make_client(fake_worker(mode, arg))
        prefs = Settings(settings)
        prefs.download_dir = str(tmp_path / "downloads")
        window = MainWindow(client, prefs)
        qtbot.addWidget(window)
        window.show()
        if ready:
            with qtbot.waitSignal(client.snapshotReceived, timeout=10_000):
                client.start()
        else:
            client.start()
        return window

    return make


def worst_gap(qtbot, seconds: float, interval_ms: int = 5) -> float:
    """Run the event loop for ``seconds`` with a timer ticking every
    ``interval_ms``; the longest time between two ticks, in seconds."""
    stamps: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(interval_ms)
    timer.timeout.connect(lambda: stamps.append(time.perf_counter()))
    timer.start()
    qtbot.wait(round(seconds * 1000))
    timer.stop()
    return max(b - a for a, b in itertools.pairwise(stamps))
