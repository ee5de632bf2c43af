"""The extension's context menu, clicked for real: Chromium with a window on a
virtual X display (headless Chromium shows no menus), right-clicked with
xdotool, the item chosen with the keyboard.  Where Chromium 156 puts the
extension's item, counted from the menu's end: on a link, above "Inspect"; on a
page, above "View page source" and "Inspect".  Another Chromium may order its
menu otherwise: then these tests fail on the item's outcome, not silently."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from engine import protocol as p
from engine.pairing import pairing_link
from tests.browser.chromium import Browser
from tests.browser.conftest import Greenget
from tests.browser.site import Site

XDOTOOL = shutil.which("xdotool")


@pytest.fixture
def windowed(extension_dir: Path, tmp_path: Path, xvfb: str) -> Iterator[Browser]:
    if XDOTOOL is None:
        pytest.skip("xdotool is not installed (scripts/install --test)")
    browser = Browser(extension_dir, tmp_path / "profile", tmp_path / "browser-downloads",
                      display=xvfb)
    yield browser
    browser.quit()


LINK_ITEM_FROM_END = 2
PAGE_ITEM_FROM_END = 3


def pick_from_context_menu(browser: Browser, x: float, y: float, from_end: int) -> None:
    """Right-click at (x, y) of the page, then choose the menu's item
    ``from_end`` places from its end (Up from the top wraps to the last one)."""
    left, top = browser.driver.execute_script(
        "return [window.screenX, window.screenY + window.outerHeight - window.innerHeight];")
    environment = {"DISPLAY": str(browser.display), "PATH": "/usr/bin:/bin"}
    subprocess.run([str(XDOTOOL), "mousemove", str(int(left + x)), str(int(top + y)),
                    "click", "3", "sleep", "1", "key", *["Up"] * from_end, "Return"],
                   env=environment, check=True, timeout=30)


def test_download_with_greenget_from_a_links_context_menu(
        windowed: Browser, greenget: Greenget, site: Site) -> None:
    windowed.pair(pairing_link(greenget.port, greenget.secret))
    windowed.driver.get(site.base_url + "/")
    big = site.files["big-c.bin"]
    box = windowed.driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return [r.left + 5, r.top + r.height / 2];",
        windowed.driver.find_element(By.ID, big.name))
    pick_from_context_menu(windowed, *box, LINK_ITEM_FROM_END)
    greenget.worker.wait_until(lambda: any(d.state in (p.State.COMPLETED, p.State.FAILED)
                                           for d in greenget.worker.downloads.values()),
                               what="Greenget to download the link from the context menu")
    [download] = greenget.worker.downloads.values()
    assert (download.url, download.state, download.error) == (
        site.url(big.name), p.State.COMPLETED, "")
    assert (greenget.folder / big.name).read_bytes() == big.data
    [request] = [r for r in site.requests if r["path"] == f"/files/{big.name}"]
    assert request["referer"] == site.base_url + "/"  # only Greenget asked for it
    assert windowed.files() == []


def test_download_all_links_from_a_pages_context_menu_opens_the_list(
        windowed: Browser, greenget: Greenget, site: Site) -> None:
    windowed.pair(pairing_link(greenget.port, greenget.secret))
    windowed.driver.get(site.base_url + "/")
    pick_from_context_menu(windowed, 500, 300, PAGE_ITEM_FROM_END)  # off the links
    # Chromedriver does not list tabs an extension opens: ask the extension.
    windowed.driver.switch_to.new_window("tab")
    windowed.driver.get(windowed.page("popup.html"))

    def tab_urls() -> list[str]:
        return list(windowed.driver.execute_async_script(
            "chrome.tabs.query({}).then((tabs) =>"
            " arguments[arguments.length - 1](tabs.map((tab) => tab.url || tab.pendingUrl)));"))

    site_tab = windowed.driver.execute_async_script(
        "chrome.tabs.query({url: arguments[0] + '/*'})"
        ".then((tabs) => arguments[arguments.length - 1](tabs[0].id));", site.base_url)
    links_page = windowed.page(f"links.html?tab={site_tab}")
    windowed.wait_for(lambda: links_page in tab_urls(), "the links page for that tab to open")
    windowed.driver.get(links_page)
    windowed.wait_for(lambda: windowed.attribute("body", "data-ready") == "true",
                      "the links page to list the page's links")
    listed = [b.get_attribute("value") for b in
              windowed.driver.find_elements(By.CSS_SELECTOR, "#links input[type=checkbox]")]
    assert listed == [*(site.url(name) for name in site.files), site.base_url + "/about"]
