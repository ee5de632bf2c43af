"""``greenget --install-desktop-entry`` / ``--uninstall-desktop-entry``: the
applications-menu entry and icons for the current user (freedesktop: ``~/.local/share``)."""

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


def _icon_files(home: Path) -> dict[Path, Path]:
    """Each icon Greenget ships and where it goes under ``home``."""
    icons = home / "icons" / "hicolor"
    return {
        RESOURCES / "greenget.svg": icons / "scalable" / "apps" / "greenget.svg",
        **{
            RESOURCES / "icons" / f"greenget-{n}.png": icons / f"{n}x{n}" / "apps" / "greenget.png"
            for n in ICON_SIZES
        },
    }


def _entry_file(home: Path) -> Path:
    return home / "applications" / "greenget.desktop"


def install(home: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Write the entry and icons under ``home`` (default: the XDG data home; a
    package's ``usr/share``) to start ``command`` (default: :func:`launch_command`);
    returns the files written."""
    home = home or data_home()
    entry = _entry_file(home)
    entry.parent.mkdir(parents=True, exist_ok=True)
    exec_line = " ".join(quote(arg) for arg in command or launch_command()) + " %U"
    lines = [
        f"Exec={exec_line}" if line.startswith("Exec=") else line
        for line in (RESOURCES / "greenget.desktop").read_text(encoding="utf-8").splitlines()
    ]
    entry.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written = [entry]
    for source, target in _icon_files(home).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    return written


def uninstall(home: Path | None = None) -> list[Path]:
    """Remove what :func:`install` writes (and nothing else); returns the files removed."""
    home = home or data_home()
    removed = []
    for path in [_entry_file(home), *_icon_files(home).values()]:
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed


def main(remove: bool = False) -> int:
    """``--install-desktop-entry`` (or, with ``remove``, ``--uninstall-desktop-entry``)."""
    if sys.platform in ("win32", "darwin"):
        print("greenget: the desktop entry is for Linux and other freedesktop systems",
              file=sys.stderr)
        return 1
    try:
        changed = uninstall() if remove else install()
    except OSError as exc:
        print(f"greenget: could not change the desktop entry: {exc}", file=sys.stderr)
        return 1
    if remove:
        print(f"Removed the desktop entry and icons ({len(changed)} files).")
    else:
        print(f"Installed {changed[0]} and {len(changed) - 1} icon files.")
        print("Greenget now appears in your applications menu.")
    return 0
