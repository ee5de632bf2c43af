"""Debian's Firefox ESR, headless, with Greenget's extension installed as a
temporary add-on, driven over WebDriver BiDi (the W3C protocol Firefox speaks
itself, so no geckodriver is needed) through ``websocket-client``."""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import websocket

FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
_LISTENING = re.compile(rb"WebDriver BiDi listening on (ws://127\.0\.0\.1:\d+)")
START_TIMEOUT = 60.0
DEAD_PORT = 9  # discard: nothing listens there


class BidiError(Exception):
    pass


class Firefox:
    """One Firefox process and one BiDi session; ``downloads`` is its folder."""

    def __init__(self, binary: str, extension: Path, profile: Path, downloads: Path) -> None:
        self.downloads = downloads
        profile.mkdir(parents=True)
        downloads.mkdir(parents=True, exist_ok=True)
        prefs = {"browser.download.dir": str(downloads), "browser.download.folderList": 2,
                 "browser.download.useDownloadDir": True,
                 "browser.download.always_ask_before_handling_new_types": False,
                 # Firefox's own services (Remote Settings, telemetry, updates) go to
                 # a dead local proxy: nothing leaves 127.0.0.1, which is never proxied.
                 "network.proxy.type": 1, "network.proxy.http": "127.0.0.1",
                 "network.proxy.http_port": DEAD_PORT, "network.proxy.share_proxy_settings": True,
                 "network.proxy.allow_hijacking_localhost": False,
                 "network.dns.disablePrefetch": True}
        (profile / "user.js").write_text("".join(
            f"user_pref({json.dumps(name)}, {json.dumps(value)});\n"
            for name, value in prefs.items()), encoding="utf-8")
        self._log = (profile / "firefox.log").open("w+b")
        self.process = subprocess.Popen(
            [binary, "--headless", "--no-remote", "--profile", str(profile),
             "--remote-debugging-port", "0"], stdout=self._log, stderr=subprocess.STDOUT)
        self._ids = itertools.count(1)
        try:
            self._socket = websocket.create_connection(f"{self._address()}/session",
                                                       timeout=30, suppress_origin=True)
            self.call("session.new", capabilities={})
            self.call("webExtension.install",
                      extensionData={"type": "path", "path": str(extension)})
            self.context = self.call("browsingContext.getTree")["contexts"][0]["context"]
        except BaseException:
            self.quit()
            raise

    def _address(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            self._log.seek(0)
            found = _LISTENING.search(self._log.read())
            if found:
                return found.group(1).decode()
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self._log.seek(0)
        raise BidiError(f"Firefox did not start its BiDi server:\n{self._log.read()[-2000:]!r}")

    def call(self, method: str, **params: Any) -> Any:
        number = next(self._ids)
        self._socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv())
            if message.get("id") == number:
                if message.get("type") == "error":
                    raise BidiError(f"{method}: {message.get('message')}")
                return message["result"]

    def get(self, url: str) -> None:
        self.call("browsingContext.navigate", context=self.context, url=url, wait="complete")

    def evaluate(self, expression: str) -> Any:
        """The value of ``expression`` in the page (a string, number, bool or null)."""
        answer = self.call("script.evaluate", expression=expression,
                           target={"context": self.context}, awaitPromise=True)
        if answer["type"] == "exception":
            raise BidiError(answer["exceptionDetails"]["text"])
        return answer["result"].get("value")

    def wait_for(self, condition: Callable[[], object], what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.1)

    def pair(self, link: str) -> str:
        self.get(link)
        state = "document.getElementById('greenget-pairing').dataset.state"
        self.wait_for(lambda: self.evaluate(state) in ("paired", "failed"),
                      "the extension to pair")
        return str(self.evaluate("document.getElementById('greenget-pairing').textContent"))

    def files(self) -> list[str]:
        return sorted(path.name for path in self.downloads.iterdir())

    def quit(self) -> None:
        socket = getattr(self, "_socket", None)
        if socket is not None:
            with contextlib.suppress(BidiError, OSError, websocket.WebSocketException):
                self.call("browser.close")
            socket.close()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self._log.close()
