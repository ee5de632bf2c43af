"""``greenget --install-desktop-entry``: the applications-menu entry and icon
for the current user (freedesktop: ``~/.local/share``)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
_RESERVED = set(' \t\n"\'\\><~|&;$*?#()`')


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def quote(argument: str) -> str:
    """One argument of a desktop entry's ``Exec`` key, quoted if it must be."""
    if argument and not (_RESERVED & set(argument)):
        return argument.replace("%", "%%")
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    return '"' + escaped.replace("%", "%%") + '"'


def launch_command() -> list[str]:
    """How the menu entry starts Greenget: the ``greenget-gui`` script next to
    this interpreter or on PATH, else this interpreter with ``-m gui``."""
    beside = Path(sys.executable).with_name("greenget-gui")
    found = beside if beside.exists() else shutil.which("greenget-gui")
    if found:
        return [str(found)]
    return [sys.executable, "-m", "gui"]


def install(home: Path | None = None) -> list[Path]:
    """Write the entry and icons under ``home`` (default: the XDG data home);
    returns the files written."""
    home = home or data_home()
    written: list[Path] = []
    entry = home / "applications" / "greenget.desktop"
    entry.parent.mkdir(parents=True, exist_ok=True)
    exec_line = " ".join(quote(arg) for arg in launch_command()) + " %U"
    lines = [
        f"Exec={exec_line}" if line.startswith("Exec=") else line
        for line in (RESOURCES / "greenget.desktop").read_text(encoding="utf-8").splitlines()
    ]
    entry.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written.append(entry)
    icons = home / "icons" / "hicolor"
    targets = {
        RESOURCES / "greenget.svg": icons / "scalable" / "apps" / "greenget.svg",
        **{
            RESOURCES / "icons" / f"greenget-{n}.png": icons / f"{n}x{n}" / "apps" / "greenget.png"
            for n in ICON_SIZES
        },
    }
    for source, target in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    return written


def main() -> int:
    if sys.platform in ("win32", "darwin"):
        print("greenget: --install-desktop-entry is for Linux and other freedesktop systems")
        return 1
    try:
        written = install()
    except OSError as exc:
        print(f"greenget: could not install the desktop entry: {exc}", file=sys.stderr)
        return 1
    print(f"Installed {written[0]} and {len(written) - 1} icon files.")
    print("Greenget now appears in your applications menu.")
    return 0
