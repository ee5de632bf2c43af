"""A real Chromium (Debian's chromium + chromedriver, headless, driven by
Selenium) with Greenget's unpacked extension loaded, a site on 127.0.0.1 that
serves files only with its cookie, and a real Greenget worker with its RPC on."""

from __future__ import annotations

import html
import re
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from engine import protocol as p
from tests.browser.chromium import CHROMEDRIVER, CHROMIUM, Browser
from tests.servers.payload import payload
from tests.worker_client import REPO, WorkerProcess

COOKIE = "greenget_test_session"


@dataclass
class SiteFile:
    name: str
    size: int
    seed: int

    @property
    def data(self) -> bytes:
        return payload(self.size, self.seed)


@dataclass
class Site:
    """A page with download links; each file is served only to a request
    carrying the cookie the page set."""

    files: dict[str, SiteFile]
    session: str = field(default_factory=lambda: secrets.token_hex(8))
    requests: list[dict[str, str]] = field(default_factory=list)
    base_url: str = ""

    def url(self, name: str) -> str:
        return f"{self.base_url}/files/{name}"

    def page(self) -> bytes:
        links = "".join(f'<li><a id="{html.escape(f.name)}" href="/files/{html.escape(f.name)}">'
                        f"{html.escape(f.name)}</a></li>" for f in self.files.values())
        return (f"<!DOCTYPE html><html><head><title>Files</title></head><body><ul>{links}"
                '<li><a href="/about">About this site</a></li></ul></body></html>').encode()


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/":
                self._send(200, site.page(), "text/html; charset=utf-8",
                           {"Set-Cookie": f"{COOKIE}={site.session}; Path=/; SameSite=Lax"})
                return
            match = re.fullmatch(r"/files/([\w.-]+)", self.path)
            file = site.files.get(match.group(1)) if match else None
            if file is None:
                self._send(404, b"not here", "text/plain")
                return
            site.requests.append({"path": self.path, "cookie": self.headers.get("Cookie", ""),
                                  "referer": self.headers.get("Referer", ""),
                                  "user_agent": self.headers.get("User-Agent", "")})
            if f"{COOKIE}={site.session}" not in self.headers.get("Cookie", ""):
                self._send(403, b"<h1>Log in first</h1>", "text/html")
                return
            self._send(200, file.data, "application/octet-stream",
                       {"Content-Disposition": f'attachment; filename="{file.name}"'})

        def _send(self, status: int, body: bytes, kind: str,
                  headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    files = [SiteFile("big-a.bin", 3 << 20, 1), SiteFile("big-b.bin", 2 << 20, 2),
             SiteFile("big-c.bin", (2 << 20) + 12345, 3), SiteFile("small.txt", 10_000, 4),
             SiteFile("big-d.bin", (3 << 20) + 1, 5)]
    site = Site({f.name: f for f in files})
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()
    thread.join(10)


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
def extension_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Chromium build, made by the build script as a user would."""
    out = tmp_path_factory.mktemp("extension")
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_extension.py"), "--out",
                    str(out)], check=True, capture_output=True, timeout=60)
    return out / "chromium"


@pytest.fixture
def browser(extension_dir: Path, tmp_path: Path) -> Iterator[Browser]:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("chromium and chromedriver are not installed "
                    "(apt-get install chromium chromium-driver, or scripts/install --test)")
    downloads = tmp_path / "browser-downloads"
    downloads.mkdir()
    browser = Browser(extension_dir, tmp_path / "chromium-profile", downloads)
    yield browser
    browser.quit()
