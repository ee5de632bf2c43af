"""Greenget's extension in a real Chromium: it pairs by the one-click link,
takes over a download that needs the site's cookie, queues ticked links, and
leaves downloads to the browser when Greenget is not running."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from engine import protocol as p
from engine.pairing import pairing_link
from tests.browser.chromium import Browser
from tests.browser.conftest import Greenget
from tests.browser.site import Site


def test_pairing_link_pairs_once_and_a_stale_link_says_why(browser: Browser,
                                                           greenget: Greenget) -> None:
    link = pairing_link(greenget.port, greenget.secret)
    text = browser.pair(link)
    assert browser.attribute("#greenget-pairing", "data-state") == "paired", text
    assert str(greenget.port) in text
    browser.driver.get(browser.page("popup.html"))
    browser.wait_for(lambda: browser.attribute("#status", "data-state") == "connected",
                     "the popup to show the connection")
    assert f"127.0.0.1:{greenget.port}" in browser.driver.find_element(By.ID, "status").text
    assert browser.pair(link) == "This pairing link was used already: make a new one in " \
                                 "Greenget's Settings."


def test_a_clicked_download_needing_the_cookie_lands_in_greenget_only(
        browser: Browser, greenget: Greenget, site: Site) -> None:
    browser.pair(pairing_link(greenget.port, greenget.secret))
    browser.driver.get(site.base_url + "/")
    big = site.files["big-a.bin"]
    browser.driver.find_element(By.ID, big.name).click()
    greenget.worker.wait_until(lambda: any(d.state in (p.State.COMPLETED, p.State.FAILED)
                                           for d in greenget.worker.downloads.values()),
                               what="Greenget to finish the caught download")
    [download] = greenget.worker.downloads.values()
    assert (download.url, download.state, download.error) == (
        site.url(big.name), p.State.COMPLETED, "")
    assert (greenget.folder / big.name).read_bytes() == big.data
    # The browser's own request, then Greenget's with the same cookie, page and agent.
    requests = [r for r in site.requests if r["path"] == f"/files/{big.name}"]
    assert len(requests) >= 2
    assert all(f"greenget_test_session={site.session}" in r["cookie"] for r in requests)
    assert {r["referer"] for r in requests} == {site.base_url + "/"}
    assert {r["user_agent"] for r in requests} == {
        browser.driver.execute_script("return navigator.userAgent")}
    # The browser's copy was cancelled and erased: nothing in its folder, not
    # even a partial file, and nothing in its download list.
    assert browser.files() == []
    assert browser.downloads_listed() == []


def wait_for_browser_file(browser: Browser, name: str, data: bytes) -> None:
    """The browser finished ``name`` (no partial .crdownload left) with ``data``."""
    path = browser.downloads / name
    browser.wait_for(lambda: path.exists() and browser.files() == [name]
                     and path.stat().st_size == len(data), f"the browser to save {name}")
    assert path.read_bytes() == data


def test_a_small_file_and_a_modifier_click_stay_with_the_browser(
        browser: Browser, greenget: Greenget, site: Site) -> None:
    browser.pair(pairing_link(greenget.port, greenget.secret))
    browser.driver.get(site.base_url + "/")
    small = site.files["small.txt"]  # under the default 1 MiB
    browser.driver.find_element(By.ID, small.name).click()
    wait_for_browser_file(browser, small.name, small.data)
    big = site.files["big-d.bin"]
    link = browser.driver.find_element(By.ID, big.name)
    ActionChains(browser.driver).key_down(Keys.ALT).click(link).key_up(Keys.ALT).perform()
    path = browser.downloads / big.name
    browser.wait_for(lambda: path.exists() and path.stat().st_size == big.size,
                     "the browser to save the Alt-clicked file")
    assert path.read_bytes() == big.data
    assert greenget.worker.downloads == {}


def test_ticked_links_of_a_page_are_queued_in_greenget(
        browser: Browser, greenget: Greenget, site: Site) -> None:
    browser.pair(pairing_link(greenget.port, greenget.secret))
    browser.driver.get(site.base_url + "/")
    site_tab = browser.driver.current_window_handle
    # The context menu's "Download all links with Greenget" opens
    # links.html?tab=<id> (Selenium cannot click a browser menu): open the same.
    browser.driver.switch_to.new_window("tab")
    browser.driver.get(browser.page("popup.html"))
    tab_id = browser.driver.execute_async_script(
        "chrome.tabs.query({url: arguments[0] + '/*'})"
        ".then((tabs) => arguments[arguments.length - 1](tabs[0].id));", site.base_url)
    browser.driver.get(browser.page(f"links.html?tab={tab_id}"))
    browser.wait_for(lambda: browser.attribute("body", "data-ready") == "true",
                     "the links page to list the page's links")
    boxes = browser.driver.find_elements(By.CSS_SELECTOR, "#links input[type=checkbox]")
    assert [b.get_attribute("value") for b in boxes] == [
        *(site.url(name) for name in site.files), site.base_url + "/about"]
    assert not any(b.is_selected() for b in boxes)
    wanted = [site.files["big-b.bin"], site.files["small.txt"]]
    for box in boxes:
        if box.get_attribute("value") in {site.url(f.name) for f in wanted}:
            box.click()
    browser.driver.find_element(By.ID, "send").click()
    browser.wait_for(lambda: browser.attribute("#result", "data-state"), "the links to be sent")
    assert browser.attribute("#result", "data-state") == "sent"
    greenget.worker.wait_until(
        lambda: len(greenget.worker.downloads) == 2 and all(
            d.state in (p.State.COMPLETED, p.State.FAILED)
            for d in greenget.worker.downloads.values()),
        what="Greenget to finish the two ticked links")
    assert [d.error for d in greenget.worker.downloads.values()] == ["", ""]
    assert sorted(d.url for d in greenget.worker.downloads.values()) == sorted(
        site.url(f.name) for f in wanted)
    for file in wanted:
        assert (greenget.folder / file.name).read_bytes() == file.data
    browser.driver.switch_to.window(site_tab)
    assert browser.files() == []


def test_with_greenget_stopped_the_browser_downloads_and_the_popup_says_so(
        browser: Browser, greenget: Greenget, site: Site) -> None:
    browser.pair(pairing_link(greenget.port, greenget.secret))
    assert greenget.worker.shutdown() == 0
    browser.driver.get(site.base_url + "/")
    big = site.files["big-a.bin"]
    browser.driver.find_element(By.ID, big.name).click()
    wait_for_browser_file(browser, big.name, big.data)
    browser.driver.get(browser.page("popup.html"))
    browser.wait_for(lambda: browser.attribute("#status", "data-state") == "unreachable",
                     "the popup to say Greenget is not running")
    status = browser.driver.find_element(By.ID, "status").text
    assert status.startswith("Greenget is not running")
    assert browser.driver.find_element(By.ID, "last-problem").text == status


def test_the_toolbar_toggle_and_the_file_types_decide_what_is_caught(
        browser: Browser, greenget: Greenget, site: Site) -> None:
    browser.pair(pairing_link(greenget.port, greenget.secret))
    browser.driver.get(browser.page("options.html"))
    browser.driver.find_element(By.ID, "min-size").clear()
    browser.driver.find_element(By.ID, "min-size").send_keys("0")
    browser.driver.find_element(By.ID, "types").send_keys("txt  .iso")
    browser.driver.find_element(By.ID, "save").click()
    browser.wait_for(lambda: browser.driver.find_element(By.ID, "saved").text == "Saved.",
                     "the options to be saved")
    browser.driver.get(site.base_url + "/")
    browser.driver.find_element(By.ID, "big-b.bin").click()  # not a listed type
    wait_for_browser_file(browser, "big-b.bin", site.files["big-b.bin"].data)
    browser.driver.find_element(By.ID, "small.txt").click()  # listed, and no size floor now
    small = site.files["small.txt"]
    greenget.worker.wait_until(lambda: any(d.state in (p.State.COMPLETED, p.State.FAILED)
                                           for d in greenget.worker.downloads.values()),
                               what="Greenget to take the small .txt file")
    assert (greenget.folder / small.name).read_bytes() == small.data
    # The toolbar popup's switch turns catching off: the browser keeps the next one.
    browser.driver.get(browser.page("popup.html"))
    switch = browser.driver.find_element(By.ID, "enabled")
    assert switch.is_selected()
    switch.click()
    browser.driver.get(site.base_url + "/")
    browser.driver.find_element(By.ID, "small.txt").click()
    browser.wait_for(lambda: (browser.downloads / small.name).exists()
                     and "small.txt" in browser.files(), "the browser to keep small.txt")
    assert len(greenget.worker.downloads) == 1


def test_the_extension_speaks_chinese_in_a_chinese_browser(
        extension_dir: Path, tmp_path: Path, greenget: Greenget) -> None:
    browser = Browser(extension_dir, tmp_path / "profile-zh", tmp_path / "downloads-zh",
                      language="zh-CN")
    try:
        browser.driver.get(browser.page("popup.html"))
        browser.wait_for(lambda: browser.attribute("#status", "data-state") == "unpaired",
                         "the popup to say it is not paired")
        assert browser.driver.find_element(By.ID, "status").text.startswith("尚未配对")
        text = browser.pair(pairing_link(greenget.port, greenget.secret))
        assert text.startswith("已配对"), text
    finally:
        browser.quit()


def test_after_greenget_changes_its_secret_the_browser_downloads_and_asks_to_pair_again(
        browser: Browser, greenget: Greenget, site: Site) -> None:
    browser.pair(pairing_link(greenget.port, greenget.secret))
    greenget.worker.send(p.SetRpc(enabled=True, port=greenget.port, secret="a-new-secret"))
    status = greenget.worker.expect(p.RpcStatus)
    assert isinstance(status, p.RpcStatus) and status.secret == "a-new-secret"
    browser.driver.get(site.base_url + "/")
    big = site.files["big-c.bin"]
    browser.driver.find_element(By.ID, big.name).click()
    wait_for_browser_file(browser, big.name, big.data)
    assert greenget.worker.downloads == {}
    browser.driver.get(browser.page("popup.html"))
    browser.wait_for(lambda: browser.attribute("#status", "data-state") == "refused",
                     "the popup to say Greenget refused")
    assert "secret changed" in browser.driver.find_element(By.ID, "status").text
    assert browser.driver.find_element(By.ID, "pairing").is_displayed()


def test_a_web_page_cannot_pair_or_spend_the_code(
        browser: Browser, greenget: Greenget, site: Site) -> None:
    link = pairing_link(greenget.port, greenget.secret)
    code = link.split("code=", 1)[1]
    browser.driver.get(site.base_url + "/")
    tried = browser.driver.execute_async_script("""
        const [port, code, done] = arguments;
        const body = JSON.stringify({code});
        const attempts = [
          fetch(`http://127.0.0.1:${port}/pair`, {method: "POST", body,
                headers: {"Content-Type": "application/json"}})
            .then(async (r) => `cors ${r.status} ${await r.text()}`, (e) => `cors ${e.name}`),
          fetch(`http://127.0.0.1:${port}/pair`, {method: "POST", body, mode: "no-cors"})
            .then(async (r) => `no-cors ${r.status} ${await r.text()}`,
                  (e) => `no-cors ${e.name}`),
        ];
        Promise.all(attempts).then(done);""", greenget.port, code)
    assert tried == ["cors TypeError", "no-cors 0 "]  # nothing readable
    assert greenget.secret not in " ".join(tried)
    assert browser.pair(link).startswith("Paired")  # the code was not spent
