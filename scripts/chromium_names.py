"""Ask a real Chromium which name it gives each download of the naming corpus.

    python -m scripts.chromium_names [--chromium /usr/lib/chromium/chromium]

Serves every case of tests/engine/naming_corpus.json from the fault server on
127.0.0.1, navigates a headless Chromium to it and reads the name from DevTools'
``Browser.downloadWillBegin`` (the name ``net::GenerateFileName`` gives, with
the default name "download").  Prints each case whose name differs from the
corpus's ``chromium`` value, and the count.  DevTools is spoken over
``--remote-debugging-pipe`` (file descriptors 3 and 4), so only the standard
library is needed.  Nothing leaves the machine: Chromium runs with
``--no-proxy-server`` and fetches loopback URLs only.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tests.servers.harness import run_fault_server

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "engine" / "naming_corpus.json"
WAIT = 4.0  # seconds for a download (or a page) to start


class DevTools:
    """A headless Chromium and its DevTools pipe."""

    def __init__(self, binary: str, profile: str) -> None:
        to_chrome_r, self._write = os.pipe()
        self._read, from_chrome_w = os.pipe()

        def pipes_as_3_and_4() -> None:
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "--no-first-run", "--disable-gpu",
             "--no-proxy-server", "about:blank"],
            preexec_fn=pipes_as_3_and_4, close_fds=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._id = 0

    def call(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 10
        while (answer := self.next(deadline - time.monotonic())) is not None:
            if answer.get("id") == self._id:
                return answer
        raise TimeoutError(method)

    def next(self, timeout: float) -> dict[str, Any] | None:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._read], [], [], max(0.0, timeout))
            if not ready:
                return None
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise EOFError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(line)  # type: ignore[no-any-return]

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        os.close(self._write)
        os.close(self._read)


def _key(url: str) -> str:
    return url.split("/named/", 1)[-1]


def chromium_names(binary: str, base_url: str, cases: list[dict[str, Any]],
                   folder: str) -> dict[int, str | None]:
    """Case id -> the name Chromium gives (None: it showed the response instead)."""
    chrome = DevTools(binary, os.path.join(folder, "profile"))
    try:
        chrome.call("Browser.setDownloadBehavior", {
            "behavior": "allowAndName", "downloadPath": os.path.join(folder, "saved"),
            "eventsEnabled": True})
        target = chrome.call("Target.createTarget", {"url": "about:blank"})["result"]["targetId"]
        session = chrome.call("Target.attachToTarget",
                              {"targetId": target, "flatten": True})["result"]["sessionId"]
        chrome.call("Page.enable", session=session)
        seen: dict[str, str | None] = {}
        names: dict[int, str | None] = {}
        for case in cases:
            params = {"size": "7", "ctype": case["content_type"] or "application/octet-stream"}
            if case["header"] is not None:
                params["cd_raw"] = case["header"].encode("latin-1").hex()
            url = f"{base_url}/named/{urlencode(params).encode().hex()}/{case['path']}"
            chrome.call("Page.navigate", {"url": url}, session=session)
            deadline = time.monotonic() + WAIT
            while _key(url) not in seen and time.monotonic() < deadline:
                event = chrome.next(deadline - time.monotonic())
                if event is None:
                    break
                if event.get("method") == "Browser.downloadWillBegin":
                    seen[_key(event["params"]["url"])] = event["params"]["suggestedFilename"]
                elif event.get("method") == "Page.frameNavigated":
                    seen.setdefault(_key(event["params"]["frame"]["url"]), None)
            names[case["id"]] = seen.get(_key(url))
        return names
    finally:
        chrome.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chromium", default="/usr/lib/chromium/chromium")
    args = parser.parse_args(argv)
    cases = json.loads(CORPUS.read_text(encoding="utf-8"))["cases"]
    with tempfile.TemporaryDirectory(prefix="greenget-chromium-") as folder, \
            run_fault_server(Path(folder) / "server.log") as server:
        names = chromium_names(args.chromium, server.base_url, cases, folder)
    differ = 0
    for case in cases:
        name = names[case["id"]]
        if case["chromium_seen"] and name != case["chromium"]:
            differ += 1
            print(f"#{case['id']}: Chromium now says {name!r}, the corpus {case['chromium']!r}")
    shown = sum(1 for name in names.values() if name is not None)
    print(f"{shown}/{len(cases)} cases downloaded by Chromium; {differ} differ from the corpus")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
