"""The Settings dialog against the fake worker: saved, and sent as it changes."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from engine.protocol import DownloadInfo, State
from gui.network import ProxyChoice, ProxyMode, ProxyType
from gui.settings import Settings


def commands(log: Path, kind: str) -> list[dict]:
    if not log.exists():
        return []
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    return [line for line in lines if line["type"] == kind]


def test_changes_are_saved_and_sent_at_once(
    qtbot, make_window, settings, tmp_path, monkeypatch
) -> None:
    log = tmp_path / "commands.jsonl"
    monkeypatch.setenv("FAKE_WORKER_LOG", str(log))
    window = make_window()
    qtbot.waitUntil(lambda: len(commands(log, "set_options")) == 1, timeout=5000)
    first = commands(log, "set_options")[0]
    assert first["max_active"] == 3 and first["connections"] == 8 and first["speed_limit"] == 0
    assert not commands(log, "set_rpc")  # off, and left alone, at start

    window.acts.settings.trigger()
    dialog = window.settings_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.max_active.setValue(5)
    dialog.connections.setValue(4)
    dialog.speed_limit.setValue(300)  # KB/s
    dialog.download_limit.setValue(50)
    folder = tmp_path / "elsewhere"
    dialog.directory.setText(str(folder))
    dialog.directory.editingFinished.emit()
    dialog.notifications.setChecked(False)
    dialog.watch_clipboard.setChecked(True)
    qtbot.waitUntil(lambda: len(commands(log, "set_options")) == 2, timeout=5000)
    sent = commands(log, "set_options")[-1]  # one command for the burst of changes
    assert sent["max_active"] == 5 and sent["connections"] == 4
    assert sent["speed_limit"] == 300 * 1024 and sent["directory"] == str(folder)
    assert sent["download_limit"] == 50 * 1024  # the worker gives it to every new download

    saved = Settings(settings)
    assert (saved.max_active, saved.default_connections) == (5, 4)
    assert (saved.speed_limit, saved.download_limit) == (300 * 1024, 50 * 1024)
    assert saved.download_dir == str(folder)
    assert not saved.notifications and saved.watch_clipboard

    window.queue_urls(["http://127.0.0.1/limited.bin"])  # the worker applies the default
    qtbot.waitUntil(lambda: bool(commands(log, "add")), timeout=5000)
    assert commands(log, "add")[0]["options"]["speed_limit"] is None

    dialog.directory.setText("relative/folder")  # refused: the worker needs an absolute path
    dialog.directory.editingFinished.emit()
    assert dialog.directory.text() == str(folder)


def test_options_are_sent_again_to_a_restarted_worker(
    qtbot, make_window, settings, tmp_path, monkeypatch
) -> None:
    log = tmp_path / "commands.jsonl"
    monkeypatch.setenv("FAKE_WORKER_LOG", str(log))
    prefs = Settings(settings)
    prefs.speed_limit = 123 * 1024
    prefs.rpc_enabled = True
    prefs.rpc_port = 16800
    window = make_window("crash-once", str(tmp_path / "marker"), ready=False)
    qtbot.waitUntil(lambda: "running again" in window.worker_banner.text, timeout=10_000)
    qtbot.waitUntil(lambda: bool(commands(log, "set_rpc")), timeout=5000)
    # The first worker died before reading; the second got both on its hello.
    assert [c["speed_limit"] for c in commands(log, "set_options")] == [123 * 1024]
    assert commands(log, "set_rpc") == [
        {"type": "set_rpc", "enabled": True, "port": 16800, "secret": "", "allow_remote": False,
         "origins": []}
    ]


def test_rpc_switch_shows_the_secret_and_copies_it(qtbot, make_window) -> None:
    window = make_window()
    window.open_settings()
    dialog = window.settings_dialog
    assert dialog.rpc_state.text() == "Off" and not dialog.copy_secret.isEnabled()
    dialog.rpc_port.setValue(16801)
    dialog.rpc_enabled.setChecked(True)
    assert dialog.rpc_state.text() == "Starting…"
    qtbot.waitUntil(lambda: dialog.rpc_secret.text() == "fake-secret", timeout=5000)
    assert "16801" in dialog.rpc_state.text()
    assert dialog.rpc_address.text() == "http://127.0.0.1:16801/jsonrpc"
    dialog.copy_secret.click()
    assert QGuiApplication.clipboard().text() == "fake-secret"
    dialog.rpc_enabled.setChecked(False)
    qtbot.waitUntil(lambda: dialog.rpc_state.text() == "Off", timeout=5000)


def test_allowed_web_pages_are_kept_as_origins_and_sent(
    qtbot, make_window, settings, tmp_path, monkeypatch
) -> None:
    log = tmp_path / "commands.jsonl"
    monkeypatch.setenv("FAKE_WORKER_LOG", str(log))
    Settings(settings).rpc_enabled = True
    window = make_window()
    qtbot.waitUntil(lambda: len(commands(log, "set_rpc")) == 1, timeout=5000)
    window.open_settings()
    dialog = window.settings_dialog
    assert dialog.rpc_origins.text() == "" and dialog.rpc_origins.placeholderText()
    dialog.rpc_origins.setText("HTTP://LocalHost:6880/index.html, ariang.example  https://a.test:443")
    dialog.rpc_origins.editingFinished.emit()
    assert dialog.rpc_origins.text() == "http://localhost:6880 https://a.test"
    assert not dialog.rpc_origins_problem.isHidden()
    assert "ariang.example" in dialog.rpc_origins_problem.text()
    qtbot.waitUntil(lambda: len(commands(log, "set_rpc")) == 2, timeout=5000)
    assert commands(log, "set_rpc")[-1]["origins"] == ["http://localhost:6880", "https://a.test"]
    assert Settings(settings).rpc_origins == ("http://localhost:6880", "https://a.test")
    dialog.rpc_origins.setText("http://localhost:6880 https://a.test")
    dialog.rpc_origins.editingFinished.emit()  # nothing changed: nothing sent
    assert dialog.rpc_origins_problem.isHidden()
    qtbot.wait(600)
    assert len(commands(log, "set_rpc")) == 2


def test_refresh_link_and_speed_limit_from_the_menu(qtbot, make_window, monkeypatch) -> None:
    window = make_window()
    window.model.load_snapshot([
        DownloadInfo(7, "http://127.0.0.1/old?token=1", "/tmp", State.FAILED, name="x.iso",
                     error="The link has expired (403 Forbidden)."),
    ])
    window.view.selectRow(0)
    window.refresh()
    assert window.acts.refresh_link.isEnabled() and window.acts.limit_speed.isEnabled()
    monkeypatch.setattr(window.commands, "ask_new_url", lambda row: "http://127.0.0.1/new?token=2")
    window.acts.refresh_link.trigger()
    qtbot.waitUntil(lambda: window.model.find(7).info.state is State.QUEUED, timeout=5000)
    assert window.model.find(7).info.url == "http://127.0.0.1/new?token=2"

    asked: list[int] = []
    monkeypatch.setattr(window.commands, "ask_speed_limit", lambda kb: asked.append(kb) or 250)
    window.acts.limit_speed.trigger()
    qtbot.waitUntil(lambda: window.model.find(7).info.speed_limit == 250 * 1024, timeout=5000)
    window.acts.limit_speed.trigger()
    assert asked == [0, 250]  # the dialog starts from the current limit

    monkeypatch.setattr(window.commands, "ask_new_url", lambda row: "ftp://127.0.0.1/nope")
    window.acts.refresh_link.trigger()
    assert "not an http(s) link" in window.statusBar().currentMessage()


def test_proxy_urls_with_and_without_credentials() -> None:
    http = ProxyChoice(ProxyMode.MANUAL, ProxyType.HTTP, " proxy.lan ", 3128)
    assert http.setting() == http.masked() == "http://proxy.lan:3128"
    socks = ProxyChoice(ProxyMode.MANUAL, ProxyType.SOCKS5, "::1", 1080, "me@home", "p:w/d%")
    assert socks.setting() == "socks5h://me%40home:p%3Aw%2Fd%25@[::1]:1080"
    assert socks.masked() == "socks5h://me%40home:•••@[::1]:1080"
    assert "p:w" not in repr(socks)
    assert ProxyChoice(ProxyMode.MANUAL, host="h", user="u").setting() == "http://u@h:3128"
    assert ProxyChoice(ProxyMode.NONE, host="h").setting() == "none"
    assert ProxyChoice().setting() == "system"
    assert ProxyChoice(ProxyMode.MANUAL, host=" ").setting() is None  # not sent yet


def test_a_manual_proxy_is_saved_and_sent_without_logging_its_password(
    qtbot, make_window, settings, tmp_path, monkeypatch, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    log = tmp_path / "commands.jsonl"
    monkeypatch.setenv("FAKE_WORKER_LOG", str(log))
    window = make_window()
    qtbot.waitUntil(lambda: len(commands(log, "set_options")) == 1, timeout=5000)
    assert commands(log, "set_options")[0]["proxy"] == "system"
    window.open_settings()
    dialog = window.settings_dialog
    dialog.proxy_manual.setChecked(True)
    assert "host" in dialog.proxy_address.text()  # nothing to send without one
    dialog.proxy_type.setCurrentIndex(dialog.proxy_type.findData(ProxyType.SOCKS5))
    assert dialog.proxy_port.value() == 1080  # SOCKS's usual port
    for field, text in ((dialog.proxy_host, "127.0.0.1"), (dialog.proxy_user, "alice"),
                        (dialog.proxy_password, "s3cret!")):
        field.setText(text)
        field.editingFinished.emit()
    assert dialog.proxy_address.text() == "socks5h://alice:•••@127.0.0.1:1080"
    qtbot.waitUntil(lambda: commands(log, "set_options")[-1]["proxy"] != "system", timeout=5000)
    assert commands(log, "set_options")[-1]["proxy"] == "socks5h://alice:s3cret%21@127.0.0.1:1080"
    assert Settings(settings).proxy.password == "s3cret!"  # remembered

    dialog.proxy_none.setChecked(True)
    assert not dialog._manual.isEnabled()
    qtbot.waitUntil(lambda: commands(log, "set_options")[-1]["proxy"] == "none", timeout=5000)
    assert Settings(settings).proxy.mode is ProxyMode.NONE
    assert "proxy socks5h://alice:•••@127.0.0.1:1080" in caplog.text
    assert "s3cret" not in caplog.text
    tips = [w.toolTip() for w in dialog.findChildren(QWidget)]
    assert not any("s3cret" in tip for tip in tips)
