"""The ``greenget`` entry point: hand-offs, the desktop entry, one instance."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from gui.single_instance import SingleInstance, server_name
from tests.servers.payload import payload

ROOT = Path(__file__).resolve().parents[2]


def greenget(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gui", *args], capture_output=True, text=True,
        timeout=timeout, env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
    )


def test_the_launcher_imports_nothing_heavy() -> None:
    code = (
        "import sys, gui.launcher; "
        "print(sorted(m for m in ('PySide6', 'ssl', 'gevent', 'requests', 'urllib3') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stderr


def test_help() -> None:
    result = greenget("--help")
    assert result.returncode == 0 and "greenget get" in result.stdout


def test_get_runs_the_headless_cli(fault_server, download_dir, state_home) -> None:
    url = fault_server.data_url(200_000, name="cli.bin", seed=9)
    result = greenget("get", "-q", "-d", str(download_dir), url)
    assert result.returncode == 0, result.stderr
    assert "MonkeyPatchWarning" not in result.stderr  # gevent patched before ssl came in
    assert (download_dir / "cli.bin").read_bytes() == payload(200_000, seed=9)


def test_worker_flag_runs_the_worker(state_home) -> None:
    result = greenget("--worker")  # stdin is empty: hello, snapshot, then a clean exit
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith('{"type":"hello"')


def test_install_desktop_entry(tmp_path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    result = greenget("--install-desktop-entry", env=env)
    assert result.returncode == 0, result.stderr
    entry = (tmp_path / "applications" / "greenget.desktop").read_text()
    assert "Name=Greenget" in entry and "Icon=greenget" in entry
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    assert exec_line.endswith(" %U")
    assert (tmp_path / "icons/hicolor/scalable/apps/greenget.svg").exists()
    assert (tmp_path / "icons/hicolor/48x48/apps/greenget.png").exists()
    (tmp_path / "applications" / "mimeinfo.cache").write_text("someone else's")
    removed = greenget("--uninstall-desktop-entry", env=env)
    assert removed.returncode == 0, removed.stderr
    left = [p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()]
    assert left == [Path("applications/mimeinfo.cache")]


def test_version_without_a_display_or_qt() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    code = "import sys, runpy; sys.argv = ['greenget', '--version']; " \
           "runpy.run_module('gui', run_name='__main__')"
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", code], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert result.stdout == f"greenget {project['version']}\n"
    assert "PySide6" not in result.stderr  # -X importtime lists every module imported


def test_single_instance_forwards_urls(qtbot, tmp_path) -> None:
    name = server_name(tmp_path)
    assert not SingleInstance(name).forward(["http://127.0.0.1/nobody-listens"])
    first = SingleInstance(name)
    assert first.listen()
    with qtbot.waitSignal(first.urlsReceived, timeout=5000) as received:
        assert SingleInstance(name).forward(["http://127.0.0.1/a", "http://127.0.0.1/b"])
    assert received.args[0] == ["http://127.0.0.1/a", "http://127.0.0.1/b"]


@pytest.mark.timeout(120)
def test_the_app_starts_takes_urls_from_a_second_launch_and_quits(
    tmp_path, state_home, fault_server
) -> None:
    home = tmp_path / "home"
    env = {
        **os.environ,
        "HOME": str(home),  # settings and the Downloads folder of a person of our own
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GREENGET_HOME": str(state_home),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("XDG_DOWNLOAD_DIR", None)
    first_url = fault_server.data_url(50_000, name="first.bin")
    second_url = fault_server.data_url(60_000, name="second.bin")
    app = subprocess.Popen(
        [sys.executable, "-m", "gui", first_url], env=env, cwd=ROOT,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    log = state_home / "greenget-gui.log"
    try:
        _wait_for(lambda: log.exists() and "worker says hello" in log.read_text())
        second = greenget(second_url, env=env, timeout=30)
        assert second.returncode == 0
        downloads = home / "Downloads"
        _wait_for(lambda: all((downloads / n).exists() for n in ("first.bin", "second.bin")))
    finally:
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=30) == 0
    text = log.read_text()
    assert "worker exited: code 0, NormalExit" in text
    assert (downloads / "second.bin").read_bytes() == payload(60_000)


def _wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)
