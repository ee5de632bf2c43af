"""Fixtures for driving the real worker."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine import protocol as p
from tests.worker_client import WorkerProcess

# Fast failure handling, so fault tests take seconds, not minutes.
FAST = p.SetOptions(read_timeout=1.5, retry_delay=0.05, retry_delay_max=0.3, max_retries=4)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "Downloads"
    folder.mkdir()
    return folder


@pytest.fixture
def worker(home: Path) -> Iterator[WorkerProcess]:
    process = WorkerProcess(home, settings=FAST)
    yield process
    process.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
