"""Settings reaching the real worker: a speed limit that limits, the JSON-RPC switch."""

from __future__ import annotations

import json
import socket
import time
import urllib.request

from engine.protocol import State
from tests.e2e.conftest import App
from tests.engine.rpc_client import Rpc
from tests.servers.payload import sha256_of

KB = 1024
MB = 1_000_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_speed_limit_set_in_the_dialog_limits_a_download(
    qtbot, app: App, fault_server, download_dir, sha256
) -> None:
    window = app.window
    window.open_settings()
    dialog = window.settings_dialog
    limit = 256 * KB
    dialog.speed_limit.setValue(limit // KB)
    qtbot.wait(400)  # past the settings' debounce: set_options is on its way

    size = 3 * MB
    url = fault_server.data_url(size, name="limited.bin", seed=21)
    samples: list[tuple[float, int]] = []
    app.client.progressReceived.connect(
        lambda items: samples.extend((time.monotonic(), i.done) for i in items)
    )
    window.queue_urls([url])
    qtbot.waitUntil(lambda: bool(samples) and samples[-1][0] - samples[0][0] > 2.0, timeout=20_000)
    (t0, d0), (t1, d1) = samples[0], samples[-1]
    rate = (d1 - d0) / (t1 - t0)
    print(f"\nrate under a {limit} B/s limit: {rate:.0f} B/s")
    # An upper bound only (a slow machine can only be slower): the token bucket
    # allows a quarter second of burst plus one read per connection.
    assert 0 < rate < 1.5 * limit
    assert app.row(url).info.state is State.DOWNLOADING

    dialog.speed_limit.setValue(0)  # lifted live: the rest arrives at loopback speed
    qtbot.waitUntil(lambda: app.row(url).info.state is State.COMPLETED, timeout=20_000)
    assert sha256(download_dir / "limited.bin") == sha256_of(size, seed=21)


def test_turning_rpc_on_shows_a_secret_that_works(qtbot, app: App) -> None:
    window = app.window
    window.open_settings()
    dialog = window.settings_dialog
    port = free_port()
    dialog.rpc_port.setValue(port)
    dialog.rpc_enabled.setChecked(True)
    qtbot.waitUntil(lambda: bool(dialog.rpc_secret.text()), timeout=10_000)
    assert str(port) in dialog.rpc_state.text()
    secret = dialog.rpc_secret.text()

    def call(token: str) -> dict:
        body = json.dumps({"jsonrpc": "2.0", "id": "t", "method": "aria2.getVersion",
                           "params": [f"token:{token}"]}).encode()
        request = urllib.request.Request(
            dialog.rpc_address.text(), body, {"Content-Type": "application/json"}
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            return json.load(error)

    assert dialog.rpc_address.text() == f"http://127.0.0.1:{port}/jsonrpc"
    answer = call(secret)
    assert answer["id"] == "t" and "version" in answer["result"]
    assert "error" in call("wrong-" + secret)

    with qtbot.waitSignal(app.client.rpcStatusReceived, timeout=10_000) as status:
        dialog.rpc_enabled.setChecked(False)
    assert not status.args[0].enabled and dialog.rpc_state.text() == "Off"
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # the endpoint is gone


def completed(app: App, url: str) -> bool:
    row = app.row(url)
    return row is not None and row.info.state is State.COMPLETED


def test_a_manual_http_proxy_carries_downloads_and_none_goes_direct(
    qtbot, app: App, fault_server, download_dir, sha256
) -> None:
    window = app.window
    window.open_settings()
    dialog = window.settings_dialog
    dialog.proxy_manual.setChecked(True)
    dialog.proxy_port.setValue(fault_server.port)
    dialog.proxy_host.setText("127.0.0.1")  # the fault server doubles as a forward proxy
    dialog.proxy_host.editingFinished.emit()
    qtbot.wait(400)  # past the settings' debounce: set_options is on its way
    fault_server.reset()

    size = 200_000
    proxied = f"http://downloads.example.invalid/data/{size}/x.bin?seed=31"  # never resolved
    window.queue_urls([proxied])
    qtbot.waitUntil(lambda: completed(app, proxied), timeout=20_000)
    assert sha256(download_dir / "x.bin") == sha256_of(size, seed=31)
    targets = [entry["path"] for entry in fault_server.stats()["log"]]
    assert targets and all(t.startswith("http://downloads.example.invalid/data/") for t in targets)
    app.select(proxied)
    assert window.details.etag.text() == f'"{size}-31"'  # what the server said, via the proxy
    assert window.details.last_modified.text() == "Wed, 01 Jan 2025 00:00:00 GMT"

    dialog.proxy_none.setChecked(True)
    qtbot.wait(400)
    fault_server.reset()
    direct = fault_server.data_url(size, name="direct.bin", seed=32)
    window.queue_urls([direct])
    qtbot.waitUntil(lambda: completed(app, direct), timeout=20_000)
    assert sha256(download_dir / "direct.bin") == sha256_of(size, seed=32)
    targets = [entry["path"] for entry in fault_server.stats()["log"]]
    assert targets and all(t.startswith("/data/") for t in targets)


def test_options_a_json_rpc_client_changes_stay_changed(qtbot, app: App, tmp_path) -> None:
    """AriaNg's settings page changes the folder and the limits: the window's
    settings follow, and a later change in the window does not put them back."""
    window = app.window
    window.open_settings()
    dialog = window.settings_dialog
    port = free_port()
    dialog.rpc_port.setValue(port)
    dialog.rpc_enabled.setChecked(True)
    qtbot.waitUntil(lambda: bool(dialog.rpc_secret.text()), timeout=10_000)
    rpc = Rpc(port, token=f"token:{dialog.rpc_secret.text()}")
    folder = tmp_path / "chosen-in-ariang"
    assert rpc.result("aria2.changeGlobalOption", {
        "dir": str(folder), "max-concurrent-downloads": "2",
        "max-download-limit": "100K"}) == "OK"
    qtbot.waitUntil(lambda: dialog.directory.text() == str(folder), timeout=10_000)
    assert dialog.max_active.value() == 2 and dialog.download_limit.value() == 100
    saved = window.engine_settings.settings
    assert (saved.download_dir, saved.max_active) == (str(folder), 2)

    dialog.connections.setValue(3)  # a change in the window sends every option again
    qtbot.waitUntil(lambda: rpc.result("aria2.getGlobalOption")["split"] == "3",
                    timeout=10_000)
    options = rpc.result("aria2.getGlobalOption")
    assert options["dir"] == str(folder) and options["max-concurrent-downloads"] == "2"
    assert options["max-download-limit"] == str(100 * KB)
