"""A small site on 127.0.0.1 for the extension's tests: a page of download
links that sets a session cookie, and files served only to requests carrying
it (403 otherwise), as a site behind a login does."""

from __future__ import annotations

import html
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.servers.payload import payload

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


def serve_site(site: Site) -> tuple[Site, Callable[[], None]]:
    """Serve ``site`` on 127.0.0.1 (a port the OS picks); the second value stops it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(10)

    return site, stop
