"""The same extension in a real Firefox (its Firefox build: background
scripts, ``downloads.onCreated``): pairing by the link, a cookie-guarded
download taken over, and the browser downloading when Greenget is stopped.
Firefox will not let a driver open the extension's own pages, so the popup
and the links page are covered by the Chromium tests only."""

from __future__ import annotations

from engine import protocol as p
from engine.pairing import pairing_link
from tests.browser.conftest import Greenget
from tests.browser.firefox import Firefox
from tests.browser.site import Site


def test_firefox_pairs_and_hands_a_cookie_guarded_download_to_greenget(
        firefox: Firefox, greenget: Greenget, site: Site) -> None:
    text = firefox.pair(pairing_link(greenget.port, greenget.secret))
    assert text.startswith("Paired"), text
    firefox.get(site.base_url + "/")
    big = site.files["big-a.bin"]
    firefox.evaluate(f"document.getElementById({big.name!r}).click()")
    greenget.worker.wait_until(lambda: any(d.state in (p.State.COMPLETED, p.State.FAILED)
                                           for d in greenget.worker.downloads.values()),
                               what="Greenget to finish the download Firefox started")
    [download] = greenget.worker.downloads.values()
    assert (download.url, download.state, download.error) == (
        site.url(big.name), p.State.COMPLETED, "")
    assert (greenget.folder / big.name).read_bytes() == big.data
    firefox.wait_for(lambda: firefox.files() == [], "Firefox to drop its own copy")


def test_with_greenget_stopped_firefox_downloads_itself(
        firefox: Firefox, greenget: Greenget, site: Site) -> None:
    firefox.pair(pairing_link(greenget.port, greenget.secret))
    assert greenget.worker.shutdown() == 0
    firefox.get(site.base_url + "/")
    big = site.files["big-b.bin"]
    firefox.evaluate(f"document.getElementById({big.name!r}).click()")
    path = firefox.downloads / big.name
    firefox.wait_for(lambda: firefox.files() == [big.name] and path.stat().st_size == big.size,
                     "Firefox to save the file itself")
    assert path.read_bytes() == big.data
