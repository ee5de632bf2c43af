"""``scripts/install``: the user's install, its upgrade and its uninstall, run for real
(a new virtual environment, pip, the launchers, the menu entry) in a home of its own."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import tomllib
from pathlib import Path

import pytest

from tests.clone import copy_source_tree
from tests.pythons import old_python
from tests.servers.harness import wait_for_window
from tests.servers.payload import payload

ROOT = Path(__file__).resolve().parents[1]
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def _tree(home: Path) -> dict[str, bytes]:
    """Every file and link under ``home`` with its content (a link: its target)."""
    files = {}
    for path in sorted(home.rglob("*")):
        if path.is_symlink():
            files[str(path.relative_to(home))] = os.readlink(path).encode()
        elif path.is_file():
            files[str(path.relative_to(home))] = path.read_bytes()
    return files


def _base_site_packages() -> list[str]:
    """What the interpreter the install uses (our base Python) has installed."""
    base = Path(sys.base_prefix)
    found = []
    for key in ("purelib", "platlib"):
        folder = Path(sysconfig.get_paths(vars={"base": str(base), "platbase": str(base)})[key])
        if folder.is_dir():
            found += sorted(p.name for p in folder.iterdir())
    return found


def _run(command: list[str], env: dict[str, str], cwd: Path, timeout: float = 600):
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_install_upgrade_and_uninstall_in_a_home_of_its_own(
    tmp_path, fault_server, download_dir, xvfb
) -> None:
    clone = copy_source_tree(tmp_path / "clone")
    home = tmp_path / "home"
    (home / ".local/share/greenget").mkdir(parents=True)
    (home / ".local/share/greenget/downloads.sqlite3").write_bytes(b"the user's list")
    (home / ".bashrc").write_text("# the user's own\nalias ll='ls -l'\n")
    before = _tree(home)
    system_packages = _base_site_packages()
    # A newcomer's environment: nothing of ours on PATH, ~/.local/bin not on it either.
    env = {"HOME": str(home), "PATH": SYSTEM_PATH, "TERM": "dumb",
           "PYTHON": sys._base_executable}  # the interpreter the venv is made from

    first = _run([str(clone / "scripts/install")], env, clone)
    assert first.returncode == 0, first.stderr
    launcher = home / ".local/bin/greenget"
    assert "not on this shell's PATH" in first.stdout and str(launcher) in first.stdout
    version = tomllib.loads((clone / "pyproject.toml").read_text())["project"]["version"]
    assert _run([str(launcher), "--version"], env, tmp_path).stdout == f"greenget {version}\n"
    assert (home / ".local/bin/greenget-gui").exists()

    # A new terminal (bash reads ~/.bashrc) finds the command and downloads with it.
    url = fault_server.data_url(120_000, name="installed.bin", seed=4)
    new_terminal = _run(["bash", "-ic", f"cd {download_dir} && greenget get -q {url}"],
                        {**env, "GREENGET_HOME": str(tmp_path / "state")}, tmp_path)
    assert new_terminal.returncode == 0, new_terminal.stderr
    assert (download_dir / "installed.bin").read_bytes() == payload(120_000, seed=4)

    entry_file = home / ".local/share/applications/greenget.desktop"
    if shutil.which("desktop-file-validate"):  # freedesktop's own checker
        checked = _run(["desktop-file-validate", str(entry_file)], env, tmp_path)
        assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout
    entry = entry_file.read_text()
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    program = exec_line.removeprefix("Exec=").split()[0]
    assert os.access(program, os.X_OK) and not program.startswith(str(clone))
    assert (home / ".local/share/icons/hicolor/48x48/apps/greenget.png").exists()
    if shutil.which("gio") and shutil.which("xdotool"):
        _double_click(entry_file, xvfb, tmp_path / "desktop-user")

    # The installed copy does not need the clone; running the script again upgrades it.
    (clone / "pyproject.toml").write_text(
        (clone / "pyproject.toml").read_text().replace(f'"{version}"', f'"{version}.post1"', 1)
    )
    again = _run([str(clone / "scripts/install")], env, clone)
    assert again.returncode == 0, again.stderr
    shutil.rmtree(clone / "gui")
    assert _run([str(launcher), "--version"], env, tmp_path).stdout == (
        f"greenget {version}.post1\n"
    )
    assert (home / ".bashrc").read_text().count("added by Greenget") == 1

    gone = _run([str(ROOT / "scripts/install"), "--uninstall"], env, tmp_path)
    assert gone.returncode == 0, gone.stderr
    assert _tree(home) == before  # everything it added, and nothing else, is gone
    assert _base_site_packages() == system_packages


def _double_click(entry: Path, display: str, somewhere: Path) -> None:
    """Start the menu entry as a file manager does (``gio launch``), see its window, close it.
    Everything the app writes goes to ``somewhere``, not to the installing user's home."""
    env = {"HOME": str(somewhere), "PATH": SYSTEM_PATH, "DISPLAY": display,
           "GREENGET_HOME": str(somewhere / "state"), "XDG_CONFIG_HOME": str(somewhere / "config"),
           "XDG_CACHE_HOME": str(somewhere / "cache"), "XDG_DATA_HOME": str(somewhere / "data")}
    # Not through pipes: the app inherits gio's stdout and stderr and keeps them open.
    launched = subprocess.run(["gio", "launch", str(entry)], env=env, timeout=60,
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    assert launched.returncode == 0
    window = wait_for_window(display, "Greenget", None)
    assert window, "the menu entry opened no window"
    pid = int(_run(["xdotool", "getwindowpid", window], {**env}, somewhere.parent).stdout)
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{pid}").exists()


@pytest.mark.skipif(old_python() is None, reason="no Python older than 3.11 on this machine")
def test_install_refuses_an_old_python_in_one_sentence(tmp_path) -> None:
    old = old_python()
    env = {"HOME": str(tmp_path), "PATH": SYSTEM_PATH, "PYTHON": str(old)}
    result = _run([str(ROOT / "scripts/install")], env, tmp_path, timeout=300)
    assert result.returncode == 1
    minor = old.name.removeprefix("python")
    assert result.stderr.strip().splitlines() == [
        f"greenget install: Greenget needs Python 3.11 or newer, and {old} is {minor}; install a "
        f"newer one and run PYTHON=/path/to/python3.11 scripts/install."
    ]
    assert not (tmp_path / ".local").exists()


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    lines = [line for line in readme.splitlines() if line.startswith("./scripts/install --test ")]
    assert lines == ["./scripts/install --test && .venv/bin/python -m pytest"]
    ci = (ROOT / ".ci/run").read_text()
    assert "grep -E '^\\./scripts/install --test ' README.md" in ci and 'eval "$command"' in ci
