"""``scripts/build``'s self-contained .deb: built, installed with ``dpkg -i``, used the
way a person uses it (``/usr/bin/greenget get`` from a real nginx, the window on a real
X server with its frozen worker), then removed with ``dpkg -r``.

Needs root or password-less sudo (dpkg). ``GREENGET_DEB=path`` tests a package built
earlier instead of building one (a build takes minutes).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tests.clone import copy_source_tree
from tests.servers.harness import wait_for_window
from tests.servers.payload import payload

ROOT = Path(__file__).resolve().parents[1]
INSTALLED = (Path("/opt/greenget"), Path("/usr/bin/greenget"),
             Path("/usr/share/applications/greenget.desktop"),
             Path("/usr/share/icons/hicolor/scalable/apps/greenget.svg"))


def _as_root() -> list[str]:
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"],
                                               capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    pytest.skip("dpkg -i needs root or password-less sudo")


def _dpkg(*args: str) -> None:
    """dpkg, waiting while another apt/dpkg holds the lock (dpkg itself would fail)."""
    deadline = time.monotonic() + 600
    while True:
        result = subprocess.run([*_as_root(), "dpkg", *args], capture_output=True, text=True)
        if result.returncode == 0:
            return
        if "lock" not in result.stderr or time.monotonic() > deadline:
            raise AssertionError(f"dpkg {' '.join(args)}: {result.stderr}")
        time.sleep(2)


@pytest.fixture(scope="module")
def deb(tmp_path_factory) -> Path:
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed (apt-get install dpkg-dev)")
    given = os.environ.get("GREENGET_DEB")
    if given:
        return Path(given)
    clone = copy_source_tree(tmp_path_factory.mktemp("clone"))
    result = subprocess.run([str(clone / "scripts/build"), "--fast"], cwd=clone,
                            capture_output=True, text=True, timeout=1800,
                            env={**os.environ, "PYTHON": sys._base_executable})
    assert result.returncode == 0, result.stdout + result.stderr
    version = tomllib.loads((clone / "pyproject.toml").read_text())["project"]["version"]
    return clone / "dist" / f"greenget_{version}_amd64.deb"


@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_the_deb_installs_downloads_opens_its_window_and_uninstalls(
    deb, nginx, xvfb, tmp_path
) -> None:
    installed = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "greenget"],
                               capture_output=True, text=True).stdout
    if "installed" in installed:
        pytest.skip("a greenget package is installed on this machine already; not replacing it")
    fields = subprocess.run(["dpkg-deb", "--field", str(deb), "Depends"],
                            capture_output=True, text=True, check=True).stdout
    assert "python" not in fields  # self-contained: no Python from the distribution

    _dpkg("-i", str(deb))
    try:
        if shutil.which("desktop-file-validate"):  # freedesktop's own checker
            checked = subprocess.run(["desktop-file-validate", str(INSTALLED[2])],
                                     capture_output=True, text=True)
            assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout
        home = tmp_path / "home"
        env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "GREENGET_HOME": str(home / "state"),
               "XDG_CONFIG_HOME": str(home / ".config")}
        version = subprocess.run(["/usr/bin/greenget", "--version"], env=env,
                                 capture_output=True, text=True, timeout=60)
        assert version.returncode == 0 and version.stdout.startswith("greenget "), version

        nginx.add_file("from-the-deb.bin", 3_000_000, seed=21)
        target = tmp_path / "downloads"
        target.mkdir()
        got = subprocess.run(["/usr/bin/greenget", "get", "-q", "-d", str(target),
                              nginx.url("from-the-deb.bin")], env=env, capture_output=True,
                             text=True, timeout=120)
        assert got.returncode == 0, got.stderr
        assert (target / "from-the-deb.bin").read_bytes() == payload(3_000_000, seed=21)
        assert any(e.path == "/from-the-deb.bin" for e in nginx.access_log_entries(1))

        app = subprocess.Popen(["/usr/bin/greenget"], env={**env, "DISPLAY": xvfb},
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
        log = home / "state" / "greenget-gui.log"
        try:
            assert wait_for_window(xvfb, "Greenget", app), f"no window; exit {app.poll()}"
            deadline = time.monotonic() + 60  # the frozen worker: `greenget --worker`
            while not (log.exists() and "worker says hello" in log.read_text()):
                assert time.monotonic() < deadline and app.poll() is None, log.read_text()
                time.sleep(0.2)
        finally:
            app.send_signal(signal.SIGTERM)
            _, stderr = app.communicate(timeout=60)
        assert app.returncode == 0, stderr
        assert "worker exited: code 0" in log.read_text()
    finally:
        _dpkg("-r", "greenget")
    assert [path for path in INSTALLED if path.exists() or path.is_symlink()] == []
