"""Start-up that explains itself: no display, a missing Qt library, Qt's own fatal
errors -> one sentence on stderr and exit status 1, never a signal; with a display,
the window really opens (Xvfb)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from gui.startup_check import package_for, xcb_plugin
from tests.pythons import old_python
from tests.servers.harness import wait_for_window

ROOT = Path(__file__).resolve().parents[2]
HIDDEN = "libxcb-cursor.so.0"  # the library Debian's minimal desktops most often lack


def launch(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gui", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def environment(state_home: Path, **changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return {**env, "GREENGET_HOME": str(state_home), **changes}


def one_sentence(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, (result.returncode, result.stderr)  # not -6 (SIGABRT)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.skipif(old_python() is None, reason="no Python older than 3.11 on this machine")
def test_an_old_python_says_so(state_home) -> None:
    old = old_python()
    result = subprocess.run([str(old), "-m", "gui"], env=environment(state_home), cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    line = one_sentence(result)
    assert line.startswith(f"greenget: needs Python 3.11 or newer, and {old} is Python 3.")


def test_no_display_says_so(state_home) -> None:
    line = one_sentence(launch(environment(state_home)))
    assert line.startswith("greenget: there is no display") and "DISPLAY is not set" in line
    assert "greenget get URL" in line


def test_a_display_nobody_serves_says_so(state_home) -> None:
    number = next(n for n in range(4000, 5000) if not Path(f"/tmp/.X11-unix/X{n}").exists()
                  and not _abstract_x_socket_answers(n))
    line = one_sentence(launch(environment(state_home, DISPLAY=f":{number}")))
    assert f"cannot connect to the X display :{number}" in line


def _abstract_x_socket_answers(number: int) -> bool:
    with socket.socket(socket.AF_UNIX) as probe:
        try:
            probe.connect(f"\0/tmp/.X11-unix/X{number}")
            return True
        except OSError:
            return False


def test_qt_fatal_errors_exit_1_with_the_reason(state_home) -> None:
    # A platform Qt does not have: past our own checks, Qt's qFatal reaches the handler.
    line = one_sentence(launch(environment(state_home, QT_QPA_PLATFORM="no-such-platform")))
    assert line.startswith("greenget: Qt stopped:") and "no-such-platform" in line
    assert "no-such-platform" in (state_home / "greenget-gui.log").read_text()


def test_a_library_whose_dependency_is_gone_is_named(tmp_path) -> None:
    """A real shared object linked against a real library that is then deleted."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc is not installed")
    (tmp_path / "gone.c").write_text("int gone(void) { return 1; }\n")
    (tmp_path / "plugin.c").write_text("int gone(void); int plugin(void) { return gone(); }\n")
    gone = tmp_path / "libgreenget-gone.so.1"
    subprocess.run(["gcc", "-shared", "-fPIC", "-Wl,-soname,libgreenget-gone.so.1", "-o",
                    str(gone), str(tmp_path / "gone.c")], check=True)
    plugin = tmp_path / "libplugin.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(plugin), str(tmp_path / "plugin.c"),
                    str(gone), "-Wl,-rpath,$ORIGIN"], check=True)
    assert _missing_in_a_fresh_process(plugin) == "[]"
    gone.unlink()
    assert _missing_in_a_fresh_process(plugin) == "['libgreenget-gone.so.1']"


def _missing_in_a_fresh_process(library: Path) -> str:
    """As the launcher asks: once, in a process that has not loaded it yet."""
    code = f"from gui.startup_check import missing_libraries as m; print(m({str(library)!r}))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    return result.stdout.strip()


def test_package_names_agree_with_dpkg() -> None:
    """For every system library Qt's xcb plugin loads, the package we would tell the user
    to install is the one dpkg says the library came from."""
    plugin = xcb_plugin()
    if plugin is None or shutil.which("dpkg") is None or shutil.which("ldd") is None:
        pytest.skip("needs PySide6's xcb plugin, ldd and dpkg")
    listing = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True).stdout
    compared = 0
    for soname, path in re.findall(r"^\s*(\S+) => (/\S+)", listing, re.MULTILINE):
        if Path(path).is_relative_to(plugin.parents[3]):
            continue  # Qt's own, from PySide6
        owner = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True,
                               text=True).stdout or subprocess.run(
            ["dpkg", "-S", path], capture_output=True, text=True).stdout
        package = owner.split(":")[0].removesuffix("t64")  # Ubuntu's 64-bit time renames
        assert package_for(soname) == package, soname
        compared += 1
    assert compared > 20


@pytest.fixture
def without_xcb_cursor(tmp_path):
    """A mount namespace (Linux, root) in which HIDDEN is not installed: an overlay on the
    library folder whose upper layer whites it out.  Yields a command prefix."""
    installed = _system_path(HIDDEN)
    if os.geteuid() != 0 or shutil.which("unshare") is None or installed is None:
        pytest.skip(f"needs root, unshare and {HIDDEN} installed")
    folder = Path(os.path.realpath(installed)).parent
    upper, work = tmp_path / "upper", tmp_path / "work"
    upper.mkdir()
    work.mkdir()
    for name in os.listdir(folder):
        if name.startswith(HIDDEN):
            os.mknod(upper / name, 0o600 | 0o020000, os.makedev(0, 0))  # overlayfs whiteout
    mount = (f"mount -t overlay overlay -o lowerdir={folder},upperdir={upper},workdir={work} "
             f"{folder}")
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"{mount} && ! test -e {folder}/{HIDDEN}"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot overlay {folder} here: {probe.stderr.strip()}")
    return ["unshare", "-m", "sh", "-c", f'{mount} && exec "$0" "$@"']


def _system_path(soname: str) -> str | None:
    listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    found = re.search(rf"^\s*{re.escape(soname)} .*=> (\S+)$", listing, re.MULTILINE)
    return found[1] if found else None


def test_a_missing_xcb_library_names_its_package(without_xcb_cursor, xvfb, state_home) -> None:
    command = [*without_xcb_cursor, sys.executable, "-m", "gui"]
    result = subprocess.run(command, env=environment(state_home, DISPLAY=xvfb), cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    line = one_sentence(result)
    assert f"{HIDDEN} is missing" in line
    assert line.endswith("sudo apt-get install libxcb-cursor0")


@pytest.mark.timeout(120)
def test_the_window_opens_on_a_real_display(xvfb, state_home, tmp_path) -> None:
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed")
    env = environment(state_home, DISPLAY=xvfb, HOME=str(tmp_path),
                      XDG_CONFIG_HOME=str(tmp_path / ".config"))
    app = subprocess.Popen([sys.executable, "-m", "gui"], env=env, cwd=ROOT,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for_window(xvfb, "Greenget", app), f"no Greenget window; exit {app.poll()}"
    finally:
        app.send_signal(signal.SIGTERM)
        _, stderr = app.communicate(timeout=30)
    assert app.returncode == 0, stderr
