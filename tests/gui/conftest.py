"""Fixtures for the GUI tests: fake and real worker commands, isolated settings."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from gui.engine_client import Backoff, EngineClient

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
