"""Screenshots of the browser extension and of pairing it, for docs/screenshots/.

Run under a virtual display, from the repository root::

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/screenshots/capture_extension.py

It starts the window with its real worker (a throw-away GREENGET_HOME and
settings file), turns the JSON-RPC endpoint on, clicks *Pair a browser* in
Settings and hands the link to Debian's headless Chromium with the extension
loaded (as the default browser would get it), then shoots: the settings tab
(``settings-pairing.png``), the pairing page (``extension-pairing.png``), the
toolbar popup opened as a page (``extension-popup.png``) and the "all links"
page for a local page of links (``extension-links.png``).  Nothing but
127.0.0.1 is contacted.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
SCRATCH = Path(tempfile.mkdtemp(prefix="greenget-extension-shots-"))
os.environ["GREENGET_HOME"] = str(SCRATCH / "state")
os.environ["LANG"] = "en_US.UTF-8"
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QObject, QSettings, Qt, QUrl, Slot  # noqa: E402
from PySide6.QtGui import QDesktopServices  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from gui.engine_client import EngineClient  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from gui.settings import Settings  # noqa: E402
from tests.browser.chromium import Browser  # noqa: E402
from tests.browser.site import Site, SiteFile, serve_site  # noqa: E402


class LinkCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


def pump_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        QApplication.processEvents()
        time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> int:
    app = QApplication(sys.argv)
    built = SCRATCH / "extension"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_extension.py"), "--out",
                    str(built)], check=True)
    prefs = Settings(QSettings(str(SCRATCH / "settings.ini"), QSettings.Format.IniFormat))
    prefs.download_dir = str(SCRATCH / "downloads")
    prefs.rpc_enabled = True
    prefs.rpc_port = free_port()
    client = EngineClient()
    window = MainWindow(client, prefs)
    catcher = LinkCatcher()
    QDesktopServices.setUrlHandler("http", catcher, "open")  # type: ignore[arg-type]
    files = [SiteFile("ubuntu-24.04-desktop-amd64.iso", 1000, 1),
             SiteFile("ubuntu-24.04-desktop-amd64.iso.sha256", 100, 2),
             SiteFile("release-notes.pdf", 1000, 3), SiteFile("wallpapers.zip", 1000, 4)]
    site, stop_site = serve_site(Site({f.name: f for f in files}))
    browser = Browser(built / "chromium", SCRATCH / "profile", SCRATCH / "browser-downloads")
    try:
        client.start()
        window.show()
        window.open_settings()
        dialog = window.settings_dialog
        assert dialog is not None
        dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
        pump_until(dialog.pairing.button.isEnabled)
        QTest.mouseClick(dialog.pairing.button, Qt.MouseButton.LeftButton)
        pump_until(lambda: bool(catcher.urls))
        dialog.raise_()
        QTest.qWait(500)
        dialog.grab().save(str(OUT / "settings-pairing.png"))

        browser.driver.set_window_size(900, 420)
        browser.pair(catcher.urls[0])
        browser.driver.save_screenshot(str(OUT / "extension-pairing.png"))

        browser.driver.get(site.base_url + "/")
        browser.driver.switch_to.new_window("tab")
        browser.driver.get(browser.page("popup.html"))
        browser.wait_for(lambda: browser.attribute("#status", "data-state") == "connected",
                         "the popup to connect")
        browser.driver.find_element(By.TAG_NAME, "body").screenshot(
            str(OUT / "extension-popup.png"))
        tab_id = browser.driver.execute_async_script(
            "chrome.tabs.query({url: arguments[0] + '/*'})"
            ".then((tabs) => arguments[arguments.length - 1](tabs[0].id));", site.base_url)
        browser.driver.set_window_size(900, 520)
        browser.driver.get(browser.page(f"links.html?tab={tab_id}"))
        browser.wait_for(lambda: browser.attribute("body", "data-ready") == "true", "links")
        for box in browser.driver.find_elements(By.CSS_SELECTOR, "#links input"):
            if str(box.get_attribute("value")).endswith((".iso", ".pdf")):
                box.click()
        browser.driver.save_screenshot(str(OUT / "extension-links.png"))
    finally:
        browser.quit()
        stop_site()
        client.stop_and_wait()
        QDesktopServices.unsetUrlHandler("http")
        window.close()
        app.processEvents()
    print("\n".join(str(OUT / name) for name in (
        "settings-pairing.png", "extension-pairing.png", "extension-popup.png",
        "extension-links.png")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
