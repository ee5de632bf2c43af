"""A real Chromium (Debian's chromium + chromedriver, headless, driven by
Selenium) with Greenget's unpacked extension loaded, a site on 127.0.0.1 that
serves files only with its cookie, and a real Greenget worker with its RPC on."""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine import protocol as p
from tests.browser.chromium import CHROMEDRIVER, CHROMIUM, Browser
from tests.browser.firefox import FIREFOX, Firefox
from tests.browser.site import Site, SiteFile, serve_site
from tests.worker_client import REPO, WorkerProcess


@pytest.fixture
def site() -> Iterator[Site]:
    files = [SiteFile("big-a.bin", 3 << 20, 1), SiteFile("big-b.bin", 2 << 20, 2),
             SiteFile("big-c.bin", (2 << 20) + 12345, 3), SiteFile("small.txt", 10_000, 4),
             SiteFile("big-d.bin", (3 << 20) + 1, 5)]
    site, stop = serve_site(Site({f.name: f for f in files}))
    yield site
    stop()


@dataclass
class Greenget:
    worker: WorkerProcess
    port: int
    secret: str
    folder: Path


@pytest.fixture
def greenget(tmp_path: Path) -> Iterator[Greenget]:
    folder = tmp_path / "greenget-downloads"
    folder.mkdir()
    worker = WorkerProcess(tmp_path / "greenget-home",
                           settings=p.SetOptions(directory=str(folder)))
    worker.send(p.SetRpc(enabled=True, port=0, secret=secrets.token_urlsafe(16)))
    status = worker.expect(p.RpcStatus)
    assert isinstance(status, p.RpcStatus) and status.enabled, status
    yield Greenget(worker, status.port, status.secret, folder)
    worker.close()


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both builds, made by the build script as a user would."""
    out = tmp_path_factory.mktemp("extension")
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_extension.py"), "--out",
                    str(out)], check=True, capture_output=True, timeout=60)
    return out


@pytest.fixture(scope="session")
def extension_dir(builds: Path) -> Path:
    return builds / "chromium"


@pytest.fixture
def firefox(builds: Path, tmp_path: Path) -> Iterator[Firefox]:
    if FIREFOX is None:
        pytest.skip("Firefox is not installed (apt-get install firefox-esr, "
                    "or scripts/install --test)")
    browser = Firefox(FIREFOX, builds / "firefox", tmp_path / "firefox-profile",
                      tmp_path / "firefox-downloads")
    yield browser
    browser.quit()


@pytest.fixture
def browser(extension_dir: Path, tmp_path: Path) -> Iterator[Browser]:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("chromium and chromedriver are not installed "
                    "(apt-get install chromium chromium-driver, or scripts/install --test)")
    browser = Browser(extension_dir, tmp_path / "chromium-profile",
                      tmp_path / "browser-downloads")
    yield browser
    browser.quit()
