"""Debian's Chromium with Greenget's unpacked extension, headless, driven by
Selenium through Debian's chromedriver (no browser is downloaded)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT = 30.0
DEAD_PORT = 9  # discard: nothing listens there


class Browser:
    """Chromium with the extension; ``downloads`` is its own download folder."""

    def __init__(self, extension: Path, profile: Path, downloads: Path,
                 language: str = "en-US", display: str | None = None) -> None:
        """Headless, unless given an X ``display`` (for the real context menu)."""
        self.downloads = downloads
        self.display = display
        downloads.mkdir(parents=True, exist_ok=True)
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        window = ("--window-position=0,0",) if display else ("--headless=new",)
        for argument in (*window, "--no-sandbox", "--disable-gpu", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--window-size=1100,800", f"--lang={language}",
                         # Anything but loopback (never proxied) goes to a dead proxy.
                         f"--proxy-server=http://127.0.0.1:{DEAD_PORT}",
                         f"--user-data-dir={profile}", f"--load-extension={extension}"):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "intl.accept_languages": language,
        })
        environment = {**os.environ, "DISPLAY": display} if display else None
        self.driver = webdriver.Chrome(options=options,
                                       service=Service(CHROMEDRIVER, env=environment))
        self.extension_id = self._find_extension(extension)

    def _find_extension(self, extension: Path) -> str:
        """The id Chromium gave the unpacked extension, read from its own list."""
        self.driver.get("chrome://extensions-internals")
        text = self.driver.find_element(By.TAG_NAME, "body").text
        for block in text.split('"id": "')[1:]:
            if f'"path": "{extension}"' in block or f'"path": "{extension.resolve()}"' in block:
                return block[:32]
        raise AssertionError(f"the extension was not loaded:\n{text[:3000]}")

    def page(self, name: str) -> str:
        return f"chrome-extension://{self.extension_id}/{name}"

    def wait_for(self, condition: Callable[[], object], what: str,
                 timeout: float = WAIT) -> object:
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.1)

    def attribute(self, selector: str, name: str) -> str | None:
        found = self.driver.find_elements(By.CSS_SELECTOR, selector)
        return found[0].get_attribute(name) if found else None

    def pair(self, link: str) -> str:
        """Open the pairing link as Greenget's Settings do; the page's text."""
        self.driver.get(link)
        self.wait_for(lambda: self.attribute("#greenget-pairing", "data-state")
                      in ("paired", "failed"), "the extension to pair")
        return str(self.driver.find_element(By.ID, "greenget-pairing").text)

    def files(self) -> list[str]:
        return sorted(path.name for path in self.downloads.iterdir())

    def downloads_listed(self) -> list[dict[str, object]]:
        """The browser's own download list (chrome.downloads.search), read on
        an extension page."""
        self.driver.get(self.page("popup.html"))
        found = self.driver.execute_async_script(
            "chrome.downloads.search({}).then(arguments[arguments.length - 1]);")
        return [{"url": d["url"], "state": d["state"], "filename": d["filename"]} for d in found]

    def quit(self) -> None:
        self.driver.quit()
