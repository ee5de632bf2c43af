"""Shared test set-up: offscreen Qt, isolated state folders, the test servers."""

from __future__ import annotations

import os

# Without a display Qt aborts the whole pytest process; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Nor does a test talk to the desktop it runs on (notifications): those that
# need a session bus start their own.
os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.harness import (
    FaultServer,
    Nginx,
    find_nginx,
    make_self_signed_certificate,
    run_fault_server,
    run_nginx,
    run_xvfb,
)


@pytest.fixture(scope="session")
def fault_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultServer]:
    """The fault-injecting server (tests/servers/faulty.py) in a child process.

    Shared by the whole session: call ``reset()`` before counting with ``stats()``, and
    give each test's URLs their own name (or ``key=``) so fail=K counters do not mix.
    Set GREENGET_TEST_SERVER_LOG=DEBUG to log every request to its ``log_path``.
    """
    log_path = tmp_path_factory.mktemp("fault-server") / "stderr.log"
    level = os.environ.get("GREENGET_TEST_SERVER_LOG", "WARNING")
    with run_fault_server(log_path, level) as server:
        yield server


@pytest.fixture(scope="session")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FaultServer, Path]]:
    """The fault server over HTTPS with a self-signed certificate, and that
    certificate (a CA file a client can be told to trust)."""
    folder = tmp_path_factory.mktemp("tls-server")
    cert, key = make_self_signed_certificate(folder)
    with run_fault_server(folder / "stderr.log", tls=(cert, key)) as server:
        yield server, cert


@pytest.fixture(scope="session")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    """A real nginx on 127.0.0.1 with its own prefix; files go in with ``add_file``."""
    binary = find_nginx()
    if binary is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    with run_nginx(binary, tmp_path_factory.mktemp("nginx")) as server:
        yield server


@pytest.fixture(scope="session")
def xvfb() -> Iterator[str]:
    """A virtual X display (Xvfb) for tests that start the real window; its DISPLAY."""
    with run_xvfb() as display:
        yield display


@pytest.fixture
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh GREENGET_HOME (where the engine keeps its store) for this test."""
    home = tmp_path / "greenget-home"
    home.mkdir()
    monkeypatch.setenv("GREENGET_HOME", str(home))
    return home


@pytest.fixture
def download_dir(tmp_path: Path) -> Path:
    """A fresh, empty download folder for this test."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder
