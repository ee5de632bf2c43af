"""End to end: paste URLs, watch the rows, check the files."""

from __future__ import annotations

import os
import signal
import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from engine.protocol import DownloadOptions, ErrorCode, State
from gui.errors import error_text
from gui.model import Column
from tests.e2e.conftest import App
from tests.servers.payload import sha256_of

MB = 1_000_000


def paste(qtbot, app: App, *urls: str) -> None:
    QGuiApplication.clipboard().setText("Downloads for today:\n" + "\n".join(urls) + "\n")
    app.window.view.setFocus()
    qtbot.keyClick(app.window.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def moved(app: App, url: str, done: int) -> bool:
    row = app.row(url)
    return row is not None and row.done > done


def completed(app: App, *urls: str) -> bool:
    rows = [app.row(url) for url in urls]
    return all(row is not None and row.info.state is State.COMPLETED for row in rows)


def test_pasted_urls_complete_with_the_right_bytes(
    qtbot, app: App, fault_server, nginx, download_dir, sha256
) -> None:
    nginx_sha = nginx.add_file("e2e-nginx.bin", 3 * MB, seed=7)
    urls = [
        fault_server.data_url(2 * MB, name="e2e-fault.bin", seed=3, throttle=1 * MB),
        fault_server.data_url(700_000, name="e2e-stream.bin", seed=4, length=0),
        nginx.url("e2e-nginx.bin"),
    ]
    paste(qtbot, app, *urls)
    qtbot.waitUntil(lambda: app.window.model.rowCount() == 3, timeout=10_000)
    qtbot.waitUntil(lambda: completed(app, *urls), timeout=60_000)

    assert sha256(download_dir / "e2e-fault.bin") == sha256_of(2 * MB, seed=3)
    assert sha256(download_dir / "e2e-stream.bin") == sha256_of(700_000, seed=4)
    assert sha256(download_dir / "e2e-nginx.bin") == nginx_sha
    throttled = app.history[app.row(urls[0]).info.id]
    assert throttled[0] is State.QUEUED and throttled[-1] is State.COMPLETED
    assert State.DOWNLOADING in throttled
    assert not list(download_dir.glob("*.part"))
    app.window.refresh()
    assert "3 completed" in app.window._counts.text()


def test_pause_and_resume_a_row(qtbot, app: App, fault_server, download_dir, sha256) -> None:
    url = fault_server.data_url(6 * MB, name="e2e-pause.bin", seed=5, throttle=500_000)
    paste(qtbot, app, url)
    qtbot.waitUntil(lambda: moved(app, url, 300_000), timeout=20_000)
    app.select(url)
    assert app.window.acts.pause.isEnabled()
    app.window.acts.pause.trigger()
    qtbot.waitUntil(lambda: app.row(url).info.state is State.PAUSED, timeout=10_000)
    paused_at = app.row(url).done
    qtbot.wait(700)
    assert app.row(url).info.state is State.PAUSED
    assert app.window.acts.resume.isEnabled() and not app.window.acts.pause.isEnabled()

    app.window.acts.resume.trigger()
    qtbot.waitUntil(lambda: completed(app, url), timeout=60_000)
    assert sha256(download_dir / "e2e-pause.bin") == sha256_of(6 * MB, seed=5)
    assert 0 < paused_at < 6 * MB


def test_killing_the_worker_mid_download_does_not_lose_it(
    qtbot, app: App, fault_server, download_dir, sha256
) -> None:
    url = fault_server.data_url(8 * MB, name="e2e-crash.bin", seed=6, throttle=400_000)
    paste(qtbot, app, url)
    qtbot.waitUntil(lambda: moved(app, url, 2 * MB), timeout=30_000)
    old = app.client.pid
    os.kill(old, signal.SIGKILL)
    banner = app.window.worker_banner
    qtbot.waitUntil(lambda: "stopped unexpectedly" in banner.text, timeout=10_000)
    qtbot.waitUntil(lambda: app.client.hello is not None and app.client.pid != old, timeout=20_000)
    qtbot.waitUntil(lambda: completed(app, url), timeout=90_000)
    assert sha256(download_dir / "e2e-crash.bin") == sha256_of(8 * MB, seed=6)
    assert app.window.model.rowCount() == 1  # the same row carried on


def test_a_bad_url_shows_an_error(qtbot, app: App, fault_server) -> None:
    missing = fault_server.url("/status/404")
    paste(qtbot, app, missing)
    qtbot.waitUntil(
        lambda: (row := app.row(missing)) is not None and row.info.state is State.FAILED,
        timeout=30_000,
    )
    row = app.row(missing)
    assert row.info.error_code == ErrorCode.NOT_FOUND and row.info.error
    reason = error_text(ErrorCode.NOT_FOUND)  # in the person's language, from the code
    status = app.window.model.index(0, Column.STATE)
    assert status.data() == f"Failed: {reason}"
    # the tooltip adds the worker's particulars, for a bug report
    assert status.data(Qt.ItemDataRole.ToolTipRole) == f"{reason}\n{row.info.error}"
    app.select(missing)
    assert app.window.acts.retry.isEnabled()


def test_a_refused_url_is_reported(qtbot, app: App) -> None:
    # Paste and the Add dialog let only http(s) URLs through; one the worker
    # still refuses comes back as an ``error`` event, shown in a banner.
    app.window.queue_urls(["http://"])
    banner = app.window.notice_banner
    qtbot.waitUntil(banner.isVisible, timeout=10_000)
    assert banner.text == f"{error_text(ErrorCode.BAD_URL).rstrip('.')}: http://"
    assert app.window.model.rowCount() == 0


def test_an_expired_link_refreshed_from_the_menu_completes(
    qtbot, app: App, fault_server, download_dir, sha256, monkeypatch
) -> None:
    size = 3 * MB
    key = f"gui-expiring-{time.monotonic_ns()}"
    expiring = fault_server.data_url(
        size, name="expiring.iso", seed=8, truncate=MB, fail=1, expire_after=1, key=key
    )
    app.window.queue_urls([expiring], options=DownloadOptions(connections=1))
    qtbot.waitUntil(
        lambda: (row := app.row(expiring)) is not None and row.info.state is State.FAILED,
        timeout=30_000,
    )
    failed = app.row(expiring)
    assert failed.info.error_code == ErrorCode.FORBIDDEN and failed.done > 0

    fresh = fault_server.data_url(size, name="expiring.iso", seed=8, token="fresh")
    fault_server.reset()
    app.select(expiring)
    assert app.window.acts.refresh_link.isEnabled()
    monkeypatch.setattr(app.window.commands, "ask_new_url", lambda row: fresh)
    app.window.acts.refresh_link.trigger()
    qtbot.waitUntil(lambda: completed(app, fresh), timeout=30_000)
    assert sha256(download_dir / "expiring.iso") == sha256_of(size, seed=8)
    first = fault_server.stats()["log"][0]
    assert "token=fresh" in first["path"] and first["range"] is not None  # from its bytes
    assert app.window.model.rowCount() == 1
